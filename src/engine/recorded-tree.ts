// What the state recorded on one side of a folder set, in the shape a connector that compares as it walks
// asks for (connectors/types.ts RecordedTree): entry lookup by (parent id, name), and the set's own rules of
// what to leave out. Built per pass from the members, without copying them: one nested map of numbers.
import type { NodeKind, RecordedNode, RecordedTree, Side } from '../connectors/types.js';
import type { MemberState, SetState } from '../store/schema.js';
import { compileExcludes, excludesNeedPaths } from './excludes.js';

/** A RecordedTree that can also answer which member each entry is. */
export interface MemberTree extends RecordedTree {
  member(i: number): MemberState;
}

/** The recorded tree of `side` below the folder set's root `rootId` (the root member itself left out). */
export function recordedTree(state: SetState, side: Side, rootId: string): MemberTree {
  const members: MemberState[] = [];
  const byParent = new Map<string, Map<string, number>>();
  for (const m of state.members) {
    const s = m[side];
    if (!s || s.parentId === null || s.id === rootId) continue;
    let names = byParent.get(s.parentId);
    if (!names) byParent.set(s.parentId, (names = new Map()));
    // Two records of one place (never written so): the first is found there, the other is never seen.
    const i = members.push(m) - 1;
    if (!names.has(s.name)) names.set(s.name, i);
  }
  const excluded = compileExcludes(state.set.excludes);
  const folders = state.set.options.includeSubfolders;
  let byId: Map<string, number> | undefined;
  return {
    count: members.length,
    find: (parentId, name) => byParent.get(parentId)?.get(name) ?? -1,
    node: (i): RecordedNode => members[i]![side]!,
    kind: (i): NodeKind => members[i]!.kind,
    member: (i) => members[i]!,
    numberOf(id) {
      byId ??= new Map(members.map((m, i) => [m[side]!.id, i]));
      return byId.get(id) ?? -1;
    },
    needsPath: excludesNeedPaths(state.set.excludes),
    ignored: (name, isFolder, relPath) => (isFolder && !folders) || excluded(relPath, name),
  };
}
