/**
 * The reference store: the whole directory in memory, with real transactions (serialised, all-or-nothing).
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { checkedInOneRead, Directory, type DirectoryTransaction } from "./Directory.js"
import { apiTokenOperations } from "./internal/memory/apiTokenOperations.js"
import { auditOperations } from "./internal/memory/auditOperations.js"
import { gidLedgerOperations } from "./internal/memory/gidLedgerOperations.js"
import { groupOperations } from "./internal/memory/groupOperations.js"
import { membershipOperations } from "./internal/memory/membershipOperations.js"
import { sessionOperations } from "./internal/memory/sessionOperations.js"
import { settingsOperations } from "./internal/memory/settingsOperations.js"
import { signInCounterOperations } from "./internal/memory/signInCounterOperations.js"
import { emptyState, type ListingKeys, memoryContext, rollback, type Undo } from "./internal/memory/state.js"
import { userOperations } from "./internal/memory/userOperations.js"
import { guarded } from "./TransactionBody.js"

const make = Effect.gen(function* () {
  const state = emptyState()
  const listingKeys: ListingKeys = new WeakMap()
  const lock = yield* Effect.makeSemaphore(1)

  const transaction = (undo: Undo | null): DirectoryTransaction => {
    const context = memoryContext(state, listingKeys, undo)
    return {
      isEmpty: Effect.sync(() => state.users.size === 0 && state.groups.size === 0),
      ...userOperations(context),
      ...groupOperations(context),
      ...membershipOperations(context),
      ...gidLedgerOperations(context),
      ...sessionOperations(context),
      ...apiTokenOperations(context),
      ...signInCounterOperations(context),
      ...settingsOperations(context),
      ...auditOperations(context)
    }
  }

  // Its operations never wait, so a body that waits waits on something else (see TransactionBody).
  const read: Directory["Type"]["read"] = (body) =>
    lock.withPermits(1)(Effect.suspend(() => guarded(body(transaction(null)), () => false)))
  return Directory.of({
    read,
    readAfterCheck: checkedInOneRead(read),
    write: (body, completion = "commit") =>
      lock.withPermits(1)(
        Effect.suspend(() => {
          const undo: Undo = []
          return guarded(body(transaction(undo)), () => false).pipe(
            Effect.onExit((exit) =>
              exit._tag === "Failure" || completion === "rollback" ? rollback(undo) : Effect.void
            )
          )
        })
      )
  })
})

/**
 * An empty in-memory directory, new each time the layer is built.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<Directory> = Layer.effect(Directory, make)
