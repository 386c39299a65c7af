import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigStore, type ConnectionConfig } from '../config/config.js';
import { CredentialStore } from '../config/credentials.js';
import { assertHomeOutside } from '../config/home-check.js';
import type { AlfrescoCredentials } from '../connectors/alfresco/index.js';
import { LocalConnector } from '../connectors/local/index.js';
import { otherSide, type Side } from '../connectors/types.js';
import { UsageError } from '../errors.js';
import { Progress } from '../ui/progress.js';
import { promptSecret, promptText, readStdinSecret } from '../ui/prompts.js';
import { homeOf, parseSide } from './context.js';
import { loginOidc } from './login-oidc.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

/** How to log in; `password` is only ever set by the setup wizard (there is no flag: never argv). */
export interface LoginOptions {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  tokenStdin?: boolean;
  network?: string;
  caFile?: string;
  allowHttp?: boolean;
  oidcIssuer?: string;
  clientId?: string;
  clientCredentials?: boolean;
  clientSecretStdin?: boolean;
  proxy?: string;
  events?: string;
  fullCrawlEvery?: string;
  retryAfterMax?: string;
  retryBudget?: string;
}

/** A positive number of seconds from a flag, or exit 2 naming the flag. */
export function parseSeconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)?$/.exec(value.trim());
  const n = m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's') as 's'] : NaN;
  if (!(n > 0))
    throw new UsageError(`--${flag} '${value}' is not a duration`, 'give seconds, or 90s, 10m, 6h, 1d');
  return n;
}

/** True for an address that names a server rather than a folder. */
export function isUrl(address: string): boolean {
  return /^https?:\/\//i.test(address);
}

/** Two local roots must not overlap, or a pass would sync a folder into itself. */
function overlaps(a: string, b: string): boolean {
  const rel = path.relative(a, b);
  const back = path.relative(b, a);
  return rel === '' || !rel.startsWith('..') || !back.startsWith('..');
}

/** A folder connection: an absolute path to an existing directory. */
async function loginLocal(
  g: Globals,
  side: Side,
  folder: string,
  opts: LoginOptions,
): Promise<ConnectionConfig> {
  for (const flag of [
    'username',
    'passwordStdin',
    'tokenStdin',
    'network',
    'caFile',
    'allowHttp',
    'oidcIssuer',
    'clientId',
    'clientCredentials',
    'clientSecretStdin',
    'proxy',
    'events',
    'fullCrawlEvery',
    'retryAfterMax',
    'retryBudget',
  ] as const) {
    if (opts[flag] !== undefined)
      throw new UsageError(`--${kebab(flag)} applies to a server URL, not a folder`);
  }
  const address = path.resolve(folder);
  const st = await stat(address).catch(() => null);
  if (!st?.isDirectory()) {
    throw new UsageError(
      `${address} is not an existing folder`,
      'create it first, or give a URL starting with https:// for an Alfresco server',
    );
  }
  const other = await new ConfigStore(homeOf(g)).getConnection(g.profile, otherSide(side));
  assertHomeOutside(homeOf(g), address, `the ${side} folder`);
  if (other?.kind === 'local' && overlaps(address, other.address)) {
    throw new UsageError(
      `${address} overlaps the ${otherSide(side)} folder ${other.address}`,
      'the two sides must be separate folders, neither inside the other',
    );
  }
  const probe = new LocalConnector(address);
  await probe.whoami().finally(() => probe.close());
  return { kind: 'local', address };
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The secret for a login, masked in the log from here on. */
async function gatherSecret(
  g: Globals,
  side: Side,
  opts: LoginOptions,
): Promise<{ password?: string; token?: string }> {
  const secret = await findSecret(g, side, opts);
  g.out.log?.mask(secret.password ?? secret.token);
  return secret;
}

/** Where the secret comes from, in order: stdin flag, environment, prompt. Never argv. */
async function findSecret(
  g: Globals,
  side: Side,
  opts: LoginOptions,
): Promise<{ password?: string; token?: string }> {
  const env = g.rt.env;
  const prefix = `CLOUDSYNC_${side.toUpperCase()}_`;
  if (opts.password !== undefined) return { password: opts.password };
  if (opts.passwordStdin) return { password: await readStdinSecret(g.rt.stdin) };
  if (opts.tokenStdin) return { token: await readStdinSecret(g.rt.stdin) };
  if (env[`${prefix}TOKEN`]) return { token: env[`${prefix}TOKEN`] };
  if (env[`${prefix}PASSWORD`]) return { password: env[`${prefix}PASSWORD`] };
  if (g.interactive) return { password: await promptSecret(g.rt, 'Password:') };
  throw new UsageError(
    'no password given and cannot prompt (not a terminal, --yes, --json or CI)',
    `pipe it with --password-stdin (or --token-stdin), or set ${prefix}PASSWORD`,
  );
}

/** A server connection: authenticate once, keep the ticket (never the password) and the connection. */
async function loginAlfresco(
  g: Globals,
  side: Side,
  url: string,
  opts: LoginOptions,
): Promise<{ conn: ConnectionConfig; user: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a valid URL`);
  }
  if (parsed.username || parsed.password) {
    throw new UsageError(
      'credentials in the URL are refused (they would show in the process list and shell history)',
      'use --username and --password-stdin, or CLOUDSYNC_<SIDE>_PASSWORD',
    );
  }
  const caFile = opts.caFile ? path.resolve(opts.caFile) : undefined;
  const conn: ConnectionConfig = { kind: 'alfresco', address: url.replace(/\/+$/, '') };
  if (opts.network) conn.network = opts.network;
  if (caFile) conn.caFile = caFile;
  if (opts.allowHttp) conn.allowHttp = true;
  const { limitsFromEnv } = await import('../connectors/alfresco/limits.js');
  const { checkProxyUrl, checkBrokerUrl, resolveProxy } = await import('../connectors/alfresco/index.js');
  if (opts.proxy) conn.proxy = checkProxyUrl(opts.proxy);
  if (opts.events) {
    checkBrokerUrl(opts.events, conn.allowHttp);
    conn.events = opts.events;
  } else if (opts.fullCrawlEvery !== undefined)
    throw new UsageError('--full-crawl-every applies with --events only');
  const fullCrawlEvery = parseSeconds('full-crawl-every', opts.fullCrawlEvery);
  if (fullCrawlEvery !== undefined) conn.fullCrawlEveryS = fullCrawlEvery;
  const retryAfterMax = parseSeconds('retry-after-max', opts.retryAfterMax);
  if (retryAfterMax !== undefined) conn.retryAfterMaxS = retryAfterMax;
  const retryBudget = parseSeconds('retry-budget', opts.retryBudget);
  if (retryBudget !== undefined) conn.retryBudgetS = retryBudget;
  const connOpts = {
    url: conn.address,
    network: conn.network,
    caFile,
    allowHttp: conn.allowHttp,
    side,
    proxy: resolveProxy(conn.address, conn.proxy, g.rt.env),
    limits: limitsFromEnv(g.rt.env),
  };
  if (opts.oidcIssuer === undefined) {
    for (const flag of ['clientId', 'clientCredentials', 'clientSecretStdin'] as const)
      if (opts[flag] !== undefined) throw new UsageError(`--${kebab(flag)} needs --oidc-issuer <url>`);
  } else {
    const progress = new Progress(g.out);
    progress.start(`logging in at ${opts.oidcIssuer}…`);
    const { creds, user } = await loginOidc(
      g,
      side,
      conn,
      { ...connOpts, log: (l) => g.out.debug(l) },
      opts,
    ).finally(() => progress.stop());
    conn.username = user;
    await new CredentialStore(homeOf(g)).set(g.profile, side, creds);
    return { conn, user };
  }
  // Questions in the order people expect (user name, then password), and the spinner only after the last
  // answer: drawn earlier, it would paint over the prompt.
  const envPrefix = `CLOUDSYNC_${side.toUpperCase()}_`;
  const usesToken =
    opts.password === undefined &&
    !opts.passwordStdin &&
    (Boolean(opts.tokenStdin) || Boolean(g.rt.env[`${envPrefix}TOKEN`]));
  const username = usesToken
    ? undefined
    : (opts.username ??
      g.rt.env[`${envPrefix}USERNAME`] ??
      (g.interactive ? await promptText(g.rt, 'Username:') : undefined));
  if (!usesToken && !username) {
    throw new UsageError('no user name given', `pass --username or set ${envPrefix}USERNAME`);
  }
  const secret = await gatherSecret(g, side, opts);
  const progress = new Progress(g.out);
  let creds: AlfrescoCredentials;
  let user: string;
  try {
    progress.start(`logging in to ${conn.address}…`);
    if (secret.token !== undefined) {
      creds = { token: secret.token };
      // The HTTP stack loads only when a side is an Alfresco server (start-up of every other command).
      const { AlfrescoConnector } = await import('../connectors/alfresco/index.js');
      const connector = new AlfrescoConnector({ ...connOpts, log: (l) => g.out.debug(l) }, creds);
      user = (await connector.whoami().finally(() => connector.close())).user;
    } else {
      if (!username)
        throw new UsageError('no user name given', `pass --username or set ${envPrefix}USERNAME`);
      const { alfrescoLogin } = await import('../connectors/alfresco/index.js');
      const res = await alfrescoLogin(
        { ...connOpts, log: (l) => g.out.debug(l) },
        username,
        secret.password ?? '',
      );
      creds = { ticket: res.ticket, username };
      user = res.user;
    }
  } finally {
    progress.stop();
  }
  conn.username = user;
  if (conn.events) await probeBroker(g, side, conn);
  await new CredentialStore(homeOf(g)).set(g.profile, side, creds);
  return { conn, user };
}

/** Connect to the event broker once (and leave), so a wrong address or password fails the login. */
async function probeBroker(g: Globals, side: Side, conn: ConnectionConfig): Promise<void> {
  const { openConnector } = await import('../connectors/index.js');
  const connector = await openConnector(
    side,
    conn,
    {},
    { env: g.rt.env, subscriber: `cloudsync-login-${process.pid}` },
  );
  try {
    await (connector as { changes?: { probe(): Promise<void> } }).changes?.probe();
  } finally {
    await connector.close();
  }
}

/**
 * Check a connection and save it (ticket in credentials.json, connection in config.json): the shared core
 * of `login` and the setup wizard. Throws what went wrong (UsageError, AuthError, UnreachableError).
 */
export async function loginSide(
  g: Globals,
  side: Side,
  address: string,
  opts: LoginOptions,
): Promise<{ conn: ConnectionConfig; user: string | undefined }> {
  let conn: ConnectionConfig;
  let user: string | undefined;
  if (isUrl(address)) ({ conn, user } = await loginAlfresco(g, side, address, opts));
  else {
    conn = await loginLocal(g, side, address, opts);
    // A folder needs no secret; drop any left from an earlier server login on this side.
    await new CredentialStore(homeOf(g)).delete(g.profile, side);
  }
  await new ConfigStore(homeOf(g)).setConnection(g.profile, side, conn);
  return { conn, user };
}

/** `cloudsync login <side> <url|folder>`. */
export async function runLogin(
  g: Globals,
  sideArg: string,
  address: string,
  opts: LoginOptions,
): Promise<number> {
  const side = parseSide(sideArg);
  const { conn, user } = await loginSide(g, side, address, opts);
  g.out.result(
    { side, profile: g.profile, kind: conn.kind, address: conn.address, user: user ?? null },
    () =>
      conn.kind === 'local'
        ? `${side}: local folder ${conn.address}`
        : `${side}: logged in to ${conn.address} as ${user}`,
  );
  return 0;
}

/** Register `login`. */
export function registerLogin(program: Command, rt: Runtime): void {
  program
    .command('login')
    .description('connect a side to a local folder or an Alfresco server')
    .argument('<side>', 'onprem or cloud')
    .argument('<url|folder>', 'https://host[/alfresco] for a server, anything else is a folder')
    .option('--username <user>', 'user name (or env CLOUDSYNC_<SIDE>_USERNAME)')
    .option('--password-stdin', 'read the password from stdin')
    .option('--token-stdin', 'read an access token from stdin instead of a password')
    .option('--network <id>', 'tenant/network id (default -default-)')
    .option('--ca-file <pem>', 'extra CA certificates to trust (PEM)')
    .option('--allow-http', 'permit plain http:// (and stomp://) to a non-loopback host')
    .option('--proxy <url>', 'outbound HTTP proxy (default: HTTPS_PROXY/HTTP_PROXY; NO_PROXY applies)')
    .option('--events <broker-url>', 'repository events: stomp://host:61613 or stomp+ssl://host:61614')
    .option('--full-crawl-every <duration>', 'with --events, still list everything this often (default 1d)')
    .option('--retry-after-max <duration>', 'longest Retry-After obeyed (default 120s)')
    .option('--retry-budget <duration>', 'all retry waits of one request together (default 300s)')
    .option(
      '--oidc-issuer <url>',
      'log in at this Identity Service (OpenID Connect issuer) instead of tickets',
    )
    .option('--client-id <id>', 'OAuth client id at the issuer (default alfresco)')
    .option('--client-credentials', 'log in as the client itself (service account) instead of a user')
    .option(
      '--client-secret-stdin',
      'read the client secret from stdin (or env CLOUDSYNC_<SIDE>_CLIENT_SECRET)',
    )
    .addHelpText(
      'after',
      `
Credentials are never taken from the command line: use --password-stdin, --token-stdin,
CLOUDSYNC_<SIDE>_USERNAME/_PASSWORD/_TOKEN/_CLIENT_SECRET, or the prompt. Only the ticket (or the
Identity Service tokens, and a confidential client's secret) is stored (0600).
Broker credentials come from CLOUDSYNC_<SIDE>_BROKER_USERNAME/_BROKER_PASSWORD, never stored.

Examples:
  $ cloudsync login onprem ./repo
  $ cloudsync login cloud https://acs.example.com --username alice
  $ printf %s "$PW" | cloudsync login cloud https://acs.example.com --username alice --password-stdin
  $ cloudsync login cloud https://acs.example.com --username alice --events stomp+ssl://mq.example.com:61614
  $ cloudsync login cloud https://acs.example.com --username alice --proxy http://proxy.corp:3128
  $ printf %s "$PW" | cloudsync login cloud https://acs.example.com --username alice --password-stdin \
      --oidc-issuer https://idp.example.com/auth/realms/alfresco
  $ printf %s "$SECRET" | cloudsync login cloud https://acs.example.com --client-credentials \
      --oidc-issuer https://idp.example.com/auth/realms/alfresco --client-id sync --client-secret-stdin`,
    )
    .action(
      commandAction(
        rt,
        (g, cmd) => {
          const [side, address] = cmd.processedArgs as [string, string];
          const opts = cmd.opts<LoginOptions>();
          if (opts.passwordStdin && opts.tokenStdin) {
            throw new UsageError('--password-stdin and --token-stdin cannot be used together');
          }
          return runLogin(g, side, address, opts);
        },
        { anyProfile: true },
      ),
    );
}
