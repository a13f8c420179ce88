/**
 * Racing clients over a fleet of `dt serve` instances: each client sends conflicting operations (creates, renames,
 * membership changes, deletes, disables, sign-ins and sign-outs), each request to an instance picked at random, and
 * checks at once that a session ended on one instance is refused on the others.
 */

/** The administrators the race acts as, besides `admin` (the fleet's first), each with `PASSWORD`. */
export const RACE_ADMINS = ["a1", "a2", "a3"]
const USERS = ["u1", "u2", "u3", "u4", "u5", "u6"]
const GROUPS = ["g1", "g2", "g3", "g4"]
const PASSWORD = "the racing password"

/** What a race did. */
export interface RaceResult {
  /** How many of the race's requests were answered, by status. */
  readonly statuses: Record<number, number>
  /** Every answer with a 5xx status: method, path and body. */
  readonly serverErrors: ReadonlyArray<string>
  /** Every GID a group creation returned. */
  readonly gids: ReadonlyArray<number>
  /** Sessions still accepted by an instance after another ended them (disable, sign-out). */
  readonly endedButServed: ReadonlyArray<string>
}

const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(Math.random() * items.length)] as A

interface Answer {
  readonly status: number
  readonly body: Record<string, unknown>
}

/**
 * Seeds the directory through the first instance (as `admin`), then runs `clients` racing clients for `millis`. The
 * instances must trust X-Forwarded-For from loopback: each sign-in comes from an address of its own, so that the
 * throttle (tested apart) never refuses the race's sign-ins.
 */
export const raceFleet = async (
  urls: ReadonlyArray<string>,
  adminPassword: string,
  { clients, millis }: { readonly clients: number; readonly millis: number }
): Promise<RaceResult> => {
  const statuses: Record<number, number> = {}
  const serverErrors: Array<string> = []
  const gids: Array<number> = []
  const endedButServed: Array<string> = []
  let addresses = 0

  const send = async (
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
    url = pick(urls)
  ): Promise<Answer> => {
    addresses++
    const answer = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        "x-forwarded-for": `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`,
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await answer.text()
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1
    if (answer.status >= 500) serverErrors.push(`${method} ${path} ${answer.status} ${text}`)
    return { status: answer.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) }
  }

  const signIn = async (username: string, password: string, url?: string) => {
    const answer = await send("POST", "/auth/login", undefined, { username, password, session: "bearer" }, url)
    return answer.status === 200 ? String(answer.body.token) : undefined
  }

  // Every live session of each racing administrator, as the clients hold them.
  const sessions = new Map<string, Set<string>>()
  const held = (username: string): Set<string> => {
    const live = sessions.get(username) ?? new Set<string>()
    sessions.set(username, live)
    return live
  }

  /** Each of `tokens`, ended by now on some instance, must be refused by another one. */
  const expectEnded = async (tokens: ReadonlyArray<string>, how: string) => {
    for (const token of tokens) {
      const answer = await send("GET", "/me", token)
      if (answer.status !== 401) endedButServed.push(`${how}: /me answered ${answer.status}`)
    }
  }

  const seed = await signIn("admin", adminPassword, urls[0])
  for (const name of GROUPS) gids.push(Number((await send("POST", "/groups", seed, { name })).body.gid))
  for (const username of RACE_ADMINS) {
    await send("POST", "/users", seed, { username, password: PASSWORD, groups: ["admins", "g1"] })
  }
  for (const username of USERS) {
    await send("POST", "/users", seed, {
      username,
      email: `${username}@example.com`,
      password: PASSWORD,
      groups: GROUPS
    })
  }

  // The seeding's answers are not the race's.
  for (const status of Object.keys(statuses)) delete statuses[Number(status)]

  const client = async (worker: number) => {
    const deadline = Date.now() + millis
    let me = pick(RACE_ADMINS)
    let token: string | undefined
    const own = { groups: [] as Array<string>, users: [] as Array<string> }
    for (let step = 0; Date.now() < deadline; step++) {
      if (token === undefined) {
        me = pick(["admin", ...RACE_ADMINS])
        token = await signIn(me, me === "admin" ? adminPassword : PASSWORD)
        if (token === undefined) continue
        held(me).add(token)
      }
      const user = pick(USERS)
      const group = pick(GROUPS)
      const admin = pick(RACE_ADMINS)
      const choice = Math.random()
      let answer: Answer
      if (choice < 0.15) answer = await send("PUT", `/users/${user}/groups/${group}`, token)
      else if (choice < 0.3) answer = await send("DELETE", `/users/${user}/groups/${group}`, token)
      else if (choice < 0.36) answer = await send("POST", "/groups/admins/members", token, { usernames: [admin] })
      else if (choice < 0.42) answer = await send("DELETE", "/groups/admins/members", token, { usernames: [admin] })
      else if (choice < 0.48) {
        const live = [...held(admin)]
        answer = await send("POST", `/users/${admin}/disable`, token)
        if (answer.status === 200) {
          held(admin).clear()
          await expectEnded(live, `a session of ${admin} after its disable`)
        }
      } else if (choice < 0.56) answer = await send("POST", `/users/${admin}/enable`, token)
      else if (choice < 0.64) {
        const name = `w${worker}g${step}`
        answer = await send("POST", "/groups", token, { name, members: [user] })
        if (answer.status === 201) {
          gids.push(Number(answer.body.gid))
          own.groups.push(name)
        }
      } else if (choice < 0.69 && own.groups.length > 0) {
        const from = own.groups.pop() as string
        const to = from.endsWith("r") ? from.slice(0, -1) : `${from}r`
        answer = await send("PATCH", `/groups/${from}`, token, { name: to })
        own.groups.push(answer.status === 200 ? to : from)
      } else if (choice < 0.74) {
        const name = own.groups.pop() ?? group
        answer = await send("DELETE", `/groups/${name}`, token)
      } else if (choice < 0.8) {
        const username = `w${worker}u${step}`
        answer = await send("POST", "/users", token, { username, lastName: "Racer", groups: [pick(GROUPS)] })
        if (answer.status === 201) own.users.push(username)
      } else if (choice < 0.84 && own.users.length > 0) {
        answer = await send("DELETE", `/users/${own.users.pop()}`, token)
      } else if (choice < 0.9) answer = await send("PATCH", `/users/${user}`, token, { lastName: `w${worker}s${step}` })
      else {
        // A user signs in on one instance and out on another; a third must refuse the session at once.
        const session = await signIn(user, PASSWORD)
        if (session === undefined) continue
        answer = await send("POST", "/auth/logout", session)
        await expectEnded([session], `a session of ${user} after its sign-out`)
      }
      // Signed out (disabled) or no longer an administrator: sign in again, perhaps as another.
      if (answer.status === 401 || answer.status === 403) {
        held(me).delete(token)
        token = undefined
      }
    }
  }
  await Promise.all(Array.from({ length: clients }, (_, worker) => client(worker)))
  return { statuses, serverErrors, gids, endedButServed }
}
