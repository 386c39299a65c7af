import { valueFlags, type CompletionSpec, type OptionSpec, type ValueKind } from './completion-spec.js';

/** Quote for a fish single-quoted word. */
function q(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The `complete` arguments that offer one kind of value. */
function offer(v: ValueKind): string {
  switch (v.kind) {
    case 'choices':
      return `-x -a ${q(v.values.join(' '))}`;
    case 'set-id':
      return "-x -a '(__cloudsync_ids)'";
    case 'file':
      return '-F';
    case 'dir':
      return "-x -a '(__fish_complete_directories)'";
    case 'repo-path':
      return `-x -a '(__cloudsync_paths ${v.side})'`;
    case 'none':
      return '-x';
  }
}

function optionLine(bin: string, condition: string | null, o: OptionSpec): string {
  const parts = [`complete -c ${bin}`];
  if (condition) parts.push(`-n ${q(condition)}`);
  if (o.long) parts.push(`-l ${o.long.replace(/^--/, '')}`);
  if (o.short) parts.push(`-s ${o.short.replace(/^-/, '')}`);
  if (o.value) parts.push(o.value.kind === 'file' ? '-r -F' : offer(o.value));
  parts.push(`-d ${q(o.description)}`);
  return parts.join(' ');
}

/** The fish completion script (copy to ~/.config/fish/completions/cloudsync.fish). */
export function fishCompletion(spec: CompletionSpec): string {
  const bin = spec.bin;
  const lines: string[] = [];
  for (const o of spec.globals) lines.push(optionLine(bin, null, o));
  for (const c of spec.commands) {
    const names = [c.name, ...c.aliases];
    lines.push(`complete -c ${bin} -n __fish_use_subcommand -a ${q(c.name)} -d ${q(c.description)}`);
    const seen = `__fish_seen_subcommand_from ${names.join(' ')}`;
    for (const o of c.options) lines.push(optionLine(bin, seen, o));
    c.args.forEach((a, i) => {
      const mode = c.variadic && i === c.args.length - 1 ? 'ge' : 'eq';
      lines.push(`complete -c ${bin} -n ${q(`${seen}; and __cloudsync_arg ${i} ${mode}`)} ${offer(a)}`);
    });
  }
  return `# fish completion for ${bin}; generated from the program by \`${bin} completion fish\`. Do not edit.
# Install: copy to ~/.config/fish/completions/${bin}.fish

# Sync-set ids of the profile on the command line; prints nothing (and no errors) when that fails.
function __cloudsync_ids
    set -l toks (commandline -opc)
    set -l args
    for i in (seq 2 (math (count $toks) - 1))
        switch $toks[$i]
            case --home --profile
                set -a args $toks[$i] $toks[(math $i + 1)]
        end
    end
    command -q ${bin}; or return 0
    ${bin} $args list --json 2>/dev/null </dev/null | string match -r -a -g '"id":"([^"]*)"'
end

# Paths on one side's connection that start with the token being completed (cloudsync complete-path).
function __cloudsync_paths
    set -l toks (commandline -opc)
    set -l args
    for i in (seq 2 (math (count $toks) - 1))
        switch $toks[$i]
            case --home --profile
                set -a args $toks[$i] $toks[(math $i + 1)]
        end
    end
    command -q ${bin}; or return 0
    ${bin} $args complete-path $argv[1] (commandline -ct) 2>/dev/null </dev/null
end

# True when the word being completed is positional argument $argv[1] (0-based) of the subcommand
# ($argv[2]: eq, or ge for a repeating last argument).
function __cloudsync_arg
    set -l toks (commandline -opc)
    set -l pos -1
    set -l skip 0
    for t in $toks[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case ${valueFlags(spec).join(' ')}
                set skip 1
            case '-*'
            case '*'
                set pos (math $pos + 1)
        end
    end
    test $pos -$argv[2] $argv[1]
end

complete -c ${bin} -f
${lines.join('\n')}
`;
}
