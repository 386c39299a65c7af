// A set's members as loaded, kept in the columns of their rows (member-rows.ts) until something needs them as
// objects (issue 11: a no-change pass reads each member's status, place, id and token, never its hash, times,
// paths or sizes). `state.members` stays what it always was: the first read of it decodes every row into the
// MemberState it would have been at load (the same objects a member decoded earlier already is), and from
// then on it is a plain array. Until then the engine asks the table (engine/lazy-members.ts).
//
// A row in the common shape (a member below its parent: on-prem [name], cloud [] explicit, no extra fields)
// is kept as columns; any other row (the root, a moved-out orphan, explicit paths or sizes, props, errors,
// a schema 1 object) is decoded at load, which also checks it. Decoding a kept row later gives exactly what
// the load would have given: it derives from the same parent, decoded first.
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
  tokenGivesSize,
} from './member-rows.js';
import type { MemberState, SetState, SideState } from './schema.js';

type Slot = string | null;

/** A flag of the table's own: the row was decoded at load (not in the common shape; its columns are partial). */
const DECODED_AT_LOAD = 16;

/** The members of one loaded snapshot, by row number (the order of the file). */
export class MemberTable {
  readonly keys: string[] = [];
  readonly #flags: number[] = [];
  readonly #parent: number[] = [];
  readonly #synced: Array<string | 0> = [];
  readonly #hash: Array<string | 0> = [];
  readonly #id: Record<Side, Slot[]> = { onprem: [], cloud: [] };
  readonly #token: Record<Side, Slot[]> = { onprem: [], cloud: [] };
  readonly #name: Slot[] = [];
  /** Members decoded so far (every row not in the common shape is, from the load on). */
  readonly #decoded: Array<MemberState | undefined> = [];
  /** Rows that are not direct and have a parent in the table, but whose path is written out. */
  #explicitPaths = 0;
  /** Rows that are direct or whose parent is not in the table (never in the common shape), in file order. */
  readonly loose: number[] = [];
  readonly #interner = new Interner();
  /** Row number by key while loading (rows derive from a parent listed before them). */
  #byKey: Map<string, number> | undefined = new Map();

  get length(): number {
    return this.keys.length;
  }

  /** Take the next row (parsed JSON) of the snapshot; RowError when it does not decode. */
  add(row: unknown): void {
    const i = this.keys.length;
    const byKey = this.#byKey!;
    if (Array.isArray(row) && row.length === 7 && this.#addCommon(row, byKey)) return;
    let m: MemberState;
    if (typeof row === 'object' && row !== null && !Array.isArray(row) && 'key' in row) {
      if (typeof row.key !== 'string') throw new RowError('not a member row [key, flags, ...]');
      m = row as MemberState; // a schema 1 object, as it is
    } else {
      m = decodeMember(
        row,
        (k) => {
          const p = byKey.get(k);
          return p === undefined ? undefined : this.member(p);
        },
        this.#interner,
      );
    }
    const p = m.parentKey === null ? undefined : byKey.get(m.parentKey);
    this.keys.push(m.key);
    this.#flags.push(
      (m.kind === 'folder' ? FOLDER : 0) |
        (m.direct ? DIRECT : 0) |
        (m.status === 'PENDING' ? PENDING : m.status === 'FAILED' ? FAILED : 0) |
        DECODED_AT_LOAD,
    );
    this.#parent.push(p ?? -1);
    this.#synced.push(0);
    this.#hash.push(0);
    for (const side of ['onprem', 'cloud'] as const) {
      this.#id[side].push(m[side]?.id ?? null);
      this.#token[side].push(m[side]?.token ?? null);
    }
    this.#name.push(null);
    this.#decoded.push(m);
    if (p === undefined || m.direct) this.loose.push(i);
    else {
      const parent = this.member(p);
      for (const side of ['onprem', 'cloud'] as const) {
        const s = m[side];
        const up = parent[side];
        if (s && up && s.path !== (up.path ? `${up.path}/${s.name}` : s.name)) this.#explicitPaths++;
      }
    }
    byKey.set(m.key, i);
  }

  /** A row in the common shape kept as columns; false (nothing taken) for any other. */
  #addCommon(row: unknown[], byKey: Map<string, number>): boolean {
    // indexed, not destructured (an array pattern goes through the iterator: a load does this 100,000 times)
    const key = row[0];
    const flags = row[1];
    const parentKey = row[2];
    const synced = row[3];
    const on = row[4];
    const cloud = row[5];
    const hash = row[6];
    if (typeof key !== 'string' || typeof flags !== 'number' || typeof parentKey !== 'string') return false;
    if ((synced !== 0 && typeof synced !== 'string') || (hash !== 0 && typeof hash !== 'string'))
      return false;
    const onOk =
      on === 0 ||
      (Array.isArray(on) &&
        on.length === 4 &&
        on[0] === HAS_NAME &&
        typeof on[1] === 'string' &&
        typeof on[2] === 'string' &&
        typeof on[3] === 'string');
    const cloudOk =
      cloud === 0 ||
      (Array.isArray(cloud) &&
        cloud.length === 3 &&
        cloud[0] === 0 &&
        typeof cloud[1] === 'string' &&
        typeof cloud[2] === 'string');
    if (!onOk || !cloudOk) return false;
    const onRow = on as 0 | string[];
    const cloudRow = cloud as 0 | string[];
    return this.addCommon(
      key,
      flags,
      byKey.get(parentKey),
      synced === 0 ? 0 : this.#interner.intern(synced as string),
      onRow === 0 ? null : onRow[1]!,
      onRow === 0 ? null : onRow[2]!,
      onRow === 0 ? null : onRow[3]!,
      cloudRow === 0 ? null : cloudRow[1]!,
      cloudRow === 0 ? null : cloudRow[2]!,
      hash as string | 0,
    );
  }

  /**
   * The next row when it has the common shape, from its fields (the on-prem side's id, token and name; the
   * cloud side's id and token; null for a side the member has no copy on). False, nothing taken, when the row
   * has another shape: it is then given to `add` as parsed JSON.
   */
  addCommon(
    key: string,
    flags: number,
    parent: number | undefined,
    synced: string | 0,
    onId: string | null,
    onToken: string | null,
    name: string | null,
    cloudId: string | null,
    cloudToken: string | null,
    hash: string | 0,
  ): boolean {
    const p = parent;
    if (p === undefined || (flags & ~15) !== 0 || (flags & DIRECT) !== 0) return false;
    if (onId !== null && (this.#id.onprem[p] === null || !tokenGivesSize(onToken!))) return false;
    if (cloudId !== null && (onId === null || this.#id.cloud[p] === null || !tokenGivesSize(cloudToken!)))
      return false;
    const i = this.keys.length;
    this.keys.push(key);
    this.#flags.push(flags);
    this.#parent.push(p);
    // Not interned here: a first sync gives every member its own time (interning would only add a map);
    // the scan reuses the previous row's string when the bytes are the same.
    this.#synced.push(synced);
    this.#hash.push(hash);
    this.#id.onprem.push(onId);
    this.#token.onprem.push(onToken);
    this.#name.push(name);
    this.#id.cloud.push(cloudId);
    this.#token.cloud.push(cloudToken);
    this.#decoded.push(undefined);
    this.#byKey!.set(key, i);
    return true;
  }

  /** The row number of the member with `key` added so far (the last one, were a key written twice). */
  rowOf(key: string): number | undefined {
    return this.#byKey!.get(key);
  }

  /** Every row is in: the key index the rows derived from is let go. */
  done(): this {
    this.#byKey = undefined;
    return this;
  }

  /** Member `i` as an object (decoded once; the same object from then on, also in `all()`). */
  member(i: number): MemberState {
    const held = this.#decoded[i];
    if (held) return held;
    const p = this.#parent[i]!;
    const parent = this.member(p);
    const on = this.#id.onprem[i];
    const cloud = this.#id.cloud[i];
    const row = [
      this.keys[i],
      this.#flags[i],
      this.keys[p],
      this.#synced[i],
      on === null ? 0 : [HAS_NAME, on, this.#token.onprem[i], this.#name[i]],
      cloud === null ? 0 : [0, cloud, this.#token.cloud[i]],
      this.#hash[i],
    ];
    const m = decodeMember(row, () => parent, this.#interner);
    this.#decoded[i] = m;
    return m;
  }

  /** Every member, in the order of the file. */
  all(): MemberState[] {
    const out = new Array<MemberState>(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.member(i);
    return out;
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
    return (
      (this.#flags[i]! & (PENDING | FAILED)) === 0 &&
      this.#id.onprem[i] !== null &&
      this.#id.cloud[i] !== null
    );
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
    return this.#parent[i]!;
  }

  /** True for a row kept as columns at load (`loaded` answers for it). */
  common(i: number): boolean {
    return (this.#flags[i]! & DECODED_AT_LOAD) === 0;
  }

  /** Rows left undecoded are never direct, never detached nor requested: the only flags that can be set. */
  unsettled(i: number): boolean {
    const m = this.#decoded[i];
    return m ? m.status !== 'SYNCED' || m.requested === true : (this.#flags[i]! & (PENDING | FAILED)) !== 0;
  }

  /**
   * One side of row `i` as loaded (id, parent id, name, token), or null without a copy there. Only for a row
   * in the common shape (`common(i)`); what the engine did to it since is not seen.
   */
  loaded(i: number, side: Side): Pick<SideState, 'id' | 'parentId' | 'name' | 'token'> | null {
    const id = this.#id[side][i]!;
    if (id === null) return null;
    return { id, parentId: this.loadedParentId(i, side), name: this.#name[i]!, token: this.#token[side][i]! };
  }

  /** loaded(i, side).id without building the object. */
  loadedId(i: number, side: Side): string | null {
    return this.#id[side][i]!;
  }

  /** loaded(i, side).parentId without building the object (the parent's id on that side, as loaded). */
  loadedParentId(i: number, side: Side): string {
    return this.#id[side][this.#parent[i]!]!;
  }

  /** loaded(i, side).name without building the object. */
  loadedName(i: number): string {
    return this.#name[i]!;
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
