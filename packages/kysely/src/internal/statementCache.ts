/**
 * Statements compiled once and run many times with new parameters: Kysely would build and compile a query again on
 * every call, which costs more than an indexed lookup.
 */
import type { Compilable, CompiledQuery } from "kysely"

/** A statement a transaction runs: a query builder, or a query compiled ahead. */
export type Query<R> = Compilable<R> | CompiledQuery<R>

/** The compiled form of a statement. */
export const compiled = <R>(query: Query<R>): CompiledQuery<R> => ("compile" in query ? query.compile() : query)

/** A compiled statement run with other parameters (the same number, in the same places). */
const withParameters = <Row>(compiled: CompiledQuery<Row>, parameters: ReadonlyArray<unknown>): CompiledQuery<Row> => ({
  query: compiled.query,
  queryId: compiled.queryId,
  sql: compiled.sql,
  parameters
})

/**
 * A query compiled once (with placeholder parameters) and run with the caller's parameters, in the same order; a
 * lookup, planned once for each connection.
 */
export const compiledOnce = <Row>(query: Compilable<Row>) => {
  const compiled = planOnce(query.compile())
  return { with: (parameters: ReadonlyArray<unknown>): CompiledQuery<Row> => withParameters(compiled, parameters) }
}

/** The place of a value in a statement compiled once for its shape: the index of the value the caller gives. */
class Slot {
  constructor(readonly index: number) {}
}

/** A statement compiled with slots: for each of its parameters, the caller's value it takes (-1: a constant). */
interface Shape {
  readonly compiled: CompiledQuery<unknown>
  readonly slots: ReadonlyArray<number>
}

const shapeOf = (compiled: CompiledQuery<unknown>): Shape => ({
  compiled,
  slots: compiled.parameters.map((parameter) => (parameter instanceof Slot ? parameter.index : -1))
})

/**
 * The statements a server may plan once for each connection and run again with new values, by their SQL, with the name
 * each is prepared under. Planning a lookup by key on `users` (16 indexes to weigh) costs PostgreSQL more than running
 * it: a user with their groups, 0.42 ms a statement planned each time, 0.14 ms prepared. Only statements whose best
 * plan is the same whatever their values are listed: a search's plan depends on its pattern, so it is planned each time.
 */
const plannedOnce = new Map<string, string>()

/** Lists a statement as one to plan once for each connection (see `plannedOnce`); answers it unchanged. */
export const planOnce = <R>(compiled: CompiledQuery<R>): CompiledQuery<R> => {
  if (!plannedOnce.has(compiled.sql)) plannedOnce.set(compiled.sql, `dt_${plannedOnce.size + 1}`)
  return compiled
}

/** The name a statement is prepared under, when it is one to plan once. */
export const preparedName = (sql: string): string | undefined => plannedOnce.get(sql)

/** How a shape's statement is planned: once for each connection (the default), or on each call, for its values. */
export interface ShapeOptions {
  readonly planEachCall?: boolean
}

/**
 * Builds a statement of a shape (named by the caller) with the call's parameters. A shape is planned once for each
 * connection unless it says `planEachCall`: every shape whose best plan depends on its values must say it.
 */
export type Shaped = <R>(
  shape: string,
  parameters: ReadonlyArray<unknown>,
  build: (slots: ReadonlyArray<unknown>) => CompiledQuery<R>,
  options?: ShapeOptions
) => CompiledQuery<R>

/**
 * Statements compiled once, the first time their shape is asked for, with a placeholder (a `Slot`) where each of the
 * call's parameters goes; every call then runs the compiled SQL with its own parameters. The shapes are a list's kind
 * of statement, search, sort and order (~120 at most) and a membership read's size (11 a key); they are kept for the
 * directory's life.
 */
export const shapeCache = (): Shaped => {
  const shapes = new Map<string, Shape>()
  return <R>(
    shape: string,
    parameters: ReadonlyArray<unknown>,
    build: (slots: ReadonlyArray<unknown>) => CompiledQuery<R>,
    options?: ShapeOptions
  ): CompiledQuery<R> => {
    let made = shapes.get(shape)
    if (made === undefined) {
      const compiled = build(parameters.map((_, index) => new Slot(index)))
      made = shapeOf(options?.planEachCall === true ? compiled : planOnce(compiled))
      shapes.set(shape, made)
    }
    return withParameters(
      made.compiled as CompiledQuery<R>,
      made.slots.map((slot, index) => (slot < 0 ? made.compiled.parameters[index] : parameters[slot]))
    )
  }
}

/** The items followed by their last one as often as it takes to make a power of two of them (at least one item). */
export const padToPowerOfTwo = <A>(items: ReadonlyArray<A>): ReadonlyArray<A> => {
  const size = 2 ** Math.ceil(Math.log2(items.length))
  if (size === items.length) return items
  const padded = items.slice()
  const last = items[items.length - 1] as A
  while (padded.length < size) padded.push(last)
  return padded
}
