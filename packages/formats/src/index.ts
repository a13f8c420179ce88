/**
 * @since 0.1.0
 */
export * as Csv from "./Csv.js"
export * as DirectoryDocument from "./DirectoryDocument.js"
export * as Format from "./Format.js"
export * as JsonLines from "./JsonLines.js"
export * as JsonText from "./JsonText.js"
export * as Passwd from "./Passwd.js"
export * as Records from "./Records.js"
