// Where each member of a set sits, by node id and by parent folder on each side, kept between the passes
// of `watch` so an event-scoped pass finds the members its events name without visiting the others
// (view-scoped.ts), and used by a pass scoped to its walks' delta (view-delta.ts). Built once from the state
// (one walk over every member; over rows kept as loaded, by row number, nothing decoded: member-overlay.ts),
// then updated with just the members each scoped pass touched; any other pass drops it and the next scoped
// pass builds it again.
import { SIDES, type Side } from '../connectors/types.js';
import { memberTable } from '../store/member-table.js';
import type { MemberState, SetState } from '../store/schema.js';
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

/** A member, or the number of a row not decoded yet. */
type Ref = number | MemberState;

export class MemberIndex {
  readonly #byKey = new Map<string, Ref>();
  readonly #byId: Record<Side, Map<string, Ref>> = { onprem: new Map(), cloud: new Map() };
  /** Members by the id of their parent folder on each side. */
  readonly #kids: Record<Side, Map<string, Set<Ref>>> = { onprem: new Map(), cloud: new Map() };
  readonly #rows: Rows | undefined;
  /** Members failed, pending or requested: while any is, passes read everything. */
  unsettled = 0;
  /** What the index was last brought up to date with: the member array and its length, or the rows. */
  source: MemberState[] | object;
  length: number;

  constructor(state: SetState) {
    const rows = rowsOf(state);
    this.#rows = rows;
    if (rows) {
      const t = rows.table;
      for (const r of liveRows(rows)) {
        if (t.decoded(r) !== undefined || !t.common(r)) {
          this.add(memberAt(rows, r));
          continue;
        }
        this.#byKey.set(t.key(r), r);
        if (t.unsettled(r)) this.unsettled++;
        for (const side of SIDES) {
          const id = t.loadedId(r, side);
          if (id === null) continue;
          this.#byId[side].set(id, r);
          this.#kid(side, t.loadedParentId(r, side)).add(r);
        }
      }
      for (const m of rows.added) this.add(m);
      this.source = t;
      this.length = 0;
    } else {
      for (const m of state.members) this.add(m);
      this.source = state.members;
      this.length = state.members.length;
    }
  }

  #kid(side: Side, parentId: string): Set<Ref> {
    let set = this.#kids[side].get(parentId);
    if (!set) this.#kids[side].set(parentId, (set = new Set()));
    return set;
  }

  #member(ref: Ref | undefined): MemberState | undefined {
    return typeof ref === 'number' ? memberAt(this.#rows!, ref) : ref;
  }

  /** The member with `key`. */
  byKey(key: string): MemberState | undefined {
    return this.#member(this.#byKey.get(key));
  }

  /** The member whose copy on `side` is node `id`. */
  byId(side: Side, id: string): MemberState | undefined {
    return this.#member(this.#byId[side].get(id));
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
    const is = (ref: Ref | undefined) => ref === m || (r !== undefined && ref === r);
    if (is(this.#byKey.get(m.key))) this.#byKey.delete(m.key);
    if (wasUnsettled) this.unsettled--;
    for (const side of SIDES) {
      const s = slots[side];
      if (!s) continue;
      if (is(this.#byId[side].get(s.id))) this.#byId[side].delete(s.id);
      if (s.parentId === null) continue;
      const set = this.#kids[side].get(s.parentId);
      set?.delete(m);
      if (r !== undefined) set?.delete(r);
      if (set?.size === 0) this.#kids[side].delete(s.parentId);
    }
  }

  /** The members recorded under folder `id` on `side`. */
  *children(side: Side, id: string): Iterable<MemberState> {
    const set = this.#kids[side].get(id);
    if (set) for (const ref of [...set]) yield this.#member(ref)!;
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
