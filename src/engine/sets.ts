import { randomBytes } from 'node:crypto';
import { SIDES, type Connector, type RemoteNode } from '../connectors/types.js';
import { CloudsyncError, FolderNotEmptyError, UsageError } from '../errors.js';
import { missingPathHint } from './path-hint.js';
import { DEFAULT_OPTIONS, STATE_SCHEMA, type MemberState, type SetState } from '../store/schema.js';
import { snapshotOf } from './reconcile.js';
import type { CreateSetRequest, EngineContext } from './types.js';
import { releaseOwner } from './ownership.js';

/** `a//b/` → `a/b`: the one spelling of a path that state and output use. */
export function normalizePath(p: string): string {
  return p
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

const isUnder = (p: string, root: string) => root === '' || p === root || p.startsWith(`${root}/`);

/** `cloudsync create`: validate, refuse members of other sets, record the set with PENDING members. */
export async function createSyncSet(ctx: EngineContext, req: CreateSetRequest): Promise<SetState> {
  const { onprem, cloud } = ctx.connectors;
  await Promise.all(SIDES.map((s) => ctx.connectors[s].whoami()));
  if (req.paths.length === 0) throw new UsageError('name at least one on-prem folder or document to sync');
  const paths = req.paths.map(normalizePath);
  const nodes: RemoteNode[] = [];
  for (const p of paths) {
    const reason = onprem.checkMemberPath ? await onprem.checkMemberPath(p) : null;
    if (reason)
      throw new UsageError(`${p}: ${reason}`, 'pick a folder or documents inside a site document library');
    const node = await onprem.resolvePath(p);
    if (!node)
      throw new UsageError(
        `no such on-prem folder or document: ${p}`,
        await missingPathHint(onprem, p, 'check the path with `cloudsync whoami onprem`'),
        'NOT_FOUND',
      );
    if (node.parentId === null)
      throw new UsageError(
        `${p || '.'}: the on-prem root itself cannot be synced`,
        'pick a folder inside it',
      );
    nodes.push(node);
  }
  const folders = nodes.filter((n) => n.kind === 'folder').length;
  if (folders > 0 && nodes.length > 1) {
    throw new UsageError(
      'a sync set is either one folder or one or more documents, not a mix',
      'create one set per folder',
    );
  }
  if (new Set(nodes.map((n) => n.id)).size !== nodes.length)
    throw new UsageError('the same document is named twice');
  await refuseOtherSets(ctx, nodes, paths, normalizePath(req.target));
  const target = await resolveTarget(cloud, normalizePath(req.target), req.mkdir);
  const existing = new Set(await ctx.store.listIds());
  let id = req.id;
  if (id !== undefined && existing.has(id)) throw new UsageError(`a sync set with id ${id} already exists`);
  while (id === undefined || existing.has(id)) id = randomBytes(4).toString('hex');
  const now = (ctx.now ?? (() => new Date()))().toISOString();
  const members: MemberState[] = nodes.map((n, i) => ({
    key: `m${i + 1}`,
    kind: n.kind,
    direct: true,
    parentKey: null,
    // An empty token: never synced, so the first pass pushes it whatever it finds.
    onprem: { ...snapshotOf(n, paths[i]!), token: '' },
    cloud: null,
    status: 'PENDING',
    lastSyncAt: null,
  }));
  const state: SetState = {
    schema: STATE_SCHEMA,
    set: {
      id,
      name: req.name ?? (nodes.length === 1 ? nodes[0]!.name : `${nodes.length} documents`),
      kind: folders === 1 ? 'folder' : 'documents',
      createdAt: now,
      options: { ...DEFAULT_OPTIONS, ...definedOnly(req.options) },
      target: { id: target.id, path: normalizePath(req.target) },
      excludes: req.excludes,
    },
    members,
    backups: [],
    lastSyncAt: null,
    nextKey: members.length + 1,
  };
  await ctx.store.save(state);
  return state;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * SPEC: sets never overlap. Refused (exit 2, TARGET_NODE_OTHER_SYNC_SET): a node already in another set; a
 * folder that holds another set's folder or documents, or lies inside another set's folder (whichever was
 * created first); a target inside another set's cloud folder. Paths are asked of the connectors, since
 * members may have moved since their last pass.
 */
async function refuseOtherSets(
  ctx: EngineContext,
  nodes: RemoteNode[],
  paths: string[],
  target: string,
): Promise<void> {
  const ids = new Set(nodes.map((n) => n.id));
  const folders = paths.filter((_, i) => nodes[i]!.kind === 'folder');
  const { onprem, cloud } = ctx.connectors;
  const refuse = (what: string, other: SetState): never => {
    throw new UsageError(
      `${what} sync set ${other.set.id} (${other.set.name}); sync sets never overlap`,
      `unsync it first (cloudsync unsync ${other.set.id}), or pick a node outside it`,
      'TARGET_NODE_OTHER_SYNC_SET',
    );
  };
  for (const other of await ctx.store.loadAll()) {
    for (const m of other.members) {
      if (m.detached || !m.onprem) continue;
      if (ids.has(m.onprem.id)) refuse(`${m.onprem.path} is already synced by`, other);
      if (!m.direct) continue;
      const now = (await onprem.pathOf(m.onprem.id)) ?? m.onprem.path;
      if (folders.some((p) => isUnder(now, p)))
        refuse(`${now} (inside the folder to sync) belongs to`, other);
      if (m.kind === 'folder' && paths.some((p) => isUnder(p, now))) refuse(`${now} is synced by`, other);
      if (other.set.kind === 'folder' && m.cloud) {
        const there = (await cloud.pathOf(m.cloud.id)) ?? m.cloud.path;
        if (isUnder(target, there))
          refuse(`the cloud target ${target} lies inside ${there}, synced by`, other);
      }
    }
  }
}

/** The cloud target folder; with `mkdir`, created (with its missing parents). */
async function resolveTarget(cloud: Connector, path: string, mkdir: boolean): Promise<RemoteNode> {
  const found = await cloud.resolvePath(path);
  if (found) {
    if (found.kind !== 'folder') throw new UsageError(`cloud target ${path} is a document, not a folder`);
    return found;
  }
  if (!mkdir) {
    const close = await missingPathHint(cloud, path, '');
    throw new UsageError(
      `cloud target folder not found: ${path}`,
      close.startsWith('did you mean')
        ? `${close} Or pass --mkdir to create it.`
        : 'create it, or pass --mkdir',
      'TARGET_FOLDER_NOT_FOUND',
    );
  }
  const parts = path.split('/');
  let parent: RemoteNode | null = null;
  for (let i = parts.length; i >= 0 && !parent; i--) {
    // The root of an Alfresco connection is no folder (sites are): it does not resolve, nothing is made.
    parent = await cloud.resolvePath(parts.slice(0, i).join('/')).catch((err: unknown) => {
      if (i === 0 && !(err instanceof CloudsyncError)) return null;
      throw err;
    });
    if (parent) {
      for (const name of parts.slice(i)) parent = await cloud.createFolder(parent.id, name);
    }
  }
  if (!parent) {
    const sites = cloud.browse ? (await cloud.browse('').catch(() => [])).map((e) => e.name) : [];
    throw new UsageError(
      `cannot create cloud target folder ${path}: it is not inside a site's document library`,
      sites.length
        ? `start --target with one of the sites: ${sites.join(', ')}`
        : 'start --target with a site id (<site>/<folder>)',
      'TARGET_OUTSIDE_SITE',
    );
  }
  return parent;
}

/** The member whose on-prem path is `path`, or exit 2. */
function findMember(state: SetState, path: string): MemberState {
  const p = normalizePath(path);
  const m = state.members.find((x) => !x.detached && (x.onprem?.path === p || x.cloud?.path === p));
  if (!m)
    throw new UsageError(
      `sync set ${state.set.id} has no member ${p}`,
      `see the members with: cloudsync inspect ${state.set.id}`,
    );
  return m;
}

/** `request-sync`: clear failures and ask the next pass for a full re-push (re-creating vanished cloud copies). */
export async function requestSync(
  ctx: EngineContext,
  setId: string,
  memberPaths: string[],
): Promise<{ requested: number }> {
  const state = await ctx.store.load(setId);
  const chosen =
    memberPaths.length > 0
      ? memberPaths.map((p) => findMember(state, p))
      : state.members.filter((m) => m.direct && !m.detached);
  const marked = new Set<string>();
  const mark = (m: MemberState, all: boolean) => {
    if (marked.has(m.key) || m.detached) return;
    if (all || m.status === 'FAILED' || !m.cloud) {
      marked.add(m.key);
      m.requested = true;
      m.status = 'PENDING';
      delete m.errorCode;
      delete m.errorDetails;
      delete m.errorTime;
    }
    // For folders: only children that failed or lost their cloud copy (as the original product did).
    for (const c of state.members) if (c.parentKey === m.key) mark(c, false);
  };
  for (const m of chosen) mark(m, true);
  await ctx.store.save(state);
  return { requested: marked.size };
}

/**
 * `unsync`: stop syncing a set, or one direct member of a documents set. On-prem content is never deleted;
 * cloud copies go only with `removeFromCloud`; locks cloudsync made are released.
 */
export async function unsync(
  ctx: EngineContext,
  setId: string,
  memberPath: string | undefined,
  opts: { removeFromCloud: boolean },
): Promise<{ removedMembers: number; setRemoved: boolean; keptFolders: number }> {
  const state = await ctx.store.load(setId);
  let chosen: MemberState[];
  if (memberPath !== undefined) {
    const m = findMember(state, memberPath);
    if (!m.direct) {
      throw new UsageError(
        `${normalizePath(memberPath)} is inside a synced folder and cannot be unsynced alone`,
        `unsync the folder: cloudsync unsync ${state.set.id}`,
        'INDIRECT_MEMBER',
      );
    }
    chosen = state.set.kind === 'folder' ? state.members : [m];
  } else {
    chosen = state.members;
  }
  const { onprem, cloud } = ctx.connectors;
  for (const m of chosen) {
    if (m.lockedByUs && m.onprem && onprem.unlock) await onprem.unlock(m.onprem.id).catch(() => undefined);
  }
  let keptFolders = 0;
  if (opts.removeFromCloud) {
    // Member by member, files first, then folders deepest first: a folder that still holds something
    // cloudsync never synced (a partner's new file, an excluded one) is kept with it (SPEC §3 folder deletes).
    const depth = new Map<string, number>();
    const depthOf = (m: MemberState): number => {
      let d = depth.get(m.key);
      if (d === undefined) {
        const parent = m.parentKey ? state.members.find((x) => x.key === m.parentKey) : undefined;
        depth.set(m.key, (d = parent ? depthOf(parent) + 1 : 0));
      }
      return d;
    };
    const doomed = chosen.filter((m) => m.cloud && !m.detached);
    doomed.sort((a, b) => (a.kind === b.kind ? depthOf(b) - depthOf(a) : a.kind === 'file' ? -1 : 1));
    for (const m of doomed) {
      try {
        await cloud.delete(m.cloud!.id, m.kind);
      } catch (err) {
        if (!(err instanceof FolderNotEmptyError)) throw err;
        keptFolders++;
      }
    }
  }
  const gone = new Set(chosen.map((m) => m.key));
  state.members = state.members.filter((m) => !gone.has(m.key));
  const setRemoved = state.members.filter((m) => m.direct).length === 0;
  if (setRemoved && ctx.owner) await releaseOwner(cloud, state, ctx.owner);
  if (setRemoved) await ctx.store.remove(setId);
  else await ctx.store.save(state);
  return { removedMembers: gone.size, setRemoved, keptFolders };
}
