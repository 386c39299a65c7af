// An Identity Service (Keycloak) stand-in: discovery, JWKS and a token endpoint issuing short-lived RS256
// JWTs, and the check the repository runs on every Bearer token (signature, issuer, expiry).
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK } from 'jose';
import type { Directory, User } from './users.js';

/** The realm path Keycloak (Alfresco Identity Service) serves an issuer under. */
export const REALM_PATH = '/auth/realms/alfresco';

/** An OAuth client registered in the realm; `secret` absent = a public client (password grant only). */
export interface OidcClient {
  id: string;
  secret?: string;
  /** The user a client_credentials grant acts as (Keycloak's service account). */
  serviceUser?: string;
}

/** Lifetimes and clients of the issuer. */
export interface OidcOptions {
  /** Access token lifetime in seconds (default 300, Keycloak's default). */
  accessTokenTtlS?: number;
  /** Refresh token lifetime in seconds (default 1800). */
  refreshTokenTtlS?: number;
  /** Clients besides the public `alfresco` client. */
  clients?: OidcClient[];
}

interface Keys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

/** The issuer of one emulator; keys are made on first use so emulators that never see OIDC pay nothing. */
export class OidcIssuer {
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
  readonly clients = new Map<string, OidcClient>();
  /** Token requests answered, by grant type (tests count refreshes). */
  readonly grants: Record<string, number> = {};
  private keys?: Promise<Keys>;
  private readonly refreshTokens = new Map<string, { userId: string; clientId: string; expiresAt: number }>();
  issuerUrl = '';

  constructor(
    private readonly directory: Directory,
    opts: OidcOptions = {},
  ) {
    this.accessTokenTtlS = opts.accessTokenTtlS ?? 300;
    this.refreshTokenTtlS = opts.refreshTokenTtlS ?? 1800;
    this.clients.set('alfresco', { id: 'alfresco' });
    for (const c of opts.clients ?? []) this.clients.set(c.id, c);
  }

  private signingKeys(): Promise<Keys> {
    this.keys ??= (async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'emulator-1', alg: 'RS256', use: 'sig' };
      return { privateKey, publicKey, jwk };
    })();
    return this.keys;
  }

  /** Signs a token as this issuer would (tests override claims to forge expired or foreign tokens). */
  async sign(user: string, claims: { iss?: string; expiresInS?: number } = {}): Promise<string> {
    const { privateKey } = await this.signingKeys();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ preferred_username: user, typ: 'Bearer', azp: 'alfresco' })
      .setProtectedHeader({ alg: 'RS256', kid: 'emulator-1', typ: 'JWT' })
      .setIssuer(claims.iss ?? this.issuerUrl)
      .setSubject(user)
      .setIssuedAt(now)
      .setExpirationTime(now + (claims.expiresInS ?? this.accessTokenTtlS))
      .setJti(randomBytes(8).toString('hex'))
      .sign(privateKey);
  }

  /** The user of a valid token; undefined for a bad signature, a foreign issuer or an expired token. */
  async verify(token: string): Promise<User | undefined> {
    const { publicKey } = await this.signingKeys();
    try {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: this.issuerUrl,
        algorithms: ['RS256'],
      });
      const name = payload.preferred_username;
      return typeof name === 'string' ? this.directory.find(name) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Serves the realm's routes; false when `path` is not one of them. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<boolean> {
    const rel = path.slice(REALM_PATH.length);
    if (req.method === 'GET' && rel === '/.well-known/openid-configuration') {
      send(res, 200, this.discoveryDocument());
    } else if (req.method === 'GET' && rel === '/protocol/openid-connect/certs') {
      send(res, 200, { keys: [(await this.signingKeys()).jwk] });
    } else if (req.method === 'POST' && rel === '/protocol/openid-connect/token') {
      const form = new URLSearchParams(await readBody(req));
      const out = await this.token(form, req.headers.authorization);
      send(res, out.status, out.body);
    } else return false;
    return true;
  }

  private discoveryDocument(): Record<string, unknown> {
    const base = `${this.issuerUrl}/protocol/openid-connect`;
    return {
      issuer: this.issuerUrl,
      authorization_endpoint: `${base}/auth`,
      token_endpoint: `${base}/token`,
      jwks_uri: `${base}/certs`,
      userinfo_endpoint: `${base}/userinfo`,
      grant_types_supported: ['password', 'client_credentials', 'refresh_token'],
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    };
  }

  /** The token endpoint: password, client_credentials and refresh_token grants, Keycloak's error words. */
  private async token(
    form: URLSearchParams,
    authorization: string | undefined,
  ): Promise<{ status: number; body: unknown }> {
    const grant = form.get('grant_type') ?? '';
    this.grants[grant] = (this.grants[grant] ?? 0) + 1;
    let clientId = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    if (basic) {
      const [id, s] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(s ?? '');
    }
    const client = clientId ? this.clients.get(clientId) : undefined;
    if (!client || (client.secret !== undefined && client.secret !== secret)) {
      return {
        status: 401,
        body: {
          error: 'unauthorized_client',
          error_description: 'Invalid client or Invalid client credentials',
        },
      };
    }
    let user: User | undefined;
    if (grant === 'password') {
      user = this.directory.login(form.get('username') ?? '', form.get('password') ?? '');
      if (!user) return badGrant('Invalid user credentials');
    } else if (grant === 'client_credentials') {
      if (client.secret === undefined || !client.serviceUser)
        return {
          status: 401,
          body: {
            error: 'unauthorized_client',
            error_description: 'Public client not allowed to retrieve service account',
          },
        };
      user = this.directory.find(client.serviceUser);
    } else if (grant === 'refresh_token') {
      const rt = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!rt || rt.expiresAt <= Date.now() || rt.clientId !== client.id)
        return badGrant('Token is not active');
      user = this.directory.find(rt.userId);
    } else {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant_type' },
      };
    }
    if (!user) return badGrant('Invalid user credentials');
    const body: Record<string, unknown> = {
      access_token: await this.sign(user.id),
      expires_in: this.accessTokenTtlS,
      token_type: 'Bearer',
      scope: 'openid profile email',
      'not-before-policy': 0,
    };
    if (grant !== 'client_credentials') {
      const refresh = randomBytes(24).toString('base64url');
      this.refreshTokens.set(refresh, {
        userId: user.id,
        clientId: client.id,
        expiresAt: Date.now() + this.refreshTokenTtlS * 1000,
      });
      body.refresh_token = refresh;
      body.refresh_expires_in = this.refreshTokenTtlS;
    }
    return { status: 200, body };
  }
}

function badGrant(description: string): { status: number; body: unknown } {
  return { status: 400, body: { error: 'invalid_grant', error_description: description } };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const buf = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': buf.length,
    'Cache-Control': 'no-store',
  });
  res.end(buf);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 64 * 1024) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
