import fs from 'node:fs';
import path from 'node:path';
import { idOf } from './node-stat.js';
import { pathOfFd, readsFdPaths } from './root-guard.js';

/** Folders held open at once: a pass writes folder by folder, and an update's folder is rarely used twice. */
const KEEP = 16;

/**
 * The folders a pass writes into, held open, so the link guard (SPEC §4) before each write costs one system
 * call instead of four (issue 11: a first sync writes 10–30 files into each folder). A folder is opened once
 * (never following a last link), its identity read from the descriptor, and at every later write the
 * kernel's path of that descriptor is read back (`/proc/self/fd`): the held folder is then exactly at its
 * path under the root's real path, every folder on the way a real one, as the full check finds it. A folder
 * moved away, deleted, or reached through a link since reads back another path: it is let go and the caller
 * takes the full lookup, which refuses a link (LINK_IN_ROOT) or says the folder is gone. The descriptor pins
 * the inode, so an identity checked once stays true. Only on Linux (elsewhere: always the full lookup).
 */
export class FolderHandles {
  /** Folder path → its open descriptor and id, least recently used first. */
  readonly #open = new Map<string, { fd: number; id: string }>();

  constructor(
    private readonly root: string,
    /** The root's real path as last read (`fresh`: read it again). */
    private readonly realRoot: (fresh: boolean) => string,
  ) {}

  /**
   * The id of the real folder at `abs` (strictly below the root), when it is there now with no link on the way
   * and, if `id` is given, has that id; else undefined (the caller's full lookup decides).
   */
  check(abs: string, id?: string): string | undefined {
    if (!readsFdPaths || !abs.startsWith(this.root) || abs[this.root.length] !== path.sep) return undefined;
    const held = this.#open.get(abs);
    if (held !== undefined) {
      this.#open.delete(abs);
      if (this.#isAt(held.fd, abs)) {
        this.#open.set(abs, held); // most recently used last
        return id === undefined || held.id === id ? held.id : undefined;
      }
      fs.closeSync(held.fd);
    }
    const opened = this.#openAt(abs);
    if (opened === undefined) return undefined;
    this.#open.set(abs, opened);
    if (this.#open.size > KEEP) this.#forget(this.#open.keys().next().value!);
    return id === undefined || opened.id === id ? opened.id : undefined;
  }

  /** Let every folder go (end of a batch of writes, or the connector closes). */
  release(): void {
    for (const abs of [...this.#open.keys()]) this.#forget(abs);
  }

  #openAt(abs: string): { fd: number; id: string } | undefined {
    const C = fs.constants;
    let fd: number;
    try {
      fd = fs.openSync(abs, C.O_RDONLY | (C.O_DIRECTORY ?? 0) | (C.O_NOFOLLOW ?? 0));
    } catch {
      return undefined; // gone, a link, not a folder, not readable: the full lookup says which
    }
    try {
      const st = fs.fstatSync(fd, { bigint: true });
      if (st.isDirectory() && this.#isAt(fd, abs)) return { fd, id: idOf(st) };
    } catch {
      // not as expected: the full lookup decides
    }
    fs.closeSync(fd);
    return undefined;
  }

  /** The kernel's path of `fd` is `abs` under the root's real path (as last read, else as it is now). */
  #isAt(fd: number, abs: string): boolean {
    const real = pathOfFd(fd);
    if (real === undefined) return false;
    const rest = abs.slice(this.root.length);
    return real === this.realRoot(false) + rest || real === this.realRoot(true) + rest;
  }

  #forget(abs: string): void {
    const held = this.#open.get(abs);
    this.#open.delete(abs);
    if (held !== undefined) fs.closeSync(held.fd);
  }
}
