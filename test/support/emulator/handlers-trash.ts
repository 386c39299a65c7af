// Trashcan: deleted nodes can be listed (deletion detection by polling), purged and restored.
import { type Ctx, type Route, finish, me, readObject, sendEntry, sendJson } from './context.js';
import { err, formatDate, listBody, parsePaging } from './format.js';
import { render } from './nodes-common.js';
import type { ArchivedItem } from './repo.js';

/** The archived item if the caller may see it (admins see all, others what they deleted). */
function item(ctx: Ctx): ArchivedItem {
  const id = ctx.params.nodeId!;
  const it = ctx.repo.archive.get(id);
  if (!it || (!me(ctx).isAdmin && it.archivedBy !== me(ctx).id)) throw err.notFound(id);
  return it;
}

function entry(ctx: Ctx, it: ArchivedItem): Record<string, unknown> {
  return {
    ...render(ctx, it.nodes[0]!, false),
    archivedAt: formatDate(it.archivedAt),
    archivedByUser: { id: it.archivedBy, displayName: ctx.core.directory.displayName(it.archivedBy) },
  };
}

function list(ctx: Ctx): void {
  const user = me(ctx);
  const items = [...ctx.repo.archive.values()]
    .filter((it) => user.isAdmin || it.archivedBy === user.id)
    .sort((a, b) => b.archivedAt - a.archivedAt);
  sendJson(
    ctx,
    200,
    listBody(
      items.map((it) => entry(ctx, it)),
      parsePaging(ctx.query),
    ),
  );
}

function purge(ctx: Ctx): void {
  item(ctx);
  ctx.repo.archive.delete(ctx.params.nodeId!);
  finish(ctx, 204, {});
}

async function restore(ctx: Ctx): Promise<void> {
  const it = item(ctx);
  const body = await readObject(ctx, true);
  const parentId = typeof body.targetParentId === 'string' ? body.targetParentId : it.parentId;
  const parent = ctx.repo.get(parentId);
  if (!parent) throw err.notFound(parentId);
  const root = it.nodes[0]!;
  if (ctx.repo.child(parent, root.name)) throw err.duplicate(root.name);
  for (const n of it.nodes) ctx.repo.nodes.set(n.id, n);
  root.parentId = parent.id;
  parent.children.set(root.name.toLowerCase(), root.id);
  ctx.repo.archive.delete(root.id);
  sendEntry(ctx, 200, render(ctx, root, true));
}

/** Routes of the trashcan. */
export const trashRoutes: Route[] = [
  { api: 'core', method: 'GET', path: '/deleted-nodes', handler: list },
  {
    api: 'core',
    method: 'GET',
    path: '/deleted-nodes/{nodeId}',
    handler: (ctx) => sendEntry(ctx, 200, entry(ctx, item(ctx))),
  },
  { api: 'core', method: 'DELETE', path: '/deleted-nodes/{nodeId}', handler: purge },
  { api: 'core', method: 'POST', path: '/deleted-nodes/{nodeId}/restore', handler: restore },
];
