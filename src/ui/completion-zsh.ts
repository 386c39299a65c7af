import {
  valueFlags,
  type CompletionSpec,
  type OptionSpec,
  type ValueKind,
  valueKindsByFlag,
} from './completion-spec.js';

/** Quote for a zsh single-quoted word. */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A `_describe` entry: colons in the name must be escaped. */
function entry(name: string, description: string): string {
  return q(`${name.replace(/:/g, '\\:')}:${description}`);
}

function optionEntries(opts: OptionSpec[]): string[] {
  return opts.flatMap((o) =>
    [o.long, o.short].filter((f): f is string => Boolean(f)).map((f) => entry(f, o.description)),
  );
}

/** The zsh statement that offers one kind of value. */
function offer(v: ValueKind): string {
  switch (v.kind) {
    case 'choices':
      return `compadd -- ${v.values.join(' ')}`;
    case 'set-id':
      return 'compadd -- $(_cloudsync_ids)';
    case 'file':
      return '_files';
    case 'dir':
      return '_files -/';
    case 'repo-path':
      return `local -a paths=(\${(f)"$(_cloudsync_paths ${v.side} "$cur")"}); compadd -S '' -- $paths`;
    case 'none':
      return ':';
  }
}

/** The zsh completion script (`_cloudsync` on $fpath, or `source <(cloudsync completion zsh)`). */
export function zshCompletion(spec: CompletionSpec): string {
  const valueCases = valueKindsByFlag(spec).map(([flag, v]) => `    ${flag}) ${offer(v)}; return ;;`);
  const commands = spec.commands.flatMap((c) => [c.name, ...c.aliases].map((n) => entry(n, c.description)));
  const commandCases = spec.commands.map((c) => {
    const argCases = c.args.map((a, i) =>
      c.variadic && i === c.args.length - 1 ? `        *) ${offer(a)} ;;` : `        ${i}) ${offer(a)} ;;`,
    );
    return [
      `    ${[c.name, ...c.aliases].join('|')})`,
      '      if [[ $cur == -* ]]; then',
      `        local -a opts=(${[...optionEntries(c.options), ...optionEntries(spec.globals)].join(' ')})`,
      "        _describe -t options 'option' opts; return",
      '      fi',
      ...(argCases.length ? ['      case $pos in', ...argCases, '      esac'] : []),
      '      ;;',
    ].join('\n');
  });
  return `#compdef ${spec.bin}
# zsh completion for ${spec.bin}; generated from the program by \`${spec.bin} completion zsh\`. Do not edit.
# Install: put this file on $fpath as _${spec.bin}, or run: source <(${spec.bin} completion zsh)

# Sync-set ids of the profile on the command line; prints nothing (and no errors) when that fails or is slow.
_cloudsync_ids() {
  local -a args t
  local i
  for ((i = 2; i < CURRENT; i++)); do
    case "\${words[i]}" in
      --home | --profile) args+=("\${words[i]}" "\${words[i + 1]}") ;;
    esac
  done
  (( $+commands[${spec.bin}] )) || return 0
  (( $+commands[timeout] )) && t=(timeout 3)
  "\${t[@]}" ${spec.bin} "\${args[@]}" list --json 2>/dev/null </dev/null | grep -o '"id":"[^"]*"' | cut -d'"' -f4
}

# Paths on one side's connection that start with the word being completed (cloudsync complete-path).
_cloudsync_paths() {
  local -a args t
  local i
  for ((i = 2; i < CURRENT; i++)); do
    case "\${words[i]}" in
      --home | --profile) args+=("\${words[i]}" "\${words[i + 1]}") ;;
    esac
  done
  (( $+commands[${spec.bin}] )) || return 0
  (( $+commands[timeout] )) && t=(timeout 3)
  "\${t[@]}" ${spec.bin} "\${args[@]}" complete-path "$1" "$2" 2>/dev/null </dev/null
}

_cloudsync() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT - 1]}" cmd="" w i
  local -i pos=0
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    case "$w" in
      ${valueFlags(spec).join('|')}) ((i++)) ;;
      -*) ;;
      *) if [[ -z $cmd ]]; then cmd="$w"; else pos+=1; fi ;;
    esac
  done
  case "$prev" in
${valueCases.join('\n')}
  esac
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      local -a opts=(${optionEntries(spec.globals).join(' ')})
      _describe -t options 'option' opts
    else
      local -a cmds=(${commands.join(' ')})
      _describe -t commands 'command' cmds
    fi
    return
  fi
  case "$cmd" in
${commandCases.join('\n')}
  esac
}

if [[ "\${funcstack[1]}" == _cloudsync ]]; then
  _cloudsync "$@"
else
  compdef _cloudsync ${spec.bin}
fi
`;
}
