// The two sides of a model run, changed the way a user would change them (behind cloudsync's back) and read
// back whole: a local folder, or one site of the Alfresco emulator (in-process, so no HTTP and no faults).
import {
  chmod,
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
import type { Emulator } from '../support/emulator/index.js';

/** One entry of a side: a file with its bytes (as text) and write bit, a folder, or a symlink. */
export type Entry = { kind: 'file'; content: string; writable: boolean } | { kind: 'dir' } | { kind: 'link' };
/** A whole side: connection-relative path → entry. */
export type Snapshot = Map<string, Entry>;

/** What the tester needs of a side. Paths are relative to the connection root, `/`-separated. */
export interface ModelSide {
  readonly label: 'local' | 'emulator';
  /** Arguments after `cloudsync login <side>`. */
  loginArgs(): string[];
  /** Environment for the CLI (credentials). */
  env(): Record<string, string>;
  /** The path a set's cloud target is given as (`T` locally, `<site>/T` on the emulator). */
  cliPath(p: string): string;
  write(p: string, content: string): Promise<void>;
  /** An editor's save: write a new file beside it, then rename it over `p` (a new node). */
  save(p: string, content: string): Promise<void>;
  mkdir(p: string): Promise<void>;
  rm(p: string): Promise<void>;
  mv(from: string, to: string): Promise<void>;
  /** Change the modification time only. */
  touch(p: string): Promise<void>;
  symlink(p: string, target: string): Promise<void>;
  snapshot(): Promise<Snapshot>;
  /** Contents the side keeps besides its current files (Alfresco's prior versions). */
  kept(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** A plain folder (the `local` connector). */
export class LocalModelSide implements ModelSide {
  readonly label = 'local';
  constructor(readonly root: string) {}
  private abs(p: string): string {
    return path.join(this.root, ...p.split('/').filter(Boolean));
  }
  loginArgs(): string[] {
    return [this.root];
  }
  env(): Record<string, string> {
    return {};
  }
  cliPath(p: string): string {
    return p;
  }
  async write(p: string, content: string): Promise<void> {
    await mkdir(path.dirname(this.abs(p)), { recursive: true });
    await writeFile(this.abs(p), content);
  }
  async save(p: string, content: string): Promise<void> {
    const tmp = `${this.abs(p)}.~save.tmp`;
    await writeFile(tmp, content);
    await rename(tmp, this.abs(p));
  }
  async mkdir(p: string): Promise<void> {
    await mkdir(this.abs(p), { recursive: true });
  }
  async rm(p: string): Promise<void> {
    await makeWritable(this.abs(p)); // a user's `rm -rf` of a locked (read-only) file still works
    await rm(this.abs(p), { recursive: true, force: true });
  }
  async mv(from: string, to: string): Promise<void> {
    await mkdir(path.dirname(this.abs(to)), { recursive: true });
    await rename(this.abs(from), this.abs(to));
  }
  async touch(p: string): Promise<void> {
    const t = new Date(Date.now() + 2000);
    await utimes(this.abs(p), t, t);
  }
  async symlink(p: string, target: string): Promise<void> {
    await symlink(target, this.abs(p));
  }
  async snapshot(): Promise<Snapshot> {
    const out: Snapshot = new Map();
    const walk = async (abs: string, rel: string): Promise<void> => {
      const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (e.name.startsWith('.cloudsync-owner.')) continue; // cloudsync's owner marker, not content
        const r = rel ? `${rel}/${e.name}` : e.name;
        const a = path.join(abs, e.name);
        if (e.isDirectory()) {
          out.set(r, { kind: 'dir' });
          await walk(a, r);
        } else if (e.isFile()) {
          const st = await lstat(a);
          out.set(r, { kind: 'file', content: await readFile(a, 'utf8'), writable: (st.mode & 0o200) !== 0 });
        } else out.set(r, { kind: 'link' });
      }
    };
    await walk(this.root, '');
    return out;
  }
  async kept(): Promise<string[]> {
    return [];
  }
  async cleanup(): Promise<void> {
    await makeWritable(this.root);
    await rm(this.root, { recursive: true, force: true });
  }
}

/** Give the owner write permission on everything below `abs` (locked files), so it can be removed. */
export async function makeWritable(abs: string): Promise<void> {
  const st = await lstat(abs).catch(() => null);
  if (!st || st.isSymbolicLink()) return;
  if ((st.mode & 0o200) === 0) await chmod(abs, st.mode | 0o200).catch(() => undefined);
  if (st.isDirectory())
    for (const e of await readdir(abs).catch(() => [])) await makeWritable(path.join(abs, e));
}

/** One site of the emulator; paths are relative to its document library. */
export class EmulatorModelSide implements ModelSide {
  readonly label = 'emulator';
  constructor(
    readonly emu: Emulator,
    readonly site: string,
  ) {}
  private node(p: string) {
    return this.emu.findByPath(this.site, p);
  }
  private parentId(p: string): string {
    const dir = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
    return dir === '' ? this.emu.documentLibraryId(this.site) : this.emu.mkdir(this.site, dir).id;
  }
  loginArgs(): string[] {
    return [this.emu.url, '--username', 'admin'];
  }
  env(): Record<string, string> {
    return { CLOUDSYNC_CLOUD_PASSWORD: 'admin' };
  }
  cliPath(p: string): string {
    return `${this.site}/${p}`;
  }
  async write(p: string, content: string): Promise<void> {
    this.emu.putFile(this.site, p, content);
  }
  async save(p: string, content: string): Promise<void> {
    // Share has no save-by-rename: upload a new node beside it, delete the old one, rename the new one.
    const tmp = `${p}.~save.tmp`;
    this.emu.putFile(this.site, tmp, content);
    const old = this.node(p);
    if (old) this.emu.deleteNode(old.id);
    this.emu.updateNode(this.node(tmp)!.id, { name: p.slice(p.lastIndexOf('/') + 1) });
  }
  async mkdir(p: string): Promise<void> {
    this.emu.mkdir(this.site, p);
  }
  async rm(p: string): Promise<void> {
    const n = this.node(p);
    if (n) this.emu.deleteNode(n.id);
  }
  async mv(from: string, to: string): Promise<void> {
    const n = this.node(from);
    if (!n) throw new Error(`emulator: nothing at ${from}`);
    this.emu.moveNode(n.id, this.parentId(to), { name: to.slice(to.lastIndexOf('/') + 1) });
  }
  async touch(p: string): Promise<void> {
    const n = this.node(p);
    if (n) this.emu.updateNode(n.id, { properties: { 'cm:title': `touched ${Date.now()}` } });
  }
  async symlink(): Promise<void> {
    // a repository has no symlinks: nothing to do
  }
  async snapshot(): Promise<Snapshot> {
    const out: Snapshot = new Map();
    const repo = this.emu.repo();
    const walk = (id: string, rel: string): void => {
      for (const child of repo.childrenOf(repo.require(id))) {
        if (child.name.startsWith('.cloudsync-owner.')) continue; // cloudsync's owner marker
        const r = rel ? `${rel}/${child.name}` : child.name;
        if (child.nodeType.includes('folder')) {
          out.set(r, { kind: 'dir' });
          walk(child.id, r);
        } else {
          const content = this.emu.readContent(child.id)?.toString('utf8') ?? '';
          out.set(r, { kind: 'file', content, writable: child.lock === undefined });
        }
      }
    };
    walk(this.emu.documentLibraryId(this.site), '');
    return out;
  }
  async kept(): Promise<string[]> {
    const out: string[] = [];
    const repo = this.emu.repo();
    const walk = (id: string): void => {
      for (const child of repo.childrenOf(repo.require(id))) {
        for (const v of child.versions) if (v.content) out.push(v.content.bytes.toString('utf8'));
        walk(child.id);
      }
    };
    walk(this.emu.documentLibraryId(this.site));
    return out;
  }
  async cleanup(): Promise<void> {
    // the emulator is closed by whoever started it
  }
}
