import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { runCli, tempDir } from '../support/cli.js';

const props = (e: Emulator, site: string, p: string) =>
  (e.findByPath(site, p) as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};

describe('synced metadata (SPEC §3)', function () {
  this.timeout(60_000);
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  it('travels Alfresco → Alfresco (title, description, author, geo, exif), and only those', async () => {
    const on = await startEmulator({});
    const cl = await startEmulator({});
    const home = await tempDir();
    cleanup.push(
      () => on.close(),
      () => cl.close(),
      () => rm(home, { recursive: true, force: true }),
    );
    on.createSite('src');
    cl.createSite('dst');
    const doc = on.putFile('src', 'P/a.txt', 'A');
    const env = { CLOUDSYNC_ONPREM_PASSWORD: 'admin', CLOUDSYNC_CLOUD_PASSWORD: 'admin' };
    const cli = (...a: string[]) => runCli([...a, '--json'], { home, env });
    assert.equal((await cli('login', 'onprem', on.url, '--username', 'admin')).code, 0);
    assert.equal((await cli('login', 'cloud', cl.url, '--username', 'admin')).code, 0);
    assert.equal((await cli('create', 'src/P', '--target', 'dst')).code, 0);
    on.updateNode(doc.id, {
      properties: {
        'cm:title': 'Plan',
        'cm:description': 'Q3',
        'cm:author': 'Ann',
        'cm:latitude': 48.1,
        'exif:model': 'X100',
        'cm:owner': 'ann',
      },
    });
    const out = await cli('sync');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    const got = props(cl, 'dst', 'P/a.txt');
    assert.equal(got['cm:title'], 'Plan');
    assert.equal(got['cm:description'], 'Q3');
    assert.equal(got['cm:author'], 'Ann');
    assert.equal(got['cm:latitude'], 48.1);
    assert.equal(got['exif:model'], 'X100');
    assert.equal(props(on, 'src', 'P/a.txt')['cm:owner'], 'ann', 'the on-prem node holds it');
    assert.equal(got['cm:owner'], undefined, 'properties outside the synced set are never synced');
    // and back: a partner retitles it in the cloud
    cl.updateNode(cl.findByPath('dst', 'P/a.txt')!.id, { properties: { 'cm:title': 'Plan v2' } });
    assert.equal((await cli('sync')).code, 0);
    assert.equal(props(on, 'src', 'P/a.txt')['cm:title'], 'Plan v2');
  });

  it('is kept by cloudsync when the other side is a local folder, and restored when the copy is re-created', async () => {
    const cl = await startEmulator({});
    const home = await tempDir();
    const onprem = await tempDir();
    cleanup.push(
      () => cl.close(),
      () => rm(home, { recursive: true, force: true }),
      () => rm(onprem, { recursive: true, force: true }),
    );
    cl.createSite('dst');
    await mkdir(path.join(onprem, 'P'));
    for (const f of ['a', 'b', 'c']) await writeFile(path.join(onprem, 'P', `${f}.txt`), f);
    const env = { CLOUDSYNC_CLOUD_PASSWORD: 'admin' };
    const cli = (...a: string[]) => runCli([...a, '--json'], { home, env });
    assert.equal((await cli('login', 'onprem', onprem)).code, 0);
    assert.equal((await cli('login', 'cloud', cl.url, '--username', 'admin')).code, 0);
    const created = await cli('create', 'P', '--target', 'dst');
    assert.equal(created.code, 0, created.stdout);
    const id = created.json<{ id: string }>().id;
    cl.updateNode(cl.findByPath('dst', 'P/a.txt')!.id, { properties: { 'cm:title': 'Kept' } });
    assert.equal((await cli('sync')).code, 0);
    // an on-prem edit is pushed: the cloud title stays
    await writeFile(path.join(onprem, 'P', 'a.txt'), 'a2');
    assert.equal((await cli('sync')).code, 0);
    assert.equal(props(cl, 'dst', 'P/a.txt')['cm:title'], 'Kept');
    // the cloud copy is deleted, then re-created by request-sync: the title comes back with it
    cl.deleteNode(cl.findByPath('dst', 'P/a.txt')!.id);
    assert.equal((await cli('sync')).code, 3);
    assert.equal((await cli('request-sync', id, 'P/a.txt')).code, 0);
    const again = await cli('sync');
    assert.equal(again.code, 0, again.stdout);
    assert.equal(cl.readContent(cl.findByPath('dst', 'P/a.txt')!.id)?.toString(), 'a2');
    assert.equal(props(cl, 'dst', 'P/a.txt')['cm:title'], 'Kept');
  });
});
