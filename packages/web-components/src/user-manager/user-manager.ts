/**
 * Registers `<user-manager>` (and the tabs it is made of): one `<script type="module">` of this file is all a page
 * needs.
 *
 * @since 0.1.0
 */
import { UserManagerElement } from "./user-manager.component.js"

export { UserManagerElement }

if (!customElements.get("user-manager")) customElements.define("user-manager", UserManagerElement)

declare global {
  interface HTMLElementTagNameMap {
    "user-manager": UserManagerElement
  }
}
