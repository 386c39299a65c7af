import assert from 'node:assert/strict';
import type { Action } from '../../src/engine/plan.js';
import { formatBytes } from '../../src/ui/format.js';
import { Output } from '../../src/ui/output.js';
import { passEventHandler, renderPassSummary } from '../../src/ui/pass-view.js';
import { formatProgressLine, Progress, tallyEvent, type TransferTally } from '../../src/ui/progress.js';

const copy = (member: string, size: number): Action => ({
  type: 'copy',
  setId: 's',
  member,
  from: 'onprem',
  to: 'cloud',
  side: 'cloud',
  parent: { id: 'root' },
  name: `${member}.bin`,
  size,
  path: `${member}.bin`,
});

describe('progress line', () => {
  const MB = 1_000_000;

  it('counts a large file as its bytes move, not only when it finishes', () => {
    const t: TransferTally = { actionsDone: 0, actionsTotal: 0, bytesDone: 0, bytesTotal: 0, startedAt: 0 };
    const inFlight = new Map<string, number>();
    tallyEvent(t, inFlight, { event: 'plan', setId: 's', actions: 2, bytes: 400 * MB + 694 });
    tallyEvent(t, inFlight, { event: 'action-done', setId: 's', action: copy('small', 694), bytes: 694 });
    for (let i = 0; i < 4; i++)
      tallyEvent(t, inFlight, { event: 'bytes', setId: 's', member: 'big', bytes: 50 * MB });
    assert.equal(formatProgressLine(t, 10_000), '1/2 files, 200.0 MB/400.0 MB, 20.0 MB/s, ETA 10 s');
    tallyEvent(t, inFlight, { event: 'bytes', setId: 's', member: 'big', bytes: 100 * MB });
    tallyEvent(t, inFlight, {
      event: 'action-done',
      setId: 's',
      action: copy('big', 400 * MB),
      bytes: 400 * MB,
    });
    assert.equal(t.bytesDone, 400 * MB + 694, 'the in-flight count is replaced by the final size, not added');
    assert.equal(inFlight.size, 0);
  });

  it('rounds rates to whole bytes and shows an ETA only when it means something', () => {
    assert.equal(formatBytes(694.3333), '694 B');
    const t: TransferTally = {
      actionsDone: 0,
      actionsTotal: 3,
      bytesDone: 1000,
      bytesTotal: 3000,
      startedAt: 0,
    };
    assert.equal(formatProgressLine(t, 1_500), '0/3 files, 1.0 kB/3.0 kB, 667 B/s', 'too early for an ETA');
    const nearlyDone = { ...t, bytesDone: 2990 };
    assert.doesNotMatch(formatProgressLine(nearlyDone, 10_000), /ETA/, 'no ETA of 0 s');
    assert.match(formatProgressLine({ ...t, bytesDone: 1000 }, 4_000), /ETA 8 s$/);
  });
});

describe('end-of-pass summary', () => {
  const out = new Output(
    { json: false, quiet: false, verbose: false, color: false },
    { stdout: process.stdout, stderr: process.stderr, stdoutIsTTY: false, stderrIsTTY: false },
  );
  const set = {
    id: 'abcd1234',
    name: 'P',
    pushed: 1,
    pulled: 0,
    deleted: 0,
    moved: 0,
    conflicts: 0,
    actions: [],
    warnings: [],
  };

  it('shows bytes moved and time taken, and the log file when something failed', () => {
    const stats = { bytes: 2_500_000, startedAt: 0, logFile: '/h/logs/cloudsync.log' };
    const ok = renderPassSummary(
      out,
      { sets: [{ ...set, failed: 0 }], exitCode: 0, dryRun: false },
      stats,
      3_000,
    );
    assert.match(ok, /in sync \(exit 0\); 2\.5 MB moved in 3 s$/);
    assert.doesNotMatch(ok, /cloudsync\.log/);
    const bad = renderPassSummary(
      out,
      { sets: [{ ...set, failed: 1 }], exitCode: 3, dryRun: false },
      stats,
      3_000,
    );
    assert.match(bad, /\ndetails in the log: \/h\/logs\/cloudsync\.log$/);
  });
});

describe('pass events on stderr', () => {
  it('a failed action names its side and its path there; -v prints each done action with its side', () => {
    let err = '';
    const stderr = { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream;
    const out = new Output(
      { json: false, quiet: false, verbose: true, color: false },
      { stdout: process.stdout, stderr, stdoutIsTTY: false, stderrIsTTY: false },
    );
    const on = passEventHandler(out, new Progress(out));
    const a = { ...copy('x', 3), path: 'Shared/x.bin' };
    on({ event: 'action-failed', setId: 's', action: a, code: 'TARGET_NODE_ACCESS_DENIED', message: 'no' });
    on({ event: 'action-done', setId: 's', action: a, bytes: 3 });
    assert.match(err, /warning: cloud Shared\/x\.bin: TARGET_NODE_ACCESS_DENIED: no\n/);
    assert.match(err, /push +cloud Shared\/x\.bin\n/);
  });
});
