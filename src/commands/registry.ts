import type { Command } from 'commander';
import type { Runtime } from './runtime.js';

/** A command file's `registerX`: adds its command (options, help, action) to the program. */
type Register = (program: Command, rt: Runtime) => void;

/**
 * Every command, in the order `--help` lists them, and how to load its file. A command file imports what
 * its action needs (the engine, connectors, tables), so a run imports only the file of the command it
 * runs: `sync --json` never loads the wizard, `--version` never loads the engine.
 */
const COMMANDS = {
  login: async () => (await import('./login.js')).registerLogin,
  logout: async () => (await import('./logout.js')).registerLogout,
  whoami: async () => (await import('./whoami.js')).registerWhoami,
  setup: async () => (await import('./setup.js')).registerSetup,
  create: async () => (await import('./create.js')).registerCreate,
  list: async () => (await import('./list.js')).registerList,
  inspect: async () => (await import('./inspect.js')).registerInspect,
  'request-sync': async () => (await import('./request-sync.js')).registerRequestSync,
  unsync: async () => (await import('./unsync.js')).registerUnsync,
  sync: async () => (await import('./sync.js')).registerSync,
  watch: async () => (await import('./watch.js')).registerWatch,
  apply: async () => (await import('./apply.js')).registerApply,
  export: async () => (await import('./export.js')).registerExport,
  state: async () => (await import('./state.js')).registerState,
  completion: async () => (await import('./completion.js')).registerCompletion,
  status: async () => (await import('./status.js')).registerStatus,
  version: async () => (await import('./version.js')).registerVersion,
  profiles: async () => (await import('./profiles.js')).registerProfiles,
  set: async () => (await import('./set.js')).registerSet,
  'complete-path': async () => (await import('./complete-path.js')).registerCompletePath,
} satisfies Record<string, () => Promise<Register>>;

/** A command's name. */
export type CommandName = keyof typeof COMMANDS;

/** Every command name, in `--help` order. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** Aliases declared by the command files (`list` is also `ls`); a test keeps this in step with them. */
export const COMMAND_ALIASES: Readonly<Record<string, CommandName>> = { ls: 'list' };

/** Commands that read the whole program: they need every command registered, whichever one runs. */
const NEEDS_ALL: ReadonlySet<string> = new Set<CommandName>(['completion']);

/** Add the named commands (default: all) to `program`, loading only their files, in `--help` order. */
export async function registerCommands(
  program: Command,
  rt: Runtime,
  names: readonly CommandName[] = COMMAND_NAMES,
): Promise<void> {
  const wanted = COMMAND_NAMES.filter((n) => names.includes(n));
  const registers = await Promise.all(wanted.map((n) => COMMANDS[n]()));
  for (const register of registers) register(program, rt);
}

/**
 * The commands a command line needs registered: the one it names (its first operand, skipping the root
 * program's options and their values), or every command when it names none (help), an unknown one (the
 * "did you mean" needs them all), `help`, or one that reads the whole program. `--version` with no command
 * needs only `version`.
 */
export function commandsFor(args: readonly string[], root: Command): readonly CommandName[] {
  const takesValue = new Set(
    root.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short]),
  );
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-') && arg !== '-') {
      if (takesValue.has(arg)) i++;
      continue;
    }
    const name = COMMAND_ALIASES[arg] ?? arg;
    if (!Object.hasOwn(COMMANDS, name) || NEEDS_ALL.has(name)) return COMMAND_NAMES;
    return [name as CommandName];
  }
  return args.includes('-V') || args.includes('--version') ? ['version'] : COMMAND_NAMES;
}
