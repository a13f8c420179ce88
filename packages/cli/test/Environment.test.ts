import { ConfigProvider, Effect, Option } from "effect"
import { describe, expect, it } from "vitest"
import { actorName, databasePreparedStatements, databaseTimeouts, databaseUrl } from "../src/Environment.js"

/** Runs an effect with these environment variables and no others, through Effect's `Config`. */
const withEnvironment = <A, E>(variables: Record<string, string>, effect: Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.withConfigProvider(effect, ConfigProvider.fromMap(new Map(Object.entries(variables)))))

describe("Environment: the variables are read through Effect's Config", () => {
  it("takes --database, else DT_DATABASE_URL, else the SQLite file under XDG_DATA_HOME; an empty variable is unset", async () => {
    const base = { XDG_DATA_HOME: "/data" }
    expect(await withEnvironment(base, databaseUrl(Option.some("sqlite:a.db")))).toBe("sqlite:a.db")
    expect(await withEnvironment({ ...base, DT_DATABASE_URL: "sqlite:b.db" }, databaseUrl(Option.none()))).toBe(
      "sqlite:b.db"
    )
    expect(await withEnvironment({ ...base, DT_DATABASE_URL: "" }, databaseUrl(Option.none()))).toBe(
      "sqlite:/data/dt/dt.db"
    )
  })

  it("acts as --as, else DT_USER, else the login name", async () => {
    expect(await withEnvironment({ DT_USER: "carol" }, actorName(Option.some("bob")))).toBe("bob")
    expect(await withEnvironment({ DT_USER: "carol" }, actorName(Option.none()))).toBe("carol")
    expect(await withEnvironment({ DT_USER: "" }, actorName(Option.none()))).not.toBe("")
  })

  it("reads the store's timeouts in seconds, and refuses one that is not a number of seconds", async () => {
    expect(await withEnvironment({ DT_DATABASE_CONNECT_TIMEOUT: "2.5" }, databaseTimeouts())).toEqual({
      connectMs: 2500
    })
    const refused = await withEnvironment({ DT_DATABASE_STATEMENT_TIMEOUT: "soon" }, Effect.flip(databaseTimeouts()))
    expect(refused.message).toContain("DT_DATABASE_STATEMENT_TIMEOUT")
  })

  it("turns PostgreSQL's prepared lookups off with DT_DATABASE_PREPARED_STATEMENTS=off, and refuses a word but on or off", async () => {
    expect(await withEnvironment({}, databasePreparedStatements())).toBeUndefined()
    expect(await withEnvironment({ DT_DATABASE_PREPARED_STATEMENTS: "off" }, databasePreparedStatements())).toBe(false)
    expect(await withEnvironment({ DT_DATABASE_PREPARED_STATEMENTS: "ON" }, databasePreparedStatements())).toBe(true)
    const refused = await withEnvironment(
      { DT_DATABASE_PREPARED_STATEMENTS: "no" },
      Effect.flip(databasePreparedStatements())
    )
    expect(refused.message).toBe("Invalid DT_DATABASE_PREPARED_STATEMENTS: it must be on or off, not 'no'.")
  })
})
