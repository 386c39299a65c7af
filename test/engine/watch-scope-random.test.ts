import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../../src/connectors/local/index.js';
import type { Side } from '../../src/connectors/types.js';
import { createSyncSet, runPass } from '../../src/engine/index.js';
import type { EngineContext, EventScope } from '../../src/engine/types.js';
import { ResidentStateStore } from '../../src/store/resident-store.js';
import { StateStore } from '../../src/store/state-store.js';
import { prng } from '../support/prng.js';

/** Every file and folder below `top` with its bytes (folders: null), by relative path. */
function snapshot(top: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(top, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.set(r, null);
        walk(r);
      } else out.set(r, fs.readFileSync(path.join(top, r), 'utf8'));
    }
  };
  walk('');
  return out;
}

// Random edits on either side, each followed by an event-scoped pass that names what a watcher names (the
// folders whose entries changed, and a folder moved in with its subtree): both sides end up equal, the
// state held in memory equals the files, and a full pass afterwards finds nothing the scoped ones missed.
describe('engine: event-scoped passes after random edits (watch)', function () {
  this.timeout(120_000);
  let dir: string;
  let ctx: EngineContext;
  let store: ResidentStateStore;
  let setId: string;
  const roots: Record<Side, string> = { onprem: '', cloud: '' };
  const prefix: Record<Side, string> = { onprem: 'Projects', cloud: 'Shared/Projects' };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cloudsync-scope-random-'));
    roots.onprem = path.join(dir, 'on', 'Projects');
    roots.cloud = path.join(dir, 'cl', 'Shared', 'Projects');
    for (let f = 0; f < 6; f++) {
      fs.mkdirSync(path.join(roots.onprem, `f${f}`, 'sub'), { recursive: true });
      for (let i = 0; i < 4; i++)
        fs.writeFileSync(path.join(roots.onprem, `f${f}`, `d${i}.txt`), `${f}.${i}`);
      fs.writeFileSync(path.join(roots.onprem, `f${f}`, 'sub', 's.txt'), `s${f}`);
    }
    fs.mkdirSync(path.join(dir, 'cl', 'Shared'), { recursive: true });
    store = new ResidentStateStore(path.join(dir, 'home'), 'default');
    ctx = {
      connectors: {
        onprem: new LocalConnector(path.join(dir, 'on')),
        cloud: new LocalConnector(path.join(dir, 'cl')),
      },
      store,
      home: path.join(dir, 'home'),
    };
    const state = await createSyncSet(ctx, {
      paths: ['Projects'],
      target: 'Shared',
      mkdir: false,
      options: { deleteOnPrem: true },
      excludes: [],
    });
    setId = state.set.id;
    assert.equal((await runPass(ctx, {})).exitCode, 0);
    await store.settle();
  });
  afterEach(async () => {
    await ctx.connectors.onprem.close();
    await ctx.connectors.cloud.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 30 random edits, each synced by a scoped pass`, async () => {
      const rand = prng(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
      const idOf = async (side: Side, rel: string) =>
        (await ctx.connectors[side].resolvePath(rel ? `${prefix[side]}/${rel}` : prefix[side]))!.id;
      for (let round = 0; round < 30; round++) {
        const side: Side = rand() < 0.7 ? 'onprem' : 'cloud';
        const top = roots[side];
        const all = [...snapshot(top)];
        const files = all.filter(([, v]) => v !== null).map(([k]) => k);
        const folders = ['', ...all.filter(([, v]) => v === null).map(([k]) => k)];
        const parentOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
        const named: string[] = [];
        const trees: string[] = [];
        const op = Math.floor(rand() * 7);
        const abs = (rel: string) => path.join(top, rel);
        const join = (p: string, n: string) => (p ? `${p}/${n}` : n);
        let what: string;
        if (op === 0 && files.length > 0) {
          const f = pick(files);
          fs.writeFileSync(abs(f), `edit ${round}`);
          named.push(parentOf(f));
          what = `edit ${f}`;
        } else if (op === 1 || (op === 0 && files.length === 0)) {
          const p = pick(folders);
          const f = join(p, `n${round}.txt`);
          fs.writeFileSync(abs(f), `new ${round}`);
          named.push(p);
          what = `create ${f}`;
        } else if (op === 2 && files.length > 0) {
          const f = pick(files);
          fs.rmSync(abs(f));
          named.push(parentOf(f));
          what = `delete ${f}`;
        } else if (op === 3 && files.length > 0) {
          const f = pick(files);
          const to = join(pick(folders), `m${round}.txt`);
          fs.renameSync(abs(f), abs(to));
          named.push(parentOf(f), parentOf(to));
          what = `move ${f} -> ${to}`;
        } else if (op === 4) {
          const p = pick(folders);
          const d = join(p, `dir${round}`);
          fs.mkdirSync(abs(join(d, 'in')), { recursive: true });
          fs.writeFileSync(abs(join(join(d, 'in'), 'x.txt')), `x${round}`);
          named.push(p);
          trees.push(d);
          what = `mkdir ${d}`;
        } else if (op === 5 && folders.length > 1) {
          const d = pick(folders.slice(1));
          const targets = folders.filter((t) => t !== d && !t.startsWith(`${d}/`) && t !== parentOf(d));
          if (targets.length === 0) continue;
          const to = join(pick(targets), `moved${round}`);
          fs.renameSync(abs(d), abs(to));
          named.push(parentOf(d), parentOf(to));
          trees.push(to);
          what = `move folder ${d} -> ${to}`;
        } else if (op === 6 && folders.length > 1) {
          const d = pick(folders.slice(1));
          fs.rmSync(abs(d), { recursive: true });
          named.push(parentOf(d));
          what = `delete folder ${d}`;
        } else continue;
        const scope: EventScope = {
          folders: new Set(await Promise.all(named.map((r) => idOf(side, r)))),
          trees: new Set(await Promise.all(trees.map((r) => idOf(side, r)))),
        };
        const empty: EventScope = { folders: new Set(), trees: new Set() };
        const r = await runPass(ctx, {
          eventScopes: side === 'onprem' ? { onprem: scope, cloud: empty } : { onprem: empty, cloud: scope },
        });
        await store.settle();
        const at = `round ${round} (${side}: ${what})`;
        assert.equal(r.exitCode, 0, `${at}: ${JSON.stringify(r.sets[0])}`);
        assert.ok(r.scoped, `${at}: scoped`);
        assert.deepEqual(snapshot(roots.cloud), snapshot(roots.onprem), `${at}: both sides equal`);
        const fresh = new StateStore(store.home, store.profile);
        const sorted = (st: Awaited<ReturnType<StateStore['load']>>) => ({
          ...st,
          members: [...st.members].sort((a, b) => a.key.localeCompare(b.key)),
        });
        assert.deepEqual(
          sorted(await store.load(setId)),
          sorted(await fresh.load(setId)),
          `${at}: memory = disk`,
        );
      }
      const full = await runPass(ctx, {});
      assert.deepEqual(full.sets[0]!.actions, [], 'a full pass finds nothing the scoped passes missed');
    });
  }
});
