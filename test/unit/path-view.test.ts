// What the path refresh keeps of a view through the apply (engine/paths.ts pathView): a folder set's
// set-relative paths built again from the view's nodes must be exactly the view's own.
import assert from 'node:assert/strict';
import type { RemoteNode } from '../../src/connectors/types.js';
import { pathView } from '../../src/engine/paths.js';
import { emptyView, fillFromListing } from '../../src/engine/view.js';
import { DEFAULT_OPTIONS, type SetState } from '../../src/store/schema.js';

function node(
  id: string,
  name: string,
  parentId: string | null,
  kind: 'file' | 'folder' = 'file',
): RemoteNode {
  return { id, name, parentId, kind, token: 't', size: 1, mtimeMs: 0 } as RemoteNode;
}

const state = {
  schema: 1,
  set: {
    id: 'abcd1234',
    name: 'P',
    kind: 'folder',
    createdAt: '2026-01-01T00:00:00.000Z',
    options: DEFAULT_OPTIONS,
    target: { id: 'T', path: 'Shared' },
    excludes: ['*.bak', 'skip'],
  },
  members: [],
  backups: [],
  lastSyncAt: null,
  nextKey: 1,
} as unknown as SetState;

describe('path view', () => {
  it("a folder set's paths derived from the nodes are the view's own, for every node and none else", () => {
    const root = node('R', 'P', 'up', 'folder');
    const nodes = [
      node('a', 'a', 'R', 'folder'),
      node('x', 'x.txt', 'a'),
      node('b', 'b', 'a', 'folder'),
      node('z', 'z.txt', 'b'),
      node('y', 'y.txt', 'R'),
      node('old', 'old.bak', 'R'), // excluded: not in the view
      node('s', 'skip', 'R', 'folder'), // excluded with what is below it
      node('s1', 'in-skip.txt', 's'),
    ];
    const view = emptyView('onprem');
    fillFromListing(view, state, root, { root, nodes, skipped: [] }, undefined);
    const paths = pathView(view, 'folder');
    assert.deepEqual([...view.rel.values()].sort(), ['', 'a', 'a/b', 'a/b/z.txt', 'a/x.txt', 'y.txt']);
    for (const id of ['R', 'a', 'x', 'b', 'z', 'y', 'old', 's', 's1', 'up', 'nope']) {
      assert.equal(paths.rel.get(id), view.rel.get(id), id);
      assert.equal(paths.rel.has(id), view.rel.has(id), id);
    }
    assert.deepEqual([...paths.rel.values()].sort(), [...view.rel.values()].sort());
    assert.equal(paths.detachedSeen, view.detachedSeen);
  });

  it('an unfilled view answers nothing; a documents set keeps its own map', () => {
    const empty = pathView(emptyView('cloud'), 'folder');
    assert.equal(empty.rel.get('R'), undefined);
    assert.equal(empty.rel.has('R'), false);
    assert.deepEqual([...empty.rel.values()], []);
    const docs = emptyView('cloud');
    docs.nodes.set('d', node('d', 'doc.docx', 'F'));
    docs.rel.set('d', 'doc.docx');
    assert.equal(pathView(docs, 'documents').rel, docs.rel);
  });
});
