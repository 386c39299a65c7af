import assert from 'node:assert/strict';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NodeError } from '../../src/errors.js';
import { LocalConnector } from '../../src/connectors/local/index.js';
import { startFixture, type Fixture } from '../alfresco/helpers.js';
import { tempDir } from '../support/cli.js';

/** name/kind pairs, the part of a listing a person sees. */
const shown = (entries: { name: string; path: string; kind: string }[]): string[] =>
  entries.map((e) => `${e.kind}:${e.path}`);

describe('browse: local connector', () => {
  let root: string;
  let outside: string;
  before(async () => {
    root = await tempDir('cloudsync-browse-');
    outside = await tempDir('cloudsync-browse-out-');
    await mkdir(path.join(root, 'Projects', 'Q3'), { recursive: true });
    await writeFile(path.join(root, 'Projects', 'plan.txt'), 'p');
    await writeFile(path.join(root, 'b.txt'), 'b');
    await writeFile(path.join(root, 'a.txt'), 'a');
    await writeFile(path.join(root, `.cloudsync-${process.pid}-abcdef.tmp`), 'partial');
    await writeFile(path.join(outside, 'secret.txt'), 's');
    await symlink(outside, path.join(root, 'linked'));
    await symlink(path.join(root, 'a.txt'), path.join(root, 'alias.txt'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it("'' lists the root's direct children, folders first, without symlinks or temp files", async () => {
    const c = new LocalConnector(root);
    assert.deepEqual(shown(await c.browse('')), ['folder:Projects', 'file:a.txt', 'file:b.txt']);
  });

  it('a deeper path lists that folder with SPEC paths usable by create', async () => {
    const c = new LocalConnector(root);
    assert.deepEqual(shown(await c.browse('Projects')), ['folder:Projects/Q3', 'file:Projects/plan.txt']);
    assert.deepEqual(await c.browse('Projects/Q3'), []);
  });

  it('refuses a path through a symlink, a file, a missing folder and ..', async () => {
    const c = new LocalConnector(root);
    for (const p of ['linked', 'a.txt', 'nope', '../x']) {
      await assert.rejects(c.browse(p), (e: unknown) => e instanceof NodeError, p);
    }
  });
});

describe('browse: alfresco connector (emulator)', function () {
  this.timeout(20_000);
  let fx: Fixture;
  before(async () => {
    fx = await startFixture();
    fx.emu.createSite('acme', { members: { alice: 'SiteConsumer' } });
    fx.emu.createSite('hidden', { members: { bob: 'SiteManager' }, visibility: 'PRIVATE' });
    fx.emu.mkdir('proj', 'Plans/2024');
    fx.emu.putFile('proj', 'Plans/q3.docx', 'q3');
    fx.emu.putFile('proj', 'readme.txt', 'r');
  });
  after(() => fx.close());

  it("'' lists the sites the user can see (public ones and private ones they belong to), as folders", async () => {
    assert.deepEqual(shown(await fx.connect('alice').browse('')), ['folder:acme', 'folder:proj']);
    assert.deepEqual(shown(await fx.connect('bob').browse('')), [
      'folder:acme',
      'folder:hidden',
      'folder:proj',
    ]);
  });

  it("'<site>' lists the document library; deeper paths list that folder", async () => {
    const c = fx.connect('alice');
    assert.deepEqual(shown(await c.browse('proj')), ['folder:proj/Plans', 'file:proj/readme.txt']);
    assert.deepEqual(shown(await c.browse('proj/Plans')), [
      'folder:proj/Plans/2024',
      'file:proj/Plans/q3.docx',
    ]);
    // The paths it gives resolve back to the same nodes.
    assert.equal((await c.resolvePath('proj/Plans/q3.docx'))?.name, 'q3.docx');
  });

  it('pages through many sites', async () => {
    for (let i = 0; i < 120; i++) fx.emu.createSite(`bulk-${String(i).padStart(3, '0')}`);
    const names = (await fx.connect('carol').browse('')).map((e) => e.name);
    assert.equal(names.filter((n) => n.startsWith('bulk-')).length, 120);
  });

  it('a missing folder or a file is TARGET_FOLDER_NOT_FOUND', async () => {
    const c = fx.connect('alice');
    for (const p of ['proj/Nope', 'proj/readme.txt', 'no-such-site']) {
      await assert.rejects(
        c.browse(p),
        (e: unknown) => e instanceof NodeError && e.code === 'TARGET_FOLDER_NOT_FOUND',
        p,
      );
    }
  });
});
