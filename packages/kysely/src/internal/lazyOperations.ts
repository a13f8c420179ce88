/**
 * A transaction's operations, each group built on first use. A group (the users', the groups', the audit's, …) is a
 * function of the transaction's context that returns its operations as closures. Building all of them for every
 * transaction made dozens of closures that most transactions never call (a read of one user calls one); built on use,
 * a read of one user takes about 15% less (SQLite, 1,000,000 users: 0.16–0.19 ms against 0.18–0.22). The names each
 * group gives are learned once, from a sample context, as getters on a prototype shared by every transaction of the
 * store; the first call of one of a group's operations builds that group for the transaction.
 */

/** A group of operations: a function of the transaction's context. */
type Group<C> = (context: C) => object

/** Every group's operations in one type, as the spread of their objects would have. */
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never

// Symbols, so that no operation's name can meet them.
const context = Symbol("context")
const built = Symbol("built")

interface Instance<C> {
  readonly [context]: C
  readonly [built]: Array<Record<string, unknown> | undefined>
}

/**
 * The constructor of a transaction's operations over `groups`, whose names are read from `sample` (building a group
 * must have no effect beyond making its closures). A name given by two groups is the later group's, as when the
 * groups' objects are spread one after the other.
 */
export const lazyOperations = <C, const G extends ReadonlyArray<Group<C>>>(
  groups: G,
  sample: C
): ((context: C) => Intersection<ReturnType<G[number]>>) => {
  const prototype = {}
  groups.forEach((group, index) => {
    for (const name of Object.keys(group(sample))) {
      Object.defineProperty(prototype, name, {
        configurable: true,
        enumerable: true,
        get(this: Instance<C>) {
          const operations = this[built][index] ?? (group(this[context]) as Record<string, unknown>)
          this[built][index] = operations
          return operations[name]
        }
      })
    }
  })
  return (of) => {
    const instance = Object.create(prototype) as { [context]: C; [built]: Instance<C>[typeof built] }
    instance[context] = of
    instance[built] = []
    return instance as unknown as Intersection<ReturnType<G[number]>>
  }
}
