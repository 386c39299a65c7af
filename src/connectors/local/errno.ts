import { NodeError, type MemberErrorCode } from '../../errors.js';

/** The errno code of a Node fs error, if it is one. */
export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

/** Errors of a write (create, update, move, delete) mapped to the member error codes of SPEC §3. */
const WRITE_CODES: Record<string, MemberErrorCode> = {
  EACCES: 'TARGET_NODE_ACCESS_DENIED',
  EPERM: 'TARGET_NODE_ACCESS_DENIED',
  EROFS: 'TARGET_NODE_ACCESS_DENIED',
  ENOENT: 'TARGET_FOLDER_NOT_FOUND',
  ENOTDIR: 'TARGET_FOLDER_NOT_FOUND',
  EEXIST: 'TARGET_FOLDER_NAME_CLASH',
  ENOTEMPTY: 'TARGET_FOLDER_NAME_CLASH',
  ENOSPC: 'QUOTA_LIMIT_VIOLATION',
  EDQUOT: 'QUOTA_LIMIT_VIOLATION',
  EFBIG: 'CONTENT_LIMIT_VIOLATION',
  ENAMETOOLONG: 'INVALID_NAME',
  EILSEQ: 'INVALID_NAME',
  EINVAL: 'INVALID_NAME',
};

/**
 * Turn an fs error thrown while writing into a NodeError, so the engine fails just this member. NodeErrors
 * pass through; an errno we have no better word for becomes UNKNOWN with the errno in the message.
 */
export function toWriteError(err: unknown, what: string): Error {
  if (err instanceof NodeError) return err;
  const errno = errnoOf(err);
  if (errno === undefined) return err instanceof Error ? err : new Error(String(err));
  const message = `${what}: ${(err as Error).message}`;
  return new NodeError(WRITE_CODES[errno] ?? 'UNKNOWN', message);
}

/** Errors of a read mapped to SOURCE_ codes: the node is what we read from. */
export function toReadError(err: unknown, what: string): Error {
  if (err instanceof NodeError) return err;
  const errno = errnoOf(err);
  if (errno === undefined) return err instanceof Error ? err : new Error(String(err));
  const message = `${what}: ${(err as Error).message}`;
  if (errno === 'EACCES' || errno === 'EPERM') return new NodeError('SOURCE_NODE_ACCESS_DENIED', message);
  if (errno === 'ENOENT') return new NodeError('TARGET_NODE_NO_LONGER_EXISTS', message);
  return new NodeError('UNKNOWN', message);
}
