// Content download/upload and version history.
import { assertWritable, checkLimits, writeContent } from './content-ops.js';
import { type Ctx, type Route, finish, me, readObject, readRaw, sendEntry, sendJson } from './context.js';
import { ApiError, csv, err, flag, httpDate, listBody, parsePaging } from './format.js';
import { charsetOf, effectiveMime } from './mime.js';
import { checkName, render, resolveNode } from './nodes-common.js';
import { check } from './perms.js';
import type { ContentData, RepoNode, VersionRecord } from './repo.js';
import { isFolderNode } from './repo.js';
import { versionEntry } from './serialize.js';

const INLINE_OK = /^(text\/plain|image\/(png|jpeg|gif)|application\/pdf)$/;

/** Parses a single `bytes=` range; undefined = serve everything; null = unsatisfiable. */
function parseRange(header: string | undefined, size: number): [number, number] | undefined | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec((header ?? '').trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // absent, malformed or multi-range: ignore (RFC 9110)
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 || size === 0 ? null : [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? null : [start, end];
}

/** Streams content with ContentStreamer's headers, If-Modified-Since (304) and Range (206/416). */
function streamContent(ctx: Ctx, content: ContentData | undefined, modifiedAt: number, name: string): void {
  const data = content ?? { bytes: Buffer.alloc(0), mimeType: 'application/octet-stream', encoding: 'UTF-8' };
  const headers: Record<string, string> = {
    'Last-Modified': httpDate(modifiedAt),
    ETag: `"${modifiedAt}"`,
    'Cache-Control': 'must-revalidate, max-age=0',
    'Accept-Ranges': 'bytes',
  };
  const since = Date.parse(ctx.req.headers['if-modified-since'] ?? '');
  // HTTP dates have second precision, so the comparison truncates modifiedAt like the server does.
  if (!Number.isNaN(since) && Math.floor(modifiedAt / 1000) * 1000 <= since) return finish(ctx, 304, headers);
  headers['Content-Type'] = `${data.mimeType};charset=${data.encoding}`;
  const attach = flag(ctx.query.get('attachment')) !== false || !INLINE_OK.test(data.mimeType);
  if (attach) {
    const ascii = name.replace(/[^\x20-\x7e]|"/g, '_');
    headers['Content-Disposition'] =
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
  }
  const size = data.bytes.length;
  const range = parseRange(ctx.req.headers.range, size);
  if (range === null)
    return finish(ctx, 416, { ...headers, 'Content-Range': `bytes */${size}` }, Buffer.alloc(0));
  if (range) {
    const [a, b] = range;
    return finish(
      ctx,
      206,
      { ...headers, 'Content-Range': `bytes ${a}-${b}/${size}` },
      data.bytes.subarray(a, b + 1),
    );
  }
  finish(ctx, 200, headers, data.bytes);
}

function fileNode(ctx: Ctx): RepoNode {
  const node = resolveNode(ctx);
  if (isFolderNode(node)) throw err.invalid(`NodeId of content is expected: ${node.id}`);
  return node;
}

function getContent(ctx: Ctx): void {
  const node = fileNode(ctx);
  streamContent(ctx, node.content, node.modifiedAt, node.name);
}

async function putContent(ctx: Ctx): Promise<void> {
  const node = fileNode(ctx);
  const user = me(ctx);
  check(ctx.repo, user, node, 'update');
  assertWritable(node, user.id);
  const newName = ctx.query.get('name');
  if (newName && newName !== node.name) {
    checkName(newName);
    const clash = ctx.repo.child(ctx.repo.require(node.parentId!), newName);
    if (clash && clash.id !== node.id) throw err.duplicate(newName);
  }
  const { bytes, tooLarge } = await readRaw(ctx, ctx.core.limits.maxUploadBytes);
  if (tooLarge) throw err.tooLarge();
  checkLimits(ctx.repo, ctx.core.limits, bytes.length, node);
  assertWritable(node, user.id); // the lock may have been taken while the body streamed in
  if (newName && newName !== node.name) ctx.repo.rename(node, newName);
  const type = ctx.req.headers['content-type'];
  const major = flag(ctx.query.get('majorVersion'));
  const comment = ctx.query.get('comment') ?? undefined;
  const data = { bytes, mimeType: effectiveMime(type, node.name), encoding: charsetOf(type) };
  writeContent(ctx.repo, node, data, user.id, {
    major,
    comment,
    enableVersioning: major !== undefined || !!comment,
  });
  sendEntry(ctx, 200, render(ctx, node, true));
}

function findVersion(ctx: Ctx, node: RepoNode): VersionRecord {
  const v = node.versions.find((x) => x.label === ctx.params.versionId);
  if (!v) throw err.notFound(ctx.params.versionId!);
  return v;
}

function listVersions(ctx: Ctx): void {
  const node = fileNode(ctx);
  const inc = csv(ctx.query.get('include'));
  const all = [...node.versions].reverse().map((v) => versionEntry(ctx.repo, v, inc));
  sendJson(ctx, 200, listBody(all, parsePaging(ctx.query)));
}

function getVersion(ctx: Ctx): void {
  const node = fileNode(ctx);
  sendEntry(ctx, 200, versionEntry(ctx.repo, findVersion(ctx, node), ['properties', 'aspectNames']));
}

function getVersionContent(ctx: Ctx): void {
  const v = findVersion(ctx, fileNode(ctx));
  streamContent(ctx, v.content, v.modifiedAt, v.name);
}

function deleteVersion(ctx: Ctx): void {
  const node = fileNode(ctx);
  const user = me(ctx);
  check(ctx.repo, user, node, 'update');
  assertWritable(node, user.id);
  const v = findVersion(ctx, node);
  if (node.versions.length === 1)
    throw new ApiError(
      422,
      'framework.exception.IntegrityViolation',
      'Cannot delete the last version of a node',
    );
  node.versions = node.versions.filter((x) => x !== v);
  node.properties['cm:versionLabel'] = node.versions[node.versions.length - 1]!.label;
  finish(ctx, 204, {});
}

async function revertVersion(ctx: Ctx): Promise<void> {
  const node = fileNode(ctx);
  const body = await readObject(ctx, true);
  const user = me(ctx);
  check(ctx.repo, user, node, 'update');
  assertWritable(node, user.id);
  const v = findVersion(ctx, node);
  const major = typeof body.majorVersion === 'boolean' ? body.majorVersion : false;
  const comment = typeof body.comment === 'string' ? body.comment : undefined;
  writeContent(ctx.repo, node, v.content ?? node.content!, user.id, {
    major,
    comment,
    enableVersioning: true,
  });
  sendEntry(ctx, 200, versionEntry(ctx.repo, node.versions[node.versions.length - 1]!));
}

/** Routes of content and versions. */
export const contentRoutes: Route[] = [
  { api: 'core', method: 'GET', path: '/nodes/{nodeId}/content', handler: getContent },
  { api: 'core', method: 'PUT', path: '/nodes/{nodeId}/content', handler: putContent },
  { api: 'core', method: 'GET', path: '/nodes/{nodeId}/versions', handler: listVersions },
  { api: 'core', method: 'GET', path: '/nodes/{nodeId}/versions/{versionId}', handler: getVersion },
  { api: 'core', method: 'DELETE', path: '/nodes/{nodeId}/versions/{versionId}', handler: deleteVersion },
  {
    api: 'core',
    method: 'GET',
    path: '/nodes/{nodeId}/versions/{versionId}/content',
    handler: getVersionContent,
  },
  {
    api: 'core',
    method: 'POST',
    path: '/nodes/{nodeId}/versions/{versionId}/revert',
    handler: revertVersion,
  },
];
