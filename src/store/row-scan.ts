// A snapshot's member lines read straight from the file's bytes into a MemberTable (issue 11: at 100,000
// members, JSON.parse of each line and the rows it builds cost more than the rest of the load). Only the
// common shape is read here, exactly as JSON.stringify writes it:
//
//   ["key",flags,"parentKey","lastSyncAt"|0,[2,"id","token","name"]|0,[0,"id","token"]|0,"hash"|0]
//
// with no backslash on the line (so no string holds an escape). Anything else, or a row the table does not
// take as common, is parsed as JSON and decoded as before, which also reports what is wrong with it.
import type { MemberTable, ScannedRow } from './member-table.js';
import { fieldEnd } from './row-bytes.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const ZERO = 0x30;
const NINE = 0x39;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;

/** A read position in one line of the file, with the bounds of the last string read. */
class Cursor {
  p = 0;
  end = 0;
  a = 0;
  b = 0;
  constructor(readonly buf: Buffer) {}

  /** The byte `c` next: step over it. */
  byte(c: number): boolean {
    if (this.p >= this.end || this.buf[this.p] !== c) return false;
    this.p++;
    return true;
  }

  /** A string next ("..." with no escape): its bytes are [a, b). */
  str(): boolean {
    if (this.buf[this.p] !== QUOTE) return false;
    this.a = this.p + 1;
    this.b = fieldEnd(this.buf, this.a);
    if (this.b >= this.end) return false;
    this.p = this.b + 1;
    return true;
  }

  /** A `0` standing for "none" next. */
  zero(): boolean {
    const next = this.buf[this.p + 1];
    if (this.buf[this.p] !== ZERO || (next !== COMMA && next !== CLOSE)) return false;
    this.p++;
    return true;
  }

  /** A small unsigned integer next (1 or 2 digits), or -1. */
  int(): number {
    let n = 0;
    const from = this.p;
    while (this.p < this.end && this.p - from < 2) {
      const c = this.buf[this.p]!;
      if (c < ZERO || c > NINE) break;
      n = n * 10 + c - ZERO;
      this.p++;
    }
    return this.p === from ? -1 : n;
  }

  /** The last string read has the same bytes as [from, to). */
  same(from: number, to: number): boolean {
    if (to - from !== this.b - this.a) return false;
    for (let i = 0; i < to - from; i++) if (this.buf[from + i] !== this.buf[this.a + i]) return false;
    return true;
  }
}

/** Reads the member lines [from, to) of a snapshot's bytes into `table`; `parse` takes every other line. */
export function scanMemberLines(
  buf: Buffer,
  from: number,
  to: number,
  table: MemberTable,
  parse: (line: string, n: number) => void,
): void {
  const cur = new Cursor(buf);
  const last: Last = { keyFrom: 0, keyTo: 0, parent: undefined, synced: -1, syncedEnd: -1 };
  const row: ScannedRow = {
    key: -1,
    flags: 0,
    parent: undefined,
    synced: -1,
    onId: -1,
    onToken: -1,
    name: -1,
    cloudId: -1,
    cloudToken: -1,
    hash: -1,
  };
  let backslash = -2; // the next backslash at or after the current line (-1: none left)
  let n = 0;
  for (let start = from; start <= to;) {
    let end = buf.indexOf(NEWLINE, start);
    if (end < 0 || end > to) end = to;
    const stop = end < to && buf[end - 1] === COMMA ? end - 1 : end;
    n++;
    if (backslash !== -1 && backslash < start) backslash = buf.indexOf(BACKSLASH, start);
    cur.p = start;
    cur.end = stop;
    // a line with a backslash may hold an escape: parsed as JSON
    const taken = (backslash === -1 || backslash >= stop) && scanRow(cur, table, last, row);
    if (!taken) {
      parse(buf.toString('utf8', start, stop), n);
      last.parent = undefined; // that row may have been written under the key the cache holds
    }
    start = end + 1;
  }
}

/** What the previous rows left to reuse: the parent key's bytes and row, the pass time's field. */
interface Last {
  keyFrom: number;
  keyTo: number;
  parent: number | undefined;
  synced: number;
  syncedEnd: number;
}

/** One line in the common shape into `row` (offsets of its fields) and the table; false for any other. */
function scanRow(cur: Cursor, table: MemberTable, last: Last, row: ScannedRow): boolean {
  if (!cur.byte(OPEN) || !cur.str()) return false;
  row.key = cur.a;
  // this row's key is the cached parent's: a key written twice, the cache would answer the earlier row
  if (last.parent !== undefined && cur.same(last.keyFrom, last.keyTo)) last.parent = undefined;
  if (!cur.byte(COMMA)) return false;
  row.flags = cur.int();
  if (row.flags < 0 || !cur.byte(COMMA) || !cur.str()) return false;
  // the parent repeats from row to row: compared as bytes, looked up once
  if (last.parent === undefined || !cur.same(last.keyFrom, last.keyTo)) {
    last.parent = table.rowAt(cur.a, cur.b);
    last.keyFrom = cur.a;
    last.keyTo = cur.b;
  }
  row.parent = last.parent;
  if (!cur.byte(COMMA)) return false;
  row.synced = -1;
  if (!cur.zero()) {
    if (!cur.str()) return false;
    // the pass time too: the previous row's field when the bytes are the same
    if (last.synced < 0 || !cur.same(last.synced, last.syncedEnd)) {
      last.synced = cur.a;
      last.syncedEnd = cur.b;
    }
    row.synced = last.synced;
  }
  if (!cur.byte(COMMA)) return false;
  row.onId = row.onToken = row.name = -1;
  if (!cur.zero()) {
    if (!cur.byte(OPEN) || cur.int() !== 2 || !cur.byte(COMMA) || !cur.str()) return false;
    row.onId = cur.a;
    if (!cur.byte(COMMA) || !cur.str()) return false;
    row.onToken = cur.a;
    if (!cur.byte(COMMA) || !cur.str()) return false;
    row.name = cur.a;
    if (!cur.byte(CLOSE)) return false;
  }
  if (!cur.byte(COMMA)) return false;
  row.cloudId = row.cloudToken = -1;
  if (!cur.zero()) {
    if (!cur.byte(OPEN) || cur.int() !== 0 || !cur.byte(COMMA) || !cur.str()) return false;
    row.cloudId = cur.a;
    if (!cur.byte(COMMA) || !cur.str()) return false;
    row.cloudToken = cur.a;
    if (!cur.byte(CLOSE)) return false;
  }
  if (!cur.byte(COMMA)) return false;
  row.hash = -1;
  if (!cur.zero()) {
    if (!cur.str()) return false;
    row.hash = cur.a;
  }
  if (!cur.byte(CLOSE) || cur.p !== cur.end) return false;
  return table.addScanned(row);
}

/** Where the fields of a journal put are in the bytes (offsets just after their opening quote; -1: none). */
export interface JournalPutFields {
  key: number;
  flags: number;
  parentKey: number;
  synced: number;
  onId: number;
  onToken: number;
  onParentId: number;
  name: number;
  onPath: number;
  cloudId: number;
  cloudToken: number;
  cloudParentId: number;
  cloudPath: number;
  hash: number;
}

const PUT_PREFIX = Buffer.from('{"op":"put","row":');
/** Side bits of a journal row in the shape read here (member-rows.ts): on-prem parent id, name, path; cloud parent id, path. */
const ONPREM_EXPLICIT = 11;
const CLOUD_EXPLICIT = 9;

/**
 * One journal line [at, end) that puts a file member below a parent in the shape `serializeRecord` writes for
 * one with no size, props or extra fields of its own (every update of a synced file):
 *
 *   {"op":"put","row":["key",flags,"parentKey","lastSyncAt"|0,[11,"id","token","parentId","name","path"]|0,
 *                      [9,"id","token","parentId","path"]|0,"hash"|0]}
 *
 * read into `out` as offsets, with no backslash on the line. False for anything else (JSON.parse reads it).
 */
export function scanJournalPut(buf: Buffer, at: number, end: number, out: JournalPutFields): boolean {
  if (end - at < PUT_PREFIX.length + 2) return false;
  for (let i = 0; i < PUT_PREFIX.length; i++) if (buf[at + i] !== PUT_PREFIX[i]) return false;
  for (let j = at; j < end; j++) if (buf[j] === BACKSLASH) return false; // a string may hold an escape
  if (buf[end - 1] !== 0x7d) return false; // `}`
  const cur = new Cursor(buf);
  cur.p = at + PUT_PREFIX.length;
  cur.end = end - 1;
  if (!cur.byte(OPEN) || !cur.str()) return false;
  out.key = cur.a;
  if (!cur.byte(COMMA)) return false;
  out.flags = cur.int();
  if (out.flags < 0 || !cur.byte(COMMA) || !cur.str()) return false;
  out.parentKey = cur.a;
  if (!cur.byte(COMMA)) return false;
  out.synced = -1;
  if (!cur.zero()) {
    if (!cur.str()) return false;
    out.synced = cur.a;
  }
  if (!cur.byte(COMMA)) return false;
  out.onId = out.onToken = out.onParentId = out.name = out.onPath = -1;
  if (!cur.zero()) {
    if (!cur.byte(OPEN) || cur.int() !== ONPREM_EXPLICIT || !cur.byte(COMMA) || !cur.str()) return false;
    out.onId = cur.a;
    if (!cur.byte(COMMA) || !cur.str()) return false;
    out.onToken = cur.a;
    if (!cur.byte(COMMA) || !cur.str()) return false;
    out.onParentId = cur.a;
    if (!cur.byte(COMMA) || !cur.str()) return false;
    out.name = cur.a;
    if (!cur.byte(COMMA) || !cur.str()) return false;
    out.onPath = cur.a;
    if (!cur.byte(CLOSE)) return false;
  }
  if (!cur.byte(COMMA)) return false;
  out.cloudId = out.cloudToken = out.cloudParentId = out.cloudPath = -1;
  if (!cur.zero()) {
    if (!cur.byte(OPEN) || cur.int() !== CLOUD_EXPLICIT || !cur.byte(COMMA) || !cur.str()) return false;
    out.cloudId = cur.a;
    if (!cur.byte(COMMA) || !cur.str()) return false;
    out.cloudToken = cur.a;
    if (!cur.byte(COMMA) || !cur.str()) return false;
    out.cloudParentId = cur.a;
    if (!cur.byte(COMMA) || !cur.str()) return false;
    out.cloudPath = cur.a;
    if (!cur.byte(CLOSE)) return false;
  }
  if (!cur.byte(COMMA)) return false;
  out.hash = -1;
  if (!cur.zero()) {
    if (!cur.str()) return false;
    out.hash = cur.a;
  }
  return cur.byte(CLOSE) && cur.p === cur.end;
}
