// An event-scoped pass of `watch` over a folder set, at the cost of its events: only the folders the events
// name are listed, and only the members they can concern take part in the pass (a "sub-state": the members
// recorded in or listed in those folders, the subtrees of folders that moved or vanished, and the ancestors
// of all of these up to the set's root). Detect, reconcile, plan, guards, apply and path refresh run on the
// sub-state unchanged; `mergeScoped` puts what they did back into the set's state and its index.
import { SIDES, type Connector, type Listing, type RemoteNode, type Side } from '../connectors/types.js';
import { NodeError } from '../errors.js';
import type { MemberState, SetState } from '../store/schema.js';
import { firstDirect } from './lazy-members.js';
import {
  heldIndex,
  indexOf,
  memberUnsettled,
  slotsOf,
  type MemberIndex,
  type Slots,
} from './member-index.js';
import { changeRows, withMembers } from './member-overlay.js';
import { MAX_PICKED, Picker } from './scope-picker.js';
import { readSetViews, type SetReadFailure } from './set-failure.js';
import type { EventScope } from './types.js';
import type { SideView } from './view.js';

/** A scoped read: the sub-state the pass works on, its views, and how its members stood before. */
export interface ScopedRead {
  sub: SetState;
  views: Record<Side, SideView>;
  before: Map<MemberState, { slots: Slots; unsettled: boolean }>;
}

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
  const root = firstDirect(state);
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
      const sub = withMembers(state, members);
      const views = await readSetViews(sub, SIDES, cached, touched, foreign);
      if ('code' in views) return views;
      if (!picker.pickStrays(views, touched)) {
        const before = new Map(members.map((m) => [m, { slots: slotsOf(m), unsettled: memberUnsettled(m) }]));
        // Where each member taking part was recorded, as a hint: the side without events (not listed) finds
        // the node it writes by path, not by indexing every entry of its start-up walk (~100 ms at 100k).
        for (const side of SIDES)
          if (connectors[side].rememberPath)
            for (const m of members) if (m[side]) connectors[side].rememberPath(m[side].id, m[side].path);
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
  // Kept up to date when there is one (`watch`); otherwise the next scoped pass builds it from the members.
  const idx = heldIndex(state);
  const after = new Set(sub.members);
  const removed = new Set<MemberState>();
  for (const [m, was] of before) {
    idx?.remove(m, was.slots, was.unsettled);
    if (!after.has(m)) removed.add(m);
  }
  const added = sub.members.filter((m) => !before.has(m));
  // Members still kept as rows: what changed is noted beside them (member-overlay.ts), nothing decoded.
  if (!changeRows(state, removed, added)) {
    if (removed.size > 0) state.members = state.members.filter((m) => !removed.has(m));
    state.members.push(...added);
    if (idx) {
      idx.source = state.members;
      idx.length = state.members.length;
    }
  }
  if (idx) for (const m of sub.members) idx.add(m);
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
