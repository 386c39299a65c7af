import type { Connector, RemoteNode, Side } from '../connectors/types.js';
import type { MemberState, SetState } from '../store/schema.js';
import { compileExcludes } from './excludes.js';
import { snapshotOf } from './reconcile-base.js';

/** What `sync --resync` found for one set before its pass: nodes paired by path, and those on one side. */
export interface ResyncReport {
  id: string;
  /** Nodes found at the same path on both sides (their content is compared by the pass). */
  paired: number;
  onpremOnly: number;
  cloudOnly: number;
}

/** A side's nodes of a set by set-relative path ('' is the set's folder, or a document's name). */
type ByPath = Map<string, RemoteNode>;

const join = (a: string, b: string) => (a ? `${a}/${b}` : b);

/** Every node below `folder` by path relative to it (excluded names left out, like a pass's view). */
async function listByPath(
  connector: Connector,
  folder: RemoteNode,
  recursive: boolean,
  excluded: (rel: string, name: string) => boolean,
): Promise<ByPath> {
  const listing = await connector.listTree(folder.id, { recursive, known: folder });
  const byId = new Map(listing.nodes.map((n) => [n.id, n]));
  const relOf = new Map<string, string | null>([[folder.id, '']]);
  const rel = (n: RemoteNode): string | null => {
    if (relOf.has(n.id)) return relOf.get(n.id)!;
    const parent = n.parentId === null ? undefined : byId.get(n.parentId);
    const up = n.parentId === folder.id ? '' : parent ? rel(parent) : null;
    const r = up === null || excluded(join(up, n.name), n.name) ? null : join(up, n.name);
    relOf.set(n.id, r);
    return r;
  };
  const out: ByPath = new Map();
  for (const n of listing.nodes) {
    const r = rel(n);
    if (r !== null && !n.invalidName) out.set(r, n);
  }
  return out;
}

/** The node at `path` on a side, or null. */
async function nodeAt(connector: Connector, path: string): Promise<RemoteNode | null> {
  return connector.resolvePath(path).catch(() => null);
}

/**
 * Rebuild a set's pairing from both sides (lost or distrusted state): the direct members are found again
 * (on-prem by id or path, in the cloud by the target folder and name), then every node at the same path and
 * of the same kind on both sides becomes one member whose content the pass compares (the recorded tokens
 * are cleared, so equal bytes pair and different bytes are a conflict the set's policy resolves, loser
 * kept). Nodes on one side only are left out of the state, so the pass copies them across: deletes made
 * while the state was lost come back. Nothing is written here; the caller saves the returned state.
 */
export async function rebuildPairing(
  state: SetState,
  connectors: Record<Side, Connector>,
): Promise<{ state: SetState; report: ResyncReport }> {
  const { onprem, cloud } = connectors;
  const targetPath = (await cloud.pathOf(state.set.target.id)) ?? state.set.target.path;
  const excluded = compileExcludes(state.set.excludes);
  const members: MemberState[] = [];
  let nextKey = 1;
  const report: ResyncReport = { id: state.set.id, paired: 0, onpremOnly: 0, cloudOnly: 0 };
  const member = (
    kind: RemoteNode['kind'],
    parentKey: string | null,
    on: RemoteNode | null,
    cl: RemoteNode | null,
    onPath: string,
    clPath: string,
  ): MemberState => {
    const m: MemberState = {
      key: `m${nextKey++}`,
      kind,
      direct: parentKey === null,
      parentKey,
      // a file's empty token reads as "changed" on both sides: the pass compares the bytes
      onprem: on && { ...snapshotOf(on, onPath), token: kind === 'file' ? '' : on.token },
      cloud: cl && { ...snapshotOf(cl, clPath), token: kind === 'file' ? '' : cl.token },
      status: 'PENDING',
      lastSyncAt: null,
    };
    members.push(m);
    return m;
  };
  const direct = state.members.filter((m) => m.direct && !m.detached && m.onprem);
  for (const d of direct) {
    const on = (await onprem.getNode(d.onprem!.id)) ?? (await nodeAt(onprem, d.onprem!.path));
    if (!on || on.kind !== d.kind) continue; // gone on-prem: nothing to rebuild from
    const onPath = (await onprem.pathOf(on.id)) ?? d.onprem!.path;
    const byId = d.cloud ? await cloud.getNode(d.cloud.id) : null;
    const cl = byId && byId.kind === d.kind ? byId : await nodeAt(cloud, join(targetPath, on.name));
    const pair = cl && cl.kind === on.kind ? cl : null;
    const root = member(d.kind, null, on, pair, onPath, join(targetPath, on.name));
    if (pair) report.paired++;
    else report.onpremOnly++;
    if (d.kind !== 'folder' || !pair) continue;
    const recursive = state.set.options.includeSubfolders;
    const [onTree, clTree] = await Promise.all([
      listByPath(onprem, on, recursive, excluded),
      listByPath(cloud, pair, recursive, excluded),
    ]);
    // Parents first, so each pair's parent is a member already.
    const keyOf = new Map<string, string>([['', root.key]]);
    const paths = [...onTree.keys()].sort((a, b) => a.split('/').length - b.split('/').length);
    for (const p of paths) {
      const a = onTree.get(p)!;
      const b = clTree.get(p);
      const parent = keyOf.get(p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
      if (!b || b.kind !== a.kind || parent === undefined) continue;
      const m = member(a.kind, parent, a, b, join(onPath, p), join(join(targetPath, on.name), p));
      keyOf.set(p, m.key);
      report.paired++;
    }
    report.onpremOnly += [...onTree.keys()].filter((p) => !keyOf.has(p)).length;
    report.cloudOnly += [...clTree.keys()].filter((p) => !keyOf.has(p)).length;
  }
  const rebuilt: SetState = { ...state, members, nextKey, events: undefined };
  return { state: rebuilt, report };
}
