import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { registerCompletion } from './commands/completion.js';
import { registerCreate } from './commands/create.js';
import { registerInspect } from './commands/inspect.js';
import { registerList } from './commands/list.js';
import { registerLogin } from './commands/login.js';
import { registerLogout } from './commands/logout.js';
import { registerRequestSync } from './commands/request-sync.js';
import { envFlag, processRuntime, type Runtime } from './commands/runtime.js';
import { registerSetup } from './commands/setup.js';
import { registerSync } from './commands/sync.js';
import { registerUnsync } from './commands/unsync.js';
import { registerWatch } from './commands/watch.js';
import { registerWhoami } from './commands/whoami.js';
import { CloudsyncError, ExitCode } from './errors.js';
import { redact } from './redact.js';
import { jsonLine, Output } from './ui/output.js';

interface PackageJson {
  version: string;
  bugs?: { url?: string } | string;
}

/** package.json, read once: the version and where to report bugs. */
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageJson;
const ISSUES = (typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url) ?? 'the cloudsync issue tracker';

/** The commander program with every command; also walked by the completion generator. */
export function buildProgram(rt: Runtime): Command {
  const program = new Command('cloudsync')
    .description('Two-way sync between an on-premise repository and a cloud repository.')
    .version(pkg.version, '-V, --version', 'print the version')
    .addOption(new Option('--home <dir>', 'where config, credentials and state live').env('CLOUDSYNC_HOME'))
    .addOption(new Option('--profile <name>', 'which profile (pair of connections)').env('CLOUDSYNC_PROFILE'))
    .option('--json', 'machine-readable output on stdout (errors too)')
    .option('-q, --quiet', 'print less on stderr')
    .option('-v, --verbose', 'print more on stderr')
    .option('--no-color', 'no ANSI colours (also NO_COLOR)')
    .option('-y, --yes', 'never prompt (implied when stdin is not a terminal, or CI is set)')
    .option('--log-file <file>', 'keep the log here instead of <home>/logs/cloudsync.log')
    .option('--no-log-file', 'keep no log file for this run')
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
  for (const register of [
    registerLogin,
    registerLogout,
    registerWhoami,
    registerSetup,
    registerCreate,
    registerList,
    registerInspect,
    registerRequestSync,
    registerUnsync,
    registerSync,
    registerWatch,
    registerCompletion,
  ]) {
    register(program, rt);
  }
  return program;
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
    hint = 'see `cloudsync --help` or `cloudsync <command> --help`';
    exitCode = ExitCode.usage;
  } else if (err instanceof Error && err.name === 'ExitPromptError') {
    code = 'CANCELLED';
    message = 'cancelled';
    exitCode = ExitCode.usage;
  } else {
    code = 'INTERNAL';
    // A crash report quotes whatever the error held: scrub it like every other output.
    message = redact(`unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    hint = `please report it at ${ISSUES} with the output of \`cloudsync --version\` and the command you ran${verbose ? '' : ' (add --verbose for the stack trace)'}`;
    exitCode = ExitCode.internal;
  }
  out.log?.write('error', `${code}: ${message}${hint ? ` (hint: ${hint})` : ''}`);
  if (exitCode === ExitCode.internal && err instanceof Error && err.stack) out.log?.write('error', err.stack);
  if (json) rt.stdout.write(`${jsonLine({ error: { code, message, hint: hint ?? null } })}\n`);
  else out.error(message, hint);
  if (verbose && exitCode === ExitCode.internal && err instanceof Error && err.stack)
    rt.stderr.write(`${redact(err.stack)}\n`);
  return exitCode;
}

/** Entry point (bin/cloudsync.js): parse, run one command, map every outcome to an exit code. */
export async function main(argv: string[], injected?: Runtime): Promise<void> {
  const real = injected === undefined;
  const rt = injected ?? processRuntime();
  const program = buildProgram(rt);
  let exitCode: number;
  try {
    await program.parseAsync(argv);
    exitCode = rt.exitCode;
  } catch (err) {
    if (err instanceof CommanderError && (err.exitCode === 0 || err.code === 'commander.version')) {
      exitCode = 0; // --help, --version
    } else {
      // Read the flags from argv too: a usage error can come before commander stored any option.
      const opts = program.opts<{ json?: boolean; verbose?: boolean; color?: boolean }>();
      const mode = {
        json: Boolean(opts.json) || argv.includes('--json'),
        verbose: Boolean(opts.verbose) || argv.includes('--verbose') || argv.includes('-v'),
        quiet: false,
        color: opts.color !== false && !argv.includes('--no-color') && !rt.env.NO_COLOR,
        forceColor: envFlag(rt.env.FORCE_COLOR),
      };
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
