// Lock and unlock, and how locks block other users (409) and other lockers (422).
import assert from 'node:assert/strict';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { Api, assertError } from './helpers.js';

describe('emulator: locks', () => {
  let emu: Emulator;
  let alice: Api;
  let bob: Api;
  let admin: Api;
  before(async () => {
    emu = await startEmulator({
      users: [
        { name: 'alice', password: 'a' },
        { name: 'bob', password: 'b' },
      ],
    });
    emu.createSite('s', { members: { alice: 'SiteCollaborator', bob: 'SiteCollaborator' } });
    alice = await Api.login(emu, 'alice', 'a');
    bob = await Api.login(emu, 'bob', 'b');
    admin = await Api.login(emu, 'admin', 'admin');
  });
  after(() => emu.close());

  it('POST /lock with {} locks: cm:lockable, WRITE_LOCK, owner object, isLocked', async () => {
    const f = emu.putFile('s', 'l1.txt', 'x');
    const res = await alice.core('POST', `/nodes/${f.id}/lock?include=isLocked`, { json: {} });
    assert.equal(res.status, 200);
    const e = res.json.entry;
    assert.equal(e.isLocked, true);
    assert.ok(e.aspectNames.includes('cm:lockable'));
    assert.equal(e.properties['cm:lockType'], 'WRITE_LOCK');
    assert.deepEqual(e.properties['cm:lockOwner'], { id: 'alice', displayName: 'Alice' });
    assert.equal(e.properties['cm:lockLifetime'], 'PERSISTENT');
    assert.equal(
      (await alice.core('POST', `/nodes/${f.id}/lock`, { json: { timeToExpire: 60 } })).status,
      200,
      'renew',
    );
  });

  it('another user gets 422 on lock and 409 on writes/deletes; the owner may still write', async () => {
    const f = emu.putFile('s', 'l2.txt', 'x');
    await alice.core('POST', `/nodes/${f.id}/lock`, { json: {} });
    const e = assertError(await bob.core('POST', `/nodes/${f.id}/lock`, { json: {} }), 422);
    assert.match(e.briefSummary as string, /could not be locked since it is already locked by another user/);
    const locked = assertError(await bob.core('PUT', `/nodes/${f.id}/content`, { body: 'y' }), 409);
    assert.match(
      locked.briefSummary as string,
      new RegExp(`Cannot perform operation since the node \\(id:${f.id}\\) is locked\\.`),
    );
    assertError(await bob.core('PUT', `/nodes/${f.id}`, { json: { name: 'z.txt' } }), 409);
    assertError(await bob.core('DELETE', `/nodes/${f.id}`), 409);
    assertError(
      await bob.core('POST', `/nodes/${f.id}/move`, {
        json: { targetParentId: emu.documentLibraryId('s'), name: 'm.txt' },
      }),
      409,
    );
    assertError(await bob.upload(emu.documentLibraryId('s'), 'l2.txt', 'y', { overwrite: 'true' }), 409);
    assert.equal((await alice.core('PUT', `/nodes/${f.id}/content`, { body: 'mine' })).status, 200);
    assertError(await bob.core('POST', `/nodes/${f.id}/unlock`), 403);
    const un = await alice.core('POST', `/nodes/${f.id}/unlock?include=isLocked`);
    assert.equal(un.status, 200);
    assert.equal(un.json.entry.isLocked, false);
    assert.equal((await bob.core('PUT', `/nodes/${f.id}/content`, { body: 'bob' })).status, 200);
  });

  it('admin may unlock; folders cannot be locked (400); a deleted parent with a locked child is 409', async () => {
    const f = emu.putFile('s', 'dir/l3.txt', 'x');
    await alice.core('POST', `/nodes/${f.id}/lock`, { json: {} });
    assertError(await bob.core('DELETE', `/nodes/${emu.findByPath('s', 'dir')!.id}`), 409);
    assert.equal((await admin.core('POST', `/nodes/${f.id}/unlock`)).status, 200);
    assertError(await alice.core('POST', `/nodes/${emu.findByPath('s', 'dir')!.id}/lock`, { json: {} }), 400);
    assertError(await alice.core('POST', `/nodes/${f.id}/lock`, { json: { type: 'WEIRD' } }), 400);
  });

  it('expired locks and FULL locks behave like LockService', async () => {
    const f = emu.putFile('s', 'l4.txt', 'x');
    await alice.core('POST', `/nodes/${f.id}/lock`, { json: { type: 'FULL' } });
    assertError(
      await alice.core('PUT', `/nodes/${f.id}/content`, { body: 'y' }),
      409,
      'framework.exception.ConstraintViolated',
    );
    await alice.core('POST', `/nodes/${f.id}/unlock`);
    emu.lockNode(f.id, 'alice');
    emu.repo().require(f.id).lock!.expiresAt = Date.now() - 1;
    assert.equal((await bob.core('PUT', `/nodes/${f.id}/content`, { body: 'z' })).status, 200);
  });
});
