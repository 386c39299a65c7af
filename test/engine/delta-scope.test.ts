import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../../src/connectors/local/index.js';
import { createSyncSet, runPass } from '../../src/engine/index.js';
import { decodedRows } from '../../src/engine/member-overlay.js';
import type { EngineContext, PassResult } from '../../src/engine/types.js';
import { ResidentStateStore } from '../../src/store/resident-store.js';
import type { SetOptions } from '../../src/store/schema.js';
import { StateStore } from '../../src/store/state-store.js';

/** A synced local ↔ local pair whose state was saved as rows (the way a large set's state is loaded). */
interface Pair {
  dir: string;
  ctx: EngineContext;
  store: ResidentStateStore;
  setId: string;
  on: (...p: string[]) => string;
  cl: (...p: string[]) => string;
}

/** `folders` folders (two of them nested) of `files` files each, synced, the journal folded into the snapshot. */
async function syncedPair(folders: number, files: number, options: Partial<SetOptions> = {}): Promise<Pair> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cloudsync-delta-'));
  const on = (...p: string[]) => path.join(dir, 'on', 'Projects', ...p);
  const cl = (...p: string[]) => path.join(dir, 'cl', 'Shared', 'Projects', ...p);
  for (let f = 0; f < folders; f++) {
    const folder = f < 2 ? on(`f${f}`, 'inner') : on(`f${f}`);
    fs.mkdirSync(folder, { recursive: true });
    for (let i = 0; i < files; i++) fs.writeFileSync(path.join(folder, `n${i}.txt`), `f${f} n${i}`);
  }
  fs.mkdirSync(path.join(dir, 'cl', 'Shared'), { recursive: true });
  const home = path.join(dir, 'home');
  const make = (store: StateStore): EngineContext => ({
    connectors: {
      onprem: new LocalConnector(path.join(dir, 'on')),
      cloud: new LocalConnector(path.join(dir, 'cl')),
    },
    store,
    home,
  });
  const first = make(new StateStore(home, 'default'));
  const state = await createSyncSet(first, {
    paths: ['Projects'],
    target: 'Shared',
    mkdir: false,
    options,
    excludes: [],
  });
  assert.equal((await runPass(first, {})).exitCode, 0);
  await first.store.save(await first.store.load(state.set.id));
  await first.connectors.onprem.close();
  await first.connectors.cloud.close();
  await first.store.close();
  const store = new ResidentStateStore(home, 'default');
  return { dir, ctx: make(store), store, setId: state.set.id, on, cl };
}

async function closePair(p: Pair): Promise<void> {
  await p.ctx.connectors.onprem.close();
  await p.ctx.connectors.cloud.close();
  await p.store.close();
  await rm(p.dir, { recursive: true, force: true });
}

/** Every file and folder below `root` with its bytes (folders as '/'). */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out[r] = '/';
        walk(r);
      } else out[r] = fs.readFileSync(path.join(root, r), 'utf8');
    }
  };
  walk('');
  return out;
}

/** What a user sees of a pass: both trees, the exit code, the counts, the kinds of actions, every member. */
async function outcome(p: Pair, r: PassResult) {
  const fresh = new StateStore(p.store.home, p.store.profile);
  const state = await fresh.load(p.setId);
  const members = state.members
    .map((m) => `${m.onprem?.path ?? '-'} | ${m.cloud?.path ?? '-'} | ${m.status} ${m.errorCode ?? ''}`)
    .sort();
  const set = r.sets[0]!;
  return {
    onprem: tree(p.on('..')),
    cloud: tree(p.cl('..')),
    exitCode: r.exitCode,
    counts: [set.pushed, set.pulled, set.deleted, set.moved, set.conflicts, set.failed],
    actions: set.actions.map((a) => a.type).sort(),
    aborted: set.aborted?.code,
    members,
  };
}

type Change = (p: Pair) => void;

const changes: Record<string, Change> = {
  'a file edited on each side': (p) => {
    fs.writeFileSync(p.on('f3', 'n1.txt'), 'edited on-prem');
    fs.writeFileSync(p.cl('f4', 'n2.txt'), 'edited in the cloud');
  },
  'a folder renamed (one move)': (p) => fs.renameSync(p.on('f3'), p.on('renamed')),
  'a nested folder moved into another folder': (p) => fs.renameSync(p.on('f0', 'inner'), p.on('f5', 'inner')),
  'files moved and renamed across folders, one onto a name taken on the other side': (p) => {
    fs.renameSync(p.on('f3', 'n1.txt'), p.on('f4', 'moved.txt'));
    fs.renameSync(p.on('f3', 'n2.txt'), p.on('f4', 'clash.txt'));
    fs.writeFileSync(p.cl('f4', 'clash.txt'), 'made in the cloud');
  },
  'a new folder with files, and new files in an old folder': (p) => {
    fs.mkdirSync(p.on('new', 'deeper'), { recursive: true });
    fs.writeFileSync(p.on('new', 'deeper', 'a.txt'), 'a');
    fs.writeFileSync(p.on('f2', 'added.txt'), 'added');
    fs.writeFileSync(p.cl('f2', 'added.txt'), 'added too, other bytes');
  },
  'a folder deleted on one side while a file in it changed on the other (change beats delete)': (p) => {
    fs.rmSync(p.on('f3'), { recursive: true });
    fs.writeFileSync(p.cl('f3', 'n0.txt'), 'kept: changed in the cloud');
  },
  'the same file edited on both sides (a conflict)': (p) => {
    fs.writeFileSync(p.on('f2', 'n0.txt'), 'on-prem bytes');
    fs.writeFileSync(p.cl('f2', 'n0.txt'), 'cloud bytes!');
  },
  'most files deleted (the delete guard counts the whole set)': (p) => {
    for (let f = 2; f < 8; f++) fs.rmSync(p.on(`f${f}`), { recursive: true });
  },
  'the set’s folder renamed, and a file in it edited (read whole: every path below it changes)': (p) => {
    fs.writeFileSync(p.on('f2', 'n0.txt'), 'edited before the rename');
    fs.renameSync(p.on(), p.on('..', 'Renamed'));
  },
  'a file deleted and a folder emptied on the cloud side': (p) => {
    fs.rmSync(p.cl('f5', 'n0.txt'));
    for (const n of fs.readdirSync(p.cl('f6'))) fs.rmSync(p.cl('f6', n));
  },
};

describe('engine: a pass scoped to its walks’ delta gives what the whole pass gives (issue 11)', function () {
  this.timeout(60_000);

  for (const [name, change] of Object.entries(changes)) {
    it(name, async () => {
      const results = [];
      for (const scopeToDelta of [false, true]) {
        const p = await syncedPair(8, 6);
        try {
          change(p);
          const r = await runPass(p.ctx, { scopeToDelta });
          // Scoped or not as asked (a pass the delta cannot scope reads the set whole and says nothing).
          if (!scopeToDelta) assert.equal(r.scoped, undefined);
          results.push({ scoped: r.scoped !== undefined, ...(await outcome(p, r)) });
          // Converged: a second pass has nothing to do, and gives what a whole pass gives.
          const again = await runPass(p.ctx, { scopeToDelta });
          results.push({ scoped: false, ...(await outcome(p, again)) });
        } finally {
          await closePair(p);
        }
      }
      const [full, fullAgain, scoped, scopedAgain] = results;
      assert.equal(scoped!.scoped, !name.includes('read whole'), 'the delta pass was scoped');
      assert.deepEqual({ ...scoped, scoped: false }, { ...full, scoped: false });
      assert.deepEqual(scopedAgain, fullAgain);
    });
  }

  it('locks put back on files whose lock was taken off by hand (lock-onprem), as a whole pass does', async () => {
    const counts = [];
    for (const scopeToDelta of [false, true]) {
      const p = await syncedPair(3, 3, { lockOnPrem: true });
      try {
        fs.chmodSync(p.on('f2', 'n1.txt'), 0o644);
        const r = await runPass(p.ctx, { scopeToDelta });
        assert.equal(fs.statSync(p.on('f2', 'n1.txt')).mode & 0o200, 0, 'locked again');
        counts.push(r.sets[0]!.actions.map((a) => a.type));
      } finally {
        await closePair(p);
      }
    }
    assert.deepEqual(counts[1], counts[0]);
  });
});

describe('engine: a small change does not decode every member (issue 11)', function () {
  this.timeout(60_000);
  let p: Pair;
  beforeEach(async () => {
    p = await syncedPair(40, 30);
  });
  afterEach(() => closePair(p));

  it('sync after two edits decodes the members they concern, and watch’s next event pass none more', async () => {
    fs.writeFileSync(p.on('f10', 'n3.txt'), 'new bytes');
    fs.writeFileSync(p.cl('f20', 'n4.txt'), 'new cloud bytes');
    const r = await runPass(p.ctx, {});
    assert.equal(r.exitCode, 0);
    assert.equal(r.sets[0]!.pushed + r.sets[0]!.pulled, 2);
    await p.store.settle();
    const state = await p.store.load(p.setId); // held in memory, as `watch` holds it
    const total = 40 + 2 + 40 * 30 + 1;
    const decoded = decodedRows(state);
    assert.ok(decoded !== undefined && decoded < 100, `${decoded} of ${total} members decoded`);
    assert.equal(fs.readFileSync(p.cl('f10', 'n3.txt'), 'utf8'), 'new bytes');
    assert.equal(fs.readFileSync(p.on('f20', 'n4.txt'), 'utf8'), 'new cloud bytes');
    // An event-scoped pass (watch) over the same state: indexed from the rows, nothing more decoded.
    fs.renameSync(p.on('f30', 'n5.txt'), p.on('f30', 'renamed.txt'));
    const folder = (await p.ctx.connectors.onprem.resolvePath('Projects/f30'))!.id;
    const next = await runPass(p.ctx, {
      eventScopes: {
        onprem: { folders: new Set([folder]), trees: new Set() },
        cloud: { folders: new Set(), trees: new Set() },
      },
    });
    await p.store.settle();
    assert.equal(next.sets[0]!.moved, 1);
    assert.ok(next.scoped, 'an event-scoped pass');
    assert.ok(decodedRows(state)! < 150, `${decodedRows(state)} of ${total} members decoded`);
    assert.equal(fs.readFileSync(p.cl('f30', 'renamed.txt'), 'utf8'), 'f30 n5');
    // What memory holds is what the files hold (the rows, with what the passes changed folded in).
    const fresh = await new StateStore(p.store.home, p.store.profile).load(p.setId);
    const sorted = (ms: typeof fresh.members) => [...ms].sort((a, b) => a.key.localeCompare(b.key));
    assert.deepEqual(sorted(state.members), sorted(fresh.members));
  });
});
