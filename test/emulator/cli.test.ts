// The CLI entry point starts, prints its URL, serves, and stops on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { once } from 'node:events';

const main = path.resolve(import.meta.dirname, '../support/emulator/main.js');

describe('emulator: CLI', () => {
  it('--help prints the real options', async () => {
    const child = spawn(process.execPath, [main, '--help'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    for (const flag of ['--port', '--user', '--site', '--member', '--fault-rate', '--ticket-ttl'])
      assert.ok(out.includes(flag), `--help lacks ${flag}`);
  });

  it('prints "emulator listening on http://127.0.0.1:PORT" and serves users and sites from flags', async () => {
    const child = spawn(process.execPath, [main, '--port', '0', '--user', 'bob:pw', '--site', 'cli'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let buf = '';
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          buf += c.toString();
          if (/\ntry: [^\n]*\n/.test(buf)) resolve(buf.split('\n')[0]!.trim());
        });
        child.on('exit', () => reject(new Error('exited early')));
      });
      const m = /^emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      assert.ok(m, line);
      assert.match(buf, /\nusers: admin:admin bob:pw\n/, 'prints its users');
      assert.match(buf, /\nsites: cli\n/, 'prints its sites');
      const res = await fetch(
        `${m[1]}/alfresco/api/-default-/public/alfresco/versions/1/sites/cli/containers/documentLibrary`,
        {
          headers: { Authorization: `Basic ${Buffer.from('bob:pw').toString('base64')}` },
        },
      );
      assert.equal(res.status, 200);
    } finally {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    }
  });
});
