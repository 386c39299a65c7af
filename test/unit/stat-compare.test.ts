// The no-change walk compares a file's number lstat with its recorded id and token on numbers (issue 11,
// store/stat-fields.ts) and lstat-s names from inside their folder (connectors/local/folder-cwd.ts): what
// it finds must be exactly what comparing the strings finds, for a state kept as rows or as objects.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../../src/connectors/local/index.js';
import type { RemoteNode } from '../../src/connectors/types.js';
import { snapshotOf } from '../../src/engine/reconcile-base.js';
import {
  compileExcludes,
  DEFAULT_EXCLUDES,
  DEFAULT_NAME_SOURCE,
  oneRegExp,
} from '../../src/engine/excludes.js';
import { recordedTree } from '../../src/engine/recorded-tree.js';
import { memberTable } from '../../src/store/member-table.js';
import { DEFAULT_OPTIONS, STATE_SCHEMA, type MemberState, type SetState } from '../../src/store/schema.js';
import { statIdIs, statTokenIs, type StatNumbers } from '../../src/store/stat-fields.js';
import { parseSnapshot, serializeSnapshot } from '../../src/store/state-file.js';

const AT = '2026-11-30T12:00:00.000Z';

/** A state recording `nodes` (a listing of the folder `root`) on both sides, as a sync would have. */
function stateOf(root: RemoteNode, nodes: RemoteNode[]): SetState {
  const keyOf = new Map<string, string>([[root.id, 'm0']]);
  const pathOf = new Map<string, string>([[root.id, 'R']]);
  const members: MemberState[] = [root, ...nodes].map((n, k) => {
    keyOf.set(n.id, `m${k}`);
    const p = n === root ? 'R' : `${pathOf.get(n.parentId!)}/${n.name}`;
    pathOf.set(n.id, p);
    const side = snapshotOf(n, p);
    return {
      key: `m${k}`,
      kind: n.kind,
      direct: n === root,
      parentKey: n === root ? null : keyOf.get(n.parentId!)!,
      onprem: side,
      cloud: { ...side },
      status: 'SYNCED',
      lastSyncAt: AT,
      ...(n.kind === 'file' ? { hash: 'a'.repeat(64) } : {}),
    };
  });
  return {
    schema: STATE_SCHEMA,
    set: {
      id: 'stat0001',
      name: 'R',
      kind: 'folder',
      createdAt: AT,
      options: { ...DEFAULT_OPTIONS },
      target: { id: root.parentId!, path: '' },
      excludes: [],
    },
    members,
    backups: [],
    lastSyncAt: AT,
    nextKey: members.length,
  };
}

describe('no-change walk: files compared on numbers, from inside their folder (issue 11)', () => {
  let base: string;
  let root: string;
  beforeEach(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'cloudsync-statcmp-'));
    root = path.join(base, 'R');
    await mkdir(path.join(root, 'a', 'b'), { recursive: true });
    for (const f of ['x', 'y', 'z']) await writeFile(path.join(root, 'a', 'b', `${f}.txt`), `${f}${f}`);
    await writeFile(path.join(root, 'top.txt'), 'top');
    await writeFile(path.join(root, 'empty.txt'), '');
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  async function recorded(): Promise<{ top: RemoteNode; nodes: RemoteNode[]; state: SetState }> {
    const c = new LocalConnector(base);
    const top = (await c.resolvePath('R'))!;
    const { nodes } = await c.listTree(top.id, { recursive: true });
    return { top, nodes, state: stateOf(top, nodes) };
  }

  /** The state as the store loads it (rows read from the file's bytes) and with its members as objects. */
  function bothForms(state: SetState): Array<[string, SetState]> {
    const text = serializeSnapshot(state);
    const rows = parseSnapshot('s.json', Buffer.from(text));
    assert.ok(memberTable(rows), 'kept as rows');
    const objects = parseSnapshot('s.json', text);
    void objects.members;
    return [
      ['rows', rows],
      ['objects', objects],
    ];
  }

  it('every recorded file matches its own lstat on numbers, and no other file', async () => {
    const { top, nodes, state } = await recorded();
    for (const [form, s] of bothForms(state)) {
      const tree = recordedTree(s, 'onprem', top.id);
      const files = [...Array(tree.count).keys()].filter((i) => tree.kind(i) === 'file');
      assert.equal(files.length, 5);
      const absOf = (id: string): string => {
        const n = nodes.find((x) => x.id === id);
        return n ? path.join(absOf(n.parentId!), n.name) : root;
      };
      const statOf = (i: number) => fs.lstatSync(absOf(tree.node(i).id));
      for (const i of files) {
        assert.equal(tree.isSameFile!(i, statOf(i)), true, `${form}: ${tree.node(i).name}`);
        for (const j of files) if (j !== i) assert.equal(tree.isSameFile!(j, statOf(i)), false);
      }
    }
  });

  it('finds a same-size edit 1 ms or 2 µs later, as the string compare does; the working folder is kept', async () => {
    const { top, state } = await recorded();
    const cwd = process.cwd();
    const y = path.join(root, 'a', 'b', 'y.txt');
    const before = fs.lstatSync(y, { bigint: true });
    for (const [form, s] of bothForms(state)) {
      const unchanged = await new LocalConnector(base).compareTree(
        top.id,
        recordedTree(s, 'onprem', top.id),
        {
          recursive: true,
        },
      );
      assert.equal(unchanged.changed, 0, form);
      assert.equal(unchanged.sameCount, 7, form);
      assert.equal(process.cwd(), cwd, 'the walk gives the working folder back');
    }
    const sec = Number(before.mtimeNs / 1_000_000_000n);
    for (const later of [0.001, 0.000002]) {
      await writeFile(y, 'YY'); // same size
      await utimes(y, sec, sec + later);
      const after = fs.lstatSync(y, { bigint: true });
      assert.notEqual(after.mtimeNs, before.mtimeNs);
      for (const [form, s] of bothForms(state)) {
        const delta = await new LocalConnector(base).compareTree(top.id, recordedTree(s, 'onprem', top.id), {
          recursive: true,
        });
        assert.equal(delta.changed, 1, `${form}, ${later} s later`);
        assert.equal(delta.changedNodes[0]!.name, 'y.txt');
        assert.equal(
          delta.changedNodes[0]!.token,
          `2:${after.mtimeNs}`,
          'the node is built from the exact stat',
        );
        assert.equal(process.cwd(), cwd);
      }
    }
  });

  it('a folder that cannot be read mid-walk: skipped, and the working folder is still given back', async () => {
    const { top, state } = await recorded();
    const cwd = process.cwd();
    const [, rows] = bothForms(state)[0]!;
    const c = new LocalConnector(base, {
      readDir: async (dir) => {
        if (dir.endsWith(`${path.sep}b`)) throw Object.assign(new Error('denied'), { code: 'EACCES' });
        return fs.readdirSync(dir, { withFileTypes: true });
      },
    });
    const delta = await c.compareTree(top.id, recordedTree(rows, 'onprem', top.id), { recursive: true });
    assert.deepEqual(
      delta.skipped.map((s) => [s.path, s.reason]),
      [['R/a/b', 'unreadable folder']],
    );
    assert.equal(delta.changed, 0);
    assert.equal(delta.sameCount, 4);
    assert.equal(process.cwd(), cwd);
  });

  it('reads only ids and tokens written as the walk writes them', () => {
    const st: StatNumbers = {
      dev: 2049,
      ino: 77,
      size: 12,
      mtimeMs: 1796000000 * 1e3 + 123456789 / 1e6,
      birthtimeMs: 1796000000000,
    };
    assert.equal(statIdIs('2049:77:1796000000000000000', 0, st), true);
    assert.equal(statIdIs('2049:77', 0, st), false, 'a birth time is part of the id when there is one');
    assert.equal(statIdIs('2049:77', 0, { ...st, birthtimeMs: 0 }), true);
    assert.equal(statIdIs('2049:077:1796000000000000000', 0, st), false, 'not as the walk writes it');
    assert.equal(statIdIs('2049:78:1796000000000000000', 0, st), false);
    assert.equal(statIdIs('2050:77:1796000000000000000', 0, st), false);
    assert.equal(statIdIs('2049:77:1796000000001000000', 0, st), false);
    assert.equal(
      statIdIs('2049:9007199254740993:1796000000000000000', 0, st),
      false,
      'too large for a number',
    );
    assert.equal(statIdIs('2049:77:1796000000000000000', 0, { ...st, ino: 2 ** 60 }), false);
    assert.equal(statTokenIs('12:1796000000123456789', 0, st), true);
    assert.equal(statTokenIs('13:1796000000123456789', 0, st), false);
    assert.equal(statTokenIs('12:1796000000124456789', 0, st), false);
    assert.equal(statTokenIs('dir:1796000000123456789', 0, st), false);
    assert.equal(
      statTokenIs('12:-5', 0, { ...st, mtimeMs: -0.000005 }),
      false,
      'before 1970: strings decide',
    );
    assert.equal(statTokenIs('0:0', 0, { ...st, size: 0, mtimeMs: 0 }), true);
    assert.equal(statTokenIs('0:5', 0, { ...st, size: 0, mtimeMs: 0.000005 }), true);
    // in a state file's bytes: the field ends at its closing quote
    const buf = Buffer.from('"12:1796000000123456789","2049:77:1796000000000000000"');
    assert.equal(statTokenIs(buf, 1, st), true);
    assert.equal(statIdIs(buf, 26, st), true);
  });

  it('the default excludes, written out for start-up, are exactly what picomatch compiles', () => {
    assert.equal(DEFAULT_NAME_SOURCE, oneRegExp(DEFAULT_EXCLUDES)!.source);
    const plain = compileExcludes([]);
    const own = compileExcludes(['*.bak']);
    for (const name of ['~$doc.docx', 'a.tmp', '.DS_Store', 'Thumbs.db', 'desktop.ini', '.cloudsync-owner.x'])
      assert.equal(plain('', name) && own('', name), true, name);
    for (const name of ['doc.docx', 'tmp', '..', 'a.tmp.txt', 'x.bak'])
      assert.equal(plain('', name), false, name);
    assert.equal(own('', 'x.bak'), true);
  });
});
