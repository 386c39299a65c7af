import type { NodeKind, Side, SyncedProps } from '../connectors/types.js';
import type { MemberErrorCode } from '../errors.js';

/**
 * Version of the state file layout. A file with a higher number is refused, never overwritten; a lower one
 * is read and rewritten in this layout by the next pass (member-rows.ts). 1: one JSON object per member.
 * 2: one compact array per member, derivable fields left out.
 */
export const STATE_SCHEMA = 2;

/** Conflict policies of SPEC §3. */
export type ConflictPolicy = 'cloud-wins' | 'onprem-wins' | 'newer-wins' | 'keep-both';
export const CONFLICT_POLICIES: readonly ConflictPolicy[] = [
  'cloud-wins',
  'onprem-wins',
  'newer-wins',
  'keep-both',
];

/** Sync-set options with the original product's defaults (SPEC §3). */
export interface SetOptions {
  lockOnPrem: boolean;
  deleteOnCloud: boolean;
  deleteOnPrem: boolean;
  includeSubfolders: boolean;
  conflict: ConflictPolicy;
}

/** The defaults of the original product. */
export const DEFAULT_OPTIONS: SetOptions = {
  lockOnPrem: false,
  deleteOnCloud: true,
  deleteOnPrem: false,
  includeSubfolders: true,
  conflict: 'cloud-wins',
};

/** Definition of a sync set: what it syncs, where to, and how. */
export interface SetDefinition {
  id: string;
  name: string;
  kind: 'documents' | 'folder';
  createdAt: string;
  options: SetOptions;
  /** The cloud target folder the set's direct members are created in. */
  target: { id: string; path: string };
  /** User globs on top of the default excludes. */
  excludes: string[];
  /** Changes made with `cloudsync set` after creation, oldest first. */
  changes?: SetChange[];
}

/** One `cloudsync set` run: when, and what it changed (`conflict: cloud-wins -> keep-both`). */
export interface SetChange {
  time: string;
  changes: string[];
}

/** What one side looked like when the member was last in sync. */
export interface SideState {
  id: string;
  parentId: string | null;
  name: string;
  token: string;
  size: number;
  mtimeMs: number;
  props?: SyncedProps;
  /** Path relative to the connection root, for display; refreshed every pass. */
  path: string;
}

export type MemberStatus = 'SYNCED' | 'PENDING' | 'FAILED';

/** One node of the set, paired across both sides. `key` is stable for the member's life. */
export interface MemberState {
  key: string;
  kind: NodeKind;
  direct: boolean;
  /** Key of the member's parent folder within the set (null for direct members). */
  parentKey: string | null;
  /** Last synced snapshot per side; null when the node does not exist (yet) on that side. */
  onprem: SideState | null;
  cloud: SideState | null;
  /** sha256 of the content at the last sync (files), used to tell equal content from a conflict. */
  hash?: string;
  /** Merged synced metadata at the last sync, so a side that cannot hold it never removes it. */
  props?: SyncedProps;
  status: MemberStatus;
  errorCode?: MemberErrorCode;
  errorDetails?: string;
  errorTime?: string;
  lastSyncAt: string | null;
  /** request-sync asked for a full re-push. */
  requested?: boolean;
  /** cloudsync locked the on-prem node (released on unsync only then). */
  lockedByUs?: boolean;
  /**
   * Deleted on-prem with delete-on-cloud off: the cloud copy stays, no longer synced and never pulled
   * back. The record is kept so the cloud node (and anything later put under it) is recognised and ignored.
   */
  detached?: boolean;
}

/** A conflict loser's bytes kept under `<home>/backups/` (connectors without versions). */
export interface BackupRecord {
  memberKey: string;
  side: Side;
  /** Member path at the time of the conflict. */
  memberPath: string;
  /** Absolute path of the kept bytes. */
  file: string;
  time: string;
  reason: string;
}

/** Everything cloudsync knows about one sync set: one JSON file `state/<profile>/<id>.json`. */
export interface SetState {
  schema: number;
  set: SetDefinition;
  members: MemberState[];
  backups: BackupRecord[];
  lastSyncAt: string | null;
  /** Counter for member keys, so keys are never reused. */
  nextKey: number;
  /** Per side with repository events: which event stream this set has followed, and its last full crawl. */
  events?: Partial<Record<Side, EventCursor>>;
}

/**
 * Where a set stands in one side's event stream (`ChangeBatch.next` of the last pass it saved). Optional, so older files load as "no
 * position": their first pass with events is a full crawl.
 */
export interface EventCursor {
  feed: string;
  /** When this set last listed everything on that side. */
  fullCrawlAt: string;
}

/** One durable change to a set's state, appended to `<id>.journal` as one JSON line. */
export type JournalRecord =
  | { op: 'put'; member: MemberState }
  | { op: 'del'; key: string }
  | { op: 'backup'; backup: BackupRecord }
  | { op: 'meta'; lastSyncAt?: string | null; nextKey?: number; events?: SetState['events'] };
