// Navigation for the setup wizard: the sites a user can see, then folder contents by SPEC §2 path.
import { NodeError, UnreachableError } from '../../errors.js';
import { sortBrowseEntries, type BrowseEntry, type RemoteNode } from '../types.js';
import { toNodeError } from './errors.js';
import type { AlfrescoHttp } from './http.js';
import { listChildren } from './listing.js';
import { isSyncable } from './nodes.js';
import { PagingGuard } from './paging.js';

/** Sites per request: most servers answer everything a person can see in one page. */
const SITE_PAGE = 100;

interface SitePage {
  list?: { pagination?: { count?: number; hasMoreItems?: boolean }; entries?: { entry: { id?: unknown } }[] };
}

/** Every site the user can see (`GET sites`, paged), each as a folder named by its site id. */
export async function browseSites(http: AlfrescoHttp): Promise<BrowseEntry[]> {
  const out: BrowseEntry[] = [];
  const guard = new PagingGuard('the sites list');
  for (let skip = 0; ;) {
    const res = await http.request({
      method: 'GET',
      path: 'sites',
      query: { maxItems: SITE_PAGE, skipCount: skip, orderBy: 'id ASC' },
    });
    if (res.status !== 200) throw toNodeError(res, { access: 'read', missing: 'node', subject: 'sites' });
    const list = (res.body as SitePage | undefined)?.list;
    if (!list || !Array.isArray(list.entries))
      throw new UnreachableError('the sites list came back without a list');
    guard.accept(list.entries.map((e) => String(e.entry?.id)));
    for (const { entry } of list.entries)
      if (typeof entry.id === 'string') out.push({ name: entry.id, path: entry.id, kind: 'folder' });
    const count = list.pagination?.count ?? list.entries.length;
    if (!list.pagination?.hasMoreItems || count === 0) return sortBrowseEntries(out);
    skip += count;
  }
}

/**
 * Children of the folder at `path`: '' lists the sites, `<site>` its document library, deeper paths that
 * folder. `resolve` is the connector's path resolution, so site containers are looked up once.
 */
export async function browseAlfresco(
  http: AlfrescoHttp,
  path: string,
  resolve: (path: string) => Promise<RemoteNode | null>,
): Promise<BrowseEntry[]> {
  if (path.trim() === '' || path.trim() === '/') return browseSites(http);
  const folder = await resolve(path);
  if (folder?.kind !== 'folder') throw new NodeError('TARGET_FOLDER_NOT_FOUND', `${path} is not a folder`);
  // Children of a node addressed by id are addressed by id too: its site path may not exist.
  const base = path.trim().replace(/\/+$/, '');
  const byId = base.startsWith('node:');
  return sortBrowseEntries(
    (await listChildren(http, folder.id)).filter(isSyncable).map((e) => ({
      name: e.name,
      path: byId ? `node:${e.id}` : `${base}/${e.name}`,
      kind: e.isFolder ? 'folder' : 'file',
    })),
  );
}
