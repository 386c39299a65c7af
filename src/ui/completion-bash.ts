import {
  flagWords,
  valueFlags,
  type CompletionSpec,
  type ValueKind,
  valueKindsByFlag,
} from './completion-spec.js';

/** The bash statement that fills COMPREPLY for one kind of value. */
function reply(v: ValueKind): string {
  switch (v.kind) {
    case 'choices':
      return `COMPREPLY=($(compgen -W "${v.values.join(' ')}" -- "$cur"))`;
    case 'set-id':
      return 'COMPREPLY=($(compgen -W "$(_cloudsync_ids)" -- "$cur"))';
    case 'file':
      return 'COMPREPLY=($(compgen -f -- "$cur"))';
    case 'dir':
      return 'COMPREPLY=($(compgen -d -- "$cur"))';
    case 'repo-path':
      // asked from the connection, not the shell's current directory; a folder completes without a space
      return `mapfile -t COMPREPLY < <(_cloudsync_paths ${v.side} "$cur"); [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null`;
    case 'none':
      return ':';
  }
}

/** The bash completion script for the program described by `spec`. */
export function bashCompletion(spec: CompletionSpec): string {
  const globals = flagWords(spec.globals).join(' ');
  const names = spec.commands.flatMap((c) => [c.name, ...c.aliases]).join(' ');
  const takesValue = valueFlags(spec).join('|');
  const valueCases = valueKindsByFlag(spec).map(([flag, v]) => `    ${flag}) ${reply(v)}; return ;;`);
  const commandCases = spec.commands.map((c) => {
    const opts = [...flagWords(c.options), globals].join(' ');
    const argCases = c.args.map((a, i) =>
      c.variadic && i === c.args.length - 1 ? `        *) ${reply(a)} ;;` : `        ${i}) ${reply(a)} ;;`,
    );
    return [
      `    ${[c.name, ...c.aliases].join('|')})`,
      `      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "${opts}" -- "$cur")); return; fi`,
      ...(argCases.length ? ['      case $pos in', ...argCases, '      esac'] : []),
      '      ;;',
    ].join('\n');
  });
  return `# bash completion for ${spec.bin}; generated from the program by \`${spec.bin} completion bash\`. Do not edit.
# Install: source this file from ~/.bashrc, or copy it to /etc/bash_completion.d/${spec.bin}.

# Runs ${spec.bin} with the --home/--profile of the command line; prints nothing (and no errors) when that
# fails or is slow.
_cloudsync_run() {
  local -a args=()
  local i
  for ((i = 1; i < \${#COMP_WORDS[@]} - 1; i++)); do
    case "\${COMP_WORDS[i]}" in
      --home | --profile) args+=("\${COMP_WORDS[i]}" "\${COMP_WORDS[i + 1]}") ;;
    esac
  done
  command -v ${spec.bin} >/dev/null 2>&1 || return 0
  local -a t=()
  command -v timeout >/dev/null 2>&1 && t=(timeout 3)
  "\${t[@]}" ${spec.bin} "\${args[@]}" "$@" 2>/dev/null </dev/null
}

# Sync-set ids of the profile on the command line.
_cloudsync_ids() {
  _cloudsync_run list --json | grep -o '"id":"[^"]*"' | cut -d'"' -f4
}

# Paths on one side's connection that start with the word being completed (cloudsync complete-path).
_cloudsync_paths() {
  _cloudsync_run complete-path "$1" "$2"
}

_cloudsync() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" w i
  local -i pos=0
  ((COMP_CWORD > 0)) && prev="\${COMP_WORDS[COMP_CWORD - 1]}"
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      ${takesValue}) ((i++)) ;;
      -*) ;;
      *) if [[ -z $cmd ]]; then cmd="$w"; else pos+=1; fi ;;
    esac
  done
  case "$prev" in
${valueCases.join('\n')}
  esac
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "${globals}" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "${names}" -- "$cur"))
    fi
    return
  fi
  case "$cmd" in
${commandCases.join('\n')}
  esac
}

complete -o filenames -F _cloudsync ${spec.bin}
`;
}
