// GET/POST /nodes/{nodeId}/children: listing with paging/orderBy/where, JSON creation and uploads.
import { assertWritable, checkLimits, writeContent } from './content-ops.js';
import { type Ctx, type Route, me, readJson, sendEntry, sendJson } from './context.js';
import { ApiError, csv, err, flag, listBody, parsePaging } from './format.js';
import { charsetOf, effectiveMime } from './mime.js';
import { field, parseUpload } from './multipart.js';
import { createNode, ensureFolders, render, requireFolder, resolveNode } from './nodes-common.js';
import { can, check } from './perms.js';
import { applyProperties, cleanProperties } from './props.js';
import { type RepoNode, isFolderNode } from './repo.js';

type Cmp = (a: RepoNode, b: RepoNode) => number;
const num =
  (f: (n: RepoNode) => number): Cmp =>
  (a, b) =>
    f(a) - f(b);
const str =
  (f: (n: RepoNode) => string): Cmp =>
  (a, b) =>
    f(a).toLowerCase().localeCompare(f(b).toLowerCase());

/** orderBy fields the children endpoint accepts. */
const ORDER_FIELDS: Record<string, Cmp> = {
  isFolder: num((n) => (isFolderNode(n) ? 1 : 0)),
  name: str((n) => n.name),
  mimeType: str((n) => n.content?.mimeType ?? ''),
  nodeType: str((n) => n.nodeType),
  sizeInBytes: num((n) => n.content?.bytes.length ?? 0),
  modifiedAt: num((n) => n.modifiedAt),
  createdAt: num((n) => n.createdAt),
  modifiedByUser: str((n) => n.modifiedBy),
  createdByUser: str((n) => n.createdBy),
};

function comparator(orderBy: string | null): Cmp {
  const parts = csv(orderBy || 'isFolder DESC,name ASC').map((p) => {
    const [fieldName, dir = 'ASC'] = p.split(/\s+/);
    const cmp = ORDER_FIELDS[fieldName!];
    if (!cmp || !['ASC', 'DESC'].includes(dir.toUpperCase())) throw err.invalid(`Invalid orderBy: ${p}`);
    return dir.toUpperCase() === 'DESC' ? (a: RepoNode, b: RepoNode) => -cmp(a, b) : cmp;
  });
  return (a, b) => {
    for (const c of parts) {
      const r = c(a, b);
      if (r) return r;
    }
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  };
}

/** Supports the where clauses a sync client uses; anything else is 400 InvalidQuery like the server. */
function whereFilter(where: string | null): (n: RepoNode) => boolean {
  if (!where) return () => true;
  const m = /^\(\s*(isFolder|isFile|isPrimary)\s*=\s*(true|false)\s*\)$/i.exec(where.trim());
  const t = /^\(\s*nodeType\s*=\s*'([^' ]+)( INCLUDESUBTYPES)?'\s*\)$/i.exec(where.trim());
  if (m) {
    const want = m[2]!.toLowerCase() === 'true';
    const key = m[1]!.toLowerCase();
    if (key === 'isprimary') return () => want;
    return (n) => (key === 'isfolder' ? isFolderNode(n) : !isFolderNode(n)) === want;
  }
  if (t) return (n) => n.nodeType === t[1] || (!!t[2] && t[1] === 'cm:folder' && isFolderNode(n));
  throw new ApiError(
    400,
    'framework.exception.InvalidQuery',
    `An invalid WHERE query was received. ${where}`,
  );
}

function listChildren(ctx: Ctx): void {
  const parent = resolveNode(ctx, true);
  requireFolder(parent);
  const user = me(ctx);
  const keep = whereFilter(ctx.query.get('where'));
  const kids = ctx.repo
    .childrenOf(parent)
    .filter((n) => keep(n) && can(ctx.repo, user, n, 'read'))
    .sort(comparator(ctx.query.get('orderBy')));
  const paging = parsePaging(ctx.query);
  const extra = flag(ctx.query.get('includeSource')) ? { source: render(ctx, parent, true) } : {};
  sendJson(
    ctx,
    200,
    listBody(
      kids.map((n) => render(ctx, n, false)),
      paging,
      extra,
    ),
  );
}

async function createJson(ctx: Ctx, parent: RepoNode): Promise<void> {
  const body = await readJson(ctx);
  const items = Array.isArray(body) ? body : [body];
  if (!items.length || items.some((b) => !b || typeof b !== 'object' || Array.isArray(b)))
    throw err.invalid('Could not read content from HTTP request body');
  const major = flag(ctx.query.get('majorVersion'));
  const versioned = major !== undefined || flag(ctx.query.get('versioningEnabled')) === true;
  const created = (items as Record<string, unknown>[]).map((b) =>
    createNode(
      ctx.repo,
      me(ctx),
      parent,
      {
        name: b.name,
        nodeType: b.nodeType,
        properties: b.properties,
        aspectNames: b.aspectNames,
        relativePath: typeof b.relativePath === 'string' ? b.relativePath : undefined,
        autoRename: flag(ctx.query.get('autoRename')) ?? false,
        version: versioned ? { major: major ?? true } : undefined,
      },
      ctx.core.limits,
    ),
  );
  if (!Array.isArray(body)) return sendEntry(ctx, 201, render(ctx, created[0]!, true));
  const n = created.length;
  sendJson(
    ctx,
    201,
    listBody(
      created.map((c) => render(ctx, c, true)),
      { skipCount: 0, maxItems: n },
    ),
  );
}

/** Upload. Flags come from the form fields only (the query is ignored), as in NodesImpl. */
async function createMultipart(ctx: Ctx, parent: RepoNode): Promise<void> {
  const user = me(ctx);
  const form = await parseUpload(ctx.req, ctx.core.limits.maxUploadBytes);
  if (!form.file) throw err.invalid('Required parameters are missing');
  if (form.file.tooLarge) throw err.tooLarge();
  const name = field(form, 'name') || form.file.filename;
  const autoRename = flag(field(form, 'autoRename')) ?? false;
  const overwrite = flag(field(form, 'overwrite')) ?? false;
  if (autoRename && overwrite) throw err.invalid("Both 'overwrite' and 'autoRename' cannot be true");
  const nodeType = field(form, 'nodeType') ?? 'cm:content';
  if (nodeType !== 'cm:content') throw err.invalid(`Unsupported nodeType for upload: ${nodeType}`);
  const major = flag(field(form, 'majorVersion'));
  const versioning = flag(field(form, 'versioningEnabled')) ?? true;
  const comment = field(form, 'comment');
  const relativePath = field(form, 'relativePath');
  const rawProps: Record<string, string | string[]> = {};
  for (const [k, v] of form.fields) {
    if (!k.includes(':')) continue;
    const prev = rawProps[k];
    rawProps[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  const properties = cleanProperties(rawProps);
  const content = {
    bytes: form.file.bytes,
    mimeType: effectiveMime(form.file.mimeType, name),
    encoding: charsetOf(form.file.mimeType),
  };
  const target = relativePath ? ensureFolders(ctx.repo, user, parent, relativePath) : parent;
  const existing = ctx.repo.child(target, name);
  if (existing && overwrite) {
    // Overwrite only replaces versionable files; anything else is a clash.
    if (isFolderNode(existing) || !existing.aspects.includes('cm:versionable')) throw err.exists(name);
    check(ctx.repo, user, existing, 'update');
    assertWritable(existing, user.id);
    checkLimits(ctx.repo, ctx.core.limits, content.bytes.length, existing);
    applyProperties(existing, properties);
    writeContent(ctx.repo, existing, content, user.id, { major: major ?? false, comment });
    return sendEntry(ctx, 201, render(ctx, existing, true));
  }
  check(ctx.repo, user, target, 'create');
  if (existing && !autoRename) throw err.exists(name);
  const aspectNames = ['cm:titled', 'cm:author', ...csv(field(form, 'aspectNames'))];
  const node = createNode(
    ctx.repo,
    user,
    target,
    {
      name,
      nodeType,
      properties,
      aspectNames,
      autoRename,
      content,
      version: versioning ? { major: major ?? true, comment } : undefined,
    },
    ctx.core.limits,
  );
  sendEntry(ctx, 201, render(ctx, node, true));
}

async function createChildren(ctx: Ctx): Promise<void> {
  const parent = resolveNode(ctx);
  requireFolder(parent);
  const type = ctx.req.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(type)) await createMultipart(ctx, parent);
  else await createJson(ctx, parent);
}

/** Routes of the children endpoint. */
export const childrenRoutes: Route[] = [
  { api: 'core', method: 'GET', path: '/nodes/{nodeId}/children', handler: listChildren },
  { api: 'core', method: 'POST', path: '/nodes/{nodeId}/children', handler: createChildren },
];
