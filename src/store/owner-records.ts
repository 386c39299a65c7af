import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePrivateDir, writePrivateFile, writePrivateFileSync } from './private-files.js';

/** This installation: the id kept in `<home>/installation.json` (a copied home keeps it) and this host. */
export interface Installation {
  id: string;
  host: string;
}

/** What this home knows of a set's owner marker: the last pass it stamped, or a take-over asked for. */
export interface OwnerRecord {
  /** The marker node (a hint: looked up by name when it is gone). */
  markerId?: string;
  /** The marker's token (version) right after this home wrote it: unchanged, its content is known. */
  markerToken?: string;
  /** The pass number this home last wrote into the marker. */
  pass: number;
  at?: string;
  /** Set by `state import`: the next pass claims the set whoever holds it. */
  takeOver?: boolean;
}

/** The id of the installation at `home`, made (random, 0600) the first time it is asked for. */
export async function loadInstallation(home: string): Promise<Installation> {
  const file = path.join(home, 'installation.json');
  const read = async (): Promise<string | undefined> => {
    const text = await fs.promises.readFile(file, 'utf8').catch(() => undefined);
    try {
      const id = text === undefined ? undefined : (JSON.parse(text) as { id?: unknown }).id;
      return typeof id === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(id) ? id : undefined;
    } catch {
      return undefined;
    }
  };
  let id = await read();
  if (id === undefined) {
    ensurePrivateDir(home);
    id = randomUUID();
    await writePrivateFile(file, `${JSON.stringify({ id, createdAt: new Date().toISOString() })}\n`);
  }
  return { id, host: os.hostname() };
}

/** The owner records of a profile's sets: `<home>/state/<profile>/.<set-id>.owner`, one small file each. */
export class OwnerRecords {
  constructor(
    readonly home: string,
    readonly profile: string,
  ) {}

  /**
   * The record of a set, or undefined when this home never stamped its marker. Read synchronously, as put()
   * writes: a pass reads it once or twice, and a thread-pool round trip per step costs more than the read.
   */
  async get(setId: string): Promise<OwnerRecord | undefined> {
    let text: string;
    try {
      text = fs.readFileSync(this.#file(setId), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const v = JSON.parse(text) as Partial<OwnerRecord>;
      return typeof v.pass === 'number' ? (v as OwnerRecord) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Write a set's record atomically (0600). */
  async put(setId: string, rec: OwnerRecord): Promise<void> {
    ensurePrivateDir(this.home, 'state', this.profile);
    writePrivateFileSync(this.#file(setId), `${JSON.stringify(rec)}\n`);
  }

  /** Forget a set's record (the set was unsynced). */
  async remove(setId: string): Promise<void> {
    await fs.promises.rm(this.#file(setId), { force: true });
  }

  #file(setId: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(setId)) throw new Error(`invalid set id ${setId}`);
    return path.join(this.home, 'state', this.profile, `.${setId}.owner`);
  }
}
