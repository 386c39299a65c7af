// Shared helpers of the reliability harness: an identity-based model of a set's tree (to compute the
// expected result of edits made on both sides), side drivers (local folder, in-process emulator), CLI
// wrappers, and the invariant checks every run ends with (no loss, no duplicates, no temp files, state loads).
import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Emulator } from '../support/emulator/index.js';
import { runCli, tempDir, type CliResult, type RunCliOptions } from '../support/cli.js';

/** A tree below a set's root: relative path → content (files) or null (folders). */
export type Tree = Map<string, string | null>;

/** `SOAK=1`: larger, slower, on-demand runs. `SLOW=1`: include the slow optional cases. */
export const SOAK = process.env.SOAK === '1';
export const SLOW = process.env.SLOW === '1' || SOAK;

// ---------------------------------------------------------------------------------------------------------
// The model: folders and files by identity, so a rename on one side and an edit on the other compose.

interface MFolder {
  parent: string | null; // null: the set's root folder
  name: string;
}
interface MFile {
  folder: string | null;
  name: string;
  content: string;
}

/** One view of the set's tree, by node identity (ids are the model's own, stable across renames). */
export class Model {
  folders = new Map<string, MFolder>();
  files = new Map<string, MFile>();

  clone(): Model {
    const m = new Model();
    for (const [k, v] of this.folders) m.folders.set(k, { ...v });
    for (const [k, v] of this.files) m.files.set(k, { ...v });
    return m;
  }

  folderPath(id: string | null): string {
    const parts: string[] = [];
    for (let f = id; f !== null;) {
      const node = this.folders.get(f);
      assert.ok(node, `model: no folder ${f}`);
      parts.unshift(node.name);
      f = node.parent;
    }
    return parts.join('/');
  }

  filePath(id: string): string {
    const f = this.files.get(id);
    assert.ok(f, `model: no file ${id}`);
    const dir = this.folderPath(f.folder);
    return dir ? `${dir}/${f.name}` : f.name;
  }

  /** Everything as a path tree. */
  tree(): Tree {
    const t: Tree = new Map();
    for (const id of this.folders.keys()) t.set(this.folderPath(id), null);
    for (const id of this.files.keys()) t.set(this.filePath(id), this.files.get(id)!.content);
    return t;
  }

  /** Ids of the folder and every folder below it. */
  subfolders(id: string): string[] {
    const out = [id];
    for (let i = 0; i < out.length; i++)
      for (const [k, v] of this.folders) if (v.parent === out[i]) out.push(k);
    return out;
  }
}

/** Something that can change one side's tree the way a user would: paths relative to the set's root. */
export interface SideOps {
  write(p: string, content: string): Promise<void>;
  mkdir(p: string): Promise<void>;
  rm(p: string): Promise<void>;
  mv(from: string, to: string): Promise<void>;
  /** The set's subtree now (every entry, hidden ones included). */
  tree(): Promise<Tree>;
}

/**
 * The edits of one scenario: each op is applied to the side's own view (to find paths on that side), to the
 * side's disk, and to the expected result, all by identity.
 */
export class Scenario {
  readonly expected = new Model();
  readonly views: Record<'onprem' | 'cloud', Model> = { onprem: new Model(), cloud: new Model() };
  private seq = 0;

  constructor(readonly sides: Record<'onprem' | 'cloud', SideOps>) {}

  private all(): Model[] {
    return [this.expected, this.views.onprem, this.views.cloud];
  }

  /** Seed a folder into the model only (the initial tree is written by `seed`). */
  addFolder(parent: string | null, name: string): string {
    const id = `F${this.seq++}`;
    for (const m of this.all()) m.folders.set(id, { parent, name });
    return id;
  }
  addFile(folder: string | null, name: string, content: string): string {
    const id = `f${this.seq++}`;
    for (const m of this.all()) m.files.set(id, { folder, name, content });
    return id;
  }

  /** Write the model's initial tree to one side. */
  async seed(side: 'onprem' | 'cloud'): Promise<void> {
    const v = this.views[side];
    for (const id of v.folders.keys()) await this.sides[side].mkdir(v.folderPath(id));
    for (const id of v.files.keys()) await this.sides[side].write(v.filePath(id), v.files.get(id)!.content);
  }

  async create(
    side: 'onprem' | 'cloud',
    folder: string | null,
    name: string,
    content: string,
  ): Promise<string> {
    const id = `f${this.seq++}`;
    for (const m of [this.expected, this.views[side]]) m.files.set(id, { folder, name, content });
    await this.sides[side].write(this.views[side].filePath(id), content);
    return id;
  }
  async createFolder(side: 'onprem' | 'cloud', parent: string | null, name: string): Promise<string> {
    const id = `F${this.seq++}`;
    for (const m of [this.expected, this.views[side]]) m.folders.set(id, { parent, name });
    await this.sides[side].mkdir(this.views[side].folderPath(id));
    return id;
  }
  async edit(side: 'onprem' | 'cloud', id: string, content: string): Promise<void> {
    for (const m of [this.expected, this.views[side]]) m.files.get(id)!.content = content;
    await this.sides[side].write(this.views[side].filePath(id), content);
  }
  async moveFile(side: 'onprem' | 'cloud', id: string, folder: string | null, name: string): Promise<void> {
    const from = this.views[side].filePath(id);
    for (const m of [this.expected, this.views[side]]) Object.assign(m.files.get(id)!, { folder, name });
    await this.sides[side].mv(from, this.views[side].filePath(id));
  }
  async moveFolder(side: 'onprem' | 'cloud', id: string, parent: string | null, name: string): Promise<void> {
    const from = this.views[side].folderPath(id);
    for (const m of [this.expected, this.views[side]]) Object.assign(m.folders.get(id)!, { parent, name });
    await this.sides[side].mv(from, this.views[side].folderPath(id));
  }
  async deleteFile(side: 'onprem' | 'cloud', id: string): Promise<void> {
    const p = this.views[side].filePath(id);
    for (const m of [this.expected, this.views[side]]) m.files.delete(id);
    await this.sides[side].rm(p);
  }
  async deleteFolder(side: 'onprem' | 'cloud', id: string): Promise<void> {
    const p = this.views[side].folderPath(id);
    for (const m of [this.expected, this.views[side]]) {
      const gone = new Set(m.subfolders(id));
      for (const [k, v] of m.files) if (v.folder !== null && gone.has(v.folder)) m.files.delete(k);
      for (const k of gone) m.folders.delete(k);
    }
    await this.sides[side].rm(p);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Side drivers.

/** A local folder; `base` is the set's root inside it (e.g. `Projects`, or `Shared/Projects`). */
export class LocalSide implements SideOps {
  constructor(
    readonly root: string,
    readonly base: string,
  ) {}
  abs(p: string): string {
    return path.join(this.root, ...this.base.split('/'), ...p.split('/').filter(Boolean));
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
  async tree(): Promise<Tree> {
    return walkLocal(this.abs(''));
  }
}

/** Every entry below `dir` (hidden files too): files with their utf8 content, folders as null. */
export async function walkLocal(dir: string): Promise<Tree> {
  const out: Tree = new Map();
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const e of await readdir(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.set(r, null);
        await walk(path.join(abs, e.name), r);
      } else if (e.isFile()) out.set(r, await readFile(path.join(abs, e.name), 'utf8'));
      else out.set(r, `<${e.isSymbolicLink() ? 'symlink' : 'special'}>`);
    }
  };
  await walk(dir, '');
  return out;
}

/** A folder of an emulated Alfresco site: `base` is the set's root below the document library. */
export class EmulatorSide implements SideOps {
  constructor(
    readonly emu: Emulator,
    readonly site: string,
    readonly base: string,
  ) {}
  full(p: string): string {
    return [this.base, p].filter(Boolean).join('/');
  }
  node(p: string) {
    const n = this.emu.findByPath(this.site, this.full(p));
    assert.ok(n, `emulator: nothing at ${this.site}/${this.full(p)}`);
    return n;
  }
  async write(p: string, content: string): Promise<void> {
    this.emu.putFile(this.site, this.full(p), content);
  }
  async mkdir(p: string): Promise<void> {
    this.emu.mkdir(this.site, this.full(p));
  }
  async rm(p: string): Promise<void> {
    this.emu.deleteNode(this.node(p).id);
  }
  async mv(from: string, to: string): Promise<void> {
    const n = this.node(from);
    const dir = to.includes('/') ? to.slice(0, to.lastIndexOf('/')) : '';
    const parent = dir || this.base ? this.node(dir) : { id: this.emu.documentLibraryId(this.site) };
    this.emu.moveNode(n.id, parent.id, { name: to.slice(to.lastIndexOf('/') + 1) });
  }
  async tree(): Promise<Tree> {
    return emulatorTree(this.emu, this.site, this.base);
  }
}

/** Every node below `<site>/<base>` in the emulator, straight from its repository (no HTTP, no faults). */
export function emulatorTree(emu: Emulator, site: string, base: string): Tree {
  const out: Tree = new Map();
  const repo = emu.repo();
  const root = base ? emu.findByPath(site, base) : { id: emu.documentLibraryId(site) };
  assert.ok(root, `emulator: no folder ${site}/${base}`);
  const walk = (id: string, rel: string): void => {
    for (const child of repo.childrenOf(repo.require(id))) {
      if (child.name.startsWith('.cloudsync-owner.')) continue; // the set's owner marker, not content
      const r = rel ? `${rel}/${child.name}` : child.name;
      if (child.nodeType.includes('folder')) {
        out.set(r, null);
        walk(child.id, r);
        continue;
      }
      out.set(r, emu.readContent(child.id)?.toString('utf8') ?? '');
    }
  };
  walk(root.id, '');
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Invariants.

/** Names that look like retry twins or conflict copies: `name-1.ext`, `name (1).ext`, `(conflict ...)`. */
export const TWIN_NAME = /(-\d+|\s\(\d+\)|\(conflict[^)]*\))(\.[^./]*)?$/;
/** The local connector's temp files. */
export const TEMP_NAME = /(^|\/)\.cloudsync-\d+-[0-9a-f]+\.tmp$/;

/** Compare a side's tree with the expected one, with a diff a human can read. */
export function assertTreeEqual(actual: Tree, expected: Tree, what: string): void {
  const missing = [...expected.keys()].filter((k) => !actual.has(k)).sort();
  const extra = [...actual.keys()].filter((k) => !expected.has(k)).sort();
  const wrong = [...expected.keys()]
    .filter((k) => actual.has(k) && actual.get(k) !== expected.get(k))
    .sort()
    .map((k) => `${k}: ${JSON.stringify(actual.get(k))} (want ${JSON.stringify(expected.get(k))})`);
  if (missing.length || extra.length || wrong.length) {
    assert.fail(
      `${what}: tree differs from the expected result\n` +
        `missing (${missing.length}): ${missing.slice(0, 20).join(', ')}\n` +
        `extra (${extra.length}): ${extra.slice(0, 20).join(', ')}\n` +
        `wrong content (${wrong.length}): ${wrong.slice(0, 10).join('; ')}`,
    );
  }
}

/** Figures of one checked run: what a user would call lost or duplicated. */
export interface Damage {
  lost: number;
  duplicates: number;
  temps: number;
  wrong: number;
}

/** Count losses/duplicates/temp files of `actual` against `expected` (files only). */
export function damageOf(actual: Tree, expected: Tree): Damage {
  let lost = 0;
  let wrong = 0;
  for (const [k, v] of expected) {
    if (!actual.has(k)) lost++;
    else if (actual.get(k) !== v) wrong++;
  }
  let duplicates = 0;
  let temps = 0;
  for (const k of actual.keys()) {
    if (TEMP_NAME.test(k)) temps++;
    else if (!expected.has(k) && TWIN_NAME.test(k)) duplicates++;
  }
  return { lost, duplicates, temps, wrong };
}

export function addDamage(a: Damage, b: Damage): Damage {
  return {
    lost: a.lost + b.lost,
    duplicates: a.duplicates + b.duplicates,
    temps: a.temps + b.temps,
    wrong: a.wrong + b.wrong,
  };
}

export const NO_DAMAGE: Damage = { lost: 0, duplicates: 0, temps: 0, wrong: 0 };

// ---------------------------------------------------------------------------------------------------------
// CLI.

/** `inspect --json`, the part the harness reads. */
export interface InspectJson {
  members: {
    onpremPath: string | null;
    cloudPath: string | null;
    status: string;
    errorCode?: string | null;
  }[];
  backups?: unknown[];
}

/** `sync --json`, the part the harness reads. */
export interface SyncJson {
  sets: { id: string; failed: number; actions: { type: string; path?: string }[] }[];
  exitCode: number;
}

/** A CLI bound to one --home and environment. */
export class Cli {
  constructor(
    readonly home: string,
    readonly env: Record<string, string | undefined> = {},
  ) {}
  run(args: string[], opts: Omit<RunCliOptions, 'home' | 'env'> = {}): Promise<CliResult> {
    return runCli(args, { home: this.home, env: this.env, timeoutMs: 90_000, ...opts });
  }
  async ok(args: string[], codes: number[] = [0]): Promise<CliResult> {
    const out = await this.run(args);
    assert.ok(codes.includes(out.code ?? -1), explain(`cloudsync ${args.join(' ')}`, out));
    return out;
  }
}

/** A failure message with both streams of a run. */
export function explain(what: string, out: CliResult): string {
  return `${what}: exit ${out.code} ${out.signal ?? ''}\nstdout: ${out.stdout.slice(0, 3000)}\nstderr: ${out.stderr.slice(0, 3000)}`;
}

/**
 * Run `sync --json` until it exits 0, at most `max` times. Returns every result (the last is the 0, or the
 * assertion fails naming each attempt's exit code and stderr).
 */
export async function syncUntilClean(cli: Cli, max = 3, extra: string[] = []): Promise<CliResult[]> {
  const runs: CliResult[] = [];
  for (let i = 0; i < max; i++) {
    const out = await cli.run(['sync', '--json', ...extra]);
    runs.push(out);
    if (out.code === 0) return runs;
  }
  assert.fail(
    `sync did not converge in ${max} runs:\n` +
      runs.map((r, i) => explain(`run ${i + 1}`, r)).join('\n---\n'),
  );
}

/** `inspect <id> --json` exits 0 and every member is SYNCED; returns the parsed view. */
export async function assertAllSynced(cli: Cli, id: string): Promise<InspectJson> {
  const out = await cli.run(['inspect', id, '--json']);
  assert.equal(out.code, 0, explain('inspect', out));
  const view = out.json<InspectJson>();
  const bad = view.members.filter((m) => m.status !== 'SYNCED');
  assert.deepEqual(
    bad.map((m) => `${m.onpremPath ?? m.cloudPath}: ${m.status} ${m.errorCode ?? ''}`),
    [],
    'members not SYNCED after the final pass',
  );
  return view;
}

/** Wait until `pred` holds, polling every `everyMs`, at most `maxMs` (then resolves false). */
export async function waitFor(
  pred: () => boolean | Promise<boolean>,
  maxMs: number,
  everyMs = 5,
): Promise<boolean> {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return pred();
}

/** Count lines of a file (0 when missing). */
export async function lineCount(file: string): Promise<number> {
  try {
    const buf = await readFile(file);
    let n = 0;
    for (const b of buf) if (b === 0x0a) n++;
    return n;
  } catch {
    return 0;
  }
}

/** True when `p` exists (lstat). */
export async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

/** Fresh home + on-prem and cloud folders logged in as local↔local; returns the CLI. */
export async function localPair(): Promise<{ cli: Cli; home: string; onprem: string; cloud: string }> {
  const home = await tempDir('cs-rel-home-');
  const onprem = await tempDir('cs-rel-onprem-');
  const cloud = await tempDir('cs-rel-cloud-');
  const cli = new Cli(home);
  await cli.ok(['login', 'onprem', onprem, '--json']);
  await cli.ok(['login', 'cloud', cloud, '--json']);
  return { cli, home, onprem, cloud };
}

/** Remove temp directories, ignoring errors (a chmod-ed tree, a file still being written). */
export async function cleanup(...dirs: string[]): Promise<void> {
  for (const d of dirs) await rm(d, { recursive: true, force: true }).catch(() => undefined);
}

/** Results other test files append to (written to RESULTS.json by the results hook when RESULTS=1). */
export const results: Record<string, unknown> = {};
