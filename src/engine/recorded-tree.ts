// What the state recorded on one side of a folder set, in the shape a connector that compares as it walks
// asks for (connectors/types.ts RecordedTree): entry lookup by (parent id, name), and the set's own rules of
// what to leave out. Built per pass from the members, without copying them: one nested map of numbers.
import type { NodeKind, RecordedNode, RecordedTree, Side } from '../connectors/types.js';
import type { SetState, SideState } from '../store/schema.js';
import { compileExcludes, excludesNeedPaths } from './excludes.js';

/** A RecordedTree of a set's members. */
export type MemberTree = RecordedTree;

/** The recorded tree of `side` below the folder set's root `rootId` (the root member itself left out). */
export function recordedTree(state: SetState, side: Side, rootId: string): MemberTree {
  // As walked: the pass may change a member (or drop its side) before a lookup asks for an entry by id.
  const sides: SideState[] = [];
  const kinds: NodeKind[] = [];
  const byParent = new Map<string, Map<string, number>>();
  for (const m of state.members) {
    const s = m[side];
    if (!s || s.parentId === null || s.id === rootId) continue;
    let names = byParent.get(s.parentId);
    if (!names) byParent.set(s.parentId, (names = new Map()));
    // Two records of one place (never written so): the first is found there, the other is never seen.
    const i = sides.push(s) - 1;
    kinds.push(m.kind);
    if (!names.has(s.name)) names.set(s.name, i);
  }
  const excluded = compileExcludes(state.set.excludes);
  const folders = state.set.options.includeSubfolders;
  let byId: Map<string, number> | undefined;
  return {
    count: sides.length,
    find: (parentId, name) => byParent.get(parentId)?.get(name) ?? -1,
    node: (i): RecordedNode => sides[i]!,
    kind: (i): NodeKind => kinds[i]!,
    numberOf(id) {
      byId ??= new Map(sides.map((s, i) => [s.id, i]));
      return byId.get(id) ?? -1;
    },
    needsPath: excludesNeedPaths(state.set.excludes),
    ignored: (name, isFolder, relPath) => (isFolder && !folders) || excluded(relPath, name),
  };
}
