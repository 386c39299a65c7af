// What the state recorded on one side of a folder set, in the shape a connector that compares as it walks
// asks for (connectors/types.ts RecordedTree): entry lookup by (parent id, name), and the set's own rules of
// what to leave out. Built per pass from the members, without copying them. Members still kept as their rows
// (store/member-table.ts) are compared and indexed in the state file's bytes: no string per entry; what
// scoped passes changed since the load (member-overlay.ts) is taken into account.
import type { NodeKind, RecordedTree, Side } from '../connectors/types.js';
import type { MemberState, SetState, SideState } from '../store/schema.js';
import type { MemberTable } from '../store/member-table.js';
import { HashIndex, hashString } from '../store/row-bytes.js';
import { compileExcludes, excludesNeedPaths } from './excludes.js';
import { memberAt, rowsOf, type Rows } from './member-overlay.js';
import { statIdIs, statTokenIs } from '../store/stat-fields.js';

/** A RecordedTree of a set's members, with the member each entry records (decoded when asked). */
export interface MemberTree extends RecordedTree {
  member(i: number): MemberState;
  /** The entries recorded in folder `parentId`. */
  childrenOf(parentId: string): Iterable<number>;
}

/** The recorded tree of `side` below the folder set's root `rootId` (the root member itself left out). */
export function recordedTree(state: SetState, side: Side, rootId: string): MemberTree {
  const rows = rowsOf(state);
  const entries = rows ? tableEntries(rows, side, rootId) : memberEntries(state, side, rootId);
  const excluded = compileExcludes(state.set.excludes);
  const folders = state.set.options.includeSubfolders;
  return {
    ...entries,
    needsPath: excludesNeedPaths(state.set.excludes),
    ignored: (name, isFolder, relPath) => (isFolder && !folders) || excluded(relPath, name),
  };
}

type Entries = Omit<MemberTree, 'needsPath' | 'ignored'>;

/** The entries of `side` by (parent id, name), numbered in the order of the members. */
function memberEntries(state: SetState, side: Side, rootId: string): Entries {
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
  let byId: Map<string, number> | undefined;
  return {
    count: sides.length,
    find: (parentId, name) => byParent.get(parentId)?.get(name) ?? -1,
    node: (i) => sides[i]!,
    isAt: (i, parentId, name) => sides[i]!.parentId === parentId && sides[i]!.name === name,
    isSame: (i, id, token) => sides[i]!.id === id && (token === undefined || sides[i]!.token === token),
    isSameFile: (i, st) => statIdIs(sides[i]!.id, 0, st) && statTokenIs(sides[i]!.token, 0, st),
    kind: (i) => kinds[i]!,
    member: (i) => members[i]!,
    childrenOf: (parentId) => byParent.get(parentId)?.values() ?? [],
    numberOf(id) {
      byId ??= new Map(sides.map((s, i) => [s.id, i]));
      return byId.get(id) ?? -1;
    },
  };
}

function place(byParent: Map<string, Map<string, number>>, parentId: string, name: string, i: number): void {
  let names = byParent.get(parentId);
  if (!names) byParent.set(parentId, (names = new Map()));
  if (!names.has(name)) names.set(name, i);
}

/**
 * The same entries from members still kept as their rows: nothing decoded, no string made for an entry the
 * walk finds as recorded. A row decoded already is taken as it is now (and held, as walked); the others as
 * loaded (their bytes never change). The indexes are built on the first lookup that needs them.
 */
function tableEntries(state: Rows, side: Side, rootId: string): Entries {
  const { table, removed, added } = state;
  const rows = new Int32Array(table.length + added.size);
  let count = 0;
  const held = new Map<number, SideState>();
  const heldMembers = new Map<number, MemberState>();
  const heldByParent = new Map<string, Map<string, number>>();
  for (let r = 0; r < table.length; r++) {
    if (removed.size > 0 && removed.has(r)) continue;
    const m = table.decoded(r);
    if (m || !table.common(r)) {
      const s = m?.[side];
      if (!s || s.parentId === null || s.id === rootId) continue;
      held.set(count, s);
      place(heldByParent, s.parentId, s.name, count);
      rows[count++] = r;
      continue;
    }
    if (!table.hasSide(r, side) || table.loadedIdIs(r, side, rootId)) continue;
    rows[count++] = r;
  }
  // Members scoped passes added since the load: entries like decoded rows (no row of their own).
  for (const m of added) {
    const s = m[side];
    if (!s || s.parentId === null || s.id === rootId) continue;
    held.set(count, s);
    heldMembers.set(count, m);
    place(heldByParent, s.parentId, s.name, count);
    rows[count++] = -1;
  }
  // The last folder id asked about and its row: the walk asks about one folder's entries in a row.
  let lastDir = '';
  let lastDirRow = -1;
  const dirRow = (parentId: string, r: number): boolean => {
    const p = table.parentOf(r);
    if (parentId === lastDir) return p === lastDirRow;
    if (!table.loadedIdIs(p, side, parentId)) return false;
    lastDir = parentId;
    lastDirRow = p;
    return true;
  };
  let places: Places | undefined;
  let byId: HashIndex | undefined;
  return {
    count,
    find(parentId, name) {
      places ??= new Places(table, side, rows, count, held);
      const hit = places.find(parentId, name);
      const other = heldByParent.get(parentId)?.get(name) ?? -1;
      return hit < 0 || (other >= 0 && other < hit) ? other : hit;
    },
    node: (i) => held.get(i) ?? table.loaded(rows[i]!, side)!,
    isAt(i, parentId, name) {
      const s = held.size === 0 ? undefined : held.get(i);
      if (s) return s.parentId === parentId && s.name === name;
      return table.loadedNameIs(rows[i]!, name) && dirRow(parentId, rows[i]!);
    },
    isSame(i, id, token) {
      const s = held.get(i);
      if (s) return s.id === id && (token === undefined || s.token === token);
      const r = rows[i]!;
      return table.loadedIdIs(r, side, id) && (token === undefined || table.loadedTokenIs(r, side, token));
    },
    isSameFile(i, st) {
      const s = held.size === 0 ? undefined : held.get(i);
      if (s) return statIdIs(s.id, 0, st) && statTokenIs(s.token, 0, st);
      return table.loadedStatIs(rows[i]!, side, st);
    },
    kind:
      heldMembers.size === 0
        ? (i) => table.kind(rows[i]!)
        : (i) => heldMembers.get(i)?.kind ?? table.kind(rows[i]!),
    member: (i) => heldMembers.get(i) ?? memberAt(state, rows[i]!),
    *childrenOf(parentId) {
      places ??= new Places(table, side, rows, count, held);
      yield* places.children(parentId);
      yield* heldByParent.get(parentId)?.values() ?? [];
    },
    numberOf(id) {
      if (!byId) {
        byId = new HashIndex(count);
        for (let i = 0; i < count; i++) {
          const s = held.get(i);
          const h = s ? hashString(s.id, 0) : table.loadedIdHash(rows[i]!, side, 0);
          byId.put(h, i, (o) => sameId(o, s ? s.id : undefined, i), true);
        }
      }
      return byId.get(hashString(id, 0), (i) => idIs(i, id));
    },
  };

  function idIs(i: number, id: string): boolean {
    const s = held.get(i);
    return s ? s.id === id : table.loadedIdIs(rows[i]!, side, id);
  }
  /** Entries `o` and `i` (whose id is `id` when it is held) have one id. */
  function sameId(o: number, id: string | undefined, i: number): boolean {
    return idIs(o, id ?? table.loadedId(rows[i]!, side)!);
  }
}

/** Folders with more entries than this get a map of their names on the first lookup in them. */
const SCAN_MOST = 32;

/**
 * The entries kept as rows by (parent row, name), for the lookups the walk's hint does not answer (about one
 * per folder): each folder's entries in one run of an array (a counting sort by parent row), scanned by name
 * in place; a large folder gets a map of its names instead. Folders are found by their id on `side` as
 * loaded (the id their entries' parent id is). Two records of one place (never written so): the first is
 * found.
 */
class Places {
  readonly #start: Int32Array;
  readonly #entries: Int32Array;
  readonly #rowOfFolder = new Map<string, number>();
  readonly #large = new Map<number, Map<string, number>>();
  readonly table: MemberTable;
  readonly rows: Int32Array;

  constructor(table: MemberTable, side: Side, rows: Int32Array, count: number, held: Map<number, SideState>) {
    this.table = table;
    this.rows = rows;
    const start = new Int32Array(table.length + 1);
    for (let i = 0; i < count; i++) if (!held.has(i)) start[table.parentOf(rows[i]!) + 1]!++;
    for (let p = 0; p < table.length; p++) start[p + 1]! += start[p]!;
    const next = start.slice(0, table.length);
    const entries = new Int32Array(start[table.length]!);
    let lastParent = -1;
    for (let i = 0; i < count; i++) {
      if (held.has(i)) continue;
      const p = table.parentOf(rows[i]!);
      entries[next[p]!++] = i;
      if (p !== lastParent) {
        // one string per run of a folder's entries (they are mostly together)
        const id = table.loadedId(p, side)!;
        if (!this.#rowOfFolder.has(id)) this.#rowOfFolder.set(id, p);
        lastParent = p;
      }
    }
    this.#start = start;
    this.#entries = entries;
  }

  /** The entries kept as rows in folder `parentId`. */
  *children(parentId: string): Generator<number> {
    const p = this.#rowOfFolder.get(parentId);
    if (p === undefined) return;
    for (let k = this.#start[p]!; k < this.#start[p + 1]!; k++) yield this.#entries[k]!;
  }

  find(parentId: string, name: string): number {
    const p = this.#rowOfFolder.get(parentId);
    if (p === undefined) return -1;
    const from = this.#start[p]!;
    const to = this.#start[p + 1]!;
    if (to - from > SCAN_MOST) {
      let names = this.#large.get(p);
      if (!names) {
        names = new Map();
        for (let k = from; k < to; k++) {
          const i = this.#entries[k]!;
          const n = this.table.loadedName(this.rows[i]!);
          if (!names.has(n)) names.set(n, i);
        }
        this.#large.set(p, names);
      }
      return names.get(name) ?? -1;
    }
    for (let k = from; k < to; k++) {
      const i = this.#entries[k]!;
      if (this.table.loadedNameIs(this.rows[i]!, name)) return i;
    }
    return -1;
  }
}
