import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../../src/connectors/local/index.js';

describe('local connector: finding nodes by id in a fresh process', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cloudsync-locate-'));
    await mkdir(path.join(root, 'a', 'b'), { recursive: true });
    for (const f of ['x', 'y', 'z']) await writeFile(path.join(root, 'a', 'b', `${f}.txt`), f);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('answers concurrent lookups only after the shared walk (no false "gone")', async () => {
    const ids = await Promise.all(
      ['x', 'y', 'z'].map(async (f) => (await new LocalConnector(root).resolvePath(`a/b/${f}.txt`))!.id),
    );
    const fresh = new LocalConnector(root);
    const found = await Promise.all(ids.map((id) => fresh.getNode(id)));
    assert.deepEqual(
      found.map((n) => n?.name),
      ['x.txt', 'y.txt', 'z.txt'],
    );
  });

  it('uses a remembered path instead of walking, and still verifies identity', async () => {
    const id = (await new LocalConnector(root).resolvePath('a/b/x.txt'))!.id;
    const fresh = new LocalConnector(root);
    fresh.rememberPath(id, 'a/b/y.txt'); // a wrong hint: identity check rejects it, the walk finds it
    assert.equal((await fresh.getNode(id))?.name, 'x.txt');
    const other = new LocalConnector(root);
    other.rememberPath(id, 'a/b/x.txt');
    assert.equal(await other.pathOf(id), 'a/b/x.txt');
  });
});
