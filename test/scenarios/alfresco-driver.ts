import type { Emulator } from '../support/emulator/index.js';
import { startEmulator } from '../support/emulator/index.js';
import type { SideDriver, Tree } from './drivers.js';

/**
 * A side served by the Alfresco emulator: the first path segment is a site, the rest a path inside its
 * document library (SPEC §2 `<site>/<path>`). Changes are made directly in the emulator's repository, as a
 * partner using Share would make them, behind cloudsync's back.
 */
export class AlfrescoDriver implements SideDriver {
  readonly label = 'alfresco';
  private constructor(
    private readonly emu: Emulator,
    private readonly side: 'onprem' | 'cloud',
  ) {}

  /** A fresh emulator (one per side: two servers, as on-prem and cloud really are). */
  static async create(side: 'onprem' | 'cloud'): Promise<AlfrescoDriver> {
    return new AlfrescoDriver(await startEmulator({}), side);
  }

  private split(p: string): [string, string] {
    const [site, ...rest] = p.split('/');
    if (!this.emu.repo().sites.has(site!)) this.emu.createSite(site!);
    return [site!, rest.join('/')];
  }
  private node(p: string) {
    const [site, rest] = this.split(p);
    return rest === '' ? undefined : this.emu.findByPath(site, rest);
  }
  private parentId(p: string): string {
    const [site, rest] = this.split(p);
    const parent = rest.includes('/') ? rest.slice(0, rest.lastIndexOf('/')) : '';
    return parent === '' ? this.emu.documentLibraryId(site) : this.emu.mkdir(site, parent).id;
  }
  private base(p: string): string {
    return p.slice(p.lastIndexOf('/') + 1);
  }

  loginArgs(): string[] {
    return [this.emu.url, '--username', 'admin'];
  }
  env(): Record<string, string> {
    return { [`CLOUDSYNC_${this.side.toUpperCase()}_PASSWORD`]: 'admin' };
  }
  async write(p: string, content: string): Promise<void> {
    const [site, rest] = this.split(p);
    this.emu.putFile(site, rest, content);
  }
  async mkdir(p: string): Promise<void> {
    const [site, rest] = this.split(p);
    if (rest !== '') this.emu.mkdir(site, rest);
  }
  async rm(p: string): Promise<void> {
    const n = this.node(p);
    if (n) this.emu.deleteNode(n.id);
  }
  async mv(from: string, to: string): Promise<void> {
    const n = this.node(from);
    if (!n) throw new Error(`no ${from}`);
    this.emu.moveNode(n.id, this.parentId(to), { name: this.base(to) });
  }
  async cp(from: string, to: string): Promise<void> {
    const tree = await this.tree();
    for (const [p, content] of Object.entries(tree)) {
      if (p !== from && !p.startsWith(`${from}/`)) continue;
      const dest = to + p.slice(from.length);
      if (content === null) await this.mkdir(dest);
      else await this.write(dest, content);
    }
  }
  async read(p: string): Promise<string | null> {
    const n = this.node(p);
    return n ? (this.emu.readContent(n.id)?.toString('utf8') ?? null) : null;
  }
  async writable(p: string): Promise<boolean> {
    const n = this.node(p) as { isLocked?: boolean } | undefined;
    return !n?.isLocked;
  }
  async tree(): Promise<Tree> {
    const repo = this.emu.repo();
    const out: Tree = {};
    const walk = (id: string, rel: string) => {
      const n = repo.nodes.get(id)!;
      for (const child of repo.childrenOf(n)) {
        if (child.name.startsWith('.cloudsync-owner.')) continue; // the set's owner marker, not content
        const r = `${rel}/${child.name}`;
        if (child.content === undefined && child.nodeType !== 'cm:content') {
          out[r] = null;
          walk(child.id, r);
        } else {
          out[r] = child.content?.bytes.toString('utf8') ?? '';
        }
      }
    };
    for (const site of repo.sites.values()) {
      out[site.id] = null;
      walk(site.docLibId, site.id);
    }
    return out;
  }
  async cleanup(): Promise<void> {
    await this.emu.close();
  }
}
