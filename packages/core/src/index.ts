/**
 * @since 0.1.0
 */
export * as Actor from "./Actor.js"
export * as Audit from "./Audit.js"
export * as AuditEntry from "./AuditEntry.js"
export * as Directory from "./Directory.js"
export * as DirectoryConfig from "./DirectoryConfig.js"
export * as Errors from "./Errors.js"
export * as Group from "./Group.js"
export * as Groups from "./Groups.js"
export * as MemoryDirectory from "./MemoryDirectory.js"
export * as Names from "./Names.js"
export * as Page from "./Page.js"
export * as Password from "./Password.js"
export * as PasswordHasher from "./PasswordHasher.js"
export * as User from "./User.js"
export * as UserManager from "./UserManager.js"
export * as Users from "./Users.js"
