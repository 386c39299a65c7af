// State store at scale, without syncing anything: a synthetic set of N members shaped like a synced local
// pair (the bench tree's folders and names, local ids and tokens on both sides), saved through the store,
// then loaded in a fresh process. Reports bytes on disk, load CPU time and memory held.
//
//   node dist/test/bench/state.js --members 100000 [--keep]
//   node dist/test/bench/state.js --load <home>          (one load, prints JSON; used by the above)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_OPTIONS, STATE_SCHEMA, type MemberState, type SetState } from '../../src/store/schema.js';
import { StateStore } from '../../src/store/state-store.js';
import { planTree } from './tree.js';

const SET_ID = 'bench001';

/** A state that looks like one written after a first sync of the bench tree between two local folders. */
function syntheticState(count: number): SetState {
  const tree = planTree(count, 42);
  const members: MemberState[] = [];
  const byPath = new Map<string, MemberState>();
  let ino = 1_000_000;
  const synced = '2026-11-22T02:57:00.000Z';
  const side = (
    dev: number,
    parent: MemberState | undefined,
    name: string,
    rel: string,
    size: number,
    mtimeMs: number,
    dir: boolean,
    s: 'onprem' | 'cloud',
  ) => {
    const ns = `${mtimeMs}${String(ino % 1_000_000).padStart(6, '0')}`;
    return {
      id: `${dev}:${ino++}:1795990382507467754`,
      parentId: parent ? parent[s]!.id : `${dev}:42:1795990382507467754`,
      name,
      token: dir ? `dir:${ns}` : `${size}:${ns}`,
      size: dir ? 0 : size,
      mtimeMs: Math.round(Number(ns) / 1e6),
      path: s === 'onprem' ? rel : `dst/${rel}`,
    };
  };
  const add = (rel: string, dir: boolean, size: number, mtimeMs: number): void => {
    const slash = rel.lastIndexOf('/');
    const parent = slash < 0 ? undefined : byPath.get(rel.slice(0, slash));
    const name = rel.slice(slash + 1);
    const m: MemberState = {
      key: `m${members.length + 1}`,
      kind: dir ? 'folder' : 'file',
      direct: parent === undefined,
      parentKey: parent ? parent.key : null,
      onprem: null,
      cloud: null,
      status: 'SYNCED',
      lastSyncAt: synced,
    };
    m.onprem = side(65024, parent, name, rel, size, mtimeMs, dir, 'onprem');
    m.cloud = side(65025, parent, name, rel, size, mtimeMs, dir, 'cloud');
    if (!dir) m.hash = `sha256:${(ino * 2654435761).toString(16).padStart(64, '0').slice(0, 64)}`;
    members.push(m);
    byPath.set(rel, m);
  };
  for (const d of tree.dirs) add(d, true, 0, Date.UTC(2024, 0, 1));
  for (const f of tree.files) add(f.rel, false, f.size, f.mtime * 1000 + 123);
  return {
    schema: STATE_SCHEMA,
    set: {
      id: SET_ID,
      name: 'tree',
      kind: 'folder',
      createdAt: synced,
      options: { ...DEFAULT_OPTIONS },
      target: { id: '65025:42:1795990382507467754', path: 'dst' },
      excludes: [],
    },
    members,
    backups: [],
    lastSyncAt: synced,
    nextKey: members.length + 1,
  };
}

async function loadOnce(home: string): Promise<void> {
  const store = new StateStore(home, 'default');
  const cpu0 = process.cpuUsage();
  const state = await store.load(SET_ID);
  const cpu = process.cpuUsage(cpu0);
  (globalThis as { gc?: () => void }).gc?.();
  const mem = process.memoryUsage();
  const out = {
    members: state.members.length,
    loadCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    heapUsedMiB: +(mem.heapUsed / 2 ** 20).toFixed(1),
    rssMiB: +(mem.rss / 2 ** 20).toFixed(1),
    peakRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  };
  await store.close();
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args[i + 1];
  };
  const loadHome = opt('--load');
  if (loadHome) return loadOnce(loadHome);
  const count = Number(opt('--members') ?? 100_000);
  if (!Number.isInteger(count) || count < 100 || count > 2_000_000)
    throw new Error('--members: 100..2000000');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-state-bench-'));
  try {
    const state = syntheticState(count);
    const store = new StateStore(home, 'default');
    await store.save(state);
    await store.close();
    const bytes = fs.statSync(path.join(home, 'state', 'default', `${SET_ID}.json`)).size;
    const runs: string[] = [];
    for (let i = 0; i < 3; i++) {
      runs.push(
        execFileSync(process.execPath, ['--expose-gc', process.argv[1]!, '--load', home], {
          encoding: 'utf8',
        }).trim(),
      );
    }
    const parsed = runs.map((r) => JSON.parse(r) as Record<string, number>);
    const median = (k: string) => parsed.map((p) => p[k]!).sort((a, b) => a - b)[1];
    console.log(
      JSON.stringify({
        members: count,
        schema: STATE_SCHEMA,
        stateBytes: bytes,
        bytesPerMember: Math.round(bytes / count),
        loadCpuMs: median('loadCpuMs'),
        heapUsedMiB: median('heapUsedMiB'),
        peakRssMiB: median('peakRssMiB'),
      }),
    );
  } finally {
    if (!args.includes('--keep')) fs.rmSync(home, { recursive: true, force: true });
    else console.error(`kept ${home}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
