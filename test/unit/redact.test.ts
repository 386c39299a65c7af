import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { reportError } from '../../src/cli.js';
import { limitsFromEnv, readCapped } from '../../src/connectors/alfresco/limits.js';
import { PagingGuard } from '../../src/connectors/alfresco/paging.js';
import { NodeError, UsageError } from '../../src/errors.js';
import { addSecret, escapeControl, redact } from '../../src/redact.js';
import { renderTable } from '../../src/ui/table.js';
import { Output } from '../../src/ui/output.js';
import { Chalk } from 'chalk';
import { Readable } from 'node:stream';

function capture(json: boolean) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  stderr.on('data', (d: Buffer) => (text += d.toString()));
  const output = new Output(
    { json, quiet: false, verbose: true, color: false },
    { stdout, stderr, stdoutIsTTY: false, stderrIsTTY: false },
  );
  return { output, text: () => text };
}

describe('secrets and control characters in outputs', () => {
  it('a crash report (exit 1) with a known password, a ticket and URL credentials shows none of them', () => {
    addSecret('pw-Unit-0042');
    const err = new TypeError(
      'boom at https://bob:hunter22@acs.example.com/x?alf_ticket=TICKET_abc123 with pw-Unit-0042',
    );
    for (const json of [false, true]) {
      const c = capture(json);
      assert.equal(reportError(err, c.output), 1);
      const text = c.text();
      for (const s of ['pw-Unit-0042', 'hunter22', 'TICKET_abc123', 'abc123'])
        assert.ok(!text.includes(s), `${json ? '--json' : 'stderr'} leaks ${s}: ${text}`);
      assert.match(text, /unexpected error/);
    }
  });

  it('typed errors are scrubbed when made: member details (state) and command errors', () => {
    addSecret('TICKET_deadbeef99');
    const e = new NodeError('UNKNOWN', 'server said TICKET_deadbeef99 / deadbeef99 / password=xyz');
    assert.doesNotMatch(e.message, /deadbeef99|xyz/);
    assert.doesNotMatch(new UsageError("'https://u:p4ss@h' is not a valid URL").message, /p4ss/);
    assert.equal(redact('plain text, TICKETS are fine'), 'plain text, TICKETS are fine');
  });

  it('every pattern still redacts behind the one-scan pre-test (as before it, mixed case too)', () => {
    const cases: [string, string][] = [
      ['x TICKET_abc123 y', 'x TICKET_*** y'],
      ['Authorization: Bearer abc.def', 'Authorization: *** ***'],
      ['hdr basic QWxhZGRpbg== end', 'hdr basic QWxhZGRpbg== end'],
      ['hdr Basic QWxhZGRpbg== end', 'hdr Basic *** end'],
      ['jwt eyJhbGciOi.eyJzdWIi.sig!', 'jwt eyJ***!'],
      ['GET /a?x=1&alf_ticket=T1 HTTP', 'GET /a?x=1&alf_ticket=*** HTTP'],
      ['{"PassWord":"s3cret"}', '{"PassWord":"***"}'],
      ['passwd=abc', 'passwd=***'],
      ['refreshToken: abc', 'refreshToken: ***'],
      ['clientSecret=abc', 'clientSecret=***'],
      ['see https://bob:pw@host/x', 'see https://***@host/x'],
    ];
    for (const [text, want] of cases) assert.equal(redact(text), want, text);
    // Text with none of the patterns' words is returned as it is.
    const plain = 'a1b2c3d4 copy onprem → cloud projects/report 2019.pdf';
    assert.equal(redact(plain), plain);
  });

  it('control characters are shown visibly; table columns stay aligned', () => {
    assert.equal(escapeControl('a\u001b[2Jb\nc\u0007\u202e'), 'a\\x1b[2Jb\\nc\\x07\\u202e');
    assert.equal(escapeControl('x\ny', { keepNewlines: true }), 'x\ny');
    const red = new Chalk({ level: 1 }).red('ok');
    assert.equal(escapeControl(`${red}\u001b]0;t`, { keepColors: true }), `${red}\\x1b]0;t`);
    const table = renderTable(
      new Chalk({ level: 0 }),
      ['NAME', 'N'],
      [
        ['evil\nname\u001b[31m', '1'],
        ['plain', '2'],
      ],
    );
    const lines = table.split('\n');
    assert.equal(lines.length, 3, table);
    const col = lines.map((l) => l.lastIndexOf(' ') + 1);
    assert.equal(new Set(col).size, 1, `aligned:\n${table}`);
  });
});

describe('response limits', () => {
  it('reads a body to its cap: fails past it, or truncates an error body', async () => {
    const big = () => Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
    await assert.rejects(readCapped(big(), 1000, { fail: 'too big' }), /too big/);
    assert.equal((await readCapped(big(), 1000, 'truncate')).length, 1000);
    assert.equal((await readCapped(big(), 2000, 'truncate')).length, 1200);
  });

  it('limits from the environment; a bad value is a usage error', () => {
    assert.deepEqual(limitsFromEnv({ CLOUDSYNC_MAX_RESPONSE_MB: '2', CLOUDSYNC_REQUEST_TIMEOUT: '1.5' }), {
      maxResponseBytes: 2 * 1024 * 1024,
      requestTimeoutMs: 1500,
    });
    assert.throws(() => limitsFromEnv({ CLOUDSYNC_MIN_RATE: 'fast' }), UsageError);
  });

  it('paging stops on a repeated page', () => {
    const g = new PagingGuard('listing');
    g.accept(['a', 'b']);
    g.accept(['c']);
    assert.throws(() => g.accept(['a', 'b']), /page 3 again/);
  });
});
