// Members kept as their rows until read as objects (store/member-table.ts, engine/lazy-members.ts): what the
// engine asks of a loaded state must be the same whether its members are still rows or already objects.
import assert from 'node:assert/strict';
import { refreshPaths } from '../../src/engine/paths.js';
import { recordedTree } from '../../src/engine/recorded-tree.js';
import { emptyView } from '../../src/engine/view.js';
import type { Connector, Side } from '../../src/connectors/types.js';
import {
  allSettledWithBoth,
  anyDetached,
  anyUnsettled,
  directMembers,
  failedMembers,
  firstDirect,
  liveCount,
  looseMembers,
  memberByKey,
  memberCount,
} from '../../src/engine/lazy-members.js';
import { memberTable } from '../../src/store/member-table.js';
import { DEFAULT_OPTIONS, STATE_SCHEMA, type MemberState, type SetState } from '../../src/store/schema.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  parseSnapshot,
  readState,
  replayJournal,
  serializeRecord,
  serializeSnapshot,
  snapshotChunks,
} from '../../src/store/state-file.js';
import { decodedRows } from '../../src/engine/member-overlay.js';
import { pathsHangOff } from '../../src/engine/paths.js';
import type { JournalRecord } from '../../src/store/schema.js';
import { StateStore } from '../../src/store/state-store.js';
import { scanJournalPut, type JournalPutFields } from '../../src/store/row-scan.js';
import { textAt } from '../../src/store/row-bytes.js';
import { SIDES } from '../../src/connectors/types.js';

const AT = '2026-11-30T01:00:00.000Z';

/** A synced local pair: root P, folder sub, files; `extra` members appended (ino from 100 up). */
function localState(extra: (add: typeof member) => void = () => {}): SetState {
  const members: MemberState[] = [];
  let ino = 100;
  const byKey = new Map<string, MemberState>();
  function member(
    key: string,
    parentKey: string | null,
    name: string,
    kind: 'file' | 'folder',
    more: Partial<MemberState> = {},
  ): MemberState {
    const parent = parentKey === null ? undefined : byKey.get(parentKey);
    const side = (dev: number, s: 'onprem' | 'cloud') => {
      const up = parent?.[s];
      const path = up ? `${up.path}/${name}` : s === 'onprem' ? `src/${name}` : `dst/${name}`;
      return {
        id: `${dev}:${ino++}:1796000000000000000`,
        parentId: up ? up.id : `${dev}:2:1796000000000000000`,
        name,
        token: kind === 'folder' ? 'dir:1796000000123456789' : '12:1796000000123456789',
        size: kind === 'folder' ? 0 : 12,
        mtimeMs: 1796000000123,
        path,
      };
    };
    const m: MemberState = {
      key,
      kind,
      direct: parent === undefined,
      parentKey,
      onprem: side(2049, 'onprem'),
      cloud: side(2050, 'cloud'),
      status: 'SYNCED',
      lastSyncAt: AT,
      ...(kind === 'file' ? { hash: 'a'.repeat(64) } : {}),
      ...more,
    };
    members.push(m);
    byKey.set(key, m);
    return m;
  }
  member('m1', null, 'P', 'folder');
  member('m2', 'm1', 'sub', 'folder');
  member('m3', 'm1', 'a.txt', 'file');
  member('m4', 'm2', 'b.txt', 'file');
  extra(member);
  return {
    schema: STATE_SCHEMA,
    set: {
      id: 'lazy0001',
      name: 'P',
      kind: 'folder',
      createdAt: AT,
      options: { ...DEFAULT_OPTIONS },
      target: { id: '2050:2:1796000000000000000', path: 'dst' },
      excludes: [],
    },
    members,
    backups: [],
    lastSyncAt: AT,
    nextKey: members.length + 1,
  };
}

/** The state as a load gives it (members still rows), and the same state with its members read. */
function loadedTwice(state: SetState): { lazy: SetState; read: SetState } {
  const text = serializeSnapshot(state);
  const lazy = parseSnapshot('t.json', Buffer.from(text)); // as the store reads it: rows scanned from bytes
  const read = parseSnapshot('t.json', text);
  void read.members;
  return { lazy, read };
}

describe('state store: members kept as rows until read', () => {
  it('a loaded snapshot keeps its members as rows; reading them gives exactly the members saved', () => {
    const state = localState();
    const loaded = parseSnapshot('t.json', serializeSnapshot(state));
    assert.ok(memberTable(loaded), 'the member lines were read one by one into a table');
    assert.equal(memberCount(loaded), 4);
    const root = firstDirect(loaded)!;
    assert.equal(root.key, 'm1');
    assert.ok(memberTable(loaded), 'asking for the root decodes the root alone');
    assert.deepEqual(loaded.members, state.members);
    assert.equal(memberTable(loaded), undefined, 'once read, a plain array');
    assert.equal(loaded.members[0], root, 'a member decoded early is the same object');
    assert.deepEqual(JSON.parse(JSON.stringify(loaded)), JSON.parse(JSON.stringify(state)));
  });

  it('a change made to a member decoded early is kept when every member is read', () => {
    const state = localState((add) =>
      add('m5', 'm2', 'c.txt', 'file', {
        status: 'FAILED',
        errorCode: 'SOURCE_NODE_ACCESS_DENIED',
        errorDetails: 'cannot read the set on onprem: denied',
        errorTime: AT,
      }),
    );
    const loaded = parseSnapshot('t.json', serializeSnapshot(state));
    const [failed] = failedMembers(loaded);
    assert.equal(failed!.key, 'm5');
    failed!.status = 'SYNCED';
    delete failed!.errorCode;
    assert.equal(failedMembers(loaded).length, 0, 'the table answers with the change');
    assert.equal(anyUnsettled(loaded), false);
    const m5 = loaded.members.find((m) => m.key === 'm5')!;
    assert.equal(m5, failed);
    assert.equal(m5.status, 'SYNCED');
  });

  const variants: Array<
    [string, (add: Parameters<NonNullable<Parameters<typeof localState>[0]>>[0]) => void]
  > = [
    ['all synced', () => {}],
    [
      'a pending member with one copy',
      (add) => add('m5', 'm2', 'new.txt', 'file', { status: 'PENDING', cloud: null }),
    ],
    ['a requested member', (add) => add('m5', 'm1', 'r.txt', 'file', { requested: true })],
    ['a detached member', (add) => add('m5', 'm1', 'd.txt', 'file', { detached: true })],
    [
      'an explicit path and props',
      (add) => {
        const m = add('m5', 'm2', 'x.txt', 'file', { props: { 'cm:title': 'X' } });
        m.cloud!.path = 'elsewhere/x.txt';
      },
    ],
    ['an orphan', (add) => add('m5', 'gone', 'o.txt', 'file')],
    ['a name with a quote, a backslash and accents', (add) => add('m5', 'm2', 'q"\\é €.txt', 'file')],
    ['a name beyond ASCII only', (add) => add('m5', 'm2', 'résumé – 日本.txt', 'file')],
    ['a file whose parent is a file', (add) => add('m5', 'm3', 'odd.txt', 'file')],
    [
      'a folder of more entries than a lookup scans, names that are prefixes, one place recorded twice',
      (add) => {
        for (let k = 0; k < 60; k++) add(`m${5 + k}`, k % 3 === 0 ? 'm1' : 'm2', `f${k % 30}`, 'file');
        add('m90', 'm2', 'f1', 'file');
        add('m91', 'm2', 'f1.txt', 'file');
      },
    ],
  ];
  for (const [label, extra] of variants) {
    it(`answers as the members would, whatever they hold: ${label}`, () => {
      const saved = localState(extra);
      const { lazy, read } = loadedTwice(saved);
      assert.ok(memberTable(lazy));
      assert.equal(memberCount(lazy), memberCount(read));
      assert.equal(liveCount(lazy), liveCount(read));
      assert.equal(anyDetached(lazy), anyDetached(read));
      assert.equal(anyUnsettled(lazy), anyUnsettled(read));
      assert.equal(allSettledWithBoth(lazy), allSettledWithBoth(read));
      assert.deepEqual(
        directMembers(lazy).map((m) => m.key),
        directMembers(read).map((m) => m.key),
      );
      assert.deepEqual(
        failedMembers(lazy).map((m) => m.key),
        failedMembers(read).map((m) => m.key),
      );
      assert.equal(looseMembers(read), undefined, 'members read: every path is checked');
      const loose = looseMembers(lazy);
      if (loose)
        assert.deepEqual(
          loose.map(([m]) => m.key),
          read.members
            .filter((m) => m.direct || !read.members.some((p) => p.key === m.parentKey))
            .map((m) => m.key),
        );
      else assert.ok(label === 'a detached member' || label === 'an explicit path and props', label);
      for (const side of SIDES) {
        const rootId = firstDirect(read)![side]!.id;
        const a = recordedTree(lazy, side, rootId);
        const b = recordedTree(read, side, rootId);
        assert.equal(a.count, b.count);
        for (let i = 0; i < b.count; i++) {
          const n = b.node(i);
          const four = ({ id, parentId, name, token }: typeof n) => ({ id, parentId, name, token });
          assert.deepEqual(four(a.node(i)), four(n));
          assert.equal(a.kind(i), b.kind(i));
          assert.equal(a.find(n.parentId!, n.name), b.find(n.parentId!, n.name));
          assert.equal(a.find(n.parentId!, `${n.name}.x`), b.find(n.parentId!, `${n.name}.x`));
          assert.equal(a.numberOf(n.id), b.numberOf(n.id));
          // compared in place, never a false match: a longer or shorter string, a quote where the field ends
          assert.equal(a.isAt(i, n.parentId!, n.name), true);
          for (const [parentId, name] of [
            [n.parentId!, `${n.name}x`],
            [n.parentId!, n.name.slice(0, -1)],
            [`${n.parentId}x`, n.name],
            [n.parentId!, `${n.name}"],[0,`],
          ] as const)
            assert.equal(a.isAt(i, parentId, name), false, `${parentId} ${name}`);
          assert.equal(a.isSame(i, n.id, n.token), true);
          assert.equal(a.isSame(i, n.id, undefined), true);
          for (const [id, token] of [
            [n.id.slice(0, -1), undefined],
            [`${n.id}0`, n.token],
            [`${n.id}",`, undefined],
            [n.id, `${n.token}0`],
            [n.id, `${n.token.slice(0, -1)}"`],
            [n.id, n.token.slice(0, -1)],
          ] as const)
            assert.equal(a.isSame(i, id, token), false, `${id} ${token}`);
        }
        assert.equal(a.numberOf('no such id'), -1);
        assert.equal(a.find('no such folder', 'a.txt'), -1);
      }
      for (const m of read.members) assert.deepEqual(memberByKey(lazy, m.key), m);
      assert.equal(memberByKey(lazy, 'no such key'), undefined);
      assert.ok(memberTable(lazy), 'none of that read the members as objects');
      assert.deepEqual(lazy.members, saved.members);
      assert.deepEqual(read.members, saved.members);
    });
  }

  it('a snapshot of megabytes is written in pieces, never held whole, and reads back the same', async () => {
    const state = localState((add) => {
      for (let k = 0; k < 9000; k++) add(`m${5 + k}`, k % 2 ? 'm1' : 'm2', `file ${k}.txt`, 'file');
    });
    const pieces = [...snapshotChunks(state)];
    assert.ok(pieces.length >= 4, `${pieces.length} pieces`);
    // Each piece under V8's large-object size (128 KiB, even as two-byte text): it dies young.
    assert.ok(Math.max(...pieces.map((p) => p.length)) < 2 ** 16, 'no piece of 64 KiB characters or more');
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-chunks-'));
    const store = new StateStore(home, 'default');
    try {
      await store.save(state);
      const file = path.join(home, 'state', 'default', `${state.set.id}.json`);
      assert.equal(fs.readFileSync(file, 'utf8'), pieces.join(''));
      const loaded = await store.load(state.set.id);
      assert.equal(memberCount(loaded), 9004);
      assert.ok(memberTable(loaded), 'its rows are kept as rows');
      assert.deepEqual(loaded.members, state.members);
      // and with no member at all
      const empty = { ...state, members: [] };
      assert.deepEqual(parseSnapshot('t.json', [...snapshotChunks(empty)].join('')).members, []);
    } finally {
      await store.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  /** Connectors that answer a node's path from `where` (by id), as the state recorded it otherwise. */
  const pathsFrom = (state: SetState, where: Map<string, string>): Record<Side, Connector> => {
    const recorded = new Map(state.members.flatMap((m) => SIDES.map((s) => [m[s]!.id, m[s]!.path] as const)));
    const c = {
      pathOf: async (id: string) => where.get(id) ?? recorded.get(id) ?? null,
    } as unknown as Connector;
    return { onprem: c, cloud: c };
  };
  const views = { onprem: emptyView('onprem'), cloud: emptyView('cloud') };

  it('path refresh over rows: nothing visited when the root stayed, every path when it moved', async () => {
    const state = localState();
    const text = serializeSnapshot(state);
    const quiet = parseSnapshot('t.json', text);
    assert.deepEqual(await refreshPaths(quiet, pathsFrom(state, new Map()), views), []);
    assert.ok(memberTable(quiet), 'no member was read as an object');

    const moved = parseSnapshot('t.json', text);
    const rootId = state.members[0]!.onprem!.id;
    const changed = await refreshPaths(moved, pathsFrom(state, new Map([[rootId, 'moved/P']])), views);
    assert.deepEqual(changed.map((m) => m.key).sort(), ['m1', 'm2', 'm3', 'm4']);
    assert.deepEqual(
      moved.members.map((m) => [m.onprem!.path, m.cloud!.path]),
      [
        ['moved/P', 'dst/P'],
        ['moved/P/sub', 'dst/P/sub'],
        ['moved/P/a.txt', 'dst/P/a.txt'],
        ['moved/P/sub/b.txt', 'dst/P/sub/b.txt'],
      ],
    );
  });
});

describe('state store: a journal replayed onto rows (issue 11)', () => {
  /** A small seeded generator (the same records on every run). */
  const prng = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  /** A tree: 12 folders below P and sub, files spread over them. */
  const tree = () =>
    localState((add) => {
      for (let k = 0; k < 12; k++) add(`d${k}`, k < 4 ? 'm1' : `d${k % 4}`, `dir ${k}`, 'folder');
      for (let k = 0; k < 150; k++) add(`f${k}`, k % 3 ? `d${k % 12}` : 'm2', `file ${k}.txt`, 'file');
    });
  /** A copy of `m` put below `parent` as `name`, its paths and parent ids following (what a pass journals). */
  const placed = (m: MemberState, parent: MemberState, name: string, token?: string): MemberState => {
    const c = structuredClone(m);
    c.parentKey = parent.key;
    for (const s of SIDES) {
      c[s]!.parentId = parent[s]!.id;
      c[s]!.name = name;
      c[s]!.path = `${parent[s]!.path}/${name}`;
      if (token) {
        c[s]!.token = token;
        c[s]!.size = Number(token.slice(0, token.indexOf(':'))); // as the local connector's token gives it
      }
    }
    return c;
  };
  /** Journal records as a pass writes them: updates, moves, adds, deletes, a delete then a put of one key. */
  function journal(state: SetState, seed: number): JournalRecord[] {
    const r = prng(seed);
    const now = new Map(state.members.map((m) => [m.key, m]));
    const folders = () => [...now.values()].filter((m) => m.kind === 'folder');
    const any = () => [...now.values()][1 + Math.floor(r() * (now.size - 1))]!;
    const recs: JournalRecord[] = [];
    const put = (m: MemberState) => {
      now.set(m.key, m);
      recs.push({ op: 'put', member: m });
    };
    for (let n = 0; n < 60; n++) {
      const pick = r();
      const m = any();
      const parent = now.get(m.parentKey ?? '') ?? now.get('m1')!;
      if (pick < 0.35) put(placed(m, parent, m.onprem!.name, `${13 + n}:1796000000123456789`));
      else if (pick < 0.5) {
        // a move; a folder's entries follow it, as the path refresh at the end of a pass journals them
        const to = folders()[Math.floor(r() * folders().length)]!;
        let up: MemberState | undefined = to;
        while (up && up.key !== m.key) up = now.get(up.parentKey ?? '');
        if (up) continue; // not into itself
        const moved = placed(m, to, `${m.onprem!.name} moved`);
        put(moved);
        const follow = (p: MemberState) => {
          for (const c of [...now.values()].filter((x) => x.parentKey === p.key)) {
            const cc = placed(c, now.get(p.key)!, c.onprem!.name);
            put(cc);
            follow(cc);
          }
        };
        follow(moved);
      } else if (pick < 0.7) {
        const key = n % 2 ? `m${state.nextKey + n}` : `n${n}`; // made after the snapshot, or any key
        const to = folders()[Math.floor(r() * folders().length)]!;
        put(placed({ ...structuredClone(now.get('m3')!), key }, to, `new ${n}.txt`));
      } else if (pick < 0.8 && m.kind === 'file') {
        now.delete(m.key);
        recs.push({ op: 'del', key: m.key });
      } else if (pick < 0.9 && m.kind === 'file') {
        now.delete(m.key);
        recs.push({ op: 'del', key: m.key });
        put(placed(m, parent, `${m.onprem!.name} again`));
      } else recs.push({ op: 'meta', lastSyncAt: `2026-11-30T02:${String(n).padStart(2, '0')}:00.000Z` });
    }
    return recs;
  }
  const text = (recs: JournalRecord[]) => recs.map((x) => serializeRecord(x, STATE_SCHEMA) + '\n').join('');

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`reads as a replay onto every member does, decoding only what the records name (seed ${seed})`, () => {
      const state = tree();
      const snapshot = serializeSnapshot(state);
      const recs = journal(state, seed);
      const torn = text(recs) + '{"op":"put","row":["x",0';
      const lazy = replayJournal('t.journal', torn, parseSnapshot('t.json', Buffer.from(snapshot)));
      const whole = parseSnapshot('t.json', snapshot);
      void whole.members; // objects before the replay: the replay by key
      replayJournal('t.journal', torn, whole);
      const table = memberTable(lazy);
      assert.ok(table, 'the members are still rows after the replay');
      const named = new Set(
        recs.flatMap((x) => (x.op === 'put' ? [x.member.key] : x.op === 'del' ? [x.key] : [])),
      );
      const decoded = decodedRows(lazy)!;
      assert.ok(decoded <= named.size + 20, `${decoded} rows decoded for ${named.size} keys named`);
      assert.equal(memberCount(lazy), whole.members.length);
      assert.equal(lazy.lastSyncAt, whole.lastSyncAt);
      if (!pathsHangOff(whole)) assert.equal(pathsHangOff(lazy), false, 'a stale path is never hidden');
      // folded into a snapshot: the rows nothing changed are copied, the file reads back the same members
      const folded = serializeSnapshot(lazy);
      assert.ok(memberTable(lazy), 'writing the snapshot did not read the members as objects');
      assert.ok(decodedRows(lazy)! <= decoded + 40, 'writing it decoded few more rows');
      const reread = parseSnapshot('t.json', Buffer.from(folded));
      assert.deepEqual(reread.members, whole.members);
      assert.deepEqual(reread.lastSyncAt, whole.lastSyncAt);
      assert.deepEqual(
        lazy.members.map((m) => m.key),
        whole.members.map((m) => m.key),
        'the same members in the same order',
      );
      assert.deepEqual(lazy.members, whole.members);
    });

    it(`reads the same from the journal's bytes, updates kept as bytes (seed ${seed})`, () => {
      const state = tree();
      const snapshot = Buffer.from(serializeSnapshot(state));
      const recs = journal(state, seed);
      const torn = text(recs) + '{"op":"put","row":["x",0';
      const bytes = Buffer.concat([snapshot, Buffer.from(torn)]);
      const read = readState('t.json', 't.journal', bytes, snapshot.length);
      const lazy = replayJournal('t.journal', torn, parseSnapshot('t.json', snapshot));
      const whole = parseSnapshot('t.json', snapshot.toString());
      void whole.members;
      replayJournal('t.journal', torn, whole);
      assert.ok(memberTable(read), 'the members are still rows after the replay');
      assert.ok(decodedRows(read)! <= decodedRows(lazy)!, 'no more rows decoded than a replay of strings');
      assert.equal(pathsHangOff(read), pathsHangOff(lazy));
      if (!pathsHangOff(whole)) assert.equal(pathsHangOff(read), false, 'a stale path is never hidden');
      const folded = parseSnapshot('t.json', Buffer.from(serializeSnapshot(read)));
      assert.deepEqual(folded.members, whole.members, 'folded into a snapshot');
      assert.deepEqual(read.members, whole.members);
    });
  }

  it('a journal of file updates is read from its bytes with no member decoded', () => {
    const state = tree();
    const snapshot = Buffer.from(serializeSnapshot(state));
    const files = state.members.filter((m) => m.kind === 'file' && !m.direct);
    const byKey = new Map(state.members.map((m) => [m.key, m]));
    const recs: JournalRecord[] = files.slice(0, 40).map((m, n) => ({
      op: 'put',
      member: placed(m, byKey.get(m.parentKey!)!, m.onprem!.name, `${100 + n}:1796000000123456789`),
    }));
    recs.push({ op: 'meta', lastSyncAt: '2026-11-30T03:00:00.000Z' });
    const journalText = text(recs);
    const read = readState(
      't.json',
      't.journal',
      Buffer.concat([snapshot, Buffer.from(journalText)]),
      snapshot.length,
    );
    const atLoad = decodedRows(parseSnapshot('t.json', snapshot))!;
    assert.equal(decodedRows(read), atLoad, 'no row decoded beyond those a load decodes (the root)');
    assert.equal(read.lastSyncAt, '2026-11-30T03:00:00.000Z');
    assert.equal(pathsHangOff(read), true);
    const expected = replayJournal('t.journal', journalText, structuredClone(state));
    assert.deepEqual(read.members, expected.members);
    // a record whose path does not hang off its folder (a kill before a path refresh) is decoded instead
    const stale = structuredClone(recs[0]!) as { op: 'put'; member: MemberState };
    stale.member.onprem!.path = 'src/elsewhere/x.txt';
    const odd = readState(
      't.json',
      't.journal',
      Buffer.concat([snapshot, Buffer.from(text([stale]))]),
      snapshot.length,
    );
    assert.ok(decodedRows(odd)! > atLoad, 'that record decoded');
    assert.equal(pathsHangOff(odd), false);
    assert.equal(memberByKey(odd, stale.member.key)!.onprem!.path, 'src/elsewhere/x.txt');
  });

  it('reads an update record in place exactly as JSON.parse reads it, and nothing that is not that shape', () => {
    const row = [
      'm189',
      0,
      'm7',
      '2026-11-30T21:34:48.381Z',
      [
        11,
        '65024:4489217:17960',
        '3393:1796074477592000000',
        '65024:44:1796',
        'doc-519.md',
        'tree/d/doc-519.md',
      ],
      [9, '65024:4499995:17960', '3393:1796074477592214953', '65024:45:1796', 'dst/tree/d/doc-519.md'],
      'd668b596c9',
    ];
    const scan = (line: string): JournalPutFields | undefined => {
      const buf = Buffer.from(`xx${line}\n`);
      const out = {} as JournalPutFields;
      return scanJournalPut(buf, 2, buf.length - 1, out) ? read(buf, out) : undefined;
    };
    const read = (buf: Buffer, f: JournalPutFields) =>
      Object.fromEntries(
        Object.entries(f).map(([k, at]) => [k, k === 'flags' ? at : at < 0 ? null : textAt(buf, at)]),
      ) as unknown as JournalPutFields;
    const line = (r: unknown[]) => JSON.stringify({ op: 'put', row: r });
    const fields = (r: unknown[]) => {
      const on = r[4] as unknown[] | 0;
      const cl = r[5] as unknown[] | 0;
      return {
        key: r[0],
        flags: r[1],
        parentKey: r[2],
        synced: r[3] || null,
        onId: on ? on[1] : null,
        onToken: on ? on[2] : null,
        onParentId: on ? on[3] : null,
        name: on ? on[4] : null,
        onPath: on ? on[5] : null,
        cloudId: cl ? cl[1] : null,
        cloudToken: cl ? cl[2] : null,
        cloudParentId: cl ? cl[3] : null,
        cloudPath: cl ? cl[4] : null,
        hash: r[6] || null,
      };
    };
    for (const r of [row, [...row.slice(0, 3), 0, row[4], 0, 0], [...row.slice(0, 4), 0, 0, row[6]]])
      assert.deepEqual(scan(line(r)), fields(r));
    const good = line(row);
    for (const bad of [
      good.replace('"m7",', '"m7",,'), // two commas
      good.replace('[9,', '[09,'),
      good.replace('[11,', '[1,'),
      good.replace('"m189",0', '"m189",100'),
      good.replace('"m189",0', '"m189",00'),
      good.replace(',"d668b596c9"]', ',"d668b596c9",0]'),
      good.replace(',"d668b596c9"]', ',"d668b596c9"]]'),
      good.replace(',"d668b596c9"]', ',"d668b596c9"'),
      good.replace('"2026-11-30T21:34:48.381Z"', '[]'),
      good.replace('"2026-11-30T21:34:48.381Z"', '1'),
      good.replace('"tree/d/doc-519.md"', '"tree/d/doc-519.md",0'),
      good.replace('"dst/tree/d/doc-519.md"', '0'),
      good.replace('"m7"', 'm7'),
      good.replace('"m7"', '"m\\"7"'),
      good.replace('}', ',"x":1}'),
      good.replace('"op":"put"', '"op":"del"'),
      good + ' ',
    ]) {
      assert.notEqual(bad, good);
      assert.equal(scan(bad), undefined, bad);
    }
  });

  it('a folder moved in the journal without the paths below it: the next pass checks every path', () => {
    const state = tree();
    const snapshot = serializeSnapshot(state);
    const d1 = state.members.find((m) => m.key === 'd1')!;
    const moved = placed(
      d1,
      state.members.find((m) => m.key === 'd0')!,
      'dir 1 moved',
    );
    const killed = replayJournal(
      't.journal',
      text([{ op: 'put', member: moved }]),
      parseSnapshot('t.json', Buffer.from(snapshot)),
    );
    assert.ok(memberTable(killed));
    assert.equal(pathsHangOff(killed), false, 'killed between the move and its path refresh');
    // the entries below it as the snapshot recorded them (a full replay gives the same)
    const f1 = memberByKey(killed, 'f1')!;
    assert.equal(f1.onprem!.path, 'src/P/dir 1/file 1.txt');
    assert.equal(f1.onprem!.parentId, d1.onprem!.id);
    const folded = parseSnapshot('t.json', Buffer.from(serializeSnapshot(killed)));
    assert.equal(pathsHangOff(folded), false, 'still so once folded into the snapshot');
    assert.equal(memberByKey(folded, 'f1')!.onprem!.path, 'src/P/dir 1/file 1.txt');
    assert.equal(memberByKey(folded, 'd1')!.onprem!.path, 'src/P/dir 0/dir 1 moved');

    const recs: JournalRecord[] = [{ op: 'put', member: moved }];
    const follow = (from: MemberState, to: MemberState) => {
      for (const c of state.members.filter((m) => m.parentKey === from.key)) {
        const cc = placed(c, to, c.onprem!.name);
        recs.push({ op: 'put', member: cc });
        follow(c, cc);
      }
    };
    follow(d1, moved);
    const done = replayJournal('t.journal', text(recs), parseSnapshot('t.json', Buffer.from(snapshot)));
    assert.equal(pathsHangOff(done), true, 'the move and its refresh both journaled: paths hang off');
    assert.equal(memberByKey(done, 'f1')!.onprem!.path, 'src/P/dir 0/dir 1 moved/file 1.txt');
  });

  it('a store load after a pass that changed members keeps the rows (and the next save folds them in)', async () => {
    const state = tree();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-journal-rows-'));
    const store = new StateStore(home, 'default');
    try {
      await store.save(state);
      const recs = journal(state, 11);
      await store.appendMany(state.set.id, recs);
      await store.close();
      const again = new StateStore(home, 'default');
      const loaded = await again.load(state.set.id);
      assert.ok(memberTable(loaded), 'rows kept after replaying the journal');
      const expected = replayJournal('j', text(recs), structuredClone(state));
      assert.deepEqual(loaded.members, expected.members);
      await again.save(loaded);
      await again.close();
      const j = fs.statSync(path.join(again.dir, `${state.set.id}.journal`), { throwIfNoEntry: false });
      assert.ok(!j || j.size === 0, 'folded in');
      const third = new StateStore(home, 'default');
      assert.deepEqual((await third.load(state.set.id)).members, expected.members);
      await third.close();
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
