import { UsageError } from '../errors.js';
import {
  decodeMember,
  encodeMember,
  Interner,
  parentsFirst,
  RowError,
  type MemberRow,
} from './member-rows.js';
import { attachMembers, MemberTable, memberTable } from './member-table.js';
import { scanMemberLines } from './row-scan.js';
import { tableRowChunks } from './snapshot-rows.js';
import { TableReplay } from './table-replay.js';
import { STATE_SCHEMA, type JournalRecord, type MemberState, type SetState } from './schema.js';

/** Hint for a state file cloudsync cannot trust: the user's way out, without us touching the file. */
function corruptHint(file: string): string {
  return `cloudsync left ${file} untouched. Move it aside and run \`cloudsync create\` again to re-create the set.`;
}

/** The UsageError (exit 2, STATE_CORRUPT) for a file we cannot read as state. */
export function corruptState(file: string, why: string): UsageError {
  return new UsageError(`state file ${file} is corrupt: ${why}`, corruptHint(file), 'STATE_CORRUPT');
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const MEMBERS_OPEN = '\n "members": [\n';
const MEMBERS_CLOSE = '\n],\n "backups": ';

/** Where the member lines are in a snapshot serializeSnapshot wrote, and everything else parsed. */
interface Split {
  head: unknown;
  /** The member lines in a table (member-table.ts), or STATE_CORRUPT naming the member. */
  table: () => MemberTable;
}

/**
 * The snapshot in pieces, when it has the layout serializeSnapshot writes: the head (everything but the
 * members), and the member lines, read one at a time from the file's bytes (row-scan.ts; a line in another
 * shape is parsed on its own, never all at once). Undefined for any other layout.
 */
function splitSnapshot(file: string, bytes: Buffer): Split | undefined {
  // No member or backup line can hold either marker (a line of compact JSON has no raw newline), so the
  // first opening and the last closing are the list's: neither search reads the member lines.
  const open = bytes.indexOf(MEMBERS_OPEN);
  const close = open < 0 ? -1 : bytes.lastIndexOf(MEMBERS_CLOSE);
  if (close < open) return undefined;
  const slice = (from: number, to?: number) => bytes.toString('utf8', from, to);
  let head: unknown;
  try {
    // the head ends with the comma before "members" (serializeSnapshot writes `...,\n "members": [`)
    head = JSON.parse(`${slice(0, open)}\n "members": [], "backups": ${slice(close + MEMBERS_CLOSE.length)}`);
  } catch {
    return undefined;
  }
  const from = open + MEMBERS_OPEN.length;
  return {
    head,
    table: () => {
      // a guess at the row count (a common row is ~250 bytes): the columns grow if it is short
      const table = new MemberTable(bytes, Math.ceil((close - from) / 200));
      const parse = (line: string, n: number) => addItem(file, table, parseLine(file, line, n), n);
      scanMemberLines(bytes, from, close, table, parse);
      return table;
    },
  };
}

/**
 * Parse and check a snapshot. A newer schema is refused before anything else (its fields may differ); then
 * the fields every reader relies on are checked, so a damaged file fails here and not deep in the engine.
 */
export function parseSnapshot(file: string, text: string | Buffer): SetState {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const split = splitSnapshot(file, bytes);
  let data: unknown = split?.head;
  if (!split) {
    try {
      data = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw corruptState(file, (err as Error).message);
    }
  }
  if (!isObject(data)) throw corruptState(file, 'not a JSON object');
  if (typeof data.schema !== 'number' || !Number.isInteger(data.schema) || data.schema < 1) {
    throw corruptState(file, 'missing or invalid "schema"');
  }
  if (data.schema > STATE_SCHEMA) {
    throw new UsageError(
      `state file ${file} was written by a newer cloudsync (schema ${data.schema}, this one reads up to ${STATE_SCHEMA})`,
      `upgrade cloudsync to use this sync set; ${file} was left untouched`,
      'STATE_NEWER',
    );
  }
  const set = data.set;
  if (
    !isObject(set) ||
    typeof set.id !== 'string' ||
    typeof set.kind !== 'string' ||
    !isObject(set.options)
  ) {
    throw corruptState(file, 'missing or invalid "set"');
  }
  if (!isObject(set.target) || typeof set.target.id !== 'string')
    throw corruptState(file, 'missing "set.target"');
  if (!Array.isArray(data.members)) throw corruptState(file, 'missing or invalid "members"');
  if (split) {
    attachMembers(data as unknown as SetState, split.table().done());
  } else data.members = decodeMembers(file, data.members);
  if (!Array.isArray(data.backups)) throw corruptState(file, 'missing "backups"');
  if (data.lastSyncAt !== null && typeof data.lastSyncAt !== 'string')
    throw corruptState(file, 'invalid "lastSyncAt"');
  if (typeof data.nextKey !== 'number') throw corruptState(file, 'missing "nextKey"');
  return data as unknown as SetState;
}

function parseLine(file: string, line: string, n: number): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    throw corruptState(file, `member ${n}: ${(err as Error).message}`);
  }
}

/** One parsed member line into the table (member-table.ts), or STATE_CORRUPT naming the member. */
function addItem(file: string, table: MemberTable, item: unknown, n: number): void {
  try {
    table.add(item);
  } catch (err) {
    if (!(err instanceof RowError)) throw err;
    throw corruptState(file, `member ${n}: ${err.message}`);
  }
}

/**
 * The members of a snapshot: schema 1 objects as they are, schema 2 rows decoded (parents come first, so a
 * row derives from a member already decoded). Both forms are accepted in any file, so a state bundle (which
 * carries members as objects) reads whatever schema it says.
 */
function decodeMembers(file: string, items: Iterable<unknown>): MemberState[] {
  const byKey = new Map<string, MemberState>();
  const interner = new Interner();
  const parentOf = (key: string) => byKey.get(key);
  const out: MemberState[] = [];
  let i = 0;
  for (const item of items) {
    i++;
    let m: MemberState;
    if (isObject(item) && typeof item.key === 'string') m = item as unknown as MemberState;
    else {
      try {
        m = decodeMember(item, parentOf, interner);
      } catch (err) {
        if (!(err instanceof RowError)) throw err;
        throw corruptState(file, `member ${i}: ${err.message}`);
      }
    }
    byKey.set(m.key, m);
    out.push(m);
  }
  return out;
}

/** Check one parsed journal line; anything else is corruption. */
function checkRecord(rec: unknown): rec is JournalRecord | { op: 'put'; row: MemberRow } {
  if (!isObject(rec)) return false;
  switch (rec.op) {
    case 'put':
      return (
        (isObject(rec.member) && typeof rec.member.key === 'string') ||
        (Array.isArray(rec.row) && typeof rec.row[0] === 'string')
      );
    case 'del':
      return typeof rec.key === 'string';
    case 'backup':
      return isObject(rec.backup);
    case 'meta':
      return true;
    default:
      return false;
  }
}

/**
 * Replay journal text onto a loaded snapshot, in order. Only the final line may be torn (no trailing
 * newline: the process died mid-write) and is then ignored; a bad line anywhere else is corruption. Members
 * still kept as rows (member-table.ts) stay rows: the records become an overlay over them (table-replay.ts).
 * Given as bytes that follow the snapshot's in the table's memory (readState), a record that updates a file
 * in place is kept as its bytes too (TableReplay.putScanned): no JSON.parse, no member decoded.
 */
export function replayJournal(file: string, journal: string | Buffer, state: SetState): SetState {
  if (journal.length === 0) return state; // nothing to replay: the snapshot's members stay as they are
  const table = memberTable(state);
  const onRows = table ? new TableReplay(table, state.nextKey) : undefined;
  // Built at the first record that changes a member: a journal of pass times alone (a no-change pass appends
  // one line) leaves the snapshot's member list as it is.
  let byKey: Map<string, MemberState> | undefined;
  const members = (): Map<string, MemberState> => (byKey ??= new Map(state.members.map((m) => [m.key, m])));
  const memberOf = (k: string) => (onRows ? onRows.get(k) : members().get(k));
  const interner = new Interner();
  const replay = (line: string, n: number, torn: boolean): boolean => {
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      if (torn) return false;
      throw corruptState(file, `line ${n} is not JSON`);
    }
    if (!checkRecord(rec)) {
      if (torn) return false;
      throw corruptState(file, `line ${n} is not a journal record`);
    }
    if (rec.op === 'put' && 'row' in rec) {
      try {
        rec = { op: 'put', member: decodeRecordRow(rec.row, memberOf, interner) };
      } catch (err) {
        if (!(err instanceof RowError)) throw err;
        if (torn) return false;
        throw corruptState(file, `line ${n}: ${err.message}`);
      }
    }
    const r = rec as JournalRecord;
    if (onRows && r.op === 'put') onRows.put(r.member);
    else if (onRows && r.op === 'del') onRows.del(r.key);
    else applyRecord(r, state, r.op === 'put' || r.op === 'del' ? members() : undefined);
    return true;
  };
  const bytes = typeof journal === 'string' ? undefined : journal;
  const base = bytes && table ? offsetIn(table.bytes, bytes) : undefined;
  if (bytes && base !== undefined) {
    const buf = table!.bytes;
    const stop = base + bytes.length;
    let backslash = -2; // the next backslash at or after the current line (-1: none left)
    for (let at = base, n = 1; at < stop; n++) {
      let end = buf.indexOf(0x0a, at);
      // after the last '\n': complete lines always end with one
      const torn = end < 0 || end >= stop;
      if (torn) end = stop;
      if (backslash !== -1 && backslash < at) backslash = buf.indexOf(0x5c, at);
      const plain = backslash === -1 || backslash >= end;
      if (end > at && !(!torn && onRows!.putScanned(at, end, plain))) {
        if (!replay(buf.toString('utf8', at, end), n, torn)) break;
      }
      at = end + 1;
    }
  } else {
    const lines = (bytes ? bytes.toString('utf8') : (journal as string)).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      if (!replay(line, i + 1, i === lines.length - 1)) break;
    }
  }
  onRows?.finish();
  if (byKey) state.members = [...byKey.values()];
  return state;
}

/** Where `part` starts in `whole` when it is a view of the same memory, else undefined. */
function offsetIn(whole: Buffer, part: Buffer): number | undefined {
  const at = part.byteOffset - whole.byteOffset;
  return part.buffer === whole.buffer && at >= 0 && at + part.length <= whole.length ? at : undefined;
}

/**
 * A set's state from its snapshot's bytes and its journal's, read one after the other into one buffer
 * (`bytes`: the snapshot's first `snapshotLength` bytes, the journal's after them), so the member table can
 * keep the journal's rows where they are as it keeps the snapshot's (issue 11: a load after a pass that
 * updated 2,000 files decodes none of them).
 */
export function readState(
  file: string,
  journalFile: string,
  bytes: Buffer,
  snapshotLength: number,
): SetState {
  const state = parseSnapshot(file, bytes.subarray(0, snapshotLength));
  memberTable(state)?.extendBytes(bytes);
  return replayJournal(journalFile, bytes.subarray(snapshotLength), state);
}

/**
 * A journal row: written with every field explicit, so it decodes without its parent (none is decoded for
 * it); a row that does derive (none is written so) is decoded against the parent as replayed so far.
 */
function decodeRecordRow(
  row: MemberRow,
  parentOf: (key: string) => MemberState | undefined,
  interner: Interner,
): MemberState {
  try {
    return decodeMember(row, () => undefined, interner);
  } catch (err) {
    if (!(err instanceof RowError)) throw err;
    return decodeMember(row, parentOf, interner);
  }
}

function applyRecord(rec: JournalRecord, state: SetState, members?: Map<string, MemberState>): void {
  switch (rec.op) {
    case 'put':
      members!.set(rec.member.key, rec.member);
      break;
    case 'del':
      members!.delete(rec.key);
      break;
    case 'backup':
      state.backups.push(rec.backup);
      break;
    case 'meta':
      if (rec.lastSyncAt !== undefined) state.lastSyncAt = rec.lastSyncAt;
      if (rec.nextKey !== undefined) state.nextKey = rec.nextKey;
      if (rec.events !== undefined) state.events = rec.events;
      break;
    default: {
      const never: never = rec;
      throw new Error(`unknown journal record ${JSON.stringify(never)}`);
    }
  }
}

/**
 * One journal line. Schema 2 writes a put as `{"op":"put","row":[...]}` with every field explicit (the
 * parent may change before the line is replayed); a journal beside a schema 1 snapshot keeps the schema 1
 * form, so an older cloudsync can still read the pair until the next pass rewrites the snapshot.
 */
export function serializeRecord(rec: JournalRecord, schema: number): string {
  if (rec.op !== 'put' || schema < 2) return JSON.stringify(rec);
  return JSON.stringify({ op: 'put', row: encodeMember(rec.member) });
}

/**
 * The snapshot in the current schema, one member per line: compact rows, parents before their children so
 * each row can leave out what its parent gives (parent id, path). Still JSON a person can read and diff.
 */
export function serializeSnapshot(state: SetState): string {
  return [...snapshotChunks(state)].map((c) => (typeof c === 'string' ? c : c.toString('utf8'))).join('');
}

/**
 * How many bytes (about) of rows snapshotChunks joins into one chunk: under V8's large-object size (128 KiB),
 * so each chunk dies young. Megabyte chunks went to the large-object space, freed only by a full collection:
 * the save at the end of a first sync of 100,000 files grew that space by ~40 MB, at the pass's peak.
 */
const CHUNK = 1 << 15;

/**
 * serializeSnapshot in pieces of about 32 KiB, for writing as they come: at 100,000 members the whole
 * text (and the rows it is joined from) would be held at once, ~60 MB at the end of a first sync.
 */
export function* snapshotChunks(state: SetState): Generator<string | Buffer> {
  const table = memberTable(state);
  if (table) return yield* tableChunks(state, table);
  const { members, backups, ...head } = state;
  const headJson = JSON.stringify({ ...head, schema: STATE_SCHEMA }, null, 1);
  const written = new Map<string, MemberState>();
  let rows: string[] = [];
  let size = 0;
  let first = true;
  const open = (items: number) => (items === 0 ? '[]' : '[\n');
  yield `${headJson.slice(0, -2)},\n "members": ${open(members.length)}`;
  for (const m of parentsFirst(members)) {
    const parent = m.parentKey === null ? undefined : written.get(m.parentKey);
    const row = JSON.stringify(encodeMember(m, parent));
    rows.push(row);
    size += row.length;
    written.set(m.key, m);
    if (size >= CHUNK) {
      yield (first ? '' : ',\n') + rows.join(',\n');
      first = false;
      rows = [];
      size = 0;
    }
  }
  if (rows.length > 0) yield (first ? '' : ',\n') + rows.join(',\n');
  const list = (items: string[]) => (items.length === 0 ? '[]' : `[\n${items.join(',\n')}\n]`);
  yield `${members.length === 0 ? '' : '\n]'},\n "backups": ${list(backups.map((b) => JSON.stringify(b)))}\n}\n`;
}

/**
 * snapshotChunks of a state whose members are still rows: the members' lines copied from the file they were
 * read from where nothing changed them (snapshot-rows.ts), without reading `state.members` (which would
 * decode every row).
 */
function* tableChunks(state: SetState, table: MemberTable): Generator<string | Buffer> {
  const head: Record<string, unknown> = {};
  for (const k of Object.keys(state)) {
    if (k !== 'members' && k !== 'backups') head[k] = (state as unknown as Record<string, unknown>)[k];
  }
  const headJson = JSON.stringify({ ...head, schema: STATE_SCHEMA }, null, 1);
  const count = table.length - table.removed.size + table.added.size;
  yield `${headJson.slice(0, -2)},\n "members": ${count === 0 ? '[]' : '[\n'}`;
  yield* tableRowChunks(table);
  const backups = state.backups.map((b) => JSON.stringify(b));
  const list = backups.length === 0 ? '[]' : `[\n${backups.join(',\n')}\n]`;
  yield `${count === 0 ? '' : '\n]'},\n "backups": ${list}\n}\n`;
}
