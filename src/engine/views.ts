import type { MemberErrorCode } from '../errors.js';
import type {
  BackupRecord,
  MemberState,
  MemberStatus,
  SetChange,
  SetOptions,
  SetState,
} from '../store/schema.js';
import type { Action } from './plan.js';

/** One row of `list` (SPEC §6). */
export interface SetRow {
  id: string;
  kind: 'documents' | 'folder';
  name: string;
  target: string;
  /** Members in sync, pending or failed; detached ones are not members any more. */
  members: number;
  failed: number;
  /** Cloud copies left behind by on-prem deletes (delete-on-cloud off), shown by `inspect` as DETACHED. */
  detached: number;
  status: MemberStatus;
  lastSyncAt: string | null;
}

/** A member's status as shown: DETACHED for a cloud copy left behind, whatever its stored status. */
export type MemberRowStatus = MemberStatus | 'DETACHED';

/** One member as `inspect` shows it (SPEC §6). */
export interface MemberRow {
  onpremPath: string | null;
  cloudPath: string | null;
  kind: 'file' | 'folder';
  direct: boolean;
  status: MemberRowStatus;
  errorCode: MemberErrorCode | null;
  errorDetails: string | null;
  errorTime: string | null;
  lastSyncAt: string | null;
}

/** A set is FAILED if any member failed, else PENDING if any is pending, else SYNCED. */
export function setStatus(state: SetState): MemberStatus {
  if (state.members.some((m) => !m.detached && m.status === 'FAILED')) return 'FAILED';
  if (state.members.some((m) => !m.detached && m.status === 'PENDING')) return 'PENDING';
  return 'SYNCED';
}

/** The `list` row of a set. */
export function toSetRow(state: SetState): SetRow {
  return {
    id: state.set.id,
    kind: state.set.kind,
    name: state.set.name,
    target: state.set.target.path,
    members: state.members.filter((m) => !m.detached).length,
    failed: state.members.filter((m) => !m.detached && m.status === 'FAILED').length,
    detached: state.members.filter((m) => m.detached).length,
    status: setStatus(state),
    lastSyncAt: state.lastSyncAt,
  };
}

/** Join connection-relative paths where the root is the empty string. */
function joinPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

/**
 * Each member's path on both sides. A side the member does not exist on yet (a pending push, or a new
 * cloud file not pulled yet) shows where it will go: under its parent member, or the target for direct
 * members on the cloud side.
 */
export function memberPaths(state: SetState): Map<string, { onprem: string | null; cloud: string | null }> {
  const byKey = new Map(state.members.map((m) => [m.key, m]));
  const memo = new Map<string, { onprem: string | null; cloud: string | null }>();
  const resolve = (m: MemberState, depth = 0): { onprem: string | null; cloud: string | null } => {
    const known = memo.get(m.key);
    if (known) return known;
    const name = m.onprem?.name ?? m.cloud?.name ?? m.key;
    const parent = m.parentKey && depth < 1000 ? byKey.get(m.parentKey) : undefined;
    const up = parent ? resolve(parent, depth + 1) : null;
    const onprem = m.onprem?.path ?? (up?.onprem != null ? joinPath(up.onprem, name) : null);
    const cloud =
      m.cloud?.path ??
      (up?.cloud != null
        ? joinPath(up.cloud, name)
        : m.direct
          ? joinPath(state.set.target.path, name)
          : null);
    const paths = { onprem, cloud };
    memo.set(m.key, paths);
    return paths;
  };
  for (const m of state.members) resolve(m);
  return memo;
}

/** The `inspect` rows of a set's members, direct members first, then by on-prem path. */
export function toMemberRows(state: SetState): MemberRow[] {
  const paths = memberPaths(state);
  const rows = state.members.map((m): MemberRow => {
    const p = paths.get(m.key) ?? { onprem: null, cloud: null };
    return {
      onpremPath: p.onprem,
      cloudPath: p.cloud,
      kind: m.kind,
      direct: m.direct,
      status: m.detached ? 'DETACHED' : m.status,
      errorCode: m.errorCode ?? null,
      errorDetails: m.errorDetails ?? null,
      errorTime: m.errorTime ?? null,
      lastSyncAt: m.lastSyncAt,
    };
  });
  const sortKey = (r: MemberRow): string => r.onpremPath ?? r.cloudPath ?? '';
  return rows.sort((a, b) => Number(b.direct) - Number(a.direct) || sortKey(a).localeCompare(sortKey(b)));
}

/** The `inspect --json` document. */
export function toInspectView(state: SetState): {
  id: string;
  kind: 'documents' | 'folder';
  name: string;
  target: string;
  createdAt: string;
  status: MemberStatus;
  lastSyncAt: string | null;
  options: SetOptions;
  excludes: string[];
  /** `cloudsync set` changes after creation, oldest first. */
  changes: SetChange[];
  members: MemberRow[];
  backups: BackupRecord[];
} {
  return {
    id: state.set.id,
    kind: state.set.kind,
    name: state.set.name,
    target: state.set.target.path,
    createdAt: state.set.createdAt,
    status: setStatus(state),
    lastSyncAt: state.lastSyncAt,
    options: state.set.options,
    excludes: state.set.excludes,
    changes: state.set.changes ?? [],
    members: toMemberRows(state),
    backups: state.backups,
  };
}

/**
 * A one-line description of a plan action for `--dry-run`, `-v` and logs, naming its side and the node's
 * path there: `push  cloud Shared/Projects/a.txt`.
 */
export function describeAction(a: Action): string {
  const at = `${a.side} ${a.path}`;
  switch (a.type) {
    case 'copy':
    case 'update': {
      const verb = a.to === 'cloud' ? 'push ' : 'pull ';
      const conflict =
        a.type === 'update' && a.conflict
          ? `  (conflict: ${a.conflict.policy}, ${a.conflict.loser} copy kept)`
          : '';
      return `${verb} ${at}${conflict}`;
    }
    case 'mkdir':
      return `mkdir ${at}/`;
    case 'move':
      return `move  ${a.side} ${a.fromPath} -> ${a.path}`;
    case 'delete':
      return `delete ${at}`;
    case 'props':
      return `props ${at}`;
    case 'adopt':
      return `pair  ${at}  (equal on both sides)`;
    case 'forget':
      return `forget ${at}  (${a.reason})`;
    case 'fail':
      return `fail  ${at}  (${a.code}: ${a.details})`;
    case 'detach':
      return `detach ${at}  (deleted on-prem; cloud copy kept, no longer synced)`;
    case 'lock':
      return `lock  ${at}`;
    case 'rename-loser':
      return `rename ${at} -> ${a.name}  (conflict: keep both)`;
    default: {
      const never: never = a;
      return String(never);
    }
  }
}

/** What a failure code means and what to do about it, in the words of the original troubleshooting guide. */
export interface FailureExplanation {
  meaning: string;
  remedy: string;
}

const EXPLANATIONS: Record<MemberErrorCode | 'COMMUNICATIONS_ERROR', FailureExplanation> = {
  TARGET_FOLDER_NAME_CLASH: {
    meaning: 'Content with the same name already exists in the destination folder on the other side.',
    remedy: 'Rename or move one of the two nodes, then run `cloudsync request-sync <set> <path>`.',
  },
  TARGET_FOLDER_NOT_FOUND: {
    meaning: 'The folder this member should be written into no longer exists on the other side.',
    remedy: 'Re-create the folder (or move the member), then run `cloudsync request-sync <set> <path>`.',
  },
  TARGET_NODE_ALREADY_SYNCED: {
    meaning: 'The node on the other side is already paired with a different member.',
    remedy: 'Unsync the other member or rename one of them, then run `cloudsync request-sync <set> <path>`.',
  },
  TARGET_NODE_OTHER_SYNC_SET: {
    meaning: 'The node is already a member of another sync set; a node can belong to one set only.',
    remedy: 'Unsync it from the other set (`cloudsync unsync <other-set> <path>`), then request-sync here.',
  },
  TARGET_NODE_NO_LONGER_EXISTS: {
    meaning: 'The copy on the other side no longer exists (it was deleted or moved out of reach).',
    remedy: 'Run `cloudsync request-sync <set> <path>` to re-create it in the original target folder.',
  },
  TARGET_NODE_ACCESS_DENIED: {
    meaning: 'The account used for the destination side may not write there.',
    remedy:
      'Grant the account write permission on the target folder (or log in as another user), then request-sync.',
  },
  SOURCE_NODE_ACCESS_DENIED: {
    meaning: 'The account used for the source side may not read this node.',
    remedy: 'Grant the account read permission on the node (or log in as another user), then request-sync.',
  },
  CONTENT_LIMIT_VIOLATION: {
    meaning: 'The file exceeds the content size limit of the destination; the set is only partly synced.',
    remedy: 'Make the file smaller or exclude it (`--exclude`), or raise the limit, then request-sync.',
  },
  QUOTA_LIMIT_VIOLATION: {
    meaning: 'The destination account has exceeded its content quota; the set is only partly synced.',
    remedy: 'Free space or raise the quota, then run `cloudsync request-sync <set>`.',
  },
  AUTHENTICATION_ERROR: {
    meaning: 'The credentials for one side were refused or have expired.',
    remedy: 'Run `cloudsync login <side> <url>` again, then `cloudsync request-sync <set>`.',
  },
  OWNER_NOT_FOUND: {
    meaning: 'The user who created the sync set no longer exists.',
    remedy: 'Unsync the set (`cloudsync unsync <set>`) and create it again as an existing user.',
  },
  DELETED_ON_CLOUD: {
    meaning: 'The cloud copy was deleted; the on-prem node was kept because delete-on-prem is off.',
    remedy:
      'Run `cloudsync request-sync <set> <path>` to re-create the cloud copy, or `cloudsync unsync` it.',
  },
  INVALID_NAME: {
    meaning:
      'The name cannot exist on the other side (alfresco forbids * " < > \\ / ? : | and a trailing dot).',
    remedy: 'Rename the node to a name both sides accept; the next pass syncs it.',
  },
  UNKNOWN: {
    meaning: 'An unexpected error occurred; the details carry the cause.',
    remedy: 'Fix the cause if the details name one, then request-sync; run with --verbose for more.',
  },
  COMMUNICATIONS_ERROR: {
    meaning: 'A side could not be reached (temporary sync error); nothing is marked failed.',
    remedy: 'Check the network and the server, then run the pass again (`cloudsync sync`).',
  },
};

/** The explanation and remedy for a failure code (UNKNOWN's for a code this version does not know). */
export function explainFailure(code: string): FailureExplanation {
  return EXPLANATIONS[code as MemberErrorCode] ?? EXPLANATIONS.UNKNOWN;
}

/** Each failure code present among the rows with how many members carry it, in first-seen order. */
export function failureSummary(rows: MemberRow[]): { code: MemberErrorCode; count: number }[] {
  const counts = new Map<MemberErrorCode, number>();
  for (const r of rows)
    if (r.status === 'FAILED' && r.errorCode) counts.set(r.errorCode, (counts.get(r.errorCode) ?? 0) + 1);
  return [...counts].map(([code, count]) => ({ code, count }));
}
