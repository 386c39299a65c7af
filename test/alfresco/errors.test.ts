// Every HTTP failure the server produces, mapped to the member error code a user sees in `inspect`.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { AlfrescoConnector } from '../../src/connectors/alfresco/index.js';
import { NodeError, type MemberErrorCode } from '../../src/errors.js';
import { startFixture, type Fixture } from './helpers.js';

const streamOf = (text: string | Buffer): Readable => Readable.from([Buffer.from(text)]);

async function failsWith(p: Promise<unknown>, code: MemberErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof NodeError, `expected NodeError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('alfresco error mapping against the server', () => {
  let fx: Fixture;
  let alice: AlfrescoConnector;
  beforeEach(async () => {
    fx = await startFixture();
    alice = fx.connect('alice');
  });
  afterEach(() => fx.close());

  it('403 for a user outside the site: TARGET_ on writes, SOURCE_ on reads', async () => {
    const file = fx.emu.putFile('proj', 'secret.txt', 's');
    const carol = fx.connect('carol');
    await failsWith(carol.createFolder(fx.doclib, 'x'), 'TARGET_NODE_ACCESS_DENIED');
    await failsWith(
      carol.createFile(fx.doclib, 'x.txt', streamOf('x'), { size: 1 }),
      'TARGET_NODE_ACCESS_DENIED',
    );
    await failsWith(carol.updateContent(file.id, streamOf('x'), { size: 1 }), 'TARGET_NODE_ACCESS_DENIED');
    await failsWith(carol.readContent(file.id), 'SOURCE_NODE_ACCESS_DENIED');
    await failsWith(carol.getNode(file.id), 'SOURCE_NODE_ACCESS_DENIED');
    await failsWith(carol.listTree(fx.doclib, { recursive: true }), 'SOURCE_NODE_ACCESS_DENIED');
  });

  it('a file locked by another user: every write is TARGET_NODE_ACCESS_DENIED "locked"', async () => {
    const file = fx.emu.putFile('proj', 'busy.txt', 'b');
    fx.emu.lockNode(file.id, 'bob');
    await failsWith(
      alice.updateContent(file.id, streamOf('x'), { size: 1 }),
      'TARGET_NODE_ACCESS_DENIED',
      /locked by another user/,
    );
    await failsWith(alice.delete(file.id), 'TARGET_NODE_ACCESS_DENIED', /locked/);
    await failsWith(alice.move(file.id, fx.doclib, 'renamed.txt'), 'TARGET_NODE_ACCESS_DENIED', /locked/);
    await failsWith(alice.setProps(file.id, { 'cm:title': 't' }), 'TARGET_NODE_ACCESS_DENIED', /locked/);
    assert.equal(fx.emu.readContent(file.id)?.toString(), 'b');
  });

  it('413 over the upload limit and 507 over the quota', async () => {
    const small = fx.emu.putFile('proj', 'small.txt', 'x');
    fx.emu.setLimits({ maxUploadBytes: 10 });
    await failsWith(
      alice.createFile(fx.doclib, 'big.bin', streamOf(Buffer.alloc(11)), { size: 11 }),
      'CONTENT_LIMIT_VIOLATION',
    );
    await failsWith(
      alice.updateContent(small.id, streamOf(Buffer.alloc(11)), { size: 11 }),
      'CONTENT_LIMIT_VIOLATION',
    );
    fx.emu.setLimits({ maxUploadBytes: undefined, quotaBytes: 20 });
    await failsWith(
      alice.createFile(fx.doclib, 'big.bin', streamOf(Buffer.alloc(30)), { size: 30 }),
      'QUOTA_LIMIT_VIOLATION',
    );
    assert.equal(fx.emu.findByPath('proj', 'big.bin'), undefined, 'nothing partial left behind');
  });

  it('404s: a missing target folder, and a node that is gone', async () => {
    const folder = fx.emu.mkdir('proj', 'gone');
    const file = fx.emu.putFile('proj', 'f.txt', 'f');
    fx.emu.deleteNode(folder.id);
    await failsWith(alice.createFolder(folder.id, 'x'), 'TARGET_FOLDER_NOT_FOUND');
    await failsWith(
      alice.createFile(folder.id, 'x.txt', streamOf('x'), { size: 1 }),
      'TARGET_FOLDER_NOT_FOUND',
    );
    await failsWith(alice.move(file.id, folder.id, 'f.txt'), 'TARGET_FOLDER_NOT_FOUND');
    fx.emu.deleteNode(file.id);
    await failsWith(alice.updateContent(file.id, streamOf('x'), { size: 1 }), 'TARGET_NODE_NO_LONGER_EXISTS');
    await failsWith(alice.readContent(file.id), 'TARGET_NODE_NO_LONGER_EXISTS');
    await failsWith(alice.move(file.id, fx.doclib, 'g.txt'), 'TARGET_NODE_NO_LONGER_EXISTS');
    await failsWith(alice.setProps(file.id, { 'cm:title': 't' }), 'TARGET_NODE_NO_LONGER_EXISTS');
  });

  it('409 name taken: create and move fail with TARGET_FOLDER_NAME_CLASH, creating no twin', async () => {
    fx.emu.putFile('proj', 'taken.txt', 'original');
    fx.emu.mkdir('proj', 'Taken');
    const other = fx.emu.putFile('proj', 'other.txt', 'o');
    await failsWith(
      alice.createFile(fx.doclib, 'taken.txt', streamOf('new'), { size: 3 }),
      'TARGET_FOLDER_NAME_CLASH',
    );
    await failsWith(alice.createFolder(fx.doclib, 'Taken'), 'TARGET_FOLDER_NAME_CLASH');
    await failsWith(alice.move(other.id, fx.doclib, 'taken.txt'), 'TARGET_FOLDER_NAME_CLASH');
    const names = (await alice.listTree(fx.doclib, { recursive: false })).nodes.map((n) => n.name).sort();
    assert.deepEqual(names, ['Taken', 'other.txt', 'taken.txt']);
    assert.equal(
      fx.emu.findByPath('proj', 'taken.txt') &&
        fx.emu.readContent(fx.emu.findByPath('proj', 'taken.txt')!.id)?.toString(),
      'original',
    );
  });

  it('invalid names fail with INVALID_NAME before any request is made', async () => {
    const file = fx.emu.putFile('proj', 'ok.txt', 'o');
    fx.emu.resetRequestLog();
    for (const bad of ['a*b', 'a"b', 'a<b', 'a>b', 'a\\b', 'a/b', 'a?b', 'a:b', 'a|b', 'trailing.', '']) {
      await failsWith(alice.createFolder(fx.doclib, bad), 'INVALID_NAME');
      await failsWith(alice.createFile(fx.doclib, bad, streamOf('x'), { size: 1 }), 'INVALID_NAME');
      await failsWith(alice.move(file.id, fx.doclib, bad), 'INVALID_NAME');
    }
    assert.equal(fx.emu.requestLog.length, 0);
  });

  it('a name only the server refuses (422) is INVALID_NAME too', async () => {
    await failsWith(alice.createFolder(fx.doclib, 'trailing space '), 'INVALID_NAME');
  });
});
