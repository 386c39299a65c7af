// Sites, their documentLibrary container and memberships.
import { type Ctx, type Route, finish, me, readObject, sendEntry, sendJson } from './context.js';
import { ApiError, err, listBody, parsePaging } from './format.js';
import { SITE_ROLES, type SiteRecord, type SiteRole } from './repo.js';
import { siteEntry } from './serialize.js';

/** The site if the caller may see it; private sites are invisible (404) to non-members. */
function visibleSite(ctx: Ctx): SiteRecord {
  const id = ctx.params.siteId!;
  const site = ctx.repo.sites.get(id);
  const user = me(ctx);
  if (!site || (site.visibility === 'PRIVATE' && !user.isAdmin && !site.members.has(user.id)))
    throw err.notFound(id);
  return site;
}

function requireManager(ctx: Ctx, site: SiteRecord): void {
  const user = me(ctx);
  if (!user.isAdmin && site.members.get(user.id) !== 'SiteManager') throw err.denied();
}

function listSites(ctx: Ctx): void {
  const user = me(ctx);
  let sites = [...ctx.repo.sites.values()].filter(
    (s) => user.isAdmin || s.visibility !== 'PRIVATE' || s.members.has(user.id),
  );
  const vis = /visibility\s*=\s*'(\w+)'/.exec(ctx.query.get('where') ?? '')?.[1];
  if (vis) sites = sites.filter((s) => s.visibility === vis);
  const [field, dir] = (ctx.query.get('orderBy') ?? 'title ASC').trim().split(/\s+/);
  if (!['id', 'title', 'description'].includes(field!)) throw err.invalid(`Invalid orderBy field: ${field}`);
  const key = field as 'id' | 'title' | 'description';
  sites.sort((a, b) => a[key].localeCompare(b[key]) * (dir?.toUpperCase() === 'DESC' ? -1 : 1));
  sendJson(
    ctx,
    200,
    listBody(
      sites.map((s) => siteEntry(s, user.id)),
      parsePaging(ctx.query),
    ),
  );
}

async function createSite(ctx: Ctx): Promise<void> {
  const body = await readObject(ctx);
  if (typeof body.title !== 'string' || !body.title) throw err.invalid('Site title is required');
  const id =
    typeof body.id === 'string' && body.id ? body.id : body.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  if (!/^[A-Za-z0-9-]{1,72}$/.test(id)) throw err.invalid(`Invalid site id: ${id}`);
  const visibility = (body.visibility ?? 'PUBLIC') as SiteRecord['visibility'];
  if (!['PUBLIC', 'PRIVATE', 'MODERATED'].includes(visibility))
    throw err.invalid(`Invalid visibility: ${visibility}`);
  if (ctx.repo.sites.has(id) || ctx.repo.child(ctx.repo.require(ctx.repo.sitesId), id))
    throw new ApiError(409, 'framework.exception.ConstraintViolated', `Site with id ${id} already exists.`);
  const description = typeof body.description === 'string' ? body.description : undefined;
  const site = ctx.repo.createSite(id, me(ctx).id, { title: body.title, description, visibility });
  sendEntry(ctx, 201, siteEntry(site, me(ctx).id));
}

function deleteSite(ctx: Ctx): void {
  const site = visibleSite(ctx);
  requireManager(ctx, site);
  ctx.repo.remove(ctx.repo.require(site.guid), me(ctx).id, true);
  finish(ctx, 204, {});
}

function containers(ctx: Ctx): void {
  const site = visibleSite(ctx);
  // The real server swaps the names: `id` is the node id, `folderId` the container name.
  sendJson(ctx, 200, listBody([{ id: site.docLibId, folderId: 'documentLibrary' }], parsePaging(ctx.query)));
}

function container(ctx: Ctx): void {
  const site = visibleSite(ctx);
  if (ctx.params.containerId !== 'documentLibrary') throw err.notFound(ctx.params.containerId!);
  sendEntry(ctx, 200, { id: site.docLibId, folderId: 'documentLibrary' });
}

function memberEntry(ctx: Ctx, userId: string, role: SiteRole): Record<string, unknown> {
  return { id: userId, person: ctx.core.directory.person(userId), role, isMemberOfGroup: false };
}

function listMembers(ctx: Ctx): void {
  const site = visibleSite(ctx);
  const entries = [...site.members].map(([id, role]) => memberEntry(ctx, id, role));
  sendJson(ctx, 200, listBody(entries, parsePaging(ctx.query)));
}

function parseRole(v: unknown): SiteRole {
  if (typeof v !== 'string' || !(SITE_ROLES as readonly string[]).includes(v))
    throw err.invalid(`Unknown role '${String(v)}'`);
  return v as SiteRole;
}

async function addMember(ctx: Ctx): Promise<void> {
  const site = visibleSite(ctx);
  const body = await readObject(ctx);
  requireManager(ctx, site);
  if (typeof body.id !== 'string') throw err.invalid('Member id is required');
  const role = parseRole(body.role);
  const user = ctx.core.directory.find(body.id);
  if (!user) throw err.notFound(body.id);
  if (site.members.has(user.id))
    throw new ApiError(
      409,
      'framework.exception.ConstraintViolated',
      `${user.id} is already a member of site ${site.id}`,
    );
  site.members.set(user.id, role);
  sendEntry(ctx, 201, memberEntry(ctx, user.id, role));
}

async function updateMember(ctx: Ctx): Promise<void> {
  const site = visibleSite(ctx);
  const body = await readObject(ctx);
  requireManager(ctx, site);
  const id = ctx.params.personId === '-me-' ? me(ctx).id : ctx.params.personId!;
  if (!site.members.has(id)) throw err.notFound(id);
  const role = parseRole(body.role);
  site.members.set(id, role);
  sendEntry(ctx, 200, memberEntry(ctx, id, role));
}

function removeMember(ctx: Ctx): void {
  const site = visibleSite(ctx);
  const id = ctx.params.personId === '-me-' ? me(ctx).id : ctx.params.personId!;
  if (id !== me(ctx).id) requireManager(ctx, site);
  if (!site.members.delete(id)) throw err.notFound(id);
  finish(ctx, 204, {});
}

/** Routes of the sites API. */
export const siteRoutes: Route[] = [
  { api: 'core', method: 'GET', path: '/sites', handler: listSites },
  { api: 'core', method: 'POST', path: '/sites', handler: createSite },
  {
    api: 'core',
    method: 'GET',
    path: '/sites/{siteId}',
    handler: (ctx) => sendEntry(ctx, 200, siteEntry(visibleSite(ctx), me(ctx).id)),
  },
  { api: 'core', method: 'DELETE', path: '/sites/{siteId}', handler: deleteSite },
  { api: 'core', method: 'GET', path: '/sites/{siteId}/containers', handler: containers },
  { api: 'core', method: 'GET', path: '/sites/{siteId}/containers/{containerId}', handler: container },
  { api: 'core', method: 'GET', path: '/sites/{siteId}/members', handler: listMembers },
  { api: 'core', method: 'POST', path: '/sites/{siteId}/members', handler: addMember },
  { api: 'core', method: 'PUT', path: '/sites/{siteId}/members/{personId}', handler: updateMember },
  { api: 'core', method: 'DELETE', path: '/sites/{siteId}/members/{personId}', handler: removeMember },
];
