// A folder set's listing from repository events: folders the events name are listed, the rest is what the
// state recorded at the last pass (which is exactly what a listing would show, had anything changed there
// the events would name the folder).
import type { Connector, Listing, RemoteNode, Side } from '../connectors/types.js';
import type { MemberState, SetState } from '../store/schema.js';

/** The node as the state last saw it on `side` (same shape a listing returns). */
export function recordedNode(m: MemberState, side: Side): RemoteNode {
  const s = m[side]!;
  return {
    id: s.id,
    name: s.name,
    kind: m.kind,
    parentId: s.parentId,
    size: s.size,
    mtimeMs: s.mtimeMs,
    token: s.token,
    ...(s.props ? { props: s.props } : {}),
    ...(m.lockedByUs ? { locked: true } : {}),
  };
}

/** The recorded node of a documents-set member, or undefined when an event names it or its folder. */
export function recordedUnlessTouched(
  m: MemberState,
  side: Side,
  touched: ReadonlySet<string>,
): RemoteNode | undefined {
  const s = m[side];
  if (!s || touched.has(s.id) || (s.parentId !== null && touched.has(s.parentId))) return undefined;
  return recordedNode(m, side);
}

/**
 * The tree below `root` (the root itself excluded), listing only folders in `touched`: a touched folder's
 * children come from the server; a folder that appeared in it (created, moved or copied in) is listed whole,
 * since the state knows nothing below it; every other folder's children are the recorded ones.
 */
export async function listChanged(
  state: SetState,
  side: Side,
  connector: Connector,
  root: RemoteNode,
  touched: ReadonlySet<string>,
  recursive: boolean,
): Promise<Listing> {
  const recorded = new Map<string, RemoteNode[]>();
  for (const m of state.members) {
    const s = m[side];
    if (!s || s.parentId === null || s.id === root.id) continue;
    let list = recorded.get(s.parentId);
    if (!list) recorded.set(s.parentId, (list = []));
    list.push(recordedNode(m, side));
  }
  const out: Listing = { root, nodes: [], skipped: [] };
  const queue: RemoteNode[] = [root];
  while (queue.length > 0) {
    const folder = queue.pop()!;
    const folderId = folder.id;
    let kids: RemoteNode[];
    if (touched.has(folderId)) {
      const fresh = await connector.listTree(folderId, { recursive: false, known: folder });
      out.skipped.push(...fresh.skipped);
      const known = new Set((recorded.get(folderId) ?? []).map((n) => n.id));
      kids = [];
      for (const n of fresh.nodes) {
        if (n.parentId !== folderId) continue;
        kids.push(n);
        if (n.kind === 'folder' && recursive && !known.has(n.id)) {
          // New here: nothing below it is recorded under this parent, so list all of it.
          const below = await connector.listTree(n.id, { recursive: true, known: n });
          out.nodes.push(...below.nodes);
          out.skipped.push(...below.skipped);
        }
      }
      out.nodes.push(...kids);
      for (const n of kids) if (n.kind === 'folder' && recursive && known.has(n.id)) queue.push(n);
      continue;
    }
    kids = recorded.get(folderId) ?? [];
    out.nodes.push(...kids);
    if (recursive) for (const n of kids) if (n.kind === 'folder') queue.push(n);
  }
  return out;
}
