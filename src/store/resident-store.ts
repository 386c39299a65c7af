import fs from 'node:fs';
import path from 'node:path';
import type { SetState } from './schema.js';
import { StateStore, idsOf } from './state-store.js';

/**
 * A state store that keeps the sets it loaded in memory between passes (`watch`), so a pass after one event
 * does not parse every set's state again. A set is read again from disk when its files changed since this
 * process last wrote them (another command holding the profile lock: `set`, `request-sync`, `unsync`,
 * `state import`...), which one `stat` of each file tells. Callers hold the profile lock around a pass and
 * call `settle()` after it, and `forget()` when a pass may have left memory and disk apart (it threw, was
 * cut short, or was a dry run).
 */
export class ResidentStateStore extends StateStore {
  readonly #held = new Map<string, { state: SetState; sig: string }>();

  /**
   * The ids, read synchronously: the folder holds a few small files, and `watch` lists it three times per
   * pass (locks, the pass, the watch roots after it), each a thread-pool round trip when asynchronous.
   */
  override async listIds(): Promise<string[]> {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return idsOf(names);
  }

  override async load(id: string): Promise<SetState> {
    const before = this.#signature(id);
    const held = this.#held.get(id);
    if (held && held.sig === before) return held.state;
    this.#held.delete(id);
    const state = await super.load(id);
    // Held only when nobody wrote while we read (another command may be mid-write outside our lock).
    if (this.#signature(id) === before) this.#held.set(id, { state, sig: before });
    return state;
  }

  /** After a pass of ours: what the files hold now is what memory holds. */
  async settle(): Promise<void> {
    await this.idle();
    for (const [id, held] of this.#held) held.sig = this.#signature(id);
  }

  /** Drop everything held: the next load reads the files. */
  forget(): void {
    this.#held.clear();
  }

  override async remove(id: string): Promise<void> {
    this.#held.delete(id);
    await super.remove(id);
  }

  #signature(id: string): string {
    return ['.json', '.journal']
      .map((ext) => {
        const st = fs.statSync(path.join(this.dir, id + ext), { bigint: true, throwIfNoEntry: false });
        return st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : '-';
      })
      .join('/');
  }
}
