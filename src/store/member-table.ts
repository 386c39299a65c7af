// A set's members as loaded, kept in the columns of their rows (member-rows.ts) until something needs them as
// objects (issue 11: a no-change pass reads each member's status, place, id and token, never its hash, times,
// paths or sizes). `state.members` stays what it always was: the first read of it decodes every row into the
// MemberState it would have been at load (the same objects a member decoded earlier already is), and from
// then on it is a plain array. Until then the engine asks the table (engine/lazy-members.ts).
//
// A row in the common shape (a member below its parent: on-prem [name], cloud [] explicit, no extra fields)
// is kept as offsets into the file's bytes (row-bytes.ts): no string per field, compared in place; any other
// row (the root, a moved-out orphan, explicit paths or sizes, props, errors, a schema 1 object, a line with an
// escape) is decoded at load, which also checks it. Decoding a kept row later gives exactly what the load
// would have given: it derives from the same parent, decoded first.
import type { Side } from '../connectors/types.js';
import {
  decodeMember,
  DIRECT,
  FAILED,
  FOLDER,
  HAS_NAME,
  Interner,
  PENDING,
  RowError,
} from './member-rows.js';
import {
  equalsAt,
  fieldEnd,
  hashAt,
  hashBytes,
  hashString,
  HashIndex,
  sameAt,
  textAt,
  tokenGivesSizeAt,
} from './row-bytes.js';
import type { MemberState, SetState, SideState } from './schema.js';
import { statIdIs, statTokenIs, type StatNumbers } from './stat-fields.js';

/** Flags of the table's own (the row's flags use the low four bits). */
const DECODED_AT_LOAD = 16; // not in the common shape: decoded at load, its byte columns unset
const ON = 32; // a copy on-prem as loaded
const CLOUD = 64; // a copy in the cloud as loaded
const sideBit = (side: Side): number => (side === 'onprem' ? ON : CLOUD);
const KEY_SEED = 1;

/** Where a common row's fields are in the file (offsets just after their opening quote; -1: none). */
export interface ScannedRow {
  key: number;
  flags: number;
  parent: number | undefined;
  synced: number;
  onId: number;
  onToken: number;
  name: number;
  cloudId: number;
  cloudToken: number;
  hash: number;
}

const COLUMNS = [
  'parent',
  'key',
  'synced',
  'onId',
  'onToken',
  'name',
  'cloudId',
  'cloudToken',
  'hash',
] as const;
type Column = (typeof COLUMNS)[number];

/** The members of one loaded snapshot, by row number (the order of the file). */
export class MemberTable {
  #buf: Buffer;
  #length = 0;
  #flags: Uint8Array;
  #col: Record<Column, Int32Array>;
  /** Members decoded so far (every row not in the common shape is, from the load on). */
  readonly #decoded: Array<MemberState | undefined> = [];
  /**
   * Folders the journal replaced (`replace`), as the snapshot had them: the rows below them derive from these,
   * as a load that decoded every row before replaying the journal would have.
   */
  readonly #base = new Map<number, MemberState>();
  /** Rows no longer members (the journal deleted them, or a scoped pass removed them: member-overlay.ts). */
  readonly removed = new Set<number>();
  /** Members that are no row of the snapshot (the journal's or a scoped pass's), in the order they came. */
  added = new Set<MemberState>();
  /** Key and ids of the rows decoded at load, as loaded (the engine may change the members). */
  readonly #atLoad = new Map<number, { key: string; onprem: string | null; cloud: string | null }>();
  /** Rows that are not direct and have a parent in the table, but whose path is written out. */
  #explicitPaths = 0;
  /** Rows that are direct or whose parent is not in the table (never in the common shape), in file order. */
  readonly loose: number[] = [];
  readonly #interner = new Interner();
  /**
   * Row number by key (the last row written under a key). A row is put in as it is added when it can be a
   * parent (a folder, or any row decoded at load); the other rows only when a lookup misses, which a load
   * never does (a member's parent is a folder): that is 5,000 keys hashed at 100,000 members, not all.
   */
  readonly #byKey: HashIndex;
  /** Rows below this one were put in #byKey, whatever their kind. */
  #keyedUpTo = 0;

  /** A table over `buf`, the snapshot's bytes; `expected` rows (a guess: the columns grow). */
  constructor(buf: Buffer, expected = 64) {
    this.#buf = buf;
    const cap = Math.max(16, expected);
    this.#flags = new Uint8Array(cap);
    this.#col = Object.fromEntries(COLUMNS.map((c) => [c, new Int32Array(cap)])) as Record<
      Column,
      Int32Array
    >;
    this.#byKey = new HashIndex(expected);
  }

  get length(): number {
    return this.#length;
  }

  #push(flags: number): number {
    const i = this.#length++;
    this.#decoded.push(undefined); // one slot per row: a row decoded later never makes the array sparse
    if (i === this.#flags.length) {
      const grow = <T extends Uint8Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.#flags = grow(this.#flags);
      for (const c of COLUMNS) this.#col[c] = grow(this.#col[c]);
    }
    this.#flags[i] = flags;
    return i;
  }

  /** Take the next row (parsed JSON) of the snapshot, decoded now; RowError when it does not decode. */
  add(row: unknown): void {
    let m: MemberState;
    if (typeof row === 'object' && row !== null && !Array.isArray(row) && 'key' in row) {
      if (typeof row.key !== 'string') throw new RowError('not a member row [key, flags, ...]');
      m = row as MemberState; // a schema 1 object, as it is
    } else {
      m = decodeMember(
        row,
        (k) => {
          const p = this.rowOf(k);
          return p === undefined ? undefined : this.member(p);
        },
        this.#interner,
      );
    }
    const p = m.parentKey === null ? undefined : this.rowOf(m.parentKey);
    const i = this.#push(
      (m.kind === 'folder' ? FOLDER : 0) |
        (m.direct ? DIRECT : 0) |
        (m.status === 'PENDING' ? PENDING : m.status === 'FAILED' ? FAILED : 0) |
        (m.onprem ? ON : 0) |
        (m.cloud ? CLOUD : 0) |
        DECODED_AT_LOAD,
    );
    this.#col.parent[i] = p ?? -1;
    this.#atLoad.set(i, { key: m.key, onprem: m.onprem?.id ?? null, cloud: m.cloud?.id ?? null });
    this.#decoded[i] = m;
    if (p === undefined || m.direct) this.loose.push(i);
    else {
      const parent = this.member(p);
      for (const side of ['onprem', 'cloud'] as const) {
        const s = m[side];
        const up = parent[side];
        if (s && up && s.path !== (up.path ? `${up.path}/${s.name}` : s.name)) this.#explicitPaths++;
      }
    }
    this.#putKey(i);
  }

  /**
   * The next row when it has the common shape, from where its fields are in the bytes. False, nothing taken,
   * when the row has another shape: it is then given to `add` as parsed JSON.
   */
  addScanned(r: ScannedRow): boolean {
    const p = r.parent;
    const buf = this.#buf;
    if (p === undefined || (r.flags & ~15) !== 0 || (r.flags & DIRECT) !== 0) return false;
    if (r.onId >= 0 && ((this.#flags[p]! & ON) === 0 || !tokenGivesSizeAt(buf, r.onToken))) return false;
    if (
      r.cloudId >= 0 &&
      (r.onId < 0 || (this.#flags[p]! & CLOUD) === 0 || !tokenGivesSizeAt(buf, r.cloudToken))
    )
      return false;
    const i = this.#push(r.flags | (r.onId >= 0 ? ON : 0) | (r.cloudId >= 0 ? CLOUD : 0));
    this.#col.parent[i] = p;
    this.#setOffsets(i, r);
    if ((r.flags & FOLDER) !== 0) this.#putKey(i);
    return true;
  }

  #putKey(i: number): void {
    const load = this.#loadOf(i);
    if (load) {
      this.#byKey.put(hashString(load.key, KEY_SEED), i, (o) => this.#keyIs(o, load.key), false);
      return;
    }
    const at = this.#col.key[i]!;
    const end = fieldEnd(this.#buf, at);
    this.#byKey.put(hashBytes(this.#buf, at, end, KEY_SEED), i, (o) => this.#sameKey(o, at), false);
  }

  /** Put every row not put in yet; false when there was none. */
  #keyAll(): boolean {
    if (this.#keyedUpTo === this.#length) return false;
    for (let i = this.#keyedUpTo; i < this.#length; i++)
      if ((this.#flags[i]! & (FOLDER | DECODED_AT_LOAD)) === 0) this.#putKey(i);
    this.#keyedUpTo = this.#length;
    return true;
  }

  /** What row `i` was at load when it was decoded then (a flag read first: most rows were not). */
  #loadOf(i: number): { key: string; onprem: string | null; cloud: string | null } | undefined {
    return (this.#flags[i]! & DECODED_AT_LOAD) === 0 ? undefined : this.#atLoad.get(i);
  }

  #keyIs(r: number, key: string): boolean {
    const load = this.#loadOf(r);
    return load ? load.key === key : equalsAt(this.#buf, this.#col.key[r]!, key);
  }

  /** Row `r`'s key is the field at `at`. */
  #sameKey(r: number, at: number): boolean {
    const load = this.#loadOf(r);
    return load ? equalsAt(this.#buf, at, load.key) : sameAt(this.#buf, this.#col.key[r]!, at);
  }

  /**
   * The line of row `i` in the file, as it was written (`[...]`, no separator), when the row is kept as its
   * bytes and nothing decoded it; else undefined.
   */
  rowText(i: number): Buffer | undefined {
    if (this.#decoded[i] !== undefined || (this.#flags[i]! & DECODED_AT_LOAD) !== 0) return undefined;
    const buf = this.#buf;
    const start = this.#col.key[i]! - 2;
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    if (buf[end - 1] === 0x2c) end--; // the comma between rows
    return buf[start] === 0x5b && buf[end - 1] === 0x5d ? buf.subarray(start, end) : undefined;
  }

  /** Row `r`'s key is `key` (compared in place). */
  keyIs(r: number, key: string): boolean {
    return this.#keyIs(r, key);
  }

  /** Row `r`'s key is the field at `at` of the table's bytes (compared in place, no string made). */
  keyIsAt(r: number, at: number): boolean {
    return this.#sameKey(r, at);
  }

  /** The row of the member with `key` (the last one, were a key written twice), or undefined. */
  rowOf(key: string): number | undefined {
    const h = hashString(key, KEY_SEED);
    let r = this.#byKey.get(h, (o) => this.#keyIs(o, key));
    if (r < 0 && this.#keyAll()) r = this.#byKey.get(h, (o) => this.#keyIs(o, key));
    return r < 0 ? undefined : r;
  }

  /** rowOf the key held in the bytes [at, end) of the file. */
  rowAt(at: number, end: number): number | undefined {
    const h = hashBytes(this.#buf, at, end, KEY_SEED);
    let r = this.#byKey.get(h, (o) => this.#sameKey(o, at));
    if (r < 0 && this.#keyAll()) r = this.#byKey.get(h, (o) => this.#sameKey(o, at));
    return r < 0 ? undefined : r;
  }

  /**
   * The bytes the rows are read from now go on past the snapshot: `bytes` is the same memory, longer (the
   * journal read right after the snapshot, store.load), so a journal row can be kept where it is too.
   */
  extendBytes(bytes: Buffer): void {
    const b = this.#buf;
    if (bytes.buffer !== b.buffer || bytes.byteOffset !== b.byteOffset || bytes.length < b.length)
      throw new Error('extendBytes: not the same memory');
    this.#buf = bytes;
  }

  /**
   * Row `i` (a file in the common shape nothing decoded) is now the row whose fields are at these offsets
   * of the table's bytes, below the same parent: a journal record put it, and it was checked to decode to
   * exactly what the record says (table-replay.ts putScanned). Nothing is decoded.
   */
  replaceScanned(i: number, r: Omit<ScannedRow, 'parent'>): void {
    this.#flags[i] = (r.flags & 15) | (r.onId >= 0 ? ON : 0) | (r.cloudId >= 0 ? CLOUD : 0);
    this.#setOffsets(i, r);
  }

  /** Row `i`'s field offsets into the table's bytes. */
  #setOffsets(i: number, r: Omit<ScannedRow, 'parent'>): void {
    const col = this.#col;
    col.key[i] = r.key;
    col.synced[i] = r.synced;
    col.onId[i] = r.onId;
    col.onToken[i] = r.onToken;
    col.name[i] = r.name;
    col.cloudId[i] = r.cloudId;
    col.cloudToken[i] = r.cloudToken;
    col.hash[i] = r.hash;
  }

  /** The table's bytes (the snapshot's, and the journal's after extendBytes). */
  get bytes(): Buffer {
    return this.#buf;
  }

  /** Every row is in. */
  done(): this {
    return this;
  }

  /** The key of row `i`, as loaded. */
  key(i: number): string {
    return this.#loadOf(i)?.key ?? textAt(this.#buf, this.#col.key[i]!);
  }

  #text(at: number): string {
    return textAt(this.#buf, at);
  }

  /** Member `i` as an object (decoded once; the same object from then on, also in `all()`). */
  member(i: number): MemberState {
    const held = this.#decoded[i];
    if (held) return held;
    const p = this.#col.parent[i]!;
    const parent = this.#base.get(p) ?? this.member(p);
    const c = this.#col;
    const t = (at: number): string => this.#text(at);
    const row = [
      t(c.key[i]!),
      this.#flags[i]! & 15,
      this.key(p),
      c.synced[i]! < 0 ? 0 : t(c.synced[i]!),
      c.onId[i]! < 0 ? 0 : [HAS_NAME, t(c.onId[i]!), t(c.onToken[i]!), t(c.name[i]!)],
      c.cloudId[i]! < 0 ? 0 : [0, t(c.cloudId[i]!), t(c.cloudToken[i]!)],
      c.hash[i]! < 0 ? 0 : t(c.hash[i]!),
    ];
    const m = decodeMember(row, () => parent, this.#interner);
    this.#decoded[i] = m;
    return m;
  }

  /** Every member: the rows not removed in the order of the file, then the members added. */
  all(): MemberState[] {
    const out: MemberState[] = [];
    for (let i = 0; i < this.length; i++) if (!this.removed.has(i)) out.push(this.member(i));
    for (const m of this.added) out.push(m);
    return out;
  }

  /**
   * Row `i` is now `m` (a journal record put it: the same key). The rows below a folder keep deriving from
   * the folder as the snapshot had it.
   */
  replace(i: number, m: MemberState): void {
    if (this.kind(i) === 'folder' && !this.#base.has(i)) this.#base.set(i, this.member(i));
    this.#decoded[i] = m;
    this.#flags[i] = (this.#flags[i]! & ~FOLDER) | (m.kind === 'folder' ? FOLDER : 0);
  }

  /** What row `i` was in the snapshot, when the journal replaced it and it is a folder. */
  base(i: number): MemberState | undefined {
    return this.#base.get(i);
  }

  /** Some member's path no longer hangs off its parent's (`pathsDerived` false from now on). */
  markExplicitPath(): void {
    this.#explicitPaths++;
  }

  /** Row `i` became direct or lost its parent: listed among the loose rows (in file order). */
  addLoose(i: number): void {
    const at = this.loose.findIndex((r) => r >= i);
    if (at >= 0 && this.loose[at] === i) return;
    if (at < 0) this.loose.push(i);
    else this.loose.splice(at, 0, i);
  }

  /** The decoded member `i`, when it was decoded (the engine may have changed it since). */
  decoded(i: number): MemberState | undefined {
    return this.#decoded[i];
  }

  kind(i: number): 'folder' | 'file' {
    return (this.#flags[i]! & FOLDER) !== 0 ? 'folder' : 'file';
  }

  direct(i: number): boolean {
    const m = this.#decoded[i];
    return m ? m.direct : (this.#flags[i]! & DIRECT) !== 0;
  }

  /** SYNCED, not requested, not detached, both copies recorded: the only members a quiet pass may hold. */
  settled(i: number): boolean {
    const m = this.#decoded[i];
    if (m)
      return m.status === 'SYNCED' && !m.requested && !m.detached && m.onprem !== null && m.cloud !== null;
    const f = this.#flags[i]!;
    return (f & (PENDING | FAILED)) === 0 && (f & ON) !== 0 && (f & CLOUD) !== 0;
  }

  /** FAILED (the status as it is now). */
  failed(i: number): boolean {
    const m = this.#decoded[i];
    return m ? m.status === 'FAILED' : (this.#flags[i]! & FAILED) !== 0;
  }

  /** Rows in the common shape carry no extra fields: only a decoded member can be detached or requested. */
  detached(i: number): boolean {
    return this.#decoded[i]?.detached === true;
  }

  requested(i: number): boolean {
    return this.#decoded[i]?.requested === true;
  }

  /** The row number of the member's parent, or -1. */
  parentOf(i: number): number {
    return this.#col.parent[i]!;
  }

  /** parentOf of every row, by row (a view of the table's own column: not to be changed). */
  parentRows(): Int32Array {
    return this.#col.parent.subarray(0, this.#length);
  }

  /** True for a row kept as columns at load (the `loaded…` accessors answer for it). */
  common(i: number): boolean {
    return (this.#flags[i]! & DECODED_AT_LOAD) === 0;
  }

  /** Rows left undecoded are never direct, never detached nor requested: the only flags that can be set. */
  unsettled(i: number): boolean {
    const m = this.#decoded[i];
    return m ? m.status !== 'SYNCED' || m.requested === true : (this.#flags[i]! & (PENDING | FAILED)) !== 0;
  }

  /** Row `i` had a copy on `side` at load. */
  hasSide(i: number, side: Side): boolean {
    return (this.#flags[i]! & sideBit(side)) !== 0;
  }

  /**
   * One side of row `i` as loaded (id, parent id, name, token), or null without a copy there. Only for a row
   * in the common shape (`common(i)`); what the engine did to it since is not seen.
   */
  loaded(i: number, side: Side): Pick<SideState, 'id' | 'parentId' | 'name' | 'token'> | null {
    if (!this.hasSide(i, side)) return null;
    const c = this.#col;
    const token = side === 'onprem' ? c.onToken[i]! : c.cloudToken[i]!;
    return {
      id: this.loadedId(i, side)!,
      parentId: this.loadedParentId(i, side),
      name: this.loadedName(i),
      token: this.#text(token),
    };
  }

  #idAt(i: number, side: Side): number {
    return side === 'onprem' ? this.#col.onId[i]! : this.#col.cloudId[i]!;
  }

  /** Row `i`'s id on `side` as loaded (any row), or null without a copy there. */
  loadedId(i: number, side: Side): string | null {
    const load = this.#loadOf(i);
    if (load) return load[side];
    return this.hasSide(i, side) ? this.#text(this.#idAt(i, side)) : null;
  }

  /** loadedId(i, side) is the field at `at` of the table's bytes (a row in the common shape), in place. */
  loadedIdIsAt(i: number, side: Side, at: number): boolean {
    return this.hasSide(i, side) && sameAt(this.#buf, this.#idAt(i, side), at);
  }

  /** loadedId(i, side) === id, compared in place. */
  loadedIdIs(i: number, side: Side, id: string): boolean {
    const load = this.#loadOf(i);
    if (load) return load[side] === id;
    return this.hasSide(i, side) && equalsAt(this.#buf, this.#idAt(i, side), id);
  }

  /** Hash of row `i`'s loaded id on `side` (it has one), as hashString(id, seed) gives it. */
  loadedIdHash(i: number, side: Side, seed: number): number {
    const load = this.#loadOf(i);
    if (load) return hashString(load[side]!, seed);
    return hashAt(this.#buf, this.#idAt(i, side), seed);
  }

  /** loaded(i, side).parentId without building the object (the parent's id on that side, as loaded). */
  loadedParentId(i: number, side: Side): string {
    return this.loadedId(this.#col.parent[i]!, side)!;
  }

  /** loaded(i, side).name without building the object. */
  loadedName(i: number): string {
    return this.#text(this.#col.name[i]!);
  }

  /** loadedName(i) === name, compared in place. */
  loadedNameIs(i: number, name: string): boolean {
    return equalsAt(this.#buf, this.#col.name[i]!, name);
  }

  /** Hash of loadedName(i), as hashString(name, seed) gives it. */
  loadedNameHash(i: number, seed: number): number {
    return hashAt(this.#buf, this.#col.name[i]!, seed);
  }

  /** loaded(i, side).token === token, compared in place. */
  loadedTokenIs(i: number, side: Side, token: string): boolean {
    return equalsAt(this.#buf, side === 'onprem' ? this.#col.onToken[i]! : this.#col.cloudToken[i]!, token);
  }

  /**
   * loadedIdIs and loadedTokenIs for a file seen by a number lstat, compared on numbers in place
   * (stat-fields.ts): false also when the fields do not read so (the caller compares strings).
   */
  loadedStatIs(i: number, side: Side, st: StatNumbers): boolean {
    if (!this.hasSide(i, side)) return false;
    const load = this.#loadOf(i);
    const token = side === 'onprem' ? this.#col.onToken[i]! : this.#col.cloudToken[i]!;
    const id = load ? statIdIs(load[side] ?? '', 0, st) : statIdIs(this.#buf, this.#idAt(i, side), st);
    return id && statTokenIs(this.#buf, token, st);
  }

  /**
   * True when every member below another hangs off it on both sides (its path is its parent's path and its
   * name): rows in the common shape do by construction, the others were checked at load.
   */
  get pathsDerived(): boolean {
    return this.#explicitPaths === 0;
  }
}

/** The table of each state loaded but whose `members` nobody has read yet. */
const tables = new WeakMap<SetState, MemberTable>();

/**
 * Make `state.members` the table's members, decoded on first read: from then on (or once assigned) a plain
 * array again.
 */
export function attachMembers(state: SetState, table: MemberTable): void {
  tables.set(state, table);
  const settle = (members: MemberState[]) => {
    tables.delete(state);
    Object.defineProperty(state, 'members', {
      value: members,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    return members;
  };
  Object.defineProperty(state, 'members', {
    enumerable: true,
    configurable: true,
    get: () => settle(table.all()),
    set: (members: MemberState[]) => settle(members),
  });
}

/** The member table of a state whose members were not read as objects yet, else undefined. */
export function memberTable(state: SetState): MemberTable | undefined {
  return tables.get(state);
}
