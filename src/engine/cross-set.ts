import { otherSide, SIDES, type Connector, type RemoteNode, type Side } from '../connectors/types.js';
import { NodeError } from '../errors.js';
import type { MemberState, SetState } from '../store/schema.js';
import type { SideChange, SideChanges } from './detect.js';
import type { Action } from './plan.js';
import type { SideView } from './view.js';
import { carryMembers } from './cross-set-carry.js';
import { followArrivingFolders, memberAbove, type CrossMove } from './cross-set-follow.js';

/** One set's reading of both sides in a pass, as cross-set rules need it. */
export interface SetReading {
  state: SetState;
  views: Record<Side, SideView>;
  changes: Record<Side, SideChanges>;
}

/** A member arriving from another set: its old record, and what its other side did meanwhile. */
export interface IncomingMember {
  member: MemberState;
  /** The change of the copy that did not move, seen by the set it left (an edit must travel with it). */
  otherChange?: SideChange;
  otherSide: Side;
  /**
   * Carried along by its folder (cross-set-carry.ts): its copy on `otherSide` is gone or was never made, and
   * this is the change of the copy that travels, as the set it left saw it. It keeps its record here.
   */
  carried?: SideChange;
}

/** What each set of a pass must know about the others (`${side}:${id}` slots throughout). */
export interface CrossSetRules {
  /** Members of other sets moving into this set. */
  incoming: Map<string, Map<string, IncomingMember>>;
  /** Slots that left this set for another one: forgotten here, not deleted. */
  outgoing: Map<string, Set<string>>;
  /**
   * Slots of this set's members whose move into another set cannot be applied (a name the other set already
   * holds): the member stays here, FAILED with the code (null: held quietly, it moved with a blocked folder).
   */
  blocked: Map<
    string,
    Map<string, { code: 'TARGET_FOLDER_NAME_CLASH' | 'TARGET_FOLDER_NOT_FOUND'; details: string } | null>
  >;
  /** Nodes another set owns (SPEC: sets never overlap): never new members of this one. */
  owned: Map<string, string>;
  /**
   * Nodes new below a member that moves into this set, seen only by the set it left (on the side where that
   * member's copy has not moved yet): this set plans them, in the same pass, once it has moved that copy.
   */
  arriving: Map<string, { side: Side; node: RemoteNode }[]>;
  /**
   * This set's members whose copy moved into a folder that joins this set in this pass (listed by the set it
   * leaves): moved within this set (cross-set-follow.ts), by the slot of that copy.
   */
  following: Map<string, Map<string, RemoteNode>>;
}

const slotOf = (side: Side, id: string) => `${side}:${id}`;

/** Rules that say nothing: no node changes sets (a pass where every set is quiet). */
export function noCrossSetRules(): CrossSetRules {
  return {
    incoming: new Map(),
    outgoing: new Map(),
    blocked: new Map(),
    owned: new Map(),
    arriving: new Map(),
    following: new Map(),
  };
}

/**
 * Decide, across the sets of one pass, which nodes changed sets, which of those moves cannot be applied, and
 * which nodes belong to another set. A node belongs to the set that already has it as a member and still sees
 * it (a documents set's document moved into a synced folder stays with the documents set; a set's folder
 * moved into another set's folder stays its own set's); an indirect member that left its set's folder for
 * another set's folder moves to that set. `others`: sets of the profile outside this pass, whose direct
 * members stay theirs.
 */
export function crossSetRules(work: SetReading[], others: SetState[] = []): CrossSetRules {
  const rules = noCrossSetRules();
  for (const s of others) {
    for (const m of s.members)
      for (const side of SIDES)
        if (m.direct && !m.detached && m[side]) rules.owned.set(slotOf(side, m[side]!.id), s.set.id);
  }
  for (const w of work) {
    for (const side of SIDES) {
      for (const m of w.state.members) {
        const base = m[side];
        if (!base || m.detached) continue;
        const ch = w.changes[side].byMember.get(m.key);
        if (ch?.kind === 'gone') continue;
        rules.owned.set(slotOf(side, base.id), w.state.set.id);
        // Saved by rename: the new node under the member's name is the member's too.
        if (ch?.kind === 'changed') rules.owned.set(slotOf(side, ch.node.id), w.state.set.id);
      }
    }
  }
  if (work.length < 2) return rules;
  const freshOwner = new Map<string, { setId: string; node: RemoteNode }>();
  for (const w of work) {
    for (const side of SIDES)
      for (const n of w.changes[side].fresh)
        freshOwner.set(slotOf(side, n.id), { setId: w.state.set.id, node: n });
  }
  const byId = new Map(work.map((w) => [w.state.set.id, w]));
  const goneBy = new Map<string, { from: SetReading; m: MemberState; side: Side }>();
  for (const w of work) {
    for (const side of SIDES) {
      for (const [key, ch] of w.changes[side].byMember) {
        if (ch.kind !== 'gone') continue;
        const m = w.state.members.find((x) => x.key === key)!;
        goneBy.set(slotOf(side, m[side]!.id), { from: w, m, side });
      }
    }
  }
  /** Outgoing slot → the set it moves to. */
  const leavingTo = new Map<string, string>();
  const moves: CrossMove[] = [];
  // Parents before children (fresh lists are sorted so): a child of a blocked folder is held with it.
  for (const w of work) {
    for (const side of SIDES) {
      for (const n of w.changes[side].fresh) {
        const slot = slotOf(side, n.id);
        const gone = goneBy.get(slot);
        const to = freshOwner.get(slot)?.setId;
        if (!gone || !to || to === gone.from.state.set.id) continue;
        // Moved into a folder that set detaches this pass: it left every set on that side (model seed 2779).
        if (intoDetaching(byId.get(to)!, n, side, (s) => freshOwner.has(s))) continue;
        const fromId = gone.from.state.set.id;
        const other = otherSide(side);
        // Both copies left the old set, each into a set (a move on each side): one move wins, the other copy
        // is moved to match (never copied: no twin). Into one set: both are its moves (the set's rule for
        // two moves decides); into two sets: the on-prem move wins, the other set leaves the cloud copy alone.
        const otherSlot = gone.m[other] ? slotOf(other, gone.m[other]!.id) : '';
        const away = goneBy.has(otherSlot) ? freshOwner.get(otherSlot) : undefined;
        const split = away !== undefined && away.setId !== fromId && away.setId !== to;
        if (split && side === 'cloud') continue;
        if (split) rules.owned.set(otherSlot, to);
        const heldByParent = n.parentId !== null && rules.blocked.get(fromId)?.has(slotOf(side, n.parentId));
        // Its other copy is gone (deleted meanwhile) or was never made: nothing moves there, so no name there
        // can clash; it arrives as new and is copied (model seed 3808: held in its old set by a name the
        // arriving set's own move frees in this pass, it was forgotten there and taken in one pass late).
        const otherGone =
          !gone.m[other] || (!away && gone.from.changes[other].byMember.get(gone.m.key)?.kind === 'gone');
        const clash = heldByParent || otherGone ? null : nameClash(byId.get(to)!, gone.m, n, side);
        const nowhere =
          heldByParent || clash
            ? null
            : (noDestination(byId.get(to)!, n, side) ??
              (otherGone ? null : nestsInto(work, byId.get(to)!, gone.m, n, side)));
        if (heldByParent || clash || nowhere) {
          if (!rules.blocked.has(fromId)) rules.blocked.set(fromId, new Map());
          rules.blocked
            .get(fromId)!
            .set(
              slot,
              heldByParent
                ? null
                : clash
                  ? { code: 'TARGET_FOLDER_NAME_CLASH', details: clash }
                  : { code: 'TARGET_FOLDER_NOT_FOUND', details: nowhere! },
            );
          rules.owned.set(slot, fromId);
          if (split) rules.owned.set(otherSlot, fromId);
          continue;
        }
        const otherChange =
          away && away.setId !== fromId
            ? movedCopy(gone.m, other, away.node, !split)
            : gone.from.changes[other].byMember.get(gone.m.key);
        if (!rules.incoming.has(to)) rules.incoming.set(to, new Map());
        rules.incoming.get(to)!.set(slot, { member: gone.m, otherChange, otherSide: other });
        if (!rules.outgoing.has(fromId)) rules.outgoing.set(fromId, new Set());
        rules.outgoing.get(fromId)!.add(slot);
        leavingTo.set(slot, to);
        if (!split) moves.push({ slot, n, side, m: gone.m, fromId, to });
      }
    }
  }
  if (moves.length > 0) followArrivingFolders(moves, byId, rules, leavingTo);
  if (leavingTo.size > 0) for (const w of work) carryMembers(w, rules, leavingTo);
  if (leavingTo.size > 0) for (const w of work) handOverFresh(w, rules, leavingTo);
  return rules;
}

/**
 * A node new below a member that leaves `w` for another set (a file the cloud added in a folder that moved
 * on-prem into another set's folder) goes with that member: it leaves `w` (outgoing, never a member here)
 * and arrives in the set the member joins, which plans it in this same pass. Its folder's copy on that side
 * is still where `w` lists it; the joining set moves it there first.
 */
function handOverFresh(w: SetReading, rules: CrossSetRules, leavingTo: Map<string, string>): void {
  const fromId = w.state.set.id;
  for (const side of SIDES) {
    if (w.changes[side].fresh.length === 0) continue;
    const memberById = new Map<string, MemberState>();
    for (const m of w.state.members) if (m[side] && !m.detached) memberById.set(m[side]!.id, m);
    const handed = new Map<string, string>();
    // Parents first (fresh lists are sorted so): a new folder's new content follows it.
    for (const n of w.changes[side].fresh) {
      const slot = slotOf(side, n.id);
      if (n.parentId === null || leavingTo.has(slot) || memberById.has(n.id)) continue;
      const owner = rules.owned.get(slot);
      if (owner !== undefined && owner !== fromId) continue;
      let to = handed.get(n.parentId);
      const parent = to === undefined ? memberById.get(n.parentId) : undefined;
      if (parent)
        for (const s of SIDES) to ??= parent[s] ? leavingTo.get(slotOf(s, parent[s]!.id)) : undefined;
      if (to === undefined || to === fromId) continue;
      handed.set(n.id, to);
      if (!rules.outgoing.has(fromId)) rules.outgoing.set(fromId, new Set());
      rules.outgoing.get(fromId)!.add(slot);
      if (!rules.arriving.has(to)) rules.arriving.set(to, []);
      rules.arriving.get(to)!.push({ side, node: n });
    }
  }
}

/**
 * Would moving `m`'s other copy into set `dest` (where its `side` node `n` now is) hit a name `dest` already
 * holds there? The destination folder on the other side is the copy of `n`'s new parent.
 */
function nameClash(dest: SetReading, m: MemberState, n: RemoteNode, side: Side): string | null {
  const other = otherSide(side);
  const parent = dest.state.members.find((x) => x[side]?.id === n.parentId && !x.detached);
  const folderId = parent?.[other]?.id;
  if (!folderId) return null;
  const view = dest.views[other];
  for (const id of view.children.get(folderId) ?? []) {
    if (id !== m[other]?.id && view.nodes.get(id)?.name === n.name) return clashText(dest, n, other);
  }
  // A detached copy there is no member, but holds its name all the same (model seed 3901: the move was taken
  // in, failed on that name, and the next pass took the copy left in the old set back, undoing the user's move).
  for (const d of view.detachedSeen.values())
    if (d.parentId === folderId && d.name === n.name && d.id !== m[other]?.id)
      return clashText(dest, n, other);
  return null;
}

function clashText(dest: SetReading, n: RemoteNode, other: Side): string {
  return `"${n.name}" already exists in the ${other} folder of sync set ${dest.state.set.id}; it stays in its old set until that name is free`;
}

/**
 * Would moving `m`'s other copy into set `dest` find no folder there to go to? The folder `n` now sits in
 * (or the first member above it, when it is new) has no copy on the other side (it waits for request-sync,
 * or failed): the move is held in the old set, or the member would flap between the two sets.
 */
function noDestination(dest: SetReading, n: RemoteNode, side: Side): string | null {
  const other = otherSide(side);
  const p = memberAbove(dest, n.parentId, side);
  if (!p || p[other]) return null;
  return `its new folder in sync set ${dest.state.set.id} has no ${other} copy; it stays in its old set until it has`;
}

/**
 * Would moving `m`'s other copy into set `dest` put it inside itself? The other side moved `dest`'s folder
 * into that very copy while this side moved `m` into `dest` (crossing moves, model seed 4293: the cloud moved
 * B's folder into A/sub, on-prem moved A/sub into B). No such move can be applied (the connector refused it,
 * INVALID_NAME, and the next pass took the folder back into its old set, undoing the user's move): it is held
 * in its old set, FAILED and retried every pass, applied once the folders no longer nest.
 */
function nestsInto(
  work: readonly SetReading[],
  dest: SetReading,
  m: MemberState,
  n: RemoteNode,
  side: Side,
): string | null {
  const other = otherSide(side);
  const self = m[other]?.id;
  if (m.kind !== 'folder' || !self) return null;
  let id: string | null | undefined = memberAbove(dest, n.parentId, side)?.[other]?.id;
  for (let depth = 0; id && depth < 1000; depth++) {
    if (id === self)
      return `its new folder in sync set ${dest.state.set.id} is inside it on the ${other} side; it stays in its old set until they no longer nest`;
    const at: string = id;
    let parent: string | null | undefined;
    for (const w of work) if ((parent = w.views[other].nodes.get(at)?.parentId) !== undefined) break;
    id = parent;
  }
  return null;
}

/**
 * Is `n`, new on the cloud in set `dest`, below a folder whose on-prem copy left every set this pass while
 * `dest` keeps its cloud copies (no delete on cloud)? That folder's cloud copy is detached this pass with all
 * below it, so what the cloud moved in there left `dest` too: it is not `dest`'s (model seed 2779: it was
 * taken as moved into `dest`, and its old set moved it back, every pass). `movesOn`: an on-prem slot that
 * moved into a set (then the folder moves, it is not detached).
 */
export function intoDetaching(
  dest: Pick<SetReading, 'state' | 'views' | 'changes'>,
  n: RemoteNode,
  side: Side,
  movesOn: (slot: string) => boolean,
): boolean {
  if (side !== 'cloud' || dest.state.set.options.deleteOnCloud) return false;
  const p = memberAbove(dest, n.parentId, 'cloud');
  return p !== undefined && detachingNow(dest, p, movesOn);
}

/** Is member folder `p` detached by this pass (its on-prem copy gone, not into another set)? */
export function detachingNow(
  dest: Pick<SetReading, 'state' | 'changes'>,
  p: MemberState,
  movesOn: (slot: string) => boolean,
): boolean {
  return (
    !dest.state.set.options.deleteOnCloud &&
    p.kind === 'folder' &&
    p.onprem !== null &&
    p.cloud !== null &&
    dest.changes.onprem.byMember.get(p.key)?.kind === 'gone' &&
    !movesOn(slotOf('onprem', p.onprem.id))
  );
}

/**
 * The change of a member's copy that moved too (`node`, where it is now) as the set it arrives in must see
 * it: an edit is an edit; its move counts only when it is a move inside that same set (else the other
 * side's move wins and this copy is moved to match).
 */
export function movedCopy(m: MemberState, side: Side, node: RemoteNode, moveCounts: boolean): SideChange {
  const base = m[side]!;
  return {
    kind: 'changed',
    node,
    content: node.kind === 'file' && node.token !== base.token,
    moved: moveCounts,
    renamed: moveCounts && node.name !== base.name,
    props: false,
  };
}

/**
 * A member moving into a set whose other copy left the old set too, but for no set of this pass (moved out
 * of every set, or deleted): where that copy is now. Found, the move that keeps the node in a set wins and the
 * copy is moved to match (copying it in would leave the version twice on its side); deleted, the node arrives
 * as new. One lookup by id per such member (rare: both sides moved the same node in one pass).
 */
export async function locateMovedAway(
  rules: CrossSetRules,
  connectors: Record<Side, Connector>,
): Promise<void> {
  for (const arrivals of rules.incoming.values()) {
    for (const a of arrivals.values()) {
      const base = a.member[a.otherSide];
      if (
        a.otherChange?.kind !== 'gone' ||
        a.carried ||
        !base ||
        rules.owned.has(slotOf(a.otherSide, base.id))
      )
        continue;
      // A copy this side cannot show us (access denied, an odd node) is taken as gone: the node arrives as new.
      const node = await connectors[a.otherSide].getNode(base.id).catch((err: unknown) => {
        if (err instanceof NodeError) return null;
        throw err;
      });
      if (node && node.kind === a.member.kind) a.otherChange = movedCopy(a.member, a.otherSide, node, false);
    }
  }
}

/**
 * Moves into a set a guard stopped cannot be applied in this pass: their members stay in their old sets, held
 * quietly (untouched on both sides), and move once the stopped set runs. Forgetting them in the old set now
 * would make the node new there next pass and copy it again (a twin). Returns the sets to plan again.
 */
export function holdForStopped(rules: CrossSetRules, stopped: Iterable<string>): Set<string> {
  const again = new Set<string>();
  for (const to of stopped) {
    for (const [moved, a] of rules.incoming.get(to) ?? []) {
      // A member carried along by its folder left its old set under its recorded id (saved by rename: new id).
      const kept = a.carried ? a.member[otherSide(a.otherSide)] : undefined;
      const slot = kept ? slotOf(otherSide(a.otherSide), kept.id) : moved;
      for (const [fromId, slots] of rules.outgoing) {
        if (!slots.delete(slot)) continue;
        if (!rules.blocked.has(fromId)) rules.blocked.set(fromId, new Map());
        rules.blocked.get(fromId)!.set(slot, null);
        rules.owned.set(slot, fromId);
        rules.owned.set(moved, fromId);
        const base = a.member[a.otherSide];
        const otherSlot = base ? slotOf(a.otherSide, base.id) : '';
        if (rules.owned.get(otherSlot) === to) rules.owned.set(otherSlot, fromId);
        again.add(fromId);
      }
    }
    rules.incoming.delete(to);
  }
  return again;
}

/**
 * A set's actions split in two: the forgets of members that left for another set come last, once every set
 * of the pass has applied its plan (and recorded the members it took in). A pass killed in between leaves a
 * member recorded in both sets (the old record goes on the rerun: both copies are gone from its folders),
 * never in neither (both copies would be new again and copied: twins on both sides).
 */
export function splitLeaving(
  actions: Action[],
  state: SetState,
  outgoing?: Set<string>,
): [Action[], Action[]] {
  if (!outgoing?.size) return [actions, []];
  const leaving = new Set<string>();
  for (const m of state.members)
    for (const side of SIDES) if (m[side] && outgoing.has(slotOf(side, m[side]!.id))) leaving.add(m.key);
  const now: Action[] = [];
  const later: Action[] = [];
  for (const a of actions) (a.type === 'forget' && leaving.has(a.member) ? later : now).push(a);
  return [now, later];
}
