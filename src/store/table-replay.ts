// A journal replayed onto a snapshot whose members are still rows (member-table.ts): each member record
// becomes part of an overlay over the rows (issue 11) instead of every row being decoded into an object to
// replay it. A put of a key that is a row replaces that row's member (same place in the member order); a put
// of any other key adds a member (after the rows, in the order first put); a del removes the row or the added
// member. The members then read exactly as a replay onto the decoded members gives them (a map by key, in
// insertion order), and a load after a pass that changed a few members decodes just those.
import type { MemberTable } from './member-table.js';
import type { MemberState, SideState } from './schema.js';

const SIDES = ['onprem', 'cloud'] as const;

export class TableReplay {
  readonly #table: MemberTable;
  /** Members not among the rows, by key, in the order a map of the replayed members would hold them. */
  readonly #added = new Map<string, MemberState>();
  /** Rows a record replaced. */
  readonly #replaced = new Set<number>();
  /** Folder rows a record removed. */
  readonly #removedFolders = new Set<number>();

  /** Keys `m<n>` with n from here on were made after the snapshot (keys are never reused): no row has one. */
  readonly #nextKey: number;
  /** The rows by parent row (a counting sort), made at the first put of a key the folder index lacks. */
  #children: { start: Int32Array; rows: Int32Array } | undefined;

  constructor(table: MemberTable, nextKey: number) {
    this.#table = table;
    this.#nextKey = nextKey;
    for (const m of table.added) this.#added.set(m.key, m);
  }

  /** The member with `key` as replayed so far. */
  get(key: string): MemberState | undefined {
    const held = this.#added.get(key);
    if (held) return held;
    const r = this.#live(key);
    return r === undefined ? undefined : this.#table.member(r);
  }

  put(m: MemberState): void {
    if (this.#added.has(m.key) || this.#madeSince(m.key)) {
      this.#added.set(m.key, m);
      return;
    }
    const r = this.#live(m.key, m.parentKey);
    if (r === undefined) this.#added.set(m.key, m);
    else {
      this.#table.replace(r, m);
      this.#replaced.add(r);
    }
  }

  del(key: string): void {
    if (this.#added.delete(key)) return;
    const r = this.#live(key);
    if (r === undefined) return;
    if (this.#table.kind(r) === 'folder') this.#removedFolders.add(r);
    this.#table.removed.add(r);
  }

  /**
   * The overlay in place, and what the table tells the engine about paths kept true: a replaced member that
   * became direct or lost its parent is a loose row; a path that does not hang off its parent's (a pass
   * killed between a move and its path refresh), or rows left below a folder that moved or went, make
   * `pathsDerived` false, so the next pass checks every path as it would after a full replay.
   */
  finish(): void {
    const t = this.#table;
    t.added = new Set(this.#added.values());
    const moved = new Set(this.#removedFolders);
    for (const r of this.#replaced) {
      if (t.removed.has(r)) continue;
      const m = t.member(r);
      const parent = m.parentKey === null ? undefined : this.get(m.parentKey);
      if (m.direct || !parent) t.addLoose(r);
      else if (!hangsOff(m, parent)) t.markExplicitPath();
      const was = t.base(r);
      if (was && SIDES.some((s) => was[s]?.path !== m[s]?.path)) moved.add(r);
    }
    for (const m of t.added) {
      if (m.direct || m.parentKey === null) continue;
      const parent = this.get(m.parentKey);
      if (!parent || !hangsOff(m, parent)) t.markExplicitPath();
    }
    if (moved.size === 0 || !t.pathsDerived) return;
    // rows not replaced below a folder that moved or went: their recorded paths are the snapshot's
    for (let r = 0; r < t.length; r++) {
      if (moved.has(t.parentOf(r)) && !t.removed.has(r) && !this.#replaced.has(r)) {
        t.markExplicitPath();
        return;
      }
    }
  }

  /**
   * The row of `key` when it is a member, looked for first among the rows below `parentKey` (where a record
   * of a member that stayed in its folder finds it: no index over every key is built for a few records).
   */
  #live(key: string, parentKey: string | null = null): number | undefined {
    const t = this.#table;
    let r = parentKey === null ? undefined : this.#below(parentKey, key);
    r ??= t.rowOf(key);
    return r === undefined || t.removed.has(r) ? undefined : r;
  }

  #below(parentKey: string, key: string): number | undefined {
    const t = this.#table;
    const p = t.rowOf(parentKey); // folders are in the table's index from the load on
    if (p === undefined) return undefined;
    if (!this.#children) {
      const start = new Int32Array(t.length + 1);
      for (let r = 0; r < t.length; r++) start[t.parentOf(r) + 1]!++;
      for (let q = 0; q < t.length; q++) start[q + 1]! += start[q]!;
      const next = start.slice(0, t.length);
      const rows = new Int32Array(t.length);
      for (let r = 0; r < t.length; r++) if (t.parentOf(r) >= 0) rows[next[t.parentOf(r)]!++] = r;
      this.#children = { start, rows };
    }
    const { start, rows } = this.#children;
    // the last row with the key, as rowOf gives it
    for (let k = start[p + 1]! - 1; k >= start[p]!; k--) if (t.keyIs(rows[k]!, key)) return rows[k]!;
    return undefined;
  }

  #madeSince(key: string): boolean {
    if (key.length < 2 || key.length > 16 || key.charCodeAt(0) !== 109) return false; // 'm'
    let n = 0;
    for (let i = 1; i < key.length; i++) {
      const c = key.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return false;
      n = n * 10 + c;
    }
    return n >= this.#nextKey;
  }
}

function hangsOff(m: MemberState, parent: MemberState): boolean {
  return SIDES.every((side) => {
    const s: SideState | null = m[side];
    const up = parent[side];
    return !s || !up || s.path === (up.path ? `${up.path}/${s.name}` : s.name);
  });
}
