// Maps ACS error responses to the member-level NodeError codes of SPEC §3.
import { NodeError, UnreachableError } from '../../errors.js';
import type { HttpResponse } from './http.js';

/** What the failed call was doing, so one status can mean different things. */
export interface ErrorContext {
  /** Reading the node (SOURCE_… on 403) or writing it (TARGET_…). */
  access: 'read' | 'write';
  /** What a 404 means: the node itself is gone, or the folder written into is. */
  missing: 'node' | 'parent';
  /** The call sets a name (create, rename, move): 409/422 are then about that name. */
  naming?: boolean;
  /** For messages: which node or name the call was about. */
  subject: string;
}

/** The server's briefSummary without its 8-digit log number, or a short stand-in. */
export function briefSummary(res: Pick<HttpResponse, 'status' | 'body' | 'text'>): string {
  const err = (res.body as { error?: { briefSummary?: unknown; errorKey?: unknown } } | undefined)?.error;
  if (typeof err?.briefSummary === 'string') return err.briefSummary.replace(/^\d{8} /, '');
  if (typeof err?.errorKey === 'string') return err.errorKey;
  return res.text ? `non-JSON answer: ${res.text.replace(/\s+/g, ' ').slice(0, 80)}` : `HTTP ${res.status}`;
}

const LOCKED = /\blocked\b/i;
const DUPLICATE = /duplicate child name|already exists/i;

/** The NodeError (or UnreachableError) for a non-2xx response. 401 never gets here: http.ts handles it. */
export function toNodeError(res: HttpResponse, ctx: ErrorContext): Error {
  const summary = briefSummary(res);
  const detail = (what: string): string => `${ctx.subject}: ${what} (${summary})`;
  const denied = ctx.access === 'read' ? 'SOURCE_NODE_ACCESS_DENIED' : 'TARGET_NODE_ACCESS_DENIED';
  switch (res.status) {
    case 403:
      return new NodeError(denied, detail('access denied'));
    case 404:
      return ctx.missing === 'parent'
        ? new NodeError('TARGET_FOLDER_NOT_FOUND', detail('folder not found'))
        : new NodeError('TARGET_NODE_NO_LONGER_EXISTS', detail('node no longer exists'));
    case 409:
      if (LOCKED.test(summary))
        return new NodeError('TARGET_NODE_ACCESS_DENIED', detail('locked by another user'));
      if (DUPLICATE.test(summary) || ctx.naming) {
        return new NodeError('TARGET_FOLDER_NAME_CLASH', detail('name already exists in the folder'));
      }
      return new NodeError('UNKNOWN', detail('conflict'));
    case 413:
      return new NodeError('CONTENT_LIMIT_VIOLATION', detail('content exceeds the size limit'));
    case 422:
      if (LOCKED.test(summary))
        return new NodeError('TARGET_NODE_ACCESS_DENIED', detail('locked by another user'));
      if (ctx.naming) return new NodeError('INVALID_NAME', detail('name refused by the server'));
      return new NodeError('UNKNOWN', detail('refused'));
    case 507:
      return new NodeError('QUOTA_LIMIT_VIOLATION', detail('storage quota exceeded'));
    case 500:
      // A 500 is one node's trouble (a broken transformer, a corrupt content file), not an outage.
      return new NodeError('UNKNOWN', detail('server error'));
    default:
      if (res.status >= 500) return new UnreachableError(`server error HTTP ${res.status}: ${summary}`);
      return new NodeError('UNKNOWN', detail(`HTTP ${res.status}`));
  }
}

/** Names ACS refuses: `* " < > \ / ? : |`, a trailing dot, empty, or longer than 255. */
export function invalidNameReason(name: string): string | null {
  if (name.length === 0 || name.trim().length === 0) return 'empty name';
  if (name.length > 255) return 'name longer than 255 characters';
  const bad = name.match(/[*"<>\\/?:|]/);
  if (bad) return `character ${bad[0]} not allowed`;
  if (name.endsWith('.')) return 'trailing dot not allowed';
  if ([...name].some((c) => c.charCodeAt(0) < 0x20)) return 'control characters not allowed';
  return null;
}

/** Throws NodeError('INVALID_NAME') before any request when ACS would refuse `name`. */
export function assertValidName(name: string): void {
  const reason = invalidNameReason(name);
  if (reason) throw new NodeError('INVALID_NAME', `${JSON.stringify(name)}: ${reason}`);
}
