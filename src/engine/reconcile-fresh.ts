import { otherSide, type RemoteNode, type Side } from '../connectors/types.js';
import type { MemberState } from '../store/schema.js';
import type { SideChange } from './detect.js';
import { detachingNow } from './cross-set.js';
import { ReconcileBase, snapshotOf, type Arrival } from './reconcile-base.js';
import { hangsOff } from './paths.js';

/** The number of segments of a '/'-separated path ('' counts one, as ''.split('/') does). */
function segmentsOf(p: string): number {
  let n = 1;
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) n++;
  return n;
}

/**
 * Nodes no member accounts for: created, copied or moved in on one side. Equal nodes found on both sides
 * (or where a killed pass left its copy) pair up instead of clashing; the others become new members.
 */
export class FreshPairing extends ReconcileBase {
  /** Nodes no member accounts for: pair equal ones found on both sides, else make them new members. */
  protected async addFresh(): Promise<void> {
    const fresh = [
      ...this.input.changes.onprem.fresh.map((n) => ({ side: 'onprem' as Side, n })),
      ...this.input.changes.cloud.fresh.map((n) => ({ side: 'cloud' as Side, n })),
    ];
    const rel = (side: Side, id: string) => this.input.views[side].rel.get(id) ?? '';
    // Shallowest first (parents before children); each depth counted once, not in every comparison.
    const depth = new Map(fresh.map((f) => [f, segmentsOf(rel(f.side, f.n.id))]));
    fresh.sort((a, b) => depth.get(a)! - depth.get(b)!);
    // After this set's own: their folder is a member moving in, made here first.
    const handed = new Map<string, Arrival>();
    for (const a of this.input.arriving ?? []) {
      fresh.push({ side: a.side, n: a.node });
      handed.set(`${a.side}:${a.node.id}`, a);
    }
    const pending = new Map<string, { side: Side; n: RemoteNode; m: MemberState }>();
    for (const { side, n } of fresh) {
      if (this.keyById[side].has(n.id)) continue;
      if (this.input.outgoing?.has(`${side}:${n.id}`)) continue; // goes along with its folder to another set
      const parentKey = n.parentId === null ? undefined : this.keyById[side].get(n.parentId);
      if (!parentKey) continue; // outside anything this set tracks
      const parent = this.byKey.get(parentKey)!;
      if (parent.detached) continue;
      // Its folder is detached by this pass (its on-prem copy left every set): it stays with that copy.
      if (
        side === 'cloud' &&
        detachingNow(this.input, parent, (s) => !!this.input.outgoing?.has(s) || !!this.input.blocked?.has(s))
      )
        continue;
      if (n.invalidName) {
        // Not UTF-8: no other side can hold the name. Shown, kept, and its folder is never taken as empty.
        this.warnings.push(
          `${side}: ${rel(side, n.id) || n.name}: the name is not valid UTF-8; not synced (INVALID_NAME)`,
        );
        if (n.parentId) this.input.views[side].untracked.add(n.parentId);
        continue;
      }
      const handedIn = handed.get(`${side}:${n.id}`);
      const owner = handedIn ? undefined : this.input.owned?.get(`${side}:${n.id}`);
      if (owner !== undefined && owner !== this.state.set.id) {
        // SPEC: sets never overlap. The set that already has the node keeps it (and what is below it).
        this.warnings.push(
          `${side}: ${rel(side, n.id) || n.name} belongs to sync set ${owner}; not synced by this set`,
        );
        continue;
      }
      if (await this.adoptWaiting(side, n, parentKey)) continue;
      const arrival = this.input.incoming?.get(`${side}:${n.id}`);
      // Moved in from another set with its copy on the other side: that copy moves along. When that copy
      // was deleted meanwhile, the move wins and the node arrives as new (copied), in this same pass.
      const moved = arrival?.otherChange?.kind === 'gone' ? undefined : arrival?.member;
      const m = this.newMember(n.kind, parentKey);
      if (handedIn?.after) {
        // Renamed by the other set first; if that rename fails, this copy never happens.
        this.requires.set(m.key, handedIn.after.member);
        this.requiresIn.set(m.key, handedIn.after.setId);
      }
      this.current[side].set(m.key, n);
      this.keyById[side].set(n.id, m.key);
      if (arrival?.carried) {
        this.carryIn(m, side, n, arrival.member, arrival.carried);
        continue;
      }
      const parentPath = parent[side]?.path;
      // The listing's path for it is that same text in the common case: shared, not built a second time.
      const listed = rel(side, n.id);
      m[side] = snapshotOf(
        n,
        !parentPath || hangsOff(listed, parentPath, n.name) ? listed : `${parentPath}/${n.name}`,
      );
      // Its cloud copy deleted, the on-prem file moved in arrives as new, but it is the file the set it came
      // from locked: the lock comes along (released by this set's unsync), as with a move (model seed 4356:
      // the set it left forgot it, and the file stayed read-only for good).
      const was = arrival?.member;
      if (!moved && side === 'onprem' && was?.lockedByUs && was.onprem?.id === n.id) m.lockedByUs = true;
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
        this.arrived.set(m.key, side);
        this.synthetic.set(`${side}:${m.key}`, {
          kind: 'changed',
          node: n,
          content: n.kind === 'file' && n.token !== base?.token,
          moved: true,
          renamed: n.name !== base?.name,
          props: false,
        });
        // What the copy that stayed put did meanwhile (an edit) travels with it; its set saw it, not this one.
        const oc = arrival!.otherChange;
        if (oc && oc.kind === 'changed') {
          // Its move or rename within the set it left does not count here: the move into this set wins the
          // place (that copy follows it), or this set would move the node back out into the other set. A
          // copy that moved into this set too (cross-set.ts) keeps its move: two moves in one set.
          const here = oc.node.parentId !== null && this.keyById[other].has(oc.node.parentId);
          this.synthetic.set(`${other}:${m.key}`, here ? oc : { ...oc, moved: false, renamed: false });
          this.current[other].set(m.key, oc.node);
        } else if (oc?.kind === 'same' && oc.node) this.current[other].set(m.key, oc.node); // its lock state too
        this.newKeys.delete(m.key);
        continue;
      }
      // The metadata it was created with travels with its first copy (mkdir/copy pass m.props on create).
      if (n.props && Object.keys(n.props).length > 0) m.props = n.props;
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
   * A member its folder carried into this set (cross-set-carry.ts): its record comes along, its copy on the
   * other side is gone (or was never made), and this set's rules decide, as the set it left would have: a
   * change beats the delete, else the delete options. `change`: its copy here, as the set it left saw it.
   */
  /**
   * Members whose copy moved into a folder that joins this set in this pass (cross-set-follow.ts): a move
   * within this set, into that folder's member (made by addFresh).
   */
  protected followArriving(): void {
    for (const [slot, node] of this.input.following ?? []) {
      const side: Side = slot.startsWith('onprem:') ? 'onprem' : 'cloud';
      const m = this.state.members.find((x) => x[side]?.id === node.id && !x.detached);
      const base = m?.[side];
      if (!m || !base) continue;
      this.synthetic.set(`${side}:${m.key}`, {
        kind: 'changed',
        node,
        content: node.kind === 'file' && node.token !== base.token,
        moved: true,
        renamed: node.name !== base.name,
        props: false,
      });
      this.current[side].set(m.key, node);
      this.keyById[side].set(node.id, m.key);
    }
  }

  private carryIn(m: MemberState, side: Side, n: RemoteNode, from: MemberState, change: SideChange): void {
    const other = otherSide(side);
    const { key, parentKey } = m;
    Object.assign(m, structuredClone(from), { key, parentKey, direct: false });
    this.newKeys.delete(key);
    if (m[other]) this.synthetic.set(`${other}:${key}`, { kind: 'gone' });
    // Never made on the other side: marked as moved (an edit it had travels too), so a member waiting for
    // request-sync is recorded here (model seed 4591: edited while it waited, it was recorded nowhere: the set
    // it left forgot it and this one planned nothing for it, so its file sat in this set's folder unknown).
    this.synthetic.set(
      `${side}:${key}`,
      m[other]
        ? change
        : change.kind === 'changed'
          ? { ...change, moved: true }
          : { kind: 'changed', node: n, content: false, moved: true, renamed: false, props: false },
    );
  }

  /**
   * A node sitting exactly where a member waits to be created on `side` (same folder, name and kind) is what
   * a killed pass already made, or the same file put there by hand: equal content (or a folder) pairs up
   * instead of failing as a name clash. Different content stays a clash.
   */
  protected async adoptWaiting(side: Side, n: RemoteNode, parentKey: string): Promise<boolean> {
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
    // Its one copy is gone this pass (deleted, or moved out): nothing left to pair with (model seed 2290: its
    // bytes were read by its recorded id, and the pass stopped on an unexpected error).
    if (this.presence(m, other).state === 'gone') return false;
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

  protected waiting: Map<string, MemberState> | undefined;

  /** Members whose two sides were just found equal: no content to compare or send. */
  protected readonly pairedNow = new Set<string>();

  /** The same name appeared on both sides: equal content (or two folders) pairs up; otherwise both fail. */
  protected async pairTwins(
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
}
