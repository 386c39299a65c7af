// The tools under test (cloudsync, rclone bisync, Unison) and the floors (cp -a, a bare stat walk), each
// driven through its command line exactly as a user would run it, local folder ↔ local folder.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { BENCH_DIST, BIN, type Measured, excerpt, measure, run } from './util.js';

export type Phase = 'initial' | 'nochange' | 'incremental' | 'rename';
export const PHASES: Phase[] = ['initial', 'nochange', 'incremental', 'rename'];
export type ToolName = 'cloudsync' | 'rclone' | 'unison';
export const TOOLS: ToolName[] = ['cloudsync', 'rclone', 'unison'];
export type FloorName = 'cp -a' | 'walk (node readdir+lstat, both sides)' | 'find -printf %s (both sides)';

/** One tool's folders in one run: it syncs aTree ↔ bTree. */
export interface ToolDirs {
  root: string;
  /** cloudsync onprem connection folder; aTree = a/tree. */
  a: string;
  /** cloudsync cloud connection folder; bTree = b/dst/tree (the folder set appears as <target>/<name>). */
  b: string;
  aTree: string;
  bTree: string;
}

export interface PassOutcome {
  m: Measured;
  ok: boolean;
  error?: string;
  /** cloudsync only: action counts by type from `sync --json`. */
  actions?: Record<string, number>;
}

export interface Tool {
  name: ToolName;
  /** Untimed setup: copy the pristine tree to a/tree, empty b side, tool configuration. */
  prepare(root: string, pristineTree: string): Promise<ToolDirs>;
  pass(phase: Phase, dirs: ToolDirs, timeoutMs: number, extraNodeArgs?: string[]): Promise<PassOutcome>;
}

async function copyTree(src: string, dst: string): Promise<void> {
  await fsp.mkdir(path.dirname(dst), { recursive: true });
  await run('cp', ['-a', src, dst], { timeoutMs: 1_800_000 });
}

async function baseDirs(root: string, pristineTree: string, makeBTree: boolean): Promise<ToolDirs> {
  const a = path.join(root, 'a');
  const b = path.join(root, 'b');
  const dirs: ToolDirs = { root, a, b, aTree: path.join(a, 'tree'), bTree: path.join(b, 'dst', 'tree') };
  await copyTree(pristineTree, dirs.aTree);
  await fsp.mkdir(makeBTree ? dirs.bTree : path.join(b, 'dst'), { recursive: true });
  return dirs;
}

/** cloudsync's environment for a home: nothing inherited that changes its behaviour. */
export function cloudsyncEnv(
  home: string,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    CLOUDSYNC_HOME: home,
    CLOUDSYNC_PROFILE: undefined,
    CLOUDSYNC_ONPREM_PASSWORD: undefined,
    CLOUDSYNC_CLOUD_PASSWORD: undefined,
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    CI: '1',
    ...extra,
  };
}

/** Run a cloudsync command untimed; throws (with the full command and output) when it fails. */
export async function cloudsyncCmd(
  home: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 600_000,
): Promise<string> {
  const r = await run(process.execPath, [BIN, ...args], {
    env: cloudsyncEnv(home, env),
    timeoutMs,
    allowFail: true,
  });
  if (r.code !== 0) {
    throw new Error(`cloudsync ${args.join(' ')} failed: ${excerpt(r)}`);
  }
  return r.stdout;
}

/** Action counts by type in a `sync --json` document. */
export function countActions(stdout: string): Record<string, number> | undefined {
  try {
    const doc = JSON.parse(stdout) as { sets?: Array<{ actions?: Array<{ type?: string }> }> };
    const out: Record<string, number> = {};
    for (const s of doc.sets ?? [])
      for (const a of s.actions ?? []) out[a.type ?? '?'] = (out[a.type ?? '?'] ?? 0) + 1;
    return out;
  } catch {
    return undefined;
  }
}

export const cloudsync: Tool = {
  name: 'cloudsync',
  async prepare(root, pristineTree) {
    const dirs = await baseDirs(root, pristineTree, false);
    const home = path.join(root, 'home');
    await cloudsyncCmd(home, ['login', 'onprem', dirs.a]);
    await cloudsyncCmd(home, ['login', 'cloud', dirs.b]);
    // --no-sync: the first pass is timed separately as the initial sync.
    await cloudsyncCmd(home, ['create', 'tree', '--target', 'dst', '--no-sync', '--json']);
    return dirs;
  },
  async pass(_phase, dirs, timeoutMs, extraNodeArgs = []) {
    const m = await measure(process.execPath, [...extraNodeArgs, BIN, 'sync', '--json'], {
      env: cloudsyncEnv(path.join(dirs.root, 'home')),
      timeoutMs,
    });
    const actions = countActions(m.stdout);
    const ok = m.code === 0 && !m.timedOut && actions !== undefined;
    return { m, ok, actions, error: ok ? undefined : `cloudsync sync --json: ${excerpt(m)}` };
  },
};

export const rclone: Tool = {
  name: 'rclone',
  async prepare(root, pristineTree) {
    const dirs = await baseDirs(root, pristineTree, true);
    await fsp.mkdir(path.join(root, 'rclone-work'), { recursive: true });
    await fsp.writeFile(path.join(root, 'rclone.conf'), '');
    return dirs;
  },
  async pass(phase, dirs, timeoutMs) {
    const args = [
      'bisync',
      dirs.aTree,
      dirs.bTree,
      '--workdir',
      path.join(dirs.root, 'rclone-work'),
      '--config',
      path.join(dirs.root, 'rclone.conf'),
    ];
    if (phase === 'initial') args.push('--resync');
    const m = await measure('rclone', args, { timeoutMs });
    const ok = m.code === 0 && !m.timedOut;
    return { m, ok, error: ok ? undefined : `rclone ${args.join(' ')}: ${excerpt(m)}` };
  },
};

export const unison: Tool = {
  name: 'unison',
  async prepare(root, pristineTree) {
    const dirs = await baseDirs(root, pristineTree, true);
    await fsp.mkdir(path.join(root, 'unison-home'), { recursive: true });
    return dirs;
  },
  async pass(_phase, dirs, timeoutMs) {
    const args = [dirs.aTree, dirs.bTree, '-batch', '-auto'];
    const m = await measure('unison', args, {
      timeoutMs,
      env: { UNISON: path.join(dirs.root, 'unison-home') },
    });
    const ok = m.code === 0 && !m.timedOut;
    return { m, ok, error: ok ? undefined : `UNISON=... unison ${args.join(' ')}: ${excerpt(m)}` };
  },
};

export const TOOL_IMPL: Record<ToolName, Tool> = { cloudsync, rclone, unison };

/** Floor for the initial sync: `cp -a` of the tree into an empty folder. */
export async function floorCp(pristineTree: string, dest: string, timeoutMs: number): Promise<PassOutcome> {
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  const m = await measure('cp', ['-a', pristineTree, dest], { timeoutMs });
  await fsp.rm(dest, { recursive: true, force: true });
  return { m, ok: m.code === 0, error: m.code === 0 ? undefined : excerpt(m) };
}

/** Floor for the no-change pass: walk and lstat both sides (node, so node's ~40 ms start-up is included like cloudsync's). */
export async function floorWalk(roots: string[], timeoutMs: number): Promise<PassOutcome> {
  const m = await measure(process.execPath, [path.join(BENCH_DIST, 'walk.js'), ...roots], { timeoutMs });
  return { m, ok: m.code === 0, error: m.code === 0 ? undefined : excerpt(m) };
}

/** Floor for the no-change pass without node start-up: find stats every entry of both sides. */
export async function floorFind(roots: string[], timeoutMs: number): Promise<PassOutcome> {
  const m = await measure('find', [...roots, '-printf', '%s\\n'], { timeoutMs, maxStdout: 1024 });
  return { m, ok: m.code === 0, error: m.code === 0 ? undefined : excerpt(m) };
}

/** Reference for the fixed cost of every cloudsync pass: start-up and module loading only. */
export async function floorStartup(timeoutMs: number): Promise<PassOutcome> {
  const m = await measure(process.execPath, [BIN, '--version'], { timeoutMs });
  return { m, ok: m.code === 0, error: m.code === 0 ? undefined : excerpt(m) };
}

/** Node's own start-up (`node -e 0`): the floor `cloudsync --version` is judged against. */
export async function floorNode(timeoutMs: number): Promise<PassOutcome> {
  const m = await measure(process.execPath, ['-e', '0'], { timeoutMs });
  return { m, ok: m.code === 0, error: m.code === 0 ? undefined : excerpt(m) };
}
