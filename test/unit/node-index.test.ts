// The local connector's id → path index (connectors/local/node-index.ts): files kept as their folder's path
// and their name answer the same paths as whole path strings, through folder moves and deletes.
import assert from 'node:assert/strict';
import { NodeIndex } from '../../src/connectors/local/node-index.js';

describe('node index', () => {
  it('files kept as folder and name answer whole paths, moved and forgotten with their folders', () => {
    const ix = new NodeIndex();
    ix.set('root', '/r');
    ix.set('A', '/r/a');
    ix.setIn('f1', '/r/a', 'one.txt');
    ix.set('B', '/r/a/b');
    ix.setIn('f2', '/r/a/b', 'two.txt');
    ix.setIn('f3', '/r', 'three.txt');
    ix.setIn('f4', '/r/ab', 'four.txt'); // beside a/, not below it
    ix.setIn('top', '/', 'x'); // a folder path ending in the separator
    assert.equal(ix.get('f1'), '/r/a/one.txt');
    assert.equal(ix.get('f2'), '/r/a/b/two.txt');
    assert.equal(ix.get('top'), '/x');
    assert.equal(ix.get('nope'), undefined);

    ix.moveTree('/r/a', '/r/c');
    ix.set('A', '/r/c'); // the moved node itself is indexed by its caller, as before
    assert.equal(ix.get('f1'), '/r/c/one.txt');
    assert.equal(ix.get('B'), '/r/c/b');
    assert.equal(ix.get('f2'), '/r/c/b/two.txt');
    assert.equal(ix.get('f3'), '/r/three.txt');
    assert.equal(ix.get('f4'), '/r/ab/four.txt');

    ix.moveTree('/r/three.txt', '/r/3.txt'); // a file's own move re-points nothing
    assert.equal(ix.get('f3'), '/r/three.txt');

    ix.forgetTree('/r/c');
    for (const id of ['A', 'f1', 'B', 'f2']) assert.equal(ix.get(id), undefined, id);
    assert.equal(ix.get('f3'), '/r/three.txt');
    assert.equal(ix.get('f4'), '/r/ab/four.txt');
    ix.delete('f3');
    assert.equal(ix.get('f3'), undefined);
  });
});
