import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { reportError } from '../../src/cli.js';
import { AuthError, LockedError, UsageError } from '../../src/errors.js';
import { Output, type OutputMode } from '../../src/ui/output.js';

/** An Output over captured streams. */
function capture(mode: Partial<OutputMode> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const output = new Output(
    { json: false, quiet: false, verbose: false, color: false, ...mode },
    { stdout, stderr, stdoutIsTTY: false, stderrIsTTY: false },
  );
  return { output, text: () => ({ out, err }) };
}

describe('cli error reporting', () => {
  it('a typed error keeps its exit code and shows message and hint on stderr', () => {
    const c = capture();
    assert.equal(reportError(new LockedError('another pass is running', 'wait for it'), c.output), 6);
    assert.deepEqual(c.text(), { out: '', err: 'error: another pass is running\nhint: wait for it\n' });
  });

  it('with --json the error is one JSON document on stdout', () => {
    const c = capture({ json: true });
    assert.equal(reportError(new AuthError('ticket expired', 'run `cloudsync login cloud`'), c.output), 4);
    assert.deepEqual(JSON.parse(c.text().out), {
      error: { code: 'AUTHENTICATION_ERROR', message: 'ticket expired', hint: 'run `cloudsync login cloud`' },
    });
    assert.equal(c.text().err, '');
  });

  it('a missing hint is null in JSON', () => {
    const c = capture({ json: true });
    assert.equal(reportError(new UsageError('bad'), c.output), 2);
    assert.equal((JSON.parse(c.text().out) as { error: { hint: unknown } }).error.hint, null);
  });

  it('an unexpected error is exit 1 and says how to report it; the stack only with --verbose', () => {
    const quiet = capture();
    assert.equal(reportError(new TypeError('x is undefined'), quiet.output), 1);
    assert.match(quiet.text().err, /^error: unexpected error: x is undefined\n/);
    assert.match(
      quiet.text().err,
      /please report it at .+ with the output of `cloudsync --version` and the command you ran/,
    );
    assert.doesNotMatch(quiet.text().err, /at .*\.js:\d+/);

    const verbose = capture({ verbose: true });
    reportError(new TypeError('x is undefined'), verbose.output);
    assert.match(verbose.text().err, /TypeError: x is undefined\n\s+at /);
  });

  it('an unexpected error in JSON mode has code INTERNAL', () => {
    const c = capture({ json: true });
    reportError('a string was thrown', c.output);
    assert.equal((JSON.parse(c.text().out) as { error: { code: string } }).error.code, 'INTERNAL');
  });
});
