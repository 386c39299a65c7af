import type { RemoteNode, Side, SyncedProps } from '../connectors/types.js';
import type { MemberState, SetState } from '../store/schema.js';
import type { SideView } from './view.js';

/** How one side of a member differs from the last synced state. */
export type SideChange =
  /** Nothing known changed (also: the node sits below an unreadable folder). */
  | { kind: 'same'; node: RemoteNode | null }
  /** The node is no longer in the set's scope on this side: deleted, or moved out. */
  | { kind: 'gone' }
  /** Still there, with at least one difference. */
  | {
      kind: 'changed';
      node: RemoteNode;
      content: boolean;
      moved: boolean;
      renamed: boolean;
      props: boolean;
      /** The member's own node vanished and this one took its place (a save by rename). */
      replaced?: true;
    };

/** One side's changes: per member key, and the nodes no member accounts for (created, moved or copied in). */
export interface SideChanges {
  side: Side;
  byMember: Map<string, SideChange>;
  fresh: RemoteNode[];
}

/** Equal synced metadata (order of keys does not matter; absent and null are the same). */
export function sameProps(a: SyncedProps | undefined, b: SyncedProps | undefined): boolean {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  for (const k of keys) if ((a?.[k] ?? null) !== (b?.[k] ?? null)) return false;
  return true;
}

/** True when the member or one of its ancestors in the set lies below a folder this side could not read. */
function belowUnreadable(
  m: MemberState,
  side: Side,
  byKey: Map<string, MemberState>,
  view: SideView,
): boolean {
  if (view.unreadable.size === 0) return false;
  let cur: MemberState | undefined = m;
  while (cur) {
    const s = cur[side];
    if (s && (view.unreadable.has(s.id) || (s.parentId !== null && view.unreadable.has(s.parentId))))
      return true;
    cur = cur.parentKey ? byKey.get(cur.parentKey) : undefined;
  }
  return false;
}

/**
 * Compare one side's view with the last synced state. Pairing is by node identity, so a rename or move is a
 * change of the same member, never a delete plus a create. A node that vanished while a node of the same kind
 * and name appeared in the same folder is taken as the same member saved by replacement (editors that write a
 * new file and rename it over the old one change the inode).
 */
export function detectChanges(
  state: SetState,
  side: Side,
  view: SideView,
  withProps: boolean,
  byKey: Map<string, MemberState>,
): SideChanges {
  const byMember = new Map<string, SideChange>();
  const claimed = new Set<string>();
  const vanished: MemberState[] = [];
  for (const m of state.members) {
    const base = m[side];
    if (!base || m.detached) continue;
    const node = view.nodes.get(base.id);
    if (!node || node.kind !== m.kind) {
      vanished.push(m);
      continue;
    }
    claimed.add(node.id);
    byMember.set(m.key, compare(m, base, node, withProps));
  }
  // Every node seen is a member's (the usual case): nothing is new, nothing replaced a vanished member.
  const allClaimed = claimed.size === view.nodes.size;
  const freshBySlot = new Map<string, RemoteNode>();
  if (!allClaimed)
    for (const n of view.nodes.values()) {
      if (!claimed.has(n.id)) freshBySlot.set(`${n.parentId}\u0000${n.name}\u0000${n.kind}`, n);
    }
  for (const m of vanished) {
    const base = m[side]!;
    if (belowUnreadable(m, side, byKey, view)) {
      byMember.set(m.key, { kind: 'same', node: null });
      continue;
    }
    const slot = `${base.parentId}\u0000${base.name}\u0000${m.kind}`;
    const replacement = freshBySlot.get(slot);
    if (replacement) {
      freshBySlot.delete(slot);
      claimed.add(replacement.id);
      const c = compare(m, base, replacement, withProps);
      byMember.set(m.key, {
        kind: 'changed',
        node: replacement,
        content: m.kind === 'file',
        moved: false,
        renamed: false,
        props: c.kind === 'changed' && c.props,
        replaced: true,
      });
    } else {
      byMember.set(m.key, { kind: 'gone' });
    }
  }
  const fresh = allClaimed ? [] : [...view.nodes.values()].filter((n) => !claimed.has(n.id));
  // Parents before children, so new folders become members before what is inside them.
  fresh.sort((a, b) => depth(view.rel.get(a.id)) - depth(view.rel.get(b.id)));
  return { side, byMember, fresh };
}

/** What `unpairMovedAway` needs of each set in the pass. */
export interface DetectedSet {
  views: Record<Side, SideView>;
  changes: Record<Side, SideChanges>;
  state: SetState;
}

/**
 * A save by rename only replaces a node that is gone. When a member's own node turns up in another set's view
 * (moved there), the node that took its name is new, not the member: the member is gone from this set (the
 * cross-set rules see it leave) and the newcomer is fresh here. Otherwise the member would follow the
 * newcomer while its node arrived in the other set still claimed by this one, and be synced there a pass late.
 */
export function unpairMovedAway(sets: readonly DetectedSet[]): void {
  for (const side of ['onprem', 'cloud'] as const) {
    for (const w of sets) {
      const changes = w.changes[side];
      let undone = false;
      for (const m of w.state.members) {
        const c = changes.byMember.get(m.key);
        if (c?.kind !== 'changed' || !c.replaced) continue;
        const id = m[side]!.id;
        if (!sets.some((o) => o !== w && o.views[side].nodes.has(id))) continue;
        changes.byMember.set(m.key, { kind: 'gone' });
        changes.fresh.push(c.node);
        undone = true;
      }
      if (undone)
        changes.fresh.sort((a, b) => depth(w.views[side].rel.get(a.id)) - depth(w.views[side].rel.get(b.id)));
    }
  }
}

function depth(rel: string | undefined): number {
  if (!rel) return 0;
  let d = 1;
  for (let i = 0; i < rel.length; i++) if (rel.charCodeAt(i) === 47) d++;
  return d;
}

function compare(
  m: MemberState,
  base: NonNullable<MemberState['onprem']>,
  node: RemoteNode,
  withProps: boolean,
): SideChange {
  const content = m.kind === 'file' && node.token !== base.token;
  // A direct member keeps its pairing wherever it is moved; only its name travels.
  const moved = !m.direct && node.parentId !== base.parentId;
  const renamed = node.name !== base.name;
  const props = withProps && !sameProps(node.props, base.props);
  if (!content && !moved && !renamed && !props && node.id === base.id) return { kind: 'same', node };
  return { kind: 'changed', node, content, moved, renamed, props };
}
