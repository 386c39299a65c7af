// Per-request context shared by the router and the handlers, plus response and body helpers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Limits } from './content-ops.js';
import { ApiError, err, errorBody } from './format.js';
import type { OidcIssuer } from './oidc.js';
import type { Repository } from './repo.js';
import type { Directory, User } from './users.js';

/** One logged request; `status` is 0 when no response was sent (reset / lost-response faults). */
export interface RequestLogEntry {
  method: string;
  path: string;
  /** The API-relative route, e.g. `/nodes/{id}/children` with the real id; '' for non-API paths. */
  route: string;
  status: number;
  fault?: string;
}

/** State shared by all requests of one emulator. */
export interface Core {
  directory: Directory;
  repos: Map<string, Repository>;
  limits: Limits;
  /** The Identity Service stand-in whose JWTs the API accepts as Bearer tokens. */
  oidc: OidcIssuer;
}

/** Everything a handler needs about the current request. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  network: string;
  repo: Repository;
  core: Core;
  user?: User;
  ticket?: string;
  /** lost-response fault: apply the request, then drop the connection instead of answering. */
  lost: boolean;
  log: RequestLogEntry;
}

/** A route handler. */
export type Handler = (ctx: Ctx) => Promise<void> | void;

/** A route, written exactly as the path appears in the official Swagger file (checked by a test). */
export interface Route {
  api: 'core' | 'auth';
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: Handler;
  /** Routes reachable without credentials (login). */
  anonymous?: boolean;
}

/** The authenticated caller (the router authenticates before calling handlers). */
export function me(ctx: Ctx): User {
  if (!ctx.user) throw new Error('handler called without authentication');
  return ctx.user;
}

/** Ends the exchange; with a lost-response fault the socket is destroyed after the work was done. */
export function finish(
  ctx: Ctx,
  status: number,
  headers: Record<string, string | number>,
  body?: Buffer,
): void {
  ctx.log.status = status;
  if (ctx.lost) {
    ctx.log.fault = 'lost-response';
    ctx.req.socket.destroy();
    return;
  }
  if (body !== undefined) headers['Content-Length'] = body.length;
  ctx.res.writeHead(status, headers);
  ctx.res.end(body);
}

/** Sends a JSON body with the server's exact Content-Type. */
export function sendJson(
  ctx: Ctx,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const buf = Buffer.from(JSON.stringify(body), 'utf8');
  finish(ctx, status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers }, buf);
}

/** Sends `{"entry":…}`. */
export function sendEntry(ctx: Ctx, status: number, entry: unknown): void {
  sendJson(ctx, status, { entry });
}

/** Sends the error envelope for an ApiError. */
export function sendError(ctx: Ctx, e: ApiError): void {
  // Whatever the client was still sending is drained so the connection can be reused.
  ctx.req.resume();
  sendJson(ctx, e.status, errorBody(e), e.headers);
}

/** Reads and parses a JSON body; bad JSON is 400; an empty body yields `undefined`. */
export async function readJson(ctx: Ctx): Promise<unknown> {
  const { bytes } = await readRaw(ctx, 10 * 1024 * 1024);
  const text = bytes.toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw err.invalid(`Could not read content from HTTP request body: ${(e as Error).message}`);
  }
}

/** Reads a JSON object body (required); arrays and scalars are 400. */
export async function readObject(ctx: Ctx, allowEmpty = false): Promise<Record<string, unknown>> {
  const body = await readJson(ctx);
  if (body === undefined && allowEmpty) return {};
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw err.invalid('Could not read content from HTTP request body');
  return body as Record<string, unknown>;
}

/**
 * Reads a raw body. Past `limit` bytes the rest is drained and discarded (so a 413 can still be
 * answered on a healthy connection) and `tooLarge` is set.
 */
export function readRaw(ctx: Ctx, limit = Infinity): Promise<{ bytes: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    ctx.req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) chunks.push(c);
    });
    ctx.req.on('end', () => resolve({ bytes: Buffer.concat(chunks), tooLarge }));
    ctx.req.on('error', reject);
    // A client that disconnects mid-body must not leave the request pending (or half-applied).
    ctx.req.on('close', () => {
      if (!ctx.req.complete) reject(new Error('client disconnected during the request body'));
    });
  });
}
