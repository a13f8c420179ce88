import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"

/** Builds the `dt` bundle once before the end-to-end tests, so that they run the code as it is now. */
export default function setup() {
  execFileSync(process.execPath, [fileURLToPath(new URL("../../build.mjs", import.meta.url))], { stdio: "inherit" })
}
