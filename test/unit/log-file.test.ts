import assert from 'node:assert/strict';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LogFile } from '../../src/ui/log-file.js';
import { tempDir } from '../support/cli.js';

describe('log file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('cloudsync-log-');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('rotates at the size limit and keeps three old files, newest in .1', async () => {
    const file = path.join(dir, 'logs', 'cloudsync.log');
    const log = new LogFile(file, { maxBytes: 1000, keep: 3 });
    for (let i = 0; i < 200; i++) {
      log.write('info', `line ${String(i).padStart(3, '0')} ${'x'.repeat(20)}`);
      if (i % 5 === 4) await log.flush(); // several appends, as a long pass makes them
    }
    await log.close();
    assert.deepEqual((await readdir(path.dirname(file))).sort(), [
      'cloudsync.log',
      'cloudsync.log.1',
      'cloudsync.log.2',
      'cloudsync.log.3',
    ]);
    const last = (f: string): number => Number(/line (\d+)/.exec(f.trim().split('\n').at(-1)!)![1]);
    const texts = await Promise.all(['', '.1', '.2', '.3'].map((s) => readFile(file + s, 'utf8')));
    for (const t of texts) assert.ok(Buffer.byteLength(t) <= 1000, `${Buffer.byteLength(t)} bytes`);
    assert.equal(last(texts[0]!), 199);
    assert.ok(
      last(texts[0]!) > last(texts[1]!) &&
        last(texts[1]!) > last(texts[2]!) &&
        last(texts[2]!) > last(texts[3]!),
    );
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('redacts tickets, passwords, tokens, Authorization values and masked secrets', async () => {
    const file = path.join(dir, 'cloudsync.log');
    const log = new LogFile(file, {
      secrets: ['env-pass-123'],
      clock: () => new Date(Date.UTC(2030, 0, 2, 3, 4, 5)),
    });
    log.mask('typed-pw-456');
    log.write('debug', 'GET /api/nodes?alf_ticket=TICKET_0123abcdef 200 3ms');
    log.write('error', 'login failed {"userId":"bob","password":"hunter2x"} Authorization: Basic Ym9iOnB3');
    log.write('warn', 'echoed env-pass-123 and typed-pw-456\nsecond line');
    await log.close();
    const text = await readFile(file, 'utf8');
    for (const secret of ['TICKET_0123abcdef', 'hunter2x', 'Ym9iOnB3', 'env-pass-123', 'typed-pw-456'])
      assert.doesNotMatch(text, new RegExp(secret), secret);
    assert.match(text, /^2030-01-02T03:04:05\.000Z DEBUG GET \/api\/nodes\?alf_ticket=\*\*\* 200 3ms$/m);
    assert.match(text, /^2030-01-02T03:04:05\.000Z WARN {2}echoed \*\*\* and \*\*\*\n {4}second line$/m);
  });

  it('a log that cannot be written is reported once and never fails the caller', async () => {
    await writeFile(path.join(dir, 'not-a-dir'), '');
    const errors: string[] = [];
    const log = new LogFile(path.join(dir, 'not-a-dir', 'cloudsync.log'), {
      onError: (e) => errors.push(e.message),
    });
    log.write('info', 'one');
    await log.flush();
    log.write('info', 'two');
    await log.close();
    assert.equal(errors.length, 1);
  });

  it('buffers: 10,000 lines cost a few appends, not 10,000', async () => {
    const file = path.join(dir, 'cloudsync.log');
    const log = new LogFile(file);
    // Count the appends to the file (each one opens, writes and closes it).
    const spy = log as unknown as { append(chunk: string): Promise<void> };
    const append = spy.append.bind(log);
    let appends = 0;
    spy.append = (chunk) => {
      appends++;
      return append(chunk);
    };
    for (let i = 0; i < 10_000; i++) log.write('info', `abc12345 push  Projects/file-${i}.txt`);
    await log.close();
    assert.equal((await readFile(file, 'utf8')).split('\n').length - 1, 10_000);
    assert.ok(appends >= 1 && appends <= 20, `${appends} appends for 10,000 lines`);
  });
});
