// AlfrescoConnector: the Connector interface over the ACS public REST API v1.
import type { Readable } from 'node:stream';
import { AuthError, NodeError, UnreachableError } from '../../errors.js';
import type {
  BrowseEntry,
  Capabilities,
  ChangeListener,
  Connector,
  Listing,
  NodeKind,
  RemoteNode,
  SyncedProps,
  WriteOptions,
} from '../types.js';
import { TicketSession } from './auth.js';
import { browseAlfresco } from './browse.js';
import { createFile, createFolder } from './create.js';
import { briefSummary, toNodeError } from './errors.js';
import { StompFeed } from './events/stomp-feed.js';
import { AlfrescoHttp, loadCa } from './http.js';
import { listTree } from './listing.js';
import { deleteNode, fetchNode, lockNode, moveNode, setProps, unlockNode, updateContent } from './modify.js';
import { entryOf, toRemoteNode, type NodeEntry } from './nodes.js';
import {
  loginHint,
  type AlfrescoConnectionOptions,
  type AlfrescoCredentials,
  type AlfrescoHooks,
} from './options.js';
import { formatSitePath, locateRepoPath, parseAlfrescoPath } from './paths.js';

const READ = (subject: string) => ({ access: 'read', missing: 'node', subject }) as const;

/**
 * Connector over the ACS public REST API v1. Construction validates the URL (plain http off-machine is
 * refused before any request); no request is made until the first call. Note: `sys:locale` cannot be
 * read or written over REST v1 (every `sys:` property is hidden), so it is not synced.
 */
export class AlfrescoConnector implements Connector {
  readonly kind = 'alfresco' as const;
  readonly capabilities: Capabilities;
  /** Repository events (`login --events`): passes list only what changed, watch hears of changes. */
  readonly changes?: StompFeed;
  readonly address: string;
  private readonly http: AlfrescoHttp;
  /** Site id → document library node id; containers never move, so one lookup per site suffices. */
  private readonly doclibs = new Map<string, string | null>();

  constructor(
    readonly opts: AlfrescoConnectionOptions,
    readonly creds: AlfrescoCredentials,
    readonly hooks: AlfrescoHooks = {},
  ) {
    this.address = opts.url;
    this.capabilities = {
      properties: true,
      locks: true,
      versions: true,
      events: opts.events !== undefined,
      mtimePrecisionMs: 1,
    };
    if (opts.events)
      this.changes = new StompFeed(opts.events, opts.allowHttp ?? false, opts.log, loadCa(opts.caFile));
    const session = new TicketSession(opts, creds, hooks);
    this.http = new AlfrescoHttp(opts, session);
    session.attach(this.http);
  }

  async whoami(): Promise<{ user: string; address: string }> {
    const res = await this.http.request({ method: 'GET', path: 'people/-me-' });
    const id = entryOf<{ id?: unknown }>(res.body)?.id;
    if (res.status === 200 && typeof id === 'string') return { user: id, address: this.address };
    if (res.status === 403)
      throw new AuthError(`access refused by ${this.address}`, loginHint(this.opts.side));
    if (res.status === 404) {
      throw new UnreachableError(
        `no Alfresco REST API at ${this.http.endpoint.coreBase}`,
        'check the server URL (https://host[:port] or https://host[:port]/alfresco) and --network',
      );
    }
    throw new UnreachableError(`${this.address}: HTTP ${res.status} ${briefSummary(res)}`);
  }

  async resolvePath(path: string): Promise<RemoteNode | null> {
    const parsed = parseAlfrescoPath(path);
    if (typeof parsed === 'string') throw new NodeError('INVALID_NAME', parsed);
    if (parsed.kind === 'node') return this.getNode(parsed.id);
    const doclib = await this.documentLibrary(parsed.site);
    if (!doclib) return null;
    if (parsed.rest.length === 0) return this.getNode(doclib);
    const res = await this.http.request({
      method: 'GET',
      path: `nodes/${encodeURIComponent(doclib)}`,
      query: { relativePath: parsed.rest.join('/'), include: 'isLocked' },
    });
    if (res.status === 404) return null;
    if (res.status !== 200) throw toNodeError(res, READ(path));
    return toRemoteNode(entryOf(res.body)!);
  }

  async pathOf(id: string): Promise<string | null> {
    const entry = await this.withPath(id);
    if (!entry?.path) return null;
    const where = locateRepoPath(entry.path.name, entry.name);
    return where.kind === 'doclib' ? formatSitePath(where.site, where.rest) : `node:${id}`;
  }

  /** A reason when `path` is the document library, a site root, or outside every site's library. */
  async checkMemberPath(path: string): Promise<string | null> {
    const parsed = parseAlfrescoPath(path);
    if (typeof parsed === 'string') return parsed;
    if (parsed.kind === 'site') {
      return parsed.rest.length === 0
        ? `${parsed.site} is the document library of site ${parsed.site}; choose a folder or document inside it`
        : null;
    }
    const entry = await this.withPath(parsed.id);
    if (!entry?.path) return null; // missing nodes are reported by resolvePath
    const where = locateRepoPath(entry.path.name, entry.name);
    if (where.kind === 'site-root')
      return `${path} is the site ${where.site} itself, not content of its library`;
    if (where.kind === 'outside') return `${path} is outside every site's document library`;
    if (where.rest.length === 0) return `${path} is the document library of site ${where.site}`;
    return null;
  }

  async getNode(id: string): Promise<RemoteNode | null> {
    const entry = await fetchNode(this.http, id, READ(`node ${id}`));
    return entry ? toRemoteNode(entry) : null;
  }

  async listTree(folderId: string, opts: { recursive: boolean; known?: RemoteNode }): Promise<Listing> {
    const root = opts.known?.id === folderId ? opts.known : await this.getNode(folderId);
    if (!root) throw new NodeError('TARGET_NODE_NO_LONGER_EXISTS', `folder ${folderId} no longer exists`);
    return listTree(this.http, root, opts.recursive, this.opts.listConcurrency);
  }

  async readContent(id: string): Promise<Readable> {
    const res = await this.http.stream({ method: 'GET', path: `nodes/${encodeURIComponent(id)}/content` });
    if (res.status === 200) return res.stream;
    throw toNodeError({ ...res, body: undefined }, READ(`node ${id}`));
  }

  createFolder(parentId: string, name: string, props?: SyncedProps): Promise<RemoteNode> {
    return createFolder(this.http, parentId, name, props);
  }

  createFile(
    parentId: string,
    name: string,
    content: Readable,
    opts: WriteOptions,
    props?: SyncedProps,
  ): Promise<RemoteNode> {
    return createFile(this.http, parentId, name, content, opts, props);
  }

  updateContent(id: string, content: Readable, opts: WriteOptions): Promise<RemoteNode> {
    return updateContent(this.http, id, content, opts);
  }

  move(id: string, newParentId: string, newName: string): Promise<RemoteNode> {
    return moveNode(this.http, id, newParentId, newName);
  }

  delete(id: string, kind?: NodeKind): Promise<void> {
    return deleteNode(this.http, id, kind);
  }

  setProps(id: string, props: SyncedProps): Promise<RemoteNode> {
    return setProps(this.http, id, props);
  }

  lock(id: string): Promise<boolean> {
    return lockNode(this.http, id);
  }

  unlock(id: string): Promise<void> {
    return unlockNode(this.http, id);
  }

  browse(path: string): Promise<BrowseEntry[]> {
    return browseAlfresco(this.http, path, (p) => this.resolvePath(p));
  }

  /** With events: call `onChange` whenever the repository reports a change (any folder: a pass is cheap). */
  async watch(_folderId: string, onChange: ChangeListener): Promise<() => void> {
    if (!this.changes) return () => {};
    await this.changes.start();
    return this.changes.onEvent(() => onChange(''));
  }

  async close(): Promise<void> {
    this.http.close();
    await this.changes?.close();
  }

  /** `GET sites/{site}/containers/documentLibrary`: its `id` is the node id (`folderId` is just a name). */
  private async documentLibrary(site: string): Promise<string | null> {
    if (this.doclibs.has(site)) return this.doclibs.get(site)!;
    const res = await this.http.request({
      method: 'GET',
      path: `sites/${encodeURIComponent(site)}/containers/documentLibrary`,
    });
    if (res.status === 404) return null; // no such site, or a private site we cannot see
    if (res.status !== 200) throw toNodeError(res, READ(`site ${site}`));
    const id = entryOf<{ id?: unknown }>(res.body)?.id;
    if (typeof id !== 'string') throw new UnreachableError(`site ${site}: container answer without an id`);
    this.doclibs.set(site, id);
    return id;
  }

  private async withPath(id: string): Promise<NodeEntry | null> {
    const res = await this.http.request({
      method: 'GET',
      path: `nodes/${encodeURIComponent(id)}`,
      query: { include: 'path' },
    });
    if (res.status === 404) return null;
    if (res.status !== 200) throw toNodeError(res, READ(`node ${id}`));
    return entryOf(res.body) ?? null;
  }
}
