import { SIDES, type RemoteNode, type Side } from '../connectors/types.js';
import type { MemberState } from '../store/schema.js';
import type { CrossSetRules, SetReading } from './cross-set.js';

const slotOf = (side: Side, id: string) => `${side}:${id}`;

/** A member's copy moved into another set's folder on `side`: `n` where it is now, `m` its record. */
export interface CrossMove {
  slot: string;
  n: RemoteNode;
  side: Side;
  m: MemberState;
  fromId: string;
  to: string;
}

/**
 * A copy moved into a folder of set `to` that itself leaves `to` in this pass for the set the copy came from
 * (on-prem moves a folder from A into B while the cloud moves one of B's files into that folder's copy): the
 * file never leaves its set. It is moved within it, into that folder as the folder arrives (model seed 3144:
 * it went to A, into a folder B now has, and the next pass gave it back to B). `to` lets the node go with the
 * folder; its own set sees its copy as moved there (`following`).
 */
export function followArrivingFolders(
  moves: CrossMove[],
  byId: Map<string, SetReading>,
  rules: CrossSetRules,
  leavingTo: Map<string, string>,
): void {
  for (const mv of moves) {
    if (joiningVia(byId.get(mv.to)!, mv.n, mv.side, leavingTo) !== mv.fromId) continue;
    rules.incoming.get(mv.to)?.delete(mv.slot);
    rules.outgoing.get(mv.fromId)?.delete(mv.slot);
    leavingTo.delete(mv.slot);
    if (!rules.outgoing.has(mv.to)) rules.outgoing.set(mv.to, new Set());
    rules.outgoing.get(mv.to)!.add(mv.slot);
    rules.owned.set(mv.slot, mv.fromId);
    if (!rules.following.has(mv.fromId)) rules.following.set(mv.fromId, new Map());
    rules.following.get(mv.fromId)!.set(mv.slot, mv.n);
  }
}

/** The set the first member folder above `n` in `dest` leaves for in this pass, if it leaves. */
function joiningVia(
  dest: SetReading,
  n: RemoteNode,
  side: Side,
  leavingTo: Map<string, string>,
): string | undefined {
  const p = memberAbove(dest, n.parentId, side);
  for (const s of SIDES) {
    const to = p?.[s] ? leavingTo.get(slotOf(s, p[s]!.id)) : undefined;
    if (to !== undefined) return to;
  }
  return undefined;
}

/** The first member of `dest` that is folder `parentId` on `side` or above it (walking up `dest`'s view). */
export function memberAbove(
  dest: Pick<SetReading, 'state' | 'views'>,
  parentId: string | null,
  side: Side,
): MemberState | undefined {
  let pid = parentId;
  for (let depth = 0; pid !== null && depth < 1000; depth++) {
    const id = pid;
    const p = dest.state.members.find((x) => x[side]?.id === id && !x.detached);
    if (p) return p;
    pid = dest.views[side].nodes.get(id)?.parentId ?? null;
  }
  return undefined;
}
