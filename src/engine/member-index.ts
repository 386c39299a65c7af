// Where each member of a set sits, by node id and by parent folder on each side, kept between the passes
// of `watch` so an event-scoped pass finds the members its events name without visiting the others
// (view-scoped.ts). Built once from the state (one walk over every member), then updated with just the
// members each scoped pass touched; any other pass drops it and the next scoped pass builds it again.
import { SIDES, type Side } from '../connectors/types.js';
import type { MemberState, SetState } from '../store/schema.js';

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

export class MemberIndex {
  readonly byKey = new Map<string, MemberState>();
  readonly byId: Record<Side, Map<string, MemberState>> = { onprem: new Map(), cloud: new Map() };
  /** Members by the id of their parent folder on each side. */
  readonly kids: Record<Side, Map<string, Set<MemberState>>> = { onprem: new Map(), cloud: new Map() };
  /** Members failed, pending or requested: while any is, passes read everything. */
  unsettled = 0;
  /** The member array the index was last brought up to date with, and its length then. */
  members: MemberState[];
  length: number;

  constructor(state: SetState) {
    for (const m of state.members) this.add(m);
    this.members = state.members;
    this.length = state.members.length;
  }

  add(m: MemberState): void {
    this.byKey.set(m.key, m);
    if (unsettled(m)) this.unsettled++;
    for (const side of SIDES) {
      const s = m[side];
      if (!s) continue;
      this.byId[side].set(s.id, m);
      if (s.parentId === null) continue;
      let set = this.kids[side].get(s.parentId);
      if (!set) this.kids[side].set(s.parentId, (set = new Set()));
      set.add(m);
    }
  }

  /** Take a member out as it was indexed (`slots` and `wasUnsettled`: how it stood before the pass). */
  remove(m: MemberState, slots: Slots, wasUnsettled: boolean): void {
    if (this.byKey.get(m.key) === m) this.byKey.delete(m.key);
    if (wasUnsettled) this.unsettled--;
    for (const side of SIDES) {
      const s = slots[side];
      if (!s) continue;
      if (this.byId[side].get(s.id) === m) this.byId[side].delete(s.id);
      if (s.parentId === null) continue;
      const set = this.kids[side].get(s.parentId);
      set?.delete(m);
      if (set?.size === 0) this.kids[side].delete(s.parentId);
    }
  }

  /** The members recorded under folder `id` on `side`. */
  children(side: Side, id: string): Iterable<MemberState> {
    return this.kids[side].get(id) ?? [];
  }
}

const held = new WeakMap<SetState, MemberIndex>();

/**
 * The index of `state`, built when missing or when the state's member array is not the one it was last
 * brought up to date with (something outside a scoped pass changed the members).
 */
export function indexOf(state: SetState): MemberIndex {
  const idx = held.get(state);
  if (idx && idx.members === state.members && idx.length === state.members.length) return idx;
  const fresh = new MemberIndex(state);
  held.set(state, fresh);
  return fresh;
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
