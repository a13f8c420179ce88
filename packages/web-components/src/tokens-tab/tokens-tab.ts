/**
 * Registers `<um-tokens-tab>`, the Tokens tab of `<user-manager>`.
 *
 * @since 0.2.0
 */
import { TokensTab } from "./tokens-tab.component.js"

export { TokensTab }

if (!customElements.get("um-tokens-tab")) customElements.define("um-tokens-tab", TokensTab)

declare global {
  interface HTMLElementTagNameMap {
    "um-tokens-tab": TokensTab
  }
}
