import type { ConnectionConfig } from '../config/config.js';
import { credentialsFromEnv } from '../config/credentials.js';
import type { AlfrescoCredentials, OidcTokens } from './alfresco/index.js';
import { limitsFromEnv } from './alfresco/limits.js';
import { LocalConnector } from './local/index.js';
import type { Connector, Side } from './types.js';

/** What the CLI can give a connector besides its connection. */
export interface OpenConnectorOptions {
  /** Verbose log sink (secrets already redacted by the connector). */
  log?: (line: string) => void;
  /** Persist a ticket the connector renewed, so the next command does not log in again. */
  onTicketRenewed?: (ticket: string) => void;
  /** Persist Identity Service tokens the connector renewed. */
  onTokensRenewed?: (tokens: OidcTokens) => void;
  /** The running pass's signal (`--timeout`), read at each request. */
  signal?: () => AbortSignal | undefined;
  /** cloudsync's home: a local side never lists it nor takes it as a member. */
  home?: string;
  /** The environment: proxies (HTTPS_PROXY, NO_PROXY...), broker credentials and limit overrides (CLOUDSYNC_MAX_RESPONSE_MB, …) come from it. */
  env?: Record<string, string | undefined>;
  /** Names the durable event subscription, so each profile of each home has its own (`<home>#<profile>`). */
  subscriber?: string;
}

/** Merge stored and environment credentials: a value set in the environment wins over a stored one. */
export function mergeCredentials(
  stored: AlfrescoCredentials,
  fromEnv: AlfrescoCredentials,
): AlfrescoCredentials {
  const merged: AlfrescoCredentials = { ...stored };
  for (const [k, v] of Object.entries(fromEnv) as [keyof AlfrescoCredentials, string | undefined][]) {
    if (v) merged[k] = v;
  }
  return merged;
}

/**
 * The connector for one side's connection: a local folder or an Alfresco server. The Alfresco connector (and
 * its HTTP stack) is loaded only when a side needs it, which keeps local passes quick to start.
 */
export async function openConnector(
  side: Side,
  conn: ConnectionConfig,
  creds: AlfrescoCredentials,
  opts: OpenConnectorOptions = {},
): Promise<Connector> {
  switch (conn.kind) {
    case 'local':
      return new LocalConnector(conn.address, { ownHome: opts.home });
    case 'alfresco': {
      const { AlfrescoConnector, resolveProxy } = await import('./alfresco/index.js');
      const env = opts.env ?? {};
      const prefix = `CLOUDSYNC_${side.toUpperCase()}_BROKER_`;
      return new AlfrescoConnector(
        {
          url: conn.address,
          network: conn.network,
          caFile: conn.caFile,
          allowHttp: conn.allowHttp,
          proxy: resolveProxy(conn.address, conn.proxy, env),
          retry: {
            ...(conn.retryAfterMaxS !== undefined ? { maxRetryAfterMs: conn.retryAfterMaxS * 1000 } : {}),
            ...(conn.retryBudgetS !== undefined ? { maxTotalMs: conn.retryBudgetS * 1000 } : {}),
          },
          events: conn.events
            ? {
                broker: conn.events,
                username: env[`${prefix}USERNAME`],
                password: env[`${prefix}PASSWORD`],
                subscriber: `${opts.subscriber ?? 'cloudsync'}#${side}`,
                fullCrawlEveryMs: (conn.fullCrawlEveryS ?? 86_400) * 1000,
              }
            : undefined,
          log: opts.log,
          side,
          ...(conn.oidcIssuer
            ? { oidc: { issuer: conn.oidcIssuer, clientId: conn.clientId ?? 'alfresco' } }
            : {}),
          limits: limitsFromEnv(env),
          signal: opts.signal,
        },
        mergeCredentials(creds, credentialsFromEnv(side)),
        { onTicketRenewed: opts.onTicketRenewed, onTokensRenewed: opts.onTokensRenewed },
      );
    }
    default: {
      const never: never = conn.kind;
      throw new Error(`unknown connector kind ${String(never)}`);
    }
  }
}
