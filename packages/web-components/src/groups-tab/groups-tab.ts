/**
 * Registers `<um-groups-tab>`, the Groups tab of `<user-manager>`.
 *
 * @since 0.1.0
 */
import { GroupsTab } from "./groups-tab.component.js"

export { GroupsTab }

if (!customElements.get("um-groups-tab")) customElements.define("um-groups-tab", GroupsTab)

declare global {
  interface HTMLElementTagNameMap {
    "um-groups-tab": GroupsTab
  }
}
