import path from 'node:path';
import type { Side } from '../connectors/types.js';
import { UsageError } from '../errors.js';
import { ensurePrivateDir, readPrivateFile, writePrivateFileSync } from '../store/private-files.js';

export { resolveHome } from './home.js';

/** Version of the config.json layout; a file with a higher one is refused, never overwritten. */
export const CONFIG_VERSION = 1;

/** How one side is reached (no secrets: those live in credentials.json). */
export interface ConnectionConfig {
  kind: 'local' | 'alfresco';
  /** Absolute folder (local) or base URL (alfresco). */
  address: string;
  network?: string;
  username?: string;
  caFile?: string;
  allowHttp?: boolean;
  /** Identity Service (OpenID Connect) issuer URL; tokens instead of tickets when set. */
  oidcIssuer?: string;
  /** OAuth client id at the issuer (default `alfresco`). */
  clientId?: string;
  /** `login --proxy`: outbound proxy for this connection (otherwise HTTPS_PROXY/HTTP_PROXY; NO_PROXY wins). */
  proxy?: string;
  /** `login --retry-after-max`, seconds: longest Retry-After obeyed. */
  retryAfterMaxS?: number;
  /** `login --retry-budget`, seconds: all waits of one request together. */
  retryBudgetS?: number;
  /** `login --events`: the broker publishing the repository's events (stomp:// or stomp+ssl://). */
  events?: string;
  /** `login --full-crawl-every`, seconds: with events, how often a pass still lists everything. */
  fullCrawlEveryS?: number;
}

export { PROFILE_NAME } from './profile-name.js';

/** The connections of one profile. */
type ProfileConfig = Partial<Record<Side, ConnectionConfig>>;

/** The content of config.json. */
interface ConfigFile {
  version?: number;
  profiles?: Record<string, ProfileConfig>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `<home>/config.json`: profiles and their connections, in the layout `conf` uses (tab-indented JSON). The
 * file is checked before it is rewritten, so a file we cannot read or that a newer cloudsync wrote is never
 * overwritten. It is written by our private writer, not by conf: conf's writer (atomically) resolves a
 * symlink planted at config.json and writes its target, through a guessable temp name opened without
 * O_EXCL, with mode 0644 by default.
 */
export class ConfigStore {
  readonly file: string;

  constructor(readonly home: string) {
    this.file = path.join(home, 'config.json');
  }

  /** The connection of one side of a profile, if set. */
  getConnection(profile: string, side: Side): ConnectionConfig | undefined {
    const conn = this.#read().profiles?.[profile]?.[side];
    return conn === undefined ? undefined : { ...conn };
  }

  /** Set (replace) the connection of one side of a profile. */
  async setConnection(profile: string, side: Side, c: ConnectionConfig): Promise<void> {
    const profiles = { ...this.#read().profiles };
    profiles[profile] = { ...profiles[profile], [side]: { ...c } };
    await this.#write(profiles);
  }

  /** Forget the connection of one side; a profile left with no connection is removed. */
  async deleteConnection(profile: string, side: Side): Promise<void> {
    const profiles = { ...this.#read().profiles };
    const p = { ...profiles[profile] };
    if (p[side] === undefined) return;
    delete p[side];
    if (Object.keys(p).length === 0) delete profiles[profile];
    else profiles[profile] = p;
    await this.#write(profiles);
  }

  /** Names of the profiles that have at least one connection, sorted. */
  profiles(): string[] {
    return Object.keys(this.#read().profiles ?? {}).sort();
  }

  /** Parse and validate config.json; missing is empty. Throws UsageError and leaves the file alone otherwise. */
  #read(): ConfigFile {
    const text = readPrivateFile(this.file);
    if (text === null) return {};
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw this.#corrupt((err as Error).message);
    }
    if (!isObject(data)) throw this.#corrupt('not a JSON object');
    if (data.version !== undefined && typeof data.version !== 'number')
      throw this.#corrupt('invalid "version"');
    if (typeof data.version === 'number' && data.version > CONFIG_VERSION) {
      throw new UsageError(
        `${this.file} was written by a newer cloudsync (config version ${data.version}, this one knows ${CONFIG_VERSION})`,
        `upgrade cloudsync, or use another --home; ${this.file} was left untouched`,
        'CONFIG_NEWER',
      );
    }
    if (data.profiles !== undefined && !isObject(data.profiles)) throw this.#corrupt('invalid "profiles"');
    for (const [name, p] of Object.entries(data.profiles ?? {})) {
      if (!isObject(p)) throw this.#corrupt(`invalid profile "${name}"`);
      for (const [side, c] of Object.entries(p)) {
        if (!isObject(c) || (c.kind !== 'local' && c.kind !== 'alfresco') || typeof c.address !== 'string') {
          throw this.#corrupt(`invalid connection "${name}.${side}"`);
        }
      }
    }
    return data as ConfigFile;
  }

  /** Atomic and private (0600, fresh O_EXCL temp name); only after #read accepted the current file. */
  async #write(profiles: Record<string, ProfileConfig>): Promise<void> {
    ensurePrivateDir(this.home);
    const data: ConfigFile = { version: CONFIG_VERSION, profiles };
    writePrivateFileSync(this.file, JSON.stringify(data, undefined, '\t'));
  }

  #corrupt(why: string): UsageError {
    return new UsageError(
      `${this.file} is corrupt: ${why}`,
      `fix it by hand or move it aside and run \`cloudsync login\` again; ${this.file} was left untouched`,
      'CONFIG_CORRUPT',
    );
  }
}
