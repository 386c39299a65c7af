// Where each member of a set sits, by node id and by parent folder on each side, kept between the passes
// of `watch` so an event-scoped pass finds the members its events name without visiting the others
// (view-scoped.ts), and used by a pass scoped to its walks' delta (view-delta.ts). Built once from the state
// (one walk over every member; rows kept as loaded are indexed in the state file's bytes, nothing decoded:
// RowIndex below, member-overlay.ts), then updated with just the members each scoped pass touched; any other
// pass drops it and the next scoped pass builds it again.
import { SIDES, type Side } from '../connectors/types.js';
import { memberTable } from '../store/member-table.js';
import type { MemberState, SetState } from '../store/schema.js';
import { HashIndex, hashString } from '../store/row-bytes.js';
import { liveRows, memberAt, rowOf, rowsOf, type Rows } from './member-overlay.js';

/** A member's node id and parent id on each side, as indexed (members are changed in place by a pass). */
export type Slots = Record<Side, { id: string; parentId: string | null } | null>;

export function slotsOf(m: MemberState): Slots {
  const one = (side: Side) => {
    const s = m[side];
    return s ? { id: s.id, parentId: s.parentId } : null;
  };
  return { onprem: one('onprem'), cloud: one('cloud') };
}

/** True when a member asks every pass to look at it (a retry, a requested re-push): no scoped pass then. */
function unsettled(m: MemberState): boolean {
  return m.status !== 'SYNCED' || m.requested === true;
}

/** Seed of the hashes of ids kept as bytes (row-bytes.ts). */
const ID_SEED = 11;

/**
 * Members kept as rows (store/member-table.ts), indexed in the state file's bytes: no string and no map entry
 * per member (at 100,000 members a map of ids and one of keys held ~30 MB for the life of `watch`). A row is
 * found by its id as loaded through a hash of the id's bytes; the rows below a folder are one run of an array
 * sorted by parent row. A row taken out (the pass that touched its member puts the member back as an object)
 * is only marked so.
 */
class RowIndex {
  readonly rows: Rows;
  /** 1 while row r is indexed here (in the common shape, undecoded when indexed, not taken out since). */
  readonly live: Uint8Array;
  readonly #byId: Record<Side, HashIndex>;
  /** The parent rows of the rows indexed here, by their id on each side as loaded. */
  readonly #folders: Record<Side, HashIndex>;
  /** Rows indexed here, grouped by parent row: those below row p are kids[start[p] .. start[p + 1]). */
  readonly #start: Int32Array;
  readonly #kids: Int32Array;

  constructor(rows: Rows, live: Uint8Array, count: number) {
    const t = rows.table;
    this.rows = rows;
    this.live = live;
    const n = t.length;
    const start = new Int32Array(n + 1);
    for (let r = 0; r < n; r++) if (live[r] === 1) start[t.parentOf(r) + 1]!++;
    for (let p = 0; p < n; p++) start[p + 1]! += start[p]!;
    const next = start.slice(0, n);
    const kids = new Int32Array(count);
    for (let r = 0; r < n; r++) if (live[r] === 1) kids[next[t.parentOf(r)]!++] = r;
    this.#start = start;
    this.#kids = kids;
    this.#byId = { onprem: new HashIndex(count), cloud: new HashIndex(count) };
    this.#folders = { onprem: new HashIndex(64), cloud: new HashIndex(64) };
    for (const side of SIDES) {
      const same = (r: number) => (o: number) => t.loadedIdIs(o, side, t.loadedId(r, side)!);
      for (let r = 0; r < n; r++) {
        if (live[r] === 1 && t.hasSide(r, side))
          this.#byId[side].put(t.loadedIdHash(r, side, ID_SEED), r, same(r), false);
        if (start[r + 1]! > start[r]! && t.hasSide(r, side))
          this.#folders[side].put(t.loadedIdHash(r, side, ID_SEED), r, same(r), false);
      }
    }
  }

  /** The row indexed here whose id on `side` was `id` at load, or -1. */
  byId(side: Side, id: string): number {
    const t = this.rows.table;
    return this.#byId[side].get(
      hashString(id, ID_SEED),
      (r) => this.live[r] === 1 && t.loadedIdIs(r, side, id),
    );
  }

  /** The rows indexed here below the folder whose id on `side` was `id` at load. */
  *children(side: Side, id: string): Generator<number> {
    const t = this.rows.table;
    const p = this.#folders[side].get(hashString(id, ID_SEED), (r) => t.loadedIdIs(r, side, id));
    if (p < 0) return;
    for (let k = this.#start[p]!; k < this.#start[p + 1]!; k++) {
      const r = this.#kids[k]!;
      if (this.live[r] === 1 && t.hasSide(r, side)) yield r;
    }
  }
}

export class MemberIndex {
  /** Members indexed as objects: decoded before the index was built, or put in by a pass since. */
  readonly #byKey = new Map<string, MemberState>();
  readonly #byId: Record<Side, Map<string, MemberState>> = { onprem: new Map(), cloud: new Map() };
  /** Members by the id of their parent folder on each side. */
  readonly #kids: Record<Side, Map<string, Set<MemberState>>> = { onprem: new Map(), cloud: new Map() };
  readonly #rows: RowIndex | undefined;
  /** Members failed, pending or requested: while any is, passes read everything. */
  unsettled = 0;
  /** What the index was last brought up to date with: the member array and its length, or the rows. */
  source: MemberState[] | object;
  length: number;

  constructor(state: SetState) {
    const rows = rowsOf(state);
    if (rows) {
      const t = rows.table;
      const live = new Uint8Array(t.length);
      let count = 0;
      for (const r of liveRows(rows)) {
        if (t.decoded(r) !== undefined || !t.common(r)) {
          this.add(memberAt(rows, r));
          continue;
        }
        live[r] = 1;
        count++;
        if (t.unsettled(r)) this.unsettled++;
      }
      this.#rows = new RowIndex(rows, live, count);
      for (const m of rows.added) this.add(m);
      this.source = t;
      this.length = 0;
    } else {
      for (const m of state.members) this.add(m);
      this.source = state.members;
      this.length = state.members.length;
    }
  }

  #kid(side: Side, parentId: string): Set<MemberState> {
    let set = this.#kids[side].get(parentId);
    if (!set) this.#kids[side].set(parentId, (set = new Set()));
    return set;
  }

  /** The member with `key`. */
  byKey(key: string): MemberState | undefined {
    const m = this.#byKey.get(key);
    if (m || !this.#rows) return m;
    const r = this.#rows.rows.table.rowOf(key);
    return r !== undefined && this.#rows.live[r] === 1 ? memberAt(this.#rows.rows, r) : undefined;
  }

  /** The member whose copy on `side` is node `id`. */
  byId(side: Side, id: string): MemberState | undefined {
    const m = this.#byId[side].get(id);
    if (m || !this.#rows) return m;
    const r = this.#rows.byId(side, id);
    return r < 0 ? undefined : memberAt(this.#rows.rows, r);
  }

  /** The member `m.parentKey` names. */
  parentOf(m: MemberState): MemberState | undefined {
    return m.parentKey === null ? undefined : this.byKey(m.parentKey);
  }

  add(m: MemberState): void {
    this.#byKey.set(m.key, m);
    if (unsettled(m)) this.unsettled++;
    for (const side of SIDES) {
      const s = m[side];
      if (!s) continue;
      this.#byId[side].set(s.id, m);
      if (s.parentId !== null) this.#kid(side, s.parentId).add(m);
    }
  }

  /** Take a member out as it was indexed (`slots` and `wasUnsettled`: how it stood before the pass). */
  remove(m: MemberState, slots: Slots, wasUnsettled: boolean): void {
    const r = rowOf(m);
    if (r !== undefined && this.#rows?.live[r] === 1) this.#rows.live[r] = 0;
    if (this.#byKey.get(m.key) === m) this.#byKey.delete(m.key);
    if (wasUnsettled) this.unsettled--;
    for (const side of SIDES) {
      const s = slots[side];
      if (!s) continue;
      if (this.#byId[side].get(s.id) === m) this.#byId[side].delete(s.id);
      if (s.parentId === null) continue;
      const set = this.#kids[side].get(s.parentId);
      set?.delete(m);
      if (set?.size === 0) this.#kids[side].delete(s.parentId);
    }
  }

  /** The members recorded under folder `id` on `side`. */
  children(side: Side, id: string): Iterable<MemberState> {
    const out = [...(this.#kids[side].get(id) ?? [])];
    if (this.#rows) for (const r of this.#rows.children(side, id)) out.push(memberAt(this.#rows.rows, r));
    return out;
  }
}

const held = new WeakMap<SetState, MemberIndex>();

/** Whether `idx` is up to date with the state's members (it was built from them, or told every change since). */
function current(idx: MemberIndex, state: SetState): boolean {
  const table = memberTable(state);
  if (table) return idx.source === table;
  return idx.source === state.members && idx.length === state.members.length;
}

/**
 * The index of `state`, built when missing or when the state's members are not the ones it was last
 * brought up to date with (something outside a scoped pass changed the members).
 */
export function indexOf(state: SetState): MemberIndex {
  const idx = held.get(state);
  if (idx && current(idx, state)) return idx;
  const fresh = new MemberIndex(state);
  held.set(state, fresh);
  return fresh;
}

/** The index of `state` when one is held and up to date, else undefined (none is built). */
export function heldIndex(state: SetState): MemberIndex | undefined {
  const idx = held.get(state);
  return idx && current(idx, state) ? idx : undefined;
}

/** Forget the index of `state` (a pass that changed members without telling the index). */
export function dropIndex(state: SetState): void {
  held.delete(state);
}

/** Whether `state` has an index that is up to date (tests). */
export function hasIndex(state: SetState): boolean {
  return held.has(state);
}

export { unsettled as memberUnsettled };
