import { join } from "node:path"
import pg from "pg"
import { beforeAll, describe, expect, it } from "vitest"
import { eachLine, hostFiles, hostProject, pinned, succeed, tarball } from "./support/hosts.js"

const postgres = process.env.DT_TEST_POSTGRES_URL

/** Runs `work` with a PostgreSQL database of its own on the server of DT_TEST_POSTGRES_URL, dropped afterwards. */
const withDatabase = async <A>(server: string, work: (url: string, client: pg.Client) => Promise<A>): Promise<A> => {
  const name = `um_install_${Math.random().toString(16).slice(2, 10)}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = new URL(server)
  url.pathname = `/${name}`
  const client = new pg.Client({ connectionString: url.toString() })
  try {
    await client.connect()
    return await work(url.toString(), client)
  } finally {
    await client.end()
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

describe.each(await eachLine())("a strict TypeScript host on Node %s", (_, line) => {
  let dir: string
  let compiled: Promise<unknown>
  const tsc = (config: string, ...flags: ReadonlyArray<string>) =>
    succeed(line, join(dir, "node_modules/.bin/tsc"), ["-p", config, ...flags], { cwd: dir })

  beforeAll(async () => {
    // The host's own choice of Kysely, Effect and pg (the versions the repository tests), and its own TypeScript.
    dir = await hostProject(line, "typescript", {
      files: hostFiles("typescript"),
      type: "module",
      specs: [
        tarball("core"),
        tarball("formats"),
        tarball("kysely"),
        pinned("effect"),
        pinned("kysely"),
        pinned("pg"),
        pinned("typescript"),
        pinned("@types/node"),
        pinned("@types/pg")
      ]
    })
    // The type check is TypeScript's JavaScript over the same files, alike on every Node line: it runs on the
    // machine's line; the others only emit the host's JavaScript (`--noCheck`), which the test below runs on them.
    compiled = line.current ? tsc("tsconfig.nodenext.json") : tsc("tsconfig.nodenext.json", "--noCheck")
    // A rejection is reported by the test that awaits it.
    compiled.catch(() => undefined)
  })

  if (line.current) {
    it("typechecks against the published .d.ts with moduleResolution nodenext and bundler (strict, exactOptionalPropertyTypes, no skipLibCheck)", async () => {
      await Promise.all([compiled, tsc("tsconfig.bundler.json")])
    })
  }

  it.skipIf(postgres === undefined)(
    `runs the Effect API over its own Kysely on PostgreSQL: the manager's tables carry the prefix and the host's own table is untouched${postgres === undefined ? " (skipped: set DT_TEST_POSTGRES_URL)" : ""}`,
    async () => {
      await compiled
      await withDatabase(postgres as string, async (url, client) => {
        await client.query(
          "create table projects (id serial primary key, name text not null, owner_group text not null)"
        )
        await client.query("insert into projects (name, owner_group) values ('Intranet', 'staff')")

        const ran = await succeed(line, "node", ["dist/host.js", url], { cwd: dir })
        expect(JSON.parse(ran.stdout)).toEqual({
          users: [
            ["admin", "Ada", "admins"],
            ["alice", "Alice Liddell", "analysts"]
          ],
          gid: 1001,
          refusal: "GroupMembershipRequired: alice"
        })

        const tables = await client.query<{ name: string }>(
          "select table_name as name from information_schema.tables where table_schema = 'public' order by 1"
        )
        const names = tables.rows.map((row) => row.name)
        expect(names).toContain("projects")
        expect(names).toEqual(expect.arrayContaining(["um_users", "um_groups", "um_memberships"]))
        expect(names.filter((name) => name !== "projects" && !name.startsWith("um_"))).toEqual([])
        const projects = await client.query("select id, name, owner_group from projects order by id")
        expect(projects.rows).toEqual([
          { id: 1, name: "Intranet", owner_group: "staff" },
          { id: 2, name: "Forecasts", owner_group: "analysts" }
        ])
      })
    }
  )
})
