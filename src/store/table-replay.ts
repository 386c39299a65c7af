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

  constructor(table: MemberTable) {
    this.#table = table;
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
    if (this.#added.has(m.key)) {
      this.#added.set(m.key, m);
      return;
    }
    const r = this.#live(m.key);
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

  #live(key: string): number | undefined {
    const r = this.#table.rowOf(key);
    return r === undefined || this.#table.removed.has(r) ? undefined : r;
  }
}

function hangsOff(m: MemberState, parent: MemberState): boolean {
  return SIDES.every((side) => {
    const s: SideState | null = m[side];
    const up = parent[side];
    return !s || !up || s.path === (up.path ? `${up.path}/${s.name}` : s.name);
  });
}
