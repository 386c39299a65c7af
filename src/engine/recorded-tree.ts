// What the state recorded on one side of a folder set, in the shape a connector that compares as it walks
// asks for (connectors/types.ts RecordedTree): entry lookup by (parent id, name), and the set's own rules of
// what to leave out. Built per pass from the members, without copying them. The state keeps a folder's
// members together (they were recorded as a walk found them), so the lookup index is one number per folder,
// the start of its run of entries; a folder whose entries are scattered is looked up in a full index, built
// only if one is (issue 11: the nested map of every entry cost ~0.2 s a pass at 100,000 entries).
import type { NodeKind, RecordedNode, RecordedTree, Side } from '../connectors/types.js';
import type { SetState, SideState } from '../store/schema.js';
import { compileExcludes, excludesNeedPaths } from './excludes.js';

/** A RecordedTree of a set's members. */
export type MemberTree = RecordedTree;

/** Marks a folder in `runs` whose entries are not all in one run. */
const SCATTERED = -1;
/** A run longer than this is looked up through a map of its names (a scan would cost its length per lookup). */
const SCAN_MAX = 32;

/** The recorded tree of `side` below the folder set's root `rootId` (the root member itself left out). */
export function recordedTree(state: SetState, side: Side, rootId: string): MemberTree {
  // As walked: the pass may change a member (or drop its side) before a lookup asks for an entry by id.
  const sides: SideState[] = [];
  const kinds: NodeKind[] = [];
  /** Folder id → index in `sides` of its first entry, or SCATTERED. */
  const runs = new Map<string, number>();
  /** Folders whose run is longer than SCAN_MAX, and once looked up, the map of their names. */
  const long = new Map<string, Map<string, number> | null>();
  let previous: string | null = null;
  let runStart = 0;
  for (const m of state.members) {
    const s = m[side];
    if (!s || s.parentId === null || s.id === rootId) continue;
    const i = sides.push(s) - 1;
    kinds.push(m.kind);
    if (s.parentId !== previous) {
      previous = s.parentId;
      runs.set(previous, runs.has(previous) ? SCATTERED : i);
      runStart = i;
    } else if (i - runStart === SCAN_MAX) long.set(previous, null);
  }
  /** The full index, for folders whose entries are scattered: the first record of a place wins. */
  let byParent: Map<string, Map<string, number>> | undefined;
  const fullIndex = (): Map<string, Map<string, number>> => {
    const map = new Map<string, Map<string, number>>();
    for (let i = 0; i < sides.length; i++) {
      const s = sides[i]!;
      let names = map.get(s.parentId!);
      if (!names) map.set(s.parentId!, (names = new Map()));
      if (!names.has(s.name)) names.set(s.name, i);
    }
    return map;
  };
  const excluded = compileExcludes(state.set.excludes);
  const folders = state.set.options.includeSubfolders;
  let byId: Map<string, number> | undefined;
  return {
    count: sides.length,
    find(parentId, name) {
      const start = runs.get(parentId);
      if (start === undefined) return -1;
      if (start === SCATTERED) return (byParent ??= fullIndex()).get(parentId)?.get(name) ?? -1;
      const inRun = (i: number): boolean => i < sides.length && sides[i]!.parentId === parentId;
      let names = long.get(parentId);
      if (names === null) {
        long.set(parentId, (names = new Map()));
        for (let i = start; inRun(i); i++) if (!names.has(sides[i]!.name)) names.set(sides[i]!.name, i);
      }
      if (names !== undefined) return names.get(name) ?? -1;
      // Two records of one place (never written so): the first is found there, the other is never seen.
      for (let i = start; inRun(i); i++) if (sides[i]!.name === name) return i;
      return -1;
    },
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
