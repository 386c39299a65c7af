import { Command, CommanderError, Option } from 'commander';
import { colorAllowed, envFlag, processRuntime, type Runtime } from './commands/runtime.js';
import { commandsFor, registerCommands, type CommandName } from './commands/registry.js';
import { BUGS_URL } from './package-info.js';
import { CloudsyncError, ExitCode } from './errors.js';
import { redact } from './redact.js';
import { loadColors } from './ui/colors.js';
import { jsonLine, Output } from './ui/output.js';

/** Thrown when `-V`/`--version` is seen anywhere: main() then runs the `version` command instead. */
class VersionRequested extends Error {}

/**
 * The commander program with the named commands (default: every one, as the completion and man page
 * generators walk it); a run registers only the command it runs, so it loads only that command's files.
 */
export async function buildProgram(rt: Runtime, commands?: readonly CommandName[]): Promise<Command> {
  const program = rootProgram(rt);
  await registerCommands(program, rt, commands);
  return program;
}

/** The program's global options and help, without commands. */
function rootProgram(rt: Runtime): Command {
  const program = new Command('cloudsync')
    .description('Two-way sync between an on-premise repository and a cloud repository.')
    .option('-V, --version', 'print the version (as `cloudsync version`; with --json too)')
    .addOption(new Option('--home <dir>', 'where config, credentials and state live').env('CLOUDSYNC_HOME'))
    .addOption(new Option('--profile <name>', 'which profile (pair of connections)').env('CLOUDSYNC_PROFILE'))
    .option('--json', 'machine-readable output on stdout (errors too)')
    .option('-q, --quiet', 'print less on stderr')
    .option('-v, --verbose', 'print more on stderr')
    .option('--no-color', 'no ANSI colours (also NO_COLOR)')
    .option('-y, --yes', 'never prompt (implied when stdin is not a terminal, or CI is set)')
    .option('--log-file <file>', 'keep the log here instead of <home>/logs/cloudsync.log')
    .option('--no-log-file', 'keep no log file for this run')
    .option('--no-pager', 'never send long listings (inspect, list) through $PAGER')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => rt.stdout.write(s),
      writeErr: (s) => rt.stderr.write(s),
      // Usage errors are reported by reportError below, in the same shape as every other error.
      outputError: () => {},
    })
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 internal error, 2 usage, 3 synced with errors, 4 authentication,
5 safety guard, 6 locked, 7 unreachable.

Examples:
  $ cloudsync login onprem ./repo && cloudsync login cloud https://acs.example.com --username alice
  $ cloudsync create Projects --target Shared
  $ cloudsync sync --dry-run
  $ cloudsync list --errors --json`,
    );
  program.on('option:version', () => {
    throw new VersionRequested();
  });
  // watch --json is NDJSON from its first line: a usage error in its flags or an unknown --profile too.
  program.hook('preSubcommand', (_program, sub) => {
    if (sub.name() === 'watch') rt.ndjson = true;
  });
  return program;
}

/** An ANSI escape sequence (colour, cursor movement). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, 'g');

/** ANSI escapes removed and line breaks folded, so an error is one clean line in JSON and logs. */
function oneLine(text: string): string {
  return text
    .replace(ANSI, '')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim();
}

/** A file-system error saying the device is full (or the user's quota is). */
function isNoSpace(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return err instanceof Error && (code === 'ENOSPC' || code === 'EDQUOT');
}

/** Write an error the way the user asked (JSON on stdout or `error:`/`hint:` on stderr); returns the exit code. */
export function reportError(err: unknown, out: Output): number {
  const { json, verbose } = out.mode;
  const rt = out.streams;
  let code: string;
  let message: string;
  let hint: string | undefined;
  let exitCode: number;
  if (err instanceof CloudsyncError) {
    ({ code, message, hint, exitCode } = err);
  } else if (err instanceof CommanderError) {
    code = 'USAGE';
    // commander.help with a non-zero code: no command was given, and the help already went to stderr.
    message = err.code === 'commander.help' ? 'no command given' : err.message.replace(/^error: /, '');
    // commander appends "\n(Did you mean status?)": that belongs in the hint, not in a one-line message.
    const suggestion = /\s*\((Did you mean [^)]*)\)\s*$/.exec(message);
    if (suggestion) message = message.slice(0, suggestion.index);
    const help = 'see `cloudsync --help` or `cloudsync <command> --help`';
    hint = suggestion ? `${suggestion[1]!.replace(/^Did/, 'did')}; ${help}` : help;
    exitCode = ExitCode.usage;
  } else if (err instanceof Error && err.name === 'ExitPromptError') {
    code = 'CANCELLED';
    message = 'cancelled';
    exitCode = ExitCode.usage;
  } else if (isNoSpace(err)) {
    // A member that does not fit is that member's QUOTA_LIMIT_VIOLATION; this is cloudsync's own write (the
    // state, its journal, the log, a lock) on a full file system: the machine's condition, not a bug.
    code = 'NO_SPACE';
    const where = typeof err.path === 'string' ? ` (${err.path})` : '';
    message = `no space left on the device${where}: cloudsync could not write its state, journal or log`;
    hint =
      'free space there (df -h shows it) and run again; what earlier passes recorded is kept, and the next pass ' +
      'compares both sides again and finishes what this one could not record';
    exitCode = ExitCode.internal;
  } else {
    code = 'INTERNAL';
    // A crash report quotes whatever the error held: scrub it like every other output.
    message = redact(`unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    hint = `please report it at ${BUGS_URL} with the output of \`cloudsync --version\` and the command you ran${verbose ? '' : ' (add --verbose for the stack trace)'}`;
    exitCode = ExitCode.internal;
  }
  // One line each, whatever the source: no terminal decorations, no embedded newlines (JSON and log alike).
  message = oneLine(message);
  hint = hint === undefined ? undefined : oneLine(hint);
  out.log?.write('error', `${code}: ${message}${hint ? ` (hint: ${hint})` : ''}`);
  if (exitCode === ExitCode.internal && err instanceof Error && err.stack) out.log?.write('error', err.stack);
  const error = { code, message, hint: hint ?? null };
  // watch --json is NDJSON: its last line, an error included, is an event with a time like every other.
  const doc = (rt as { ndjson?: boolean }).ndjson
    ? { event: 'fatal', time: new Date().toISOString(), exitCode, error }
    : { error };
  if (json) rt.stdout.write(`${jsonLine(doc)}\n`);
  else out.error(message, hint);
  if (verbose && exitCode === ExitCode.internal && err instanceof Error && err.stack)
    rt.stderr.write(`${redact(err.stack)}\n`);
  return exitCode;
}

/**
 * stdout to a pipe (`sync --json | jq`, a CI step capturing it): Node makes the pipe non-blocking and keeps
 * what the pipe cannot take yet in memory, so a first sync's 27 MB document (100,000 actions), written faster
 * than its reader reads, was held whole: the first sync of 100,000 files peaked at 353 MiB into a pipe against
 * 284 MiB into a file. Writes that wait for the reader, as a pipe is made and as other command-line tools
 * write, hold one piece at a time. A file (written synchronously) or a terminal is left as it is.
 */
export function blockingPipe(stream: NodeJS.WriteStream): void {
  if (stream.isTTY) return;
  const handle = (stream as unknown as { _handle?: { setBlocking?: (on: boolean) => number } })._handle;
  handle?.setBlocking?.(true);
}

/** Entry point (bin/cloudsync.js): parse, run one command, map every outcome to an exit code. */
export async function main(argv: string[], injected?: Runtime): Promise<void> {
  const real = injected === undefined;
  const rt = injected ?? processRuntime();
  if (real) {
    blockingPipe(process.stdout);
    // `cloudsync inspect X | head -1`: a closed stdout ends the command quietly, as git and gh do.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(rt.exitCode);
      throw err;
    });
  }
  const program = await buildProgram(rt, commandsFor(argv.slice(2), rootProgram(rt)));
  let exitCode: number;
  try {
    try {
      await program.parseAsync(argv);
    } catch (err) {
      if (!(err instanceof VersionRequested)) throw err;
      // `--version` anywhere: the `version` command with the same global options (--json, --home).
      const rest = argv.slice(2).filter((a) => a !== '-V' && a !== '--version');
      await (await buildProgram(rt, ['version'])).parseAsync([...argv.slice(0, 2), 'version', ...rest]);
    }
    exitCode = rt.exitCode;
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) {
      exitCode = 0; // --help
    } else {
      // Read the flags from argv too: a usage error can come before commander stored any option.
      const opts = program.opts<{ json?: boolean; verbose?: boolean; color?: boolean }>();
      const mode = {
        json: Boolean(opts.json) || argv.includes('--json'),
        verbose: Boolean(opts.verbose) || argv.includes('--verbose') || argv.includes('-v'),
        quiet: false,
        color: opts.color !== false && !argv.includes('--no-color') && colorAllowed(rt.env),
        forceColor: envFlag(rt.env.FORCE_COLOR),
      };
      await loadColors(mode, rt);
      const out = new Output(mode, rt);
      out.log = rt.log;
      exitCode = reportError(err, out);
    }
  }
  rt.exitCode = exitCode;
  rt.log?.write('info', `exit ${exitCode}`);
  await rt.log?.close();
  if (!real) return;
  if (rt.exitWhenDone) {
    // watch: connector handles may hold the event loop open; everything is saved, so end once stdout drains.
    rt.stdout.write('', () => process.exit(exitCode));
    return;
  }
  process.exitCode = exitCode;
}
