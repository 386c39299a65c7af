// The persistent log (<home>/logs/cloudsync.log or --log-file): timestamped, redacted, buffered, rotated.
import { closeSync, writeSync } from 'node:fs';
import { lstat, rename } from 'node:fs/promises';
import path from 'node:path';
import { escapeControl, redact } from '../redact.js';
import { ensurePrivateDir, openPrivateAppend } from '../store/private-files.js';

/** Severity of a log line. */
export type LogLevel = 'info' | 'warn' | 'error' | 'debug';

/** Tuning of a LogFile; the defaults are what users get. */
export interface LogFileOptions {
  /** Rotate before the file would pass this size (default 5 MB). */
  maxBytes?: number;
  /** Rotated files kept: `<file>.1` (newest) … `<file>.<keep>` (default 3). */
  keep?: number;
  /** Exact strings to mask besides the patterns `redact` knows (passwords and tokens from the environment). */
  secrets?: string[];
  /** Flush buffered lines after this long (default 250 ms) or once 64 KB are waiting. */
  flushMs?: number;
  clock?: () => Date;
  /** Told once when the log cannot be written; logging then stops and the command goes on. */
  onError?: (err: Error) => void;
}

const FLUSH_BYTES = 64 * 1024;

/**
 * An append-only log that never slows the work it records: `write` only formats and buffers; a timer or
 * a full buffer hands the lines to one serial chain of appends. A failure to write never fails a command.
 */
export class LogFile {
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private size: number | undefined;
  private broken = false;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly secrets: string[];

  constructor(
    readonly file: string,
    private readonly opts: LogFileOptions = {},
  ) {
    this.maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
    this.keep = opts.keep ?? 3;
    // Longest first, so a secret that contains another is masked whole.
    this.secrets = (opts.secrets ?? []).filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  }

  /** Mask this exact string in every later line (a password typed or piped in this run). */
  mask(secret: string | undefined): void {
    if (secret && secret.length >= 4 && !this.secrets.includes(secret)) {
      this.secrets.push(secret);
      this.secrets.sort((a, b) => b.length - a.length);
    }
  }

  /** Record one line (or several, for a multi-line message), redacted and timestamped. */
  write(level: LogLevel, message: string): void {
    if (this.broken) return;
    // Control characters shown visibly, so a name cannot forge a log line or drive the terminal that reads it.
    let text = escapeControl(redact(message), { keepNewlines: true });
    for (const s of this.secrets) text = text.split(s).join('***');
    const stamp = (this.opts.clock?.() ?? new Date()).toISOString();
    const line = `${stamp} ${level.toUpperCase().padEnd(5)} ${text.replace(/\n/g, '\n    ')}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_BYTES) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.opts.flushMs ?? 250);
      this.timer.unref(); // a pending flush must not keep a finished command alive
    }
  }

  /** Write everything buffered so far; resolves when it is on disk (or logging gave up). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return this.chain;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    this.chain = this.chain.then(() => this.append(chunk));
    return this.chain;
  }

  /** Flush and stop the timer: call before the process ends. */
  close(): Promise<void> {
    return this.flush();
  }

  private async append(chunk: string): Promise<void> {
    if (this.broken) return;
    try {
      const bytes = Buffer.byteLength(chunk);
      if (this.size === undefined) {
        ensurePrivateDir(path.dirname(this.file)); // a real folder of ours (or root's), never a link
        this.size = await fileSize(this.file);
      }
      if (this.size > 0 && this.size + bytes > this.maxBytes) {
        // Another process may have rotated already: trust the file, not our count.
        this.size = await fileSize(this.file);
        if (this.size > 0 && this.size + bytes > this.maxBytes) await this.rotate();
      }
      appendPrivate(this.file, chunk);
      this.size += bytes;
    } catch (err) {
      this.broken = true;
      this.opts.onError?.(err as Error);
    }
  }

  /** cloudsync.log → .1 → .2 … → .<keep>; the oldest falls off (rename replaces it). */
  private async rotate(): Promise<void> {
    for (let i = this.keep - 1; i >= 1; i--)
      await renameIfThere(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    if (this.keep >= 1) await renameIfThere(this.file, `${this.file}.1`);
    this.size = 0;
  }
}

async function fileSize(file: string): Promise<number> {
  return (await lstat(file).catch(() => null))?.size ?? 0;
}

/** Append through O_NOFOLLOW to a plain file of ours (a link planted at the log's name is refused). */
function appendPrivate(file: string, chunk: string): void {
  const fd = openPrivateAppend(file);
  try {
    const buf = Buffer.from(chunk);
    for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
  } finally {
    closeSync(fd);
  }
}

async function renameIfThere(from: string, to: string): Promise<void> {
  await rename(from, to).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
