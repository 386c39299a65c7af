import {
  cp,
  lstat,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../support/cli.js';

/** A file tree: connection-relative path → text content, or null for a folder. */
export type Tree = Record<string, string | null>;

/**
 * One side of a scenario, whatever the connector: how to log in to it, and how a user would change it
 * behind cloudsync's back. Every scenario runs unchanged on every pairing of drivers.
 */
export interface SideDriver {
  readonly label: string;
  /** Arguments after `cloudsync login <side>`. */
  loginArgs(): string[];
  /** Extra environment for every CLI run (credentials). */
  env(): Record<string, string>;
  write(p: string, content: string): Promise<void>;
  mkdir(p: string): Promise<void>;
  rm(p: string): Promise<void>;
  mv(from: string, to: string): Promise<void>;
  cp(from: string, to: string): Promise<void>;
  /** An editor's save: write a new file beside `p`, rename it over `p`. */
  save?(p: string, content: string): Promise<void>;
  /** Change the modification time only. */
  touch?(p: string): Promise<void>;
  /** A symlink (only where the repository has them). */
  symlink?(p: string, target: string): Promise<void>;
  read(p: string): Promise<string | null>;
  /** The whole tree under the connection root. */
  tree(): Promise<Tree>;
  /** Whether the node at `p` can be written by its owner (lock-onprem on local folders). */
  writable?(p: string): Promise<boolean>;
  cleanup(): Promise<void>;
}

/** A plain folder on this machine (the `local` connector). */
export class LocalDriver implements SideDriver {
  readonly label = 'local';
  private constructor(readonly root: string) {}

  static async create(): Promise<LocalDriver> {
    return new LocalDriver(await tempDir('cloudsync-side-'));
  }

  private abs(p: string): string {
    return path.join(this.root, ...p.split('/'));
  }
  loginArgs(): string[] {
    return [this.root];
  }
  env(): Record<string, string> {
    return {};
  }
  async write(p: string, content: string): Promise<void> {
    await mkdir(path.dirname(this.abs(p)), { recursive: true });
    await writeFile(this.abs(p), content);
  }
  async mkdir(p: string): Promise<void> {
    await mkdir(this.abs(p), { recursive: true });
  }
  async rm(p: string): Promise<void> {
    await rm(this.abs(p), { recursive: true, force: true });
  }
  async mv(from: string, to: string): Promise<void> {
    await mkdir(path.dirname(this.abs(to)), { recursive: true });
    await rename(this.abs(from), this.abs(to));
  }
  async cp(from: string, to: string): Promise<void> {
    await cp(this.abs(from), this.abs(to), { recursive: true });
  }
  async symlink(p: string, target: string): Promise<void> {
    await symlink(target, this.abs(p));
  }
  async save(p: string, content: string): Promise<void> {
    await writeFile(`${this.abs(p)}.~save.tmp`, content);
    await rename(`${this.abs(p)}.~save.tmp`, this.abs(p));
  }
  async touch(p: string): Promise<void> {
    const t = new Date(Date.now() + 2000);
    await utimes(this.abs(p), t, t);
  }
  async read(p: string): Promise<string | null> {
    return readFile(this.abs(p), 'utf8').catch(() => null);
  }
  async writable(p: string): Promise<boolean> {
    return ((await lstat(this.abs(p))).mode & 0o200) !== 0;
  }
  async tree(): Promise<Tree> {
    const out: Tree = {};
    const walk = async (dir: string, rel: string) => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        if (e.name.startsWith('.cloudsync-owner.')) continue; // the set's owner marker, not content
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          out[r] = null;
          await walk(path.join(dir, e.name), r);
        } else if (e.isFile()) {
          out[r] = await readFile(path.join(dir, e.name), 'utf8');
        } else if (e.isSymbolicLink()) {
          out[r] = '<symlink>';
        }
      }
    };
    await walk(this.root, '');
    return out;
  }
  async cleanup(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
