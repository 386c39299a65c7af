import type { Connector, Side } from '../connectors/types.js';
import type { MemberState, SetState } from '../store/schema.js';
import type { SideView } from './view.js';

/**
 * Recompute each member's display path on both sides (relative to the connection root, as `inspect` shows
 * it): direct members ask the connector (they may have moved anywhere, or changed id), indirect ones hang off
 * their parent.
 * Returns the members whose paths changed, so the caller can record them.
 */
export async function refreshPaths(
  state: SetState,
  connectors: Record<Side, Connector>,
  views: Record<Side, SideView>,
): Promise<MemberState[]> {
  const changed = new Set<MemberState>();
  const byKey = new Map(state.members.map((m) => [m.key, m]));
  for (const m of relocatedDetached(state, views)) changed.add(m);
  const done = new Set<string>();
  const visit = async (m: MemberState): Promise<void> => {
    if (done.has(m.key)) return;
    done.add(m.key);
    const parent = m.parentKey ? byKey.get(m.parentKey) : undefined;
    if (parent) await visit(parent);
    for (const side of ['onprem', 'cloud'] as const) {
      const s = m[side];
      if (!s) continue;
      const before = s.path;
      if (parent?.[side]) {
        s.path = parent[side]!.path ? `${parent[side]!.path}/${s.name}` : s.name;
      } else if (m.direct || !parent) {
        // Direct members may have moved anywhere on their side; only the connector knows where.
        // (Also when its id changed this pass: a local update writes a new inode.)
        s.path = (await connectors[side].pathOf(s.id)) ?? s.path;
      }
      if (s.path !== before) changed.add(m);
    }
  };
  for (const m of state.members) await visit(m);
  return [...changed];
}

/**
 * A detached copy is left alone, but where it is stays known: renamed or moved within the set's folder, its
 * record follows it (so `inspect` shows it where it is, and it is never taken for a new node).
 */
function relocatedDetached(state: SetState, views: Record<Side, SideView>): MemberState[] {
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
