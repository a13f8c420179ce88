/**
 * `dt --completions bash|zsh|fish`: completion scripts generated from the command tree, completing every level's
 * subcommands (`dt user <TAB>`), options (`dt user ls --<TAB>` offers ls's own) and the values of options that take
 * one of a list (`dt user ls --sort <TAB>`). @effect/cli's own bash script stopped at the second level.
 *
 * @since 0.1.0
 */
import * as CommandTree from "./CommandTree.js"
import { BUILT_IN, TOP_LEVEL } from "./Help.js"

const leaf = (command: CommandTree.CommandSpec) => command.path[command.path.length - 1] ?? ""

const optionsOf = (command: CommandTree.CommandSpec) => [
  ...command.options,
  ...BUILT_IN,
  ...(command.path.length === 0 ? TOP_LEVEL : [])
]

/** A word list in single quotes, for a POSIX shell. */
const quoted = (words: ReadonlyArray<string>) => `'${words.join(" ").replace(/'/g, "'\\''")}'`

/**
 * The shell functions bash and zsh share: each command's subcommands and options, and the values of the options that
 * take one of a list, each a `case` on the command's path (`user ls`).
 */
const lookups = (tree: CommandTree.CommandSpec): string => {
  const commands = CommandTree.all(tree)
  const cases = (rows: ReadonlyArray<readonly [string, ReadonlyArray<string>]>) =>
    rows
      .filter(([, words]) => words.length > 0)
      .map(([key, words]) => `    ${quoted([key])}) echo ${quoted(words)} ;;`)
      .join("\n")
  const subcommands = cases(commands.map((command) => [command.path.join(" "), command.subcommands.map(leaf)]))
  const options = cases(commands.map((command) => [command.path.join(" "), optionsOf(command).flatMap((o) => o.names)]))
  const values = cases(
    commands.flatMap((command) =>
      optionsOf(command)
        .filter((option) => option.value !== undefined)
        .flatMap((option) =>
          option.names.map((name) => [`${command.path.join(" ")} ${name}`.trim(), option.choices] as const)
        )
    )
  )
  const takesValue = cases(
    commands.map((command) => [
      command.path.join(" "),
      optionsOf(command)
        .filter((option) => option.value !== undefined)
        .flatMap((option) => option.names)
    ])
  )
  return `_dt_subcommands() {
  case "$1" in
${subcommands}
  esac
}
_dt_options() {
  case "$1" in
${options}
  esac
}
_dt_takes_value() {
  case "$1" in
${takesValue}
  esac
}
_dt_choices() {
  case "$1" in
${values}
  esac
}
# The command path of the words before the cursor ("user ls"), skipping options and their values.
_dt_path() {
  local path="" word skip=""
  for word in "$@"; do
    if [ -n "$skip" ]; then skip=""; continue; fi
    case "$word" in
      --*=*) ;;
      -*) case " $(_dt_takes_value "$path") " in *" $word "*) skip=1 ;; esac ;;
      *) case " $(_dt_subcommands "$path") " in *" $word "*) path="\${path:+$path }$word" ;; esac ;;
    esac
  done
  echo "$path"
}`
}

const bash = (
  tree: CommandTree.CommandSpec
) => `# bash completion for dt: source it, or put it in ~/.local/share/bash-completion/completions/dt
${lookups(tree)}
_dt() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path
  path="$(_dt_path "\${COMP_WORDS[@]:1:COMP_CWORD-1}")"
  if [ "$COMP_CWORD" -gt 1 ] && case " $(_dt_takes_value "$path") " in *" $prev "*) true ;; *) false ;; esac; then
    COMPREPLY=($(compgen -W "$(_dt_choices "\${path:+$path }$prev")" -- "$cur"))
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_dt_options "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_dt_subcommands "$path")" -- "$cur"))
  fi
}
complete -o default -F _dt dt
`

const zsh = (tree: CommandTree.CommandSpec) => `#compdef dt
# zsh completion for dt: put it in a directory of $fpath as _dt, or source it after compinit
${lookups(tree)}
_dt() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}" path
  path="$(_dt_path "\${(@)words[2,CURRENT-1]}")"
  if (( CURRENT > 2 )) && [[ " $(_dt_takes_value "$path") " == *" $prev "* ]]; then
    compadd -- \${=$(_dt_choices "\${path:+$path }$prev")}
  elif [[ "$cur" == -* ]]; then
    compadd -- \${=$(_dt_options "$path")}
  else
    compadd -- \${=$(_dt_subcommands "$path")}
  fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then _dt "$@"; else compdef _dt dt; fi
`

/** A fish string in single quotes. */
const fishQuoted = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`

const fish = (tree: CommandTree.CommandSpec) => {
  const lines = CommandTree.all(tree).flatMap((command) => {
    const when = `-n ${fishQuoted(`__dt_path_is ${fishQuoted(command.path.join(" "))}`)}`
    const subcommands = command.subcommands.map(
      (sub) => `complete -c dt ${when} -f -a ${fishQuoted(leaf(sub))} -d ${fishQuoted(sub.summary)}`
    )
    const options = optionsOf(command).map((option) => {
      const names = option.names
        .map((name) => (name.startsWith("--") ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`))
        .join(" ")
      const value =
        option.value === undefined
          ? ""
          : option.choices.length > 0
            ? ` -x -a ${fishQuoted(option.choices.join(" "))}`
            : " -r"
      return `complete -c dt ${when} ${names}${value} -d ${fishQuoted(option.description)}`
    })
    return [...subcommands, ...options]
  })
  const takesValue = CommandTree.all(tree)
    .flatMap((command) => optionsOf(command))
    .filter((option) => option.value !== undefined)
    .flatMap((option) => option.names)
  return `# fish completion for dt: put it in ~/.config/fish/completions/dt.fish
function __dt_path
  set -l path
  set -l skip 0
  for word in (commandline -opc)[2..-1]
    if test $skip = 1
      set skip 0
    else if contains -- $word ${[...new Set(takesValue)].join(" ")}
      set skip 1
    else if contains -- (string join ' ' -- $path $word) ${CommandTree.all(tree)
      .filter((command) => command.path.length > 0)
      .map((command) => fishQuoted(command.path.join(" ")))
      .join(" ")}
      set path $path $word
    end
  end
  string join ' ' -- $path
end
function __dt_path_is
  set -l path (__dt_path)
  test "$path" = "$argv[1]"
end
complete -c dt -f
${lines.join("\n")}
`
}

/**
 * The completion script for a shell, or `undefined` for a shell it has none for.
 *
 * @category generating
 * @since 0.1.0
 */
export const script = (tree: CommandTree.CommandSpec, shell: string): string | undefined =>
  shell === "bash" ? bash(tree) : shell === "zsh" ? zsh(tree) : shell === "fish" ? fish(tree) : undefined
