import { FolderNotEmptyError } from '../../src/errors.js';
// Writes against the emulator: create, update (versions), move/rename, metadata, locks, delete.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { AlfrescoConnector } from '../../src/connectors/alfresco/index.js';
import { readAll, startFixture, type Fixture } from './helpers.js';

const streamOf = (text: string | Buffer): Readable => Readable.from([Buffer.from(text)]);

describe('alfresco writes', () => {
  let fx: Fixture;
  let c: AlfrescoConnector;
  beforeEach(async () => {
    fx = await startFixture();
    c = fx.connect();
  });
  afterEach(() => fx.close());

  it('creates folders and files with synced metadata and a first version', async () => {
    const folder = await c.createFolder(fx.doclib, 'Dossier', {
      'cm:title': 'A folder',
      'cm:description': null,
    });
    assert.equal(folder.kind, 'folder');
    assert.equal(fx.emu.getNode(folder.id)?.nodeType, 'cm:folder');
    assert.equal((fx.emu.getNode(folder.id)?.properties as Record<string, unknown>)['cm:title'], 'A folder');
    const file = await c.createFile(
      folder.id,
      'Résumé ü.txt',
      streamOf('bonjour'),
      { size: 7 },
      {
        'cm:author': 'Zoé',
        'cm:latitude': 48.85,
      },
    );
    assert.equal(file.name, 'Résumé ü.txt');
    assert.equal(file.size, 7);
    assert.equal(file.parentId, folder.id);
    assert.deepEqual(file.props, { 'cm:author': 'Zoé', 'cm:latitude': 48.85 });
    assert.equal(fx.emu.readContent(file.id)?.toString(), 'bonjour');
    assert.deepEqual(fx.emu.versions(file.id), ['1.0']);
    assert.equal((fx.emu.getNode(file.id)?.content as { mimeType: string }).mimeType, 'text/plain');
    assert.equal((await readAll(await c.readContent(file.id))).toString(), 'bonjour');
  });

  it('updates content in place, keeping the previous bytes as a prior version and the mimetype', async () => {
    const file = await c.createFile(fx.doclib, 'notes.txt', streamOf('v1'), { size: 2 });
    const updated = await c.updateContent(file.id, streamOf('version two'), {
      size: 11,
      comment: 'from on-prem',
    });
    assert.equal(updated.id, file.id);
    assert.equal(updated.size, 11);
    assert.notEqual(updated.token, file.token);
    assert.deepEqual(fx.emu.versions(file.id), ['1.1', '1.0']);
    const history = fx.emu.repo().require(file.id).versions;
    assert.equal(history[0]!.content?.bytes.toString(), 'v1');
    assert.equal(history[1]!.comment, 'from on-prem');
    assert.equal((fx.emu.getNode(file.id)?.content as { mimeType: string }).mimeType, 'text/plain');
    assert.equal((await readAll(await c.readContent(file.id))).toString(), 'version two');
  });

  it('renames with PUT and moves with POST /move, keeping the id and the token', async () => {
    const dest = await c.createFolder(fx.doclib, 'dest');
    const f = await c.createFile(fx.doclib, 'a.txt', streamOf('same'), { size: 4 });
    fx.emu.resetRequestLog();
    const renamed = await c.move(f.id, fx.doclib, 'b.txt');
    assert.equal(renamed.name, 'b.txt');
    assert.equal(renamed.token, f.token);
    assert.ok(fx.emu.requestLog.some((r) => r.method === 'PUT' && r.route === `/nodes/${f.id}`));
    const moved = await c.move(f.id, dest.id, 'c.txt');
    assert.equal(moved.parentId, dest.id);
    assert.equal(moved.name, 'c.txt');
    assert.ok(fx.emu.requestLog.some((r) => r.method === 'POST' && r.route === `/nodes/${f.id}/move`));
    assert.equal(fx.emu.findByPath('proj', 'dest/c.txt')?.id, f.id);
  });

  it('sets metadata without dropping aspects it did not touch; null removes a property', async () => {
    const f = await c.createFile(fx.doclib, 'p.txt', streamOf('p'), { size: 1 }, { 'cm:title': 'T' });
    const before = fx.emu.getNode(f.id)!.aspectNames as string[];
    const after = await c.setProps(f.id, {
      'cm:latitude': 1.25,
      'cm:longitude': 2.5,
      'cm:title': null,
      'my:ignored': 'x',
    });
    const aspects = fx.emu.getNode(f.id)!.aspectNames as string[];
    for (const a of before) assert.ok(aspects.includes(a), `kept ${a}`);
    assert.ok(aspects.includes('cm:geographic'));
    assert.equal(after.props?.['cm:latitude'], 1.25);
    assert.equal(after.props?.['cm:title'], undefined);
    const props = fx.emu.getNode(f.id)!.properties as Record<string, unknown>;
    assert.equal(props['my:ignored'], undefined);
    assert.equal(props['cm:title'], undefined);
  });

  it('locks and unlocks, reporting a lock that was already there', async () => {
    const f = await c.createFile(fx.doclib, 'l.txt', streamOf('l'), { size: 1 });
    assert.equal(await c.lock(f.id), true);
    assert.equal((await c.getNode(f.id))?.locked, true);
    assert.equal(await c.lock(f.id), false);
    await c.unlock(f.id);
    assert.equal((await c.getNode(f.id))?.locked, false);
    fx.emu.lockNode(f.id, 'bob');
    assert.equal(await c.lock(f.id), false, "bob's lock is not ours");
    const folder = await c.createFolder(fx.doclib, 'unlockable');
    assert.equal(await c.lock(folder.id), false, 'ACS cannot lock folders');
  });

  it('deletes into the trashcan, a folder only once empty; deleting again is fine', async () => {
    const d = await c.createFolder(fx.doclib, 'd');
    const x = await c.createFile(d.id, 'x.txt', streamOf('x'), { size: 1 });
    await assert.rejects(c.delete(d.id), FolderNotEmptyError);
    assert.ok(fx.emu.repo().get(x.id), 'nothing below a kept folder is deleted');
    await c.delete(x.id, 'file');
    await c.delete(d.id);
    assert.equal(await c.getNode(d.id), null);
    assert.equal(fx.emu.repo().get(d.id), undefined);
    await c.delete(d.id);
  });
});
