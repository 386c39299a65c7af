// Wire formats shared by every handler: dates, error envelopes, list envelopes, paging and flags.
import { randomUUID } from 'node:crypto';

/** Formats epoch ms the way ACS does: ISO-8601, millisecond precision, `+0000` offset without a colon. */
export function formatDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** A random v4 uuid, the shape real node ids have. */
export function newId(): string {
  return randomUUID();
}

/** Literal the real server puts in every error's stackTrace since 5.2 (kept so clients can parse it). */
export const STACK_TRACE =
  'For security reasons the stack trace is no longer displayed, but the property is kept for previous versions';

/** An error that becomes the ACS `{"error":{…}}` envelope; handlers throw it, the server renders it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorKey: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Constructors for the errors the real server produces, with its keys and wording. */
export const err = {
  notFound: (id: string) =>
    new ApiError(404, 'framework.exception.EntityNotFound', `The entity with id: ${id} was not found`),
  relNotFound: (rel: string) =>
    new ApiError(
      404,
      'framework.exception.EntityNotFound',
      `The entity with relativePath: ${rel} was not found.`,
    ),
  denied: () => new ApiError(403, 'framework.exception.PermissionDenied', 'Permission was denied'),
  invalid: (msg: string) => new ApiError(400, 'framework.exception.InvalidArgument', msg),
  // Repository exceptions use their own message as errorKey (see reference 2.1).
  duplicate: (name: string) =>
    new ApiError(
      409,
      `Duplicate child name not allowed: ${name}`,
      `Duplicate child name not allowed: ${name}`,
    ),
  exists: (name: string) => new ApiError(409, `${name} already exists.`, `${name} already exists.`),
  locked: (id: string) =>
    new ApiError(
      409,
      'framework.exception.ConstraintViolated',
      `Cannot perform operation since the node (id:${id}) is locked.`,
    ),
  lockContention: (id: string) =>
    new ApiError(
      422,
      'framework.exception.UnableToAquireLock',
      `The node (id: ${id}) could not be locked since it is already locked by another user.`,
    ),
  badName: (name: string) =>
    new ApiError(422, 'framework.exception.IntegrityViolation', `Node name is not valid: ${name}`),
  tooLarge: () =>
    new ApiError(413, 'framework.exception.ContentLimitViolation', 'Content size limit exceeded'),
  quota: () => new ApiError(507, 'framework.exception.ContentQuota', 'Content quota exceeded'),
  sysNamespace: (name: string) =>
    new ApiError(400, 'framework.exception.InvalidArgument', `NameSpace cannot be used by API: ${name}`),
};

let logCounter = 0;

/** Builds the error envelope; briefSummary starts with an 8-digit log number like the real server's. */
export function errorBody(e: ApiError): unknown {
  const d = new Date();
  const prefix =
    String(d.getUTCMonth() + 1).padStart(2, '0') +
    String(d.getUTCDate()).padStart(2, '0') +
    String(logCounter++ % 10000).padStart(4, '0');
  return {
    error: {
      errorKey: e.errorKey,
      statusCode: e.status,
      briefSummary: `${prefix} ${e.message}`,
      stackTrace: STACK_TRACE,
      descriptionURL: 'https://api-explorer.alfresco.com',
    },
  };
}

/** Paging parameters after validation (maxItems ≥ 1, skipCount ≥ 0, as the server enforces). */
export interface Paging {
  skipCount: number;
  maxItems: number;
}

/** Reads skipCount/maxItems from the query; bad values are a 400 like InvalidArgument. */
export function parsePaging(q: URLSearchParams): Paging {
  const num = (key: string, dflt: number, min: number): number => {
    const raw = q.get(key);
    if (raw === null || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw err.invalid(`Invalid paging parameter ${key}:${raw}`);
    return n;
  };
  return { skipCount: num('skipCount', 0, 0), maxItems: num('maxItems', 100, 1) };
}

/** Slices `all` into the `{list:{pagination,entries}}` envelope. */
export function listBody<T>(all: T[], paging: Paging, extra: Record<string, unknown> = {}): unknown {
  const page = all.slice(paging.skipCount, paging.skipCount + paging.maxItems);
  return {
    list: {
      pagination: {
        count: page.length,
        hasMoreItems: paging.skipCount + page.length < all.length,
        totalItems: all.length,
        skipCount: paging.skipCount,
        maxItems: paging.maxItems,
      },
      entries: page.map((entry) => ({ entry })),
      ...extra,
    },
  };
}

/** Parses a 'true'/'false' flag; anything else (or absence) is undefined. */
export function flag(v: string | null | undefined): boolean | undefined {
  if (v === null || v === undefined) return undefined;
  const s = v.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  return undefined;
}

/** Splits a comma-separated `include`/`fields` parameter (values may arrive URL-encoded). */
export function csv(v: string | null | undefined): string[] {
  if (!v) return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Characters ACS refuses in cm:name: `* " < > \ / ? : |`; a trailing dot or space is refused too. */
export function isValidName(name: string): boolean {
  if (!name || name.length > 255) return false;
  if (/[*"<>\\/?:|]/.test(name)) return false;
  return !/[. ]$/.test(name);
}

/** HTTP-date (RFC 7231) for Last-Modified. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
