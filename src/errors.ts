import { redact } from './redact.js';

/** Exit codes of SPEC §5: the only meanings a process exit may carry. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  syncedWithErrors: 3,
  auth: 4,
  safety: 5,
  locked: 6,
  unreachable: 7,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A typed, expected failure: carries the exit code, a stable code for `--json`, and an actionable hint. */
export class CloudsyncError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly code: string,
    readonly hint?: string,
  ) {
    // Messages quote URLs and server answers: whatever carries a secret is scrubbed here, once, for every
    // channel the error reaches (stderr, --json, the log).
    super(redact(message));
    this.name = 'CloudsyncError';
  }
}

/** Bad flag, unknown set, missing login, corrupt state: exit 2. */
export class UsageError extends CloudsyncError {
  constructor(message: string, hint?: string, code = 'USAGE') {
    super(message, ExitCode.usage, code, hint);
  }
}

/** Credentials missing, refused or expired: exit 4. */
export class AuthError extends CloudsyncError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.auth, 'AUTHENTICATION_ERROR', hint);
  }
}

/** A safety guard refused the pass before anything was changed: exit 5. */
export class SafetyError extends CloudsyncError {
  constructor(message: string, hint?: string, code = 'SAFETY_GUARD') {
    super(message, ExitCode.safety, code, hint);
  }
}

/** Another command holds a lock (a set's, or the profile's set list): exit 6. */
export class LockedError extends CloudsyncError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.locked, 'LOCKED', hint);
  }
}

/** A side could not be reached (SPEC: COMMUNICATIONS_ERROR, temporary): exit 7. */
export class UnreachableError extends CloudsyncError {
  constructor(message: string, hint?: string, code = 'COMMUNICATIONS_ERROR') {
    super(message, ExitCode.unreachable, code, hint ?? 'This is temporary; retry later.');
  }
}

/** A pass stopped at its `--timeout`: what was done is saved, the rest waits for the next pass (exit 7). */
export class PassTimeoutError extends UnreachableError {
  constructor(seconds: number) {
    super(
      `the pass did not finish within --timeout ${seconds} s and was stopped; what it did is saved`,
      'the next pass goes on from here; raise --timeout if passes are legitimately this long',
      'TIMEOUT',
    );
  }
}

/** Member-level failure codes of SPEC §3 (`inspect`, `list --errors`). */
export const MemberErrorCodes = [
  'TARGET_FOLDER_NAME_CLASH',
  'TARGET_FOLDER_NOT_FOUND',
  'TARGET_NODE_ALREADY_SYNCED',
  'TARGET_NODE_OTHER_SYNC_SET',
  'TARGET_NODE_NO_LONGER_EXISTS',
  'TARGET_NODE_ACCESS_DENIED',
  'SOURCE_NODE_ACCESS_DENIED',
  'CONTENT_LIMIT_VIOLATION',
  'QUOTA_LIMIT_VIOLATION',
  'AUTHENTICATION_ERROR',
  'OWNER_NOT_FOUND',
  'DELETED_ON_CLOUD',
  'INVALID_NAME',
  'UNKNOWN',
] as const;
export type MemberErrorCode = (typeof MemberErrorCodes)[number];

/**
 * A failure of one operation on one node, thrown by connectors. The engine records it on the member
 * (status FAILED) and goes on with the others. `code` says which side-neutral problem it was; the engine
 * maps TARGET_/SOURCE_ from the direction of the action.
 */
export class NodeError extends Error {
  constructor(
    readonly code: MemberErrorCode,
    message: string,
  ) {
    // The message becomes the member's errorDetails in state, `inspect` and `--json`: never a secret.
    super(redact(message));
    this.name = 'NodeError';
  }
}

/**
 * A folder delete refused because the folder still holds something (a file the deleting side never saw, an
 * excluded file, anything moved in meanwhile). Not a failure: the engine keeps the folder (SPEC §3, folder
 * deletes) and syncs what is in it.
 */
export class FolderNotEmptyError extends NodeError {
  constructor(message: string) {
    super('UNKNOWN', message);
    this.name = 'FolderNotEmptyError';
  }
}

/** True for errors that mean "the other side is unreachable right now", which abort a pass with exit 7. */
export function isUnreachable(err: unknown): err is UnreachableError {
  return err instanceof UnreachableError;
}
