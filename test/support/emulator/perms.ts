// Permission model: admins may do anything; site content needs site membership with a sufficient role.
import { err } from './format.js';
import type { RepoNode, Repository } from './repo.js';
import type { User } from './users.js';

/** What a caller wants to do with a node ('create' means: add children to it). */
export type Access = 'read' | 'create' | 'update' | 'delete';

/**
 * Decides access. Simplifications (deliberate, so tests can produce TARGET_NODE_ACCESS_DENIED):
 * non-members get nothing in any site, even a public one (the real server grants public-site read to
 * everyone); a SiteContributor may edit and delete what they created (they own it, as in ACS).
 */
export function can(repo: Repository, user: User, node: RepoNode, access: Access): boolean {
  if (user.isAdmin) return true;
  const site = repo.siteOf(node);
  if (site) {
    const role = site.members.get(user.id);
    if (!role) return false;
    if (access === 'read') return true;
    const structural = node.id === site.guid || node.id === site.docLibId;
    if (structural && access !== 'create') return role === 'SiteManager';
    switch (role) {
      case 'SiteConsumer':
        return false;
      case 'SiteContributor':
        return access === 'create' || node.createdBy === user.id;
      default:
        return true;
    }
  }
  const home = repo.get(repo.homesId)!;
  const inHomes = repo.ancestors(node).some((a) => a.id === home.id);
  if (inHomes) {
    const mine = repo.userHome(user.id);
    return node.id === mine.id || repo.ancestors(node).some((a) => a.id === mine.id);
  }
  // Company Home, Sites, User Homes: readable by all; Shared: everyone may contribute.
  if (access === 'read') return true;
  const inShared = node.id === repo.sharedId || repo.ancestors(node).some((a) => a.id === repo.sharedId);
  return inShared && (access === 'create' || (node.id !== repo.sharedId && node.createdBy === user.id));
}

/** Throws 403 PermissionDenied unless `can` allows. */
export function check(repo: Repository, user: User, node: RepoNode, access: Access): void {
  if (!can(repo, user, node, access)) throw err.denied();
}
