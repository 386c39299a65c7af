import type { Connector, Listing, RemoteNode, Side, SkippedEntry, TreeDelta } from '../connectors/types.js';
import type { SetState } from '../store/schema.js';
import { compileExcludes } from './excludes.js';
import { anyDetached, directMembers, firstDirect } from './lazy-members.js';
import { recordedTree, type MemberTree } from './recorded-tree.js';
import { listChanged, recordedUnlessTouched } from './view-incremental.js';

/** What one side of one set looks like right now, restricted to the set's scope. */
export interface SideView {
  side: Side;
  /** Nodes in scope by id: the direct members and, for folder sets, everything below the folder. */
  nodes: Map<string, RemoteNode>;
  /** Child ids by parent id, for name-clash checks and subtree walks. */
  children: Map<string, string[]>;
  /** Set-relative path of each node in scope ('' for a folder set's root). */
  rel: Map<string, string>;
  /** Folders whose content could not be read: nothing known below them may be taken as deleted. */
  unreadable: Set<string>;
  /**
   * Folders that directly hold entries outside the view (excluded, skipped, detached): such a folder is
   * never empty, so a folder delete from the other side keeps it (SPEC §3 folder deletes).
   */
  untracked: Set<string>;
  skipped: SkippedEntry[];
  /** The folder set's root could not be found on this side (although the state knows its id). */
  rootGone: boolean;
  /** Detached copies found in the listing by id (left out of `nodes`), where they are now. */
  detachedSeen: Map<string, RemoteNode>;
  /** Ids of detached copies still there (by id, or replaced by a save-by-rename in their place). */
  detachedPresent: Set<string>;
  /** Documents sets: folders that held a document now gone and are gone themselves (nowhere to put it back). */
  foldersGone?: Set<string>;
  /**
   * What a folder holds beyond `children` (name → id): for documents sets, a folder a document is renamed in
   * (listed only for that); for folder sets, another set's nodes found in this set's folders.
   */
  siblings?: Map<string, Map<string, string>>;
  /** Sizes of the files in `siblings` that a documents set listed (by id). */
  siblingSizes?: Map<string, number>;
  /**
   * Set while the view is not filled in: the connector compared its walk with the state and saw every
   * recorded entry exactly as recorded and nothing else (so `nodes`, `rel` and `children` are empty until
   * `fillView`). The root is `root`.
   */
  asRecorded?: ComparedWalk;
  /** A view of a pass scoped to its walk's delta (view-delta.ts): how many nodes the whole view would hold. */
  wholeSize?: number;
  /**
   * Set while the view is not filled in although the walk saw something differ: what it saw, so a pass may
   * look at just that (view-delta.ts) or fill the view in (`fillView`).
   */
  compared?: ComparedWalk;
}

/** A walk compared with the state (connectors/types.ts TreeDelta), and how to fill the view from it. */
export interface ComparedWalk {
  tree: MemberTree;
  delta: TreeDelta;
  root: RemoteNode;
  fill: () => void;
}

/** Fill in a view left as recorded (a pass that has something to do after all needs every node). */
export function fillView(view: SideView): SideView {
  const pending = view.asRecorded ?? view.compared;
  if (pending) {
    view.asRecorded = view.compared = undefined;
    pending.fill();
  }
  return view;
}

/** An empty view, for a side where the set has nothing yet. */
export function emptyView(side: Side): SideView {
  return {
    side,
    nodes: new Map(),
    children: new Map(),
    rel: new Map(),
    unreadable: new Set(),
    untracked: new Set(),
    skipped: [],
    rootGone: false,
    detachedSeen: new Map(),
    detachedPresent: new Set(),
  };
}

/** The set's root folder member (folder sets only). */
export function rootMember(state: SetState) {
  return state.set.kind === 'folder' ? firstDirect(state) : undefined;
}

/**
 * Read one side of a set through its connector: fetch the direct members, list a folder set's tree. With
 * `touched` (repository events, see events.ts) only the nodes and folders it names are read from the server.
 * `foreign`: the direct members of every set by node id (to its set id); another set's are left out.
 */
export async function buildView(
  state: SetState,
  side: Side,
  connector: Connector,
  touched?: ReadonlySet<string>,
  foreign?: ReadonlyMap<string, string>,
): Promise<SideView> {
  const view = emptyView(side);
  if (connector.rememberPath) {
    for (const m of directMembers(state))
      if (m[side]?.path) connector.rememberPath(m[side]!.id, m[side]!.path);
  }
  if (state.set.kind === 'documents') {
    await Promise.all(
      state.members
        .filter((m) => m.direct && !m.detached && m[side])
        .map(async (m) => {
          let node =
            (touched && recordedUnlessTouched(m, side, touched)) || (await connector.getNode(m[side]!.id));
          if (!node && m[side]!.path) {
            // Gone by id: an editor that saves by rename leaves a new file under the same name (detect pairs it).
            const there = await connector.resolvePath(m[side]!.path).catch(() => null);
            if (there?.kind === m.kind && there.parentId === m[side]!.parentId) node = there;
          }
          if (node) {
            view.nodes.set(node.id, node);
            view.rel.set(node.id, node.name);
          } else if (m[side]!.parentId) {
            const parentId = m[side]!.parentId;
            const folder = await connector.getNode(parentId).catch(() => null);
            if (folder?.kind !== 'folder') (view.foldersGone ??= new Set()).add(parentId);
          }
        }),
    );
    return view;
  }
  const root = rootMember(state);
  const rootState = root?.[side];
  if (root && !rootState && side === 'cloud' && !root.detached) {
    // The root has no cloud copy yet (or lost it): is there a target to create it in?
    const target = await connector.getNode(state.set.target.id).catch(() => null);
    if (target?.kind !== 'folder') (view.foldersGone ??= new Set()).add(state.set.target.id);
  }
  if (!root || !rootState || root.detached) return view;
  const rootNode = await connector.getNode(rootState.id);
  if (!rootNode || rootNode.kind !== 'folder') {
    view.rootGone = true;
    // Where it would be re-created (the cloud target, or the on-prem folder that held it): gone too?
    const home = side === 'cloud' ? state.set.target.id : rootState.parentId;
    if (home) {
      const folder = await connector.getNode(home).catch(() => null);
      if (folder?.kind !== 'folder') (view.foldersGone ??= new Set()).add(home);
    }
    // Gone by id, but a folder was made again in its place (deleted and re-created, model seed 4357): that
    // folder is the root now, read whole (detect pairs it with the root member, as a save by rename), so a
    // forced pass takes in what it holds in the same pass. `rootGone` stays: the ROOT_GONE guard still stops
    // an unforced pass (an empty mount point looks just like this). Another set's folder moved there stays
    // that set's.
    const there = rootState.path ? await connector.resolvePath(rootState.path).catch(() => null) : null;
    if (
      there?.kind === 'folder' &&
      rootState.parentId !== null &&
      there.parentId === rootState.parentId &&
      (foreign?.get(there.id) ?? state.set.id) === state.set.id
    ) {
      const listing = await connector.listTree(there.id, { recursive: state.set.options.includeSubfolders });
      fillFromListing(view, state, there, listing, foreign);
    }
    return view;
  }
  const recursive = state.set.options.includeSubfolders;
  if (!touched && connector.compareTree) {
    // Compared as it walks: nodes only for what differs. The view stays unfilled until needed.
    const tree = recordedTree(state, side, rootNode.id);
    const delta = await connector.compareTree(rootNode.id, tree, { recursive });
    const fill = () => {
      for (const id of delta.untracked) view.untracked.add(id);
      fillFromListing(
        view,
        state,
        rootNode,
        { root: rootNode, nodes: delta.all(), skipped: delta.skipped },
        foreign,
      );
    };
    const asRecorded =
      delta.changed === 0 &&
      delta.skipped.length === 0 &&
      delta.sameCount === tree.count &&
      !anyDetached(state);
    // Left unfilled either way: a pass after a small change looks at the delta only (view-delta.ts).
    if (asRecorded) view.asRecorded = { tree, delta, root: rootNode, fill };
    else view.compared = { tree, delta, root: rootNode, fill };
    return view;
  }
  const listing = touched
    ? await listChanged(state, side, connector, rootNode, touched, recursive)
    : await connector.listTree(rootNode.id, { recursive });
  fillFromListing(view, state, rootNode, listing, foreign);
  return view;
}

/** The view of a folder set from its listing: excludes, detached copies and other sets' nodes left out. */
export function fillFromListing(
  view: SideView,
  state: SetState,
  rootNode: RemoteNode,
  listing: Listing,
  foreign: ReadonlyMap<string, string> | undefined,
): void {
  const side = view.side;
  // Detached copies (on the cloud) are left alone, also when replaced by a save-by-rename (same folder and
  // name). The on-prem node a detached member came from left the set: back in it, it is new.
  const detachedIds = new Set<string>();
  const detachedSlots = new Map<string, string>();
  for (const m of state.members) {
    const s = m[side];
    if (m.detached && s && side === 'cloud') {
      detachedIds.add(s.id);
      if (s.parentId) detachedSlots.set(`${s.parentId}\u0000${s.name}`, s.id);
    }
  }
  // A node at a detached copy's place is that copy saved by rename only when the copy itself is gone: one
  // renamed or moved within the set is still listed by its id, and a new node put in its old place is new
  // (model seed 4745: the cloud renamed the detached a.txt to b.txt and wrote a new a.txt, which no pass
  // took in).
  if (detachedSlots.size > 0) {
    const slotById = new Map<string, string>();
    for (const [slot, id] of detachedSlots) slotById.set(id, slot);
    for (const n of listing.nodes) {
      const slot = slotById.get(n.id);
      if (slot !== undefined && slot !== `${n.parentId}\u0000${n.name}`) detachedSlots.delete(slot);
    }
  }
  view.skipped.push(...listing.skipped);
  for (const s of listing.skipped) {
    if (s.unreadableFolderId) view.unreadable.add(s.unreadableFolderId);
    if (s.parentId) view.untracked.add(s.parentId);
  }
  const byParent = new Map<string, RemoteNode[]>();
  for (const n of listing.nodes) {
    if (n.parentId === null) continue;
    let list = byParent.get(n.parentId);
    if (!list) byParent.set(n.parentId, (list = []));
    list.push(n);
  }
  const excluded = compileExcludes(state.set.excludes);
  const includeFolders = state.set.options.includeSubfolders;
  view.nodes.set(rootNode.id, rootNode);
  view.rel.set(rootNode.id, '');
  // Walk down from the root so exclusions and detached folders drop whole subtrees.
  const stack: RemoteNode[] = [rootNode];
  while (stack.length > 0) {
    const parent = stack.pop()!;
    const kids = byParent.get(parent.id);
    if (!kids) continue;
    const parentRel = view.rel.get(parent.id)!;
    const ids: string[] = [];
    for (const n of kids) {
      const rel = parentRel === '' ? n.name : `${parentRel}/${n.name}`;
      const slotOf = detachedIds.size > 0 ? detachedSlots.get(`${parent.id}\u0000${n.name}`) : undefined;
      const detached = slotOf !== undefined || (detachedIds.size > 0 && detachedIds.has(n.id));
      if (detachedIds.size > 0 && detachedIds.has(n.id)) {
        view.detachedSeen.set(n.id, n);
        view.detachedPresent.add(n.id);
      } else if (slotOf !== undefined) view.detachedPresent.add(slotOf);
      // Another set's folder or document (moved in here) is that set's, with all below it (sets never overlap).
      const foreignNode = foreign !== undefined && (foreign.get(n.id) ?? state.set.id) !== state.set.id;
      if (detached || foreignNode || excluded(rel, n.name) || (n.kind === 'folder' && !includeFolders)) {
        view.untracked.add(parent.id);
        // Its name is taken all the same: nothing of this set is created or moved onto it (model seed 1232; a
        // detached copy's, model seed 2208: a move onto it was planned, and failed at the connector, every pass).
        if (foreignNode || detached) setSibling(view, parent.id, n);
        continue;
      }
      view.nodes.set(n.id, n);
      view.rel.set(n.id, rel);
      ids.push(n.id);
      if (n.kind === 'folder') stack.push(n);
    }
    view.children.set(parent.id, ids);
  }
}

/** Record a node left out of the view (another set's) as holding its name in its folder. */
function setSibling(view: SideView, parentId: string, n: RemoteNode): void {
  view.siblings ??= new Map();
  let names = view.siblings.get(parentId);
  if (!names) view.siblings.set(parentId, (names = new Map()));
  names.set(n.name, n.id);
}
