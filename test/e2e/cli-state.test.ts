import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, tempDir } from '../support/cli.js';

interface SyncJson {
  sets: { id: string; actions: unknown[]; pushed: number; pulled: number }[];
  exitCode: number;
}

async function put(root: string, rel: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), content);
}

describe('e2e: state export / state import (local ↔ local)', function () {
  this.timeout(90_000);
  let dirs: string[];
  let home: string;
  let onprem: string;
  let cloud: string;
  const cli = (args: string[], h = home) => runCli(args, { home: h });
  const login = async (h: string, cloudDir = cloud) => {
    assert.equal((await cli(['login', 'onprem', onprem], h)).code, 0);
    assert.equal((await cli(['login', 'cloud', cloudDir], h)).code, 0);
  };
  const temp = async (prefix?: string) => {
    const d = await tempDir(prefix);
    dirs.push(d);
    return d;
  };

  beforeEach(async () => {
    dirs = [];
    home = await temp();
    onprem = await temp('cloudsync-onprem-');
    cloud = await temp('cloudsync-cloud-');
    await put(onprem, 'Projects/a.txt', 'alpha');
    await put(onprem, 'Projects/sub/b.txt', 'beta');
    await put(onprem, 'Docs/x.txt', 'ex');
    await mkdir(path.join(cloud, 'Shared'));
    await login(home);
    assert.equal((await cli(['create', 'Projects', '--target', 'Shared'])).code, 0);
    assert.equal((await cli(['create', 'Docs/x.txt', '--target', 'Shared'])).code, 0);
  });
  afterEach(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function exportAll(): Promise<string> {
    const r = await cli(['state', 'export', '--all']);
    assert.equal(r.code, 0, r.stderr);
    const file = path.join(await temp(), 'state.json');
    await writeFile(file, r.stdout);
    return file;
  }

  it('export --all, import on a fresh home, then sync changes nothing (and later edits still sync)', async () => {
    // The restored pairings must be the real ones: nothing to do at once, and a later cloud edit is pulled.
    const bundle = await exportAll();
    const h2 = await temp();
    await login(h2);
    const imp = await cli(['state', 'import', bundle, '--json'], h2);
    assert.equal(imp.code, 0, imp.stderr);
    assert.equal(imp.json<{ imported: unknown[] }>().imported.length, 2);
    assert.deepEqual(
      (await cli(['list', '--json'], h2))
        .json<{ id: string }[]>()
        .map((s) => s.id)
        .sort(),
      (await cli(['list', '--json']))
        .json<{ id: string }[]>()
        .map((s) => s.id)
        .sort(),
    );
    const s = await cli(['sync', '--json'], h2);
    assert.equal(s.code, 0, s.stderr);
    const pass = s.json<SyncJson>();
    assert.equal(pass.sets.length, 2);
    for (const set of pass.sets) assert.deepEqual(set.actions, [], JSON.stringify(set));

    await put(cloud, 'Shared/Projects/a.txt', 'alpha from a partner');
    const s2 = await cli(['sync', '--json'], h2);
    assert.equal(s2.code, 0, s2.stderr);
    assert.equal(await readFile(path.join(onprem, 'Projects/a.txt'), 'utf8'), 'alpha from a partner');
  });

  it('one set by name; refused: other connections, a newer bundle, an existing set without --replace', async () => {
    const one = await cli(['state', 'export', 'Projects']);
    assert.equal(one.code, 0, one.stderr);
    const b = JSON.parse(one.stdout) as { version: number; sets: { set: { name: string } }[] };
    assert.deepEqual(
      b.sets.map((x) => x.set.name),
      ['Projects'],
    );
    assert.equal((await cli(['state', 'export'])).code, 2, 'a set or --all is required');

    const bundle = await exportAll();
    const elsewhere = await temp('cloudsync-cloud-');
    const h2 = await temp();
    await login(h2, elsewhere);
    const other = await cli(['state', 'import', bundle, '--json'], h2);
    assert.equal(other.code, 2);
    assert.equal(other.json<{ error: { code: string } }>().error.code, 'BUNDLE_OTHER_CONNECTIONS');
    assert.equal((await cli(['list', '--json'], h2)).json<unknown[]>().length, 0);

    const newer = path.join(path.dirname(bundle), 'newer.json');
    await writeFile(newer, JSON.stringify({ ...JSON.parse(await readFile(bundle, 'utf8')), version: 99 }));
    const n = await cli(['state', 'import', newer, '--json']);
    assert.equal(n.code, 2);
    assert.equal(n.json<{ error: { code: string } }>().error.code, 'BUNDLE_NEWER');

    const again = await cli(['state', 'import', bundle, '--json']);
    assert.equal(again.code, 2);
    assert.equal(again.json<{ error: { code: string } }>().error.code, 'SET_EXISTS');
    assert.equal((await cli(['state', 'import', bundle, '--replace'])).code, 0);
  });
});
