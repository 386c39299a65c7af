import type { Side, SyncedProps } from '../connectors/types.js';
import type { MemberErrorCode } from '../errors.js';
import type { MemberState } from '../store/schema.js';

/**
 * Where a new or moved node goes on the destination side: under another member of the set (whose id on
 * that side is known only once earlier actions have run) or under a fixed folder id (the set's target).
 */
export type ParentRef = { member: string } | { id: string };

/** Why a file's content travels: a plain change, or the winning side of a conflict. */
export interface ConflictInfo {
  policy: string;
  /** The side whose bytes lose and must be kept (backup or prior version). */
  loser: Side;
}

/**
 * One step of a plan. The plan is plain data (`sync --dry-run --json` prints exactly this) and a closed
 * union: every consumer switches over `type` exhaustively. Every action names its `side` (the side it
 * changes; for a failure the side the failed step would have changed; for state-only steps the side whose
 * copy `path` shows), and `path` is the node's path on that side once the plan's moves have run
 * (action-paths.ts).
 */
export type Action = ActionStep & { side: Side };

/** The steps, without the side every one of them carries. */
export type ActionStep =
  /** Create a folder on `to` for a member that exists only on the other side. */
  | { type: 'mkdir'; setId: string; member: string; to: Side; parent: ParentRef; name: string; path: string }
  /** Create a file on `to` with the content of the member's node on `from`. */
  | {
      type: 'copy';
      setId: string;
      member: string;
      /** Runs only if every action of this member succeeded (a keep-both loser: after its rename). */
      after?: string;
      /** `after` is a member of this other set (a documents set's keep-both loser a folder set takes in). */
      afterSet?: string;
      from: Side;
      to: Side;
      parent: ParentRef;
      name: string;
      size: number;
      path: string;
    }
  /** Overwrite the content on `to` with the content on `from`. */
  | {
      type: 'update';
      setId: string;
      member: string;
      from: Side;
      to: Side;
      size: number;
      path: string;
      conflict?: ConflictInfo;
    }
  /** Move and/or rename the member's node on `to`. */
  | {
      type: 'move';
      setId: string;
      member: string;
      to: Side;
      parent: ParentRef;
      name: string;
      path: string;
      fromPath: string;
    }
  /** Delete the member's node on `to` (and its subtree; `covers` lists member keys removed with it). */
  | { type: 'delete'; setId: string; member: string; to: Side; path: string; covers: string[] }
  /** Copy synced metadata to `to`. */
  | { type: 'props'; setId: string; member: string; to: Side; props: SyncedProps; path: string }
  /** Record a pairing whose two sides already agree (equal content found on both sides). */
  | { type: 'adopt'; setId: string; member: string; path: string }
  /** Forget a member without touching either side (detached, moved out, or unsynced). */
  | { type: 'forget'; setId: string; member: string; path: string; reason: string }
  /**
   * Mark a member FAILED with a code (nothing is changed on either side); `clearSide`: that copy is gone;
   * `held`: kept in this set while its copies sit elsewhere (a move into another set not applicable yet),
   * recorded where they are.
   */
  | {
      type: 'fail';
      setId: string;
      member: string;
      path: string;
      code: MemberErrorCode;
      details: string;
      clearSide?: Side;
      held?: true;
    }
  /** Deleted on-prem with delete-on-cloud off: keep the cloud copy, stop syncing it, never pull it back. */
  | { type: 'detach'; setId: string; member: string; path: string }
  /** Lock the on-prem node (lock-onprem option). */
  | { type: 'lock'; setId: string; member: string; path: string }
  /** Keep both on a conflict: rename the loser on its side to `name`, then the winner travels. */
  | {
      type: 'rename-loser';
      setId: string;
      member: string;
      on: Side;
      name: string;
      path: string;
      /** Where the loser goes (a member moved in from another set: along with it); absent: it stays put. */
      parent?: ParentRef;
    };

export type ActionType = Action['type'];

/** What a pass intends to do for one sync set. */
export interface SetPlan {
  setId: string;
  actions: Action[];
  /** Members seen for the first time this pass (their keys appear in actions). */
  added: MemberState[];
  /** Non-fatal notes: symlinks skipped, excluded files, moves out of the set... */
  warnings: string[];
  /** How many members the set had at the start of the pass (for the max-delete guard). */
  memberCount: number;
}
