// Folder listings: paged children requests, recursion with bounded parallelism, one request per folder.
import { AuthError, NodeError, UnreachableError } from '../../errors.js';
import type { Listing, RemoteNode, SkippedEntry } from '../types.js';
import { toNodeError } from './errors.js';
import type { AlfrescoHttp } from './http.js';
import { isSyncable, toRemoteNode, type NodeEntry } from './nodes.js';
import { PagingGuard } from './paging.js';
import { runQueue } from '../../work-queue.js';

/** Page size: the server's maximum useful page, so a typical folder costs one request. */
const PAGE = 1000;

interface ListPage {
  list?: { pagination?: { count?: number; hasMoreItems?: boolean }; entries?: { entry: NodeEntry }[] };
}

/** Every child entry of a folder, following `hasMoreItems`; HTTP errors become NodeErrors. */
export async function listChildren(http: AlfrescoHttp, folderId: string): Promise<NodeEntry[]> {
  const out: NodeEntry[] = [];
  const guard = new PagingGuard(`listing of folder ${folderId}`);
  for (let skip = 0; ;) {
    const res = await http.request({
      method: 'GET',
      path: `nodes/${encodeURIComponent(folderId)}/children`,
      query: { include: 'properties,aspectNames,isLocked', maxItems: PAGE, skipCount: skip },
    });
    if (res.status !== 200) {
      throw toNodeError(res, { access: 'read', missing: 'node', subject: `folder ${folderId}` });
    }
    const list = (res.body as ListPage | undefined)?.list;
    if (!list || !Array.isArray(list.entries)) {
      throw new UnreachableError(`listing of ${folderId} came back without a list`);
    }
    if (!list.entries.every((e) => typeof e?.entry?.id === 'string' && typeof e.entry.name === 'string')) {
      throw new NodeError('UNKNOWN', `listing of folder ${folderId}: an entry without an id or a name`);
    }
    guard.accept(list.entries.map((e) => e.entry.id));
    out.push(...list.entries.map((e) => e.entry));
    const count = list.pagination?.count ?? list.entries.length;
    if (!list.pagination?.hasMoreItems || count === 0) return out;
    skip += count;
  }
}

/**
 * Lists below `root`. A subfolder that cannot be read (403, or gone mid-listing) is reported as skipped
 * with `unreadableFolderId`, so the engine treats its content as unknown rather than deleted. Lost
 * connectivity and auth failures abort the whole listing.
 */
export async function listTree(
  http: AlfrescoHttp,
  root: RemoteNode,
  recursive: boolean,
  concurrency = 8,
): Promise<Listing> {
  const nodes: RemoteNode[] = [];
  const skipped: SkippedEntry[] = [];
  if (root.kind !== 'folder') throw new NodeError('UNKNOWN', `${root.name} is not a folder`);
  // Folders still to list, as [id, path]; each listing queues the subfolders it finds.
  const folders: Array<[string, string]> = [[root.id, '']];
  await runQueue(folders, concurrency, async ([folderId, relPath]) => {
    let entries: NodeEntry[];
    try {
      entries = await listChildren(http, folderId);
    } catch (err) {
      if (relPath === '' || err instanceof AuthError || !(err instanceof NodeError)) throw err;
      skipped.push({ path: relPath, reason: `cannot list: ${err.message}`, unreadableFolderId: folderId });
      return;
    }
    for (const entry of entries) {
      const path = relPath ? `${relPath}/${entry.name}` : entry.name;
      if (!isSyncable(entry)) {
        skipped.push({ path, reason: `unsupported node type ${entry.nodeType}`, parentId: folderId });
        continue;
      }
      nodes.push(toRemoteNode(entry));
      if (entry.isFolder && recursive) folders.push([entry.id, path]);
    }
  });
  return { root, nodes, skipped };
}
