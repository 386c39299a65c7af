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

/**
 * The owner records of a profile's sets: `<home>/state/<profile>/.<set-id>.owner`, one small file each, and
 * beside each the note of its marker's id and token (`.<set-id>.owner.note`).
 */
export class OwnerRecords {
  constructor(
    readonly home: string,
    readonly profile: string,
  ) {}

  /**
   * The record of a set, or undefined when this home never stamped its marker; with the marker's id and
   * token from its note (`note`) when the note is of the same pass. Read synchronously, as put() writes: a
   * pass reads it once or twice, and a thread-pool round trip per step costs more than the read.
   */
  async get(setId: string): Promise<OwnerRecord | undefined> {
    const rec = readRecord(this.#file(setId));
    if (!rec || rec.at === undefined) return rec;
    const note = readRecord(this.#file(setId, NOTE));
    if (!note || note.pass !== rec.pass || note.at !== rec.at) return rec;
    return { ...rec, markerId: note.markerId ?? rec.markerId, markerToken: note.markerToken };
  }

  /** Write a set's record atomically (0600) and durably (fsync). */
  async put(setId: string, rec: OwnerRecord): Promise<void> {
    ensurePrivateDir(this.home, 'state', this.profile);
    writePrivateFileSync(this.#file(setId), `${JSON.stringify(rec)}\n`);
  }

  /**
   * Note where the marker of the record's pass is and its token right after this home wrote it, so the
   * next pass need not read its content. A file beside the record, written without fsync (one fsync fewer
   * per `watch` edit): a note lost or torn in a power cut is ignored (the next pass reads the marker), and
   * the record itself, which the copied-home check relies on, is never written volatile.
   */
  async note(setId: string, rec: OwnerRecord): Promise<void> {
    ensurePrivateDir(this.home, 'state', this.profile);
    writePrivateFileSync(this.#file(setId, NOTE), `${JSON.stringify(rec)}\n`, 0o600, { durable: false });
  }

  /** Forget a set's record (the set was unsynced). */
  async remove(setId: string): Promise<void> {
    await fs.promises.rm(this.#file(setId), { force: true });
    await fs.promises.rm(this.#file(setId, NOTE), { force: true });
  }

  #file(setId: string, suffix = ''): string {
    if (!/^[A-Za-z0-9_-]+$/.test(setId)) throw new Error(`invalid set id ${setId}`);
    return path.join(this.home, 'state', this.profile, `.${setId}.owner${suffix}`);
  }
}

/** The note beside a record (`.<set-id>.owner.note`). */
const NOTE = '.note';

/** A record file's content, or undefined when it is missing, torn or not a record. */
function readRecord(file: string): OwnerRecord | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
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
