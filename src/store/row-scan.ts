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
 * read into `out` as offsets, with no backslash on the line (`noBackslash`: the caller found none). False for
 * anything else (JSON.parse reads it). The row is read in two small loops, its tokens (arrays, strings, small
 * numbers: nothing else is in this shape) and then their order, not by a step per field: a load replays up
 * to thousands of these lines, just enough for V8 to optimise what reads them, and a loop is a small thing
 * to optimise (one step per field came to ~0.1 s of compiling on a background thread).
 */
export function scanJournalPut(
  buf: Buffer,
  at: number,
  end: number,
  out: JournalPutFields,
  noBackslash = false,
): boolean {
  if (end - at < PUT_PREFIX.length + 2) return false;
  for (let i = 0; i < PUT_PREFIX.length; i++) if (buf[at + i] !== PUT_PREFIX[i]) return false;
  if (!noBackslash) for (let j = at; j < end; j++) if (buf[j] === BACKSLASH) return false;
  if (buf[end - 1] !== 0x7d) return false; // `}`
  const n = rowTokens(buf, at + PUT_PREFIX.length, end - 1);
  return n > 0 && putFields(n, out);
}

/** Token kinds of rowTokens (a number's kind is its count of digits, 1 or 2). */
const T_OPEN = 3;
const T_CLOSE = 4;
const T_STRING = 5;
const MAX_TOKENS = 24;
const kinds = new Uint8Array(MAX_TOKENS);
/** A string's first byte (after its quote), a number's value. */
const values = new Int32Array(MAX_TOKENS);

/**
 * The tokens of one JSON value [from, to) made only of arrays, strings with no escape and numbers of one or
 * two digits, separated exactly as JSON.stringify writes them (no space), into `kinds` and `values`; their
 * count, or 0 when the bytes are anything else, or more, or not one whole value.
 */
function rowTokens(buf: Buffer, from: number, to: number): number {
  let n = 0;
  let depth = 0;
  let p = from;
  let value = false; // a value was just read: a comma or a close may follow, not another value
  while (p < to) {
    if (n === MAX_TOKENS) return 0;
    const c = buf[p]!;
    if (c === COMMA) {
      if (!value || depth === 0) return 0;
      value = false;
      p++;
      continue;
    }
    if (c === CLOSE) {
      // `[]` is not in the shape: a close follows a value
      if (!value || depth === 0) return 0;
      kinds[n++] = T_CLOSE;
      depth--;
      p++;
      continue;
    }
    if (value) return 0;
    if (c === OPEN) {
      if (n > 0 && depth === 0) return 0; // one value
      kinds[n++] = T_OPEN;
      depth++;
      p++;
      continue;
    }
    if (depth === 0) return 0;
    if (c === QUOTE) {
      const e = fieldEnd(buf, p + 1);
      if (e >= to) return 0;
      kinds[n] = T_STRING;
      values[n++] = p + 1;
      p = e + 1;
    } else if (c >= ZERO && c <= NINE) {
      let v = c - ZERO;
      let q = p + 1;
      if (q < to && buf[q]! >= ZERO && buf[q]! <= NINE) {
        if (v === 0) return 0; // `05` is no JSON number
        v = v * 10 + buf[q++]! - ZERO;
      }
      kinds[n] = q - p;
      values[n++] = v;
      p = q;
    } else return 0;
    value = true;
  }
  return value && depth === 0 ? n : 0;
}

/** The journal put's row in `kinds` and `values` (n tokens) into `out`, when it has the shape. */
function putFields(n: number, out: JournalPutFields): boolean {
  // ["key",flags,"parentKey","lastSyncAt"|0,
  if (n < 9 || kinds[0] !== T_OPEN || kinds[1] !== T_STRING || kinds[2] === T_STRING) return false;
  if (kinds[2]! > 2 || kinds[3] !== T_STRING || kinds[n - 1] !== T_CLOSE) return false;
  out.key = values[1]!;
  out.flags = values[2]!;
  out.parentKey = values[3]!;
  let k = 4;
  out.synced = kinds[k] === T_STRING ? values[k]! : zero(k) ? -1 : -2;
  if (out.synced === -2) return false;
  k++;
  out.onId = out.onToken = out.onParentId = out.name = out.onPath = -1;
  if (kinds[k] === T_OPEN) {
    // [11,"id","token","parentId","name","path"]
    if (k + 7 >= n || kinds[k + 1] !== 2 || values[k + 1] !== ONPREM_EXPLICIT || kinds[k + 7] !== T_CLOSE)
      return false;
    for (let i = k + 2; i < k + 7; i++) if (kinds[i] !== T_STRING) return false;
    out.onId = values[k + 2]!;
    out.onToken = values[k + 3]!;
    out.onParentId = values[k + 4]!;
    out.name = values[k + 5]!;
    out.onPath = values[k + 6]!;
    k += 8;
  } else if (zero(k)) k++;
  else return false;
  out.cloudId = out.cloudToken = out.cloudParentId = out.cloudPath = -1;
  if (kinds[k] === T_OPEN) {
    // [9,"id","token","parentId","path"]
    if (k + 6 >= n || kinds[k + 1] !== 1 || values[k + 1] !== CLOUD_EXPLICIT || kinds[k + 6] !== T_CLOSE)
      return false;
    for (let i = k + 2; i < k + 6; i++) if (kinds[i] !== T_STRING) return false;
    out.cloudId = values[k + 2]!;
    out.cloudToken = values[k + 3]!;
    out.cloudParentId = values[k + 4]!;
    out.cloudPath = values[k + 5]!;
    k += 7;
  } else if (zero(k)) k++;
  else return false;
  if (kinds[k] === T_STRING) out.hash = values[k]!;
  else if (zero(k)) out.hash = -1;
  else return false;
  return k + 2 === n; // then the row's close, the last token
}

/** Token k is a `0` standing for "none". */
function zero(k: number): boolean {
  return kinds[k] === 1 && values[k] === 0;
}
