import type { ConnectionConfig } from '../config/config.js';
import { credentialsFromEnv } from '../config/credentials.js';
import type { AlfrescoCredentials } from './alfresco/index.js';
import { limitsFromEnv } from './alfresco/limits.js';
import { LocalConnector } from './local/index.js';
import type { Connector, Side } from './types.js';

/** What the CLI can give a connector besides its connection. */
export interface OpenConnectorOptions {
  /** Verbose log sink (secrets already redacted by the connector). */
  log?: (line: string) => void;
  /** Persist a ticket the connector renewed, so the next command does not log in again. */
  onTicketRenewed?: (ticket: string) => void;
  /** The running pass's signal (`--timeout`), read at each request. */
  signal?: () => AbortSignal | undefined;
  /** Where limit overrides (CLOUDSYNC_MAX_RESPONSE_MB, …) are read; default process.env. */
  env?: Record<string, string | undefined>;
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
      return new LocalConnector(conn.address);
    case 'alfresco': {
      const { AlfrescoConnector } = await import('./alfresco/index.js');
      return new AlfrescoConnector(
        {
          url: conn.address,
          network: conn.network,
          caFile: conn.caFile,
          allowHttp: conn.allowHttp,
          log: opts.log,
          side,
          limits: limitsFromEnv(opts.env ?? process.env),
          signal: opts.signal,
        },
        mergeCredentials(creds, credentialsFromEnv(side)),
        { onTicketRenewed: opts.onTicketRenewed },
      );
    }
    default: {
      const never: never = conn.kind;
      throw new Error(`unknown connector kind ${String(never)}`);
    }
  }
}
