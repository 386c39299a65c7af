// Outbound proxies: which proxy (if any) a server URL goes through, and the agents that tunnel to it.
// hpagent's agents keep connections alive and, for https targets, open a CONNECT tunnel and run TLS to the
// real host inside it, so the server certificate is verified against the server's name, not the proxy's.
import http from 'node:http';
import https from 'node:https';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { UsageError } from '../../errors.js';

/** Keep-alive agents for one connector: direct, or through a proxy. */
export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

/**
 * The proxy URL for `target`: `explicit` (login --proxy) or else HTTPS_PROXY / HTTP_PROXY (by the target's
 * scheme; lower-case names too) or ALL_PROXY from `env`; none when NO_PROXY names the host, which wins in
 * both cases as it does for curl.
 */
export function resolveProxy(
  target: string,
  explicit: string | undefined,
  env: Record<string, string | undefined>,
): string | undefined {
  const url = new URL(target);
  const get = (name: string) => env[name.toLowerCase()] || env[name] || undefined;
  if (bypassesProxy(url, get('NO_PROXY') ?? '')) return undefined;
  const scheme = url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const found = explicit || get(scheme) || get('ALL_PROXY');
  return found ? checkProxyUrl(found) : undefined;
}

/**
 * NO_PROXY as curl reads it: `*` for everything; entries separated by commas or spaces; `host` matches the
 * host and its subdomains, `.host` / `*.host` only subdomains and the host; `host:port` only that port.
 */
export function bypassesProxy(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m) continue;
    if (m[2] && Number(m[2]) !== port) continue;
    const name = m[1]!.replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** A proxy must be an http:// or https:// URL (no socks); a bare host:port means http://. */
export function checkProxyUrl(raw: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`'${raw}' is not a valid proxy URL`, 'give it as http://host:port');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(
      `proxy ${url.protocol}// is not supported`,
      'use an http:// or https:// proxy (CONNECT tunnels carry https)',
    );
  return url.toString();
}

/** Agents for a connection: through `proxy` when given, else direct; both keep sockets alive. */
export function makeAgents(proxy: string | undefined): Agents {
  const common = { keepAlive: true, maxSockets: 16 };
  if (!proxy) return { http: new http.Agent(common), https: new https.Agent(common) };
  return {
    http: new HttpProxyAgent({ ...common, proxy }),
    https: new HttpsProxyAgent({ ...common, proxy }),
  };
}

/** The proxy URL without its user info, for logs and `whoami`. */
export function displayProxy(proxy: string): string {
  const url = new URL(proxy);
  url.username = '';
  url.password = '';
  return url.toString();
}
