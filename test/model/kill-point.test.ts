// The model tester's own parts that decide findings: the kill point hook (a kill lands right after the effect
// recorded, every time) and the guard count's rule that a file renamed and edited in one pass is no delete.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/cli.js';
import { deletedBelow, relFilesBelow } from './oracle.js';
import type { Snapshot } from './sides.js';

const HOOK = new URL('./kill-point.js', import.meta.url).href;

/** A process making four effects in `dir` (write a, rename a → b, write c, unlink b) under the hook. */
function run(dir: string, env: Record<string, string>) {
  const script = `
    const fs = await import('node:fs');
    const p = (n) => ${JSON.stringify(dir)} + '/' + n;
    fs.writeFileSync(p('a'), 'A');
    fs.renameSync(p('a'), p('b'));
    fs.writeFileSync(p('c'), 'C');
    fs.unlinkSync(p('b'));`;
  return spawnSync(process.execPath, ['--import', HOOK, '--input-type=module', '-e', script], {
    env: { ...process.env, MODEL_ROOTS: JSON.stringify({ d: dir }), ...env },
    encoding: 'utf8',
  });
}

describe('model tester: kill points and the guard count', function () {
  this.timeout(30_000);

  it('traces each effect, and a replay dies right after the effect recorded', async () => {
    const dir = await tempDir('cs-killpoint-');
    const trace = path.join(dir, 'trace');
    const whole = run(dir, { MODEL_TRACE: trace });
    assert.equal(whole.status, 0, whole.stderr);
    const lines = readFileSync(trace, 'utf8').trim().split('\n');
    assert.deepEqual(lines, [
      '1 1 writeFile <d>/a',
      '2 1 rename <d>/a → <d>/b',
      '3 1 writeFile <d>/c',
      '4 1 unlink <d>/b',
    ]);
    for (const f of ['c']) assert.ok(existsSync(path.join(dir, f)));
    const dir2 = await tempDir('cs-killpoint-');
    const killed = run(dir2, { MODEL_KILL_AFTER: '1 rename <d>/a → <d>/b' });
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(existsSync(path.join(dir2, 'b')), 'the rename happened');
    assert.ok(!existsSync(path.join(dir2, 'c')), 'nothing after it');
    const dir3 = await tempDir('cs-killpoint-');
    assert.equal(run(dir3, { MODEL_KILL_AFTER: 'start' }).signal, 'SIGKILL');
    assert.ok(!existsSync(path.join(dir3, 'a')));
    assert.equal(run(dir3, { MODEL_KILL_AFTER: 'none' }).status, 0);
  });

  it('a kill asked by a flag file lands right after the next effect, the one traced last (model seed 4332)', async () => {
    const dir = await tempDir('cs-killpoint-');
    const trace = path.join(dir, 'trace');
    const flag = path.join(dir, 'kill');
    // It waits for the flag between two effects, then renames (asynchronously) and writes on.
    const script = `
      const fs = await import('node:fs');
      const p = (n) => ${JSON.stringify(dir)} + '/' + n;
      fs.writeFileSync(p('a'), 'A');
      while (!fs.existsSync(p('go'))) await new Promise((r) => setTimeout(r, 5));
      await fs.promises.rename(p('a'), p('b'));
      fs.writeFileSync(p('c'), 'C');`;
    const child = spawn(process.execPath, ['--import', HOOK, '--input-type=module', '-e', script], {
      env: {
        ...process.env,
        MODEL_ROOTS: JSON.stringify({ d: dir }),
        MODEL_TRACE: trace,
        MODEL_KILL_FLAG: flag,
      },
      stdio: 'ignore',
    });
    const ended = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
    while (!existsSync(path.join(dir, 'a'))) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    writeFileSync(flag, '');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(child.exitCode, null, 'no effect yet: it lives on');
    writeFileSync(path.join(dir, 'go'), '');
    assert.equal(await ended, 'SIGKILL');
    const lines = readFileSync(trace, 'utf8').trim().split('\n');
    assert.equal(lines[lines.length - 1], '2 1 rename <d>/a → <d>/b');
    assert.ok(
      existsSync(path.join(dir, 'b')) && !existsSync(path.join(dir, 'c')),
      'died right after the rename',
    );
  });

  it('a file renamed and edited in one pass is no delete; a file gone with its bytes is (model seed 1272)', () => {
    const file = (content: string) => ({ kind: 'file' as const, content, writable: true });
    const before: Snapshot = new Map([
      ['B/a.txt', file('v1')],
      ['B/c.txt', file('v2')],
    ]);
    const after: Snapshot = new Map([['B/Q.txt', file('v3')]]);
    // v3 is an edit of the file that held v2 (on the other side): the same file, renamed.
    const line = (c: string) => new Set(c === 'v2' || c === 'v3' ? ['v2', 'v3'] : [c]);
    assert.equal(deletedBelow(before, after, 'B/', line), 1);
    assert.equal(deletedBelow(before, after, 'B/'), 2);
  });

  it("the delete guard's count takes a set's documents wherever they are (model seed 3000)", () => {
    const file = (content: string) => ({ kind: 'file' as const, content, writable: true });
    // A's folder holds its own b and D's document d (moved in); both go in one pass.
    const before: Snapshot = new Map([
      ['A/o.txt', file('vo')],
      ['A/sub/b.txt', file('vb')],
      ['A/sub/d.txt', file('vd')],
      ['D/d1.txt', file('v1')],
    ]);
    const after: Snapshot = new Map([
      ['A/o.txt', file('vo')],
      ['D/d1.txt', file('v1')],
    ]);
    const owners = new Map([
      ['vb', 'A'],
      ['vd', 'D'],
      ['v1', 'D'],
    ]);
    const of = (set: string, root: string) => (p: string, c: string) =>
      owners.has(c) ? owners.get(c) === set : p.startsWith(root);
    const none = () => false;
    // By place alone A lost 2 of 3; by owner A lost 1 of 2 and D 1 of 2 (its document counted where it is).
    assert.equal(deletedBelow(before, after, 'A/'), 2);
    assert.equal(relFilesBelow(before, 'A/', none).size, 3);
    assert.equal(deletedBelow(before, after, of('A', 'A/')), 1);
    assert.equal(relFilesBelow(before, 'A/', none, of('A', 'A/')).size, 2);
    assert.equal(deletedBelow(before, after, of('D', 'D/d')), 1);
    assert.equal(relFilesBelow(before, 'D/d', none, of('D', 'D/d')).size, 2);
  });
});
