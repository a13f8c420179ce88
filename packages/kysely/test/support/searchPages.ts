/**
 * A search's pages checked against the matching usernames sorted: the same users whichever way the store reads a page
 * (a walk of the username index, stopped or not, or every match sorted).
 */
import { expect } from "@effect/vitest"
import * as Actor from "@user-manager/core/Actor"
import { ExactTotalLimit } from "@user-manager/core/Page"
import { Users } from "@user-manager/core/Users"
import { Effect } from "effect"

/** A page to check: the total counted up to `cap` (0: every match), at `offset`, with the total and exactness expected. */
export type PageCase = readonly [cap: number, offset: number, total: number, exact: boolean]

/**
 * The pages of 50 users that `search` finds at each case's offset, in both orders, are the `matching` usernames sorted,
 * with the total expected and whether it is exact.
 */
export const expectSearchPages = (search: string, matching: ReadonlyArray<string>, cases: ReadonlyArray<PageCase>) =>
  Effect.gen(function* () {
    const users = yield* Users
    const sorted = [...matching].sort()
    for (const order of ["asc", "desc"] as const) {
      const expected = order === "asc" ? sorted : [...sorted].reverse()
      for (const [cap, offset, total, exact] of cases) {
        const page = yield* users
          .list(Actor.user("admin"), { search, order, limit: 50, offset })
          .pipe(Effect.provideService(ExactTotalLimit, cap))
        expect([order, offset, page.total, page.totalExact, page.items.map((user) => user.username)]).toEqual([
          order,
          offset,
          total,
          exact,
          expected.slice(offset, offset + 50)
        ])
      }
    }
  })

/**
 * Users whose search texts hold letters beyond ASCII, an apostrophe, dots and emails, for searches of one or two
 * characters; created in `staff`.
 */
export const createShortTermUsers = Effect.gen(function* () {
  const users = yield* Users
  for (const [username, firstName, lastName, email] of [
    ["zoe", "Zoë", "Ångström", "zoe@example.org"],
    ["oneil", "Pat", "O'Neil", null],
    ["li.wei", "Li", "Wei", "li.wei@example.cn"]
  ] as const) {
    yield* users.create(Actor.user("admin"), {
      username,
      firstName,
      lastName,
      ...(email === null ? {} : { email }),
      groups: ["staff"]
    })
  }
})

/** Terms of one or two characters: beyond ASCII, upper case, punctuation, held by many, by none. */
export const SHORT_TERMS = ["ë", "ZO", "'n", "@e", ".w", "å", "ng", "i.", "e", "zz", "ö", "\u{1F600}"] as const

/**
 * Each term finds, in both orders, exactly the users `holding` it (their usernames in order), with that total.
 */
export const expectFound = (
  terms: ReadonlyArray<string>,
  holding: (term: string) => Effect.Effect<ReadonlyArray<string>>
) =>
  Effect.forEach(terms, (term) =>
    Effect.gen(function* () {
      const users = yield* Users
      const expected = yield* holding(term)
      for (const order of ["asc", "desc"] as const) {
        const page = yield* users.list(Actor.user("admin"), { search: term, order, limit: 100 })
        expect([term, order, page.total, page.items.map((user) => user.username)]).toEqual([
          term,
          order,
          expected.length,
          order === "asc" ? expected : [...expected].reverse()
        ])
      }
    })
  )
