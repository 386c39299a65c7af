import type { Readable } from 'node:stream';

/** Which of the two repositories a thing belongs to (SPEC §1: exactly these two words). */
export type Side = 'onprem' | 'cloud';
/** The two sides, in the order a pass reports them. */
export const SIDES: readonly Side[] = ['onprem', 'cloud'];
/** The side opposite to `side`. */
export function otherSide(side: Side): Side {
  return side === 'onprem' ? 'cloud' : 'onprem';
}

export type NodeKind = 'file' | 'folder';

/**
 * Synced metadata (SPEC §3): `cm:title`, `cm:description`, `cm:author`, `cm:latitude`, `cm:longitude`
 * and `exif:*`. Nothing else ever appears here.
 */
export type SyncedProps = Record<string, string | number | boolean | null>;

/** One node as a connector sees it right now. `id` is the node identity (local: dev:ino; alfresco: node id). */
export interface RemoteNode {
  id: string;
  name: string;
  kind: NodeKind;
  /** The parent folder's id; null for a node whose parent is outside what the connector can address. */
  parentId: string | null;
  /** Bytes of content (0 for folders). */
  size: number;
  /** Last content modification, ms since epoch. */
  mtimeMs: number;
  /**
   * Opaque token that changes whenever the content changes (local: size + mtime in ns, never ctime, which a
   * chmod or rename also changes; alfresco:
   * modifiedAt + version label + size). Equal tokens mean equal content; unequal tokens mean "maybe changed".
   */
  token: string;
  /** Synced metadata, only from connectors with `capabilities.properties`. */
  props?: SyncedProps;
  /** Locked by anyone (alfresco lock, local: write bits removed). */
  locked?: boolean;
  /** Permission bits where the side has them (local: `st_mode & 0o777`); conflict backups keep them. */
  mode?: number;
  /** The name is not valid UTF-8 (shown with \xNN escapes): no other side can be given it. */
  invalidName?: boolean;
}

/** A node a listing passed over, and why (symlink, unreadable, excluded...). Shown as a warning. */
export interface SkippedEntry {
  path: string;
  reason: string;
  /**
   * Set for a folder whose content could not be read: the engine must treat everything it knew below this
   * folder as unknown (never as deleted).
   */
  unreadableFolderId?: string;
  /** The folder the entry sits in, when known: a folder holding skipped entries is never empty. */
  parentId?: string;
}

/** All nodes below a folder, each with its parent id so the engine can rebuild the tree. */
export interface Listing {
  root: RemoteNode;
  nodes: RemoteNode[];
  skipped: SkippedEntry[];
}

/** One node as the state recorded it on a side (the fields a listing compares). */
export interface RecordedNode {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
  readonly token: string;
}

/**
 * What the state recorded on one side below a folder, for a connector that compares as it walks
 * (`compareTree`). Entries are numbered 0..count-1; the set's own rules decide what it leaves out.
 */
export interface RecordedTree {
  readonly count: number;
  /** The number of the entry recorded in folder `parentId` under `name`, or -1. */
  find(parentId: string, name: string): number;
  node(i: number): RecordedNode;
  /** node(i) is recorded in folder `parentId` under `name` (compared without building the node). */
  isAt(i: number, parentId: string, name: string): boolean;
  /** node(i) has id `id` and, unless undefined (a folder), token `token` (compared without building it). */
  isSame(i: number, id: string, token: string | undefined): boolean;
  kind(i: number): NodeKind;
  /**
   * For the local connector's walk: node(i) is a file whose id and token are the ones `idOf`/`nodeFromStat`
   * would make of this number lstat (nanoseconds compared as its milliseconds: store/stat-fields.ts), compared
   * without making them. False when they differ or cannot be compared so: the walk then compares strings.
   */
  isSameFile?(i: number, st: FileStatNumbers): boolean;
  /** The number of the entry recorded with node id `id`, or -1 (for lookups after the walk). */
  numberOf(id: string): number;
  /** True when `relPath` needs to be given to `ignored` (the set has path excludes). */
  readonly needsPath: boolean;
  /**
   * An entry the set leaves out (excluded, or a folder when subfolders are off): neither listed nor
   * descended into. `relPath` is set-relative, given only when `needsPath`.
   */
  ignored(name: string, isFolder: boolean, relPath: string): boolean;
}

/** The numbers of a number lstat a RecordedTree compares a file with (fs.Stats has them). */
export interface FileStatNumbers {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  birthtimeMs: number;
}

/** A walk compared with a RecordedTree: only what differs is a node; the rest is one bit per entry. */
export interface TreeDelta {
  root: RemoteNode;
  /** How many entries were not seen exactly as recorded (new, changed, moved, renamed): nodes `all()` builds. */
  changed: number;
  skipped: SkippedEntry[];
  /** Folders that hold an entry the RecordedTree said to leave out. */
  untracked: string[];
  /**
   * Per recorded entry: 1 when it was seen exactly as recorded (same parent, name, kind, id and, for files,
   * token; a connector with properties compares them too).
   */
  same: Uint8Array;
  sameCount: number;
  /** Every node below the folder in walk order, exactly as `listTree` would give them (built on demand). */
  all(): RemoteNode[];
  /** The nodes not seen as recorded (new, changed, moved, renamed), in walk order: `changed` of them. */
  changedNodes: RemoteNode[];
  /**
   * Per changed node: the recorded entry of the folder it is in when that folder was seen as recorded, -2
   * when it is the walked folder itself, -1 otherwise (a new or moved folder).
   */
  changedParents: number[];
  /** The node of recorded entry `i` as `all()` gives it; only for an entry seen as recorded (`same[i]`). */
  nodeAt(i: number): RemoteNode;
  /** Whether an entry seen as recorded is locked (local: no owner write bit). */
  lockedAt(i: number): boolean;
}

/** What a connector can do beyond the required core. The engine asks these; it never checks `kind`. */
export interface Capabilities {
  /** Holds synced metadata (`props`). */
  properties: boolean;
  /** Real locks (`lock`/`unlock`). */
  locks: boolean;
  /** Overwriting content keeps the previous bytes as a prior version (conflict losers need no backup). */
  versions: boolean;
  /** Change events for `watch` (`watch`). */
  events: boolean;
  /** Resolution of `mtimeMs`. */
  mtimePrecisionMs: number;
}

/** Options for writing file content. */
export interface WriteOptions {
  /** Expected size in bytes, for progress and limits. */
  size: number;
  /** Modification time to set where the connector can (local: utimes). */
  mtimeMs?: number;
  /** Comment for the version the write creates, where versions exist. */
  comment?: string;
  /**
   * Losing this write in a power cut is harmless (the owner marker: the home's record is ahead of it), so
   * the connector's next flush need not make it durable.
   */
  volatile?: boolean;
}

/** One entry of a browse listing: what the setup wizard shows to navigate a repository. */
export interface BrowseEntry {
  name: string;
  /** SPEC §2 path of the entry, usable as a `create` path or `--target`. */
  path: string;
  kind: NodeKind;
}

/** Folders first, then files, each alphabetically: the order a person scans a listing in. */
export function sortBrowseEntries(entries: BrowseEntry[]): BrowseEntry[] {
  return entries.sort((a, b) =>
    a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1,
  );
}

/**
 * What a connector's event stream says changed since the batches committed before, taken once per pass.
 * `touched` holds the ids of the nodes that changed and of the folders whose children changed (a node's old
 * and new parent); a folder that is not in it has the children the state last recorded.
 */
export interface ChangeBatch {
  /** null when the stream cannot vouch for this period (broker restarted, connection lost, backlog too big). */
  touched: ReadonlySet<string> | null;
  /** Why `touched` is null, for the log. */
  gapReason?: string;
  /** The stream position this batch continues from: a set whose cursor is another must crawl everything. */
  feed: string;
  /** The position after this batch, for each set to record once it has saved the pass. */
  next: string;
  /** With events, a set still lists everything when its last full crawl is older than this. */
  fullCrawlEveryMs: number;
}

/** Repository events as a capability: which folders changed since the last pass, instead of a crawl. */
export interface ChangeFeed {
  /** Everything received and not yet committed (waits briefly for a backlog to arrive). */
  take(): Promise<ChangeBatch>;
  /** Acknowledge `batch` at the broker: called only once every set of the profile saved its state. */
  commit(batch: ChangeBatch): Promise<void>;
}

/**
 * Where a change happened, by identity (a path may be stale by the time a pass runs): the folder whose
 * children changed, and a folder whose whole subtree must be read again (one created, moved in, or a
 * watcher that failed). Without a hint the listener only knows "something changed" and the side is read whole.
 */
export interface ChangeHint {
  parentId: string;
  treeId?: string;
}

/** Callback for `watch`: something under the folder changed (paths are advisory, the hint is exact). */
export type ChangeListener = (path: string, hint?: ChangeHint) => void;

/**
 * A repository reached by one connection. Small required core plus optional capabilities.
 * Every method addresses nodes by id; names from the other side are validated by the connector
 * (`NodeError('INVALID_NAME')`) and can never escape the folder they are written into.
 */
export interface Connector {
  readonly kind: 'local' | 'alfresco';
  readonly capabilities: Capabilities;
  /** The connection's address for display (folder path or URL). */
  readonly address: string;

  /** Check the connection: resolves the user name, throws UnreachableError/AuthError. */
  whoami(): Promise<{ user: string; address: string }>;
  /** Resolve a path in SPEC §2 syntax for this connector to a node, or null when nothing is there. */
  resolvePath(path: string): Promise<RemoteNode | null>;
  /** The node's path relative to the connection root, SPEC §2 syntax, or null if unknown. */
  pathOf(id: string): Promise<string | null>;
  /** Whether `path` may be a sync member (alfresco: not the document library, nothing outside a site). */
  checkMemberPath?(path: string): Promise<string | null>;
  /**
   * A hint of where a node was last seen (its path, SPEC §2 syntax), so a path-addressed connector can find
   * it by id without a full walk. Only a hint: lookups still verify the identity.
   */
  rememberPath?(id: string, path: string): void;
  /**
   * Remove what killed runs of cloudsync left in one folder (their temp files), for a folder no walk reads
   * (the cloud target, where owner markers are written). Connectors without temp files leave it out.
   */
  sweepTemps?(folderId: string): Promise<void>;
  /** The node as it is now, or null when it no longer exists anywhere the connector can see. */
  getNode(id: string): Promise<RemoteNode | null>;
  /**
   * Every node below `folderId` (only its direct children unless `recursive`). `known` is the folder as the
   * caller just saw it, so a connector may skip looking it up again (one request per folder on a server).
   */
  listTree(folderId: string, opts: { recursive: boolean; known?: RemoteNode }): Promise<Listing>;
  /**
   * Optional: the tree below `folderId` compared with what the state recorded, entry by entry as the walk
   * reads it, building a node only for what differs (a no-change pass over a large tree allocates next to
   * nothing). The engine falls back to `listTree` where it is absent.
   */
  compareTree?(folderId: string, recorded: RecordedTree, opts: { recursive: boolean }): Promise<TreeDelta>;
  /** Stream a file's content. */
  readContent(id: string): Promise<Readable>;
  /** Create a folder; NodeError TARGET_FOLDER_NAME_CLASH when the name is taken. */
  createFolder(parentId: string, name: string, props?: SyncedProps): Promise<RemoteNode>;
  /** Create a file from a stream, atomically (no partial file is ever visible under `name`). */
  createFile(
    parentId: string,
    name: string,
    content: Readable,
    opts: WriteOptions,
    props?: SyncedProps,
  ): Promise<RemoteNode>;
  /** Replace a file's content atomically. May return a node with a new id (local temp+rename). */
  updateContent(id: string, content: Readable, opts: WriteOptions): Promise<RemoteNode>;
  /**
   * With capabilities.versions: make sure the bytes now in `id` survive the next updateContent as a prior
   * version (a conflict's loser); false when the server will not keep them, and the engine backs them up.
   */
  keepPriorVersion?(id: string): Promise<boolean>;
  /** Move and/or rename. */
  move(id: string, newParentId: string, newName: string): Promise<RemoteNode>;
  /**
   * Delete a file, or a folder that is empty. Never a tree: a folder that still holds anything (even entries
   * the engine does not sync) throws FolderNotEmptyError and stays. Already gone counts as done.
   */
  delete(id: string, kind?: NodeKind): Promise<void>;
  /** Set synced metadata (capabilities.properties). Merges: keys absent from `props` are left alone. */
  setProps?(id: string, props: SyncedProps): Promise<RemoteNode>;
  /** Lock (capabilities.locks or local write bits). Returns false when it was already locked. */
  lock?(id: string): Promise<boolean>;
  /** Release a lock this tool made. */
  unlock?(id: string): Promise<void>;
  /** Repository events (capabilities.events): lets a pass list only the folders that changed. */
  readonly changes?: ChangeFeed;
  /** Watch a folder tree for changes; returns a function that stops watching. */
  watch?(folderId: string, onChange: ChangeListener): Promise<() => void>;
  /** Direct children of the folder at `path` (SPEC §2 syntax, '' = the top), for navigation; symlinks skipped. */
  browse?(path: string): Promise<BrowseEntry[]>;
  /**
   * Make every write so far durable (one barrier for many writes). Connectors whose writes are durable when
   * they return (a server) leave it out; the engine records a write in its state only after the barrier.
   */
  flush?(): Promise<void>;
  /** Release sockets, watchers and file handles. */
  close(): Promise<void>;
}
