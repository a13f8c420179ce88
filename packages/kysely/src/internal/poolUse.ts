/** How many connections a pool may hold, how many are lent out, and how many callers wait for one. */
export interface PoolUse {
  readonly size: number
  readonly inUse: number
  readonly waiting: number
}

/** The pools' figures, by the database opened over them (PostgreSQL and MySQL; SQLite has no pool). */
const pools = new WeakMap<object, () => PoolUse>()

/** Remembers how to read the use of the pool under `db`; returns `db`. */
export const withPoolUse = <DB extends object>(db: DB, use: () => PoolUse): DB => {
  pools.set(db, use)
  return db
}

/** How to read the use of the pool under `db`, when it has one of ours. */
export const poolUseOf = (db: object): (() => PoolUse) | undefined => pools.get(db)
