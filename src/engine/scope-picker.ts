// The members a scoped pass takes part in (view-scoped.ts for `watch`'s events, view-delta.ts for a walk's
// delta), chosen from the set's index (member-index.ts) without visiting the others: the members named, the
// subtrees of folders that moved or vanished, and the ancestors of all of these up to the set's root.
import { SIDES, type Connector, type Listing, type Side } from '../connectors/types.js';
import { NodeError } from '../errors.js';
import type { MemberState } from '../store/schema.js';
import type { SideView } from './view.js';
import { recordedNode } from './view-incremental.js';

/** Where members are, as a picker asks (member-index.ts MemberIndex; view-delta.ts over the walks' trees). */
export interface PickIndex {
  /** The member whose copy on `side` is node `id`. */
  byId(side: Side, id: string): MemberState | undefined;
  /** The members recorded under folder `id` on `side`. */
  children(side: Side, id: string): Iterable<MemberState>;
  /** The member `m.parentKey` names. */
  parentOf(m: MemberState): MemberState | undefined;
}

/** Beyond this many members a scoped pass is no cheaper than a full one (a huge folder moved). */
export const MAX_PICKED = 20_000;

/** The members an event-scoped pass takes part in, chosen from the index. */
export class Picker {
  readonly #picked = new Set<MemberState>();
  readonly #listed: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };

  constructor(
    private readonly idx: PickIndex,
    private readonly root: MemberState,
  ) {
    this.#picked.add(root);
  }

  get size(): number {
    return this.#picked.size;
  }

  /** Take `m` part. */
  pick(m: MemberState): void {
    this.#picked.add(m);
  }

  /** Whether `m` takes part. */
  has(m: MemberState): boolean {
    return this.#picked.has(m);
  }

  /** Every member recorded directly in folder `m`, on both sides (a name may be taken there). */
  pickChildren(m: MemberState): void {
    for (const side of SIDES) {
      const s = m[side];
      if (s) for (const c of this.idx.children(side, s.id)) this.#picked.add(c);
    }
  }

  /** List each named folder the set records (once): its recorded and its listed children take part. */
  async listTouched(side: Side, connector: Connector, touched: Set<string>): Promise<void> {
    const queue = [...touched].filter((id) => !this.#listed[side].has(id));
    while (queue.length > 0) {
      const id = queue.pop()!;
      this.#listed[side].add(id);
      const folder = this.idx.byId(side, id);
      // A folder the set does not record is listed whole by the listing of the folder it appeared in.
      if (!folder || folder.kind !== 'folder' || folder.detached) continue;
      this.#picked.add(folder);
      let listing: Listing;
      try {
        listing = await connector.listTree(id, { recursive: false, known: recordedNode(folder, side) });
      } catch (err) {
        // Gone: the listing of the folder it was in tells (it is named by the same event).
        if (err instanceof NodeError && err.code === 'TARGET_NODE_NO_LONGER_EXISTS') {
          touched.delete(id);
          continue;
        }
        throw err;
      }
      const seen = new Set<string>();
      for (const n of listing.nodes) {
        if (n.parentId !== id) continue;
        seen.add(n.id);
        const m = this.idx.byId(side, n.id);
        if (!m) continue;
        this.#picked.add(m);
        const was = m[side]!;
        if (was.parentId !== id && was.parentId !== null && !touched.has(was.parentId)) {
          // Moved in from a folder no event named: that folder is stale too.
          touched.add(was.parentId);
          queue.push(was.parentId);
        }
        if (m.kind === 'folder' && (was.parentId !== id || was.name !== n.name)) this.pickSubtree(m);
      }
      for (const m of this.idx.children(side, id)) {
        this.#picked.add(m);
        // Gone from here (deleted, or moved to where a listing will find it): all below it takes part.
        if (m.kind === 'folder' && !seen.has(m[side]!.id)) this.pickSubtree(m);
      }
    }
  }

  /** Every recorded member below `top`, on both sides. */
  pickSubtree(top: MemberState): void {
    const stack = [top];
    while (stack.length > 0 && this.#picked.size <= MAX_PICKED) {
      const m = stack.pop()!;
      this.#picked.add(m);
      if (m.kind !== 'folder') continue;
      for (const side of SIDES) {
        const s = m[side];
        if (s) for (const c of this.idx.children(side, s.id)) if (!this.#picked.has(c)) stack.push(c);
      }
    }
  }

  /**
   * Add every picked member's ancestors, on both sides and by parent key, up to the root. False when one
   * hangs off a node the set does not record (a full read sorts that out).
   */
  closeUp(): boolean {
    const stack = [...this.#picked];
    while (stack.length > 0) {
      const m = stack.pop()!;
      if (m === this.root) continue;
      const ups: (MemberState | undefined)[] = [];
      const up = m.parentKey !== null ? this.idx.parentOf(m) : undefined;
      if (m.parentKey !== null) ups.push(up);
      else if (!m.direct) return false;
      for (const side of SIDES) {
        const s = m[side];
        // Mostly the parent by key: looked up by id only when it is not the folder the copy is in.
        if (s && s.parentId !== null && !m.direct)
          ups.push(up?.[side]?.id === s.parentId ? up : this.idx.byId(side, s.parentId));
      }
      for (const up of ups) {
        if (!up) return false;
        if (this.#picked.has(up)) continue;
        this.#picked.add(up);
        stack.push(up);
      }
    }
    return true;
  }

  /** Picked members in key order (the order a full pass meets them in). */
  sorted(): MemberState[] {
    // each key's number read once, not twice per comparison (4,000 members: ~100,000 slices otherwise)
    const picked = [...this.#picked];
    const num = picked.map((m) => Number(m.key.slice(1)));
    const order = picked.map((_, i) => i);
    order.sort((a, b) => num[a]! - num[b]! || (picked[a]!.key < picked[b]!.key ? -1 : 1));
    return order.map((i) => picked[i]!);
  }

  /**
   * Members of nodes the views show that were not picked (a known node found in a folder listed whole, or
   * moved in): picked now, with their subtree, and their recorded folder named. True when any was found.
   */
  pickStrays(views: Record<Side, SideView>, touched: Record<Side, Set<string>>): boolean {
    let found = false;
    for (const side of SIDES) {
      for (const id of views[side].nodes.keys()) {
        const m = this.idx.byId(side, id);
        if (!m || this.#picked.has(m)) continue;
        found = true;
        this.pickSubtree(m);
        for (const s of SIDES) {
          const parentId = m[s]?.parentId;
          if (parentId) touched[s].add(parentId);
        }
      }
    }
    return found;
  }
}
