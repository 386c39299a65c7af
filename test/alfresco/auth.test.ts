// Login, logout and ticket renewal against the emulator.
import assert from 'node:assert/strict';
import { AlfrescoConnector, alfrescoLogin, alfrescoLogout } from '../../src/connectors/alfresco/index.js';
import { AuthError, ExitCode, UnreachableError } from '../../src/errors.js';
import { FAST_RETRY, startFixture, type Fixture } from './helpers.js';

describe('alfresco login and tickets', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(() => fx.close());

  it('logs in through both URL forms and the ticket works as Basic base64(ticket)', async () => {
    for (const url of [fx.emu.url, `${fx.emu.url}/alfresco`, `${fx.emu.url}/alfresco/`]) {
      const { ticket, user } = await alfrescoLogin(fx.options({ url }), 'alice', 'alice-pw');
      assert.match(ticket, /^TICKET_/);
      assert.equal(user, 'alice');
      const c = new AlfrescoConnector(fx.options({ url }), { ticket });
      assert.deepEqual(await c.whoami(), { user: 'alice', address: url });
      await c.close();
    }
    const auth = fx.emu.requestLog.filter((r) => r.route === '/tickets').map((r) => r.status);
    assert.deepEqual(auth, [201, 201, 201]);
  });

  it('refuses a wrong password with exit 4 naming the user, never the password', async () => {
    await assert.rejects(alfrescoLogin(fx.options(), 'alice', 'wrong-pw'), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.exitCode, ExitCode.auth);
      assert.match(err.message, /login failed for alice/);
      assert.ok(!`${err.message} ${err.hint}`.includes('wrong-pw'));
      assert.match(err.hint ?? '', /cloudsync login cloud/);
      return true;
    });
  });

  it('reports a server that is not there as unreachable (exit 7) after bounded retries', async () => {
    const url = fx.emu.url;
    await fx.close();
    const started = Date.now();
    await assert.rejects(alfrescoLogin({ url, retry: FAST_RETRY }, 'alice', 'alice-pw'), (err: unknown) => {
      assert.ok(err instanceof UnreachableError);
      assert.equal(err.exitCode, ExitCode.unreachable);
      assert.match(err.message, /ECONNREFUSED/);
      return true;
    });
    assert.ok(Date.now() - started < 3000);
    fx = await startFixture(); // for afterEach
  });

  it('logs out: the ticket stops working, and logging out twice is fine', async () => {
    const { ticket } = await alfrescoLogin(fx.options(), 'alice', 'alice-pw');
    await alfrescoLogout(fx.options(), { ticket });
    const c = new AlfrescoConnector(fx.options(), { ticket });
    await assert.rejects(c.whoami(), AuthError);
    await c.close();
    await alfrescoLogout(fx.options(), { ticket });
    await alfrescoLogout(fx.options(), {});
  });

  it('renews an expired ticket once from username/password and reports the new ticket', async () => {
    const renewed: string[] = [];
    const { ticket } = await alfrescoLogin(fx.options(), 'alice', 'alice-pw');
    const c = new AlfrescoConnector(
      fx.options(),
      { ticket, username: 'alice', password: 'alice-pw' },
      { onTicketRenewed: (t) => renewed.push(t) },
    );
    const root = (await c.resolvePath('proj'))!;
    fx.emu.expireTickets();
    // Many requests fail with 401 at once; only one login may follow.
    const nodes = await Promise.all([1, 2, 3, 4, 5].map(() => c.getNode(root.id)));
    assert.ok(nodes.every((n) => n?.id === root.id));
    assert.equal(renewed.length, 1);
    assert.match(renewed[0]!, /^TICKET_/);
    assert.notEqual(renewed[0], ticket);
    assert.equal(fx.emu.requestLog.filter((r) => r.route === '/tickets').length, 2);
    await c.close();
  });

  it('stops the pass with exit 4 and a login hint when the ticket expired and no password is known', async () => {
    const c = fx.connect('alice', { side: 'onprem' });
    const root = (await c.resolvePath('proj'))!;
    fx.emu.expireTickets();
    await assert.rejects(c.listTree(root.id, { recursive: true }), (err: unknown) => {
      assert.ok(err instanceof AuthError, String(err));
      assert.equal(err.exitCode, ExitCode.auth);
      assert.match(err.message, /ticket expired/);
      assert.equal(err.hint, 'run `cloudsync login onprem`');
      assert.ok(!err.message.includes('TICKET_'));
      return true;
    });
  });

  it('gives up with exit 4 when renewal is refused (password changed)', async () => {
    const c = fx.connect('alice', {}, { ticket: 'TICKET_dead', username: 'alice', password: 'old-pw' });
    await assert.rejects(
      c.whoami(),
      (err: unknown) => err instanceof AuthError && /login failed for alice/.test(err.message),
    );
  });

  it('logs in lazily from username/password alone', async () => {
    const seen: string[] = [];
    const c = new AlfrescoConnector(
      fx.options(),
      { username: 'bob', password: 'bob-pw' },
      { onTicketRenewed: (t) => seen.push(t) },
    );
    assert.equal((await c.whoami()).user, 'bob');
    assert.equal(seen.length, 1);
    await c.close();
  });

  it('sends a token as Bearer and never tries to renew it', async () => {
    const token = fx.emu.state.directory.issue('bob'); // the emulator accepts a ticket id as bearer token
    const c = fx.connect('bob', {}, { token, username: 'bob', password: 'bob-pw' });
    assert.equal((await c.whoami()).user, 'bob');
    fx.emu.expireTickets();
    await assert.rejects(c.whoami(), (err: unknown) => err instanceof AuthError && /token/.test(err.message));
    assert.equal(fx.emu.requestLog.filter((r) => r.route === '/tickets').length, 0);
  });

  it('without any credentials says to log in', async () => {
    const c = fx.connect('alice', {}, {});
    await assert.rejects(
      c.whoami(),
      (err: unknown) => err instanceof AuthError && /not logged in/.test(err.message),
    );
    assert.equal(fx.emu.requestLog.length, 0);
  });
});
