import type { Connector, Side } from '../connectors/types.js';
import type { MemberErrorCode } from '../errors.js';
import type { ConflictPolicy, SetOptions } from '../store/schema.js';
import type { Action } from './plan.js';
import type { StateStore } from '../store/state-store.js';
import type { OwnerContext } from './ownership.js';

/** Everything the engine needs, injected so tests need no monkey-patching (STYLE 11). */
export interface EngineContext {
  connectors: Record<Side, Connector>;
  store: StateStore;
  /** `<home>`: conflict backups go to `<home>/backups/`. */
  home: string;
  /** Clock, for member times and backup names. */
  now?: () => Date;
  /** Progress and log events; the engine never prints. */
  onEvent?: (event: EngineEvent) => void;
  /** One owner per set (the cloud-side marker): checked and stamped by every pass when given. */
  owner?: OwnerContext;
}

/** What the engine reports while it works; commands render these (human, NDJSON, progress). */
export type EngineEvent =
  | { event: 'pass-start'; sets: string[] }
  | { event: 'plan'; setId: string; actions: number; bytes: number }
  | { event: 'action-start'; setId: string; action: Action }
  | { event: 'action-done'; setId: string; action: Action; bytes: number }
  /** Content moving for a copy/update in flight: `bytes` more since the last such event (about 4 a second). */
  | { event: 'bytes'; setId: string; member: string; bytes: number }
  | { event: 'action-failed'; setId: string; action: Action; code: MemberErrorCode; message: string }
  | { event: 'warning'; setId?: string; message: string }
  /** A safety guard stopped one set (exit 5); the others go on. */
  | { event: 'guard'; setId: string; code: string; message: string; hint?: string }
  | { event: 'pass-end'; exitCode: number };

/** `cloudsync create`. */
export interface CreateSetRequest {
  /** On-prem member paths (SPEC §2 syntax): one folder, or one or more files. */
  paths: string[];
  /** Cloud target folder path. */
  target: string;
  mkdir: boolean;
  name?: string;
  options: Partial<SetOptions>;
  excludes: string[];
  /** The new set's id, when the caller chose it (to hold its lock before the set exists); else a fresh one. */
  id?: string;
}

/** `cloudsync sync` / one pass of `watch`. */
export interface PassOptions {
  /** Set ids (already resolved); all sets of the profile when empty. */
  setIds?: string[];
  dryRun?: boolean;
  /** Override the max-delete guard. */
  force?: boolean;
  /** Abort a set that would lose more than this percent of its documents (default 50). */
  maxDeletePercent?: number;
  /** Concurrent transfers (default 4). */
  transfers?: number;
  /** Stops the pass after the action in flight; state stays consistent. */
  signal?: AbortSignal;
  /**
   * Per side, what the side's own change events named since the last pass (`watch`): only those folders
   * are read on that side, the rest is taken as recorded. Undefined for a side: read it whole.
   */
  eventScopes?: Partial<Record<Side, EventScope>>;
  /**
   * False: a set whose walks saw a few things differ is still read whole (tests compare both). By default a
   * pass works on just the members its walks' delta concerns (view-delta.ts).
   */
  scopeToDelta?: boolean;
}

/** Folders change events named, by id: those whose children changed, and those to read with their subtree. */
export interface EventScope {
  folders: ReadonlySet<string>;
  trees: ReadonlySet<string>;
}

/** The result of a pass for one set (SPEC §6 `sync`). */
export interface SetResult {
  id: string;
  name: string;
  pushed: number;
  pulled: number;
  deleted: number;
  moved: number;
  conflicts: number;
  failed: number;
  actions: Action[];
  warnings: string[];
  /** Set when a guard stopped this set (exit 5): nothing of this set was changed, the others ran. */
  aborted?: { code: string; message: string; hint?: string };
}

/** The result of a whole pass (SPEC §6 `sync`: `{"sets", "exitCode"}`). */
export interface PassResult {
  sets: SetResult[];
  exitCode: number;
  dryRun: boolean;
  /**
   * Only on a scoped pass (`watch`'s events, or a walk's small delta: view-delta.ts): how many members took
   * part in it, summed over its scoped sets. A pass after one edit touches a handful, whatever the set's size.
   */
  scoped?: { members: number };
}

export type { ConflictPolicy };
