import { otherSide, SIDES, type Side } from '../connectors/types.js';
import type { MemberState } from '../store/schema.js';
import type { CrossSetRules, SetReading } from './cross-set.js';

const slotOf = (side: Side, id: string) => `${side}:${id}`;

/**
 * A file below a folder that leaves `w` for another set, whose copy on the side the folder moved on is gone
 * (deleted there) or was never made, while its other copy still sits in that folder: the set the folder joins
 * moves that folder, and the file with it, so the file goes along (model seed 519). It keeps its record, and
 * the joining set applies its own rules to it in the same pass (a change beats the delete: re-created there;
 * unchanged: the delete options decide), as fresh nodes below such a folder already go along (`handOverFresh`).
 * `leavingTo`: outgoing slot → the set it moves to.
 */
export function carryMembers(w: SetReading, rules: CrossSetRules, leavingTo: Map<string, string>): void {
  const fromId = w.state.set.id;
  const children = new Map<string, MemberState[]>();
  for (const m of w.state.members) {
    if (!m.parentKey || m.detached) continue;
    const list = children.get(m.parentKey);
    if (list) list.push(m);
    else children.set(m.parentKey, [m]);
  }
  const blocked = rules.blocked.get(fromId);
  for (const p of w.state.members) {
    if (p.kind !== 'folder' || p.detached) continue;
    for (const side of SIDES) {
      const to = p[side] ? leavingTo.get(slotOf(side, p[side]!.id)) : undefined;
      if (to === undefined || to === fromId) continue;
      for (const c of children.get(p.key) ?? []) carryOne(w, rules, c, p, side, to);
    }
  }

  function carryOne(
    w: SetReading,
    rules: CrossSetRules,
    c: MemberState,
    p: MemberState,
    side: Side,
    to: string,
  ) {
    const other = otherSide(side);
    const base = c[other];
    if (c.kind !== 'file' || !base) return;
    for (const s of SIDES) {
      const slot = c[s] ? slotOf(s, c[s]!.id) : '';
      if (leavingTo.has(slot) || blocked?.has(slot) || rules.outgoing.get(fromId)?.has(slot)) return;
    }
    // Still on `side` (moved elsewhere within this set): it stays here.
    if (c[side] && w.changes[side].byMember.get(c.key)?.kind !== 'gone') return;
    const oc = w.changes[other].byMember.get(c.key);
    if (oc?.kind === 'gone') return;
    const node = oc?.node ?? w.views[other].nodes.get(base.id);
    // Moved out of the folder on `other`: it does not travel with it.
    if (!node || node.parentId !== p[other]?.id) return;
    const slot = slotOf(other, node.id);
    const owner = rules.owned.get(slot);
    if (owner !== undefined && owner !== fromId) return;
    rules.owned.set(slot, to);
    rules.owned.set(slotOf(other, base.id), to);
    if (!rules.outgoing.has(fromId)) rules.outgoing.set(fromId, new Set());
    rules.outgoing.get(fromId)!.add(slotOf(other, base.id));
    if (!rules.incoming.has(to)) rules.incoming.set(to, new Map());
    rules.incoming.get(to)!.set(slot, {
      member: c,
      otherChange: c[side] ? { kind: 'gone' } : undefined,
      otherSide: side,
      carried: oc ?? { kind: 'same', node },
    });
    if (!rules.arriving.has(to)) rules.arriving.set(to, []);
    rules.arriving.get(to)!.push({ side: other, node });
  }
}
