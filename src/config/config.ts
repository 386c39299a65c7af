import fs from 'node:fs';
import path from 'node:path';
import type Conf from 'conf';
import type { Side } from '../connectors/types.js';
import { UsageError } from '../errors.js';

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
}

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
 * `<home>/config.json` through `conf`: profiles and their connections. The file is checked by us before conf
 * touches it, because conf may otherwise rewrite a file it cannot read or that a newer cloudsync wrote.
 */
export class ConfigStore {
  readonly file: string;
  #conf: Conf<ConfigFile> | undefined;

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
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
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

  async #write(profiles: Record<string, ProfileConfig>): Promise<void> {
    // conf only after our own check passed; dot paths off because profile names may contain dots. It is
    // imported here, not at the top: reading config (every command) must not pay for loading it.
    const { default: ConfClass } = await import('conf');
    this.#conf ??= new ConfClass<ConfigFile>({
      cwd: this.home,
      configName: 'config',
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
    });
    this.#conf.store = { version: CONFIG_VERSION, profiles };
  }

  #corrupt(why: string): UsageError {
    return new UsageError(
      `${this.file} is corrupt: ${why}`,
      `fix it by hand or move it aside and run \`cloudsync login\` again; ${this.file} was left untouched`,
      'CONFIG_CORRUPT',
    );
  }
}
