/**
 * @since 0.1.0
 */
export * from "./Client.js"
export * from "./events.js"
export { GroupsTab } from "./groups-tab/groups-tab.js"
export * from "./HttpClient.js"
export type { Address, TabId } from "./internal/address.js"
export { TokensTab } from "./tokens-tab/tokens-tab.js"
export { UserManagerElement } from "./user-manager/user-manager.js"
export { UsersTab } from "./users-tab/users-tab.js"
