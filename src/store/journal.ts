import fs from 'node:fs';
import { openPrivateAppend } from './private-files.js';

/** How often at most a journal is fsync-ed while appends keep coming. */
export const JOURNAL_FSYNC_MS = 200;

/**
 * An open journal file of one set. Each record is one write(2) of one line on an O_APPEND descriptor, done
 * synchronously: once append() returns, the bytes are in the kernel, so a SIGKILL right after loses
 * nothing. Power loss is covered by an fsync at most every JOURNAL_FSYNC_MS and on flush/close; fsync-ing
 * every record would make 10,000 commits cost seconds instead of milliseconds.
 */
export class JournalWriter {
  readonly #fd: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(readonly file: string) {
    // O_NOFOLLOW and a check that it is a plain file of ours: a link planted at the name is refused
    this.#fd = openPrivateAppend(file, { read: true });
    try {
      dropTornTail(this.#fd);
    } catch (err) {
      fs.closeSync(this.#fd);
      throw err;
    }
  }

  /** Append one line (the caller passes it without the newline). */
  append(line: string): void {
    this.appendMany([line]);
  }

  /**
   * Append lines in one write(2) (a batch of records that waited for the same flush). A kill mid-write
   * leaves whole lines and at most one torn last line, which the next open cuts: as if killed between
   * appends.
   */
  appendMany(lines: string[]): void {
    if (lines.length === 0) return;
    const buf = Buffer.from(lines.join('\n') + '\n');
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.#fd, buf, off, buf.length - off);
    this.#timer ??= setTimeout(() => this.#syncNow(), JOURNAL_FSYNC_MS).unref();
  }

  /** Empty the journal (after a snapshot made it redundant). */
  truncate(): void {
    fs.ftruncateSync(this.#fd, 0);
    this.#syncNow();
  }

  /** fsync now (save and close call this). */
  flush(): void {
    this.#syncNow();
  }

  close(): void {
    if (this.#closed) return;
    this.#syncNow();
    this.#closed = true;
    fs.closeSync(this.#fd);
  }

  #syncNow(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#closed) fs.fsyncSync(this.#fd);
  }
}

/**
 * Cut a torn last line (a crash mid-write) before appending, so it cannot end up in the middle of the
 * journal where it would read as corruption.
 */
function dropTornTail(fd: number): void {
  const text = fs.readFileSync(fd);
  if (text.length === 0 || text[text.length - 1] === 0x0a) return;
  fs.ftruncateSync(fd, text.lastIndexOf(0x0a) + 1);
}
