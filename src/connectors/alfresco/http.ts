// The HTTP layer: one got instance with keep-alive agents, auth headers, retries and redacted logging.
// It returns HTTP error statuses to the caller (errors.ts maps them); it throws only for what no caller
// can handle per node: lost connectivity (UnreachableError), bad certificates and rejected credentials.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import got, { RequestError, type Got, type Response } from 'got';
import { NodeError, UnreachableError, UsageError } from '../../errors.js';
import { resolveEndpoint, type Endpoint } from './endpoint.js';
import type { Authenticator, HttpRequest, HttpResponse, HttpStreamResponse } from './http-types.js';
import { DEFAULT_LIMITS, enforceMinRate, formatCap, readCapped, type HttpLimits } from './limits.js';
import type { AlfrescoConnectionOptions } from './options.js';
import { makeAgents, type Agents } from './proxy.js';
import { redact } from './redact.js';
import {
  AMBIGUOUS_STATUSES,
  DEFAULT_RETRY,
  RETRYABLE_STATUSES,
  backoffDelay,
  isCertificateError,
  isTransientNetworkCode,
  mayHaveBeenSent,
  parseRetryAfter,
  type RetryPolicy,
} from './retry.js';

export type {
  Authenticator,
  HttpRequest,
  HttpResponse,
  HttpStreamResponse,
  ReplayableBody,
} from './http-types.js';

/** What one attempt came to. */
type Outcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'retry'; problem: string; ambiguous: boolean; retryAfterMs?: number; fallback?: T }
  | { kind: 'unauthorized' };

/** REST client for one server; share one per connector so sockets are reused. */
export class AlfrescoHttp {
  readonly endpoint: Endpoint;
  private readonly got: Got;
  private readonly agents: Agents;
  private readonly policy: RetryPolicy;
  readonly limits: HttpLimits;

  constructor(
    readonly opts: AlfrescoConnectionOptions,
    private readonly auth?: Authenticator,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.endpoint = resolveEndpoint(opts.url, opts.network, opts.allowHttp);
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.agents = makeAgents(opts.proxy);
    const timeoutMs = opts.timeoutMs ?? 60_000;
    this.got = got.extend({
      agent: this.agents,
      https: { certificateAuthority: loadCa(opts.caFile), rejectUnauthorized: true },
      throwHttpErrors: false,
      followRedirect: false,
      retry: { limit: 0 },
      timeout: {
        lookup: 10_000,
        connect: 10_000,
        secureConnect: 10_000,
        socket: timeoutMs,
        response: timeoutMs,
      },
    });
  }

  /**
   * Sends a request with a JSON (or empty) response, retrying transient failures. The body is read up to
   * the response cap (after decompression) and the whole attempt has a total deadline, so no answer can
   * grow the process or hold it forever.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    return this.withRetries(req, async (headers) => {
      const s = this.got.stream(this.url(req), {
        method: req.method,
        headers,
        timeout: { request: this.deadlineMs(req) },
        signal: this.opts.signal?.(),
        ...this.bodyOptions(req),
      });
      const res = await responseOf(s);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const body = ok
        ? await readCapped(s, this.limits.maxResponseBytes, {
            fail: `${this.endpoint.origin} answered ${req.method} ${req.path} with more than ${formatCap(this.limits.maxResponseBytes)} (CLOUDSYNC_MAX_RESPONSE_MB)`,
          })
        : await readCapped(s, this.limits.maxErrorBytes, 'truncate');
      return this.classify(req, res.statusCode, res.headers, body);
    });
  }

  /** Sends a GET whose 2xx body is returned as a stream, never buffered, that must keep a minimum rate. */
  async stream(req: HttpRequest): Promise<HttpStreamResponse> {
    return this.withRetries(req, async (headers) => {
      const s = this.got.stream(this.url(req), {
        method: req.method,
        headers,
        signal: this.opts.signal?.(),
      });
      const res = await responseOf(s);
      if (res.statusCode >= 200 && res.statusCode < 300) {
        const value = {
          status: res.statusCode,
          headers: res.headers,
          stream: this.guarded(s as Readable, `download of ${req.path}`),
          ambiguous: false,
        };
        return { kind: 'done', value };
      }
      const raw = await readCapped(s, this.limits.maxErrorBytes, 'truncate');
      const out = this.classify(req, res.statusCode, res.headers, raw);
      const withStream = (r: HttpResponse): HttpStreamResponse => {
        const { body: _body, ...rest } = r;
        return { ...rest, stream: s as Readable };
      };
      if (out.kind === 'done') return { kind: 'done', value: withStream(out.value) };
      if (out.kind === 'retry' && out.fallback) return { ...out, fallback: withStream(out.fallback) };
      return out as Outcome<HttpStreamResponse>;
    });
  }

  /** A JSON call's total deadline; an upload's grows with its size at the minimum rate. */
  private deadlineMs(req: HttpRequest): number {
    const upload = req.body ? (req.body.length / this.limits.minRateBytesPerS) * 1000 : 0;
    return Math.round(this.limits.requestTimeoutMs + upload);
  }

  /**
   * The body as a plain stream whose errors carry no request options: got's errors hold the request
   * headers, Authorization included, and a logger printing one would leak the ticket. An interrupted
   * transfer fails that one node; the next request finds out whether the server is really gone.
   */
  private guarded(source: Readable, what: string): Readable {
    const out = new PassThrough();
    source.once('error', (err: { code?: string }) => {
      const reason: unknown = this.opts.signal?.()?.reason;
      out.destroy(
        err.code === 'ERR_ABORTED' && reason instanceof Error
          ? reason
          : new NodeError(
              'UNKNOWN',
              `download from ${this.endpoint.origin} interrupted (${err.code ?? 'error'})`,
            ),
      );
    });
    // A consumer that stops early must release the socket.
    out.once('close', () => {
      if (!source.readableEnded) source.destroy();
    });
    source.pipe(out);
    enforceMinRate(source, out, this.limits, what);
    return out;
  }

  /** Closes pooled sockets. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private url(req: HttpRequest): URL {
    const base = req.api === 'auth' ? this.endpoint.authBase : this.endpoint.coreBase;
    const url = new URL(req.path, base);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private bodyOptions(req: HttpRequest): { json?: unknown; body?: Readable | string } {
    if (req.body) return { body: req.body.open() };
    if (req.json !== undefined) return { json: req.json };
    // A got stream with any method but GET and no body waits for one to be written.
    return req.method === 'GET' ? {} : { body: '' };
  }

  /** Decides what a complete response means: hand it back, retry, or renew the ticket. */
  private classify(
    req: HttpRequest,
    status: number,
    headers: IncomingHttpHeaders,
    raw: Buffer,
  ): Outcome<HttpResponse> {
    if (status === 401 && this.renewable(req)) return { kind: 'unauthorized' };
    if (status >= 300 && status < 400) throw this.redirected(req, status, headers.location);
    if (RETRYABLE_STATUSES.has(status)) {
      const retryAfterMs = parseRetryAfter(headers['retry-after'] as string | undefined);
      return {
        kind: 'retry',
        problem: `HTTP ${status}`,
        ambiguous: AMBIGUOUS_STATUSES.has(status),
        retryAfterMs,
      };
    }
    const parsed = parseJson(raw, headers['content-type']);
    if (status === 500) {
      // Often transient (a deadlock, a restarting subsystem), so worth retrying; but a 500 that persists is
      // one node's problem, handed back as a member failure rather than "server unreachable".
      const text = parsed === undefined ? redact(raw.subarray(0, 200).toString('utf8')) : undefined;
      const fallback = { status, headers, body: parsed, text, ambiguous: true };
      return { kind: 'retry', problem: 'HTTP 500', ambiguous: true, fallback };
    }
    if (status >= 200 && status < 300 && raw.length > 0 && parsed === undefined) {
      throw new UnreachableError(
        `${this.endpoint.origin} answered ${req.method} ${req.path} with ${headers['content-type'] ?? 'an untyped body'} instead of JSON`,
        'check that the URL is the Alfresco server (https://host[:port] or …/alfresco); a proxy login page looks like this',
      );
    }
    const text =
      parsed === undefined && raw.length > 0 ? redact(raw.subarray(0, 200).toString('utf8')) : undefined;
    return { kind: 'done', value: { status, headers, body: parsed, text, ambiguous: false } };
  }

  /**
   * A redirect is never followed: a request carries the ticket, and another host (or plain http) must not
   * receive it. It usually means the URL given to `login` is not the server's final address.
   */
  private redirected(req: HttpRequest, status: number, location: string | undefined): UnreachableError {
    let where = 'elsewhere';
    try {
      if (location) {
        const to = new URL(location, this.endpoint.origin);
        where = to.origin === this.endpoint.origin ? `${to.pathname}` : `another address, ${to.origin}`;
      }
    } catch {
      where = 'an unreadable address';
    }
    return new UnreachableError(
      `${this.endpoint.origin} redirected ${req.method} ${req.path} (HTTP ${status}) to ${where}; cloudsync does not follow redirects, so credentials never go where you did not send them`,
      `if the server moved, run \`cloudsync login ${this.opts.side ?? '<side>'} <its final https:// URL>\`; a proxy or SSO page in front of the REST API must let it through`,
      'REDIRECTED',
    );
  }

  private renewable(req: HttpRequest): boolean {
    return !req.anonymous && !req.authorization && this.auth !== undefined;
  }

  /** The attempt loop shared by both response modes: renew once on 401, back off on transient failures. */
  private async withRetries<T extends { status: number; ambiguous: boolean }>(
    req: HttpRequest,
    send: (headers: Record<string, string>) => Promise<Outcome<T>>,
  ): Promise<T> {
    let ambiguous = false;
    let waited = 0;
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      const signal = this.opts.signal?.();
      if (signal?.aborted && signal.reason instanceof Error) throw signal.reason;
      const authorization = await this.authorizationFor(req);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (authorization) headers.authorization = authorization;
      if (req.body) {
        headers['content-type'] = req.body.contentType;
        headers['content-length'] = String(req.body.length);
      }
      const started = Date.now();
      let outcome: Outcome<T>;
      try {
        outcome = await send(headers);
      } catch (err) {
        outcome = this.networkFailure(req, err);
      }
      this.logLine(
        req,
        outcome.kind === 'done'
          ? String(outcome.value.status)
          : outcome.kind === 'retry'
            ? outcome.problem
            : '401',
        started,
      );
      if (outcome.kind === 'done')
        return { ...outcome.value, ambiguous: ambiguous || outcome.value.ambiguous };
      if (outcome.kind === 'unauthorized') {
        await this.auth!.renew(authorization ?? '', renewed);
        renewed = true;
        attempt--; // a renewal is not a failed attempt
        continue;
      }
      ambiguous ||= outcome.ambiguous;
      const delay = backoffDelay(attempt, this.policy, outcome.retryAfterMs);
      const overBudget = waited + delay > this.policy.maxTotalMs;
      const tooLong =
        outcome.retryAfterMs !== undefined && outcome.retryAfterMs > this.policy.maxRetryAfterMs;
      if (tooLong || overBudget || attempt >= this.policy.attempts) {
        if (outcome.fallback) return { ...outcome.fallback, ambiguous: true };
        const asked =
          outcome.retryAfterMs !== undefined && (tooLong || overBudget)
            ? `; it asked to wait ${seconds(outcome.retryAfterMs)}, over the ${tooLong ? `${seconds(this.policy.maxRetryAfterMs)} Retry-After cap` : `${seconds(this.policy.maxTotalMs)} retry budget`}`
            : '';
        throw new UnreachableError(
          `${this.endpoint.origin} unreachable: ${req.method} ${req.path} failed ${attempt} times (last: ${outcome.problem})${asked}`,
          asked
            ? 'try later, or raise the caps: `cloudsync login <side> <url> --retry-after-max <s> --retry-budget <s>`'
            : undefined,
        );
      }
      waited += delay;
      await this.sleep(delay);
    }
  }

  private async authorizationFor(req: HttpRequest): Promise<string | undefined> {
    if (req.authorization) return req.authorization;
    if (req.anonymous || !this.auth) return undefined;
    return this.auth.authorization();
  }

  /** A thrown error: retry it, or rethrow it as something the caller understands (never with headers). */
  private networkFailure<T>(req: HttpRequest, err: unknown): Outcome<T> {
    const e = err as { code?: string; message?: string; name?: string; event?: string };
    if (!(err instanceof RequestError)) throw err; // ours (AuthError, UnreachableError...) or a bug
    const reason: unknown = this.opts.signal?.()?.reason;
    if (e.code === 'ERR_ABORTED' && reason instanceof Error) throw reason; // the pass's --timeout
    if (e.name === 'TimeoutError' && e.event === 'request') {
      // The total deadline passed: a server this slow would be as slow again, so no retry.
      throw new UnreachableError(
        `${this.endpoint.origin} did not answer ${req.method} ${req.path} within ${this.deadlineMs(req) / 1000} s (total deadline)`,
        'temporary if the server is overloaded; CLOUDSYNC_REQUEST_TIMEOUT (seconds) raises the deadline',
      );
    }
    if (isCertificateError(e.code)) {
      throw new UsageError(
        `TLS certificate of ${this.endpoint.origin} not trusted (${e.code})`,
        'if the server uses a private CA, pass --ca-file <pem> to `cloudsync login`',
        'TLS_CERTIFICATE',
      );
    }
    if (isTransientNetworkCode(e.code, e.message)) {
      return {
        kind: 'retry',
        problem: `ERR ${e.code ?? 'socket hang up'}`,
        ambiguous: mayHaveBeenSent(e.code),
      };
    }
    throw new UnreachableError(
      `${this.endpoint.origin} unreachable: ${e.code ?? 'network error'} (${req.method} ${req.path})`,
    );
  }

  private logLine(req: HttpRequest, status: string, started: number): void {
    if (!this.opts.log) return;
    const url = this.url(req);
    this.opts.log(redact(`${req.method} ${url.pathname}${url.search} ${status} ${Date.now() - started}ms`));
  }
}

/** The response of a got stream, or the error that came before it. */
function responseOf(s: NodeJS.EventEmitter): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    s.once('response', (res: Response) => {
      // From here on errors belong to whoever reads the body; one that comes after the body was read (a
      // pass's abort signal firing later) must not be an unhandled 'error' event.
      s.removeListener('error', reject);
      s.on('error', () => {});
      resolve(res);
    });
    s.once('error', reject);
  });
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}

function parseJson(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  if (contentType && !/json/i.test(contentType)) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** System roots plus the private CA, so a CA file adds trust rather than replacing it. */
export function loadCa(caFile: string | undefined): string[] | undefined {
  if (!caFile) return undefined;
  try {
    return [...rootCertificates, readFileSync(caFile, 'utf8')];
  } catch (err) {
    throw new UsageError(
      `cannot read CA file ${caFile}: ${(err as Error).message}`,
      'pass a PEM file to --ca-file',
    );
  }
}
