import { otherSide, type Side } from '../connectors/types.js';
import type { MemberState, SetState } from '../store/schema.js';
import type { Action, ParentRef, SetPlan } from './plan.js';
import type { SideView } from './view.js';

type Located = { type: Action['type']; member: string; side?: Side } & Partial<{
  to: Side;
  on: Side;
  clearSide: Side;
}>;

/**
 * The side an action is about: the side it changes, or for an action that changes neither side (adopt,
 * forget, a failure without a side) the side whose copy is shown: on-prem when the member has one there.
 * A detach keeps the cloud copy, so it is about the cloud side.
 */
export function sideOfAction(a: Located, m: Pick<MemberState, 'onprem'> | undefined): Side {
  if (a.to) return a.to;
  if (a.on) return a.on;
  if (a.side) return a.side;
  switch (a.type) {
    case 'lock':
      return 'onprem';
    case 'detach':
      return 'cloud';
    case 'fail':
      return a.clearSide ?? (m && !m.onprem ? 'cloud' : 'onprem');
    default:
      return m && !m.onprem ? 'cloud' : 'onprem';
  }
}

const join = (dir: string | null, name: string): string => (dir ? `${dir}/${name}` : name);
const dirOf = (p: string): string => p.split('/').slice(0, -1).join('/');

/**
 * Set every action's `path` to where its node is on the action's side once this plan's moves and renames
 * have run (connection-relative, as `inspect` shows it): a push shows the cloud path, a pull the on-prem
 * path, a node renamed this pass its new name, and a node created this pass where it will be. Plans,
 * `-v` and `--json` all show this path; the rules never read it.
 */
export function locateActions(plan: SetPlan, state: SetState, views: Record<Side, SideView>): void {
  if (plan.actions.length === 0) return; // the common pass: nothing to locate, no index to build
  const byKey = new Map<string, MemberState>();
  for (const m of state.members) byKey.set(m.key, m);
  for (const m of plan.added) byKey.set(m.key, m);
  const byId: Record<Side, Map<string, string>> = { onprem: new Map(), cloud: new Map() };
  // A folder that is no member (a direct member's parent): its path, from a member recorded inside it.
  const dirById: Record<Side, Map<string, string>> = { onprem: new Map(), cloud: new Map() };
  for (const m of byKey.values()) {
    for (const side of ['onprem', 'cloud'] as const) {
      const s = m[side];
      if (!s) continue;
      byId[side].set(s.id, m.key);
      if (s.parentId && !dirById[side].has(s.parentId)) dirById[side].set(s.parentId, dirOf(s.path));
    }
  }
  // Where a member lands on a side this pass: its move, or its creation there.
  const placed = new Map<string, { parent: ParentRef; name: string }>();
  for (const a of plan.actions) {
    if ((a.type === 'move' || a.type === 'copy' || a.type === 'mkdir') && !placed.has(`${a.to}:${a.member}`))
      placed.set(`${a.to}:${a.member}`, { parent: a.parent, name: a.name });
  }
  const memo = new Map<string, string | null>();
  const folderPath = (ref: ParentRef, side: Side, depth: number): string | null => {
    if ('member' in ref) return pathOn(ref.member, side, depth + 1);
    const key = byId[side].get(ref.id);
    if (key) return pathOn(key, side, depth + 1);
    if (side === 'cloud' && ref.id === state.set.target.id) return state.set.target.path;
    return dirById[side].get(ref.id) ?? null;
  };
  const pathOn = (key: string, side: Side, depth = 0): string | null => {
    const slot = `${side}:${key}`;
    if (memo.has(slot)) return memo.get(slot)!;
    const m = byKey.get(key);
    if (!m || depth > 1000) return null;
    memo.set(slot, null); // a cycle (never expected) ends here
    let result: string | null;
    const goes = placed.get(slot);
    const base = m[side];
    const now = base ? views[side].nodes.get(base.id) : undefined;
    if (goes) {
      const dir = folderPath(goes.parent, side, depth);
      result = dir === null ? null : join(dir, goes.name);
    } else if (base) {
      const parentKey = now?.parentId ? byId[side].get(now.parentId) : m.parentKey;
      const dir = !m.direct && parentKey ? pathOn(parentKey, side, depth + 1) : dirOf(base.path);
      result = dir === null ? null : join(dir, now?.name ?? base.name);
    } else {
      // Not on this side and not going there (a failed create): where it would have gone.
      const other = m[otherSide(side)];
      const name = other ? (views[otherSide(side)].nodes.get(other.id)?.name ?? other.name) : key;
      const dir = m.parentKey
        ? pathOn(m.parentKey, side, depth + 1)
        : side === 'cloud' && m.direct
          ? state.set.target.path
          : null;
      result = dir === null ? null : join(dir, name);
    }
    memo.set(slot, result);
    return result;
  };
  // A move's path is its destination; its fromPath stays where the node was when the pass began.
  for (const a of plan.actions) a.path = pathOn(a.member, a.side) ?? a.path;
}
