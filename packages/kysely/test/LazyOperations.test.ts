import { describe, expect, it } from "vitest"
import { lazyOperations } from "../src/internal/lazyOperations.js"

interface Context {
  readonly name: string
  readonly builds: Array<string>
}

const users = (context: Context) => {
  context.builds.push("users")
  return { findUser: (username: string) => `${context.name}:${username}`, shared: () => "users" }
}
const groups = (context: Context) => {
  context.builds.push("groups")
  return { findGroup: (name: string) => `${context.name}:${name}`, shared: () => "groups" }
}

describe("a transaction's operations", () => {
  const sample: Context = { name: "sample", builds: [] }
  const operations = lazyOperations([users, groups], sample)

  it("builds a group of operations for a transaction only when one of them is first used, and once", () => {
    const context: Context = { name: "tx", builds: [] }
    const transaction = operations(context)
    expect(context.builds).toEqual([])
    expect(transaction.findUser("john")).toBe("tx:john")
    expect(transaction.findUser("alice")).toBe("tx:alice")
    expect(context.builds).toEqual(["users"])
    expect(transaction.findGroup("developers")).toBe("tx:developers")
    expect(context.builds).toEqual(["users", "groups"])
  })

  it("gives each transaction its own operations over its own context", () => {
    const first = operations({ name: "first", builds: [] })
    const second = operations({ name: "second", builds: [] })
    expect([first.findUser("john"), second.findUser("john")]).toEqual(["first:john", "second:john"])
  })

  it("gives a name two groups share to the later group, as spreading their objects would", () => {
    expect(operations({ name: "tx", builds: [] }).shared()).toBe("groups")
    expect(sample.builds).toEqual(["users", "groups"])
  })
})
