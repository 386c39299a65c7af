import { randomBytes } from 'node:crypto';

/** Default prefix of the connector's temporary files: hidden, and named after the writing process. */
export const DEFAULT_TEMP_PREFIX = '.cloudsync-';

/** Names and recognises the temp files a LocalConnector writes before renaming them into place. */
export class TempNames {
  readonly #prefix: string;
  readonly #pattern: RegExp;

  constructor(prefix = DEFAULT_TEMP_PREFIX) {
    this.#prefix = prefix;
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.#pattern = new RegExp(`^${escaped}(\\d+)-[0-9a-f]+\\.tmp$`);
  }

  /**
   * A fresh temp name for this process: `<prefix><pid>-<hex>.tmp`, a random start plus a counter (one draw of
   * randomness per connector, not per file: it showed in the profile of a pass over many small files).
   */
  next(): string {
    this.#counter += 1;
    return `${this.#prefix}${process.pid}-${this.#salt}${this.#counter.toString(16)}.tmp`;
  }

  readonly #salt = randomBytes(4).toString('hex');
  #counter = 0;

  /** The writer's pid when `name` is one of our temp files, else undefined. */
  pidOf(name: string): number | undefined {
    if (!name.startsWith(this.#prefix)) return undefined;
    const m = this.#pattern.exec(name);
    return m ? Number(m[1]) : undefined;
  }
}

/** Whether a process with this pid exists (EPERM means it exists but belongs to someone else). */
export function isPidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
