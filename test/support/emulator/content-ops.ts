// Content writes, version history and locks: the behaviour sync clients depend on most.
import { err, formatDate } from './format.js';
import type { ContentData, LockInfo, RepoNode, Repository } from './repo.js';

/** Next version label: 1.0 → 1.1 (minor) or 2.0 (major); the first one is 1.0, or 0.1 if minor. */
export function nextLabel(prev: string | undefined, major: boolean): string {
  if (!prev) return major ? '1.0' : '0.1';
  const [ma, mi] = prev.split('.').map(Number) as [number, number];
  return major ? `${ma + 1}.0` : `${ma}.${mi + 1}`;
}

/**
 * Freezes the node's current state as a new version. `major` defaults to true for the first version
 * (uploads start at 1.0) and to false afterwards (content updates go 1.0 → 1.1).
 */
export function createVersion(node: RepoNode, major: boolean | undefined, comment?: string): void {
  const prev = node.properties['cm:versionLabel'] as string | undefined;
  const isMajor = major ?? node.versions.length === 0;
  const label = nextLabel(node.versions.length ? prev : undefined, isMajor);
  if (!node.aspects.includes('cm:versionable')) node.aspects.push('cm:versionable');
  node.properties['cm:versionLabel'] = label;
  node.properties['cm:versionType'] = isMajor ? 'MAJOR' : 'MINOR';
  node.versions.push({
    label,
    type: isMajor ? 'MAJOR' : 'MINOR',
    ...(comment ? { comment } : {}),
    name: node.name,
    nodeType: node.nodeType,
    modifiedAt: node.modifiedAt,
    modifiedBy: node.modifiedBy,
    content: node.content,
    properties: { ...node.properties },
    aspects: [...node.aspects],
  });
}

/** Drops version history (when cm:versionable is removed, as VersionService does). */
export function dropVersions(node: RepoNode): void {
  node.versions = [];
  delete node.properties['cm:versionLabel'];
  delete node.properties['cm:versionType'];
}

/** Limits enforced on every content write. */
export interface Limits {
  maxUploadBytes?: number;
  quotaBytes?: number;
}

/** Throws 413/507 if `size` bytes replacing `node`'s content would break the limits. */
export function checkLimits(repo: Repository, limits: Limits, size: number, replacing?: RepoNode): void {
  if (limits.maxUploadBytes !== undefined && size > limits.maxUploadBytes) throw err.tooLarge();
  if (limits.quotaBytes !== undefined) {
    const after = repo.usedBytes() - (replacing?.content?.bytes.length ?? 0) + size;
    if (after > limits.quotaBytes) throw err.quota();
  }
}

/** Options of a content write: versioning flags as the REST API names them. */
export interface WriteOpts {
  major?: boolean;
  comment?: string;
  /** Create a version even if the node is not yet versionable (majorVersion/comment/versioningEnabled). */
  enableVersioning?: boolean;
}

/** Replaces content, bumps modifiedAt and versions the node if it is (or becomes) versionable. */
export function writeContent(
  repo: Repository,
  node: RepoNode,
  data: ContentData,
  userId: string,
  opts: WriteOpts = {},
): void {
  node.content = data;
  repo.touch(node, userId);
  const versioned = node.aspects.includes('cm:versionable');
  // NodesImpl.shouldCreateVersionOnContentUpdate: a versioned node with cm:autoVersion false gets no new
  // version, whatever majorVersion/comment say (MNT-25259); an unversioned one only when asked.
  if (versioned ? node.properties['cm:autoVersion'] !== false : opts.enableVersioning)
    createVersion(node, opts.major, opts.comment);
}

/** The node's lock if still valid; expired locks are cleared on sight (LockService does it lazily too). */
export function activeLock(node: RepoNode): LockInfo | undefined {
  if (node.lock?.expiresAt !== undefined && node.lock.expiresAt <= Date.now()) delete node.lock;
  return node.lock;
}

/** True when `userId` may not write because someone else holds the lock (or a FULL lock is held). */
export function lockedAgainst(node: RepoNode, userId: string): boolean {
  const lock = activeLock(node);
  return !!lock && (lock.owner !== userId || lock.type === 'FULL');
}

/** 409 "Cannot perform operation since the node … is locked." when writes are blocked. */
export function assertWritable(node: RepoNode, userId: string): void {
  if (lockedAgainst(node, userId)) throw err.locked(node.id);
}

/** cm:lockable properties as GET /nodes shows them for a persistent lock. */
export function lockProperties(repo: Repository, node: RepoNode): Record<string, unknown> {
  const lock = activeLock(node);
  if (!lock || lock.lifetime !== 'PERSISTENT') return {};
  return {
    'cm:lockType': lock.type === 'FULL' ? 'READ_ONLY_LOCK' : 'WRITE_LOCK',
    'cm:lockOwner': { id: lock.owner, displayName: repo.directory.displayName(lock.owner) },
    'cm:lockLifetime': lock.lifetime,
    ...(lock.expiresAt !== undefined ? { 'cm:expiryDate': formatDate(lock.expiresAt) } : {}),
  };
}
