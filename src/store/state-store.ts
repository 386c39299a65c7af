import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { JournalWriter } from './journal.js';
import { ensurePrivateDir, writePrivateFile } from './private-files.js';
import { STATE_SCHEMA, type JournalRecord, type SetState } from './schema.js';
import { readState, serializeRecord, snapshotChunks } from './state-file.js';

export type { JournalRecord } from './schema.js';

/** A new short set id: 8 hex characters from crypto (like a git short hash), not among `existing`. */
export function newSetId(existing: Iterable<string> = []): string {
  const taken = new Set(existing);
  for (;;) {
    const id = randomBytes(4).toString('hex');
    // never a prefix clash either, so every existing id stays resolvable by the prefix it had
    if (![...taken].some((t) => t.startsWith(id) || id.startsWith(t))) return id;
  }
}

const SNAPSHOT = '.json';
const JOURNAL = '.journal';

/**
 * The JSON state store: `<home>/state/<profile>/<set-id>.json` snapshots plus an append-only journal per
 * set, so every applied action is committed at once without rewriting the whole snapshot.
 */
export class StateStore {
  readonly #journals = new Map<string, JournalWriter>();
  /** Per-set queue: a save must not interleave with appends, or truncating the journal could drop one. */
  readonly #queues = new Map<string, Promise<unknown>>();
  /** Sets this store loaded or wrote, i.e. whose file on disk is known to be ours to overwrite. */
  readonly #trusted = new Set<string>();

  constructor(
    readonly home: string,
    readonly profile: string,
  ) {}

  /** `<home>/state/<profile>`. */
  get dir(): string {
    return path.join(this.home, 'state', this.profile);
  }

  /** Ids of the profile's sets, sorted. */
  async listIds(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return idsOf(names);
  }

  /** Load one set (snapshot + journal). Corrupt or newer schema: UsageError (exit 2), file left untouched. */
  async load(id: string): Promise<SetState> {
    const file = this.#file(id, SNAPSHOT);
    const journalFile = this.#file(id, JOURNAL);
    // The bytes, not a string: the member lines are read from them one at a time (row-scan.ts), and the
    // journal's right after them in the same buffer, so its rows can stay bytes too (state-file.ts readState)
    let read: { bytes: Buffer; snapshotLength: number };
    try {
      read = await readTogether(file, journalFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw unknownSet(id);
      throw err;
    }
    // the member table keeps the bytes (its rows are offsets into them) until the members are read as objects
    const state = readState(file, journalFile, read.bytes, read.snapshotLength);
    this.#schemaOnDisk.set(id, state.schema);
    const journal = read.bytes.subarray(read.snapshotLength);
    this.#journalLines.set(id, countLines(journal));
    this.#journalMembers.set(id, countMemberRecords(journal));
    this.#trusted.add(id);
    return state;
  }

  /** Load every set of the profile. */
  async loadAll(): Promise<SetState[]> {
    const ids = await this.listIds();
    return Promise.all(ids.map((id) => this.load(id)));
  }

  /**
   * Write the snapshot atomically and empty the journal. Order matters: the snapshot is durable (temp file,
   * fsync, rename, fsync of the directory) before the journal is truncated, so a crash anywhere in between
   * leaves either the old snapshot + journal or the new snapshot (+ a journal whose replay is a no-op).
   */
  async save(state: SetState): Promise<void> {
    const id = state.set.id;
    return this.#enqueue(id, async () => {
      if (!this.#trusted.has(id)) await this.#refuseForeignFile(id);
      ensurePrivateDir(this.home, 'state', this.profile);
      // fresh O_EXCL temp name (never a planted link), 0600, fsync, rename over the snapshot
      await writePrivateFile(this.#file(id, SNAPSHOT), snapshotChunks(state));
      await syncDir(this.dir);
      this.#trusted.add(id);
      this.#schemaOnDisk.set(id, STATE_SCHEMA);
      const journal = this.#journals.get(id);
      if (journal) journal.truncate();
      else await fs.promises.rm(this.#file(id, JOURNAL), { force: true });
      this.#journalLines.set(id, 0);
      this.#journalMembers.set(id, 0);
    });
  }

  /** Append one record to the set's journal; resolved means it survives the process being killed. */
  async append(id: string, rec: JournalRecord): Promise<void> {
    return this.appendMany(id, [rec]);
  }

  /** Append records to the set's journal in one write; resolved means they all survive a kill. */
  async appendMany(id: string, recs: JournalRecord[]): Promise<void> {
    if (recs.length === 0) return;
    return this.#enqueue(id, async () => {
      let journal = this.#journals.get(id);
      if (!journal) {
        journal = new JournalWriter(this.#file(id, JOURNAL));
        this.#journals.set(id, journal);
      }
      const schema = this.#schemaOnDisk.get(id) ?? STATE_SCHEMA;
      journal.appendMany(recs.map((rec) => serializeRecord(rec, schema)));
      this.#journalLines.set(id, (this.#journalLines.get(id) ?? 0) + recs.length);
      const members = recs.reduce((n, r) => (r.op === 'put' || r.op === 'del' ? n + 1 : n), 0);
      this.#journalMembers.set(id, (this.#journalMembers.get(id) ?? 0) + members);
    });
  }

  /**
   * Records in the set's journal since its last snapshot, so callers can decide when to compact. A snapshot
   * in an older schema counts as endless: the next pass rewrites it in the current one (the migration).
   */
  journalLength(id: string): number {
    if ((this.#schemaOnDisk.get(id) ?? STATE_SCHEMA) < STATE_SCHEMA) return Number.POSITIVE_INFINITY;
    return this.#journalLines.get(id) ?? 0;
  }

  readonly #journalLines = new Map<string, number>();

  /**
   * Whether the set's journal is due to be folded into its snapshot (a save) at the end of a pass over a set
   * of `members` members. A load replays each record (tens of microseconds; the members it names are decoded)
   * and a fold copies the snapshot's unchanged rows as they are (snapshot-rows.ts), so at 100,000 members a
   * fold costs about what replaying 10,000 records does: folded once the journal holds a tenth of the set
   * (and at least 1,000 records), it stays bounded and no pass pays for it long.
   */
  foldDue(id: string, members: number): boolean {
    return this.journalLength(id) >= Math.max(1000, members / 10);
  }

  /**
   * Member records (put, del) in the set's journal: a load replays them as an overlay over the snapshot's rows
   * (table-replay.ts), decoding the members they name, until a save folds the journal in.
   */
  journalMembers(id: string): number {
    return this.#journalMembers.get(id) ?? 0;
  }

  readonly #journalMembers = new Map<string, number>();

  /** The schema of each set's snapshot on disk, as loaded or last written: its journal is written to match. */
  readonly #schemaOnDisk = new Map<string, number>();

  /** Forget a set: snapshot and journal. */
  async remove(id: string): Promise<void> {
    return this.#enqueue(id, async () => {
      this.#journals.get(id)?.close();
      this.#journals.delete(id);
      this.#trusted.delete(id);
      this.#schemaOnDisk.delete(id);
      await fs.promises.rm(this.#file(id, SNAPSHOT), { force: true });
      await fs.promises.rm(this.#file(id, JOURNAL), { force: true });
    });
  }

  /** Resolve a unique id prefix (UsageError when unknown or ambiguous). */
  async resolveId(prefix: string): Promise<string> {
    const ids = await this.listIds();
    if (ids.includes(prefix)) return prefix;
    const matches = prefix === '' ? [] : ids.filter((id) => id.startsWith(prefix));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw new UsageError(
        `sync set id "${prefix}" is ambiguous: it matches ${matches.join(', ')}`,
        'give more characters of the id (see `cloudsync list`)',
        'AMBIGUOUS_SET',
      );
    }
    // Not an id: a set's name (exact, then ignoring case), else a suggestion among names and ids.
    const named = (await this.loadAll()).map((s) => ({ id: s.set.id, name: s.set.name }));
    for (const same of [
      (n: string) => n === prefix,
      (n: string) => n.toLowerCase() === prefix.toLowerCase(),
    ]) {
      const byName = named.filter((s) => same(s.name));
      if (byName.length === 1) return byName[0]!.id;
      if (byName.length > 1) {
        throw new UsageError(
          `sync set name "${prefix}" is ambiguous: sets ${byName.map((s) => s.id).join(', ')} have it`,
          'name the set by its id (see `cloudsync list`)',
          'AMBIGUOUS_SET',
        );
      }
    }
    throw unknownSet(
      prefix,
      didYouMean(
        prefix,
        named.flatMap((s) => [s.name, s.id]),
      ),
    );
  }

  /** A fresh set id, unique in this profile. */
  async newId(): Promise<string> {
    return newSetId(await this.listIds());
  }

  /** Resolves once every save and append queued so far has reached the files. */
  async idle(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((p) => p.catch(() => undefined)));
  }

  /** fsync and close every journal (end of a command). */
  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((p) => p.catch(() => undefined)));
    for (const journal of this.#journals.values()) journal.close();
    this.#journals.clear();
  }

  #file(id: string, ext: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id))
      throw new UsageError(`invalid sync set id "${id}"`, 'run `cloudsync list`');
    return path.join(this.dir, id + ext);
  }

  /** Never overwrite a state file we did not load: it may be corrupt or from a newer cloudsync. */
  async #refuseForeignFile(id: string): Promise<void> {
    const exists = await fs.promises.stat(this.#file(id, SNAPSHOT)).then(
      () => true,
      () => false,
    );
    if (exists) await this.load(id); // throws STATE_CORRUPT / STATE_NEWER, else it is a good file of ours
  }

  #enqueue<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#queues.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.#queues.set(id, settled);
    void settled.then(() => {
      if (this.#queues.get(id) === settled) this.#queues.delete(id);
    });
    return next;
  }
}

/** The UsageError for a set id (or prefix) that names no set. */
function unknownSet(id: string, suggestion?: string): UsageError {
  const list = 'run `cloudsync list` to see the sets';
  return new UsageError(`no sync set "${id}"`, suggestion ? `${suggestion} (${list})` : list, 'UNKNOWN_SET');
}

/** fsync a directory so a rename in it is durable (not supported everywhere: best effort). */
async function syncDir(dir: string): Promise<void> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(dir, 'r');
    await fh.sync();
  } catch {
    // some platforms (Windows) cannot open or fsync a directory; the rename is still atomic
  } finally {
    await fh?.close();
  }
}

/** Journal lines that are not `meta` or `backup` records (each line starts `{"op":"<op>"`). */
function countMemberRecords(bytes: Buffer): number {
  let n = 0;
  for (let at = 0; at < bytes.length;) {
    if (startsAt(bytes, at, PUT) || startsAt(bytes, at, DEL)) n++;
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) break;
    at = end + 1;
  }
  return n;
}

const PUT = Buffer.from('{"op":"put"');
const DEL = Buffer.from('{"op":"del"');

function startsAt(bytes: Buffer, at: number, head: Buffer): boolean {
  if (at + head.length > bytes.length) return false;
  for (let i = 0; i < head.length; i++) if (bytes[at + i] !== head[i]) return false;
  return true;
}

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/**
 * The snapshot `file` and then the journal (none: nothing) read into one buffer, each to its end: the
 * journal's bytes right after the snapshot's. ENOENT of the snapshot is thrown as it is.
 */
async function readTogether(
  file: string,
  journalFile: string,
): Promise<{ bytes: Buffer; snapshotLength: number }> {
  const snapshot = await fs.promises.open(file, 'r');
  let journal: fs.promises.FileHandle | undefined;
  try {
    journal = await fs.promises.open(journalFile, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    const sizes = await Promise.all([snapshot.stat(), journal?.stat()]);
    const bytes = Buffer.allocUnsafe(sizes[0].size + (sizes[1]?.size ?? 0));
    const snapshotLength = await readInto(snapshot, bytes, 0, sizes[0].size);
    let length = snapshotLength;
    if (journal) length += await readInto(journal, bytes, length, bytes.length - length);
    // Longer than its size said (written while read; the set's lock keeps writers out): read whole instead.
    if ((await more(snapshot)) || (journal && (await more(journal)))) {
      const whole = await fs.promises.readFile(file);
      const rest = journal ? await fs.promises.readFile(journalFile) : Buffer.alloc(0);
      return { bytes: Buffer.concat([whole, rest]), snapshotLength: whole.length };
    }
    return { bytes: bytes.subarray(0, length), snapshotLength };
  } finally {
    await snapshot.close();
    await journal?.close();
  }
}

/** Read from `fh` (where it is) into `bytes` at `at`, at most `max` bytes or to its end; the count read. */
async function readInto(fh: fs.promises.FileHandle, bytes: Buffer, at: number, max: number): Promise<number> {
  let n = 0;
  while (n < max) {
    const { bytesRead } = await fh.read(bytes, at + n, max - n, null);
    if (bytesRead === 0) break;
    n += bytesRead;
  }
  return n;
}

async function more(fh: fs.promises.FileHandle): Promise<boolean> {
  return (await fh.read(Buffer.alloc(1), 0, 1, null)).bytesRead > 0;
}

/** The set ids among a state folder's names: `<id>.json` only (a crashed save's `.<id>.json.<random>.tmp` is not one). */
export function idsOf(names: string[]): string[] {
  return names
    .filter((n) => n.endsWith(SNAPSHOT) && !n.startsWith('.'))
    .map((n) => n.slice(0, -SNAPSHOT.length))
    .sort();
}
