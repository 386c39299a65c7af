// `login <side> <url> --oidc-issuer <url>`: Identity Service (OpenID Connect) tokens instead of a ticket.
import type { ConnectionConfig } from '../config/config.js';
import type {
  AlfrescoConnectionOptions,
  AlfrescoCredentials,
  OidcGrant,
} from '../connectors/alfresco/index.js';
import type { Side } from '../connectors/types.js';
import { UsageError } from '../errors.js';
import { promptSecret, promptText, readStdinSecret } from '../ui/prompts.js';
import type { Globals } from './runtime.js';

/** The Identity Service flags of `login`. */
export interface OidcLoginOptions {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  tokenStdin?: boolean;
  oidcIssuer?: string;
  clientId?: string;
  clientCredentials?: boolean;
  clientSecretStdin?: boolean;
}

/** Where a secret comes from, in order: its stdin flag, the environment, a prompt. Never argv. */
async function secretFrom(
  g: Globals,
  what: string,
  stdinFlag: boolean | undefined,
  envName: string,
  required: boolean,
): Promise<string | undefined> {
  if (stdinFlag) return readStdinSecret(g.rt.stdin);
  if (g.rt.env[envName]) return g.rt.env[envName];
  if (!required) return undefined;
  if (g.interactive) return promptSecret(g.rt, `${what}:`);
  throw new UsageError(
    `no ${what.toLowerCase()} given and cannot prompt (not a terminal, --yes, --json or CI)`,
    `pipe it with --${what === 'Password' ? 'password' : 'client-secret'}-stdin, or set ${envName}`,
  );
}

/**
 * Logs in at the Identity Service (password grant for a user, or client-credentials for a service account),
 * checks the token against the repository, and returns the connection and the tokens to store. The password
 * is never stored; a confidential client's secret is (0600), because client-credentials has no refresh token.
 */
export async function loginOidc(
  g: Globals,
  side: Side,
  conn: ConnectionConfig,
  connOpts: AlfrescoConnectionOptions,
  opts: OidcLoginOptions,
): Promise<{ creds: AlfrescoCredentials; user: string }> {
  if (opts.tokenStdin) {
    throw new UsageError(
      '--token-stdin cannot be combined with --oidc-issuer',
      'the Identity Service issues the tokens itself',
    );
  }
  const prefix = `CLOUDSYNC_${side.toUpperCase()}_`;
  conn.oidcIssuer = opts.oidcIssuer!.replace(/\/+$/, '');
  conn.clientId = opts.clientId ?? 'alfresco';
  let grant: OidcGrant;
  if (opts.clientCredentials) {
    if (opts.username || opts.passwordStdin) {
      throw new UsageError(
        '--client-credentials logs in as the client itself: drop --username / --password-stdin',
      );
    }
    const clientSecret = (await secretFrom(
      g,
      'Client secret',
      opts.clientSecretStdin,
      `${prefix}CLIENT_SECRET`,
      true,
    ))!;
    g.out.log?.mask(clientSecret);
    grant = { kind: 'client-credentials', clientSecret };
  } else {
    if (opts.passwordStdin && opts.clientSecretStdin) {
      throw new UsageError(
        '--password-stdin and --client-secret-stdin cannot both read stdin',
        `give the client secret in ${prefix}CLIENT_SECRET`,
      );
    }
    const username =
      opts.username ??
      g.rt.env[`${prefix}USERNAME`] ??
      (g.interactive ? await promptText(g.rt, 'Username:') : undefined);
    if (!username) throw new UsageError('no user name given', `pass --username or set ${prefix}USERNAME`);
    const password =
      opts.password ?? (await secretFrom(g, 'Password', opts.passwordStdin, `${prefix}PASSWORD`, true))!;
    const clientSecret = await secretFrom(
      g,
      'Client secret',
      opts.clientSecretStdin,
      `${prefix}CLIENT_SECRET`,
      false,
    );
    g.out.log?.mask(password);
    g.out.log?.mask(clientSecret);
    grant = { kind: 'password', username, password, ...(clientSecret ? { clientSecret } : {}) };
  }
  const { oidcLogin, AlfrescoConnector } = await import('../connectors/alfresco/index.js');
  const oidcOpts = { ...connOpts, oidc: { issuer: conn.oidcIssuer, clientId: conn.clientId } };
  const tokens = await oidcLogin(oidcOpts, grant);
  const creds: AlfrescoCredentials = { ...tokens };
  if (grant.clientSecret) creds.clientSecret = grant.clientSecret;
  // The repository must accept the token (same issuer configured on ACS), or the login is of no use.
  const connector = new AlfrescoConnector(oidcOpts, creds, {
    onTokensRenewed: (t) => Object.assign(creds, t),
  });
  const { user } = await connector.whoami().finally(() => connector.close());
  if (grant.kind === 'password') creds.username = grant.username;
  return { creds, user };
}
