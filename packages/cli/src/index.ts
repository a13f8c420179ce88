/**
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"
export * as Environment from "./Environment.js"
export * as ExitCode from "./ExitCode.js"
export * as Output from "./Output.js"
