#!/usr/bin/env node
// The installed `dt` command: runs the bundle that `npm ci` (the root `prepare` script) builds into dist/dt.cjs.
//
// Node 20 has no compile cache, and compiling the whole bundle is a large part of dt's start-up. So the bundle is
// compiled here as a CommonJS function through `vm.Script`, with the V8 code cache of an earlier run when there is one
// (in $XDG_CACHE_HOME/dt, else ~/.cache/dt; DT_NO_COMPILE_CACHE=1 turns it off). The first run of a bundle writes the
// cache as it exits, once the command's functions are compiled (and only if it succeeded, so that a usage error does
// not leave a cache without the command's functions). A cache that cannot be read or written is ignored.
// This file is CommonJS (see bin/package.json): an ES module entry would start Node's ESM loader for nothing.
"use strict"
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require("node:fs")
const { createRequire } = require("node:module")
const { homedir } = require("node:os")
const { dirname, join } = require("node:path")
const { Script } = require("node:vm")
const { isMainThread } = require("node:worker_threads")

// `dt --version` needs nothing of the bundle: it is answered from the package's manifest, as fast as Node starts.
if (process.argv.length === 3 && process.argv[2] === "--version") {
  process.stdout.write(`${require("../package.json").version}\n`)
} else if (servesForLong() && isMainThread && !ownHeapSizing()) {
  serveInWorker()
} else {
  if (!isMainThread) relaySignals()
  runBundle()
}

/**
 * `dt serve` runs in a worker thread, the one way in a single Node 20 process to size V8's young generation (the heap
 * flags that size it are read only as V8 starts; a worker's `resourceLimits` set its own). Under load, V8's smallest
 * semi-spaces are collected every few requests and promote most of what survives, the requests still in flight; larger
 * ones let that garbage die young, for a little more memory (docs/benchmarks.md has the figures). This thread only
 * passes the stop signals on (a second one ends it at once) and exits with the worker's exit code.
 */
function serveInWorker() {
  const { Worker } = require("node:worker_threads")
  const worker = new Worker(__filename, {
    argv: process.argv.slice(2),
    // Three times a 4 MB semi-space: V8 counts the two semi-spaces and the new large objects.
    resourceLimits: { maxYoungGenerationSizeMb: 12 }
  })
  let stopping = false
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      // A second stop signal does not wait for the requests in flight: it ends dt at once, as a shell would (130, 143).
      if (stopping) process.exit(signal === "SIGINT" ? 130 : 143)
      stopping = true
      worker.postMessage({ signal })
    })
  }
  worker.on("exit", (code) => {
    process.exitCode = code
  })
}

/** In the worker: a stop signal its parent passed on reaches the handlers that dt serve installed for it. */
function relaySignals() {
  const { parentPort } = require("node:worker_threads")
  parentPort.on("message", (message) => {
    if (message?.signal === "SIGINT" || message?.signal === "SIGTERM") process.emit(message.signal, message.signal)
  })
  parentPort.unref()
}

/** Whether this is `dt serve` starting a server (not asking for its help). */
function servesForLong() {
  return process.argv.includes("serve") && !process.argv.some((word) => /^(-h|--help|--completions)$/.test(word))
}

/** Whether whoever runs dt sized V8's heap themselves (NODE_OPTIONS or node's command line). */
function ownHeapSizing() {
  const own = `${process.env.NODE_OPTIONS ?? ""} ${process.execArgv.join(" ")}`
  return /semi[-_]space|heap[-_]growing|old[-_]space/.test(own)
}

/** Compiles the bundle (with the code cache when there is one) and runs it. */
function runBundle() {
  // Only the commands that stream many records or run for long (every `ls` and `export`, `dt serve`) keep V8's heap
  // small: the others end before their heap grows, where those settings would only add collections. (An export of a
  // million users reads a group's tens of thousands of members a page: with V8's default growth its peak RSS was
  // ~335 MB, its garbage collected late.)
  const exporting = process.argv.includes("export")
  const smallHeap =
    process.argv.some((word) => word === "ls" || word === "export" || word === "serve") &&
    keepHeapSmall(!isMainThread, exporting)
  const bundle = join(__dirname, "..", "dist", "dt.cjs")

  let source
  let stats
  try {
    // The bundle is ASCII (build.mjs escapes everything else), and a one-byte string is the fastest to read and compile.
    source = readFileSync(bundle, "latin1")
    stats = statSync(bundle)
  } catch (error) {
    if (error?.code !== "ENOENT") throw error
    process.stderr.write(
      "dt: the command is not built yet: run 'npm ci' (or 'npm run build -w @user-manager/cli') first.\n"
    )
    process.exit(3)
  }

  // Commands that open the store compile much more of the bundle than --help or --version: each kind keeps its own
  // cache, so that neither pays for the other's functions nor misses its own. V8 rejects a cache made under other
  // flags, so the commands that keep the heap small have theirs too.
  const light =
    process.argv.length === 2 || process.argv.some((word) => /^(-h|--help|--version|--completions)$/.test(word))
  const cacheDir = process.env.DT_NO_COMPILE_CACHE
    ? undefined
    : join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "dt")
  const stem = `compile-cache-${process.version}-${process.arch}-${stats.size}-${Math.trunc(stats.mtimeMs)}-`
  const kind = light
    ? "light"
    : !isMainThread
      ? "serve-worker"
      : smallHeap
        ? exporting
          ? "full-export-heap"
          : "full-small-heap"
        : "full"
  const cacheFile = cacheDir && join(cacheDir, `${stem}${kind}`)

  let cachedData
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile)
    } catch {}
  }

  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {})
  })
  const compiledFromCache = cachedData !== undefined && !script.cachedDataRejected
  // V8 keeps its own copy of the source; these two would only hold the bundle twice more for as long as dt runs.
  source = undefined
  cachedData = undefined

  if (cacheFile && !compiledFromCache) {
    process.once("exit", (code) => {
      if (code !== 0) return
      try {
        // The folder first: where it cannot be made (a read-only home), no time goes into serialising the cache.
        mkdirSync(cacheDir, { recursive: true })
        const data = script.createCachedData()
        const temporary = `${cacheFile}.${process.pid}`
        writeFileSync(temporary, data)
        renameSync(temporary, cacheFile)
        // The caches of earlier builds or Node versions are of no more use.
        for (const name of readdirSync(cacheDir)) {
          if (name.startsWith("compile-cache-") && !name.startsWith(stem)) unlinkSync(join(cacheDir, name))
        }
      } catch {}
    })
  }

  const bundleModule = { exports: {} }
  script.runInThisContext()(bundleModule.exports, createRequire(bundle), bundleModule, bundle, dirname(bundle))
}

/**
 * dt's memory. A listing streams a million users page by page with little live at any time, but V8's defaults let the
 * young generation grow to its maximum and the old one fill with garbage before a full collection, so the peak is
 * mostly garbage. Keeping the young generation at its initial size and growing the old one by a tenth over what is live
 * keeps the peak near what is live (figures in docs/benchmarks.md). These two GC heuristics are read as V8 runs, so
 * they take effect when set here, before the bundle is compiled (the code cache then always sees the same flags).
 * Whoever sets the heap's sizing themselves (NODE_OPTIONS or node's command line) is left alone. Returns whether it set
 * them. In dt serve's worker, whose young generation its `resourceLimits` cap, the young generation may grow to that
 * cap, and the old one grows by half: a busy server promotes a little on every scavenge, and growing by a tenth made it
 * run full collections several times a second, whose pauses were the tail of its latency; growing by half collects far
 * less often for about the same peak (docs/benchmarks.md). An export lets its young generation grow (to V8's maximum):
 * it allocates a few kilobytes for each record it writes (the rows, the records, the format's text), so a young
 * generation held at its initial size was collected every hundred records or so, each time copying and then promoting
 * the page in flight, and the old generation, kept small, then ran full collections back to back — collection was
 * about 40% of an export's CPU time; the larger young generation costs about 30 MB more at its peak.
 */
function keepHeapSmall(youngGenerationCapped, exporting) {
  if (ownHeapSizing()) return false
  const { setFlagsFromString } = require("node:v8")
  if (!youngGenerationCapped && !exporting) setFlagsFromString("--semi-space-growth-factor=1")
  setFlagsFromString(`--heap-growing-percent=${youngGenerationCapped ? 50 : 10}`)
  return true
}
