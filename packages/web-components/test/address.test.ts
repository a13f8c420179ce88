import { describe, expect, it } from "vitest"
import { readAddress, writeAddress } from "../src/internal/address.js"

describe("the address of <user-manager sync-url>", () => {
  it("reads the defaults from an empty query, and a value it cannot use as its default", () => {
    const defaults = { tab: "users", search: "", sort: "username", order: "asc", page: 1, size: 50 }
    expect(readAddress("")).toMatchObject(defaults)
    expect(readAddress("?tab=audit&sort=password&page=-2&size=7&enabled=maybe")).toMatchObject({
      ...defaults,
      enabled: undefined
    })
  })

  it("writes only what differs from the defaults, keeps the host's parameters, and reads back what it wrote", () => {
    const address = {
      tab: "groups",
      search: "smith & co",
      sort: "email",
      order: "desc",
      page: 3,
      size: 100,
      enabled: false,
      system: true,
      group: "staff",
      user: "jdoe"
    } as const
    const query = writeAddress("?host=1&page=9", address)
    expect(query).toBe(
      "?host=1&tab=groups&q=smith+%26+co&sort=email%3Adesc&enabled=false&system=true&group=staff&page=3&size=100&user=jdoe"
    )
    expect(readAddress(query)).toEqual(address)
    expect(writeAddress("?host=1", readAddress(""))).toBe("?host=1")
    expect(writeAddress("", readAddress(""))).toBe("")
  })
})
