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
}

/** The connections of one profile. */
type ProfileConfig = Partial<Record<Side, ConnectionConfig>>;

/** The content of config.json. */
interface ConfigFile {
  version?: number;
  profiles?: Record<string, ProfileConfig>;
}

/** Profile names become directory names: a safe alphabet, so one can never point outside <home>. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const CONNECTION_SCHEMA = {
  type: 'object',
  required: ['kind', 'address'],
  properties: {
    kind: { enum: ['local', 'alfresco'] },
    address: { type: 'string', minLength: 1 },
    network: { type: 'string' },
    username: { type: 'string' },
    caFile: { type: 'string' },
    allowHttp: { type: 'boolean' },
  },
} as const;

/** conf's schema of config.json: a violation names the bad key (`profiles.default.cloud.kind`). */
const CONFIG_SCHEMA = {
  version: { type: 'integer', minimum: 1 },
  profiles: {
    type: 'object',
    propertyNames: { pattern: PROFILE_NAME.source },
    additionalProperties: {
      type: 'object',
      properties: { onprem: CONNECTION_SCHEMA, cloud: CONNECTION_SCHEMA },
      additionalProperties: false,
    },
  },
};

/**
 * conf migrations, keyed by `<CONFIG_VERSION>.0.0`: each brings config.json up to that layout, in place. The
 * next layout change adds `'2.0.0': (store) => ...` and raises CONFIG_VERSION.
 */
const MIGRATIONS: Record<string, (store: Conf<ConfigFile>) => void> = {
  // Files from before the layout was versioned have no "version".
  '1.0.0': (store) => {
    if (store.get('version') === undefined) store.set('version', 1);
  },
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `<home>/config.json` through `conf` (schema, migrations, 0600 file): profiles and their connections. conf is
 * loaded only when the file exists (asking must not create it), and only after a check that the file is not
 * from a newer cloudsync: conf would otherwise stamp its own migration version over a newer one.
 */
export class ConfigStore {
  readonly file: string;
  #conf: Conf<ConfigFile> | undefined;

  constructor(readonly home: string) {
    this.file = path.join(home, 'config.json');
  }

  /** The connection of one side of a profile, if set. */
  async getConnection(profile: string, side: Side): Promise<ConnectionConfig | undefined> {
    const conn = (await this.#read()).profiles?.[profile]?.[side];
    return conn === undefined ? undefined : { ...conn };
  }

  /** Set (replace) the connection of one side of a profile. */
  async setConnection(profile: string, side: Side, c: ConnectionConfig): Promise<void> {
    const profiles = { ...(await this.#read()).profiles };
    profiles[profile] = { ...profiles[profile], [side]: { ...c } };
    await this.#write(profiles);
  }

  /** Forget the connection of one side; a profile left with no connection is removed. */
  async deleteConnection(profile: string, side: Side): Promise<void> {
    const profiles = { ...(await this.#read()).profiles };
    const p = { ...profiles[profile] };
    if (p[side] === undefined) return;
    delete p[side];
    if (Object.keys(p).length === 0) delete profiles[profile];
    else profiles[profile] = p;
    await this.#write(profiles);
  }

  /** Names of the profiles that have at least one connection, sorted. */
  async profiles(): Promise<string[]> {
    return Object.keys((await this.#read()).profiles ?? {}).sort();
  }

  /** The whole file through conf; missing is empty. Throws UsageError and leaves the file alone otherwise. */
  async #read(): Promise<ConfigFile> {
    if (!this.#conf && !fs.existsSync(this.file)) return {};
    const conf = await this.#open();
    try {
      return conf.store;
    } catch (err) {
      throw this.#corrupt(err);
    }
  }

  async #write(profiles: Record<string, ProfileConfig>): Promise<void> {
    const conf = await this.#open();
    try {
      conf.store = { ...conf.store, version: CONFIG_VERSION, profiles };
    } catch (err) {
      throw this.#corrupt(err);
    }
  }

  async #open(): Promise<Conf<ConfigFile>> {
    if (this.#conf) return this.#conf;
    this.#refuseNewer();
    // Imported here, not at the top: commands that never touch config.json (completion) skip loading it.
    const { default: ConfClass } = await import('conf');
    fs.mkdirSync(this.home, { recursive: true, mode: 0o700 });
    try {
      this.#conf = new ConfClass<ConfigFile>({
        cwd: this.home,
        configName: 'config',
        configFileMode: 0o600,
        clearInvalidConfig: false,
        // dot paths off: profile names may contain dots
        accessPropertiesByDotNotation: false,
        schema: CONFIG_SCHEMA as never,
        migrations: MIGRATIONS as never,
        projectVersion: `${CONFIG_VERSION}.0.0`,
      });
    } catch (err) {
      throw this.#corrupt(err);
    }
    return this.#conf;
  }

  /** A config.json whose layout (or conf migration) version is above ours is refused, never rewritten. */
  #refuseNewer(): void {
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw this.#corrupt(err);
    }
    if (!isObject(data)) throw this.#corrupt(new Error('not a JSON object'));
    const internal = isObject(data.__internal__) ? data.__internal__ : {};
    const migrated = isObject(internal.migrations) ? internal.migrations.version : undefined;
    const major = typeof migrated === 'string' ? Number.parseInt(migrated, 10) : 0;
    const version = typeof data.version === 'number' ? data.version : 0;
    if (version > CONFIG_VERSION || major > CONFIG_VERSION) {
      throw new UsageError(
        `${this.file} was written by a newer cloudsync (config version ${Math.max(version, major)}, this one knows ${CONFIG_VERSION})`,
        `upgrade cloudsync, or use another --home; ${this.file} was left untouched`,
        'CONFIG_NEWER',
      );
    }
  }

  /** conf's "Config schema violation: `profiles/x/cloud/kind` must be ..." as `profiles.x.cloud.kind must be ...`. */
  #corrupt(err: unknown): UsageError {
    if (err instanceof UsageError) return err;
    const why = (err instanceof Error ? err.message : String(err))
      .replace(/^Config schema violation: /, '')
      .replace(/`([^`]*)`/g, (_, key: string) => (key === '' ? '(top level)' : key.replaceAll('/', '.')));
    return new UsageError(
      `${this.file} is corrupt: ${why}`,
      `fix it by hand or move it aside and run \`cloudsync login\` again; ${this.file} was left untouched`,
      'CONFIG_CORRUPT',
    );
  }
}
