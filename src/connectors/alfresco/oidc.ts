// Identity Service (OpenID Connect) tokens: discovery, the password and client-credentials grants, and the
// refresh that keeps a long `watch` going with access tokens that live minutes. The protocol work is
// openid-client's; this file decides when to renew and what a failure means to the user.
import { readFileSync } from 'node:fs';
import * as oidc from 'openid-client';
import { AuthError, UnreachableError, UsageError } from '../../errors.js';
import { isLoopbackHost } from './endpoint.js';
import type { Authenticator } from './http-types.js';
import {
  loginHint,
  type AlfrescoConnectionOptions,
  type AlfrescoCredentials,
  type AlfrescoHooks,
  type OidcSettings,
  type OidcTokens,
} from './options.js';
import { redact } from './redact.js';

/** How a login obtains its first tokens. */
export type OidcGrant =
  | { kind: 'password'; username: string; password: string; clientSecret?: string }
  | { kind: 'client-credentials'; clientSecret: string };

/** Reads the issuer's discovery document; http is refused off-machine like the repository URL. */
export async function discoverIssuer(
  settings: OidcSettings,
  opts: Pick<AlfrescoConnectionOptions, 'allowHttp' | 'caFile' | 'timeoutMs'>,
  clientSecret?: string,
): Promise<oidc.Configuration> {
  let url: URL;
  try {
    url = new URL(settings.issuer);
  } catch {
    throw new UsageError(
      `not a URL: ${settings.issuer}`,
      'give the issuer, e.g. https://idp.example.com/auth/realms/alfresco',
    );
  }
  const insecure = url.protocol === 'http:';
  if (insecure && !opts.allowHttp && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      `refusing plain http to the issuer ${url.host}: passwords and tokens would travel unencrypted`,
      'use https://, or pass --allow-http if you accept the risk',
    );
  }
  const auth = clientSecret ? oidc.ClientSecretPost(clientSecret) : oidc.None();
  const options: oidc.DiscoveryRequestOptions = {
    timeout: Math.ceil((opts.timeoutMs ?? 30_000) / 1000),
    ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
  };
  if (opts.caFile) options[oidc.customFetch] = fetchWithCa(opts.caFile);
  try {
    const config = await oidc.discovery(url, settings.clientId, undefined, auth, options);
    if (options[oidc.customFetch]) config[oidc.customFetch] = options[oidc.customFetch];
    return config;
  } catch (err) {
    throw describe(err, `discovery at ${settings.issuer}`, undefined);
  }
}

/** Runs the login grant and returns the tokens to store (never the password). */
export async function oidcLogin(
  opts: AlfrescoConnectionOptions & { oidc: OidcSettings },
  grant: OidcGrant,
): Promise<OidcTokens> {
  const config = await discoverIssuer(opts.oidc, opts, grant.clientSecret);
  return runGrant(config, grant, opts);
}

async function runGrant(
  config: oidc.Configuration,
  grant: OidcGrant,
  opts: Pick<AlfrescoConnectionOptions, 'side'>,
): Promise<OidcTokens> {
  try {
    const res =
      grant.kind === 'password'
        ? await oidc.genericGrantRequest(config, 'password', {
            username: grant.username,
            password: grant.password,
            scope: 'openid',
          })
        : await oidc.clientCredentialsGrant(config);
    return tokensOf(res);
  } catch (err) {
    throw describe(
      err,
      grant.kind === 'password' ? `login as ${grant.username}` : 'client-credentials login',
      opts.side,
    );
  }
}

function tokensOf(res: oidc.TokenEndpointResponse): OidcTokens {
  const out: OidcTokens = { token: res.access_token };
  if (res.refresh_token) out.refreshToken = res.refresh_token;
  if (typeof res.expires_in === 'number')
    out.tokenExpiresAt = new Date(Date.now() + res.expires_in * 1000).toISOString();
  return out;
}

/** The error a user can act on: refused credentials are AuthError (exit 4), the rest unreachable (exit 7). */
function describe(err: unknown, what: string, side: AlfrescoConnectionOptions['side']): Error {
  if (err instanceof UsageError || err instanceof AuthError) return err;
  if (err instanceof oidc.ResponseBodyError) {
    const detail = redact(err.error_description ?? err.error);
    return new AuthError(`${what} refused by the Identity Service: ${detail}`, loginHint(side));
  }
  if (err instanceof oidc.WWWAuthenticateChallengeError) {
    return new AuthError(`${what} refused by the Identity Service (HTTP ${err.status})`, loginHint(side));
  }
  const e = err as { message?: string; code?: string; cause?: { code?: string } };
  const code = e.cause?.code ?? e.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return new UsageError(
      `TLS certificate of the Identity Service not trusted (${code})`,
      'if it uses a private CA, pass --ca-file <pem> to `cloudsync login`',
      'TLS_CERTIFICATE',
    );
  }
  return new UnreachableError(
    `${what} failed: ${redact(e.message ?? String(err))}${code ? ` (${code})` : ''}`,
  );
}

/** fetch that trusts a private CA as well as the system roots (Node's fetch has no per-call CA option). */
function fetchWithCa(caFile: string): oidc.CustomFetch {
  let ca: string;
  try {
    ca = readFileSync(caFile, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read CA file ${caFile}: ${(err as Error).message}`,
      'pass a PEM file to --ca-file',
    );
  }
  return async (url, init) => {
    const { default: got } = await import('got');
    const { rootCertificates } = await import('node:tls');
    const res = await got(url, {
      method: init.method as 'GET' | 'POST',
      headers: init.headers as Record<string, string>,
      body: init.body as string | undefined,
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'buffer',
      https: { certificateAuthority: [...rootCertificates, ca] },
      signal: init.signal ?? undefined,
    });
    return new Response(res.body.length ? res.body : null, {
      status: res.statusCode,
      headers: res.headers as Record<string, string>,
    });
  };
}

/**
 * Supplies `Bearer` access tokens and renews them before they expire (and after a 401): first with the
 * refresh token, then, when that is gone or refused, with a new grant from the stored client secret or the
 * password in CLOUDSYNC_<SIDE>_USERNAME/_PASSWORD. Renewals are single-flight: many requests, one refresh.
 */
export class OidcSession implements Authenticator {
  private token?: string;
  private refreshToken?: string;
  private expiresAt?: number;
  private lifetimeMs = 60_000;
  private renewing?: Promise<void>;
  private config?: Promise<oidc.Configuration>;

  constructor(
    private readonly opts: AlfrescoConnectionOptions & { oidc: OidcSettings },
    private readonly creds: AlfrescoCredentials,
    private readonly hooks: AlfrescoHooks,
    private readonly now: () => number = Date.now,
  ) {
    this.token = creds.token;
    this.refreshToken = creds.refreshToken;
    const at = creds.tokenExpiresAt ? Date.parse(creds.tokenExpiresAt) : NaN;
    if (!Number.isNaN(at)) this.expiresAt = at;
  }

  async authorization(): Promise<string> {
    if (this.renewing) await this.renewing;
    if (!this.token || this.expiresSoon()) await this.renewOnce();
    return `Bearer ${this.token!}`;
  }

  async renew(failed: string, again: boolean): Promise<void> {
    if (again)
      throw new AuthError(
        `${this.opts.url}: access token refused right after renewal`,
        loginHint(this.opts.side),
      );
    if (failed && this.token && failed !== `Bearer ${this.token}`) return; // someone else renewed meanwhile
    this.expiresAt = 0;
    await this.renewOnce();
  }

  /** A token is renewed when a fifth of its life (at most 30 s) is left, so requests never carry a dying one. */
  private expiresSoon(): boolean {
    if (this.expiresAt === undefined) return false;
    return this.expiresAt - this.now() < Math.min(30_000, this.lifetimeMs / 5);
  }

  private renewOnce(): Promise<void> {
    this.renewing ??= this.obtain().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async obtain(): Promise<void> {
    this.config ??= discoverIssuer(this.opts.oidc, this.opts, this.creds.clientSecret);
    let config: oidc.Configuration;
    try {
      config = await this.config;
    } catch (err) {
      this.config = undefined; // try discovery again next time (the issuer may come back)
      throw err;
    }
    let tokens: OidcTokens | undefined;
    if (this.refreshToken) {
      try {
        tokens = tokensOf(await oidc.refreshTokenGrant(config, this.refreshToken));
      } catch (err) {
        // An expired or revoked refresh token falls through to a new grant; anything else is reported.
        if (!(err instanceof oidc.ResponseBodyError)) throw describe(err, 'token refresh', this.opts.side);
      }
    }
    if (!tokens) {
      const grant = this.fallbackGrant();
      if (!grant) {
        throw new AuthError(
          `${this.opts.url}: the Identity Service session expired`,
          `${loginHint(this.opts.side)} (or set CLOUDSYNC_${(this.opts.side ?? 'SIDE').toUpperCase()}_PASSWORD so cloudsync can log in again by itself)`,
        );
      }
      tokens = await runGrant(config, grant, this.opts);
    }
    this.token = tokens.token;
    if (tokens.refreshToken) this.refreshToken = tokens.refreshToken;
    this.expiresAt = tokens.tokenExpiresAt ? Date.parse(tokens.tokenExpiresAt) : undefined;
    if (this.expiresAt !== undefined) this.lifetimeMs = Math.max(1000, this.expiresAt - this.now());
    this.hooks.onTokensRenewed?.({ ...tokens, refreshToken: this.refreshToken });
  }

  private fallbackGrant(): OidcGrant | undefined {
    const { username, password, clientSecret } = this.creds;
    if (username && password) return { kind: 'password', username, password, clientSecret };
    if (clientSecret) return { kind: 'client-credentials', clientSecret };
    return undefined;
  }
}
