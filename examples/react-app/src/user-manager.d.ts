// What JSX may write on <user-manager> (React 19 sets `client` as a property, the rest as attributes).
import type { UserManagerClient } from "@user-manager/web-components/Client"
import type { DetailedHTMLProps, HTMLAttributes } from "react"

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "user-manager": DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement> & {
        readonly client?: UserManagerClient
        readonly "base-url"?: string
        readonly tab?: "users" | "groups"
      }
    }
  }
}
