// An event-scoped pass of `watch` over a folder set, at the cost of its events: only the folders the events
// name are listed, and only the members they can concern take part in the pass (a "sub-state": the members
// recorded in or listed in those folders, the subtrees of folders that moved or vanished, and the ancestors
// of all of these up to the set's root). Detect, reconcile, plan, guards, apply and path refresh run on the
// sub-state unchanged; `mergeScoped` puts what they did back into the set's state and its index.
import { SIDES, type Connector, type Listing, type RemoteNode, type Side } from '../connectors/types.js';
import { NodeError } from '../errors.js';
import type { MemberState, SetState } from '../store/schema.js';
import { indexOf, memberUnsettled, slotsOf, type MemberIndex, type Slots } from './member-index.js';
import { readSetViews, type SetReadFailure } from './set-failure.js';
import type { EventScope } from './types.js';
import type { SideView } from './view.js';
import { recordedNode } from './view-incremental.js';

/** A scoped read: the sub-state the pass works on, its views, and how its members stood before. */
export interface ScopedRead {
  sub: SetState;
  views: Record<Side, SideView>;
  before: Map<MemberState, { slots: Slots; unsettled: boolean }>;
}

/** Beyond this many members a scoped pass is no cheaper than a full one (a huge folder moved). */
const MAX_PICKED = 20_000;

/**
 * Read a folder set through its events only, or undefined when it must be read whole: a documents set (its
 * members are read by id anyway), a set with a member to retry, a member whose parent is not a member, or
 * a listing that fails (the full read reports it the usual way).
 */
export async function readScopedSet(
  state: SetState,
  connectors: Record<Side, Connector>,
  scopes: Record<Side, EventScope>,
  foreign?: Record<Side, ReadonlyMap<string, string>>,
): Promise<ScopedRead | SetReadFailure | undefined> {
  if (state.set.kind !== 'folder') return undefined;
  const idx = indexOf(state);
  if (idx.unsettled > 0) return undefined;
  const root = state.members.find((m) => m.direct);
  if (!root || root.detached || !root.onprem || !root.cloud) return undefined;
  const picker = new Picker(idx, root);
  const touched = {} as Record<Side, Set<string>>;
  const cached = {} as Record<Side, Connector>;
  for (const side of SIDES) {
    touched[side] = folderScope(idx, side, scopes[side]);
    cached[side] = cachingConnector(connectors[side]);
  }
  try {
    for (const side of SIDES) await picker.listTouched(side, cached[side], touched[side]);
    // Known nodes found where no picked member is recorded (moved in from an unnamed folder, or inside a
    // folder listed whole): their members join, and the views are built again (listings are cached).
    for (let round = 0; round < 4; round++) {
      if (!picker.closeUp()) return undefined;
      if (picker.size > MAX_PICKED) return undefined;
      const members = picker.sorted();
      const sub: SetState = { ...state, members };
      const views = await readSetViews(sub, SIDES, cached, touched, foreign);
      if ('code' in views) return views;
      if (!picker.pickStrays(views, touched)) {
        const before = new Map(members.map((m) => [m, { slots: slotsOf(m), unsettled: memberUnsettled(m) }]));
        return { sub, views, before };
      }
      for (const side of SIDES) await picker.listTouched(side, cached[side], touched[side]);
    }
    return undefined;
  } catch (err) {
    if (err instanceof NodeError) return undefined; // read whole: a full read reports it per set
    throw err;
  }
}

/**
 * After the pass: what it did to the sub-state goes into the set's state (new members appended, removed
 * ones dropped, keys and events carried over) and into the index (the pass's members re-indexed).
 */
export function mergeScoped(state: SetState, read: ScopedRead): void {
  const { sub, before } = read;
  const idx = indexOf(state);
  const after = new Set(sub.members);
  const removed = new Set<MemberState>();
  for (const [m, was] of before) {
    idx.remove(m, was.slots, was.unsettled);
    if (!after.has(m)) removed.add(m);
  }
  if (removed.size > 0) state.members = state.members.filter((m) => !removed.has(m));
  for (const m of sub.members) {
    if (!before.has(m)) state.members.push(m);
    idx.add(m);
  }
  idx.members = state.members;
  idx.length = state.members.length;
  for (const [k, v] of Object.entries(sub))
    if (k !== 'members') (state as unknown as Record<string, unknown>)[k] = v;
}

/** The folder ids a side's events name, with every recorded folder below a folder named with its subtree. */
function folderScope(idx: MemberIndex, side: Side, scope: EventScope): Set<string> {
  const out = new Set(scope.folders);
  const stack = [...scope.trees];
  for (const id of stack) out.add(id);
  while (stack.length > 0) {
    for (const m of idx.children(side, stack.pop()!)) {
      const id = m[side]!.id;
      if (m.kind !== 'folder' || out.has(id)) continue;
      out.add(id);
      stack.push(id);
    }
  }
  return out;
}

/** The members an event-scoped pass takes part in, chosen from the index. */
class Picker {
  readonly #picked = new Set<MemberState>();
  readonly #listed: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };

  constructor(
    private readonly idx: MemberIndex,
    private readonly root: MemberState,
  ) {
    this.#picked.add(root);
  }

  get size(): number {
    return this.#picked.size;
  }

  /** List each named folder the set records (once): its recorded and its listed children take part. */
  async listTouched(side: Side, connector: Connector, touched: Set<string>): Promise<void> {
    const queue = [...touched].filter((id) => !this.#listed[side].has(id));
    while (queue.length > 0) {
      const id = queue.pop()!;
      this.#listed[side].add(id);
      const folder = this.idx.byId[side].get(id);
      // A folder the set does not record is listed whole by the listing of the folder it appeared in.
      if (!folder || folder.kind !== 'folder' || folder.detached) continue;
      this.#picked.add(folder);
      let listing: Listing;
      try {
        listing = await connector.listTree(id, { recursive: false, known: recordedNode(folder, side) });
      } catch (err) {
        // Gone: the listing of the folder it was in tells (it is named by the same event).
        if (err instanceof NodeError && err.code === 'TARGET_NODE_NO_LONGER_EXISTS') {
          touched.delete(id);
          continue;
        }
        throw err;
      }
      const seen = new Set<string>();
      for (const n of listing.nodes) {
        if (n.parentId !== id) continue;
        seen.add(n.id);
        const m = this.idx.byId[side].get(n.id);
        if (!m) continue;
        this.#picked.add(m);
        const was = m[side]!;
        if (was.parentId !== id && was.parentId !== null && !touched.has(was.parentId)) {
          // Moved in from a folder no event named: that folder is stale too.
          touched.add(was.parentId);
          queue.push(was.parentId);
        }
        if (m.kind === 'folder' && (was.parentId !== id || was.name !== n.name)) this.pickSubtree(m);
      }
      for (const m of this.idx.children(side, id)) {
        this.#picked.add(m);
        // Gone from here (deleted, or moved to where a listing will find it): all below it takes part.
        if (m.kind === 'folder' && !seen.has(m[side]!.id)) this.pickSubtree(m);
      }
    }
  }

  /** Every recorded member below `top`, on both sides. */
  pickSubtree(top: MemberState): void {
    const stack = [top];
    while (stack.length > 0 && this.#picked.size <= MAX_PICKED) {
      const m = stack.pop()!;
      this.#picked.add(m);
      if (m.kind !== 'folder') continue;
      for (const side of SIDES) {
        const s = m[side];
        if (s) for (const c of this.idx.children(side, s.id)) if (!this.#picked.has(c)) stack.push(c);
      }
    }
  }

  /**
   * Add every picked member's ancestors, on both sides and by parent key, up to the root. False when one
   * hangs off a node the set does not record (a full read sorts that out).
   */
  closeUp(): boolean {
    const stack = [...this.#picked];
    while (stack.length > 0) {
      const m = stack.pop()!;
      if (m === this.root) continue;
      const ups: (MemberState | undefined)[] = [];
      if (m.parentKey !== null) ups.push(this.idx.byKey.get(m.parentKey));
      else if (!m.direct) return false;
      for (const side of SIDES) {
        const s = m[side];
        if (s && s.parentId !== null && !m.direct) ups.push(this.idx.byId[side].get(s.parentId));
      }
      for (const up of ups) {
        if (!up) return false;
        if (this.#picked.has(up)) continue;
        this.#picked.add(up);
        stack.push(up);
      }
    }
    return true;
  }

  /** Picked members in key order (the order a full pass meets them in). */
  sorted(): MemberState[] {
    const num = (m: MemberState) => Number(m.key.slice(1));
    return [...this.#picked].sort((a, b) => num(a) - num(b) || (a.key < b.key ? -1 : 1));
  }

  /**
   * Members of nodes the views show that were not picked (a known node found in a folder listed whole, or
   * moved in): picked now, with their subtree, and their recorded folder named. True when any was found.
   */
  pickStrays(views: Record<Side, SideView>, touched: Record<Side, Set<string>>): boolean {
    let found = false;
    for (const side of SIDES) {
      for (const id of views[side].nodes.keys()) {
        const m = this.idx.byId[side].get(id);
        if (!m || this.#picked.has(m)) continue;
        found = true;
        this.pickSubtree(m);
        for (const s of SIDES) {
          const parentId = m[s]?.parentId;
          if (parentId) touched[s].add(parentId);
        }
      }
    }
    return found;
  }
}

/** The connector with its listings remembered for the pass: each folder is listed once however often asked. */
function cachingConnector(connector: Connector): Connector {
  const listings = new Map<string, Promise<Listing>>();
  return new Proxy(connector, {
    get(target, prop) {
      if (prop === 'listTree')
        return (folderId: string, opts: { recursive: boolean; known?: RemoteNode }) => {
          const key = `${opts.recursive ? 'r' : 'f'}:${folderId}`;
          let p = listings.get(key);
          if (!p) listings.set(key, (p = target.listTree(folderId, opts)));
          return p;
        };
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
