// In-memory repository of one network (tenant): the node tree, sites and the trashcan.
import { err, newId } from './format.js';
import type { Directory } from './users.js';

/** The four site roles, weakest first. */
export const SITE_ROLES = ['SiteConsumer', 'SiteContributor', 'SiteCollaborator', 'SiteManager'] as const;
/** A site role name. */
export type SiteRole = (typeof SITE_ROLES)[number];

/** Stored content of a node or version. */
export interface ContentData {
  bytes: Buffer;
  mimeType: string;
  encoding: string;
}

/** One entry of a node's version history (a frozen copy of the node at that time). */
export interface VersionRecord {
  label: string;
  type: 'MAJOR' | 'MINOR';
  comment?: string;
  name: string;
  nodeType: string;
  modifiedAt: number;
  modifiedBy: string;
  content?: ContentData;
  properties: Record<string, unknown>;
  aspects: string[];
}

/** A lock as LockService keeps it; rendered into cm:lockable properties when PERSISTENT. */
export interface LockInfo {
  owner: string;
  type: 'ALLOW_OWNER_CHANGES' | 'FULL';
  lifetime: 'PERSISTENT' | 'EPHEMERAL';
  expiresAt?: number;
}

/** A node; `children` maps lower-cased names to ids because cm:name uniqueness is case-insensitive. */
export interface RepoNode {
  id: string;
  name: string;
  nodeType: string;
  parentId: string | null;
  createdAt: number;
  createdBy: string;
  modifiedAt: number;
  modifiedBy: string;
  aspects: string[];
  properties: Record<string, unknown>;
  content?: ContentData;
  versions: VersionRecord[];
  lock?: LockInfo;
  children: Map<string, string>;
  siteId?: string;
}

/** A site and its membership. */
export interface SiteRecord {
  id: string;
  guid: string;
  title: string;
  description: string;
  visibility: 'PUBLIC' | 'PRIVATE' | 'MODERATED';
  docLibId: string;
  members: Map<string, SiteRole>;
}

/** A deleted subtree waiting in the trashcan (root first). */
export interface ArchivedItem {
  nodes: RepoNode[];
  parentId: string;
  archivedAt: number;
  archivedBy: string;
}

const FOLDER_TYPES = new Set(['cm:folder', 'st:site', 'st:sites']);

/** True for cm:folder and its subtypes used here (sites, the Sites folder). */
export function isFolderNode(n: RepoNode): boolean {
  return FOLDER_TYPES.has(n.nodeType);
}

/** The node tree of one network, with the standard Company Home layout. */
/** Hears every change (events.ts publishes them as ACS event2 messages). */
export interface ChangeObserver {
  onCreate(repo: Repository, node: RepoNode): void;
  onBeforeUpdate(repo: Repository, node: RepoNode): void;
  onBeforeDelete(repo: Repository, nodes: RepoNode[]): void;
}

export class Repository {
  /** Set when the emulator publishes repository events. */
  observer?: ChangeObserver;
  readonly nodes = new Map<string, RepoNode>();
  readonly sites = new Map<string, SiteRecord>();
  readonly archive = new Map<string, ArchivedItem>();
  readonly rootId: string;
  readonly sitesId: string;
  readonly sharedId: string;
  readonly homesId: string;

  constructor(
    readonly network: string,
    readonly directory: Directory,
  ) {
    const root = this.insert(null, 'Company Home', 'cm:folder', 'System');
    this.rootId = root.id;
    this.sitesId = this.insert(root, 'Sites', 'st:sites', 'System').id;
    this.sharedId = this.insert(root, 'Shared', 'cm:folder', 'System').id;
    this.homesId = this.insert(root, 'User Homes', 'cm:folder', 'System').id;
  }

  /** The node with this id, or undefined. */
  get(id: string): RepoNode | undefined {
    return this.nodes.get(id);
  }

  /** The node with this id, or a 404 EntityNotFound. */
  require(id: string): RepoNode {
    const n = this.nodes.get(id);
    if (!n) throw err.notFound(id);
    return n;
  }

  /** The child of `parent` called `name` (case-insensitive). */
  child(parent: RepoNode, name: string): RepoNode | undefined {
    const id = parent.children.get(name.toLowerCase());
    return id ? this.nodes.get(id) : undefined;
  }

  /** All children of a node. */
  childrenOf(parent: RepoNode): RepoNode[] {
    return [...parent.children.values()].map((id) => this.nodes.get(id)!);
  }

  /** Ancestors of a node, Company Home first, excluding the node itself. */
  ancestors(node: RepoNode): RepoNode[] {
    const out: RepoNode[] = [];
    let p = node.parentId ? this.nodes.get(node.parentId) : undefined;
    while (p) {
      out.unshift(p);
      p = p.parentId ? this.nodes.get(p.parentId) : undefined;
    }
    return out;
  }

  /** True if `a` is `b` or one of its ancestors (used to refuse moving a folder into itself). */
  isSelfOrAncestor(a: RepoNode, b: RepoNode): boolean {
    return a.id === b.id || this.ancestors(b).some((n) => n.id === a.id);
  }

  /** The site a node belongs to, if any. */
  siteOf(node: RepoNode): SiteRecord | undefined {
    if (node.siteId) return this.sites.get(node.siteId);
    for (const a of this.ancestors(node).reverse()) if (a.siteId) return this.sites.get(a.siteId);
    return undefined;
  }

  /** Walks `rel` (slash-separated names) below `start`; 404 with the relativePath when a step is missing. */
  resolveRelative(start: RepoNode, rel: string): RepoNode {
    let cur = start;
    for (const seg of rel.split('/').filter(Boolean)) {
      const next = this.child(cur, seg);
      if (!next) throw err.relNotFound(rel);
      cur = next;
    }
    return cur;
  }

  /** The home folder of a user (created on first use, under User Homes). */
  userHome(userId: string): RepoNode {
    const homes = this.require(this.homesId);
    return this.child(homes, userId) ?? this.insert(homes, userId, 'cm:folder', userId);
  }

  /**
   * Marks a node modified. modifiedAt must strictly increase on every change (sync clients compare it),
   * so two changes within one millisecond are pushed 1 ms apart.
   */
  touch(node: RepoNode, userId: string): void {
    this.observer?.onBeforeUpdate(this, node);
    node.modifiedAt = Math.max(Date.now(), node.modifiedAt + 1);
    node.modifiedBy = userId;
  }

  /** Low-level create: links a new node under `parent` (no permission or clash checks). */
  insert(parent: RepoNode | null, name: string, nodeType: string, userId: string): RepoNode {
    const now = Date.now();
    const node: RepoNode = {
      id: newId(),
      name,
      nodeType,
      parentId: parent?.id ?? null,
      createdAt: now,
      createdBy: userId,
      modifiedAt: now,
      modifiedBy: userId,
      aspects: ['cm:auditable'],
      properties: {},
      versions: [],
      children: new Map(),
    };
    this.nodes.set(node.id, node);
    parent?.children.set(name.toLowerCase(), node.id);
    this.observer?.onCreate(this, node);
    return node;
  }

  /** First free name in `parent`: name-1.ext, name-2.ext…; `name-1` without a dot; `1.ext` for dotfiles. */
  uniqueName(parent: RepoNode, name: string): string {
    if (!this.child(parent, name)) return name;
    const dot = name.lastIndexOf('.');
    const base = dot >= 0 ? name.slice(0, dot) : name;
    const ext = dot >= 0 ? name.slice(dot) : '';
    for (let i = 1; ; i++) {
      const candidate = base ? `${base}-${i}${ext}` : `${i}${ext}`;
      if (!this.child(parent, candidate)) return candidate;
    }
  }

  /** Renames a node in place (caller has checked for clashes). */
  rename(node: RepoNode, name: string): void {
    this.observer?.onBeforeUpdate(this, node);
    const parent = node.parentId ? this.nodes.get(node.parentId) : undefined;
    parent?.children.delete(node.name.toLowerCase());
    node.name = name;
    parent?.children.set(name.toLowerCase(), node.id);
  }

  /** Re-links a node under another parent (caller has checked for clashes and cycles). */
  relink(node: RepoNode, target: RepoNode, name: string): void {
    this.observer?.onBeforeUpdate(this, node);
    const parent = node.parentId ? this.nodes.get(node.parentId) : undefined;
    parent?.children.delete(node.name.toLowerCase());
    node.name = name;
    node.parentId = target.id;
    target.children.set(name.toLowerCase(), node.id);
  }

  /** The node and all its descendants, node first. */
  subtree(node: RepoNode): RepoNode[] {
    const out = [node];
    for (let i = 0; i < out.length; i++) out.push(...this.childrenOf(out[i]!));
    return out;
  }

  /** Unlinks a subtree and puts it in the trashcan (or drops it when `permanent`). */
  remove(node: RepoNode, userId: string, permanent: boolean): void {
    const nodes = this.subtree(node);
    this.observer?.onBeforeDelete(this, nodes);
    const parent = this.require(node.parentId!);
    parent.children.delete(node.name.toLowerCase());
    for (const n of nodes) this.nodes.delete(n.id);
    for (const [id, site] of this.sites) if (nodes.some((n) => n.id === site.guid)) this.sites.delete(id);
    if (!permanent)
      this.archive.set(node.id, { nodes, parentId: parent.id, archivedAt: Date.now(), archivedBy: userId });
  }

  /** Total bytes of live content, the figure the quota is checked against. */
  usedBytes(): number {
    let total = 0;
    for (const n of this.nodes.values()) total += n.content?.bytes.length ?? 0;
    return total;
  }

  /** Creates a site node with its documentLibrary container; the creator becomes SiteManager. */
  createSite(
    id: string,
    creator: string,
    opts: { title?: string; description?: string; visibility?: SiteRecord['visibility'] } = {},
  ): SiteRecord {
    const sitesFolder = this.require(this.sitesId);
    const siteNode = this.insert(sitesFolder, id, 'st:site', creator);
    siteNode.siteId = id;
    siteNode.aspects = ['cm:titled', 'cm:auditable'];
    const title = opts.title ?? id;
    const visibility = opts.visibility ?? 'PUBLIC';
    siteNode.properties = {
      'cm:title': title,
      'cm:description': opts.description ?? '',
      'st:sitePreset': 'site-dashboard',
      'st:siteVisibility': visibility,
    };
    const docLib = this.insert(siteNode, 'documentLibrary', 'cm:folder', creator);
    docLib.aspects = ['st:siteContainer', 'cm:auditable'];
    docLib.properties = { 'st:componentId': 'documentLibrary' };
    const site: SiteRecord = {
      id,
      guid: siteNode.id,
      title,
      description: opts.description ?? '',
      visibility,
      docLibId: docLib.id,
      members: new Map([[creator, 'SiteManager']]),
    };
    this.sites.set(id, site);
    return site;
  }
}
