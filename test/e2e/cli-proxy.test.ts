// Outbound proxies through a real forward proxy (tinyproxy) on loopback, to an HTTPS emulator with a
// private CA: login --proxy and HTTPS_PROXY go through CONNECT (the proxy's log shows each tunnel), NO_PROXY
// bypasses it, and the certificate is verified against the real host inside the tunnel.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { runCli, tempDir } from '../support/cli.js';
import { proxyUnavailable, startProxy, type Proxy } from '../support/tinyproxy.js';

/** A CA and a certificate for 127.0.0.1 signed by it, made with openssl. */
function makeCertificates(dir: string): { key: string; cert: string; caFile: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  const ext = path.join(dir, 'ext.cnf');
  execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1\\n' > ${ext}`]);
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    'server.pem',
  );
  return {
    key: readFileSync(path.join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(path.join(dir, 'server.pem'), 'utf8'),
    caFile: path.join(dir, 'ca.pem'),
  };
}

/** How many tunnels the proxy opened to `port`. */
function tunnels(proxy: Proxy, port: number): number {
  return proxy
    .log()
    .split('\n')
    .filter((l) => l.includes(`CONNECT 127.0.0.1:${port} `)).length;
}

describe('e2e: outbound proxy (tinyproxy) to an HTTPS server', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let proxy: Proxy;
  let certDir: string;
  let caFile: string;
  let home: string;

  before(async function () {
    const why = proxyUnavailable();
    if (why) return this.skip();
    certDir = await tempDir('cloudsync-certs-');
    const tls = makeCertificates(certDir);
    caFile = tls.caFile;
    emu = await startEmulator({
      users: [{ name: 'bob', password: 'bob-pw' }],
      tls: { key: tls.key, cert: tls.cert },
    });
    proxy = await startProxy();
  });
  after(async () => {
    await emu?.close();
    await proxy?.close();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    home = await tempDir();
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('login --proxy tunnels every request through the proxy, certificate checked against the server', async () => {
    const before = tunnels(proxy, emu.port);
    const login = await runCli(
      [
        'login',
        'cloud',
        emu.url,
        '--username',
        'bob',
        '--password-stdin',
        '--ca-file',
        caFile,
        '--proxy',
        proxy.url,
      ],
      { home, input: 'bob-pw' },
    );
    assert.equal(login.code, 0, login.stderr);
    assert.ok(tunnels(proxy, emu.port) > before, 'the login went through the proxy');
    const config = JSON.parse(readFileSync(path.join(home, 'config.json'), 'utf8')) as {
      profiles: { default: { cloud: { proxy: string } } };
    };
    assert.equal(config.profiles.default.cloud.proxy, `${proxy.url}/`);
    const mid = tunnels(proxy, emu.port);
    const who = await runCli(['whoami', 'cloud', '--json'], { home });
    assert.equal(who.code, 0, who.stderr);
    assert.ok(tunnels(proxy, emu.port) > mid, 'later commands use the stored proxy');
  });

  it('HTTPS_PROXY from the environment is used; NO_PROXY bypasses it', async () => {
    const viaEnv = { HTTPS_PROXY: proxy.url, NO_PROXY: undefined, no_proxy: undefined };
    const before = tunnels(proxy, emu.port);
    const login = await runCli(
      ['login', 'cloud', emu.url, '--username', 'bob', '--password-stdin', '--ca-file', caFile],
      { home, input: 'bob-pw', env: viaEnv },
    );
    assert.equal(login.code, 0, login.stderr);
    const afterLogin = tunnels(proxy, emu.port);
    assert.ok(afterLogin > before, 'HTTPS_PROXY was honoured');
    const bypass = await runCli(['whoami', 'cloud', '--json'], {
      home,
      env: { HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' },
    });
    assert.equal(bypass.code, 0, bypass.stderr);
    assert.equal(tunnels(proxy, emu.port), afterLogin, 'NO_PROXY: no tunnel');
  });

  it('without the private CA the tunnelled TLS is refused (exit 2, hint --ca-file)', async () => {
    const before = tunnels(proxy, emu.port);
    const r = await runCli(
      ['login', 'cloud', emu.url, '--username', 'bob', '--password-stdin', '--proxy', proxy.url, '--json'],
      { home, input: 'bob-pw' },
    );
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.json<{ error: { code: string } }>().error.code, 'TLS_CERTIFICATE');
    assert.ok(tunnels(proxy, emu.port) > before, 'the refusal happened inside the tunnel');
  });

  it('a proxy that is not an http(s) URL is a usage error', async () => {
    const r = await runCli(
      [
        'login',
        'cloud',
        emu.url,
        '--username',
        'bob',
        '--password-stdin',
        '--proxy',
        'socks5://127.0.0.1:1080',
      ],
      { home, input: 'bob-pw' },
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /socks5/);
  });
});
