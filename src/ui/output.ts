import { escapeControl, maskSecrets } from '../redact.js';
import { colorsFor, type Colors } from './colors.js';
import type { LogFile } from './log-file.js';

/** The process streams and terminal facts a command renders against (injected so tests can capture them). */
export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
}

/** How the user asked to be talked to (global flags). */
export interface OutputMode {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  /** False with --no-color or NO_COLOR. */
  color: boolean;
  /** FORCE_COLOR: colour even off a terminal (the chalk convention), unless colour is turned off. */
  forceColor?: boolean;
  /** TERM=dumb: the terminal cannot redraw a line, so no spinner or progress line. */
  dumbTerminal?: boolean;
  /** The pager for long listings (see choosePager), or null/undefined for none. */
  pager?: string | null;
}

/**
 * Text as it may reach a terminal: known secrets masked, control characters from names and server messages
 * shown visibly (`\x1b`, `\n`). `composed` text (tables, multi-line notes we wrote) keeps its line breaks
 * and its chalk colours.
 */
export function forTerminal(text: string, composed = false, colored = false): string {
  return escapeControl(maskSecrets(text), composed ? { keepNewlines: true, keepColors: colored } : {});
}

/** JSON of `data` with every string value's known secrets masked. */
export function jsonLine(data: unknown): string {
  return JSON.stringify(data, (_key, value: unknown) =>
    typeof value === 'string' ? maskSecrets(value) : value,
  );
}

/**
 * The one writer commands use. `--json` owns stdout (exactly one document, or NDJSON for watch); human
 * text goes to stdout only without --json; notes, warnings and logs go to stderr.
 */
export class Output {
  /** Colours for text written to stdout. */
  readonly color: Colors;
  /** Colours for text written to stderr. */
  readonly errColor: Colors;
  /** The persistent log of this run, if it keeps one: warnings and --verbose lines are copied there. */
  log: LogFile | undefined;

  /** Call `loadColors(mode, streams)` first when colour is possible (see colors.ts). */
  constructor(
    readonly mode: OutputMode,
    readonly streams: Streams,
  ) {
    this.color = colorsFor(mode, streams.stdoutIsTTY, 'stdout');
    this.errColor = colorsFor(mode, streams.stderrIsTTY, 'stderr');
  }

  get json(): boolean {
    return this.mode.json;
  }

  /** Whether live decorations (spinner, progress line) may be drawn: stderr is a terminal and nobody asked for silence. */
  get live(): boolean {
    // A terminal without a width (some pseudo-terminals) would make the spinner's line maths divide by zero.
    const columns = (this.streams.stderr as { columns?: number }).columns ?? 0;
    return (
      this.streams.stderrIsTTY &&
      columns > 0 &&
      !this.mode.quiet &&
      !this.mode.json &&
      !this.mode.dumbTerminal
    );
  }

  /** The command's result: `data` as one JSON document with --json, else the human rendering. */
  result(data: unknown, human: () => string): void {
    if (this.mode.json) this.writeJson(data);
    else {
      const text = forTerminal(human(), true, this.color.level > 0);
      if (text !== '') this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  /**
   * As result(), for listings that can be long (inspect of thousands of members): the human text goes
   * through the pager when stdout is a terminal and it is taller than the screen.
   */
  async pagedResult(data: unknown, human: () => string, env: NodeJS.ProcessEnv = {}): Promise<void> {
    if (this.mode.json || !this.mode.pager) return this.result(data, human);
    const text = forTerminal(human(), true, this.color.level > 0);
    const rows = (this.streams.stdout as { rows?: number }).rows;
    const { pageText } = await import('./pager.js');
    if (!(await pageText(this.mode.pager, text.endsWith('\n') ? text : `${text}\n`, rows, env)))
      this.result(data, () => text);
  }

  /**
   * One JSON value on one line (also used for NDJSON events). Strings keep their real characters (JSON
   * escapes controls); only a secret this process knows is masked.
   */
  writeJson(data: unknown): void {
    this.streams.stdout.write(`${jsonLine(data)}\n`);
  }

  /** A progress note for people (stderr); silent with --quiet or --json. */
  info(message: string): void {
    if (!this.mode.quiet && !this.mode.json)
      this.streams.stderr.write(`${forTerminal(message, true, this.errColor.level > 0)}\n`);
  }

  /**
   * Something the user should know but that does not fail the command (stderr); silent with --quiet.
   * `log: false` when the caller's source is logged already (engine events).
   */
  warn(message: string, opts: { log?: boolean } = {}): void {
    if (opts.log !== false) this.log?.write('warn', message);
    if (!this.mode.quiet)
      this.streams.stderr.write(`${this.errColor.yellow('warning:')} ${forTerminal(message)}\n`);
  }

  /** Detail for --verbose only (stderr, and the log); `log: false` as for warn. */
  debug(message: string, opts: { log?: boolean } = {}): void {
    if (!this.mode.verbose) return;
    if (opts.log !== false) this.log?.write('debug', message);
    this.streams.stderr.write(`${this.errColor.dim(forTerminal(message))}\n`);
  }

  /** A human error report on stderr: `error: message` then `hint: ...`. */
  error(message: string, hint?: string): void {
    this.streams.stderr.write(`${this.errColor.red('error:')} ${forTerminal(message)}\n`);
    if (hint) this.streams.stderr.write(`${this.errColor.cyan('hint:')} ${forTerminal(hint)}\n`);
  }
}
