// Runs the floor bundle (bench/cli.bench.ts builds it into FLOOR_BUNDLE) the way bin/dt.js runs dt's: compiled through
// `vm.Script` with the V8 code cache of an earlier run, kept in $XDG_CACHE_HOME.
"use strict"
const { mkdirSync, readFileSync, writeFileSync } = require("node:fs")
const { createRequire } = require("node:module")
const { join } = require("node:path")
const { Script } = require("node:vm")

const bundle = process.env.FLOOR_BUNDLE
const cacheFile = join(process.env.XDG_CACHE_HOME, "floor-compile-cache")
let cachedData
try {
  cachedData = readFileSync(cacheFile)
} catch {}
const script = new Script(`(function (exports, require, module) {${readFileSync(bundle, "latin1")}\n})`, {
  filename: bundle,
  ...(cachedData ? { cachedData } : {})
})
if (cachedData === undefined || script.cachedDataRejected) {
  process.once("exit", (code) => {
    if (code !== 0) return
    mkdirSync(process.env.XDG_CACHE_HOME, { recursive: true })
    writeFileSync(cacheFile, script.createCachedData())
  })
}
const bundleModule = { exports: {} }
script.runInThisContext()(bundleModule.exports, createRequire(bundle), bundleModule)
