// Single-node operations: get, update, delete, copy, move, lock and unlock.
import { activeLock, assertWritable, checkLimits, createVersion, dropVersions } from './content-ops.js';
import { type Ctx, type Route, finish, me, readObject, sendEntry } from './context.js';
import { ApiError, err } from './format.js';
import { byIdOrAlias, checkName, render, requireFolder, resolveNode } from './nodes-common.js';
import { can, check } from './perms.js';
import { applyProperties, cleanAspects, cleanProperties, replaceAspects } from './props.js';
import { type LockInfo, type RepoNode, isFolderNode } from './repo.js';

function getNode(ctx: Ctx): void {
  sendEntry(ctx, 200, render(ctx, resolveNode(ctx, true), true));
}

async function updateNode(ctx: Ctx): Promise<void> {
  const node = resolveNode(ctx);
  const body = await readObject(ctx, true);
  const user = me(ctx);
  check(ctx.repo, user, node, 'update');
  assertWritable(node, user.id);
  // Validate everything first so a bad field never leaves a half-applied update.
  const props = body.properties === undefined ? undefined : cleanProperties(body.properties);
  const aspects = body.aspectNames === undefined ? undefined : cleanAspects(body.aspectNames);
  if (body.nodeType !== undefined && body.nodeType !== node.nodeType)
    throw err.invalid(`Changing nodeType to ${String(body.nodeType)} is not supported`);
  let rename: string | undefined;
  if (body.name !== undefined && body.name !== node.name) {
    rename = checkName(body.name);
    const clash = ctx.repo.child(ctx.repo.require(node.parentId!), rename);
    if (clash && clash.id !== node.id) throw err.duplicate(rename);
  }
  let changed = false;
  let addedVersionable = false;
  if (rename) {
    ctx.repo.rename(node, rename);
    changed = true;
  }
  if (aspects) {
    const { added, removed } = replaceAspects(node, aspects);
    if (removed.includes('cm:versionable')) dropVersions(node);
    addedVersionable = added.includes('cm:versionable') && !isFolderNode(node);
    changed ||= added.length > 0 || removed.length > 0;
  }
  const propsChanged = props ? applyProperties(node, props) : false;
  changed ||= propsChanged;
  if (changed) ctx.repo.touch(node, user.id);
  if (addedVersionable) createVersion(node, true);
  // cm:autoVersionOnUpdateProps (default false since MNT-12226): a metadata update makes a minor version.
  else if (
    propsChanged &&
    node.aspects.includes('cm:versionable') &&
    node.properties['cm:autoVersionOnUpdateProps'] === true &&
    node.properties['cm:autoVersion'] !== false
  )
    createVersion(node, false);
  sendEntry(ctx, 200, render(ctx, node, true));
}

function deleteNode(ctx: Ctx): void {
  const node = resolveNode(ctx);
  const user = me(ctx);
  const repo = ctx.repo;
  if ([repo.rootId, repo.sitesId, repo.sharedId, repo.homesId].includes(node.id)) throw err.denied();
  const tree = repo.subtree(node);
  for (const n of tree) check(repo, user, n, 'delete');
  for (const n of tree) assertWritable(n, user.id);
  const permanent = ctx.query.get('permanent') === 'true';
  if (permanent && !user.isAdmin && node.createdBy !== user.id) throw err.denied();
  repo.remove(node, user.id, permanent);
  finish(ctx, 204, {});
}

/** Reads {targetParentId, name?} and validates target and name for copy/move. */
async function target(ctx: Ctx, source: RepoNode): Promise<{ parent: RepoNode; name: string }> {
  const body = await readObject(ctx);
  if (typeof body.targetParentId !== 'string') throw err.invalid('targetParentId is required');
  const parent = byIdOrAlias(ctx.repo, me(ctx), body.targetParentId);
  check(ctx.repo, me(ctx), parent, 'read');
  requireFolder(parent);
  const name = body.name === undefined || body.name === null ? source.name : checkName(body.name);
  if (isFolderNode(source) && ctx.repo.isSelfOrAncestor(source, parent))
    throw err.invalid(`Cannot copy or move node ${source.id} below itself`);
  check(ctx.repo, me(ctx), parent, 'create');
  const clash = ctx.repo.child(parent, name);
  if (clash && clash.id !== source.id) throw err.duplicate(name);
  return { parent, name };
}

/** Deep copy; locks are not copied and versionable copies restart their history at 1.0. */
function copyTree(ctx: Ctx, src: RepoNode, parent: RepoNode, name: string): RepoNode {
  const copy = ctx.repo.insert(parent, name, src.nodeType, me(ctx).id);
  copy.aspects = src.aspects.filter((a) => a !== 'cm:lockable');
  copy.properties = { ...src.properties };
  if (src.content) copy.content = src.content;
  if (copy.aspects.includes('cm:versionable')) {
    dropVersions(copy);
    createVersion(copy, true);
  }
  for (const child of ctx.repo.childrenOf(src)) copyTree(ctx, child, copy, child.name);
  return copy;
}

async function copyNode(ctx: Ctx): Promise<void> {
  const src = resolveNode(ctx);
  const { parent, name } = await target(ctx, src);
  const size = ctx.repo.subtree(src).reduce((n, x) => n + (x.content?.bytes.length ?? 0), 0);
  if (ctx.core.limits.quotaBytes !== undefined)
    checkLimits(ctx.repo, { quotaBytes: ctx.core.limits.quotaBytes }, size);
  sendEntry(ctx, 201, render(ctx, copyTree(ctx, src, parent, name), true));
}

async function moveNode(ctx: Ctx): Promise<void> {
  const node = resolveNode(ctx);
  const user = me(ctx);
  check(ctx.repo, user, node, 'delete');
  const { parent, name } = await target(ctx, node);
  assertWritable(node, user.id);
  ctx.repo.relink(node, parent, name);
  // Bumped so sync clients comparing modifiedAt notice the move (documented deviation: ACS may not).
  ctx.repo.touch(node, user.id);
  sendEntry(ctx, 200, render(ctx, node, true));
}

async function lockNode(ctx: Ctx): Promise<void> {
  const node = resolveNode(ctx);
  const body = await readObject(ctx, true);
  const user = me(ctx);
  if (isFolderNode(node)) throw err.invalid(`Node of type ${node.nodeType} cannot be locked; only files can`);
  const type = (body.type ?? 'ALLOW_OWNER_CHANGES') as LockInfo['type'];
  const lifetime = (body.lifetime ?? 'PERSISTENT') as LockInfo['lifetime'];
  const tte = body.timeToExpire ?? 0;
  if (!['ALLOW_OWNER_CHANGES', 'FULL'].includes(type)) throw err.invalid(`Invalid lock type: ${type}`);
  if (!['PERSISTENT', 'EPHEMERAL'].includes(lifetime))
    throw err.invalid(`Invalid lock lifetime: ${lifetime}`);
  if (typeof tte !== 'number' || !Number.isInteger(tte) || tte < 0) throw err.invalid('Invalid timeToExpire');
  check(ctx.repo, user, node, 'update');
  const current = activeLock(node);
  if (current && current.owner !== user.id) throw err.lockContention(node.id);
  node.lock = { owner: user.id, type, lifetime, ...(tte > 0 ? { expiresAt: Date.now() + tte * 1000 } : {}) };
  sendEntry(ctx, 200, render(ctx, node, true));
}

function unlockNode(ctx: Ctx): void {
  const node = resolveNode(ctx);
  const user = me(ctx);
  const lock = activeLock(node);
  // Only the lock owner or an admin may unlock; with no lock, plain write permission is enough.
  if (lock ? lock.owner !== user.id && !user.isAdmin : !can(ctx.repo, user, node, 'update'))
    throw err.denied();
  // NodesImpl.unlock: IntegrityException, 422 (NodeApiTest "Unlock on a not locked node").
  if (!lock)
    throw new ApiError(
      422,
      'framework.exception.IntegrityViolation',
      `Can't unlock node ${node.id} because it isn't locked`,
    );
  delete node.lock;
  sendEntry(ctx, 200, render(ctx, node, true));
}

/** Routes of single-node operations. */
export const nodeRoutes: Route[] = [
  { api: 'core', method: 'GET', path: '/nodes/{nodeId}', handler: getNode },
  { api: 'core', method: 'PUT', path: '/nodes/{nodeId}', handler: updateNode },
  { api: 'core', method: 'DELETE', path: '/nodes/{nodeId}', handler: deleteNode },
  { api: 'core', method: 'POST', path: '/nodes/{nodeId}/copy', handler: copyNode },
  { api: 'core', method: 'POST', path: '/nodes/{nodeId}/move', handler: moveNode },
  { api: 'core', method: 'POST', path: '/nodes/{nodeId}/lock', handler: lockNode },
  { api: 'core', method: 'POST', path: '/nodes/{nodeId}/unlock', handler: unlockNode },
];
