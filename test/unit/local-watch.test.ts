import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../../src/connectors/local/index.js';

const settle = () => new Promise((r) => setTimeout(r, 150));

describe('local connector: watching a tree folder by folder', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cloudsync-watch-'));
    fs.mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('reports changes deep down, in folders created later and in folders moved in', async () => {
    const c = new LocalConnector(root);
    const seen = new Set<string>();
    const stop = await c.watch((await c.resolvePath(''))!.id, (p) => seen.add(p));
    try {
      fs.writeFileSync(path.join(root, 'a', 'b', 'x.txt'), 'x');
      await settle();
      fs.mkdirSync(path.join(root, 'a', 'new'));
      await settle();
      fs.writeFileSync(path.join(root, 'a', 'new', 'y.txt'), 'y');
      await settle();
      fs.renameSync(path.join(root, 'a', 'new'), path.join(root, 'moved'));
      await settle();
      fs.writeFileSync(path.join(root, 'moved', 'z.txt'), 'z');
      await settle();
    } finally {
      stop();
    }
    for (const p of ['a/b/x.txt', 'a/new/y.txt', 'moved/z.txt'])
      assert.ok(seen.has(p), `${p} in ${[...seen].join(', ')}`);
  });

  it('stays quiet after stop()', async () => {
    const c = new LocalConnector(root);
    const seen: string[] = [];
    const stop = await c.watch((await c.resolvePath(''))!.id, (p) => seen.push(p));
    stop();
    fs.writeFileSync(path.join(root, 'a', 'late.txt'), 'x');
    await settle();
    assert.deepEqual(seen, []);
  });
});
