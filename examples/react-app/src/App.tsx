/**
 * The host's React app: its own header and activity panel around the drop-in `<user-manager>`. React hands the element
 * a client for the API the host mounts at `/backoffice` (the `client` property), and keeps the element's change events
 * in its own state.
 */
import "@user-manager/web-components"
import type { UserManagerChangeEvent, UserManagerEventDetails } from "@user-manager/web-components/events"
import { HttpClient } from "@user-manager/web-components/HttpClient"
import { useEffect, useMemo, useRef, useState } from "react"

type ChangeName = keyof UserManagerEventDetails

const CHANGES: ReadonlyArray<ChangeName> = [
  "user-created",
  "user-updated",
  "user-deleted",
  "group-created",
  "group-updated",
  "group-deleted"
]

interface Activity {
  readonly id: number
  readonly text: string
}

/** One line for a change: what happened, to whom. */
const describe = (event: UserManagerChangeEvent<ChangeName>): string => {
  const detail = event.detail as { readonly username?: string; readonly name?: string }
  const [kind, verb] = event.type.split("-") as [string, string]
  return `${kind === "user" ? "User" : "Group"} ${detail.username ?? detail.name ?? "?"} ${verb}`
}

export const App = ({ apiBase }: { readonly apiBase: string }) => {
  const client = useMemo(() => HttpClient(apiBase), [apiBase])
  const manager = useRef<HTMLElement>(null)
  const [activity, setActivity] = useState<ReadonlyArray<Activity>>([])

  useEffect(() => {
    const element = manager.current
    if (element === null) return
    let next = 0
    const record = (event: Event) => {
      const text = describe(event as UserManagerChangeEvent<ChangeName>)
      setActivity((entries) => [{ id: next++, text }, ...entries].slice(0, 20))
    }
    for (const name of CHANGES) element.addEventListener(name, record)
    return () => {
      for (const name of CHANGES) element.removeEventListener(name, record)
    }
  }, [])

  return (
    <div className="shell">
      <header>
        <strong>Acme back office</strong>
        <span>React {"·"} users and groups by the User Manager</span>
      </header>
      <div className="content">
        <main>
          <user-manager ref={manager} client={client} className="manager" />
        </main>
        <aside aria-labelledby="activity-title">
          <h2 id="activity-title">Activity</h2>
          {activity.length === 0 ? (
            <p>Changes made in the manager appear here.</p>
          ) : (
            <ol aria-live="polite">
              {activity.map((entry) => (
                <li key={entry.id}>{entry.text}</li>
              ))}
            </ol>
          )}
        </aside>
      </div>
    </div>
  )
}
