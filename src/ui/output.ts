import { escapeControl, maskSecrets, secretsKnown } from '../redact.js';
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
  // Without a replacer JSON.stringify takes its fast path; with no secret known there is nothing to mask.
  if (!secretsKnown()) return JSON.stringify(data);
  return JSON.stringify(data, (_key, value: unknown) =>
    typeof value === 'string' ? maskSecrets(value) : value,
  );
}

/** How many levels of plain objects and arrays jsonPieces writes piece by piece (document, sets, set, actions). */
const PIECE_DEPTH = 4;

/** Pieces of text are written out once they reach this many characters. */
const PIECE_CHARS = 64 * 1024;

/**
 * The text of `jsonLine(data)`, exactly, handed to `write` a piece at a time: the outer plain objects and
 * arrays are walked here and their members serialised one by one, so a first sync's document (100,000
 * actions, 27 MB) is never built as one string, nor copied whole into one buffer for the stream.
 */
export function writeJsonPieces(data: unknown, write: (text: string) => void): void {
  let pending = '';
  const put = (text: string): void => {
    pending += text;
    if (pending.length >= PIECE_CHARS) {
      write(pending);
      pending = '';
    }
  };
  const value = (v: unknown, key: string, depth: number): boolean => {
    const j = v as { toJSON?: (k: string) => unknown } | null;
    if (j !== null && typeof j === 'object' && typeof j.toJSON === 'function') v = j.toJSON(key);
    if (depth >= PIECE_DEPTH || v === null || typeof v !== 'object' || !isPlain(v)) {
      const text = jsonLine(v);
      if (text === undefined) return false; // undefined, a function, a symbol: left out (null in an array)
      put(text);
      return true;
    }
    if (Array.isArray(v)) {
      put('[');
      v.forEach((item, i) => {
        if (i > 0) put(',');
        if (!value(item, String(i), depth + 1)) put('null');
      });
      put(']');
      return true;
    }
    put('{');
    let first = true;
    for (const k of Object.keys(v)) {
      const item = (v as Record<string, unknown>)[k];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      put(`${first ? '' : ','}${JSON.stringify(k)}:`);
      first = false;
      value(item, k, depth + 1);
    }
    put('}');
    return true;
  };
  if (!value(data, '', 0)) return;
  if (pending !== '') write(pending);
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return Array.isArray(v) || proto === Object.prototype || proto === null;
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
    // The last piece goes out with the newline: a small document (an NDJSON event) is one write, as before.
    let held: string | undefined;
    writeJsonPieces(data, (text) => {
      if (held !== undefined) this.streams.stdout.write(held);
      held = text;
    });
    this.streams.stdout.write(`${held ?? ''}\n`);
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
