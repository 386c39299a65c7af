import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudsyncError, ExitCode } from '../../src/errors.js';
import { DEFAULT_OPTIONS, STATE_SCHEMA, type MemberState, type SetState } from '../../src/store/schema.js';
import { StateStore, newSetId } from '../../src/store/state-store.js';

/** A minimal valid set state. */
export function sampleState(id: string, members: MemberState[] = []): SetState {
  return {
    schema: STATE_SCHEMA,
    set: {
      id,
      name: 'Projects',
      kind: 'folder',
      createdAt: '2024-01-01T00:00:00.000Z',
      options: { ...DEFAULT_OPTIONS },
      target: { id: 'cloud-1', path: 'Shared' },
      excludes: [],
    },
    members,
    backups: [],
    lastSyncAt: null,
    nextKey: members.length + 1,
  };
}

/** A member with the given key. */
export function member(key: string, status: MemberState['status'] = 'SYNCED'): MemberState {
  return {
    key,
    kind: 'file',
    direct: false,
    parentKey: null,
    onprem: null,
    cloud: null,
    status,
    lastSyncAt: null,
  };
}

/** Assert `p` rejects with a CloudsyncError of this exit code and code. */
async function rejectsWith(p: Promise<unknown>, exitCode: number, code: string): Promise<CloudsyncError> {
  let caught: unknown;
  await assert.rejects(p, (err: unknown) => ((caught = err), true));
  assert.ok(caught instanceof CloudsyncError, String(caught));
  assert.equal(caught.exitCode, exitCode);
  assert.equal(caught.code, code);
  return caught;
}

describe('state store', () => {
  let home: string;
  let store: StateStore;
  let dir: string;

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-store-'));
    store = new StateStore(home, 'default');
    dir = path.join(home, 'state', 'default');
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('saves atomically and loads back; a leftover temp of a crashed save is ignored', async () => {
    await store.save(sampleState('aaaa1111', [member('1')]));
    assert.deepEqual(fs.readdirSync(dir), ['aaaa1111.json']);
    fs.writeFileSync(path.join(dir, 'aaaa1111.json.tmp-4242'), '{"half": ');
    assert.deepEqual(await store.listIds(), ['aaaa1111']);
    const loaded = await store.load('aaaa1111');
    assert.deepEqual(loaded, sampleState('aaaa1111', [member('1')]));
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'aaaa1111.json'), 'utf8')).schema, STATE_SCHEMA);
  });

  it('replays the journal over the snapshot, then save folds it in and empties it', async () => {
    await store.save(sampleState('s1', [member('1'), member('2')]));
    await store.append('s1', { op: 'put', member: member('3', 'PENDING') });
    await store.append('s1', { op: 'put', member: member('1', 'FAILED') });
    await store.append('s1', { op: 'del', key: '2' });
    await store.append('s1', { op: 'meta', lastSyncAt: '2024-02-02T00:00:00.000Z', nextKey: 9 });
    const backup = {
      memberKey: '1',
      side: 'onprem' as const,
      memberPath: 'a',
      file: '/b',
      time: 't',
      reason: 'conflict',
    };
    await store.append('s1', { op: 'backup', backup });
    assert.equal(store.journalMembers('s1'), 3, 'puts and dels: a quiet pass of a large set folds them in');
    // a second store, as a new process would see it
    const second = new StateStore(home, 'default');
    const state = await second.load('s1');
    assert.equal(second.journalMembers('s1'), 3);
    assert.deepEqual(
      state.members.map((m) => [m.key, m.status]),
      [
        ['1', 'FAILED'],
        ['3', 'PENDING'],
      ],
    );
    assert.equal(state.lastSyncAt, '2024-02-02T00:00:00.000Z');
    assert.equal(state.nextKey, 9);
    assert.deepEqual(state.backups, [backup]);
    await store.save(state);
    assert.equal(store.journalMembers('s1'), 0);
    assert.equal(fs.readFileSync(path.join(dir, 's1.journal'), 'utf8'), '');
    assert.deepEqual(await new StateStore(home, 'default').load('s1'), state);
  });

  it('ignores a torn last journal line, and does not let it end up in the middle', async () => {
    await store.save(sampleState('s1'));
    await store.append('s1', { op: 'put', member: member('1') });
    await store.close();
    fs.appendFileSync(path.join(dir, 's1.journal'), '{"op":"put","member":{"ke');
    const fresh = new StateStore(home, 'default');
    assert.deepEqual(
      (await fresh.load('s1')).members.map((m) => m.key),
      ['1'],
    );
    await fresh.append('s1', { op: 'put', member: member('2') });
    await fresh.close();
    assert.deepEqual(
      (await new StateStore(home, 'default').load('s1')).members.map((m) => m.key),
      ['1', '2'],
    );
  });

  it('refuses a corrupt line in the middle of the journal (exit 2)', async () => {
    await store.save(sampleState('s1'));
    fs.writeFileSync(path.join(dir, 's1.journal'), 'garbage\n{"op":"del","key":"1"}\n');
    const err = await rejectsWith(store.load('s1'), ExitCode.usage, 'STATE_CORRUPT');
    assert.match(err.message, /line 1/);
  });

  for (const [label, text] of [
    ['invalid JSON', '{"schema": 1, "set": '],
    ['missing fields', '{"schema": 1}'],
    ['not an object', '[1,2]'],
  ]) {
    it(`refuses a state file with ${label} (exit 2) and leaves its bytes alone`, async () => {
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'bad.json');
      fs.writeFileSync(file, text);
      const err = await rejectsWith(store.load('bad'), ExitCode.usage, 'STATE_CORRUPT');
      assert.ok(err.hint?.includes(file), err.hint);
      await assert.rejects(store.save(sampleState('bad')), /corrupt/);
      assert.equal(fs.readFileSync(file, 'utf8'), text);
    });
  }

  it('refuses a newer schema (exit 2, "upgrade") and never overwrites it', async () => {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'new.json');
    const text = JSON.stringify({ ...sampleState('new'), schema: STATE_SCHEMA + 1, somethingNew: true });
    fs.writeFileSync(file, text);
    const err = await rejectsWith(store.load('new'), ExitCode.usage, 'STATE_NEWER');
    assert.match(err.hint ?? '', /upgrade cloudsync/);
    await rejectsWith(store.save(sampleState('new')), ExitCode.usage, 'STATE_NEWER');
    assert.equal(fs.readFileSync(file, 'utf8'), text);
  });

  it('resolves ids by exact match or unique prefix; unknown and ambiguous are exit 2', async () => {
    for (const id of ['ab12cd34', 'ab99ffff', 'c0ffee00']) await store.save(sampleState(id));
    assert.equal(await store.resolveId('c0'), 'c0ffee00');
    assert.equal(await store.resolveId('ab12'), 'ab12cd34');
    assert.equal(await store.resolveId('ab99ffff'), 'ab99ffff');
    const unknown = await rejectsWith(store.resolveId('zz'), ExitCode.usage, 'UNKNOWN_SET');
    assert.equal(unknown.message, 'no sync set "zz"');
    assert.match(unknown.hint ?? '', /cloudsync list/);
    const ambiguous = await rejectsWith(store.resolveId('ab'), ExitCode.usage, 'AMBIGUOUS_SET');
    assert.match(ambiguous.message, /ab12cd34.*ab99ffff/);
  });

  it('removes both files of a set', async () => {
    await store.save(sampleState('gone'));
    await store.append('gone', { op: 'del', key: 'x' });
    await store.remove('gone');
    assert.deepEqual(fs.readdirSync(dir), []);
    await rejectsWith(store.load('gone'), ExitCode.usage, 'UNKNOWN_SET');
  });

  it('commits 10,000 journal records one by one, all durable on reload', async () => {
    // How fast is measured by the bench (test/bench), never asserted here.
    await store.save(sampleState('big'));
    for (let i = 0; i < 10_000; i++) await store.append('big', { op: 'put', member: member(String(i)) });
    assert.equal((await new StateStore(home, 'default').load('big')).members.length, 10_000);
  });

  it('makes 8-hex-char set ids that clash with no existing id or prefix', () => {
    const existing = ['00000000', 'ffffffff'];
    for (let i = 0; i < 100; i++) {
      const id = newSetId(existing);
      assert.match(id, /^[0-9a-f]{8}$/);
      assert.ok(!existing.includes(id));
    }
  });

  it('lists no sets for a profile that has none yet', async () => {
    assert.deepEqual(await store.listIds(), []);
    assert.deepEqual(await store.loadAll(), []);
  });
});
