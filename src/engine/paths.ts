import type { Connector, Side } from '../connectors/types.js';
import type { MemberState, SetState } from '../store/schema.js';
import { memberTable } from '../store/member-table.js';
import { looseMembers } from './lazy-members.js';
import type { SideView } from './view.js';
import type { RemoteNode } from '../connectors/types.js';

/** What refreshPaths reads of a side's view (see pathView). */
export interface PathView {
  /** Set-relative path of each node in the view, as SideView.rel. */
  rel: Pick<Map<string, string>, 'get' | 'has' | 'values'>;
  detachedSeen: SideView['detachedSeen'];
}

/**
 * What the path refresh at a pass's end needs of a view, kept through the apply instead of the whole view. A
 * folder set's set-relative paths are not kept as strings: each is its parent's and its name (that is how the
 * listing made them, view.ts fillFromListing), built again from the view's nodes for the few members that ask
 * (FAILED ones). At 100,000 files the paths and their map were ~17 MB held through a first sync's apply
 * (perf-mem8); the nodes themselves are the apply's `current` nodes as well.
 */
export function pathView(view: SideView, kind: 'folder' | 'documents'): PathView {
  if (kind !== 'folder') return { rel: view.rel, detachedSeen: view.detachedSeen };
  let rootId: string | undefined;
  for (const [id, rel] of view.rel)
    if (rel === '') {
      rootId = id;
      break;
    }
  const nodes = view.nodes;
  const get = (id: string): string | undefined => {
    const names: string[] = [];
    let at: RemoteNode | undefined = nodes.get(id);
    for (let cur = id; cur !== rootId; cur = at.parentId, at = nodes.get(cur)) {
      // A folder set's view holds every node's parent up to its root (fillFromListing walks down from it).
      if (at === undefined || at.parentId === null) return undefined;
      names.push(at.name);
    }
    return at === undefined ? undefined : names.reverse().join('/');
  };
  return {
    rel: {
      get,
      has: (id) => nodes.has(id),
      *values() {
        for (const id of nodes.keys()) yield get(id)!;
      },
    } as PathView['rel'],
    detachedSeen: view.detachedSeen,
  };
}

/**
 * Recompute each member's display path on both sides (relative to the connection root, as `inspect` shows
 * it): direct members ask the connector (they may have moved anywhere, or changed id), indirect ones hang off
 * their parent. Only the direct members cost a call; the rest is one synchronous walk that allocates a string
 * only for a path that changed (a no-change pass over 100,000 members allocates none).
 * Returns the members whose paths changed, so the caller can record them.
 */
export async function refreshPaths(
  state: SetState,
  connectors: Record<Side, Connector>,
  views: Record<Side, PathView>,
): Promise<MemberState[]> {
  // Members still as loaded, every path below the direct ones derived from its parent (a quiet pass): only a
  // direct member can have moved, and when none did there is nothing to refresh (no member is visited).
  const loose = looseMembers(state);
  if (loose && !(await anyLooseMoved(loose, connectors))) return [];
  const changed = new Set<MemberState>();
  const byKey = new Map<string, MemberState>();
  for (const m of state.members) byKey.set(m.key, m);
  for (const m of relocatedDetached(state, views)) changed.add(m);
  // Direct members (and orphans, whose parent is not a member) may be anywhere on their side.
  const located = new Set<object>();
  // So may a FAILED member held in its set while its copies sit elsewhere (recorded outside its parent).
  for (const m of state.members) {
    const parent = m.parentKey ? byKey.get(m.parentKey) : undefined;
    const held = m.status === 'FAILED' && parent !== undefined && !m.direct;
    if (parent && !m.direct && !held) continue;
    for (const side of ['onprem', 'cloud'] as const) {
      const s = m[side];
      if (!s || (parent?.[side] && !(held && s.parentId !== parent[side]!.id))) continue;
      const before = s.path;
      const found = await connectors[side].pathOf(s.id);
      if (held && found !== null) located.add(s);
      s.path = found ?? s.path;
      if (s.path !== before) changed.add(m);
    }
  }
  // The set-relative paths each view holds, built only if a FAILED member's copy is not in its view.
  const relPaths: Partial<Record<Side, Set<string>>> = {};
  const seen = (side: Side, rel: string) => (relPaths[side] ??= new Set(views[side].rel.values())).has(rel);
  const ask = { connectors, seen };
  for (const m of state.members)
    if (m.status === 'FAILED' && !m.direct && (await showWhereItIs(m, byKey, views, located, ask)))
      changed.add(m);
  const done = new Set<string>();
  const visit = (m: MemberState): void => {
    if (done.has(m.key)) return;
    done.add(m.key);
    const parent = m.parentKey ? byKey.get(m.parentKey) : undefined;
    if (!parent) return;
    visit(parent);
    for (const side of ['onprem', 'cloud'] as const) {
      const s = m[side];
      const up = parent[side];
      if (!s || !up || located.has(s)) continue;
      if (!hangsOff(s.path, up.path, s.name)) {
        s.path = up.path ? `${up.path}/${s.name}` : s.name;
        changed.add(m);
      }
    }
  };
  for (const m of state.members) visit(m);
  return [...changed];
}

/** True when a direct (or parentless) member's path on a side is no longer what the state holds. */
async function anyLooseMoved(
  loose: Array<[MemberState, MemberState | undefined]>,
  connectors: Record<Side, Connector>,
): Promise<boolean> {
  for (const [m, parent] of loose) {
    if (parent && !m.direct) continue;
    for (const side of ['onprem', 'cloud'] as const) {
      const s = m[side];
      if (!s || parent?.[side]) continue;
      if (((await connectors[side].pathOf(s.id)) ?? s.path) !== s.path) return true;
    }
  }
  return false;
}

/**
 * Every member below another hangs off it on both sides: its recorded path is its parent's and its name. Not
 * so after a pass killed between a move and the path refresh at its end (the move is journaled, the paths
 * below it are not): a pass scoped to what changed would leave those paths stale, so it reads the set whole.
 * Members still as loaded answer from the load's check, no member decoded.
 */
export function pathsHangOff(state: SetState): boolean {
  const t = memberTable(state);
  if (t) return t.pathsDerived;
  const byKey = new Map<string, MemberState>();
  for (const m of state.members) byKey.set(m.key, m);
  for (const m of state.members) {
    const parent = m.parentKey && !m.direct ? byKey.get(m.parentKey) : undefined;
    if (!parent) continue;
    for (const side of ['onprem', 'cloud'] as const) {
      const s = m[side];
      const up = parent[side];
      if (s && up && !hangsOff(s.path, up.path, s.name)) return false;
    }
  }
  return true;
}

/** `path` is `parent/name` (or `name` below the root), tested without building the string. */
export function hangsOff(path: string, parent: string, name: string): boolean {
  if (parent === '') return path === name;
  return (
    path.length === parent.length + 1 + name.length &&
    path.charCodeAt(parent.length) === 47 &&
    path.endsWith(name) &&
    path.startsWith(parent)
  );
}

/**
 * A detached copy is left alone, but where it is stays known: renamed or moved within the set's folder, its
 * record follows it (so `inspect` shows it where it is, and it is never taken for a new node).
 */
function relocatedDetached(state: SetState, views: Record<Side, PathView>): MemberState[] {
  const moved: MemberState[] = [];
  let byId: Map<string, MemberState> | undefined;
  for (const m of state.members) {
    if (!m.detached) continue;
    {
      const side = 'cloud';
      const s = m[side];
      const n = s && views[side].detachedSeen.get(s.id);
      if (!s || !n || (n.name === s.name && n.parentId === s.parentId)) continue;
      byId ??= new Map(
        state.members.filter((x) => !x.detached && x[side]).map((x) => [`${side}:${x[side]!.id}`, x]),
      );
      s.name = n.name;
      s.parentId = n.parentId;
      const parent = n.parentId === null ? undefined : byId.get(`${side}:${n.parentId}`);
      if (parent) m.parentKey = parent.key;
      moved.push(m);
    }
  }
  return moved;
}

/**
 * A move between folders that could not be applied (a name clash on the other side) stays recorded at its old
 * place, so every pass tries it again until the name is free; but the copy the user moved is shown where it
 * is (`inspect`, action paths), not where it was. A copy the set's view does not hold (moved out of the set
 * and to be moved back, or replaced by this pass's update, which gave it a new id) is asked of its connector
 * (a few calls: FAILED members only, copies the view lost only). The record keeps its old place all the
 * same (model seed 4059: recording the other copy's move as done would leave the next pass a copy moved out
 * of the set alone, a delete: forgotten, and the file pulled back beside it). True when a path changed.
 */
async function showWhereItIs(
  m: MemberState,
  byKey: Map<string, MemberState>,
  views: Record<Side, PathView>,
  located: Set<object>,
  ask: { connectors: Record<Side, Connector>; seen: (side: Side, rel: string) => boolean },
): Promise<boolean> {
  let root: MemberState | undefined = m;
  for (let n = 0; root && !root.direct && n < 1000; n++)
    root = root.parentKey ? byKey.get(root.parentKey) : undefined;
  let changed = false;
  for (const side of ['onprem', 'cloud'] as const) {
    const s = m[side];
    const top = root?.[side];
    const base = top?.path;
    if (!s || !top || base === undefined || root === m) continue;
    const rel = views[side].rel.get(s.id);
    let where: string;
    if (rel !== undefined) where = base === '' ? rel : rel === '' ? base : `${base}/${rel}`;
    else {
      // Not in the view (already located: held elsewhere): only a view that read the set's folder says so.
      if (located.has(s) || !views[side].rel.has(top.id)) continue;
      const found = await ask.connectors[side].pathOf(s.id);
      if (found === null) continue;
      // In the set's folder, it is where the view saw another id (replaced by this pass's update); anywhere
      // else there (an excluded name: an editor's old file, the member being the file it saved by rename in
      // its place, model seed 27) it is no copy of the member any more, and its recorded place stays.
      const inside = base === '' || found === base || found.startsWith(`${base}/`);
      const r = base === '' ? found : found.slice(base.length + 1);
      if (inside && !ask.seen(side, r)) continue;
      where = found;
    }
    const parent = m.parentKey ? byKey.get(m.parentKey)?.[side] : undefined;
    if (parent && hangsOff(where, parent.path, s.name)) continue;
    located.add(s);
    if (s.path !== where) {
      s.path = where;
      changed = true;
    }
  }
  return changed;
}
