// A journal replayed onto a snapshot whose members are still rows (member-table.ts): each member record
// becomes part of an overlay over the rows (issue 11) instead of every row being decoded into an object to
// replay it. A put of a key that is a row replaces that row's member (same place in the member order); a put
// of any other key adds a member (after the rows, in the order first put); a del removes the row or the added
// member. The members then read exactly as a replay onto the decoded members gives them (a map by key, in
// insertion order), and a load after a pass that changed a few members decodes just those.
import type { MemberTable } from './member-table.js';
import { DIRECT, FOLDER } from './member-rows.js';
import { equalsAt, fieldEnd, QUOTE, sameAt, textAt, tokenGivesSizeAt } from './row-bytes.js';

const SLASH = 0x2f;
import { scanJournalPut, type JournalPutFields } from './row-scan.js';
import type { MemberState, SideState } from './schema.js';

const SIDES = ['onprem', 'cloud'] as const;
type Side = (typeof SIDES)[number];

export class TableReplay {
  readonly #table: MemberTable;
  /** Members not among the rows, by key, in the order a map of the replayed members would hold them. */
  readonly #added = new Map<string, MemberState>();
  /** Rows a record replaced. */
  readonly #replaced = new Set<number>();
  /** Folder rows a record removed. */
  readonly #removedFolders = new Set<number>();

  /** Keys `m<n>` with n from here on were made after the snapshot (keys are never reused): no row has one. */
  readonly #nextKey: number;
  /** The rows by parent row (a counting sort), made at the first put of a key the folder index lacks. */
  #children: { start: Int32Array; rows: Int32Array } | undefined;

  constructor(table: MemberTable, nextKey: number) {
    this.#table = table;
    this.#nextKey = nextKey;
    for (const m of table.added) this.#added.set(m.key, m);
  }

  /** The member with `key` as replayed so far. */
  get(key: string): MemberState | undefined {
    const held = this.#added.get(key);
    if (held) return held;
    const r = this.#live(key);
    return r === undefined ? undefined : this.#table.member(r);
  }

  put(m: MemberState): void {
    if (this.#added.has(m.key) || this.#madeSince(m.key)) {
      this.#added.set(m.key, m);
      return;
    }
    const r = this.#live(m.key, m.parentKey);
    if (r === undefined) this.#added.set(m.key, m);
    else {
      this.#table.replace(r, m);
      this.#replaced.add(r);
    }
  }

  /**
   * The journal line [at, end) of the table's bytes, when it puts a file that is a row nothing decoded, below
   * the folder it is a row of, with its parent ids and paths exactly what that folder gives (every update of
   * a synced file): the row is kept as the line's bytes (member-table.ts replaceScanned), nothing decoded, as
   * the snapshot's rows are. It reads back as what `put` of the decoded record gives: the folder above it
   * is not replaced so far, so the row derives from the folder as the snapshot has it, which is the folder
   * the record's explicit fields were checked against. False, nothing done, for any other line.
   */
  putScanned(at: number, end: number, noBackslash = false): boolean {
    const t = this.#table;
    const buf = t.bytes;
    const f = this.#fields;
    if (!scanJournalPut(buf, at, end, f, noBackslash) || (f.flags & (FOLDER | DIRECT | ~15)) !== 0)
      return false;
    if (f.onId < 0 && f.cloudId >= 0) return false; // a cloud copy alone takes its name from nowhere
    // the key and the parent key are compared and looked up as bytes: no string is made for them
    if (this.#madeSinceAt(buf, f.key)) return false;
    if (this.#added.size > 0 && this.#added.has(textAt(buf, f.key))) return false;
    const p = t.rowAt(f.parentKey, fieldEnd(buf, f.parentKey)); // folders are in the table's index
    if (p === undefined || t.removed.has(p) || this.#replaced.has(p) || t.base(p)) return false;
    const r = this.#belowAt(p, f.key);
    if (r === undefined || t.removed.has(r) || !t.common(r) || t.decoded(r) !== undefined) return false;
    if (t.kind(r) !== 'file') return false;
    if (f.onId >= 0 && !this.#sideIs(p, 'onprem', f.onToken, f.onParentId, f.onPath)) return false;
    if (f.cloudId >= 0 && !this.#sideIs(p, 'cloud', f.cloudToken, f.cloudParentId, f.cloudPath)) return false;
    if (f.hash >= 0 && fieldEnd(buf, f.hash) >= end) return false;
    t.replaceScanned(r, f);
    return true;
  }

  /**
   * One side of a scanned put below folder `p`: its token gives its size, its parent id is the folder's, and
   * its path is the folder's path and the record's name (compared in place, no string made per record).
   */
  #sideIs(p: number, side: Side, token: number, parentId: number, path: number): boolean {
    const buf = this.#table.bytes;
    if (!tokenGivesSizeAt(buf, token) || !this.#parentIdIs(p, side, parentId)) return false;
    const up = this.#pathOf(p, side);
    if (up === undefined) return false;
    const name = this.#fields.name;
    if (up === '') return name < 0 ? equalsAt(buf, path, '') : sameAt(buf, path, name);
    // the folder's path, a slash, the name
    const n = up.length;
    for (let j = 0; j < n; j++) {
      const c = up.charCodeAt(j);
      if (c >= 0x80 || c === QUOTE) return equalsAt(buf, path, `${up}/${name < 0 ? '' : textAt(buf, name)}`);
      if (buf[path + j] !== c) return false;
    }
    if (buf[path + n] !== SLASH) return false;
    return name < 0 ? buf[path + n + 1] === QUOTE : sameAt(buf, path + n + 1, name);
  }

  /** Folder `p` (not replaced) has a copy on `side` whose id is the field at `at`. */
  #parentIdIs(p: number, side: Side, at: number): boolean {
    const t = this.#table;
    const m = t.decoded(p);
    if (m) return m[side] !== null && equalsAt(t.bytes, at, m[side].id);
    return t.hasSide(p, side) && t.loadedIdIsAt(p, side, at);
  }

  /**
   * The path of folder row `p` on `side` as the table derives it (member-table.ts member(): a decoded row's
   * own, a replaced folder's as the snapshot had it, else its parent's and its name), without decoding it;
   * undefined without a copy there. One string per folder, kept.
   */
  #pathOf(p: number, side: Side): string | undefined {
    const memo = this.#paths[side];
    const known = memo.get(p);
    if (known !== undefined || memo.has(p)) return known;
    const t = this.#table;
    const m = t.base(p) ?? t.decoded(p);
    let path: string | undefined;
    if (m) path = m[side]?.path;
    else if (t.hasSide(p, side)) {
      const up = this.#pathOf(t.parentOf(p), side);
      const name = t.loadedName(p);
      path = up === undefined ? undefined : up ? `${up}/${name}` : name;
    }
    memo.set(p, path);
    return path;
  }

  readonly #paths: Record<Side, Map<number, string | undefined>> = { onprem: new Map(), cloud: new Map() };

  readonly #fields: JournalPutFields = {
    key: -1,
    flags: 0,
    parentKey: -1,
    synced: -1,
    onId: -1,
    onToken: -1,
    onParentId: -1,
    name: -1,
    onPath: -1,
    cloudId: -1,
    cloudToken: -1,
    cloudParentId: -1,
    cloudPath: -1,
    hash: -1,
  };

  del(key: string): void {
    if (this.#added.delete(key)) return;
    const r = this.#live(key);
    if (r === undefined) return;
    if (this.#table.kind(r) === 'folder') this.#removedFolders.add(r);
    this.#table.removed.add(r);
  }

  /**
   * The overlay in place, and what the table tells the engine about paths kept true: a replaced member that
   * became direct or lost its parent is a loose row; a path that does not hang off its parent's (a pass
   * killed between a move and its path refresh), or rows left below a folder that moved or went, make
   * `pathsDerived` false, so the next pass checks every path as it would after a full replay.
   */
  finish(): void {
    const t = this.#table;
    t.added = new Set(this.#added.values());
    const moved = new Set(this.#removedFolders);
    for (const r of this.#replaced) {
      if (t.removed.has(r)) continue;
      const m = t.member(r);
      const parent = m.parentKey === null ? undefined : this.get(m.parentKey);
      if (m.direct || !parent) t.addLoose(r);
      else if (!hangsOff(m, parent)) t.markExplicitPath();
      const was = t.base(r);
      if (was && SIDES.some((s) => was[s]?.path !== m[s]?.path)) moved.add(r);
    }
    for (const m of t.added) {
      if (m.direct || m.parentKey === null) continue;
      const parent = this.get(m.parentKey);
      if (!parent || !hangsOff(m, parent)) t.markExplicitPath();
    }
    if (moved.size === 0 || !t.pathsDerived) return;
    // rows not replaced below a folder that moved or went: their recorded paths are the snapshot's
    for (let r = 0; r < t.length; r++) {
      if (moved.has(t.parentOf(r)) && !t.removed.has(r) && !this.#replaced.has(r)) {
        t.markExplicitPath();
        return;
      }
    }
  }

  /**
   * The row of `key` when it is a member, looked for first among the rows below `parentKey` (where a record
   * of a member that stayed in its folder finds it: no index over every key is built for a few records).
   */
  #live(key: string, parentKey: string | null = null): number | undefined {
    const t = this.#table;
    let r = parentKey === null ? undefined : this.#below(parentKey, key);
    r ??= t.rowOf(key);
    return r === undefined || t.removed.has(r) ? undefined : r;
  }

  #below(parentKey: string, key: string): number | undefined {
    const p = this.#table.rowOf(parentKey); // folders are in the table's index from the load on
    return p === undefined ? undefined : this.#childWith(p, (r) => this.#table.keyIs(r, key));
  }

  /** #below for a folder row `p` and the key held in the field at `at` (compared as bytes). */
  #belowAt(p: number, at: number): number | undefined {
    return this.#childWith(p, (r) => this.#table.keyIsAt(r, at));
  }

  /** The last row below folder row `p` whose key `is` (the last row with the key, as rowOf gives it). */
  #childWith(p: number, is: (r: number) => boolean): number | undefined {
    const { start, rows } = (this.#children ??= this.#childrenIndex());
    for (let k = start[p + 1]! - 1; k >= start[p]!; k--) if (is(rows[k]!)) return rows[k]!;
    return undefined;
  }

  /** The rows by parent row (a counting sort), made once. */
  #childrenIndex(): { start: Int32Array; rows: Int32Array } {
    const t = this.#table;
    const n = t.length;
    const parents = t.parentRows();
    const start = new Int32Array(n + 1);
    for (let r = 0; r < n; r++) start[parents[r]! + 1]!++;
    for (let q = 0; q < n; q++) start[q + 1]! += start[q]!;
    const next = start.slice(0, n);
    const rows = new Int32Array(n);
    for (let r = 0; r < n; r++) if (parents[r]! >= 0) rows[next[parents[r]!]!++] = r;
    return { start, rows };
  }

  /** #madeSince of the key held in the field at `at`. */
  #madeSinceAt(buf: Buffer, at: number): boolean {
    if (buf[at] !== 109) return false; // 'm'
    let n = 0;
    let j = at + 1;
    for (; j < buf.length && j - at <= 16; j++) {
      const c = buf[j]! - 48;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
    }
    if (j === at + 1 || j - at > 16 || buf[j] !== QUOTE) return false;
    return n >= this.#nextKey;
  }

  #madeSince(key: string): boolean {
    if (key.length < 2 || key.length > 16 || key.charCodeAt(0) !== 109) return false; // 'm'
    let n = 0;
    for (let i = 1; i < key.length; i++) {
      const c = key.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return false;
      n = n * 10 + c;
    }
    return n >= this.#nextKey;
  }
}

function hangsOff(m: MemberState, parent: MemberState): boolean {
  return SIDES.every((side) => {
    const s: SideState | null = m[side];
    const up = parent[side];
    return !s || !up || s.path === (up.path ? `${up.path}/${s.name}` : s.name);
  });
}
