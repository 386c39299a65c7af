// A real forward proxy (Debian's tinyproxy) on loopback for tests: its own config, log and pid file in a
// temp folder, started in the foreground. Its log shows every CONNECT and request, so a test can tell that
// traffic went through it. `.ci/run` installs the package; without it tests are skipped.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A running proxy. */
export interface Proxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The proxy's log so far. */
  log(): string;
  close(): Promise<void>;
}

const BIN = ['/usr/bin/tinyproxy', '/usr/sbin/tinyproxy'].find((p) => fs.existsSync(p));

/** Why the proxy cannot run here, or null. */
export function proxyUnavailable(): string | null {
  return BIN ? null : 'tinyproxy is not installed (apt-get install -y tinyproxy; .ci/run does it)';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Start tinyproxy on 127.0.0.1 (CONNECT allowed to any port: the emulator's is random). */
export async function startProxy(): Promise<Proxy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-proxy-'));
  fs.chmodSync(dir, 0o777); // tinyproxy may drop privileges to nobody
  const port = await freePort();
  const logFile = path.join(dir, 'tinyproxy.log');
  fs.writeFileSync(logFile, '');
  fs.chmodSync(logFile, 0o666);
  fs.writeFileSync(
    path.join(dir, 'tinyproxy.conf'),
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 60',
      `LogFile "${logFile}"`,
      'LogLevel Connect',
      'MaxClients 50',
      'Allow 127.0.0.1',
      // No ConnectPort line: CONNECT to every port (the emulator listens on a random one).
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(BIN!, ['-d', '-c', path.join(dir, 'tinyproxy.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = Date.now();
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() - started > 15_000) {
      child.kill('SIGKILL');
      throw new Error(`tinyproxy did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => fs.readFileSync(logFile, 'utf8'),
    close: async () => {
      if (child.exitCode === null)
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
