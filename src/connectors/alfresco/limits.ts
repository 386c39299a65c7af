// Bounds on what one server can make us hold or wait for: body sizes, a total deadline per request, and
// a minimum rate for content, so a broken or hostile server fails a request instead of exhausting memory,
// disk or time. Defaults suit real servers; the environment can change them (README, Safety).
import { PassThrough, type Readable } from 'node:stream';
import { NodeError, UsageError } from '../../errors.js';

/** Resolved limits of one connection. */
export interface HttpLimits {
  /** Largest JSON answer (listing page, node) read, after decompression (default 16 MiB). */
  maxResponseBytes: number;
  /** Error answers are read up to this much, the rest is dropped (default 64 KiB). */
  maxErrorBytes: number;
  /** Total deadline of one JSON request attempt, from sending to the last byte (default 120 s). */
  requestTimeoutMs: number;
  /** Content must move at least this fast, in bytes per second (default 1024)… */
  minRateBytesPerS: number;
  /** …measured over each window of this length (default 30 s). */
  rateWindowMs: number;
}

/** What every connection gets unless the environment says otherwise. */
export const DEFAULT_LIMITS: HttpLimits = {
  maxResponseBytes: 16 * 1024 * 1024,
  maxErrorBytes: 64 * 1024,
  requestTimeoutMs: 120_000,
  minRateBytesPerS: 1024,
  rateWindowMs: 30_000,
};

/** The environment variables that change the limits, with their unit and how each maps to a field. */
const ENV: [string, keyof HttpLimits, number][] = [
  ['CLOUDSYNC_MAX_RESPONSE_MB', 'maxResponseBytes', 1024 * 1024],
  ['CLOUDSYNC_REQUEST_TIMEOUT', 'requestTimeoutMs', 1000],
  ['CLOUDSYNC_MIN_RATE', 'minRateBytesPerS', 1],
  ['CLOUDSYNC_RATE_WINDOW', 'rateWindowMs', 1000],
];

/** Limits overridden by the environment; a value that is not a positive number is a usage error. */
export function limitsFromEnv(env: Record<string, string | undefined>): Partial<HttpLimits> {
  const out: Partial<HttpLimits> = {};
  for (const [name, key, unit] of ENV) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) {
      throw new UsageError(`${name}=${raw} is not a positive number`, `unset ${name} or give a number`);
    }
    out[key] = Math.round(n * unit);
  }
  return out;
}

/** The body read to its end, or to `cap` bytes: then `fail` destroys the stream and throws, `truncate` keeps what came. */
export async function readCapped(
  stream: Readable,
  cap: number,
  over: { fail: string } | 'truncate',
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    const chunk = c as Buffer;
    if (size + chunk.length > cap) {
      if (over !== 'truncate') {
        stream.destroy();
        throw new NodeError('UNKNOWN', over.fail);
      }
      chunks.push(chunk.subarray(0, cap - size));
      stream.destroy();
      break;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks);
}

/**
 * Fails `out` when the source delivers less than the minimum rate over a whole window. A window in which
 * the consumer is the slow one (the buffer of `out` is full, so the source is paused) does not count.
 */
export function enforceMinRate(
  source: Readable,
  out: PassThrough,
  limits: Pick<HttpLimits, 'minRateBytesPerS' | 'rateWindowMs'>,
  what: string,
): void {
  const needed = (limits.minRateBytesPerS * limits.rateWindowMs) / 1000;
  let bytes = 0;
  source.on('data', (c: Buffer) => (bytes += c.length));
  const timer = setInterval(() => {
    const consumerBehind = out.readableLength >= out.readableHighWaterMark || source.isPaused();
    if (!consumerBehind && bytes < needed) {
      clearInterval(timer);
      out.destroy(
        new NodeError(
          'UNKNOWN',
          `${what} too slow: ${bytes} bytes in ${limits.rateWindowMs / 1000} s, below the minimum of ` +
            `${limits.minRateBytesPerS} bytes/s (CLOUDSYNC_MIN_RATE)`,
        ),
      );
      source.destroy();
      return;
    }
    bytes = 0;
  }, limits.rateWindowMs);
  timer.unref();
  out.once('close', () => clearInterval(timer));
  source.once('end', () => clearInterval(timer));
}

/** "16 MiB", "64 KiB": how a cap is named in messages. */
export function formatCap(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
