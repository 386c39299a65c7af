// Checkout and cancel-checkout (NodesImpl.checkout / cancelCheckout): a private working copy beside the
// original, which is versioned, locked read-only and marked cm:checkedOut. There is no checkin route in the
// official definitions this emulator serves, so a working copy ends by cancel-checkout only.
import { activeLock, createVersion } from './content-ops.js';
import { type Ctx, type Route, me, sendEntry } from './context.js';
import { ApiError, err } from './format.js';
import { render, resolveNode } from './nodes-common.js';
import { check } from './perms.js';
import { type RepoNode, isFolderNode } from './repo.js';

function contentNode(ctx: Ctx): RepoNode {
  const node = resolveNode(ctx);
  if (isFolderNode(node)) throw err.invalid(`Node of type cm:content or a subtype is expected: ${node.id}`);
  return node;
}

/** `name (Working Copy).ext`, as CheckOutCheckInServiceImpl names it. */
function workingCopyName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (Working Copy)${name.slice(dot)}` : `${name} (Working Copy)`;
}

function checkout(ctx: Ctx): void {
  const node = contentNode(ctx);
  const user = me(ctx);
  check(ctx.repo, user, node, 'update');
  if (node.aspects.includes('cm:checkedOut') || node.aspects.includes('cm:workingcopy') || activeLock(node))
    throw new ApiError(
      409,
      'framework.exception.ConstraintViolated',
      `Checkout failed for nodeId workspace://SpacesStore/${node.id} due to The node is already checked out or locked`,
    );
  // ensureVersioningEnabled with cm:autoVersion true, cm:autoVersionOnUpdateProps false.
  if (!node.aspects.includes('cm:versionable')) {
    node.properties['cm:autoVersion'] = true;
    node.properties['cm:autoVersionOnUpdateProps'] = false;
    createVersion(node, true);
  }
  const parent = ctx.repo.require(node.parentId!);
  const wc = ctx.repo.insert(
    parent,
    ctx.repo.uniqueName(parent, workingCopyName(node.name)),
    node.nodeType,
    user.id,
  );
  wc.aspects.push(
    'cm:workingcopy',
    ...node.aspects.filter((a) => a !== 'cm:versionable' && a !== 'cm:auditable'),
  );
  wc.properties = {
    ...node.properties,
    'cm:workingCopyOwner': user.id,
    'cm:workingCopyMode': 'offlineEditing',
  };
  delete wc.properties['cm:versionLabel'];
  delete wc.properties['cm:versionType'];
  if (node.content) wc.content = node.content;
  wc.originalId = node.id;
  node.workingCopyId = wc.id;
  node.aspects.push('cm:checkedOut');
  node.lock = { owner: user.id, type: 'FULL', lifetime: 'PERSISTENT' };
  sendEntry(ctx, 200, render(ctx, wc, true));
}

function cancelCheckout(ctx: Ctx): void {
  const node = contentNode(ctx);
  const user = me(ctx);
  check(ctx.repo, user, node, 'update');
  let original: RepoNode;
  if (node.originalId || node.workingCopyId) {
    const wc = node.originalId ? node : ctx.repo.get(node.workingCopyId!);
    original = node.originalId ? ctx.repo.require(node.originalId) : node;
    if (!wc)
      throw new ApiError(
        422,
        'framework.exception.IntegrityViolation',
        `Can't cancel checkout for node ${node.id} because it has no working copy`,
      );
    if (wc.properties['cm:workingCopyOwner'] !== user.id && !user.isAdmin) throw err.denied();
    ctx.repo.remove(wc, user.id, true);
    original.aspects = original.aspects.filter((a) => a !== 'cm:checkedOut');
    delete original.workingCopyId;
    delete original.lock;
  } else if (activeLock(node)) {
    delete node.lock;
    original = node;
  } else {
    throw new ApiError(
      422,
      'framework.exception.IntegrityViolation',
      `Can't cancel checkout for node ${node.id} because it isn't checked out or locked`,
    );
  }
  sendEntry(ctx, 200, render(ctx, original, true));
}

/** Routes of checkout (both are in alfresco-core.yaml). */
export const checkoutRoutes: Route[] = [
  { api: 'core', method: 'POST', path: '/nodes/{nodeId}/checkout', handler: checkout },
  { api: 'core', method: 'POST', path: '/nodes/{nodeId}/cancel-checkout', handler: cancelCheckout },
];
