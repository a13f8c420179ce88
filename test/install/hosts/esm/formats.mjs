// A plain ESM JavaScript host reading a CSV of users with the published formats package and writing it back as JSON
// Lines. Prints what it saw as JSON for the test.
import { Csv, JsonLines } from "@user-manager/formats"
import { Chunk, Effect, Stream } from "effect"

const csv = 'username,firstName,groups,enabled\r\nalice,"Alice, the first","staff,ops",true\r\nbob,Bob,staff,maybe\r\n'
const entries = await Effect.runPromise(
  Stream.runCollect(Csv.read(Stream.make(new TextEncoder().encode(csv)), "user")).pipe(Effect.map(Chunk.toArray))
)
const users = entries.filter((entry) => entry.kind === "user").map((entry) => entry.record)
const jsonl = await Effect.runPromise(
  Stream.runCollect(JsonLines.writeUsers(Stream.fromIterable(users))).pipe(Effect.map((chunk) => Chunk.join(chunk, "")))
)
console.log(JSON.stringify({ entries, jsonl }))
