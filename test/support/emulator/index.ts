// Public entry point of the ACS REST API v1 emulator used by connector, reliability and manual tests.
import type { AddressInfo } from 'node:net';
import { type Limits, activeLock, writeContent } from './content-ops.js';
import type { Core, RequestLogEntry } from './context.js';
import { FaultInjector, type FaultKind, type FaultOptions } from './faults.js';
import { effectiveMime } from './mime.js';
import { applyProperties } from './props.js';
import { createNode, ensureFolders } from './nodes-common.js';
import { type RepoNode, Repository, type SiteRole, isFolderNode } from './repo.js';
import { nodeEntry } from './serialize.js';
import { EventPublisher } from './events.js';
import { createServer } from './server.js';
import { Directory, type User } from './users.js';

export type { FaultKind, FaultOptions } from './faults.js';
export type { RequestLogEntry } from './context.js';
export type { SiteRole } from './repo.js';
export { Repository } from './repo.js';

/** Options of startEmulator; everything is optional. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Users besides admin/admin (admin is always present unless listed with another password). */
  users?: Array<{ name: string; password: string; admin?: boolean }>;
  /** Extra tenant ids; each gets its own repository. `-default-` always exists. */
  networks?: string[];
  /** Largest accepted upload in bytes (413 above). */
  maxUploadBytes?: number;
  /** Total live content bytes allowed per network (507 above). */
  quotaBytes?: number;
  /** Fault injection; off by default. */
  faults?: FaultOptions;
  /** Idle time after which a ticket expires; default one hour. */
  ticketTtlMs?: number;
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  tls?: { key: string; cert: string };
  /** Publish every change as an ACS event2 message to this STOMP broker (stomp://127.0.0.1:port). */
  events?: string;
}

/** Membership list for createSite: `{alice: 'SiteConsumer'}` or `[{id: 'alice', role: 'SiteConsumer'}]`. */
export type Members = Record<string, SiteRole> | Array<{ id: string; role: SiteRole }>;

/** Options for createSite. */
export interface SiteOptions {
  members?: Members;
  title?: string;
  visibility?: 'PUBLIC' | 'PRIVATE' | 'MODERATED';
  network?: string;
}

/** A node as GET /nodes/{id}?include=isLocked,path would return it (properties and aspectNames included). */
export type NodeEntry = Record<string, unknown> & { id: string; name: string; modifiedAt: string };

/** A running emulator and its test hooks. */
export interface Emulator {
  /** Base URL, e.g. http://127.0.0.1:8081 (clients may also use `${url}/alfresco`). */
  readonly url: string;
  readonly port: number;
  /** Shared state (users, tickets, per-network repositories, limits) for white-box tests. */
  readonly state: Core;
  /** Faults injected so far, by kind. */
  readonly faultCounts: Readonly<Record<FaultKind, number>>;
  /** Every API request seen (control endpoints excluded). */
  readonly requestLog: RequestLogEntry[];
  /** Core API base, e.g. http://127.0.0.1:PORT/alfresco/api/-default-/public/alfresco/versions/1. */
  coreUrl(network?: string): string;
  /** Authentication API base. */
  authUrl(network?: string): string;
  /** The repository of a network. */
  repo(network?: string): Repository;
  /** Creates a site (admin is SiteManager); returns its ids. */
  createSite(id: string, opts?: SiteOptions): { id: string; guid: string; documentLibraryId: string };
  /** Adds or changes a site member. */
  setMember(siteId: string, userId: string, role: SiteRole | null, network?: string): void;
  /** Adds (or replaces) a user. */
  addUser(name: string, password: string, opts?: { admin?: boolean }): void;
  /** Reconfigures fault injection (undefined turns it off); counters keep accumulating. */
  setFaults(opts: FaultOptions | undefined): void;
  /** Changes upload/quota limits (undefined removes a limit). */
  setLimits(limits: Limits): void;
  /** Invalidates every ticket. */
  expireTickets(): void;
  /** Empties requestLog. */
  resetRequestLog(): void;
  /** Node id of a site's documentLibrary. */
  documentLibraryId(siteId: string, network?: string): string;
  /** The node at `path` below the site's documentLibrary ('' = the library), or undefined. */
  findByPath(siteId: string, path: string, network?: string): NodeEntry | undefined;
  /** A node by id, or undefined. */
  getNode(id: string, network?: string): NodeEntry | undefined;
  /** A file's current bytes, or undefined. */
  readContent(id: string, network?: string): Buffer | undefined;
  /** Creates or updates a file below the documentLibrary (folders created as needed), as `user` (admin). */
  putFile(siteId: string, path: string, bytes: Buffer | string, opts?: PutFileOptions): NodeEntry;
  /** Creates folders below the documentLibrary (existing ones are kept). */
  mkdir(siteId: string, path: string, opts?: { user?: string; network?: string }): NodeEntry;
  /** Changes name and/or properties of a node behind the client's back. */
  updateNode(
    id: string,
    change: { name?: string; properties?: Record<string, unknown> },
    opts?: { user?: string; network?: string },
  ): NodeEntry;
  /** Deletes a node (to the trashcan unless permanent). */
  deleteNode(id: string, opts?: { permanent?: boolean; network?: string }): void;
  /** Moves a node to another folder. */
  moveNode(id: string, targetParentId: string, opts?: { name?: string; network?: string }): NodeEntry;
  /** Locks a file as `user` (like POST /lock). */
  lockNode(
    id: string,
    user: string,
    opts?: { type?: 'ALLOW_OWNER_CHANGES' | 'FULL'; network?: string },
  ): void;
  /** Removes any lock. */
  unlockNode(id: string, network?: string): void;
  /** Version labels of a node, newest first. */
  versions(id: string, network?: string): string[];
  /** The event publisher, when started with `events`. */
  readonly events?: EventPublisher;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** Options for putFile. */
export interface PutFileOptions {
  user?: string;
  mimeType?: string;
  /** Version new files like an upload does (default true). */
  versioned?: boolean;
  majorVersion?: boolean;
  network?: string;
}

/** Starts an emulator on 127.0.0.1 (loopback only). */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const directory = new Directory(opts.ticketTtlMs ?? 3_600_000);
  directory.addUser('admin', 'admin', { admin: true });
  for (const u of opts.users ?? []) directory.addUser(u.name, u.password, { admin: u.admin });
  const repos = new Map<string, Repository>();
  for (const n of new Set(['-default-', ...(opts.networks ?? [])]))
    repos.set(n, new Repository(n, directory));
  const limits: Limits = { maxUploadBytes: opts.maxUploadBytes, quotaBytes: opts.quotaBytes };
  const events = opts.events ? new EventPublisher(opts.events) : undefined;
  if (events) {
    for (const r of repos.values()) r.observer = events;
    await events.ready();
  }
  const faults = new FaultInjector();
  faults.configure(opts.faults);
  const core: Core = { directory, repos, limits };
  const log: RequestLogEntry[] = [];
  const server = createServer({ core, faults, log, events }, opts.tls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  const repo = (network = '-default-'): Repository => {
    const r = repos.get(network);
    if (!r) throw new Error(`unknown network ${network}`);
    return r;
  };
  const userOf = (id = 'admin'): User => {
    const u = directory.find(id);
    if (!u) throw new Error(`unknown user ${id}`);
    return u;
  };
  const docLib = (siteId: string, network?: string): RepoNode => {
    const site = repo(network).sites.get(siteId);
    if (!site) throw new Error(`unknown site ${siteId}`);
    return repo(network).require(site.docLibId);
  };
  const show = (r: Repository, n: RepoNode): NodeEntry =>
    nodeEntry(r, userOf(), n, { full: true, include: ['isLocked', 'path'] }) as NodeEntry;
  const node = (id: string, network?: string): RepoNode => repo(network).require(id);

  const emulator: Emulator = {
    url,
    port,
    state: core,
    faultCounts: faults.counts,
    requestLog: log,
    coreUrl: (n = '-default-') => `${url}/alfresco/api/${n}/public/alfresco/versions/1`,
    authUrl: (n = '-default-') => `${url}/alfresco/api/${n}/public/authentication/versions/1`,
    repo,
    createSite(id, o = {}) {
      const site = repo(o.network).createSite(id, 'admin', { title: o.title, visibility: o.visibility });
      const members = Array.isArray(o.members)
        ? o.members
        : Object.entries(o.members ?? {}).map(([k, role]) => ({ id: k, role }));
      for (const m of members) site.members.set(userOf(m.id).id, m.role);
      return { id, guid: site.guid, documentLibraryId: site.docLibId };
    },
    setMember(siteId, userId, role, network) {
      const site = repo(network).sites.get(siteId);
      if (!site) throw new Error(`unknown site ${siteId}`);
      if (role) site.members.set(userId, role);
      else site.members.delete(userId);
    },
    addUser: (name, password, o) => void directory.addUser(name, password, o),
    setFaults: (o) => faults.configure(o),
    setLimits(l) {
      if ('maxUploadBytes' in l) limits.maxUploadBytes = l.maxUploadBytes;
      if ('quotaBytes' in l) limits.quotaBytes = l.quotaBytes;
    },
    expireTickets: () => directory.expireAll(),
    resetRequestLog: () => void (log.length = 0),
    documentLibraryId: (siteId, network) => docLib(siteId, network).id,
    findByPath(siteId, path, network) {
      const r = repo(network);
      try {
        return show(r, r.resolveRelative(docLib(siteId, network), path));
      } catch {
        return undefined;
      }
    },
    getNode(id, network) {
      const n = repo(network).get(id);
      return n ? show(repo(network), n) : undefined;
    },
    readContent: (id, network) => repo(network).get(id)?.content?.bytes,
    putFile(siteId, path, bytes, o = {}) {
      const r = repo(o.network);
      const user = userOf(o.user);
      const parts = path.split('/').filter(Boolean);
      const name = parts.pop()!;
      const parent = ensureFolders(r, user, docLib(siteId, o.network), parts.join('/'));
      const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      const content = { bytes: buf, mimeType: effectiveMime(o.mimeType, name), encoding: 'UTF-8' };
      const existing = r.child(parent, name);
      if (existing) {
        if (isFolderNode(existing)) throw new Error(`${path} is a folder`);
        writeContent(r, existing, content, user.id, { major: o.majorVersion });
        return show(r, existing);
      }
      const versioned = o.versioned ?? true;
      const spec = {
        name,
        nodeType: 'cm:content',
        content,
        aspectNames: versioned ? ['cm:titled', 'cm:author'] : [],
      };
      return show(
        r,
        createNode(
          r,
          user,
          parent,
          { ...spec, version: versioned ? { major: o.majorVersion ?? true } : undefined },
          {},
        ),
      );
    },
    mkdir(siteId, path, o = {}) {
      const r = repo(o.network);
      return show(r, ensureFolders(r, userOf(o.user), docLib(siteId, o.network), path));
    },
    updateNode(id, change, o = {}) {
      const r = repo(o.network);
      const n = node(id, o.network);
      if (change.name && change.name !== n.name) r.rename(n, change.name);
      applyProperties(n, change.properties ?? {});
      r.touch(n, userOf(o.user).id);
      return show(r, n);
    },
    deleteNode: (id, o = {}) => repo(o.network).remove(node(id, o.network), 'admin', !!o.permanent),
    moveNode(id, targetParentId, o = {}) {
      const r = repo(o.network);
      const n = node(id, o.network);
      r.relink(n, node(targetParentId, o.network), o.name ?? n.name);
      r.touch(n, 'admin');
      return show(r, n);
    },
    lockNode(id, user, o = {}) {
      node(id, o.network).lock = {
        owner: userOf(user).id,
        type: o.type ?? 'ALLOW_OWNER_CHANGES',
        lifetime: 'PERSISTENT',
      };
    },
    unlockNode(id, network) {
      const n = node(id, network);
      if (activeLock(n)) delete n.lock;
    },
    versions: (id, network) => [...node(id, network).versions].reverse().map((v) => v.label),
    events,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await events?.close();
    },
  };
  return emulator;
}
