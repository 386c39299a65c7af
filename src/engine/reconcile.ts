import { otherSide, type RemoteNode, type Side } from '../connectors/types.js';
import type { MemberState, SetState } from '../store/schema.js';
import type { SideChange, SideChanges } from './detect.js';
import type { Action, ParentRef, SetPlan } from './plan.js';
import { conflictName, decideWinner } from './conflict.js';
import type { SideView } from './view.js';

/** Everything reconcile needs; `hashOf` reads a node's current content hash (only asked on real doubt). */
export interface ReconcileInput {
  state: SetState;
  changes: Record<Side, SideChanges>;
  views: Record<Side, SideView>;
  /** Which sides hold synced metadata. */
  properties: Record<Side, boolean>;
  hashOf: (side: Side, id: string) => Promise<string>;
  now: Date;
  /** Members of other sets that moved into this set, by `${side}:${id}` of the node that moved in. */
  incoming?: Map<string, MemberState>;
  /** Node ids (`${side}:${id}`) that left this set for another set: not deleted, just forgotten here. */
  outgoing?: Set<string>;
}

/** The plan plus what reconcile saw of each member now, which apply records once an action succeeds. */
export interface ReconcileResult {
  plan: SetPlan;
  current: Record<Side, Map<string, RemoteNode>>;
}

type Presence =
  { state: 'absent' } | { state: 'gone' } | { state: 'present'; change: SideChange; node: RemoteNode | null };

/**
 * Both sides' changes + the set's options and conflict policy → a plan (plain data). Nothing is changed here.
 * Rules (SPEC §3, §4): pairing by identity; a change beats a delete; equal content is not a conflict; the
 * losing bytes of a conflict are kept; names already taken fail the member without touching the other node.
 */
export async function reconcile(input: ReconcileInput): Promise<ReconcileResult> {
  return new Reconciler(input).run();
}

class Reconciler {
  private readonly state: SetState;
  private readonly actions: Action[] = [];
  private readonly added: MemberState[] = [];
  private readonly warnings: string[] = [];
  private readonly byKey = new Map<string, MemberState>();
  private readonly keyById: Record<Side, Map<string, string>> = { onprem: new Map(), cloud: new Map() };
  private readonly childrenOf = new Map<string, MemberState[]>();
  private readonly current: Record<Side, Map<string, RemoteNode>> = { onprem: new Map(), cloud: new Map() };
  /** Members that will have a node on that side once the plan has run (for parents of new nodes). */
  private readonly willExist: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };
  /** Names taken per destination folder id during this plan (moves and creates). */
  private readonly claimedNames: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };
  private readonly leaving: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };
  private readonly newKeys = new Set<string>();
  /** Changes made up for members moving in from another set (their old state is the base). */
  private readonly synthetic = new Map<string, SideChange>();

  constructor(private readonly input: ReconcileInput) {
    this.state = input.state;
  }

  async run(): Promise<ReconcileResult> {
    const memberCount = this.state.members.filter((m) => !m.detached).length;
    for (const m of this.state.members) this.index(m);
    for (const side of ['onprem', 'cloud'] as const) {
      for (const [key, ch] of this.input.changes[side].byMember) {
        const node = ch.kind === 'gone' ? null : ch.node;
        if (node) {
          this.current[side].set(key, node);
          this.keyById[side].set(node.id, key);
        } else if (ch.kind === 'gone') {
          // A gone member's id must not shadow a new node that now carries it (an id reused by the system).
          const id = this.byKey.get(key)![side]?.id;
          if (id !== undefined && this.keyById[side].get(id) === key) this.keyById[side].delete(id);
        }
      }
    }
    await this.addFresh();
    for (const m of this.state.members.concat(this.added)) {
      const list = m.parentKey ? this.childrenOf.get(m.parentKey) : undefined;
      if (list) list.push(m);
    }
    this.markLeaving();
    const roots = this.state.members
      .concat(this.added)
      .filter((m) => !m.parentKey || !this.byKey.has(m.parentKey));
    for (const m of roots) await this.visit(m);
    while (this.pendingVisits.length > 0) await this.visit(this.pendingVisits.shift()!);
    for (const side of ['onprem', 'cloud'] as const) {
      for (const s of this.input.views[side].skipped)
        this.warnings.push(`${side}: skipped ${s.path} (${s.reason})`);
    }
    return {
      plan: {
        setId: this.state.set.id,
        actions: this.actions,
        added: this.added,
        warnings: this.warnings,
        memberCount,
      },
      current: this.current,
    };
  }

  private index(m: MemberState): void {
    this.byKey.set(m.key, m);
    this.childrenOf.set(m.key, []);
    for (const side of ['onprem', 'cloud'] as const) {
      const s = m[side];
      if (s) this.keyById[side].set(s.id, m.key);
    }
  }

  private newMember(kind: MemberState['kind'], parentKey: string | null): MemberState {
    const key = `m${this.state.nextKey++}`;
    const m: MemberState = {
      key,
      kind,
      direct: false,
      parentKey,
      onprem: null,
      cloud: null,
      status: 'PENDING',
      lastSyncAt: null,
    };
    this.added.push(m);
    this.newKeys.add(key);
    this.index(m);
    return m;
  }

  /** Nodes no member accounts for: pair equal ones found on both sides, else make them new members. */
  private async addFresh(): Promise<void> {
    const fresh = [
      ...this.input.changes.onprem.fresh.map((n) => ({ side: 'onprem' as Side, n })),
      ...this.input.changes.cloud.fresh.map((n) => ({ side: 'cloud' as Side, n })),
    ];
    const rel = (side: Side, id: string) => this.input.views[side].rel.get(id) ?? '';
    fresh.sort((a, b) => rel(a.side, a.n.id).split('/').length - rel(b.side, b.n.id).split('/').length);
    const pending = new Map<string, { side: Side; n: RemoteNode; m: MemberState }>();
    for (const { side, n } of fresh) {
      if (this.keyById[side].has(n.id)) continue;
      const parentKey = n.parentId === null ? undefined : this.keyById[side].get(n.parentId);
      if (!parentKey) continue; // outside anything this set tracks
      const parent = this.byKey.get(parentKey)!;
      if (parent.detached) continue;
      if (await this.adoptWaiting(side, n, parentKey)) continue;
      const moved = this.input.incoming?.get(`${side}:${n.id}`);
      const m = this.newMember(n.kind, parentKey);
      this.current[side].set(m.key, n);
      this.keyById[side].set(n.id, m.key);
      const parentPath = parent[side]?.path;
      m[side] = snapshotOf(n, parentPath ? `${parentPath}/${n.name}` : rel(side, n.id));
      if (moved) {
        // Moved in from another set: it keeps its copy on the other side, which is moved, not re-sent.
        const other = otherSide(side);
        const base = moved[side];
        m[side] = base;
        m[other] = moved[other];
        m.hash = moved.hash;
        m.props = moved.props;
        m.lockedByUs = moved.lockedByUs;
        if (m[other]) this.keyById[other].set(m[other]!.id, m.key);
        this.synthetic.set(`${side}:${m.key}`, {
          kind: 'changed',
          node: n,
          content: n.kind === 'file' && n.token !== base?.token,
          moved: true,
          renamed: n.name !== base?.name,
          props: false,
        });
        this.newKeys.delete(m.key);
        continue;
      }
      const slot = `${parentKey}\u0000${n.name}`;
      const twin = pending.get(slot);
      if (twin && twin.side !== side) {
        pending.delete(slot);
        await this.pairTwins(twin.m, twin.side, twin.n, m, side, n);
      } else {
        pending.set(slot, { side, n, m });
      }
    }
  }

  /**
   * A node sitting exactly where a member waits to be created on `side` (same folder, name and kind) is what
   * a killed pass already made, or the same file put there by hand: equal content (or a folder) pairs up
   * instead of failing as a name clash. Different content stays a clash.
   */
  private async adoptWaiting(side: Side, n: RemoteNode, parentKey: string): Promise<boolean> {
    const other = otherSide(side);
    if (!this.waiting) {
      // Indexed once for both sides: a pass can have fresh nodes on either.
      this.waiting = new Map();
      for (const m of this.state.members) {
        for (const s of ['onprem', 'cloud'] as const) {
          const o = otherSide(s);
          if (!m[s] && m[o] && !m.detached && m.parentKey) {
            const name = this.current[o].get(m.key)?.name ?? m[o]!.name;
            this.waiting.set(`${s}\u0000${m.parentKey}\u0000${name}\u0000${m.kind}`, m);
          }
        }
      }
    }
    const slot = `${side}\u0000${parentKey}\u0000${n.name}\u0000${n.kind}`;
    const m = this.waiting.get(slot);
    if (!m) return false;
    if (n.kind === 'file') {
      const mine = this.current[other].get(m.key) ?? null;
      if ((mine?.size ?? m[other]!.size) !== n.size) return false;
      const [a, b] = await Promise.all([
        this.input.hashOf(other, mine?.id ?? m[other]!.id),
        this.input.hashOf(side, n.id),
      ]);
      if (a !== b) return false;
      m.hash = a;
    }
    this.waiting.delete(slot);
    const parentPath = this.byKey.get(parentKey)?.[side]?.path;
    m[side] = snapshotOf(n, parentPath ? `${parentPath}/${n.name}` : n.name);
    this.current[side].set(m.key, n);
    this.keyById[side].set(n.id, m.key);
    this.pairedNow.add(m.key);
    return true;
  }

  private waiting: Map<string, MemberState> | undefined;
  /** Members whose two sides were just found equal: no content to compare or send. */
  private readonly pairedNow = new Set<string>();

  /** The same name appeared on both sides: equal content (or two folders) pairs up; otherwise both fail. */
  private async pairTwins(
    a: MemberState,
    aSide: Side,
    an: RemoteNode,
    b: MemberState,
    bSide: Side,
    bn: RemoteNode,
  ) {
    let equal = an.kind === 'folder' && bn.kind === 'folder';
    let hash: string | undefined;
    if (an.kind === 'file' && bn.kind === 'file' && an.size === bn.size) {
      const [ha, hb] = await Promise.all([this.input.hashOf(aSide, an.id), this.input.hashOf(bSide, bn.id)]);
      equal = ha === hb;
      hash = ha;
    }
    if (!equal) return; // each stays a one-sided new member; its create meets the name clash in visit()
    // Merge b into a: one member, both sides.
    a[bSide] = b[bSide];
    a.hash = hash;
    this.current[bSide].set(a.key, bn);
    this.keyById[bSide].set(bn.id, a.key);
    this.added.splice(this.added.indexOf(b), 1);
    this.byKey.delete(b.key);
    this.newKeys.delete(b.key);
    this.willExist.onprem.add(a.key);
    this.willExist.cloud.add(a.key);
    a.status = 'PENDING';
  }

  /** Nodes (by side) that leave their folder this pass: their names free up for others. */
  private markLeaving(): void {
    for (const side of ['onprem', 'cloud'] as const) {
      for (const [key, ch] of this.input.changes[side].byMember) {
        if (ch.kind === 'changed' && (ch.moved || ch.renamed)) {
          const m = this.byKey.get(key)!;
          const other = otherSide(side);
          if (m[other]) this.leaving[other].add(m[other]!.id);
        }
      }
    }
  }

  private presence(m: MemberState, side: Side): Presence {
    const base = m[side];
    if (!base) return { state: 'absent' };
    if (this.newKeys.has(m.key)) {
      const node = this.current[side].get(m.key) ?? null;
      return { state: 'present', change: { kind: 'same', node }, node };
    }
    if (this.input.outgoing?.has(`${side}:${base.id}`)) return { state: 'gone' };
    const ch = this.synthetic.get(`${side}:${m.key}`) ?? this.input.changes[side].byMember.get(m.key);
    if (!ch) return { state: 'present', change: { kind: 'same', node: null }, node: null };
    if (ch.kind === 'gone') return { state: 'gone' };
    return { state: 'present', change: ch, node: ch.node };
  }

  private async visit(m: MemberState): Promise<void> {
    if (m.detached) return;
    const on = this.presence(m, 'onprem');
    const cl = this.presence(m, 'cloud');
    const outgoing = (side: Side) => m[side] && this.input.outgoing?.has(`${side}:${m[side]!.id}`);
    if (outgoing('onprem') || outgoing('cloud')) {
      this.push({ type: 'forget', member: m.key, path: this.pathOf(m), reason: 'moved to another sync set' });
      return;
    }
    if (on.state !== 'present' && cl.state !== 'present') {
      this.forgetSubtree(m, 'deleted on both sides');
      return;
    }
    if (on.state === 'gone') return this.handleGone(m, 'onprem');
    if (cl.state === 'gone') return this.handleGone(m, 'cloud');
    if (on.state === 'present' && cl.state === 'absent') {
      if (m.errorCode === 'DELETED_ON_CLOUD' && !m.requested) return; // waits for request-sync, subtree too
      this.planCreate(m, 'onprem', 'cloud');
    } else if (on.state === 'absent' && cl.state === 'present') {
      this.planCreate(m, 'cloud', 'onprem');
    } else if (on.state === 'present' && cl.state === 'present') {
      await this.merge(m, on.change, cl.change);
    }
    for (const child of this.childrenOf.get(m.key) ?? []) await this.visit(child);
  }

  private forgetSubtree(m: MemberState, reason: string): void {
    this.push({ type: 'forget', member: m.key, path: this.pathOf(m), reason });
    for (const child of this.childrenOf.get(m.key) ?? []) {
      if (child.onprem || child.cloud) this.forgetSubtree(child, reason);
    }
  }

  /** Where a node created or moved on `to` must go: the paired parent, or the set's target for direct members. */
  private parentRefFor(m: MemberState, from: Side, to: Side, node: RemoteNode | null): ParentRef | null {
    if (m.direct) {
      if (to === 'cloud') return { id: this.state.set.target.id };
      const base = m.onprem;
      return base?.parentId ? { id: base.parentId } : null;
    }
    const parentKey = (node?.parentId && this.keyById[from].get(node.parentId)) || m.parentKey;
    if (!parentKey) return null;
    const parent = this.byKey.get(parentKey);
    if (!parent) return null;
    if (!parent[to] && !this.willExist[to].has(parentKey)) return null;
    return { member: parentKey };
  }

  /** Destination folder id of a parent ref, when already known (for name-clash checks). */
  private parentIdOf(ref: ParentRef, to: Side): string | undefined {
    if ('id' in ref) return ref.id;
    const p = this.byKey.get(ref.member);
    return this.willExist[to].has(ref.member) && !p?.[to] ? undefined : p?.[to]?.id;
  }

  /** Is `name` taken in folder `parentId` on `side` by a node other than `selfId` that stays there? */
  private nameTaken(side: Side, parentId: string | undefined, name: string, selfId?: string): boolean {
    if (!parentId) return false;
    const slot = `${parentId}\u0000${name}`;
    if (this.claimedNames[side].has(slot)) return true;
    const view = this.input.views[side];
    const kids = view.children.get(parentId);
    if (kids) {
      for (const id of kids) {
        if (id === selfId || this.leaving[side].has(id)) continue;
        if (view.nodes.get(id)?.name === name) return true;
      }
    }
    return false;
  }

  private claim(side: Side, parentId: string | undefined, name: string): void {
    if (parentId) this.claimedNames[side].add(`${parentId}\u0000${name}`);
  }

  private planCreate(m: MemberState, from: Side, to: Side): void {
    const node = this.current[from].get(m.key) ?? null;
    const name = node?.name ?? m[from]!.name;
    const parent = this.parentRefFor(m, from, to, node);
    const path = this.pathOf(m);
    if (!parent) {
      // The parent has no copy on `to` and none is coming (it failed, or waits for request-sync).
      return;
    }
    const parentId = this.parentIdOf(parent, to);
    if (this.nameTaken(to, parentId, name)) {
      this.push({
        type: 'fail',
        member: m.key,
        path,
        code: 'TARGET_FOLDER_NAME_CLASH',
        details: `"${name}" already exists in the ${to} folder`,
      });
      return;
    }
    this.claim(to, parentId, name);
    this.willExist[to].add(m.key);
    if (m.kind === 'folder') {
      this.push({ type: 'mkdir', member: m.key, to, parent, name, path });
    } else {
      this.push({
        type: 'copy',
        member: m.key,
        from,
        to,
        parent,
        name,
        size: node?.size ?? m[from]!.size,
        path,
      });
    }
    this.maybeLock(m, to === 'onprem');
  }

  private maybeLock(m: MemberState, createdOnPrem: boolean): void {
    if (!this.state.set.options.lockOnPrem || m.kind !== 'file' || m.lockedByUs) return;
    const node = this.current.onprem.get(m.key);
    if (!createdOnPrem && node?.locked) return;
    this.push({ type: 'lock', member: m.key, path: this.pathOf(m) });
  }

  /** `side` lost the member (deleted or moved out): apply the set's delete options to the whole subtree. */
  private handleGone(m: MemberState, side: Side): void {
    const other = otherSide(side);
    const deleteOther =
      side === 'onprem' ? this.state.set.options.deleteOnCloud : this.state.set.options.deleteOnPrem;
    const path = this.pathOf(m);
    if (!deleteOther) {
      if (side === 'onprem') {
        this.walkGone(m, side, (d) => this.push({ type: 'detach', member: d.key, path: this.pathOf(d) }));
      } else {
        this.walkGone(m, side, (d) =>
          this.push({
            type: 'fail',
            member: d.key,
            path: this.pathOf(d),
            code: 'DELETED_ON_CLOUD',
            details: 'Node deleted on cloud',
            clearSide: 'cloud',
          }),
        );
      }
      return;
    }
    if (this.mustKeep(m, side)) {
      // A change on the other side beats this delete: re-create the node where it was deleted.
      this.recreate(m, other, side);
      return;
    }
    if (!m[other]) {
      this.forgetSubtree(m, 'deleted');
      return;
    }
    const covers: string[] = [];
    const collect = (d: MemberState) => {
      for (const c of this.childrenOf.get(d.key) ?? []) {
        if (this.presence(c, side).state === 'present') continue; // moved away first; not deleted with it
        covers.push(c.key);
        collect(c);
      }
    };
    collect(m);
    this.push({ type: 'delete', member: m.key, to: other, path, covers });
    for (const c of this.descendants(m)) {
      if (!covers.includes(c.key)) this.visitSync(c);
    }
  }

  private descendants(m: MemberState): MemberState[] {
    const out: MemberState[] = [];
    for (const c of this.childrenOf.get(m.key) ?? []) out.push(c, ...this.descendants(c));
    return out;
  }

  /** Visit a member that moved out of a deleted folder: it is handled like any other member. */
  private pendingVisits: MemberState[] = [];
  private visitSync(m: MemberState): void {
    this.pendingVisits.push(m);
  }

  /** For every member below `m` (and `m`) gone on `side`, call `fn`; members still present are visited apart. */
  private walkGone(m: MemberState, side: Side, fn: (d: MemberState) => void): void {
    fn(m);
    for (const c of this.childrenOf.get(m.key) ?? []) {
      if (this.presence(c, side).state === 'present') this.visitSync(c);
      else if (c[side] || c[otherSide(side)]) this.walkGone(c, side, fn);
    }
  }

  /** Must the member survive a delete on `side`? Yes when its other copy, or anything below it, changed or is new. */
  private mustKeep(m: MemberState, side: Side): boolean {
    const other = otherSide(side);
    const o = this.presence(m, other);
    if (o.state !== 'present') return false;
    if (this.newKeys.has(m.key)) return true;
    if (o.change.kind === 'changed') return true;
    return (this.childrenOf.get(m.key) ?? []).some(
      (c) => this.presence(c, side).state !== 'present' && this.mustKeep(c, side),
    );
  }

  private recreate(m: MemberState, from: Side, to: Side): void {
    const node = this.current[from].get(m.key) ?? null;
    const parent = this.parentRefFor(m, from, to, node);
    const path = this.pathOf(m);
    if (!parent) {
      this.push({
        type: 'fail',
        member: m.key,
        path,
        code: 'TARGET_FOLDER_NOT_FOUND',
        details: `no ${to} folder to re-create it in`,
      });
      return;
    }
    this.willExist[to].add(m.key);
    const name = node?.name ?? m[from]!.name;
    this.claim(to, this.parentIdOf(parent, to), name);
    if (m.kind === 'folder') this.push({ type: 'mkdir', member: m.key, to, parent, name, path });
    else this.push({ type: 'copy', member: m.key, from, to, parent, name, size: node?.size ?? 0, path });
    this.warnings.push(
      `${path}: deleted on ${to} but changed on ${from}; the change wins and it is re-created`,
    );
    for (const c of this.childrenOf.get(m.key) ?? []) {
      if (this.presence(c, to).state === 'present') {
        this.visitSync(c);
        continue;
      }
      if (this.mustKeep(c, to)) this.recreate(c, from, to);
      else if (c[from])
        this.push({
          type: 'delete',
          member: c.key,
          to: from,
          path: this.pathOf(c),
          covers: this.descendants(c).map((d) => d.key),
        });
      else this.forgetSubtree(c, 'deleted');
    }
  }

  /** Both copies exist: combine content, location and metadata changes. */
  private async merge(m: MemberState, oc: SideChange, cc: SideChange): Promise<void> {
    const path = this.pathOf(m);
    const onNode = oc.kind === 'changed' ? oc.node : this.current.onprem.get(m.key);
    const clNode = cc.kind === 'changed' ? cc.node : this.current.cloud.get(m.key);
    const requested = m.requested === true;
    const paired = this.pairedNow.has(m.key);
    const onContent = !paired && ((oc.kind === 'changed' && oc.content) || (requested && m.kind === 'file'));
    const clContent = !paired && cc.kind === 'changed' && cc.content;
    let acted = false;
    if (onContent && clContent && !requested) {
      const [ho, hc] = await Promise.all([
        this.input.hashOf('onprem', onNode!.id),
        this.input.hashOf('cloud', clNode!.id),
      ]);
      if (ho !== hc) {
        const winner = decideWinner(this.state.set.options.conflict, onNode!, clNode!);
        const loser = otherSide(winner);
        const size = (winner === 'onprem' ? onNode : clNode)!.size;
        if (this.state.set.options.conflict === 'keep-both') {
          const loserNode = (loser === 'onprem' ? onNode : clNode)!;
          this.push({
            type: 'rename-loser',
            member: m.key,
            on: loser,
            name: conflictName(loserNode.name, loser, this.input.now),
            path,
          });
          this.push({
            type: 'copy',
            member: m.key,
            from: winner,
            to: loser,
            parent: this.sameParent(m, loser),
            name: loserNode.name,
            size,
            path,
          });
        } else {
          this.push({
            type: 'update',
            member: m.key,
            from: winner,
            to: loser,
            size,
            path,
            conflict: { policy: this.state.set.options.conflict, loser },
          });
        }
        acted = true;
      } else {
        m.hash = ho;
      }
    } else if (onContent) {
      this.push({
        type: 'update',
        member: m.key,
        from: 'onprem',
        to: 'cloud',
        size: onNode?.size ?? 0,
        path,
      });
      acted = true;
    } else if (clContent) {
      this.push({
        type: 'update',
        member: m.key,
        from: 'cloud',
        to: 'onprem',
        size: clNode?.size ?? 0,
        path,
      });
      acted = true;
    }
    acted = this.mergeLocation(m, oc, cc, requested) || acted;
    acted = this.mergeProps(m, oc, cc, onNode ?? null, clNode ?? null) || acted;
    if (m.kind === 'file' && this.state.set.options.lockOnPrem && !m.lockedByUs && onNode && !onNode.locked) {
      this.maybeLock(m, false);
      acted = true;
    }
    if (!acted && (m.status !== 'SYNCED' || oc.kind === 'changed' || cc.kind === 'changed' || requested)) {
      // Both sides already agree (or a failure went away): record it.
      this.push({ type: 'adopt', member: m.key, path });
    }
  }

  private sameParent(m: MemberState, side: Side): ParentRef {
    return { id: m[side]!.parentId ?? this.state.set.target.id };
  }

  private mergeLocation(m: MemberState, oc: SideChange, cc: SideChange, requested: boolean): boolean {
    const onMoved = oc.kind === 'changed' && (oc.moved || oc.renamed);
    const clMoved = cc.kind === 'changed' && (cc.moved || cc.renamed);
    if (!onMoved && !clMoved && !requested) return false;
    const loc = (side: Side, ch: SideChange) => {
      const node = ch.kind === 'changed' ? ch.node : this.current[side].get(m.key);
      const pid = node?.parentId ?? m[side]?.parentId ?? null;
      // A parent this set does not know (a member moving in from another set) must never look unchanged.
      const parentKey = m.direct ? null : pid ? (this.keyById[side].get(pid) ?? `?${pid}`) : m.parentKey;
      return { parentKey, name: node?.name ?? m[side]!.name, node };
    };
    const on = loc('onprem', oc);
    const cl = loc('cloud', cc);
    if (on.parentKey === cl.parentKey && on.name === cl.name) return false;
    let winner: Side;
    if (onMoved && clMoved) winner = this.state.set.options.conflict === 'onprem-wins' ? 'onprem' : 'cloud';
    else winner = onMoved || (requested && !clMoved) ? 'onprem' : 'cloud';
    const to = otherSide(winner);
    const w = winner === 'onprem' ? on : cl;
    const path = this.pathOf(m);
    const parent: ParentRef =
      w.parentKey && !w.parentKey.startsWith('?')
        ? { member: w.parentKey }
        : { id: m[to]!.parentId ?? this.state.set.target.id };
    const parentId = this.parentIdOf(parent, to);
    if (this.nameTaken(to, parentId, w.name, m[to]!.id)) {
      this.push({
        type: 'fail',
        member: m.key,
        path,
        code: 'TARGET_FOLDER_NAME_CLASH',
        details: `"${w.name}" already exists in the ${to} folder`,
      });
      return true;
    }
    this.claim(to, parentId, w.name);
    // Both paths on the side being changed: where the node is, and where it goes.
    const fromPath = m[to]!.path;
    const dir =
      'member' in parent
        ? this.byKey.get(parent.member)?.[to]?.path
        : fromPath.split('/').slice(0, -1).join('/');
    const toPath = dir ? `${dir}/${w.name}` : w.name;
    this.push({ type: 'move', member: m.key, to, parent, name: w.name, path: toPath, fromPath });
    return true;
  }

  private mergeProps(
    m: MemberState,
    oc: SideChange,
    cc: SideChange,
    onNode: RemoteNode | null,
    clNode: RemoteNode | null,
  ): boolean {
    const onP = oc.kind === 'changed' && oc.props;
    const clP = cc.kind === 'changed' && cc.props;
    if (!onP && !clP) return false;
    // Cloud wins a metadata conflict unless the policy says otherwise.
    const from: Side =
      onP && clP
        ? this.state.set.options.conflict === 'onprem-wins'
          ? 'onprem'
          : 'cloud'
        : onP
          ? 'onprem'
          : 'cloud';
    const to = otherSide(from);
    const props = (from === 'onprem' ? onNode : clNode)?.props ?? {};
    if (!this.input.properties[to]) return false; // the other side cannot hold them; kept in state only
    this.push({ type: 'props', member: m.key, to, props, path: this.pathOf(m) });
    return true;
  }

  private pathOf(m: MemberState): string {
    const s = m.onprem ?? m.cloud;
    if (s?.path) return s.path;
    const rel = m.onprem
      ? this.input.views.onprem.rel.get(m.onprem.id)
      : m.cloud
        ? this.input.views.cloud.rel.get(m.cloud.id)
        : undefined;
    return rel ?? s?.name ?? m.key;
  }

  private push(a: DistributiveOmit<Action, 'setId'>): void {
    this.actions.push({ ...a, setId: this.state.set.id } as Action);
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** The state snapshot of a node as seen now. */
export function snapshotOf(n: RemoteNode, path: string) {
  return {
    id: n.id,
    parentId: n.parentId,
    name: n.name,
    token: n.token,
    size: n.size,
    mtimeMs: n.mtimeMs,
    ...(n.props ? { props: n.props } : {}),
    path,
  };
}
