// The nanosecond fstat/lstat of the local connector's reads, writes and listing (connectors/local/stat-ns.ts)
// read Node's fs binding directly: the numbers must be exactly those of fs.fstatSync / fs.lstatSync with
// `bigint: true`, and they must fail as those fail.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fstatNs, lstatNs, statNsDirect, type StatNs } from '../../src/connectors/local/stat-ns.js';
import { idOf, nodeFromStat } from '../../src/connectors/local/node-stat.js';

function numbers(st: StatNs | undefined): unknown {
  if (st === undefined) return undefined;
  const { dev, ino, mode, size, mtimeNs, ctimeNs, birthtimeNs } = st;
  return {
    dev,
    ino,
    mode,
    size,
    mtimeNs,
    ctimeNs,
    birthtimeNs,
    kinds: [st.isFile(), st.isDirectory(), st.isSymbolicLink()],
  };
}

describe('nanosecond stats from the fs binding (stat-ns)', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cloudsync-stat-ns-'));
    await writeFile(path.join(dir, 'a.txt'), 'hello');
    await writeFile(path.join(dir, 'odd-time'), 'x');
    await utimes(path.join(dir, 'odd-time'), 1_700_000_000.1234, 1_700_000_000.9876);
    await mkdir(path.join(dir, 'sub'));
    await symlink('a.txt', path.join(dir, 'link'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lstat: the numbers, kinds, id and node of fs.lstatSync for a file, a folder and a link', () => {
    for (const name of ['a.txt', 'odd-time', 'sub', 'link']) {
      const p = path.join(dir, name);
      const ours = lstatNs(p, true);
      const node = fs.lstatSync(p, { bigint: true });
      assert.deepEqual(numbers(ours), numbers(node), name);
      assert.equal(idOf(ours!), idOf(node), name);
      assert.deepEqual(nodeFromStat(ours!, name, 'p'), nodeFromStat(node, name, 'p'), name);
    }
  });

  it('fstat: the numbers of fs.fstatSync of the same descriptor', () => {
    for (const name of ['a.txt', 'odd-time', 'sub']) {
      const fd = fs.openSync(path.join(dir, name), 'r');
      try {
        assert.deepEqual(numbers(fstatNs(fd)), numbers(fs.fstatSync(fd, { bigint: true })), name);
      } finally {
        fs.closeSync(fd);
      }
    }
  });

  it('calls the binding on this Node (Node 20 calls it in the form the module does), after both checks', () => {
    if (process.env.CLOUDSYNC_RAW_LSTAT === 'off') return;
    assert.deepEqual(statNsDirect(), { fstat: true, lstat: true });
  });

  it('fails as Node does: a missing entry (throwing or not), a bad descriptor, a NUL in the path', () => {
    const missing = path.join(dir, 'nope', 'x');
    assert.equal(lstatNs(missing, false), undefined);
    assert.throws(() => lstatNs(missing, true), { code: 'ENOENT' });
    assert.throws(() => fstatNs(1_000_000), { code: 'EBADF' });
    assert.throws(() => lstatNs(`${path.join(dir, 'a.txt')}\0x`, true), { code: 'ERR_INVALID_ARG_VALUE' });
  });
});
