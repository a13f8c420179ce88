// The formats package's readers and writers, typed as a strict host sees them.
import type { ImportRecord } from "@user-manager/core"
import { Csv, DirectoryDocument, Format, JsonLines, Passwd } from "@user-manager/formats"
import { Effect, Stream } from "effect"

export const format: Format.Format | undefined = Format.formatOf("users.csv")

export const entries: Stream.Stream<ImportRecord.ImportEntry, Format.FormatError> = Csv.read(
  Stream.make("username\nalice\n"),
  "user"
)

export const lines: Stream.Stream<ImportRecord.ImportEntry> = JsonLines.read(Stream.make('{"name":"staff"}\n'), "group")

export const host: Stream.Stream<ImportRecord.ImportEntry> = Passwd.read(
  { passwd: Stream.make("alice:x:1000:1000:Alice:/home/alice:/bin/sh\n"), group: Stream.make("alice:x:1000:\n") },
  { minUid: 1000, belowMinUid: "skip" }
)

export const document: Stream.Stream<string> = DirectoryDocument.write({
  groups: Stream.make({ name: "staff", gid: 1001 }),
  gids: Effect.succeed({ highWaterMark: 1001, used: [1001] }),
  users: Stream.make({ username: "alice", groups: ["staff"], createdAt: new Date(0) })
})
