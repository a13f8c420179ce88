import { userInfo } from "node:os"
import { Writable } from "node:stream"
import type { Group } from "@user-manager/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { groups, printList } from "../src/Output.js"
import { sandbox } from "./support/dt.js"

const group = (name: string) =>
  ({
    name,
    gid: 1000,
    members: ["a", "b"],
    createdAt: new Date(0),
    updatedAt: new Date(0),
    version: 1
  }) as unknown as Group.Group

/** A slow reader: takes one chunk every few milliseconds, and says it is full after 16 bytes. */
const slowPipe = () => {
  const chunks: Array<string> = []
  const stream = new Writable({
    highWaterMark: 16,
    write: (chunk: Buffer, _encoding, done) => {
      chunks.push(chunk.toString())
      setTimeout(done, 5)
    }
  })
  return { stream, chunks }
}

describe("Output", () => {
  it("fetches the next page of a list only once the output has taken the last one", async () => {
    for (const format of [
      { pretty: false, json: false },
      { pretty: false, json: true }
    ]) {
      const { stream, chunks } = slowPipe()
      const waiting: Array<number> = []
      await Effect.runPromise(
        printList(
          groups,
          format,
          "me",
          (emit) =>
            Effect.gen(function* () {
              for (let page = 0; page < 4; page++) {
                waiting.push(stream.writableLength)
                yield* emit([group(`g${page}a`), group(`g${page}b`)])
              }
            }),
          stream
        )
      )
      // Below the high-water mark (16 bytes) each time: nothing of an earlier page was left queued.
      expect(Math.max(...waiting)).toBeLessThan(16)
      const text = chunks.join("")
      if (format.json) expect(JSON.parse(text)).toHaveLength(8)
      else expect(text.trim().split("\n")).toHaveLength(8)
    }
  })
})

describe("dt: output into a pipe", () => {
  it("ends quietly with exit 0 when the reader has gone away (dt user ls | head)", async () => {
    const { dt } = sandbox()
    expect((await dt("init")).code).toBe(0)
    for (const command of ["user ls", "user ls -j", `user get ${userInfo().username}`, "--help"]) {
      const run = await dt(command, { closeStdout: true })
      expect(run.stderr, command).toBe("")
      expect(run.code, command).toBe(0)
    }
  })
})
