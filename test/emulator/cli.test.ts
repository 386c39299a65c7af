// The CLI entry point starts, prints its URL, serves, and stops on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { once } from 'node:events';

const main = path.resolve(import.meta.dirname, '../support/emulator/main.js');

describe('emulator: CLI', () => {
  it('prints "emulator listening on http://127.0.0.1:PORT" and serves users and sites from flags', async () => {
    const child = spawn(process.execPath, [main, '--port', '0', '--user', 'bob:pw', '--site', 'cli'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (c: Buffer) => {
          buf += c.toString();
          if (buf.includes('\n')) resolve(buf.trim());
        });
        child.on('exit', () => reject(new Error('exited early')));
      });
      const m = /^emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      assert.ok(m, line);
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
