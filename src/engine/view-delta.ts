// A pass scoped to what its walks saw differ (issue 11: cost proportional to change). A connector that
// compares as it walks (local: compare-walk.ts) tells, per side, which recorded entries it did not see as
// recorded and which nodes are new or changed; only the members those concern take part in the pass, the way
// an event-scoped `watch` pass works on what its events name (view-scoped.ts): the members whose entry
// differs on either side, the folders new or moved nodes arrived in (with their other members, whose names
// may be taken there), the subtrees of folders that moved or vanished, and the ancestors of all of these.
// Detect, reconcile, plan, guards, apply and path refresh then run on that sub-state as they would on the
// set, and `mergeScoped` puts what they did back. When the delta cannot be scoped safely the pass reads the
// set whole (readDeltaSet returns undefined): see there.
import { SIDES, type Connector, type RemoteNode, type Side } from '../connectors/types.js';
import type { MemberState, SetState } from '../store/schema.js';
import { anyDetached, anyUnsettled, firstDirect } from './lazy-members.js';
import { pathsHangOff } from './paths.js';
import { memberUnsettled, slotsOf } from './member-index.js';
import { memberAt, rowOf, rowsOf, withMembers } from './member-overlay.js';
import { MAX_PICKED, Picker, type PickIndex } from './scope-picker.js';
import { emptyView, fillFromListing, type ComparedWalk, type SideView } from './view.js';
import type { ScopedRead } from './view-scoped.js';

/**
 * The sub-state and views of a folder set both of whose walks were compared with the state and left
 * unfilled (view.ts `compared`), or undefined when the pass must read the set whole: a documents set, the
 * set's folder moved, renamed or under a folder renamed (every path below it changes), a
 * side not compared (no `compareTree`, or repository events), an entry skipped on either side (a link, an
 * unreadable folder: the whole view reports those), a detached copy, a member failed, pending or requested
 * (every pass looks at those), a member hanging off a node the set does not record, or more than
 * MAX_PICKED members concerned (a huge folder moved or deleted: no cheaper than the whole).
 */
export async function readDeltaSet(
  state: SetState,
  views: Record<Side, SideView>,
  connectors: Record<Side, Pick<Connector, 'pathOf' | 'rememberPath'>>,
  foreign?: Record<Side, ReadonlyMap<string, string>>,
): Promise<ScopedRead | undefined> {
  if (state.set.kind !== 'folder') return undefined;
  const walks = {} as Record<Side, ComparedWalk>;
  for (const side of SIDES) {
    const walk = views[side].compared ?? views[side].asRecorded;
    if (!walk || walk.delta.skipped.length > 0) return undefined;
    walks[side] = walk;
  }
  if (anyDetached(state) || anyUnsettled(state) || !pathsHangOff(state)) return undefined;
  const root = firstDirect(state);
  if (!root || root.detached || !root.onprem || !root.cloud) return undefined;
  // The set's folder moved or renamed (or a folder above it): every path below it changes, read whole.
  for (const side of SIDES) {
    const s = root[side]!;
    const seen = walks[side].root;
    if (seen.id !== s.id || seen.parentId !== s.parentId || seen.name !== s.name) return undefined;
    if (((await connectors[side].pathOf(s.id)) ?? s.path) !== s.path) return undefined;
  }
  const idx = treeIndex(state, root, walks);
  const picker = new Picker(idx, root);
  // Files changed on both sides may conflict: a keep-both loser is named beside its siblings (seed 3432).
  const keepBoth = state.set.options.conflict === 'keep-both';
  const changedOnPrem = new Set<string>();
  for (const side of SIDES) {
    const { tree, delta } = walks[side];
    // Our locks, taken off by hand: put back, so those files take part (the walk sees the bits).
    const locks = side === 'onprem' && state.set.options.lockOnPrem;
    // Recorded entries not seen as recorded: changed, moved, renamed or gone (a folder with all below it).
    for (let i = 0; i < tree.count; i++) {
      if (delta.same[i] === 1 && !(locks && tree.kind(i) === 'file' && !delta.lockedAt(i))) continue;
      const m = tree.member(i);
      picker.pick(m);
      if (m.kind === 'folder') picker.pickSubtree(m);
      else if (keepBoth && side === 'onprem') changedOnPrem.add(m.key);
      else if (keepBoth && changedOnPrem.has(m.key)) {
        const folder = idx.parentOf(m);
        if (folder) picker.pickChildren(folder);
      }
      if (picker.size > MAX_PICKED) return undefined;
    }
    // Where new, moved or renamed nodes are now: their folder, and what it holds (a name may be taken).
    delta.changedNodes.forEach((n, k) => {
      if (n.parentId === null) return;
      const at = delta.changedParents[k]!;
      const folder = at === -2 ? root : at >= 0 ? tree.member(at) : idx.byId(side, n.parentId);
      if (!folder) return; // inside a new folder: that folder is itself a changed node
      picker.pick(folder);
      // Not the content of a node at its recorded place: a name may be taken where it is now.
      const i = tree.find(n.parentId, n.name);
      if (i < 0 || !tree.isSame(i, n.id, undefined)) picker.pickChildren(folder);
    });
    if (picker.size > MAX_PICKED) return undefined;
  }
  if (!picker.closeUp() || picker.size > MAX_PICKED) return undefined;
  const members = picker.sorted();
  // Where each member taking part was recorded, as a hint (as readScopedSet gives it): the side an update
  // writes finds its file by that path, checked by identity, instead of indexing every entry its walk saw
  // by id (a 100,000-entry index per side for a pass that updates a few files).
  for (const side of SIDES) {
    const c = connectors[side];
    if (c.rememberPath) for (const m of members) if (m[side]) c.rememberPath(m[side].id, m[side].path);
  }
  const sub = withMembers(state, members);
  const scoped = {} as Record<Side, SideView>;
  for (const side of SIDES) scoped[side] = deltaView(sub, side, walks[side], members, foreign?.[side]);
  const before = new Map(members.map((m) => [m, { slots: slotsOf(m), unsettled: memberUnsettled(m) }]));
  return { sub, views: scoped, before };
}

/**
 * Where members are, from the trees the walks compared with (no index over every member is built): a node by
 * id through the tree's own lookup, children by folder, a parent by the row it was loaded below.
 */
function treeIndex(state: SetState, root: MemberState, walks: Record<Side, ComparedWalk>): PickIndex {
  const rows = rowsOf(state);
  const byId = (side: Side, id: string) => {
    if (root[side]?.id === id) return root;
    const i = walks[side].tree.numberOf(id);
    return i < 0 ? undefined : walks[side].tree.member(i);
  };
  return {
    byId,
    *children(side, id) {
      const tree = walks[side].tree;
      for (const i of tree.childrenOf(id)) yield tree.member(i);
    },
    parentOf(m) {
      const r = rows ? rowOf(m) : undefined;
      const p = r === undefined ? -1 : rows!.table.parentOf(r);
      if (p >= 0 && rows!.table.key(p) === m.parentKey) return memberAt(rows!, p);
      // Moved since it was loaded (or not a row): the folder its copy is in, when that is the member.
      for (const side of SIDES) {
        const id = m[side]?.parentId;
        const up = id ? byId(side, id) : undefined;
        if (up?.key === m.parentKey) return up;
      }
      return undefined;
    },
  };
}

/** The view of the sub-state on one side: its members as the walk saw them, and every node that differs. */
function deltaView(
  sub: SetState,
  side: Side,
  walk: ComparedWalk,
  members: MemberState[],
  foreign: ReadonlyMap<string, string> | undefined,
): SideView {
  const { tree, delta, root } = walk;
  const view = emptyView(side);
  const nodes: RemoteNode[] = [];
  const listed = new Set<string>();
  for (const m of members) {
    const s = m[side];
    if (!s || s.parentId === null || s.id === root.id) continue;
    const i = tree.find(s.parentId, s.name);
    if (i < 0 || delta.same[i] !== 1 || !tree.isSame(i, s.id, undefined)) continue;
    nodes.push(delta.nodeAt(i));
    listed.add(s.id);
  }
  for (const n of delta.changedNodes) if (!listed.has(n.id)) nodes.push(n);
  for (const id of delta.untracked) view.untracked.add(id);
  fillFromListing(view, sub, root, { root, nodes, skipped: [] }, foreign);
  // The entries seen as recorded and left out are in the set's scope all the same (the empty-listing guard).
  view.wholeSize = view.nodes.size + delta.sameCount - listed.size;
  return view;
}
