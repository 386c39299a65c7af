import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { addSecret } from '../../src/redact.js';
import { jsonLine, Output, writeJsonPieces } from '../../src/ui/output.js';

/** A document shaped like `sync --json` after a first sync: many actions, and the odd values JSON drops. */
function bigDocument(actions: number): Record<string, unknown> {
  class Node {
    constructor(readonly id: string) {}
  }
  const noProto = Object.assign(Object.create(null) as object, { a: 1, 'quo"te': 'x\ny' });
  return {
    sets: [
      {
        id: 'a1b2',
        name: 'Téam ✓',
        actions: Array.from({ length: actions }, (_, i) => ({
          type: i % 3 ? 'copy' : 'mkdir',
          member: `m${i}`,
          parent: i % 2 ? { member: `m${i - 1}` } : { id: `65024:${i}:1796037628429950896` },
          name: `doc-${i}\u0001.txt`,
          skipped: undefined,
          size: i % 3 ? i * 7 : undefined,
        })),
        warnings: [],
        when: new Date(Date.UTC(2026, 10, 30)),
        odd: [undefined, () => 1, Symbol('s'), null, NaN, -0, new Node('n1'), noProto],
        fn: () => 2,
      },
    ],
    exitCode: 3,
    dryRun: false,
    nothing: undefined,
  };
}

function pieces(data: unknown): { text: string; writes: number } {
  let text = '';
  let writes = 0;
  writeJsonPieces(data, (t) => {
    text += t;
    writes++;
  });
  return { text, writes };
}

describe('--json documents written piece by piece', () => {
  it('a 20,000-action document comes out exactly as JSON.stringify makes it, in many writes', () => {
    const doc = bigDocument(20_000);
    const { text, writes } = pieces(doc);
    assert.equal(text, JSON.stringify(doc));
    assert.ok(writes > 10, `written in ${writes} pieces`);
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(doc)));
  });

  it('top-level values that are not objects, and undefined, match JSON.stringify', () => {
    for (const v of [1, 'two', null, true, [], {}, [undefined], new Date(0)])
      assert.equal(pieces(v).text, jsonLine(v));
    assert.equal(pieces(undefined).text, '');
  });

  it('a known secret is masked in every string value, as jsonLine does', () => {
    addSecret('pieces-Secret-0042');
    const doc = bigDocument(50);
    (doc.sets as Array<{ actions: Array<{ name: string }> }>)[0]!.actions[7]!.name = 'x pieces-Secret-0042 y';
    const { text } = pieces(doc);
    assert.equal(text, jsonLine(doc));
    assert.ok(!text.includes('pieces-Secret-0042') && text.includes('x *** y'));
  });

  it('Output.writeJson prints one line that parses to the document', () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    const o = new Output(
      { json: true, quiet: false, verbose: false, color: false },
      { stdout, stderr: new PassThrough(), stdoutIsTTY: false, stderrIsTTY: false },
    );
    const doc = bigDocument(5_000);
    o.result(doc, () => 'human');
    assert.ok(out.endsWith('\n') && out.indexOf('\n') === out.length - 1);
    assert.deepEqual(JSON.parse(out), JSON.parse(JSON.stringify(doc)));
  });
});
