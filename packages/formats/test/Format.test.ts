import { describe, expect, it } from "@effect/vitest"
import { formatOf } from "../src/Format.js"

describe("formatOf", () => {
  it("guesses the format from the file name's extension, whatever its case", () => {
    expect(formatOf("users.csv")).toBe("csv")
    expect(formatOf("/tmp/Export.CSV")).toBe("csv")
    expect(formatOf("users.jsonl")).toBe("jsonl")
    expect(formatOf("users.ndjson")).toBe("jsonl")
    expect(formatOf("dir/directory.json")).toBe("json")
  })

  it("takes a file named passwd for a host's passwd file", () => {
    expect(formatOf("/etc/passwd")).toBe("passwd")
    expect(formatOf("backup/passwd")).toBe("passwd")
  })

  it("has no guess for any other name", () => {
    expect(formatOf("users.txt")).toBeUndefined()
    expect(formatOf("users")).toBeUndefined()
    expect(formatOf(".csv")).toBeUndefined()
    expect(formatOf("-")).toBeUndefined()
    expect(formatOf("/etc/shadow")).toBeUndefined()
  })
})
