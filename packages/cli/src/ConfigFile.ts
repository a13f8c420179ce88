/**
 * `dt serve --config FILE`: an instance's settings in a YAML file (or JSON, which YAML reads too), each under the name
 * of its flag (`pool-size: 20`). The file sits below the flags and the `DT_` variables: its values reach the settings
 * as the variables they stand for, through a `ConfigProvider` asked only after the environment. Each value is checked
 * as the file is read, so that a mistake is one sentence naming the file, the line and the setting.
 *
 * @since 0.1.0
 */
import { readFile } from "node:fs/promises"
import { Errors } from "@user-manager/core"
import { ConfigProvider, Effect } from "effect"
import { isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml"

/**
 * What a setting of the file takes: text, `true`/`false`, or a whole number within bounds.
 *
 * @category models
 * @since 0.1.0
 */
export type Kind =
  | { readonly type: "text" }
  | { readonly type: "boolean" }
  | { readonly type: "whole"; readonly min: number; readonly max: number }

/**
 * A setting the file may hold: the variable it stands for, and what it takes.
 *
 * @category models
 * @since 0.1.0
 */
export interface Setting {
  readonly variable: string
  readonly kind: Kind
}

/** The value as its variable would hold it, or why it is refused. */
const checked = (name: string, kind: Kind, value: unknown): { readonly text: string } | { readonly reason: string } => {
  switch (kind.type) {
    case "text":
      return typeof value === "string" && value.trim() !== ""
        ? { text: value }
        : {
            reason: `${name} is text${typeof value === "string" ? ", not empty" : " (in quotes if it looks like a number)"}`
          }
    case "boolean":
      return typeof value === "boolean" ? { text: String(value) } : { reason: `${name} is true or false` }
    case "whole":
      return typeof value === "number" && Number.isInteger(value) && value >= kind.min && value <= kind.max
        ? { text: String(value) }
        : { reason: `${name} is a whole number from ${kind.min} to ${kind.max}, not ${JSON.stringify(value)}` }
  }
}

/**
 * Reads the settings file at `path`, knowing the settings `known` (by name); the `ConfigProvider` of its values, by
 * the variables they stand for. A file that cannot be read, is not YAML, or names a setting that does not exist or
 * gives one a wrong value is refused in one sentence.
 *
 * @category reading
 * @since 0.1.0
 */
export const read = (
  path: string,
  known: Readonly<Record<string, Setting>>
): Effect.Effect<ConfigProvider.ConfigProvider, Errors.InvalidInput> =>
  Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => readFile(path, "utf8"),
      catch: (cause) =>
        new Errors.InvalidInput({
          field: "--config",
          reason: `cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`
        })
    })
    const lines = new LineCounter()
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false })
    const refuse = (offset: number | undefined, reason: string) =>
      new Errors.InvalidInput({
        field: `${path} line ${offset === undefined ? 1 : lines.linePos(offset).line}`,
        reason
      })
    const [error] = document.errors
    if (error !== undefined) {
      return yield* refuse(error.pos[0], `it is not YAML or JSON (${error.message.split("\n")[0]?.replace(/\.$/, "")})`)
    }
    const values = new Map<string, string>()
    const contents = document.contents
    if (contents === null) return ConfigProvider.fromMap(values)
    if (!isMap(contents)) return yield* refuse(contents.range?.[0], "the file holds settings by name (name: value)")
    for (const pair of contents.items) {
      const offset = isNode(pair.key) ? pair.key.range?.[0] : undefined
      const name = isScalar(pair.key) ? String(pair.key.value) : ""
      const setting = Object.hasOwn(known, name) ? known[name] : undefined
      if (setting === undefined) {
        return yield* refuse(
          offset,
          `'${name}' is not a setting of dt serve; the settings are ${Object.keys(known).join(", ")}`
        )
      }
      const value = isScalar(pair.value) ? pair.value.value : undefined
      const result = checked(name, setting.kind, value)
      if ("reason" in result) return yield* refuse(offset, result.reason)
      values.set(setting.variable, result.text)
    }
    return ConfigProvider.fromMap(values)
  })
