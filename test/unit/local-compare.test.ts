import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../../src/connectors/local/index.js';
import type { RecordedTree, RemoteNode } from '../../src/connectors/types.js';

/** A RecordedTree holding `nodes` as a state would have recorded them; names ending in .tmp are left out. */
function recordedOf(nodes: RemoteNode[]): RecordedTree {
  const kept = nodes.filter((n) => !n.name.endsWith('.tmp'));
  const at = new Map(kept.map((n, i) => [`${n.parentId}/${n.name}`, i]));
  return {
    count: kept.length,
    find: (parentId, name) => at.get(`${parentId}/${name}`) ?? -1,
    node: (i) => kept[i]!,
    isAt: (i, parentId, name) => kept[i]!.parentId === parentId && kept[i]!.name === name,
    isSame: (i, id, token) => kept[i]!.id === id && (token === undefined || kept[i]!.token === token),
    kind: (i) => kept[i]!.kind,
    numberOf: (id) => kept.findIndex((n) => n.id === id),
    needsPath: false,
    ignored: (name) => name.endsWith('.tmp'),
  };
}

const byId = (nodes: RemoteNode[]) => [...nodes].sort((a, b) => a.id.localeCompare(b.id));

describe('local connector: compareTree (the walk of a no-change pass, issue 11)', () => {
  let base: string;
  let root: string;
  beforeEach(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'cloudsync-compare-'));
    root = path.join(base, 'root');
    await mkdir(path.join(root, 'a', 'b'), { recursive: true });
    await mkdir(path.join(base, 'outside'));
    await writeFile(path.join(base, 'outside', 'secret.txt'), 'never listed');
    for (const f of ['x', 'y', 'z']) await writeFile(path.join(root, 'a', 'b', `${f}.txt`), f);
    await writeFile(path.join(root, 'top.txt'), 'top');
    await writeFile(path.join(root, 'a', 'left.tmp'), 'excluded');
    await symlink(path.join(base, 'outside'), path.join(root, 'a', 'link'));
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  async function listed(c: LocalConnector): Promise<{ root: RemoteNode; nodes: RemoteNode[] }> {
    const top = (await c.resolvePath(''))!;
    return { root: top, nodes: (await c.listTree(top.id, { recursive: true })).nodes };
  }

  it('sees an unchanged tree as recorded: no node built, every entry one bit, links and excludes as a listing', async () => {
    const c = new LocalConnector(root);
    const { root: top, nodes } = await listed(c);
    const recorded = recordedOf(nodes);
    const delta = await new LocalConnector(root).compareTree(top.id, recorded, { recursive: true });
    assert.equal(delta.changed, 0);
    assert.equal(delta.sameCount, recorded.count);
    assert.deepEqual([...delta.same], new Array<number>(recorded.count).fill(1));
    assert.deepEqual(
      delta.skipped.map((s) => [s.path, s.reason]),
      [['a/link', 'symlink']],
    );
    assert.ok(delta.untracked.length === 1, 'the folder holding the excluded file is untracked');
    // the nodes it gives on demand are exactly the listing's (the excluded file left out)
    assert.deepEqual(byId(delta.all()), byId(nodes.filter((n) => !n.name.endsWith('.tmp'))));
    assert.ok(!delta.all().some((n) => n.name === 'secret.txt'), 'the link is never followed');
  });

  it('builds nodes only for what changed, moved, was renamed or is new, and each is what a listing gives', async () => {
    const c = new LocalConnector(root);
    const { root: top, nodes } = await listed(c);
    const recorded = recordedOf(nodes);
    await writeFile(path.join(root, 'a', 'b', 'x.txt'), 'x edited'); // content
    await rename(path.join(root, 'a', 'b', 'y.txt'), path.join(root, 'a', 'y-renamed.txt')); // moved + renamed
    await writeFile(path.join(root, 'a', 'new.txt'), 'new'); // new
    await chmod(path.join(root, 'top.txt'), 0o444); // locked: same token, same place
    const fresh = new LocalConnector(root);
    const delta = await fresh.compareTree(top.id, recorded, { recursive: true });
    const changedNames = byId(delta.all())
      .filter((n) => !recordedSame(recorded, delta.same, n))
      .map((n) => n.name)
      .sort();
    assert.deepEqual(changedNames, ['new.txt', 'x.txt', 'y-renamed.txt']);
    assert.equal(delta.changed, 3);
    assert.equal(delta.sameCount, recorded.count - 2, 'x.txt and y.txt were not seen as recorded');
    const topNo = recorded.find(top.id, 'top.txt');
    assert.equal(delta.lockedAt(topNo), true, 'the lock is read from the walk');
    // Every node, changed or not, is what a listing of the tree gives now.
    const now = await new LocalConnector(root).listTree(top.id, { recursive: true });
    assert.deepEqual(byId(delta.all()), byId(now.nodes.filter((n) => !n.name.endsWith('.tmp'))));
    // An entry seen as recorded is found by id after the walk without another walk of the tree.
    const z = nodes.find((n) => n.name === 'z.txt')!;
    assert.equal(await fresh.pathOf(z.id), 'a/b/z.txt');
  });
});

/** Whether `n` is the recorded entry the walk marked as seen as recorded. */
function recordedSame(recorded: RecordedTree, same: Uint8Array, n: RemoteNode): boolean {
  const i = n.parentId === null ? -1 : recorded.find(n.parentId, n.name);
  return i >= 0 && same[i] === 1 && recorded.node(i).id === n.id;
}
