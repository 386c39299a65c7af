// HTTP front end: URL prefixes, fault injection, authentication, routing and error rendering.
import http from 'node:http';
import https from 'node:https';
import { authenticate } from './auth.js';
import { type Core, type Ctx, type RequestLogEntry, sendError } from './context.js';
import { handleControl } from './control.js';
import type { FaultInjector } from './faults.js';
import { ApiError } from './format.js';
import { match } from './routes.js';

/** `/alfresco` is optional so both http://host:port and http://host:port/alfresco work as the base. */
const API_RE = /^(?:\/alfresco)?\/api\/([^/]+)\/public\/(alfresco|authentication)\/versions\/1(\/.*)?$/;

/** What the HTTP server needs besides the core state. */
export interface ServerDeps {
  core: Core;
  faults: FaultInjector;
  log: RequestLogEntry[];
  /** Publishes repository events once a request's changes are complete. */
  events?: { hold(): void; release(): void };
}

const notFound = () =>
  new ApiError(404, 'framework.exception.NotFound', 'Unable to locate resource resource for :');

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function handle(deps: ServerDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const log: RequestLogEntry = { method, path: url.pathname, route: '', status: 0 };
  if (url.pathname.startsWith('/__emulator/')) return handleControl(deps, req, res, url);
  deps.log.push(log);
  const m = API_RE.exec(url.pathname);
  const network = m?.[1] ?? '-default-';
  const ctx: Ctx = {
    req,
    res,
    method,
    params: {},
    query: url.searchParams,
    network,
    repo: deps.core.repos.get(network) ?? deps.core.repos.get('-default-')!,
    core: deps.core,
    lost: false,
    log,
  };
  const fault = deps.faults.decide(method);
  if (fault === 'reset') {
    log.fault = 'reset';
    req.socket.destroy();
    return;
  }
  if (fault === '500' || fault === '503') {
    log.fault = fault;
    const key = fault === '500' ? 'framework.exception.ApiDefault' : 'framework.exception.ServiceUnavailable';
    return sendError(ctx, new ApiError(Number(fault), key, `Injected fault ${fault}`));
  }
  if (fault === 'delay') {
    log.fault = 'delay';
    await sleep(deps.faults.delayMs);
  }
  ctx.lost = fault === 'lost-response';
  try {
    if (!m) throw notFound();
    if (!deps.core.repos.has(network))
      throw new ApiError(404, 'framework.exception.NotFound', `Network ${network} not found`);
    const api = m[2] === 'authentication' ? 'auth' : 'core';
    const route = (m[3] ?? '/').replace(/\/+$/, '') || '/';
    log.route = route;
    const hit = match(api, method, route);
    if (!hit.route) {
      if (hit.pathKnown)
        throw new ApiError(
          405,
          'framework.exception.UnsupportedResourceOperation',
          `The operation is unsupported`,
        );
      throw notFound();
    }
    ctx.params = hit.params;
    if (!hit.route.anonymous) ctx.user = authenticate(ctx);
    await hit.route.handler(ctx);
  } catch (e) {
    if (res.headersSent || res.destroyed) return;
    const apiErr = e instanceof ApiError ? e : new ApiError(500, 'framework.exception.ApiDefault', String(e));
    if (!(e instanceof ApiError)) console.error('emulator: unexpected error', e);
    sendError(ctx, apiErr);
  }
}

/** Creates the HTTP server (HTTPS with `tls`), not yet listening. */
export function createServer(deps: ServerDeps, tls?: { key: string; cert: string }): http.Server {
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    deps.events?.hold();
    handle(deps, req, res)
      .catch((e: unknown) => {
        console.error('emulator: request failed', e);
        res.destroy();
      })
      .finally(() => deps.events?.release());
  };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  // Clients under test keep connections alive; a short timeout keeps close() prompt.
  server.keepAliveTimeout = 5_000;
  return server;
}
