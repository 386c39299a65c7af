import path from 'node:path';
import type { Side } from '../connectors/types.js';
import { UsageError } from '../errors.js';
import { ensurePrivateDir, readPrivateFile, writePrivateFileSync } from '../store/private-files.js';

/** Secrets of one side; any may be missing. Never printed. */
export interface Credentials {
  ticket?: string;
  token?: string;
  username?: string;
  password?: string;
}

/** The content of credentials.json. */
interface CredentialsFile {
  version: number;
  profiles: Record<string, Partial<Record<Side, Credentials>>>;
}

const FIELDS = ['ticket', 'token', 'username', 'password'] as const;

/**
 * `<home>/credentials.json`, readable by the owner only (0600), written atomically. Kept apart from
 * config.json so the config can be shown, copied and versioned without secrets.
 */
export class CredentialStore {
  readonly file: string;

  constructor(readonly home: string) {
    this.file = path.join(home, 'credentials.json');
  }

  /** The stored credentials of one side, if any. */
  get(profile: string, side: Side): Credentials | undefined {
    const c = this.#read().profiles[profile]?.[side];
    return c === undefined ? undefined : { ...c };
  }

  /** Store (replace) the credentials of one side. */
  set(profile: string, side: Side, creds: Credentials): void {
    const data = this.#read();
    const clean: Credentials = {};
    for (const f of FIELDS) if (creds[f] !== undefined) clean[f] = creds[f];
    data.profiles[profile] = { ...data.profiles[profile], [side]: clean };
    this.#write(data);
  }

  /** Forget the credentials of one side. */
  delete(profile: string, side: Side): void {
    const data = this.#read();
    const p = data.profiles[profile];
    if (p?.[side] === undefined) return;
    delete p[side];
    if (Object.keys(p).length === 0) delete data.profiles[profile];
    this.#write(data);
  }

  #read(): CredentialsFile {
    // never through a planted symlink; a file someone loosened is tightened (fchmod) before it is read
    const text = readPrivateFile(this.file);
    if (text === null) return { version: 1, profiles: {} };
    try {
      const data = JSON.parse(text) as Partial<CredentialsFile>;
      if (
        typeof data !== 'object' ||
        data === null ||
        typeof data.profiles !== 'object' ||
        data.profiles === null
      ) {
        throw new Error('no "profiles" object');
      }
      return { version: 1, profiles: data.profiles };
    } catch (err) {
      throw new UsageError(
        `${this.file} is corrupt: ${(err as Error).message}`,
        `move it aside and run \`cloudsync login\` again; ${this.file} was left untouched`,
        'CREDENTIALS_CORRUPT',
      );
    }
  }

  /** A fresh O_EXCL temp file created 0600 (never readable by others, not even briefly), fsync, rename over. */
  #write(data: CredentialsFile): void {
    ensurePrivateDir(this.home);
    writePrivateFileSync(this.file, JSON.stringify(data, null, 2) + '\n');
  }
}

/** Credentials from CLOUDSYNC_<SIDE>_USERNAME / _PASSWORD / _TOKEN; only the variables that are set. */
export function credentialsFromEnv(side: Side, env: NodeJS.ProcessEnv = process.env): Credentials {
  const prefix = `CLOUDSYNC_${side.toUpperCase()}_`;
  const creds: Credentials = {};
  if (env[`${prefix}USERNAME`]) creds.username = env[`${prefix}USERNAME`];
  if (env[`${prefix}PASSWORD`]) creds.password = env[`${prefix}PASSWORD`];
  if (env[`${prefix}TOKEN`]) creds.token = env[`${prefix}TOKEN`];
  return creds;
}
