import type { Command } from 'commander';

/** What a word in some position completes to. */
export type ValueKind =
  | { kind: 'choices'; values: string[] }
  | { kind: 'set-id' }
  | { kind: 'file' }
  | { kind: 'dir' }
  /** A path on one side's connection, completed by asking that connection (`cloudsync complete-path`). */
  | { kind: 'repo-path'; side: 'onprem' | 'cloud' }
  | { kind: 'none' };

/** One option as the completion scripts need it. */
export interface OptionSpec {
  short?: string;
  long?: string;
  description: string;
  /** Null for a flag; what its value completes to otherwise. */
  value: ValueKind | null;
}

/** One command as the completion scripts need it. */
export interface CommandSpec {
  name: string;
  aliases: string[];
  description: string;
  options: OptionSpec[];
  /** Positional arguments in order; the last repeats when `variadic`. */
  args: ValueKind[];
  variadic: boolean;
}

/** The whole program: one source of truth for all three shells. */
export interface CompletionSpec {
  bin: string;
  globals: OptionSpec[];
  commands: CommandSpec[];
}

const SIDES = ['onprem', 'cloud'];

/** Arguments are typed by their names, so a new command gets completion by naming its arguments well. */
function argKind(name: string, choices: string[] | undefined): ValueKind {
  if (choices?.length) return { kind: 'choices', values: [...choices] };
  if (name === 'side') return { kind: 'choices', values: SIDES };
  if (name === 'set-id') return { kind: 'set-id' };
  if (name === 'url|folder') return { kind: 'dir' };
  if (name === 'path') return { kind: 'repo-path', side: 'onprem' };
  return { kind: 'file' };
}

/** Options with values: choices when declared, paths when the value names a file or folder. */
function optionValueKind(flags: string, choices: string[] | undefined): ValueKind {
  if (choices?.length) return { kind: 'choices', values: [...choices] };
  if (/<(dir|home)>/.test(flags)) return { kind: 'dir' };
  if (/^--target <path>/.test(flags)) return { kind: 'repo-path', side: 'cloud' };
  if (/<(pem|file)>/.test(flags)) return { kind: 'file' };
  return { kind: 'none' };
}

function optionSpecs(cmd: Command): OptionSpec[] {
  return cmd.options
    .filter((o) => !o.hidden)
    .map((o) => ({
      short: o.short,
      long: o.long,
      description: o.description,
      value: o.required || o.optional ? optionValueKind(o.flags, o.argChoices) : null,
    }));
}

/** Commands kept out of help, completions and the man page (the completion helper itself). */
export function isHidden(cmd: Command): boolean {
  return Boolean((cmd as unknown as { _hidden?: boolean })._hidden);
}

/** Walk the commander program into a spec (help options included, as commander accepts them everywhere). */
export function completionSpec(program: Command): CompletionSpec {
  const help: OptionSpec = { short: '-h', long: '--help', description: 'show help', value: null };
  return {
    bin: program.name(),
    globals: [...optionSpecs(program), help],
    commands: program.commands
      .filter((c) => !isHidden(c))
      .map((c) => {
        const args = c.registeredArguments;
        return {
          name: c.name(),
          aliases: c.aliases(),
          description: c.description(),
          options: optionSpecs(c),
          args: args.map((a) => argKind(a.name(), a.argChoices)),
          variadic: args.length > 0 && args[args.length - 1].variadic,
        };
      }),
  };
}

/** All flag spellings of some options. */
export function flagWords(opts: OptionSpec[]): string[] {
  return opts.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
}

/** Flags that consume the next word as their value. */
export function valueFlags(spec: CompletionSpec): string[] {
  const all = [...spec.globals, ...spec.commands.flatMap((c) => c.options)];
  return [...new Set(flagWords(all.filter((o) => o.value !== null)))].sort();
}

/** Each value-taking flag spelling with what its value is (first definition wins), sorted by flag. */
export function valueKindsByFlag(spec: CompletionSpec): [string, ValueKind][] {
  const byFlag = new Map<string, ValueKind>();
  for (const o of [...spec.globals, ...spec.commands.flatMap((c) => c.options)]) {
    if (!o.value) continue;
    for (const f of [o.long, o.short]) if (f && !byFlag.has(f)) byFlag.set(f, o.value);
  }
  return [...byFlag].sort(([a], [b]) => a.localeCompare(b));
}
