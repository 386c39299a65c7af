import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../../src/connectors/local/index.js';
import { createSyncSet, runPass } from '../../src/engine/index.js';
import type { EngineContext } from '../../src/engine/types.js';
import { StateStore } from '../../src/store/state-store.js';

/** Every file below `root` (relative path → text). */
function files(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const abs = path.join(e.parentPath, e.name);
    out[path.relative(root, abs)] = fs.readFileSync(abs, 'utf8');
  }
  return out;
}

describe('engine: keep-both loser names (a clock stopped inside one second)', () => {
  let dir: string;
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  // Model seed 1959: the second loser's name was the first loser's, which this pass deletes (the cloud removed
  // it, --delete-onprem). The loser's rename ran before that delete and failed TARGET_FOLDER_NAME_CLASH, leaving
  // the member recorded at the cloud's old path and both copies of the file outside the set.
  it('a second conflict in the same second gets a distinct loser name even when the first loser is being deleted', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cloudsync-names-'));
    const on = (...p: string[]) => path.join(dir, 'on', 'A', ...p);
    const cl = (...p: string[]) => path.join(dir, 'cl', 'T', 'A', ...p);
    fs.mkdirSync(on(), { recursive: true });
    fs.mkdirSync(path.join(dir, 'cl', 'T'), { recursive: true });
    fs.writeFileSync(on('a.txt'), 'v1');
    const when = new Date('2026-11-30T10:00:00.400Z');
    const ctx: EngineContext = {
      connectors: {
        onprem: new LocalConnector(path.join(dir, 'on')),
        cloud: new LocalConnector(path.join(dir, 'cl')),
      },
      store: new StateStore(path.join(dir, 'home'), 'default'),
      home: path.join(dir, 'home'),
      now: () => when,
    };
    try {
      await createSyncSet(ctx, {
        paths: ['A'],
        target: 'T',
        mkdir: false,
        options: { conflict: 'keep-both', deleteOnPrem: true },
        excludes: [],
      });
      assert.equal((await runPass(ctx, {})).exitCode, 0);
      fs.writeFileSync(on('a.txt'), 'onprem 1');
      fs.writeFileSync(cl('a.txt'), 'cloud 1');
      assert.equal((await runPass(ctx, {})).exitCode, 0);
      const loser = 'a (conflict onprem 2026-11-30 10-00-00).txt';
      assert.deepEqual(files(path.join(dir, 'cl', 'T', 'A')), { 'a.txt': 'cloud 1', [loser]: 'onprem 1' });
      fs.rmSync(cl(loser));
      fs.writeFileSync(on('a.txt'), 'onprem 2');
      fs.renameSync(cl('a.txt'), cl('r'));
      fs.writeFileSync(cl('r'), 'cloud 2');
      const dry = await runPass(ctx, { dryRun: true });
      const pass = await runPass(ctx, {});
      assert.equal(pass.exitCode, 0, JSON.stringify(pass.sets.map((s) => s.failed)));
      assert.equal(dry.exitCode, 0);
      const second = 'a (conflict onprem 2026-11-30 10-00-00 2).txt';
      const want = { r: 'cloud 2', [second]: 'onprem 2' };
      assert.deepEqual(files(on()), want);
      assert.deepEqual(files(cl()), want);
      assert.equal((await runPass(ctx, {})).exitCode, 0);
      assert.deepEqual(files(on()), want);
    } finally {
      await ctx.connectors.onprem.close();
      await ctx.connectors.cloud.close();
      await ctx.store.close();
    }
  });
});
