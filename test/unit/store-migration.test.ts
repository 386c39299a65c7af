import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudsyncError, ExitCode } from '../../src/errors.js';
import { decodeMember, encodeMember, Interner } from '../../src/store/member-rows.js';
import { STATE_SCHEMA, type MemberState, type SetState } from '../../src/store/schema.js';
import { parseSnapshot, serializeSnapshot } from '../../src/store/state-file.js';
import { StateStore } from '../../src/store/state-store.js';
import { V1_JOURNAL, V1_SNAPSHOT } from './fixtures/state-v1.js';

const ID = 'f1c0ffee';

/** What the schema 1 fixture means: its snapshot with its journal applied (m7 put, m5 deleted, new meta). */
function expectedState(): SetState {
  const snap = JSON.parse(V1_SNAPSHOT) as SetState;
  const m7 = (JSON.parse(V1_JOURNAL.split('\n')[1]!) as { member: MemberState }).member;
  return {
    ...snap,
    members: [...snap.members.filter((m) => m.key !== 'm5'), m7],
    lastSyncAt: '2026-11-20T10:05:00.000Z',
    nextKey: 8,
  };
}

describe('state store: schema 2 (compact rows) and the migration from schema 1', () => {
  let home: string;
  let dir: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-migrate-'));
    dir = path.join(home, 'state', 'default');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(dir, `${ID}.json`), V1_SNAPSHOT, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, `${ID}.journal`), V1_JOURNAL, { mode: 0o600 });
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  const read = (ext: string) => fs.readFileSync(path.join(dir, ID + ext), 'utf8');
  const { schema: _s, ...rest } = expectedState();
  const sameState = (got: SetState) => {
    const { schema: _g, ...gotRest } = got;
    assert.deepEqual(gotRest, rest);
  };

  it('reads a schema 1 snapshot + journal written by the previous release, unchanged', async () => {
    const store = new StateStore(home, 'default');
    const state = await store.load(ID);
    sameState(state);
    assert.equal(state.schema, 1);
    // the next pass must rewrite it: the store reports the old snapshot as due for compaction
    assert.equal(store.journalLength(ID), Number.POSITIVE_INFINITY);
    await store.close();
  });

  it('keeps journaling in schema 1 beside a schema 1 snapshot (an older release can still read both)', async () => {
    const store = new StateStore(home, 'default');
    const state = await store.load(ID);
    await store.append(ID, { op: 'put', member: { ...state.members[0]!, status: 'PENDING' } });
    await store.close();
    const last = read('.journal').trimEnd().split('\n').pop()!;
    assert.equal((JSON.parse(last) as { member: MemberState }).member.status, 'PENDING');
  });

  it('save migrates in place: schema 2 rows, far fewer bytes, the same state on reload, journal emptied', async () => {
    const store = new StateStore(home, 'default');
    await store.save(await store.load(ID));
    await store.close();
    const text = read('.json');
    const data = JSON.parse(text) as { schema: number; members: unknown[] };
    assert.equal(data.schema, STATE_SCHEMA);
    assert.equal(STATE_SCHEMA, 2);
    assert.ok(data.members.every(Array.isArray), 'every member is a row');
    assert.ok(text.length < V1_SNAPSHOT.length * 0.8, `${text.length} vs ${V1_SNAPSHOT.length} bytes`);
    assert.ok(!fs.existsSync(path.join(dir, `${ID}.journal`)), 'the journal was folded in');
    const again = new StateStore(home, 'default');
    const state = await again.load(ID);
    sameState(state);
    assert.equal(again.journalLength(ID), 0);
    // journal records now go in schema 2 (rows) and replay to the same members
    const m2 = state.members.find((m) => m.key === 'm2')!;
    m2.status = 'FAILED';
    m2.errorCode = 'UNKNOWN';
    await again.append(ID, { op: 'put', member: m2 });
    await again.close();
    assert.match(read('.journal'), /^\{"op":"put","row":\["m2",/);
    const third = await new StateStore(home, 'default').load(ID);
    assert.deepEqual(
      third.members.find((m) => m.key === 'm2'),
      m2,
    );
  });

  it('a schema 2 file says so first: an older release refuses it (exit 2) instead of misreading it', async () => {
    const store = new StateStore(home, 'default');
    await store.save(await store.load(ID));
    await store.close();
    // every release checks "schema" before anything else and refuses a higher one (STATE_NEWER)
    assert.match(read('.json'), /^\{\n "schema": 2,/);
    const newer = read('.json').replace('"schema": 2', '"schema": 3');
    fs.writeFileSync(path.join(dir, `${ID}.json`), newer);
    await assert.rejects(new StateStore(home, 'default').load(ID), (err: unknown) => {
      assert.ok(err instanceof CloudsyncError);
      assert.equal(err.exitCode, ExitCode.usage);
      assert.match(err.message, /newer cloudsync \(schema 3, this one reads up to 2\)/);
      return true;
    });
    assert.equal(read('.json'), newer, 'left untouched');
  });

  it('rows round-trip every field, in snapshots (derived from the parent) and journal records (explicit)', () => {
    const state = expectedState();
    // a child listed before its parent, and a parent cycle: both must still come back exactly
    const child = { ...state.members[1]!, key: 'm9' };
    const loopA: MemberState = { ...state.members[5]!, key: 'm10', parentKey: 'm11' };
    const loopB: MemberState = { ...state.members[5]!, key: 'm11', parentKey: 'm10' };
    const members = [child, ...state.members, loopA, loopB];
    const back = parseSnapshot('x', serializeSnapshot({ ...state, members }));
    const byKey = new Map(back.members.map((m) => [m.key, m]));
    for (const m of members) assert.deepEqual(byKey.get(m.key), m);
    assert.equal(back.members[0]!.key, 'm1', 'parents are written first');
    for (const m of members) {
      const row = JSON.parse(JSON.stringify(encodeMember(m))) as unknown;
      assert.deepEqual(
        decodeMember(row, () => undefined, new Interner()),
        m,
      );
    }
  });

  it('a side whose size and mtime the token gives round-trips whatever the token (the digit-by-digit read)', () => {
    const base = expectedState().members.find((m) => m.onprem && m.kind === 'file')!;
    const tokens = [
      '0:1700000000000000000',
      '12:1700000000499999999',
      '12:1700000000500000000',
      '12:1796001614618123456',
      '12:1796001614618723456',
      '999999999999999:4102444800123456789', // 2100: past the exact range of the fast read
      '1234567890123456789:1700000000000000000', // a size of 19 digits
      'dir:1700000000000000123',
      '7:1234567', // 7 digits of ns, the shortest a local token has
      '7:123456', // too short: not a local token, size and mtime written out
      'x7:1700000000000000000',
      '-1:1700000000000000000',
      'abc',
    ];
    for (const token of tokens) {
      const colon = token.indexOf(':');
      const size = Number(token.slice(0, colon));
      const mtimeMs = Math.round(Number(token.slice(colon + 1)) / 1e6);
      const m: MemberState = {
        ...base,
        onprem: {
          ...base.onprem!,
          token,
          size: token.startsWith('dir') ? 0 : Number.isFinite(size) ? size : 5,
          mtimeMs: Number.isFinite(mtimeMs) ? mtimeMs : 6,
        },
      };
      const row = JSON.parse(JSON.stringify(encodeMember(m))) as [string, number, unknown, unknown, number[]];
      assert.deepEqual(
        decodeMember(row, () => undefined, new Interner()),
        m,
        token,
      );
      // where the rule `Number(size)`, `round(Number(ns) / 1e6)` applies, the row leaves both out (bit 4)
      const local = /^(\d+|dir):\d{7,}$/.test(token);
      assert.equal((row[4][0]! & 4) === 0, local, `${token}: size and mtime derived`);
    }
  });

  it('refuses a damaged row with exit 2 naming the member', () => {
    const text = serializeSnapshot(expectedState()).replace('["m2",', '["m2","oops",');
    assert.throws(
      () => parseSnapshot('f.json', text),
      (err: unknown) =>
        err instanceof CloudsyncError && err.exitCode === ExitCode.usage && /member 2:/.test(err.message),
    );
  });
});
