/**
 * The storage contract: every rule of the domain, proved through the services on a given store. Every store (the
 * in-memory one here, the SQL ones in `@user-manager/kysely`) runs this same suite unchanged. Its suites follow the
 * concerns of the `Directory` port: bootstrap, user administration, credentials, groups, memberships, the GID ledger,
 * listing, record filters, the audit trail, export, transactions, bulk import, bulk actions and the directory's settings (sessions and the sign-in throttle have their own
 * contracts).
 */
import type { PasswordHasher } from "@user-manager/core/PasswordHasher"
import type { Layer } from "effect"
import type { StoreLayer } from "./fixture.js"
import { auditContract } from "./internal/auditContract.js"
import { bootstrapContract } from "./internal/bootstrapContract.js"
import { bulkActionsContract } from "./internal/bulkActionsContract.js"
import { bulkWritesContract } from "./internal/bulkWritesContract.js"
import { credentialsContract } from "./internal/credentialsContract.js"
import { exportContract } from "./internal/exportContract.js"
import { filterContract } from "./internal/filterContract.js"
import { gidLedgerContract } from "./internal/gidLedgerContract.js"
import { groupsContract } from "./internal/groupsContract.js"
import { harness } from "./internal/harness.js"
import { importContract } from "./internal/importContract.js"
import { listingContract } from "./internal/listingContract.js"
import { membershipsContract } from "./internal/membershipsContract.js"
import { membersOnDemandContract } from "./internal/membersOnDemandContract.js"
import { pruneContract } from "./internal/pruneContract.js"
import { settingsContract } from "./internal/settingsContract.js"
import { tokensContract } from "./internal/tokensContract.js"
import { transactionsContract } from "./internal/transactionsContract.js"
import { userAdministrationContract } from "./internal/userAdministrationContract.js"

/** Runs the storage contract against a store. */
export const directoryContract = (name: string, store: StoreLayer, hasher: Layer.Layer<PasswordHasher>) => {
  const tools = harness(store, hasher)
  bootstrapContract(name, tools)
  userAdministrationContract(name, tools)
  credentialsContract(name, tools)
  groupsContract(name, tools)
  membershipsContract(name, tools)
  membersOnDemandContract(name, tools)
  gidLedgerContract(name, tools)
  listingContract(name, tools)
  filterContract(name, tools)
  auditContract(name, tools)
  exportContract(name, tools)
  transactionsContract(name, tools)
  importContract(name, tools)
  pruneContract(name, tools)
  bulkWritesContract(name, tools)
  bulkActionsContract(name, tools)
  settingsContract(name, tools)
  tokensContract(name, tools)
}
