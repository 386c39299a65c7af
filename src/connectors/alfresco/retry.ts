// Which failures are worth another attempt, and how long to wait before it.

/** Fully resolved retry bounds. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  /** Cap of one wait of our own backoff (no Retry-After). */
  maxDelayMs: number;
  /** Longest Retry-After honoured; a server asking for more is given up on at once, not hammered. */
  maxRetryAfterMs: number;
  /** All waits of one request together, Retry-After included. */
  maxTotalMs: number;
}

/**
 * Defaults: 5 attempts; our own backoff waits at most 4 s per step (a flapping server costs seconds), while a
 * server that says how long to wait (Retry-After, e.g. a gateway asking for 60 s) is obeyed up to 120 s per
 * wait and 300 s per request.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 300,
  maxDelayMs: 4000,
  maxRetryAfterMs: 120_000,
  maxTotalMs: 300_000,
};

/** Statuses a server or gateway uses for "try again shortly". */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** 502/504 come from gateways that may have forwarded the request: the server might have acted on it. */
export const AMBIGUOUS_STATUSES: ReadonlySet<number> = new Set([502, 504]);

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Network error codes that may clear up by themselves (refused included: a restarting server). */
export function isTransientNetworkCode(code: string | undefined, message = ''): boolean {
  return (code !== undefined && TRANSIENT_CODES.has(code)) || /socket hang up/i.test(message);
}

/** Errors after which the request may have reached the server (as opposed to never connecting). */
export function mayHaveBeenSent(code: string | undefined): boolean {
  return !['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH'].includes(code ?? '');
}

/** TLS verification failures: retrying cannot help, a CA file can. */
export function isCertificateError(code: string | undefined): boolean {
  return (
    code !== undefined &&
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME_INVALID/.test(code)
  );
}

/** Retry-After as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Wait before attempt `attempt + 1`: the server's Retry-After as asked (the caller refuses asks above
 * `maxRetryAfterMs`), else exponential with full jitter.
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Full jitter spreads out clients that failed together, with a floor so we never spin.
  return Math.max(Math.min(10, ceiling), Math.round(ceiling * random()));
}
