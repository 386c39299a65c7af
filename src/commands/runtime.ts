import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigStore, PROFILE_NAME } from '../config/config.js';
import { assertPrivateHome } from '../config/home-check.js';
import { resolveHome } from '../config/home.js';
import { didYouMean } from '../suggest.js';
import { UsageError } from '../errors.js';
import { colorAllowed, envFlag, loadColors } from '../ui/colors.js';
import { LogFile } from '../ui/log-file.js';
import { choosePager } from '../ui/pager.js';
import { Output, type Streams } from '../ui/output.js';
import { shellQuote } from '../ui/wizard.js';

/** Kept here too for callers that import them from the runtime (they live in ui/colors.ts, which `--version` loads). */
export { colorAllowed, envFlag };

/** The process as commands see it; injected so the CLI can be driven in-process by tests. */
export interface Runtime extends Streams {
  stdin: NodeJS.ReadableStream;
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** The exit code the command chose; cli.ts turns it into the process exit code. */
  exitCode: number;
  /** Set by long-running commands (watch) whose handles may outlive them: cli.ts exits explicitly. */
  exitWhenDone: boolean;
  /** Set by `watch --json`: an error ends the NDJSON stream as an event line (`event`, `time`). */
  ndjson?: boolean;
  /** The persistent log of this run, opened by readGlobals; cli.ts flushes it before the process ends. */
  log?: LogFile;
  /** Call `handler` on SIGINT/SIGTERM until the returned function is called. */
  onSignal(handler: (signal: string) => void): () => void;
}

/** The real process. */
export function processRuntime(): Runtime {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    env: process.env,
    exitCode: 0,
    exitWhenDone: false,
    onSignal(handler) {
      const h = (sig: NodeJS.Signals): void => handler(sig);
      process.on('SIGINT', h);
      process.on('SIGTERM', h);
      return () => {
        process.off('SIGINT', h);
        process.off('SIGTERM', h);
      };
    },
  };
}

/** The global options every command sees, resolved once. */
export interface Globals {
  /** --home as given (or CLOUDSYNC_HOME); undefined means the platform default, resolved by the config module. */
  homeFlag: string | undefined;
  profile: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  /** Never prompt: --yes, CI, stdin not a terminal, or --json. */
  yes: boolean;
  /** A person is at a terminal and may be prompted. */
  interactive: boolean;
  out: Output;
  rt: Runtime;
}

/** Raw global option values as commander stores them. */
interface RawGlobals {
  home?: string;
  profile?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  yes?: boolean;
  /** false with --no-pager. */
  pager?: boolean;
  /** --log-file <path>, or false with --no-log-file. */
  logFile?: string | false;
}

/** Rotation of the log: at 5 MB the file becomes cloudsync.log.1, and three such files are kept. */
const LOG_MAX_BYTES = 5 * 1024 * 1024;
const LOG_KEEP = 3;

/**
 * The run's log file: --log-file, else `<home>/logs/cloudsync.log`; none with --no-log-file or for
 * `completion` (run by every new shell, it would only add noise). Passwords and tokens from the
 * environment are masked in it, besides the patterns every log line is scrubbed of.
 */
function openLog(cmd: Command, raw: RawGlobals, rt: Runtime, out: Output): LogFile | undefined {
  if (raw.logFile === false || ['completion', 'complete-path', 'version'].includes(cmd.name()))
    return undefined;
  const file = raw.logFile
    ? path.resolve(raw.logFile)
    : path.join(resolveHome(raw.home, rt.env), 'logs', 'cloudsync.log');
  const secrets = Object.entries(rt.env)
    .filter(([k, v]) => v && /^CLOUDSYNC_\w+_(PASSWORD|TOKEN)$/.test(k))
    .map(([, v]) => v!);
  return new LogFile(file, {
    maxBytes: LOG_MAX_BYTES,
    keep: LOG_KEEP,
    secrets,
    onError: (err) =>
      out.warn(`cannot write the log ${file}: ${err.message}; going on without it`, { log: false }),
  });
}

/** `sync 3f2a --dry-run --json`: the command as typed (options given on the command line, not defaults), for the log. */
function describeCommand(cmd: Command): string {
  const parts = [cmd.name(), ...cmd.args.map(shellQuote)];
  for (let c: Command | null = cmd; c; c = c.parent) {
    for (const [key, value] of Object.entries(c.opts())) {
      if (c.getOptionValueSource(key) !== 'cli') continue;
      const flag = `--${key.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`;
      if (value === true) parts.push(flag);
      else if (value === false) parts.push(flag.replace(/^--/, '--no-'));
      else parts.push(flag, ...(Array.isArray(value) ? value : [value]).map((v) => shellQuote(String(v))));
    }
  }
  return parts.join(' ');
}

/** Read the global options of the running command (given before or after the command name). */
export async function readGlobals(cmd: Command, rt: Runtime): Promise<Globals> {
  const raw = cmd.optsWithGlobals<RawGlobals>();
  const profile = raw.profile ?? 'default';
  if (!PROFILE_NAME.test(profile)) {
    throw new UsageError(
      `invalid profile name '${profile}'`,
      'use letters, digits, dot, dash and underscore (e.g. --profile staging)',
    );
  }
  const json = Boolean(raw.json);
  const quiet = Boolean(raw.quiet);
  const verbose = Boolean(raw.verbose) && !quiet;
  const color = raw.color !== false && colorAllowed(rt.env);
  const yes = Boolean(raw.yes) || json || !rt.stdinIsTTY || envFlag(rt.env.CI);
  const mode = {
    json,
    quiet,
    verbose,
    color,
    forceColor: envFlag(rt.env.FORCE_COLOR),
    dumbTerminal: rt.env.TERM === 'dumb',
    pager: choosePager(rt.env, rt.stdoutIsTTY, raw.pager === false),
  };
  await loadColors(mode, rt);
  const out = new Output(mode, rt);
  // Before anything reads or writes the home (the log included): a home others can write is refused.
  if (cmd.name() !== 'completion') assertPrivateHome(resolveHome(raw.home, rt.env));
  rt.log ??= openLog(cmd, raw, rt, out);
  out.log = rt.log;
  return {
    homeFlag: raw.home,
    profile,
    json,
    quiet,
    verbose,
    yes,
    interactive: !yes && rt.stderrIsTTY,
    out,
    rt,
  };
}

/** The profiles of a home: those with a connection in config.json, and those with sets under state/. */
export async function knownProfiles(home: string): Promise<string[]> {
  const configured = await new ConfigStore(home).profiles();
  let withState: string[] = [];
  try {
    const entries = await fs.promises.readdir(path.join(home, 'state'), { withFileTypes: true });
    withState = entries.filter((e) => e.isDirectory() && PROFILE_NAME.test(e.name)).map((e) => e.name);
  } catch {
    // no state yet
  }
  return [...new Set([...configured, ...withState])].sort();
}

/**
 * A --profile (or CLOUDSYNC_PROFILE) that names no existing profile is exit 2, like kubectl's unknown context:
 * otherwise a typo shows an empty profile and exits 0. `default` always exists.
 */
async function requireProfile(g: Globals): Promise<void> {
  if (g.profile === 'default') return;
  const home = resolveHome(g.homeFlag, g.rt.env);
  const profiles = await knownProfiles(home);
  if (profiles.includes(g.profile)) return;
  const close = didYouMean(g.profile, profiles);
  throw new UsageError(
    `no profile "${g.profile}" in ${home}`,
    [
      close,
      profiles.length ? `profiles: ${profiles.join(', ')}` : undefined,
      'a profile is made by `cloudsync login <side> ... --profile <name>`',
    ]
      .filter(Boolean)
      .join('; '),
    'UNKNOWN_PROFILE',
  );
}

/** How a command treats the selected profile. */
export interface ActionOptions {
  /** `login`/`setup` create profiles; `version`, `profiles` and `completion` do not care: they take any name. */
  anyProfile?: boolean;
}

/**
 * Wrap a command body as a commander action: resolve the globals, run it, and record the exit code it
 * returns (undefined means 0). Errors propagate to cli.ts, which maps them to exit codes.
 */
export function commandAction(
  rt: Runtime,
  body: (g: Globals, cmd: Command) => Promise<number | void>,
  opts: ActionOptions = {},
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const g = await readGlobals(cmd, rt);
    g.out.log?.write('info', `command: ${describeCommand(cmd)} (profile ${g.profile}, pid ${process.pid})`);
    if (!opts.anyProfile) await requireProfile(g);
    const code = await body(g, cmd);
    rt.exitCode = code ?? 0;
  };
}
