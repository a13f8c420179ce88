import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type TableNode,
  type UnknownRow
} from "kysely"

/** The manager's tables; any other name in a query (an alias such as `m`) is left alone. */
const TABLES = new Set([
  "users",
  "users_fts",
  "users_fts_key",
  "users_fts_pairs",
  "user_search",
  "groups",
  "memberships",
  "gid_ledger",
  "meta",
  "audit",
  "audit_subjects",
  "sessions",
  "api_tokens",
  "sign_in_attempts",
  "settings"
])

class PrefixTransformer extends OperationNodeTransformer {
  constructor(readonly prefix: string) {
    super()
  }

  protected override transformTable(node: TableNode): TableNode {
    const table = super.transformTable(node)
    const name = table.table.identifier.name
    if (!TABLES.has(name)) return table
    return {
      ...table,
      table: { ...table.table, identifier: { ...table.table.identifier, name: `${this.prefix}${name}` } }
    }
  }
}

/** Puts the host's prefix before every table name, so that the manager's tables live beside the host's own. */
export class TablePrefixPlugin implements KyselyPlugin {
  readonly #transformer: PrefixTransformer

  constructor(prefix: string) {
    this.#transformer = new PrefixTransformer(prefix)
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node)
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result)
  }
}
