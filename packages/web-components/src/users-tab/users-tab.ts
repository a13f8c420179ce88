/**
 * Registers `<um-users-tab>`, the Users tab of `<user-manager>`.
 *
 * @since 0.1.0
 */
import { UsersTab } from "./users-tab.component.js"

export { UsersTab }

if (!customElements.get("um-users-tab")) customElements.define("um-users-tab", UsersTab)

declare global {
  interface HTMLElementTagNameMap {
    "um-users-tab": UsersTab
  }
}
