import type { Side } from '../connectors/types.js';
import type { MemberState } from '../store/schema.js';
import type { Action } from './plan.js';

/** The order of a plan's moves and of the folders made among them (apply.ts runs them one at a time). */

/**
 * How deep the folder a plan's `mkdir` makes will sit: one below the folder its parent ref names, which may
 * itself be made in this plan. The member's recorded parent is not enough: a folder moved into a new folder
 * and re-created there (deleted on the other side) is made in its new place (model seed 2202).
 */
export function plannedDepth(actions: Action[], depthOf: (key: string) => number): (a: Action) => number {
  const made = new Map<string, Action>();
  for (const a of actions) if (a.type === 'mkdir') made.set(a.member, a);
  const memo = new Map<string, number>();
  const depth = (a: Action, seen: Set<string>): number => {
    const known = memo.get(a.member);
    if (known !== undefined) return known;
    let d = depthOf(a.member);
    if (a.type === 'mkdir' && 'member' in a.parent && !seen.has(a.member)) {
      seen.add(a.member);
      const p = made.get(a.parent.member);
      d = (p ? depth(p, seen) : depthOf(a.parent.member)) + 1;
    }
    memo.set(a.member, d);
    return d;
  };
  return (a) => depth(a, new Set());
}

/**
 * A folder made under a name a move of this plan frees (a folder renamed, a new one made under its old name;
 * model seed 508), and the new folders below it, are made in the move phase, after that move: made first,
 * the old folder would still hold the name (and be taken for the new one).
 */
export function deferFreedFolders(
  phases: Map<number, Action[]>,
  byKey: Map<string, MemberState>,
  depthOf: (a: Action) => number,
): void {
  const mkdirs = phases.get(3);
  const moves = phases.get(4);
  if (!mkdirs || !moves) return;
  const freed = new Set<string>();
  for (const a of moves) {
    const s = a.type === 'move' ? byKey.get(a.member)?.[a.to] : undefined;
    if (a.type === 'move' && s?.parentId) freed.add(`${a.to}\u0000${s.parentId}\u0000${s.name}`);
  }
  const late = new Set<string>();
  const byDepth = [...mkdirs].sort((a, b) => depthOf(a) - depthOf(b));
  for (const a of byDepth) {
    if (a.type !== 'mkdir') continue;
    if ('member' in a.parent && late.has(a.parent.member)) late.add(a.member);
    const pid = 'id' in a.parent ? a.parent.id : byKey.get(a.parent.member)?.[a.to]?.id;
    if (pid !== undefined && freed.has(`${a.to}\u0000${pid}\u0000${a.name}`)) late.add(a.member);
  }
  if (late.size === 0) return;
  phases.set(
    3,
    mkdirs.filter((a) => !late.has(a.member)),
  );
  moves.push(...byDepth.filter((a) => late.has(a.member)));
}

/**
 * Moves run one at a time; one onto a name another move of this plan frees runs after it (the cloud renamed
 * `n.txt` to `m.md`, then `a.txt` to `n.txt`: on-prem `n.txt` moves first). A cycle (a swap) keeps the plan's
 * order, and its first move meets the name clash.
 */
export function orderMoves(list: Action[], byKey: Map<string, MemberState>): Action[] {
  const slot = (side: Side, parentId: string, name: string) => `${side}\u0000${parentId}\u0000${name}`;
  const freeing = new Map<string, Action>();
  // Folders made in this phase (deferFreedFolders): what moves into one, or is made in one, comes after it.
  const made = new Map<string, Action>();
  for (const a of list) {
    const s = a.type === 'move' ? byKey.get(a.member)?.[a.to] : undefined;
    if (a.type === 'move' && s?.parentId) freeing.set(slot(a.to, s.parentId, s.name), a);
    if (a.type === 'mkdir') made.set(a.member, a);
  }
  const out: Action[] = [];
  const seen = new Set<Action>();
  const visit = (a: Action): void => {
    if (seen.has(a)) return;
    seen.add(a);
    if (a.type === 'move' || a.type === 'mkdir') {
      const folder = 'member' in a.parent ? made.get(a.parent.member) : undefined;
      if (folder) visit(folder);
      const pid = 'id' in a.parent ? a.parent.id : byKey.get(a.parent.member)?.[a.to]?.id;
      const first = pid === undefined ? undefined : freeing.get(slot(a.to, pid, a.name));
      if (first && first !== a) visit(first);
    }
    out.push(a);
  };
  for (const a of list) visit(a);
  return out;
}
