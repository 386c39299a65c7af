// What the state recorded on one side of a folder set, in the shape a connector that compares as it walks
// asks for (connectors/types.ts RecordedTree): entry lookup by (parent id, name), and the set's own rules of
// what to leave out. Built per pass from the members, without copying them: one nested map of numbers.
import type { NodeKind, RecordedNode, RecordedTree, Side } from '../connectors/types.js';
import type { MemberState, SetState, SideState } from '../store/schema.js';
import { compileExcludes, excludesNeedPaths } from './excludes.js';
import { memberAt, rowsOf, type Rows } from './member-overlay.js';

/** A RecordedTree of a set's members, with the member each entry records (decoded when asked). */
export interface MemberTree extends RecordedTree {
  member(i: number): MemberState;
  /** The entries recorded in folder `parentId`. */
  childrenOf(parentId: string): Iterable<number>;
}

/** The recorded tree of `side` below the folder set's root `rootId` (the root member itself left out). */
export function recordedTree(state: SetState, side: Side, rootId: string): MemberTree {
  const { count, byParent, node, kind, idOf, member } = recordedEntries(state, side, rootId);
  const excluded = compileExcludes(state.set.excludes);
  const folders = state.set.options.includeSubfolders;
  let byId: Map<string, number> | undefined;
  return {
    count,
    find: (parentId, name) => byParent.get(parentId)?.get(name) ?? -1,
    node,
    kind,
    member,
    childrenOf: (parentId) => byParent.get(parentId)?.values() ?? [],
    numberOf(id) {
      if (!byId) {
        byId = new Map();
        for (let i = 0; i < count; i++) byId.set(idOf(i), i);
      }
      return byId.get(id) ?? -1;
    },
    needsPath: excludesNeedPaths(state.set.excludes),
    ignored: (name, isFolder, relPath) => (isFolder && !folders) || excluded(relPath, name),
  };
}

interface Entries {
  count: number;
  byParent: Map<string, Map<string, number>>;
  node: (i: number) => RecordedNode;
  kind: (i: number) => NodeKind;
  idOf: (i: number) => string;
  member: (i: number) => MemberState;
}

/** The entries of `side` by (parent id, name), numbered in the order of the members. */
function recordedEntries(state: SetState, side: Side, rootId: string): Entries {
  const rows = rowsOf(state);
  if (rows) return tableEntries(rows, side, rootId);
  // As walked: the pass may change a member (or drop its side) before a lookup asks for an entry by id.
  const sides: SideState[] = [];
  const kinds: NodeKind[] = [];
  const members: MemberState[] = [];
  const byParent = new Map<string, Map<string, number>>();
  for (const m of state.members) {
    const s = m[side];
    if (!s || s.parentId === null || s.id === rootId) continue;
    // Two records of one place (never written so): the first is found there, the other is never seen.
    place(byParent, s.parentId, s.name, sides.push(s) - 1);
    kinds.push(m.kind);
    members.push(m);
  }
  return {
    count: sides.length,
    byParent,
    node: (i) => sides[i]!,
    kind: (i) => kinds[i]!,
    idOf: (i) => sides[i]!.id,
    member: (i) => members[i]!,
  };
}

/**
 * The same entries from members still kept as their rows: nothing decoded. A row decoded already is taken
 * as it is now (and held, as walked); the others as loaded (their columns never change).
 */
function tableEntries(state: Rows, side: Side, rootId: string): Entries {
  const { table, removed, added } = state;
  const rows: number[] = [];
  const held = new Map<number, SideState>();
  const heldMembers = new Map<number, MemberState>();
  const byParent = new Map<string, Map<string, number>>();
  for (let r = 0; r < table.length; r++) {
    if (removed.size > 0 && removed.has(r)) continue;
    const m = table.decoded(r);
    if (m || !table.common(r)) {
      const s = m?.[side];
      if (!s || s.parentId === null || s.id === rootId) continue;
      held.set(rows.length, s);
      place(byParent, s.parentId, s.name, rows.push(r) - 1);
      continue;
    }
    const id = table.loadedId(r, side);
    if (id === null || id === rootId) continue;
    place(byParent, table.loadedParentId(r, side), table.loadedName(r), rows.push(r) - 1);
  }
  // Members scoped passes added since the load: entries like decoded rows (no row of their own).
  for (const m of added) {
    const s = m[side];
    if (!s || s.parentId === null || s.id === rootId) continue;
    const i = rows.push(-1) - 1;
    held.set(i, s);
    heldMembers.set(i, m);
    place(byParent, s.parentId, s.name, i);
  }
  return {
    count: rows.length,
    byParent,
    node: (i) => held.get(i) ?? table.loaded(rows[i]!, side)!,
    kind:
      heldMembers.size === 0
        ? (i) => table.kind(rows[i]!)
        : (i) => heldMembers.get(i)?.kind ?? table.kind(rows[i]!),
    idOf: (i) => held.get(i)?.id ?? table.loadedId(rows[i]!, side)!,
    member: (i) => heldMembers.get(i) ?? memberAt(state, rows[i]!),
  };
}

function place(byParent: Map<string, Map<string, number>>, parentId: string, name: string, i: number): void {
  let names = byParent.get(parentId);
  if (!names) byParent.set(parentId, (names = new Map()));
  if (!names.has(name)) names.set(name, i);
}
