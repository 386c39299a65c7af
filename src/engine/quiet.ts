import { SIDES, type Side } from '../connectors/types.js';
import type { MemberState, SetState } from '../store/schema.js';
import type { SideChanges } from './detect.js';
import { allSettledWithBoth, memberCount } from './lazy-members.js';
import { rootMember, type SideView } from './view.js';

/**
 * True when a pass has nothing to do for this set: every member is SYNCED and not requested, has both copies
 * and both sides see each copy exactly as recorded (same name, same parent, same content token, same metadata,
 * our lock still on), no detached copy to follow, no node is new, nothing was skipped or unreadable.
 * Reconcile would plan no action for such a set, so the pass skips cross-set rules, reconcile, plan, guards
 * and apply (issue 11: cost proportional to change); paths are still refreshed (paths.ts). A function of (state, changes, views) only, so an event-scoped pass
 * can ask the same question of what its events named.
 */
export function isQuiet(
  state: SetState,
  changes: Record<Side, SideChanges>,
  views: Record<Side, SideView>,
): boolean {
  for (const side of SIDES) {
    const v = views[side];
    if (v.rootGone || v.skipped.length > 0 || v.unreadable.size > 0) return false;
    if (changes[side].fresh.length > 0) return false;
  }
  const lock = state.set.options.lockOnPrem;
  let live = 0;
  for (const m of state.members) {
    // A detached copy may have moved (its record follows) or vanished (its record goes): reconcile judges.
    if (m.detached) return false;
    live++;
    if (!memberSettled(m, changes, lock)) return false;
  }
  // Every change detect reported belongs to a live member checked above.
  for (const side of SIDES) if (changes[side].byMember.size !== live) return false;
  return true;
}

/**
 * One member needs nothing: SYNCED, not requested, both copies there and seen exactly as recorded (same name,
 * same parent, same token and metadata: detect's "same"), a valid name, our lock still on. Reconcile's merge
 * plans nothing for such a member, so it goes straight to its children.
 */
export function memberSettled(
  m: MemberState,
  changes: Record<Side, SideChanges>,
  lockOnPrem: boolean,
): boolean {
  if (m.status !== 'SYNCED' || m.requested || !m.onprem || !m.cloud) return false;
  for (const side of SIDES) {
    const ch = changes[side].byMember.get(m.key);
    if (ch?.kind !== 'same' || !ch.node || ch.node.invalidName) return false;
    // A direct member moved elsewhere under its name is "same" to detect; its path is not.
    if (ch.node.parentId !== m[side]!.parentId) return false;
    if (lockOnPrem && side === 'onprem' && m.kind === 'file' && !ch.node.locked) return false;
  }
  return true;
}

/**
 * isQuiet's question answered from two views left as recorded (view.ts `asRecorded`): the walks saw every
 * member below the root exactly as recorded and nothing else, so detect would call every member "same" and
 * report nothing fresh. What is left to check is the members themselves, the root's place and our locks;
 * no per-member change is built.
 */
export function quietAsRecorded(state: SetState, views: Record<Side, SideView>): boolean {
  const on = views.onprem.asRecorded;
  const cloud = views.cloud.asRecorded;
  if (!on || !cloud) return false;
  const below = memberCount(state) - 1; // every member but the root, recorded on both sides
  if (on.tree.count !== below || cloud.tree.count !== below) return false;
  if (!allSettledWithBoth(state)) return false;
  for (const side of SIDES) {
    const { root } = views[side].asRecorded!;
    const m = rootMember(state);
    // A direct member moved elsewhere under its name is "same" to detect; its path is not.
    if (!m?.[side] || root.id !== m[side]!.id || root.name !== m[side]!.name) return false;
    if (root.parentId !== m[side]!.parentId || root.invalidName) return false;
  }
  if (state.set.options.lockOnPrem)
    for (let i = 0; i < on.tree.count; i++)
      if (on.tree.kind(i) === 'file' && !on.delta.lockedAt(i)) return false;
  return true;
}
