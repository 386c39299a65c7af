// Public option and credential shapes of the Alfresco connector (re-exported by index.ts).
import type { Side } from '../types.js';
import type { HttpLimits } from './limits.js';

/** Backoff bounds for transient failures (resets, timeouts, 429/502/503/504). */
export interface RetryOptions {
  /** Attempts in total, the first one included (default 5). */
  attempts?: number;
  /** First backoff step; doubles each attempt, with full jitter (default 300 ms). */
  baseDelayMs?: number;
  /** Cap for one wait of our own backoff (default 4 s). */
  maxDelayMs?: number;
  /** Longest Retry-After obeyed (default 120 s); a server asking for longer fails the request at once. */
  maxRetryAfterMs?: number;
  /** Cap for all waits of one request together, Retry-After included (default 300 s). */
  maxTotalMs?: number;
}

/** How to reach an Alfresco server. */
export interface AlfrescoConnectionOptions {
  /** `https://host[:port]` or `https://host[:port]/alfresco`. */
  url: string;
  /** Tenant segment; default `-default-`. */
  network?: string;
  /** PEM file with a private CA, trusted in addition to the system roots. */
  caFile?: string;
  /** Permit plain `http://` to a non-loopback host. */
  allowHttp?: boolean;
  /** Outbound proxy URL (already resolved against NO_PROXY: see proxy.ts `resolveProxy`). */
  proxy?: string;
  /** Verbose log sink (secrets already redacted). */
  log?: (line: string) => void;
  /** Which side this connection is, so auth hints can say `cloudsync login <side>`. */
  side?: Side;
  /** Transient-failure retry bounds (tests shrink them). */
  retry?: RetryOptions;
  /** Idle-socket and response timeout per request, ms (default 60 s). */
  timeoutMs?: number;
  /** Repository events from the broker (`login --events`); without it every pass lists everything. */
  events?: EventOptions;
  /** Folder listings run at once during a recursive listTree (default 8). */
  listConcurrency?: number;
  /** Body, deadline and rate bounds (limits.ts; defaults there, the CLI reads overrides from the environment). */
  limits?: Partial<HttpLimits>;
  /** The signal of the running pass (`--timeout`): aborting it stops requests in flight with its reason. */
  signal?: () => AbortSignal | undefined;
  /** Identity Service (OpenID Connect) instead of tickets: the issuer URL and this client's id. */
  oidc?: OidcSettings;
}

/** Where Identity Service tokens come from. */
export interface OidcSettings {
  /** Issuer URL, e.g. `https://idp.example.com/auth/realms/alfresco` (discovery is read from it). */
  issuer: string;
  /** OAuth client id (Alfresco Identity Service's default public client is `alfresco`). */
  clientId: string;
}

/** Where the repository's event2 messages come from, and how this consumer is known to the broker. */
export interface EventOptions {
  /** `stomp://host:port` or `stomp+ssl://host:port`. */
  broker: string;
  username?: string;
  password?: string;
  /** Durable subscription identity: one per home, profile and side. */
  subscriber: string;
  /** With events, a pass still lists everything this often (default one day). */
  fullCrawlEveryMs: number;
  /** Destination of the events (default `/topic/alfresco.repo.event2`). */
  topic?: string;
  /** How long a pass waits for the backlog to stop arriving (default 300 ms of quiet). */
  quietMs?: number;
}

/** Secrets for one side; any of them may be missing. */
export interface AlfrescoCredentials {
  ticket?: string;
  /** A bearer access token (given by the user, or issued by the Identity Service). */
  token?: string;
  username?: string;
  password?: string;
  /** Identity Service: the refresh token that renews `token`. */
  refreshToken?: string;
  /** Identity Service: when `token` expires (ISO time); renewed a little before. */
  tokenExpiresAt?: string;
  /** Identity Service: a confidential client's secret (client-credentials grant, or password grant). */
  clientSecret?: string;
}

/** Tokens an Identity Service login or refresh produced. */
export interface OidcTokens {
  token: string;
  refreshToken?: string;
  tokenExpiresAt?: string;
}

/** Callbacks the CLI uses to persist what the connector learns. */
export interface AlfrescoHooks {
  /** A new ticket replaced an expired one (or the first one was made from username/password). */
  onTicketRenewed?: (ticket: string) => void;
  /** The Identity Service issued new tokens (a refresh, or a new grant after the refresh token expired). */
  onTokensRenewed?: (tokens: OidcTokens) => void;
}

/** The hint every auth failure carries: which login command fixes it. */
export function loginHint(side: Side | undefined): string {
  return `run \`cloudsync login ${side ?? '<side>'}\``;
}
