import path from 'node:path';
import { joinName } from './walk.js';

/**
 * A file's place as its folder's path and its name: the folder's path string is shared by every file indexed
 * below it, the name by the node listed (and the member recorded) with it. An absolute path string per file
 * was ~120 bytes at 100,000 files, ~12 MB per local side of a first sync (perf-mem8); this is 40.
 */
class Place {
  constructor(
    readonly dir: string,
    readonly name: string,
  ) {}

  get abs(): string {
    return joinName(this.dir, this.name);
  }
}

/**
 * id → absolute path, filled by every listing, resolve and write. Paths are only hints: a lookup always
 * re-checks the inode, because the user may have moved things since. Folders are kept as their path; files
 * as their folder's path and their name (Place), the path built again at each lookup.
 */
export class NodeIndex {
  readonly #paths = new Map<string, string | Place>();
  /** Bumped by each listing or resolve, so a miss after new listings may justify another full walk. */
  generation = 0;
  /** The generation at the last full walk of the root, or -1 for never. */
  walkedAt = -1;

  get(id: string): string | undefined {
    const p = this.#paths.get(id);
    return p === undefined || typeof p === 'string' ? p : p.abs;
  }

  set(id: string, abs: string): void {
    this.#paths.set(id, abs);
  }

  /** `id` is entry `name` of the folder at `dir` (a file: a folder's path is kept whole, see setIn's callers). */
  setIn(id: string, dir: string, name: string): void {
    this.#paths.set(id, new Place(dir, name));
  }

  delete(id: string): void {
    this.#paths.delete(id);
  }

  /** Forget `abs` and everything indexed below it (after a delete). */
  forgetTree(abs: string): void {
    const below = abs + path.sep;
    for (const [id, v] of this.#paths) {
      const p = typeof v === 'string' ? v : v.abs;
      if (p === abs || p.startsWith(below)) this.#paths.delete(id);
    }
  }

  /** Re-point everything indexed below `from` to the same place below `to` (after a folder move). */
  moveTree(from: string, to: string): void {
    const below = from + path.sep;
    // The files of one folder keep sharing one folder path string.
    const dirs = new Map<string, string>();
    for (const [id, v] of this.#paths) {
      if (typeof v === 'string') {
        if (v.startsWith(below)) this.#paths.set(id, to + v.slice(from.length));
        continue;
      }
      if (!v.abs.startsWith(below)) continue;
      let dir = dirs.get(v.dir);
      if (dir === undefined) dirs.set(v.dir, (dir = to + v.dir.slice(from.length)));
      this.#paths.set(id, new Place(dir, v.name));
    }
  }
}
