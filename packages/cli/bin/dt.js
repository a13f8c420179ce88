#!/usr/bin/env node
// The installed `dt` command: runs the bundle that `npm ci` (the root `prepare` script) builds into dist/.
import("../dist/dt.mjs").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/dt.mjs")) {
    process.stderr.write("dt: the command is not built yet: run 'npm ci' (or 'npm run build -w @dt/cli') first.\n")
    process.exit(3)
  }
  throw error
})
