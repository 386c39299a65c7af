// Node resolution, rendering and creation shared by the JSON, multipart and programmatic paths.
import { type Limits, checkLimits, createVersion } from './content-ops.js';
import { type Ctx, me } from './context.js';
import { csv, err, isValidName } from './format.js';
import { guessMime } from './mime.js';
import { check } from './perms.js';
import { applyProperties, cleanAspects, cleanProperties } from './props.js';
import { type ContentData, type RepoNode, type Repository, isFolderNode } from './repo.js';
import { nodeEntry } from './serialize.js';
import type { User } from './users.js';

/** Resolves `-root-`, `-my-`, `-shared-` or a node id (no permission check). */
export function byIdOrAlias(repo: Repository, user: User, id: string): RepoNode {
  if (id === '-root-') return repo.require(repo.rootId);
  if (id === '-shared-') return repo.require(repo.sharedId);
  if (id === '-my-') return repo.userHome(user.id);
  return repo.require(id);
}

/** The node named by the `nodeId` path parameter (plus `relativePath` if allowed), readable by the caller. */
export function resolveNode(ctx: Ctx, allowRelative = false): RepoNode {
  const user = me(ctx);
  let node = byIdOrAlias(ctx.repo, user, ctx.params.nodeId!);
  const rel = allowRelative ? ctx.query.get('relativePath') : null;
  if (rel) {
    check(ctx.repo, user, node, 'read');
    node = ctx.repo.resolveRelative(node, rel);
  }
  check(ctx.repo, user, node, 'read');
  return node;
}

/** Renders a node for the caller using the request's include/fields parameters. */
export function render(ctx: Ctx, node: RepoNode, full: boolean): Record<string, unknown> {
  return nodeEntry(ctx.repo, me(ctx), node, {
    include: csv(ctx.query.get('include')),
    fields: csv(ctx.query.get('fields')),
    full,
  });
}

/** 422 unless `name` is a legal cm:name. */
export function checkName(name: unknown): string {
  if (typeof name !== 'string' || !isValidName(name)) throw err.badName(String(name));
  return name;
}

/** 400 unless the node is a folder (children, copy/move targets). */
export function requireFolder(node: RepoNode): void {
  if (!isFolderNode(node)) throw err.invalid(`NodeId of folder is expected: ${node.id}`);
}

/** Walks `relativePath` below `parent`, creating missing folders (as NodesImpl does on create). */
export function ensureFolders(repo: Repository, user: User, parent: RepoNode, rel: string): RepoNode {
  let cur = parent;
  for (const seg of rel.split('/').filter(Boolean)) {
    const existing = repo.child(cur, seg);
    if (existing) {
      requireFolder(existing);
      check(repo, user, existing, 'read');
      cur = existing;
      continue;
    }
    checkName(seg);
    check(repo, user, cur, 'create');
    cur = repo.insert(cur, seg, 'cm:folder', user.id);
  }
  return cur;
}

/** Everything needed to create one node. */
export interface CreateSpec {
  name: unknown;
  nodeType: unknown;
  properties?: unknown;
  aspectNames?: unknown;
  relativePath?: string;
  autoRename?: boolean;
  content?: ContentData;
  /** Version the new file: major defaults to true (1.0); false gives 0.1. */
  version?: { major?: boolean; comment?: string };
}

/** Creates a folder or file below `parent` with all the server's checks; returns the new node. */
export function createNode(
  repo: Repository,
  user: User,
  parentIn: RepoNode,
  spec: CreateSpec,
  limits: Limits,
): RepoNode {
  requireFolder(parentIn);
  if (spec.name === undefined || spec.name === '' || spec.nodeType === undefined)
    throw err.invalid('Required parameters are missing');
  if (spec.nodeType !== 'cm:folder' && spec.nodeType !== 'cm:content')
    throw err.invalid(`Unsupported nodeType: ${String(spec.nodeType)}`);
  let name = checkName(spec.name);
  const props = cleanProperties(spec.properties);
  const aspects = spec.aspectNames === undefined ? [] : cleanAspects(spec.aspectNames);
  const parent = spec.relativePath ? ensureFolders(repo, user, parentIn, spec.relativePath) : parentIn;
  check(repo, user, parent, 'create');
  if (repo.child(parent, name)) {
    if (!spec.autoRename) throw err.duplicate(name);
    name = repo.uniqueName(parent, name);
  }
  const isFile = spec.nodeType === 'cm:content';
  // JSON-created files get empty content with a mimetype guessed from the name, like NodesImpl.
  const content = isFile
    ? (spec.content ?? { bytes: Buffer.alloc(0), mimeType: guessMime(name), encoding: 'UTF-8' })
    : undefined;
  if (content) checkLimits(repo, limits, content.bytes.length);
  const node = repo.insert(parent, name, spec.nodeType, user.id);
  for (const a of aspects) if (!node.aspects.includes(a)) node.aspects.push(a);
  applyProperties(node, props);
  if (content) node.content = content;
  if (isFile && (spec.version || aspects.includes('cm:versionable')))
    createVersion(node, spec.version?.major ?? true, spec.version?.comment);
  return node;
}
