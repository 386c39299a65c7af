import fs from 'node:fs';
import path from 'node:path';

/** How long a write of ours is remembered: its events arrive within milliseconds, even on a loaded machine. */
const KEEP_MS = 30_000;

/**
 * The paths this process wrote lately (created, replaced, moved, deleted, locked), each with what it left
 * there, so the watcher can tell cloudsync's own writes from new changes: an event at such a path whose
 * entry is still exactly what we left (same inode and change time, or still absent) is our echo and is not
 * reported. Anybody touching the path afterwards changes its ctime, and that event is reported. Only kept
 * while something watches (`active`), so a `sync` pays nothing.
 */
export class OwnWrites {
  /** Path → `ino:ctimeNs` (a folder: `dir:ino`) after our write, 'absent', or 'busy' while it is in flight. */
  readonly #left = new Map<string, { sig: string; at: number }>();
  active = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** A write to `abs` starts: events there are ours until `end`. */
  begin(abs: string): void {
    if (this.active) this.#put(abs, 'busy');
  }

  /** The write to `abs` is done: remember what it left there. */
  end(abs: string): void {
    if (this.active) this.#put(abs, signature(abs));
  }

  /** True when `abs` holds exactly what our last write left there (or that write is still running). */
  isOurs(abs: string): boolean {
    const e = this.#left.get(abs);
    if (!e) return false;
    if (this.now() - e.at > KEEP_MS) {
      this.#left.delete(abs);
      return false;
    }
    return e.sig === 'busy' || e.sig === signature(abs);
  }

  #put(abs: string, sig: string): void {
    const at = this.now();
    this.#left.delete(abs); // re-insert at the end: the map stays in time order for pruning
    this.#left.set(abs, { sig, at });
    for (const [k, v] of this.#left) {
      if (at - v.at <= KEEP_MS) break;
      this.#left.delete(k);
    }
  }
}

function signature(abs: string): string {
  try {
    const st = fs.lstatSync(abs, { bigint: true, throwIfNoEntry: false });
    if (!st) return 'absent';
    // A folder's ctime moves whenever its children change (our next write inside it, or someone else's,
    // which its own watcher reports): the folder itself is ours while it is the same folder.
    if (st.isDirectory()) return `dir:${st.ino}`;
    // A file's ctime: the kernel sets it on every write, chmod and rename, and nobody can set it back.
    return `${st.ino}:${st.ctimeNs}`;
  } catch {
    return 'absent';
  }
}

/** Beyond this many paths written since the last flush, one syncfs of the whole file system is cheaper. */
const FEW = 64;

/**
 * The paths written since the last flush while they are few: a flush then fsyncs each of them and its folder
 * (so a rename is durable too) instead of spawning `sync -f`, whose fork of a large process costs a pass
 * after one edit more CPU than everything else it does.
 */
export class FewPaths {
  #paths = new Set<string>();
  #many = false;

  note(abs: string): void {
    if (this.#many) return;
    this.#paths.add(abs);
    this.#paths.add(path.dirname(abs));
    if (this.#paths.size > FEW) this.#many = true;
  }

  /** fsync every path noted and forget them; false (nothing done) when they were many, or on Windows. */
  fsyncEach(): boolean {
    const paths = this.#paths;
    const many = this.#many;
    this.#paths = new Set();
    this.#many = false;
    if (many || process.platform === 'win32') return false;
    for (const p of paths) {
      let fd: number;
      try {
        fd = fs.openSync(p, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
      } catch {
        continue; // gone since (deleted or moved away: its folder is in the set too)
      }
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    return true;
  }
}
