// The random generator: a case's setup from its seed, then one operation at a time chosen from what is really
// on the sides now (so every op names paths that exist when it runs). Contents are unique per write
// (`v<n>:<seed>:<padding>`), so any file's bytes name the write they came from.
import type { Side } from '../../src/connectors/types.js';
import type { Op, SetDef, Setup } from './ops.js';
import { Rng } from './prng.js';
import type { Snapshot } from './sides.js';

const NAMES = ['a.txt', 'b.txt', 'n.txt', 'm.md', 'Q.txt', 'r'];
const DIRS = ['sub', 's2', 'new'];
const POLICIES = ['cloud-wins', 'onprem-wins', 'newer-wins', 'keep-both'];

/** The mapping between a set root on-prem and where it lands in the cloud (for ops on "the same" file). */
const ROOTS: [string, string][] = [
  ['A/', 'T/A/'],
  ['B/', 'T/B/'],
  ['D/', 'T/'],
];

/** Generates one case: its setup, then operations against the sides' current snapshots. */
export class Generator {
  readonly rng: Rng;
  private n = 0;
  /** Whether the sets exclude `*.bak` (then `x.bak` files are never touched by cloudsync). */
  readonly excludeBak: boolean;

  constructor(readonly seed: number) {
    this.rng = new Rng(seed);
    this.excludeBak = this.rng.chance(0.5);
  }

  /** A new unique content. */
  content(): string {
    const pad = 'abcdefghij'.repeat(this.rng.int(0, this.rng.chance(0.1) ? 3000 : 8));
    return `v${++this.n}:${this.seed}:${pad}`;
  }

  private setFlags(folder: boolean): string[] {
    const r = this.rng;
    const f: string[] = ['--conflict', r.pick(POLICIES)];
    if (r.chance(0.2)) f.push('--no-delete-on-cloud');
    if (r.chance(0.35)) f.push('--delete-onprem');
    if (r.chance(0.15)) f.push('--lock-onprem');
    if (folder && r.chance(0.1)) f.push('--no-subfolders');
    if (this.excludeBak) f.push('--exclude', '*.bak');
    return f;
  }

  /** On-prem `A/` (always a folder set), `B/` (a second folder set, sometimes), `D/` (a documents set, sometimes). */
  setup(): Setup {
    const files: Record<string, string> = {
      'A/a.txt': this.content(),
      'A/sub/b.txt': this.content(),
      'out/o.txt': this.content(),
    };
    const sets: SetDef[] = [{ paths: ['A'], flags: this.setFlags(true) }];
    if (this.rng.chance(0.5)) {
      files['B/c.txt'] = this.content();
      sets.push({ paths: ['B'], flags: this.setFlags(true) });
    }
    if (this.rng.chance(0.4)) {
      files['D/d1.txt'] = this.content();
      files['D/d2.txt'] = this.content();
      files['D/free.txt'] = this.content();
      sets.push({ paths: ['D/d1.txt', 'D/d2.txt'], flags: this.setFlags(false) });
    }
    return { files, cloudDirs: ['T', 'cout'], sets };
  }

  /** The counterpart of `p` on the other side, by the set roots' initial places. */
  counterpart(from: Side, p: string): string | undefined {
    for (const [on, cl] of ROOTS) {
      if (from === 'onprem' && p.startsWith(on)) return cl + p.slice(on.length);
      if (from === 'cloud' && p.startsWith(cl) && !(on === 'D/' && p.slice(cl.length).includes('/')))
        return on + p.slice(cl.length);
    }
    return undefined;
  }

  private syncFlags(): string[] {
    const f: string[] = [];
    if (this.rng.chance(0.12)) f.push('--max-delete', this.rng.pick(['0', '10', '30', '50', '90']));
    if (this.rng.chance(0.06)) f.push('--force');
    return f;
  }

  /** The next operation(s), given both sides now; may return [] when the chosen kind has nothing to act on. */
  next(snaps: Record<Side, Snapshot>, local: boolean): Op[] {
    const r = this.rng;
    const on: Side = r.chance(0.5) ? 'onprem' : 'cloud';
    const s = snaps[on];
    const files = [...s].filter(([p, e]) => e.kind === 'file' && !p.endsWith('.~save.tmp')).map(([p]) => p);
    const dirs = [...s].filter(([, e]) => e.kind === 'dir').map(([p]) => p);
    const exists = (p: string) => s.has(p);
    const newName = () =>
      r.chance(0.12) ? r.pick(this.excludeBak ? ['x.bak', '~$x.docx'] : ['~$x.docx']) : r.pick(NAMES);
    const kind = r.weighted({
      create: 14,
      edit: 12,
      save: 6,
      del: 6,
      rename: 5,
      moveFile: 8,
      mkdir: 4,
      rmdir: 3,
      moveDir: 4,
      both: 5,
      delEdit: 4,
      sameName: 3,
      touch: 3,
      symlink: local ? 1 : 0,
      sync: 20,
      kill: 5,
      race: 2,
    });
    switch (kind) {
      case 'create': {
        if (dirs.length === 0) return [];
        const p = `${r.pick(dirs)}/${newName()}`;
        return s.get(p)?.kind === 'dir' ? [] : [{ k: 'write', on, path: p, content: this.content() }];
      }
      case 'edit':
      case 'save':
      case 'touch':
        if (files.length === 0) return [];
        if (kind === 'touch') return [{ k: 'touch', on, path: r.pick(files) }];
        return [{ k: kind === 'edit' ? 'write' : 'save', on, path: r.pick(files), content: this.content() }];
      case 'del':
        return files.length ? [{ k: 'rm', on, path: r.pick(files) }] : [];
      case 'rename':
      case 'moveFile': {
        if (files.length === 0 || dirs.length === 0) return [];
        const from = r.pick(files);
        const dir = kind === 'rename' ? from.slice(0, from.lastIndexOf('/')) : r.pick(dirs);
        const to = `${dir}/${kind === 'rename' ? newName() : from.slice(from.lastIndexOf('/') + 1)}`;
        return exists(to) ? [] : [{ k: 'mv', on, from, to }];
      }
      case 'mkdir': {
        if (dirs.length === 0) return [];
        const p = `${r.pick(dirs)}/${r.pick(DIRS)}`;
        return exists(p) ? [] : [{ k: 'mkdir', on, path: p }];
      }
      case 'rmdir':
        return dirs.length ? [{ k: 'rm', on, path: r.pick(dirs) }] : [];
      case 'moveDir': {
        if (dirs.length === 0) return [];
        const from = r.pick(dirs);
        const parent = r.chance(0.3) ? '' : r.pick(dirs);
        if (parent === from || parent.startsWith(`${from}/`)) return [];
        const name = r.chance(0.5) ? from.slice(from.lastIndexOf('/') + 1) : r.pick([...DIRS, 'A2', 'B2']);
        const to = parent ? `${parent}/${name}` : name;
        return exists(to) ? [] : [{ k: 'mv', on, from, to }];
      }
      case 'both':
      case 'delEdit': {
        const pairs = [...snaps.onprem]
          .filter(
            ([p, e]) =>
              e.kind === 'file' && snaps.cloud.get(this.counterpart('onprem', p) ?? '')?.kind === 'file',
          )
          .map(([p]) => p);
        if (pairs.length === 0) return [];
        const p = r.pick(pairs);
        const q = this.counterpart('onprem', p)!;
        const first: Op = { k: 'write', on: 'onprem', path: p, content: this.content() };
        const second: Op = { k: 'write', on: 'cloud', path: q, content: this.content() };
        if (kind === 'both') return [first, second];
        return r.chance(0.5)
          ? [{ k: 'rm', on: 'onprem', path: p }, second]
          : [first, { k: 'rm', on: 'cloud', path: q }];
      }
      case 'sameName': {
        const pairs = dirs
          .map((d) =>
            on === 'onprem'
              ? [`${d}/`, this.counterpart('onprem', `${d}/`)]
              : [this.counterpart('cloud', `${d}/`), `${d}/`],
          )
          .filter(
            ([a, b]) =>
              a &&
              b &&
              snaps.onprem.get(a.replace(/\/$/, ''))?.kind === 'dir' &&
              snaps.cloud.get(b.replace(/\/$/, ''))?.kind === 'dir',
          );
        if (pairs.length === 0) return [];
        const [a, b] = r.pick(pairs) as [string, string];
        const name = r.pick(NAMES);
        if (snaps.onprem.has(a + name) || snaps.cloud.has(b + name)) return [];
        const c1 = this.content();
        const c2 = r.chance(0.2) ? c1 : this.content();
        return [
          { k: 'write', on: 'onprem', path: a + name, content: c1 },
          { k: 'write', on: 'cloud', path: b + name, content: c2 },
        ];
      }
      case 'symlink': {
        if (dirs.length === 0) return [];
        const p = `${r.pick(dirs)}/ln`;
        return exists(p)
          ? []
          : [{ k: 'symlink', on, path: p, target: r.pick(['a.txt', '../out', '/etc/hostname']) }];
      }
      case 'sync':
        return [{ k: 'sync', flags: this.syncFlags(), dry: r.chance(0.2) }];
      case 'kill':
        return [
          r.chance(0.6)
            ? { k: 'kill', flags: this.syncFlags(), ms: r.int(150, 900) }
            : { k: 'kill', flags: this.syncFlags(), lines: r.int(1, 6) },
        ];
      case 'race':
        return [{ k: 'race' }];
    }
  }
}
