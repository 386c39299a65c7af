import type { RemoteNode, Side } from '../connectors/types.js';
import type { MemberState, SetState } from '../store/schema.js';
import type { SideChange, SideChanges } from './detect.js';
import type { Action, ActionStep, ParentRef, SetPlan } from './plan.js';
import { sideOfAction } from './action-paths.js';
import type { SideView } from './view.js';
import type { CrossSetRules, IncomingMember } from './cross-set.js';

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
  incoming?: Map<string, IncomingMember>;
  /** Node ids (`${side}:${id}`) that left this set for another set: not deleted, just forgotten here. */
  outgoing?: Set<string>;
  /** This set's members whose move to another set cannot be applied: kept here (FAILED, or held quietly). */
  blocked?: CrossSetRules['blocked'] extends Map<string, infer V> ? V : never;
  /** `${side}:${id}` → the set that owns that node; a node another set owns never becomes a member here. */
  owned?: Map<string, string>;
  /** A node by id wherever it is now on `side` (null: deleted); asked only for copies moved out of the set. */
  locate?: (side: Side, id: string) => Promise<RemoteNode | null>;
  /**
   * Nodes this set has not listed, to take in as new (parents first): nodes new below a member moving in,
   * listed only by the set it left; a documents set's keep-both loser renamed inside this set's folder
   * (`after`: its rename, in that set, which runs first).
   */
  arriving?: Arrival[];
  /** This set's members whose copy moved into a folder that joins this set now: `${side}:${id}` → where. */
  following?: Map<string, RemoteNode>;
}

/** A node handed to a set by another set of the same pass. */
export interface Arrival {
  side: Side;
  node: RemoteNode;
  after?: { setId: string; member: string };
}

/** The plan plus what reconcile saw of each member now, which apply records once an action succeeds. */
export interface ReconcileResult {
  plan: SetPlan;
  current: Record<Side, Map<string, RemoteNode>>;
  /** A documents set's keep-both losers, renamed where they are (possibly inside another set's folder). */
  spilled?: Arrival[];
}

export type Presence =
  { state: 'absent' } | { state: 'gone' } | { state: 'present'; change: SideChange; node: RemoteNode | null };

/**
 * What every part of reconcile shares: the member indexes, the nodes seen now, the names claimed in this
 * plan, and the small helpers (parents, name clashes, paths). The rules live in the subclasses: fresh nodes
 * (reconcile-fresh.ts), deletions (reconcile-gone.ts), and the per-member merge (reconcile.ts).
 */
export class ReconcileBase {
  protected readonly state: SetState;
  protected readonly actions: Action[] = [];
  protected readonly added: MemberState[] = [];
  protected readonly warnings: string[] = [];
  protected readonly byKey = new Map<string, MemberState>();
  protected readonly keyById: Record<Side, Map<string, string>> = { onprem: new Map(), cloud: new Map() };
  protected readonly childrenOf = new Map<string, MemberState[]>();
  protected readonly current: Record<Side, Map<string, RemoteNode>> = { onprem: new Map(), cloud: new Map() };
  /** Members that will have a node on that side once the plan has run (for parents of new nodes). */
  protected readonly willExist: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };
  /** Members whose copy on a side is gone and cannot be re-created this pass (their record there is stale). */
  protected readonly wontExist: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };
  /** Names taken per destination folder id during this plan (moves and creates). */
  protected readonly claimedNames: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };
  protected readonly leaving: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };
  protected readonly newKeys = new Set<string>();
  /** Member key → the member whose actions must succeed first (a keep-both loser waits for its rename). */
  protected readonly requires = new Map<string, string>();
  /** Member key → the other set whose member `requires` names. */
  protected readonly requiresIn = new Map<string, string>();
  /** Changes made up for members moving in from another set (their old state is the base). */
  protected readonly synthetic = new Map<string, SideChange>();
  /** Members moved in from another set this pass, by key: the side whose node moved in. */
  protected readonly arrived = new Map<string, Side>();

  constructor(protected readonly input: ReconcileInput) {
    this.state = input.state;
  }

  protected index(m: MemberState): void {
    this.byKey.set(m.key, m);
    for (const side of ['onprem', 'cloud'] as const) {
      const s = m[side];
      // A detached member is its cloud copy only: the on-prem node it came from left the set (deleted or
      // moved out) and is a new node should it come back.
      if (s && !(m.detached && side === 'onprem')) this.keyById[side].set(s.id, m.key);
    }
  }

  protected newMember(kind: MemberState['kind'], parentKey: string | null): MemberState {
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

  protected presence(m: MemberState, side: Side): Presence {
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

  /**
   * Does `m` leave this set for another one in this pass? Then `visit` forgets it here, wherever its old folder
   * went: a folder deleted or failing on one side never deletes or fails what moved out of it into another
   * set (model seed 1390: that set moves the node, and a delete here by id would take it there).
   */
  protected leavesSet(m: MemberState): boolean {
    const out = this.input.outgoing;
    if (!out?.size) return false;
    return (
      (m.onprem !== null && out.has(`onprem:${m.onprem.id}`)) ||
      (m.cloud !== null && out.has(`cloud:${m.cloud.id}`))
    );
  }

  /** Forget `m` and what below it exists on neither side; what is still somewhere is visited where it is. */
  protected forgetSubtree(m: MemberState, reason: string): void {
    this.push({ type: 'forget', member: m.key, path: this.pathOf(m), reason });
    for (const child of this.childrenOf.get(m.key) ?? []) {
      if (
        this.leavesSet(child) ||
        this.presence(child, 'onprem').state === 'present' ||
        this.presence(child, 'cloud').state === 'present'
      )
        this.visitSync(child);
      else if (child.onprem || child.cloud) this.forgetSubtree(child, reason);
    }
  }

  /** Where a node created or moved on `to` must go: the paired parent, or the set's target for direct members. */
  protected parentRefFor(m: MemberState, from: Side, to: Side, node: RemoteNode | null): ParentRef | null {
    if (m.direct) {
      if (to === 'cloud') {
        const target = this.state.set.target.id;
        return this.input.views.cloud.foldersGone?.has(target) ? null : { id: target };
      }
      const base = m.onprem;
      // Its folder went with it (deleted or moved away): nowhere to put it back; it fails, kept on `from`.
      if (base?.parentId && this.input.views.onprem.foldersGone?.has(base.parentId)) return null;
      return base?.parentId ? { id: base.parentId } : null;
    }
    const parentKey = (node?.parentId && this.keyById[from].get(node.parentId)) || m.parentKey;
    if (!parentKey) return null;
    const parent = this.byKey.get(parentKey);
    if (!parent) return null;
    if ((!parent[to] || this.wontExist[to].has(parentKey)) && !this.willExist[to].has(parentKey)) return null;
    return { member: parentKey };
  }

  /**
   * A member folder whose copy on `to` is gone and stays gone this pass: deleted there earlier and kept on the
   * other side (DELETED_ON_CLOUD, detached), or gone there now with the set's delete option off (nothing puts
   * it back). Asked in any visiting order: a gone folder visited later counts as gone already. A folder new
   * this pass, or asked for with `request-sync`, is coming.
   */
  protected goneThere(key: string, to: Side): boolean {
    if (this.willExist[to].has(key)) return false;
    if (this.wontExist[to].has(key)) return true;
    const folder = this.byKey.get(key);
    if (!folder || folder.requested || this.added.includes(folder)) return false;
    if (!folder[to])
      return folder.detached === true || (to === 'cloud' && folder.errorCode === 'DELETED_ON_CLOUD');
    const o = this.state.set.options;
    const putBack = to === 'cloud' ? o.deleteOnPrem : o.deleteOnCloud;
    return !putBack && this.presence(folder, to).state === 'gone';
  }

  /** Destination folder id of a parent ref, when already known (for name-clash checks). */
  protected parentIdOf(ref: ParentRef, to: Side): string | undefined {
    if ('id' in ref) return ref.id;
    const p = this.byKey.get(ref.member);
    return this.willExist[to].has(ref.member) && !p?.[to] ? undefined : p?.[to]?.id;
  }

  /**
   * Is `name` taken in folder `parentId` on `side` by a node other than `selfId` that stays there? With
   * `evenLeaving`, a node this pass deletes or moves away holds its name too (a name picked fresh, such as a
   * keep-both loser's, must not wait for that node to go).
   */
  protected nameTaken(
    side: Side,
    parentId: string | undefined,
    name: string,
    selfId?: string,
    evenLeaving = false,
  ): boolean {
    if (!parentId) return false;
    const slot = `${parentId}\u0000${name}`;
    if (this.claimedNames[side].has(slot)) return true;
    const view = this.input.views[side];
    const stays = (id: string) => id !== selfId && (evenLeaving || !this.leaving[side].has(id));
    const kids = view.children.get(parentId);
    if (kids) {
      for (const id of kids) if (stays(id) && view.nodes.get(id)?.name === name) return true;
    }
    const sibling = view.siblings?.get(parentId)?.get(name);
    return sibling !== undefined && stays(sibling);
  }

  /**
   * Is `name` held in folder `parentId` on `side` by a node this set does not see (another set's, or beside a
   * documents set's documents) that is not a copy of `size` bytes (a killed pass's copy, adopted at apply)?
   */
  protected heldBySibling(side: Side, parentId: string | undefined, name: string, size?: number): boolean {
    if (!parentId || this.claimedNames[side].has(`${parentId}\u0000${name}`)) return false;
    const view = this.input.views[side];
    const id = view.siblings?.get(parentId)?.get(name);
    if (id === undefined || this.leaving[side].has(id)) return false;
    const theirs = view.siblingSizes?.get(id);
    return theirs === undefined || size === undefined || theirs !== size;
  }

  /**
   * Is `name` held in folder `parentId` on `side` by a node this set sees there that stays, and that is not a
   * file of `size` bytes (what a killed pass's copy would be)?
   */
  protected heldInSet(side: Side, parentId: string | undefined, name: string, size?: number): boolean {
    if (!parentId) return false;
    const view = this.input.views[side];
    for (const id of view.children.get(parentId) ?? []) {
      const n = view.nodes.get(id);
      if (!n || n.name !== name || this.leaving[side].has(id)) continue;
      return !(n.kind === 'file' && size !== undefined && n.size === size);
    }
    return false;
  }

  protected claim(side: Side, parentId: string | undefined, name: string): void {
    if (parentId) this.claimedNames[side].add(`${parentId}\u0000${name}`);
  }

  protected descendants(m: MemberState): MemberState[] {
    const out: MemberState[] = [];
    for (const c of this.childrenOf.get(m.key) ?? []) out.push(c, ...this.descendants(c));
    return out;
  }

  /** Visit a member that moved out of a deleted folder: it is handled like any other member. */
  protected pendingVisits: MemberState[] = [];

  protected readonly visited = new Set<string>();

  /** Nodes this set lets go of where another set's folder holds them now; that set takes them in this pass. */
  protected readonly spilled: Arrival[] = [];

  /** Plans waiting for a folder to be visited first (a node moved into a folder new this pass). */
  protected readonly deferred = new Map<string, (() => void)[]>();
  private readonly deferredOnce = new Set<string>();

  /**
   * A node whose copy on `to` needs a parent there that has none yet: when the parent it now sits in on
   * `from` is a member not visited yet (a folder new this pass, visited later), plan it after that folder.
   * Returns true when deferred.
   */
  protected deferToParent(m: MemberState, from: Side, node: RemoteNode | null, plan: () => void): boolean {
    const pk = node?.parentId ? this.keyById[from].get(node.parentId) : undefined;
    if (!pk || pk === m.key || this.visited.has(pk) || this.deferredOnce.has(m.key)) return false;
    this.deferredOnce.add(m.key);
    const list = this.deferred.get(pk);
    if (list) list.push(plan);
    else this.deferred.set(pk, [plan]);
    return true;
  }

  /** Run the plans that waited for `key` (or, with no key, every plan still waiting). */
  protected runDeferred(key?: string): void {
    for (const k of key === undefined ? [...this.deferred.keys()] : [key]) {
      const plans = this.deferred.get(k);
      if (!plans) continue;
      this.deferred.delete(k);
      for (const plan of plans) plan();
    }
  }

  protected visitSync(m: MemberState): void {
    this.pendingVisits.push(m);
  }

  protected pathOf(m: MemberState): string {
    const s = m.onprem ?? m.cloud;
    if (s?.path) return s.path;
    const rel = m.onprem
      ? this.input.views.onprem.rel.get(m.onprem.id)
      : m.cloud
        ? this.input.views.cloud.rel.get(m.cloud.id)
        : undefined;
    return rel ?? s?.name ?? m.key;
  }

  /**
   * Fail `m` in the plan: `name` is taken in the `to` folder it would go into. `clearSide`: its copy on `to`
   * is gone, so the member is recorded where its one copy is.
   */
  protected failNameClash(m: MemberState, path: string, name: string, to: Side, clearSide = false): void {
    this.push({
      type: 'fail',
      member: m.key,
      path,
      code: 'TARGET_FOLDER_NAME_CLASH',
      details: `"${name}" already exists in the ${to} folder`,
      side: to,
      ...(clearSide ? { clearSide: to } : {}),
    });
  }

  protected push(a: DistributiveOmit<ActionStep, 'setId'> & { side?: Side }): void {
    const after = this.requires.get(a.member);
    const afterSet = a.type === 'copy' ? this.requiresIn.get(a.member) : undefined;
    const side = sideOfAction(a, this.byKey.get(a.member));
    // The caller's literal, completed in place: a copy by spread gets a hidden class of its own in V8 (a map
    // and descriptor array per action, ~38 MB of a first sync's 100k actions).
    const action = a as Action & { after?: string; afterSet?: string };
    action.setId = this.state.set.id;
    action.side = side;
    if (after) action.after = after;
    if (afterSet) action.afterSet = afterSet;
    this.actions.push(action);
  }
}

export type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

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
