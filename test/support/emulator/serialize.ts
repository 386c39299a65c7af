// Renders repository objects as REST API entries (Node, Version, Site), honouring include and fields.
import { activeLock, lockProperties } from './content-ops.js';
import { formatDate } from './format.js';
import { mimeName } from './mime.js';
import { can } from './perms.js';
import { HIDDEN_PROPS } from './props.js';
import {
  isFolderNode,
  type ContentData,
  type RepoNode,
  type Repository,
  type SiteRecord,
  type VersionRecord,
} from './repo.js';
import type { User } from './users.js';

/** How to render a node: `full` adds properties+aspectNames (single-node responses do, lists do not). */
export interface RenderOpts {
  include?: string[];
  fields?: string[];
  full?: boolean;
}

function userInfo(repo: Repository, id: string): { id: string; displayName: string } {
  return { id, displayName: repo.directory.displayName(id) };
}

function contentInfo(c: ContentData): Record<string, unknown> {
  return {
    mimeType: c.mimeType,
    mimeTypeName: mimeName(c.mimeType),
    sizeInBytes: c.bytes.length,
    encoding: c.encoding,
  };
}

/** Properties as the API shows them: no sys:, no cm:name/created/…, plus live lock properties. */
function visibleProperties(repo: Repository, node: RepoNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node.properties))
    if (!k.startsWith('sys:') && !HIDDEN_PROPS.has(k)) out[k] = v;
  return { ...out, ...lockProperties(repo, node) };
}

function visibleAspects(node: RepoNode): string[] {
  const lock = activeLock(node);
  const aspects = node.aspects.filter((a) => !a.startsWith('sys:') && a !== 'cm:lockable');
  return lock?.lifetime === 'PERSISTENT' ? [...aspects, 'cm:lockable'] : aspects;
}

/** The `path` object: the parent's path (`/Company Home/…`) and its elements. */
export function pathInfo(repo: Repository, node: RepoNode): Record<string, unknown> {
  const anc = repo.ancestors(node);
  return {
    name: '/' + anc.map((a) => a.name).join('/'),
    isComplete: true,
    elements: anc.map((a) => ({
      id: a.id,
      name: a.name,
      nodeType: a.nodeType,
      aspectNames: visibleAspects(a),
    })),
  };
}

function allowableOperations(repo: Repository, user: User, node: RepoNode): string[] {
  const ops: string[] = [];
  const writable = !activeLock(node) || activeLock(node)!.owner === user.id;
  if (can(repo, user, node, 'delete') && writable) ops.push('delete');
  if (can(repo, user, node, 'update') && writable) ops.push('update');
  if (isFolderNode(node) && can(repo, user, node, 'create')) ops.push('create');
  if (user.isAdmin) ops.push('updatePermissions');
  return ops;
}

/**
 * `include=permissions`: what the site's groups inherit (`GROUP_site_<id>_<Role>`, as SiteServiceImpl names
 * them) and the roles that could be set. No permission is ever set locally here.
 */
function permissionsInfo(repo: Repository, node: RepoNode): Record<string, unknown> {
  const site = repo.siteOf(node);
  const roles = ['SiteManager', 'SiteCollaborator', 'SiteContributor', 'SiteConsumer'];
  const inherited = site
    ? roles.map((r) => ({ authorityId: `GROUP_site_${site.id}_${r}`, name: r, accessStatus: 'ALLOWED' }))
    : [{ authorityId: 'GROUP_EVERYONE', name: 'Consumer', accessStatus: 'ALLOWED' }];
  return {
    isInheritanceEnabled: true,
    inherited,
    settable: site ? roles : ['Contributor', 'Collaborator', 'Coordinator', 'Editor', 'Consumer'],
  };
}

/** Applies `fields` (plus the included names) to a rendered entry. */
function pick(entry: Record<string, unknown>, opts: RenderOpts): Record<string, unknown> {
  if (!opts.fields?.length) return entry;
  const keep = new Set([...opts.fields, ...(opts.include ?? [])]);
  return Object.fromEntries(Object.entries(entry).filter(([k]) => keep.has(k)));
}

/** Renders a Node entry. */
export function nodeEntry(
  repo: Repository,
  user: User,
  node: RepoNode,
  opts: RenderOpts = {},
): Record<string, unknown> {
  const inc = new Set(opts.include ?? []);
  const folder = isFolderNode(node);
  const e: Record<string, unknown> = {
    id: node.id,
    name: node.name,
    nodeType: node.nodeType,
    isFolder: folder,
    isFile: !folder,
    modifiedAt: formatDate(node.modifiedAt),
    modifiedByUser: userInfo(repo, node.modifiedBy),
    createdAt: formatDate(node.createdAt),
    createdByUser: userInfo(repo, node.createdBy),
  };
  if (node.parentId) e.parentId = node.parentId;
  if (node.content && !folder) e.content = contentInfo(node.content);
  if (opts.full || inc.has('aspectNames')) e.aspectNames = visibleAspects(node);
  if (opts.full || inc.has('properties')) {
    // NodesImpl leaves `properties` out (null) when a node has none to show (NodeVersionsApiTest).
    const props = visibleProperties(repo, node);
    if (Object.keys(props).length > 0) e.properties = props;
  }
  if (inc.has('isLocked')) e.isLocked = !!activeLock(node);
  if (inc.has('isLink')) e.isLink = false;
  if (inc.has('isFavorite')) e.isFavorite = false;
  if (inc.has('path')) e.path = pathInfo(repo, node);
  if (inc.has('allowableOperations')) e.allowableOperations = allowableOperations(repo, user, node);
  if (inc.has('permissions')) e.permissions = permissionsInfo(repo, node);
  return pick(e, opts);
}

/** Renders a Version entry (id is the label, e.g. "1.1"). */
export function versionEntry(
  repo: Repository,
  v: VersionRecord,
  include: string[] = [],
): Record<string, unknown> {
  const e: Record<string, unknown> = {
    id: v.label,
    ...(v.comment ? { versionComment: v.comment } : {}),
    name: v.name,
    nodeType: v.nodeType,
    isFolder: false,
    isFile: true,
    modifiedAt: formatDate(v.modifiedAt),
    modifiedByUser: userInfo(repo, v.modifiedBy),
  };
  if (v.content) e.content = contentInfo(v.content);
  if (include.includes('aspectNames')) e.aspectNames = v.aspects.filter((a) => !a.startsWith('sys:'));
  if (include.includes('properties')) e.properties = { ...v.properties };
  return e;
}

/** Renders a Site entry; `role` is the caller's membership, when they have one. */
export function siteEntry(site: SiteRecord, userId: string): Record<string, unknown> {
  const role = site.members.get(userId);
  return {
    id: site.id,
    guid: site.guid,
    title: site.title,
    description: site.description,
    visibility: site.visibility,
    preset: 'site-dashboard',
    ...(role ? { role } : {}),
  };
}
