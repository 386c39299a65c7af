// The Alfresco server's real edge cases, Alfresco ↔ Alfresco through the CLI (issue 12 §4, issue 9 class 11).
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { runCli, tempDir } from '../support/cli.js';

const props = (e: Emulator, site: string, p: string) =>
  (e.findByPath(site, p) as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
const text = (e: Emulator, site: string, p: string) => e.readContent(e.findByPath(site, p)!.id)?.toString();

describe('scenarios: Alfresco edge cases', function () {
  this.timeout(90_000);
  let on: Emulator;
  let cl: Emulator;
  let home: string;
  let cli: (...a: string[]) => ReturnType<typeof runCli>;
  beforeEach(async () => {
    on = await startEmulator({});
    cl = await startEmulator({});
    home = await tempDir();
    on.createSite('src');
    cl.createSite('dst');
    const env = { CLOUDSYNC_ONPREM_PASSWORD: 'admin', CLOUDSYNC_CLOUD_PASSWORD: 'admin' };
    cli = (...a: string[]) => runCli([...a, '--json'], { home, env });
    assert.equal((await cli('login', 'onprem', on.url, '--username', 'admin')).code, 0);
    assert.equal((await cli('login', 'cloud', cl.url, '--username', 'admin')).code, 0);
  });
  afterEach(async () => {
    await Promise.all([on.close(), cl.close()]);
    await rm(home, { recursive: true, force: true });
  });

  it('metadata set before the first sync arrives with the copy; removing it (null) propagates', async () => {
    const doc = on.putFile('src', 'P/a.txt', 'A');
    on.updateNode(doc.id, { properties: { 'cm:title': 'Plan', 'cm:author': 'Ann' } });
    const created = await cli('create', 'src/P', '--target', 'dst');
    assert.equal(created.code, 0, created.stdout + created.stderr);
    assert.equal(props(cl, 'dst', 'P/a.txt')['cm:title'], 'Plan', 'carried on create');
    assert.equal(props(cl, 'dst', 'P/a.txt')['cm:author'], 'Ann');
    cl.updateNode(cl.findByPath('dst', 'P/a.txt')!.id, { properties: { 'cm:title': null } });
    assert.equal((await cli('sync')).code, 0);
    assert.equal(props(on, 'src', 'P/a.txt')['cm:title'], undefined, 'the removal reached on-prem');
    assert.equal(props(on, 'src', 'P/a.txt')['cm:author'], 'Ann');
  });

  it('a same-size cloud edit with cm:autoVersion false is seen; as a conflict loser its bytes are backed up locally', async () => {
    on.putFile('src', 'P/a.txt', 'AAAA');
    assert.equal((await cli('create', 'src/P', '--target', 'dst', '--conflict', 'onprem-wins')).code, 0);
    const cloudDoc = cl.findByPath('dst', 'P/a.txt')!;
    cl.updateNode(cloudDoc.id, { properties: { 'cm:autoVersion': false } });
    assert.equal((await cli('sync')).code, 0);
    // a partner edits in place, same size, no new version
    cl.putFile('dst', 'P/a.txt', 'BBBB');
    const labels = cl.versions(cloudDoc.id);
    const pulled = await cli('sync');
    assert.equal(pulled.code, 0, pulled.stdout);
    assert.equal(text(on, 'src', 'P/a.txt'), 'BBBB', 'the edit was detected and pulled');
    assert.deepEqual(cl.versions(cloudDoc.id), labels, 'the label never moved');
    // both sides edit: on-prem wins, the cloud loser has no version to fall back on
    cl.putFile('dst', 'P/a.txt', 'CCCC');
    on.putFile('src', 'P/a.txt', 'DDDD');
    const conflict = await cli('sync');
    assert.equal(conflict.code, 0, conflict.stdout);
    assert.equal(text(cl, 'dst', 'P/a.txt'), 'DDDD');
    const backups = await readdir(path.join(home, 'backups'), { recursive: true });
    const files = backups.map((f) => path.join(home, 'backups', String(f)));
    const contents = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
    assert.ok(contents.includes('CCCC'), `the losing cloud bytes are kept in ${home}/backups`);
  });

  it('a losing cloud edit on an unversioned node is kept as a prior version (cm:versionable added first)', async () => {
    on.mkdir('src', 'P');
    assert.equal((await cli('create', 'src/P', '--target', 'dst', '--conflict', 'onprem-wins')).code, 0);
    // created in the cloud without versioning (like a JSON POST then a content PUT)
    const made = cl.putFile('dst', 'P/n.txt', 'one', { versioned: false });
    assert.equal((await cli('sync')).code, 0);
    assert.equal(text(on, 'src', 'P/n.txt'), 'one');
    assert.deepEqual(cl.versions(made.id), []);
    cl.putFile('dst', 'P/n.txt', 'cloud edit');
    on.putFile('src', 'P/n.txt', 'on-prem edit');
    const r = await cli('sync');
    assert.equal(r.code, 0, r.stdout);
    assert.equal(text(cl, 'dst', 'P/n.txt'), 'on-prem edit');
    const history = cl
      .repo()
      .require(made.id)
      .versions.map((v) => v.content?.bytes.toString());
    assert.ok(history.includes('cloud edit'), `loser kept as a version: ${JSON.stringify(history)}`);
  });

  it('a private working copy is not synced, and the checked-out original is not overwritten', async () => {
    on.putFile('src', 'P/w.txt', 'W1');
    assert.equal((await cli('create', 'src/P', '--target', 'dst')).code, 0);
    const orig = cl.findByPath('dst', 'P/w.txt')!;
    const co = await fetch(`${cl.coreUrl()}/nodes/${orig.id}/checkout`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
    });
    assert.equal(co.status, 200);
    const r = await cli('sync');
    assert.ok([0, 3].includes(r.code ?? -1), r.stdout);
    assert.equal(
      on.findByPath('src', 'P/w (Working Copy).txt'),
      undefined,
      'the working copy stays in the cloud',
    );
    assert.equal(text(cl, 'dst', 'P/w.txt'), 'W1');
  });
});
