import path from 'node:path';

/**
 * id → absolute path, filled by every listing, resolve and write. Paths are only hints: a lookup always
 * re-checks the inode, because the user may have moved things since.
 */
export class NodeIndex {
  readonly #paths = new Map<string, string>();
  /** Bumped by each listing or resolve, so a miss after new listings may justify another full walk. */
  generation = 0;
  /** The generation at the last full walk of the root, or -1 for never. */
  walkedAt = -1;

  get(id: string): string | undefined {
    return this.#paths.get(id);
  }

  set(id: string, abs: string): void {
    this.#paths.set(id, abs);
  }

  delete(id: string): void {
    this.#paths.delete(id);
  }

  /** Forget `abs` and everything indexed below it (after a delete). */
  forgetTree(abs: string): void {
    const below = abs + path.sep;
    for (const [id, p] of this.#paths) if (p === abs || p.startsWith(below)) this.#paths.delete(id);
  }

  /** Re-point everything indexed below `from` to the same place below `to` (after a folder move). */
  moveTree(from: string, to: string): void {
    const below = from + path.sep;
    for (const [id, p] of this.#paths)
      if (p.startsWith(below)) this.#paths.set(id, to + p.slice(from.length));
  }
}
