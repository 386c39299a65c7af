import assert from 'node:assert/strict';
import path from 'node:path';
import {
  assertStrictlyInside,
  assertValidName,
  isInside,
  specSegments,
} from '../../src/connectors/local/names.js';
import { NodeError } from '../../src/errors.js';
import { TempNames } from '../../src/connectors/local/temp-files.js';

describe('local connector names', () => {
  it('accepts ordinary names, including unicode and spaces', () => {
    for (const ok of ['a.txt', 'Q3 plan (final).docx', 'é'.repeat(127), '...', '.hidden', 'a\\b'])
      assertValidName(ok);
  });

  it('refuses names that are not one plain folder entry', () => {
    for (const bad of ['', '.', '..', 'a/b', '/abs', 'nul\0', 'é'.repeat(128), 'x'.repeat(256)]) {
      assert.throws(
        () => assertValidName(bad),
        (e: unknown) => e instanceof NodeError && e.code === 'INVALID_NAME',
      );
    }
  });

  it('knows what is inside the root, lexically', () => {
    const root = path.resolve('/srv/root');
    assert.ok(isInside(root, root));
    assert.ok(isInside(root, path.join(root, 'a', 'b')));
    assert.ok(isInside(root, path.join(root, '..foo')));
    assert.ok(!isInside(root, path.resolve('/srv/root2')));
    assert.ok(!isInside(root, path.resolve('/srv')));
    assert.throws(() => assertStrictlyInside(root, root), NodeError);
    assert.throws(() => assertStrictlyInside(root, path.join(root, '..', 'x')), NodeError);
  });

  it('splits SPEC paths, treating "", "." and slashes as the root', () => {
    assert.deepEqual(specSegments(''), []);
    assert.deepEqual(specSegments('.'), []);
    assert.deepEqual(specSegments('/Projects//Q3/'), ['Projects', 'Q3']);
  });

  it('recognises only its own temp names and their pid', () => {
    const temps = new TempNames();
    const name = temps.next();
    assert.match(name, new RegExp(`^\\.cloudsync-${process.pid}-[0-9a-f]+\\.tmp$`));
    assert.equal(temps.pidOf(name), process.pid);
    assert.equal(temps.pidOf('.cloudsync-12-zz.tmp'), undefined);
    assert.equal(temps.pidOf('report.tmp'), undefined);
    assert.equal(new TempNames('.x+').pidOf('.x+7-ab.tmp'), 7);
  });
});
