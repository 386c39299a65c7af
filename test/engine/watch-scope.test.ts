import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../../src/connectors/local/index.js';
import type { ChangeHint } from '../../src/connectors/types.js';
import { createSyncSet, runPass } from '../../src/engine/index.js';
import type { EngineContext, EventScope } from '../../src/engine/types.js';
import { ScopeCollector } from '../../src/engine/watch-scope.js';
import { ResidentStateStore } from '../../src/store/resident-store.js';
import { StateStore } from '../../src/store/state-store.js';

const settle = () => new Promise((r) => setTimeout(r, 200));

describe('engine: passes scoped by local change events (watch)', function () {
  this.timeout(20_000);
  let dir: string;
  let ctx: EngineContext;
  let store: ResidentStateStore;
  let setId: string;
  const on = (...p: string[]) => path.join(dir, 'on', ...p);
  const cl = (...p: string[]) => path.join(dir, 'cl', 'Shared', ...p);
  const idOf = async (rel: string) => (await ctx.connectors.onprem.resolvePath(rel))!.id;
  const scope = (folders: string[], trees: string[] = []): EventScope => ({
    folders: new Set(folders),
    trees: new Set(trees),
  });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cloudsync-scope-'));
    fs.mkdirSync(on('Projects', 'a', 'deep'), { recursive: true });
    fs.mkdirSync(on('Projects', 'b'), { recursive: true });
    fs.mkdirSync(cl(), { recursive: true });
    fs.writeFileSync(on('Projects', 'a', 'x.txt'), 'x1');
    fs.writeFileSync(on('Projects', 'a', 'deep', 'z.txt'), 'z1');
    fs.writeFileSync(on('Projects', 'b', 'y.txt'), 'y1');
    store = new ResidentStateStore(path.join(dir, 'home'), 'default');
    ctx = {
      connectors: { onprem: new LocalConnector(on()), cloud: new LocalConnector(path.join(dir, 'cl')) },
      store,
      home: path.join(dir, 'home'),
    };
    const state = await createSyncSet(ctx, {
      paths: ['Projects'],
      target: 'Shared',
      mkdir: false,
      options: {},
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

  /** The state held in memory is exactly what a fresh process would read from disk. */
  async function assertMemoryMatchesDisk(): Promise<void> {
    const fresh = new StateStore(store.home, store.profile);
    // The same members, in any order (the file keeps parents before children; memory, creation order).
    const byKey = (st: Awaited<ReturnType<StateStore['load']>>) => ({
      ...st,
      members: [...st.members].sort((a, b) => a.key.localeCompare(b.key)),
    });
    assert.deepEqual(byKey(await store.load(setId)), byKey(await fresh.load(setId)));
  }

  it('reads only the folders events name, and a full pass (the rescan) catches what no event named', async () => {
    fs.writeFileSync(on('Projects', 'a', 'x.txt'), 'x2');
    fs.writeFileSync(on('Projects', 'b', 'y.txt'), 'y2'); // its event is "lost"
    const scoped = await runPass(ctx, {
      eventScopes: { onprem: scope([await idOf('Projects/a')]), cloud: scope([]) },
    });
    await store.settle();
    assert.equal(scoped.sets[0]!.pushed, 1);
    assert.equal(fs.readFileSync(cl('Projects', 'a', 'x.txt'), 'utf8'), 'x2');
    assert.equal(fs.readFileSync(cl('Projects', 'b', 'y.txt'), 'utf8'), 'y1', 'b was not read');
    await assertMemoryMatchesDisk();
    const rescan = await runPass(ctx, {});
    await store.settle();
    assert.equal(rescan.sets[0]!.pushed, 1);
    assert.equal(fs.readFileSync(cl('Projects', 'b', 'y.txt'), 'utf8'), 'y2');
    await assertMemoryMatchesDisk();
  });

  it('a folder named with its subtree reads every folder below it', async () => {
    fs.writeFileSync(on('Projects', 'a', 'deep', 'z.txt'), 'z2');
    const onlyA = await runPass(ctx, {
      eventScopes: { onprem: scope([await idOf('Projects/a')]), cloud: scope([]) },
    });
    assert.equal(onlyA.sets[0]!.pushed, 0, 'a change one level down is not in a folder-only scope');
    const tree = await runPass(ctx, {
      eventScopes: { onprem: scope([await idOf('Projects')], [await idOf('Projects/a')]), cloud: scope([]) },
    });
    await store.settle();
    assert.equal(tree.sets[0]!.pushed, 1);
    assert.equal(fs.readFileSync(cl('Projects', 'a', 'deep', 'z.txt'), 'utf8'), 'z2');
    await assertMemoryMatchesDisk();
  });

  it('a folder moved in is read whole, a delete and a move are synced, memory stays equal to disk', async () => {
    fs.mkdirSync(path.join(dir, 'on', 'Outside', 'in', 'two'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'on', 'Outside', 'in', 'two', 'w.txt'), 'w');
    fs.renameSync(path.join(dir, 'on', 'Outside', 'in'), on('Projects', 'b', 'in'));
    fs.rmSync(on('Projects', 'a', 'x.txt'));
    fs.renameSync(on('Projects', 'a', 'deep'), on('Projects', 'b', 'deep'));
    const r = await runPass(ctx, {
      eventScopes: { onprem: scope([await idOf('Projects/a'), await idOf('Projects/b')]), cloud: scope([]) },
    });
    await store.settle();
    assert.equal(r.exitCode, 0);
    assert.equal(fs.readFileSync(cl('Projects', 'b', 'in', 'two', 'w.txt'), 'utf8'), 'w');
    assert.equal(fs.existsSync(cl('Projects', 'a', 'x.txt')), false);
    assert.equal(fs.readFileSync(cl('Projects', 'b', 'deep', 'z.txt'), 'utf8'), 'z1');
    assert.equal(r.sets[0]!.moved, 1);
    assert.ok(r.scoped, 'scoped: only what the events concern took part');
    await assertMemoryMatchesDisk();
    // Nothing left to do for a full pass either: the scoped pass saw everything that changed.
    const full = await runPass(ctx, {});
    assert.equal(full.sets[0]!.actions.length, 0);
  });

  /** Twenty more folders of ten files each, synced by a full pass: 228 members in all. */
  async function widen(): Promise<number> {
    for (let f = 0; f < 20; f++) {
      fs.mkdirSync(on('Projects', 'many', `f${f}`), { recursive: true });
      for (let i = 0; i < 10; i++)
        fs.writeFileSync(on('Projects', 'many', `f${f}`, `d${i}.txt`), `${f}/${i}`);
    }
    assert.equal((await runPass(ctx, {})).exitCode, 0);
    await store.settle();
    return (await store.load(setId)).members.length;
  }

  it('an event-scoped pass takes part only the members its events concern, whatever the size of the set', async () => {
    const total = await widen();
    assert.equal(total, 228, `${total} members`);
    fs.writeFileSync(on('Projects', 'many', 'f7', 'd3.txt'), 'edited');
    const r = await runPass(ctx, {
      eventScopes: { onprem: scope([await idOf('Projects/many/f7')]), cloud: scope([]) },
    });
    await store.settle();
    assert.equal(r.exitCode, 0);
    assert.equal(r.sets[0]!.pushed, 1);
    assert.equal(fs.readFileSync(cl('Projects', 'many', 'f7', 'd3.txt'), 'utf8'), 'edited');
    // The folder's ten files, the folder, its two ancestors: not the 228 of the set.
    assert.equal(r.scoped?.members, 13);
    await assertMemoryMatchesDisk();
    // A later scoped pass goes on from what this one left (the index follows the members it touched).
    fs.writeFileSync(on('Projects', 'many', 'f7', 'new.txt'), 'new');
    fs.rmSync(on('Projects', 'many', 'f7', 'd4.txt'));
    const r2 = await runPass(ctx, {
      eventScopes: { onprem: scope([await idOf('Projects/many/f7')]), cloud: scope([]) },
    });
    await store.settle();
    assert.equal(r2.sets[0]!.pushed + r2.sets[0]!.deleted, 2);
    assert.equal(r2.scoped?.members, 13);
    assert.equal(fs.readFileSync(cl('Projects', 'many', 'f7', 'new.txt'), 'utf8'), 'new');
    assert.equal(fs.existsSync(cl('Projects', 'many', 'f7', 'd4.txt')), false);
    await assertMemoryMatchesDisk();
    const full = await runPass(ctx, {});
    assert.equal(full.scoped, undefined, 'a full pass reports no scope');
    assert.equal(full.sets[0]!.actions.length, 0, 'nothing the scoped passes missed');
  });

  it('a folder deleted under a named folder takes its whole subtree along, on both sides and in the state', async () => {
    await widen();
    fs.mkdirSync(on('Projects', 'many', 'f3', 'inner'));
    fs.writeFileSync(on('Projects', 'many', 'f3', 'inner', 'i.txt'), 'i');
    await runPass(ctx, {});
    await store.settle();
    fs.rmSync(on('Projects', 'many', 'f3'), { recursive: true });
    const r = await runPass(ctx, {
      eventScopes: { onprem: scope([await idOf('Projects/many')]), cloud: scope([]) },
    });
    await store.settle();
    assert.equal(r.exitCode, 0);
    assert.equal(fs.existsSync(cl('Projects', 'many', 'f3')), false);
    assert.ok(fs.existsSync(cl('Projects', 'many', 'f4', 'd0.txt')));
    await assertMemoryMatchesDisk();
    const held = await store.load(setId);
    assert.equal(
      held.members.filter((m) => m.onprem?.path.includes('many/f3')).length,
      0,
      'no member of the deleted folder is left',
    );
    assert.equal((await runPass(ctx, {})).sets[0]!.actions.length, 0);
  });

  it('the delete guard of a scoped pass counts the whole set, not the part it looked at', async () => {
    await widen();
    for (const i of [0, 1, 2, 3, 4, 5, 6]) fs.rmSync(on('Projects', 'many', 'f9', `d${i}.txt`));
    const r = await runPass(ctx, {
      eventScopes: { onprem: scope([await idOf('Projects/many/f9')]), cloud: scope([]) },
    });
    await store.settle();
    // 7 of the set's 203 documents (not 7 of the folder's 10): under the 50% guard.
    assert.equal(r.exitCode, 0, JSON.stringify(r.sets[0]!.aborted));
    assert.equal(r.sets[0]!.deleted, 7);
    assert.equal(fs.existsSync(cl('Projects', 'many', 'f9', 'd0.txt')), false);
    await assertMemoryMatchesDisk();
  });

  it('the state held is read again when another process changed the files', async () => {
    const held = await store.load(setId);
    const other = new StateStore(store.home, store.profile);
    const copy = await other.load(setId);
    copy.set.name = 'Renamed elsewhere';
    await other.save(copy);
    await other.close();
    const now = await store.load(setId);
    assert.notEqual(now, held);
    assert.equal(now.set.name, 'Renamed elsewhere');
    assert.equal(await store.load(setId), now, 'and held again after that');
  });

  it("the connector's watcher names folders by identity and stays quiet about cloudsync's own writes", async () => {
    const hints: (ChangeHint | undefined)[] = [];
    const stop = await ctx.connectors.cloud.watch!(
      (await ctx.connectors.cloud.resolvePath('Shared/Projects'))!.id,
      (_p, h) => hints.push(h),
    );
    try {
      await settle();
      fs.writeFileSync(on('Projects', 'a', 'x.txt'), 'x3');
      fs.mkdirSync(on('Projects', 'new', 'sub'), { recursive: true });
      fs.writeFileSync(on('Projects', 'new', 'sub', 'n.txt'), 'n');
      fs.rmSync(on('Projects', 'b', 'y.txt'));
      const r = await runPass(ctx, {});
      assert.equal(r.sets[0]!.pushed + r.sets[0]!.deleted, 5); // update, 2 mkdir, copy, delete
      await settle();
      assert.equal(hints.length, 0, `our own writes are not reported: ${JSON.stringify(hints)}`);
      // Someone else's writes are, with the folder by identity and a folder that appears as a subtree.
      fs.writeFileSync(cl('Projects', 'a', 'x.txt'), 'theirs');
      fs.mkdirSync(cl('Projects', 'b', 'fresh'));
      await settle();
      const cloud = ctx.connectors.cloud;
      const aId = (await cloud.resolvePath('Shared/Projects/a'))!.id;
      const bId = (await cloud.resolvePath('Shared/Projects/b'))!.id;
      const freshId = (await cloud.resolvePath('Shared/Projects/b/fresh'))!.id;
      assert.ok(hints.some((h) => h?.parentId === aId && h.treeId === undefined));
      assert.ok(hints.some((h) => h?.parentId === bId && h.treeId === freshId));
    } finally {
      stop();
    }
  });

  it('a collector hands over what events named, and reads the side whole after an event without a hint', () => {
    const c = new ScopeCollector();
    assert.equal(c.take(), undefined, 'nothing read yet: whole');
    c.add({ parentId: 'p' });
    c.add({ parentId: 'q', treeId: 't' });
    assert.deepEqual(c.take(), { folders: new Set(['p', 'q']), trees: new Set(['t']) });
    assert.deepEqual(c.take(), { folders: new Set(), trees: new Set() });
    c.add({ parentId: 'p' });
    c.add(undefined);
    assert.equal(c.take(), undefined);
  });
});
