// Turns the user's server address into the two REST base URLs, refusing plain http off-machine.
import { UsageError } from '../../errors.js';

/** The REST bases of one server, plus the address as shown to users. */
export interface Endpoint {
  /** `…/alfresco/api/{network}/public/alfresco/versions/1/` (trailing slash so relative paths append). */
  coreBase: string;
  /** `…/alfresco/api/{network}/public/authentication/versions/1/`. */
  authBase: string;
  /** Scheme, host and port: what certificates and agents are about. */
  origin: string;
}

/** True for names and addresses that never leave this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  if (host.startsWith('::ffff:')) return isLoopbackHost(host.slice(7));
  return /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Accepts `https://host[:port]`, `https://host[:port]/alfresco` and the same behind a path prefix
 * (`https://host/proxy/alfresco`). Plain http is refused unless loopback or `allowHttp`, before any
 * request is made, because a ticket sent in clear text is a password sent in clear text.
 */
export function resolveEndpoint(url: string, network = '-default-', allowHttp = false): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`not a URL: ${url}`, 'give the server address, e.g. https://alfresco.example.com');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UsageError(`unsupported scheme ${parsed.protocol} in ${url}`, 'use https://host[:port]');
  }
  if (parsed.username || parsed.password) {
    throw new UsageError(
      'the server URL must not contain credentials',
      'use --username and --password-stdin',
    );
  }
  if (parsed.protocol === 'http:' && !allowHttp && !isLoopbackHost(parsed.hostname)) {
    throw new UsageError(
      `refusing plain http to ${parsed.host}: credentials would travel unencrypted`,
      'use https://, or pass --allow-http if you accept the risk',
    );
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(network)) {
    throw new UsageError(`invalid network id: ${network}`, 'the network is a tenant id such as -default-');
  }
  const prefix = parsed.pathname.replace(/\/+$/, '').replace(/\/alfresco$/, '');
  const api = `${parsed.origin}${prefix}/alfresco/api/${encodeURIComponent(network)}/public`;
  return {
    coreBase: `${api}/alfresco/versions/1/`,
    authBase: `${api}/authentication/versions/1/`,
    origin: parsed.origin,
  };
}
