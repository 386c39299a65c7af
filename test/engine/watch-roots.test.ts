import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../../src/connectors/local/index.js';
import { SIDES } from '../../src/connectors/types.js';
import { createSyncSet, runPass } from '../../src/engine/index.js';
import type { EngineContext } from '../../src/engine/types.js';
import { watchRoots } from '../../src/engine/watch-loop.js';
import { StateStore } from '../../src/store/state-store.js';

const settle = () => new Promise((r) => setTimeout(r, 200));

// `watch` starts its watchers before its first pass, in a process whose connectors know no path yet: the
// roots carry the paths the state recorded, so a local side finds each root there instead of walking its
// whole tree (at 100,000 files a walk of 100,000 `lstat`s and a path held per node for the watch's life).
describe('engine: the folders watch watches, with their recorded paths', function () {
  this.timeout(20_000);
  let dir: string;
  let ctx: EngineContext;
  const on = (...p: string[]) => path.join(dir, 'on', ...p);
  const cl = (...p: string[]) => path.join(dir, 'cl', ...p);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cloudsync-roots-'));
    fs.mkdirSync(on('Projects', 'a'), { recursive: true });
    fs.mkdirSync(on('Docs', 'inner'), { recursive: true });
    fs.mkdirSync(cl('Shared', 'Sub'), { recursive: true });
    fs.writeFileSync(on('Projects', 'a', 'x.txt'), 'x1');
    fs.writeFileSync(on('Docs', 'inner', 'd.txt'), 'd1');
    fs.writeFileSync(on('top.txt'), 't1');
    ctx = {
      connectors: { onprem: new LocalConnector(on()), cloud: new LocalConnector(cl()) },
      store: new StateStore(path.join(dir, 'home'), 'default'),
      home: path.join(dir, 'home'),
    };
  });
  afterEach(async () => {
    for (const side of SIDES) await ctx.connectors[side].close();
    await rm(dir, { recursive: true, force: true });
  });

  it("gives each folder set's root and each document's folder with the path recorded for it", async () => {
    const opts = { mkdir: false, options: {}, excludes: [] };
    await createSyncSet(ctx, { paths: ['Projects'], target: 'Shared', ...opts });
    await createSyncSet(ctx, { paths: ['Docs/inner/d.txt', 'top.txt'], target: 'Shared/Sub', ...opts });
    assert.equal((await runPass(ctx, {})).exitCode, 0);
    const states = await ctx.store.loadAll();
    const idOf = async (side: 'onprem' | 'cloud', p: string) =>
      (await ctx.connectors[side].resolvePath(p))!.id;
    const byPath = (roots: { id: string; path: string }[]) =>
      Object.fromEntries(roots.map((r) => [r.path, r.id]));
    assert.deepEqual(byPath(watchRoots(states, 'onprem')), {
      Projects: await idOf('onprem', 'Projects'),
      'Docs/inner': await idOf('onprem', 'Docs/inner'),
      '': await idOf('onprem', ''),
    });
    assert.deepEqual(byPath(watchRoots(states, 'cloud')), {
      'Shared/Projects': await idOf('cloud', 'Shared/Projects'),
      'Shared/Sub': await idOf('cloud', 'Shared/Sub'),
    });

    // A fresh process (new connectors) told where the roots are watches them and hears a change below.
    const fresh = new LocalConnector(on());
    try {
      const heard: string[] = [];
      for (const root of watchRoots(states, 'onprem').filter((r) => r.path === 'Projects')) {
        fresh.rememberPath(root.id, root.path);
        await fresh.watch(root.id, (p) => heard.push(p));
      }
      await settle();
      fs.writeFileSync(on('Projects', 'a', 'x.txt'), 'x2');
      for (let i = 0; i < 50 && !heard.includes('Projects/a/x.txt'); i++) await settle();
      assert.ok(heard.includes('Projects/a/x.txt'), JSON.stringify(heard));
    } finally {
      await fresh.close();
    }
  });
});
