import assert from 'node:assert/strict';
import { choosePager } from '../../src/ui/pager.js';

describe('pager choice (like git and gh)', () => {
  it('pages only on a terminal, without --no-pager, TERM=dumb, an empty PAGER or cat', () => {
    assert.equal(choosePager({}, true, false), 'less -FRX');
    assert.equal(choosePager({ PAGER: 'more' }, true, false), 'more');
    assert.equal(choosePager({ PAGER: 'more' }, false, false), null, 'stdout is not a terminal');
    assert.equal(choosePager({ PAGER: 'more' }, true, true), null, '--no-pager');
    assert.equal(choosePager({ TERM: 'dumb' }, true, false), null);
    assert.equal(choosePager({ PAGER: '' }, true, false), null);
    assert.equal(choosePager({ PAGER: ' cat ' }, true, false), null);
  });
});
