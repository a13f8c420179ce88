/**
 * The refusals an endpoint declares: exactly those the core operation its handler runs can fail with, and, for a
 * request that carries a body, those the HTTP layer answers before the handler runs.
 */

import type * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import type * as HttpMethod from "@effect/platform/HttpMethod"
import type { Effect, Schema } from "effect"
import * as ApiError from "../../ApiError.js"

type Refusals = typeof ApiError.Refusal

/** The tag of a refusal the API answers with. */
type Tag = keyof Refusals

/** The tags of the errors of `Operation`: a function returning an Effect, or a union of such functions. */
// biome-ignore lint/suspicious/noExplicitAny: any function returning an Effect, whatever it takes
type TagsOf<Operation> = Operation extends (...args: any) => Effect.Effect<infer _A, infer E, infer _R>
  ? Extract<E extends { readonly _tag: infer T } ? T : never, Tag>
  : never

/** What the HTTP layer refuses in a body before any handler reads it: not JSON, nested too deep, or too large. */
const BODY_REFUSALS = ["InvalidInput", "PayloadTooLarge"] as const satisfies ReadonlyArray<Tag>

type BodyRefusal<Method extends HttpMethod.HttpMethod> = Method extends "GET" | "HEAD" | "OPTIONS"
  ? never
  : (typeof BODY_REFUSALS)[number]

/** The endpoint, with the refusals of the tags `T` added to its errors. */
type WithRefusals<Endpoint, T extends Tag> =
  Endpoint extends HttpApiEndpoint.HttpApiEndpoint<
    infer Name,
    infer Method,
    infer Path,
    infer UrlParams,
    infer Payload,
    infer Headers,
    infer Success,
    infer Error,
    infer R,
    infer RE
  >
    ? HttpApiEndpoint.HttpApiEndpoint<
        Name,
        Method,
        Path,
        UrlParams,
        Payload,
        Headers,
        Success,
        Error | Schema.Schema.Type<Refusals[T | BodyRefusal<Method>]>,
        R,
        RE
      >
    : never

/**
 * Declares the refusals of an endpoint whose handler runs `Operation` (a core service's method, or a union of the
 * methods it runs): `refusals<Users["Type"]["remove"]>()("UserNotFound", …)`. The tags listed must be exactly the
 * errors of the operation's signature: one it cannot fail with does not compile, and a missing one makes the result
 * something `pipe` cannot apply (the handler, which the builder checks against what is declared, would not compile
 * either). Endpoints whose request carries a body also declare the HTTP layer's refusals of a body.
 */
export const refusals =
  <Operation>() =>
  <const Tags extends ReadonlyArray<TagsOf<Operation>>>(...tags: Tags) =>
  <Endpoint extends HttpApiEndpoint.HttpApiEndpoint.Any>(
    endpoint: Endpoint
  ): [Exclude<TagsOf<Operation>, Tags[number]>] extends [never]
    ? WithRefusals<Endpoint, Tags[number]>
    : { readonly undeclared: Exclude<TagsOf<Operation>, Tags[number]> } => {
    const self = endpoint as unknown as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
    const body: ReadonlyArray<Tag> = self.method === "GET" ? [] : BODY_REFUSALS
    const all = [...new Set<Tag>([...tags, ...body])]
    return all.reduce((declared, tag) => declared.addError(ApiError.Refusal[tag]), self) as never
  }

/** What any operation of the core can be refused with: no actor, not allowed, a malformed input, the store. */
export const OPERATION = [
  "Unauthenticated",
  "Forbidden",
  "InvalidInput",
  "StorageError"
] as const satisfies ReadonlyArray<Tag>

/** What a change to the members of a group (from the user's side or the group's) can be refused with. */
export const MEMBERSHIP = [
  ...OPERATION,
  "UserNotFound",
  "GroupNotFound",
  "GroupMembershipRequired",
  "SystemUserImmutable",
  "LastAdmin",
  "SelfLockout",
  "NotAMember"
] as const satisfies ReadonlyArray<Tag>
