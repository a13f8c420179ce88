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
