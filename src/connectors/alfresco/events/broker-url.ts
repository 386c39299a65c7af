// The broker address of `login --events`: STOMP over TCP, plain or TLS.
import { UsageError } from '../../../errors.js';
import { isLoopbackHost } from '../endpoint.js';

/** Where the STOMP transport of the broker listens. */
export interface BrokerAddress {
  host: string;
  port: number;
  tls: boolean;
}

/**
 * Parse `stomp://host:port` or `stomp+ssl://host:port` (also `stomp+tls://`, `stomps://`). Plain STOMP off
 * this machine needs `allowPlain` (login --allow-http), as plain HTTP does; credentials in the URL are refused.
 */
export function checkBrokerUrl(raw: string, allowPlain = false): BrokerAddress {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `'${raw}' is not a broker URL`,
      'give it as stomp://host:61613 or stomp+ssl://host:61614',
    );
  }
  if (url.username || url.password)
    throw new UsageError(
      'credentials in the broker URL are refused (they would show in the process list)',
      'set CLOUDSYNC_<SIDE>_BROKER_USERNAME and CLOUDSYNC_<SIDE>_BROKER_PASSWORD',
    );
  const scheme = url.protocol.replace(/:$/, '');
  const tls = ['stomp+ssl', 'stomp+tls', 'stomps'].includes(scheme);
  if (!tls && scheme !== 'stomp')
    throw new UsageError(
      `broker scheme ${scheme}:// is not supported`,
      'cloudsync speaks STOMP: stomp://host:61613 or stomp+ssl://host:61614 (see README: enabling STOMP)',
    );
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!tls && !allowPlain && !isLoopbackHost(host))
    throw new UsageError(
      `plain stomp:// to ${host} would send the broker password unencrypted`,
      'use stomp+ssl://, or pass --allow-http to accept it',
    );
  return { host, port: Number(url.port || (tls ? 61614 : 61613)), tls };
}
