// A hostile server (SPEC §4 "resources are bounded", "credentials never printed"): a proxy on 127.0.0.1 in
// front of the emulator that, for one request of the test's choosing, answers without end, trickles,
// sends more or fewer bytes than the listing announced, pages forever, refuses, redirects, echoes secrets
// or names that hold terminal escapes. Each must fail a member or the pass with a clear message and the
// SPEC exit code, in bounded time, with nothing lost and nothing leaked.
import assert from 'node:assert/strict';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { runCli, tempDir, type CliResult } from '../support/cli.js';
import type { BadInputRecord } from './bad-input.test.js';
import { cleanup, Cli, explain, results, type InspectJson } from './support.js';

const PASSWORD = 'S3cret-pass-XYZ';
/** BEL or ESC as they would reach a terminal. */
const RAW_CONTROL = { test: (s: string) => s.includes('\u0007') || s.includes('\u001b') };
const USER = 'carol';

/** Answers the request itself (true) or lets it through to the emulator (false). */
type Rule = (req: IncomingMessage, res: ServerResponse) => boolean;

interface Proxy {
  url: string;
  rule: Rule | null;
  /** Authorization headers and login bodies seen, to look for them in every output. */
  seen: Set<string>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

async function startProxy(target: string): Promise<Proxy> {
  const to = new URL(target);
  const proxy: Proxy = { url: '', rule: null, seen: new Set(), close: async () => {} };
  const server = createServer((req, res) => {
    if (req.headers.authorization) {
      proxy.seen.add(req.headers.authorization);
      const token = req.headers.authorization.replace(/^Basic /, '');
      proxy.seen.add(Buffer.from(token, 'base64').toString('utf8'));
    }
    if (proxy.rule?.(req, res)) {
      req.resume();
      return;
    }
    const up = httpRequest(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  const port = await listen(server);
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}

/** Writes `chunk` until the client goes away or `maxBytes` were sent (every loop here is bounded). */
function flood(res: ServerResponse, chunk: Buffer, maxBytes: number): void {
  let sent = 0;
  let gone = false;
  res.on('close', () => (gone = true));
  const pump = (): void => {
    while (!gone && sent < maxBytes) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!gone) res.end();
  };
  pump();
}

/** One byte every `everyMs`, at most `max` bytes, until the client goes away. */
function trickle(res: ServerResponse, everyMs: number, max: number): void {
  let n = 0;
  const timer = setInterval(() => {
    if (res.destroyed || n++ >= max) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(' ');
  }, everyMs);
  res.on('close', () => clearInterval(timer));
}

const isChildrenOf = (req: IncomingMessage, id: string) =>
  req.method === 'GET' && (req.url ?? '').includes(`/nodes/${id}/children`);
const isContentOf = (req: IncomingMessage, id: string) =>
  req.method === 'GET' && (req.url ?? '').includes(`/nodes/${id}/content`);

describe('reliability: a hostile server', function () {
  this.timeout(60_000);
  const records = ((results.badInput as BadInputRecord[] | undefined) ??
    (results.badInput = [])) as BadInputRecord[];
  const dirs: string[] = [];
  let emu: Emulator;
  let proxy: Proxy;
  let n = 0;
  before(async () => {
    emu = await startEmulator({ users: [{ name: USER, password: PASSWORD }] });
    proxy = await startProxy(emu.url);
  });
  afterEach(() => {
    proxy.rule = null;
  });
  after(async () => {
    await proxy?.close();
    await emu?.close();
    await cleanup(...dirs);
  });

  /** A synced folder set Projects {a.txt, sub/b.txt} on a local on-prem side and the emulator behind the proxy. */
  async function synced(env: Record<string, string> = {}) {
    const site = `hostile${n++}`;
    emu.createSite(site, { members: { [USER]: 'SiteManager' } });
    emu.mkdir(site, 'Shared');
    const home = await tempDir('cs-hostile-home-');
    const onprem = await tempDir('cs-hostile-onprem-');
    dirs.push(home, onprem);
    const cli = new Cli(home, env);
    await cli.ok(['login', 'onprem', onprem, '--json']);
    const login = await runCli(['login', 'cloud', proxy.url, '--username', USER, '--password-stdin'], {
      home,
      input: PASSWORD,
    });
    assert.equal(login.code, 0, explain('login cloud', login));
    await readFile(path.join(home, 'credentials.json'), 'utf8').then((t) =>
      proxy.seen.add(/TICKET_[A-Za-z0-9]+/.exec(t)?.[0] ?? ''),
    );
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(path.join(onprem, 'Projects/sub'), { recursive: true });
    await writeFile(path.join(onprem, 'Projects/a.txt'), 'alpha');
    await writeFile(path.join(onprem, 'Projects/sub/b.txt'), 'bravo');
    const out = await cli.run(['create', 'Projects', '--target', `${site}/Shared`, '--json']);
    assert.equal(out.code, 0, explain('create', out));
    const id = out.json<{ id: string }>().id;
    const root = emu.findByPath(site, 'Shared/Projects')!.id;
    const a = emu.findByPath(site, 'Shared/Projects/a.txt')!.id;
    return { cli, home, onprem, site, id, root, a };
  }

  async function member(cli: Cli, id: string, p: string) {
    const out = await cli.ok(['inspect', id, '--json']);
    type Member = InspectJson['members'][number] & { errorDetails?: string | null };
    return out.json<{ members: Member[] }>().members.find((m) => m.onpremPath === p);
  }

  /** Every file below `dir` (temp files included). */
  async function files(dir: string): Promise<string[]> {
    const out: string[] = [];
    for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
      if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)));
    return out.sort();
  }

  async function timed(run: () => Promise<CliResult>): Promise<{ out: CliResult; s: number }> {
    const t = Date.now();
    const out = await run();
    return { out, s: (Date.now() - t) / 1000 };
  }

  function assertClean(out: CliResult, what: string): void {
    assert.doesNotMatch(out.stderr + out.stdout, /\n\s+at .+:\d+:\d+\)?/, `${what}: no stack trace`);
    assert.doesNotMatch(out.stderr, /unexpected error/, `${what}: not reported as a crash`);
  }

  it('an endless JSON listing and a gzip bomb fail the set (exit 3) at the response cap, then it recovers', async () => {
    const { cli, onprem, id, root } = await synced({ CLOUDSYNC_MAX_RESPONSE_MB: '1' });
    proxy.rule = (req, res) => {
      if (!isChildrenOf(req, root)) return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"list":{"entries":[');
      flood(res, Buffer.from('{"entry":{"id":"x","name":"x"}},'.repeat(2000)), 512 * 1024 * 1024);
      return true;
    };
    const endless = await timed(() => cli.run(['sync', '--json']));
    assert.equal(endless.out.code, 3, explain('sync against an endless listing', endless.out));
    const root1 = await member(cli, id, 'Projects');
    assert.equal(root1?.errorCode, 'UNKNOWN');
    assert.match(root1?.errorDetails ?? '', /more than 1 MiB/);
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '));
    proxy.rule = (req, res) => {
      if (!isChildrenOf(req, root)) return false;
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
      return true;
    };
    const zipped = await timed(() => cli.run(['sync']));
    assert.equal(zipped.out.code, 3, explain('sync against a gzip bomb', zipped.out));
    assert.match(zipped.out.stderr, /more than 1 MiB/);
    assertClean(zipped.out, 'gzip bomb');
    assert.equal(await readFile(path.join(onprem, 'Projects/a.txt'), 'utf8'), 'alpha');
    proxy.rule = null;
    await cli.ok(['sync', '--json']);
    assert.equal((await member(cli, id, 'Projects'))?.status, 'SYNCED', 'the failure clears once readable');
    records.push({
      input: `endless JSON listing; gzip bomb (64 MB in ${bomb.length} bytes)`,
      exit: 3,
      outcome: `set FAILED at the 1 MiB cap in ${endless.s.toFixed(1)} s / ${zipped.s.toFixed(1)} s, then recovered`,
      lost: 0,
      duplicates: 0,
    });
  });

  it('an endless error body is read only to its cap: the member fails ACCESS_DENIED, nothing written', async () => {
    const { cli, onprem, site, id, a } = await synced();
    emu.putFile(site, 'Shared/Projects/a.txt', 'cloud edit');
    proxy.rule = (req, res) => {
      if (!isContentOf(req, a)) return false;
      res.writeHead(403, { 'content-type': 'text/plain' });
      flood(res, Buffer.alloc(64 * 1024, 'e'), 1024 * 1024 * 1024);
      return true;
    };
    const { out, s } = await timed(() => cli.run(['sync', '--json']));
    assert.equal(out.code, 3, explain('sync', out));
    assert.match((await member(cli, id, 'Projects/a.txt'))?.errorCode ?? '', /ACCESS_DENIED/);
    assert.equal(await readFile(path.join(onprem, 'Projects/a.txt'), 'utf8'), 'alpha');
    records.push({
      input: 'endless 403 error body on a download',
      exit: 3,
      outcome: `member FAILED ACCESS_DENIED in ${s.toFixed(1)} s, body read to 64 KiB`,
      lost: 0,
      duplicates: 0,
    });
  });

  it('a download longer or shorter than its listing fails the member; no file written, no temp left', async () => {
    const { cli, onprem, site, id, a } = await synced();
    emu.putFile(site, 'Shared/Projects/a.txt', 'cloud edit'); // 10 bytes announced
    const before = await files(onprem);
    proxy.rule = (req, res) => {
      if (!isContentOf(req, a)) return false;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      flood(res, Buffer.alloc(1024 * 1024, 'z'), 2 * 1024 * 1024 * 1024);
      return true;
    };
    const longer = await timed(() => cli.run(['sync', '--json']));
    assert.equal(longer.out.code, 3, explain('sync (endless download)', longer.out));
    assert.match(
      (await member(cli, id, 'Projects/a.txt'))?.errorDetails ?? '',
      /more content than the 10 bytes/,
    );
    assert.equal(await readFile(path.join(onprem, 'Projects/a.txt'), 'utf8'), 'alpha');
    assert.deepEqual(await files(onprem), before, 'no temp file left');
    proxy.rule = (req, res) => {
      if (!isContentOf(req, a)) return false;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end('clo');
      return true;
    };
    const shorter = await cli.run(['sync', '--json']);
    assert.equal(shorter.code, 3, explain('sync (short download)', shorter));
    assert.match((await member(cli, id, 'Projects/a.txt'))?.errorDetails ?? '', /after 3 of the 10 bytes/);
    assert.equal(await readFile(path.join(onprem, 'Projects/a.txt'), 'utf8'), 'alpha');
    assert.deepEqual(await files(onprem), before, 'no temp file left');
    proxy.rule = null;
    await cli.ok(['sync', '--json']);
    assert.equal(await readFile(path.join(onprem, 'Projects/a.txt'), 'utf8'), 'cloud edit');
    records.push({
      input: 'download endless / shorter than listed (10 bytes)',
      exit: 3,
      outcome: `member FAILED in ${longer.s.toFixed(1)} s, old bytes kept, no temp; next pass pulls`,
      lost: 0,
      duplicates: 0,
    });
  });

  it('a trickling server cannot hold a pass: request deadline (exit 7), download minimum rate (exit 3), sync --timeout (exit 7)', async () => {
    const { cli, home, id, root, site, a, onprem } = await synced();
    proxy.rule = (req, res) => {
      if (!isChildrenOf(req, root)) return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      trickle(res, 200, 600);
      return true;
    };
    const slowList = await timed(() =>
      runCli(['sync', '--json'], { home, env: { CLOUDSYNC_REQUEST_TIMEOUT: '2' } }),
    );
    assert.equal(slowList.out.code, 7, explain('sync against a trickling listing', slowList.out));
    assert.match(slowList.out.stdout, /within 2 s/);
    assert.ok(slowList.s < 20, `stopped after ${slowList.s} s`);
    const capped = await timed(() => cli.run(['sync', '--timeout', '2', '--json']));
    assert.equal(capped.out.code, 7, explain('sync --timeout 2', capped.out));
    const err = capped.out.json<{ error: { code: string; message: string } }>().error;
    assert.equal(err.code, 'TIMEOUT');
    assert.match(err.message, /--timeout 2 s/);
    assert.ok(capped.s < 15, `sync --timeout 2 took ${capped.s} s`);
    emu.putFile(site, 'Shared/Projects/a.txt', 'cloud edit');
    proxy.rule = (req, res) => {
      if (!isContentOf(req, a)) return false;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '10' });
      trickle(res, 500, 10);
      return true;
    };
    const slowGet = await timed(() =>
      runCli(['sync', '--json'], {
        home,
        env: { CLOUDSYNC_MIN_RATE: '1000', CLOUDSYNC_RATE_WINDOW: '1' },
      }),
    );
    assert.equal(slowGet.out.code, 3, explain('sync with a trickling download', slowGet.out));
    assert.match((await member(cli, id, 'Projects/a.txt'))?.errorDetails ?? '', /too slow/);
    assert.equal(await readFile(path.join(onprem, 'Projects/a.txt'), 'utf8'), 'alpha');
    proxy.rule = null;
    await cli.ok(['sync', '--json']); // the lock was released and the state is consistent
    assert.equal(await readFile(path.join(onprem, 'Projects/a.txt'), 'utf8'), 'cloud edit');
    records.push({
      input: 'trickling listing / download (1 byte per 200–500 ms)',
      exit: '7 / 7 / 3',
      outcome: `deadline ${slowList.s.toFixed(1)} s, --timeout 2: ${capped.s.toFixed(1)} s, min rate ${slowGet.s.toFixed(1)} s`,
      lost: 0,
      duplicates: 0,
    });
  });

  it('paging that never ends (the same page, hasMoreItems always true) fails the set, exit 3', async () => {
    const { cli, id, root } = await synced();
    proxy.rule = (req, res) => {
      if (!isChildrenOf(req, root)) return false;
      const entry = {
        id: 'loop-1',
        name: 'loop.txt',
        nodeType: 'cm:content',
        isFolder: false,
        isFile: true,
        modifiedAt: '2026-01-01T00:00:00.000+0000',
        parentId: root,
        content: { sizeInBytes: 1 },
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          list: { pagination: { count: 1, hasMoreItems: true, skipCount: 0 }, entries: [{ entry }] },
        }),
      );
      return true;
    };
    const { out, s } = await timed(() => cli.run(['sync', '--json']));
    assert.equal(out.code, 3, explain('sync against endless paging', out));
    assert.match((await member(cli, id, 'Projects'))?.errorDetails ?? '', /page 2 again/);
    records.push({
      input: 'paging: same page forever, hasMoreItems true',
      exit: 3,
      outcome: `set FAILED after 2 pages (${s.toFixed(1)} s)`,
      lost: 0,
      duplicates: 0,
    });
  });

  it("a 403 on the set's own folder is TARGET_NODE_ACCESS_DENIED (exit 3); a redirect is not followed (exit 7)", async () => {
    const { cli, onprem, id, root } = await synced();
    proxy.rule = (req, res) => {
      if (!isChildrenOf(req, root)) return false;
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { statusCode: 403, briefSummary: '01234567 Permission was denied' } }));
      return true;
    };
    const denied = await cli.run(['sync']);
    assert.equal(denied.code, 3, explain('sync with a 403 on the folder', denied));
    assertClean(denied, '403');
    assert.equal((await member(cli, id, 'Projects'))?.errorCode, 'TARGET_NODE_ACCESS_DENIED');
    assert.equal(await readFile(path.join(onprem, 'Projects/a.txt'), 'utf8'), 'alpha');
    let stolen = 0;
    const thief = createServer((_req, res) => {
      stolen++;
      res.end('{}');
    });
    const thiefPort = await listen(thief);
    try {
      proxy.rule = (req, res) => {
        if (!isChildrenOf(req, root)) return false;
        res.writeHead(302, { location: `http://127.0.0.1:${thiefPort}/steal${req.url}` });
        res.end();
        return true;
      };
      const moved = await cli.run(['sync']);
      assert.equal(moved.code, 7, explain('sync with a redirect', moved));
      assert.match(moved.stderr, /redirected .* to another address, http:\/\/127\.0\.0\.1:\d+/);
      assert.match(moved.stderr, /cloudsync login cloud/);
      assertClean(moved, 'redirect');
      assert.equal(stolen, 0, 'nothing reached the redirect target');
    } finally {
      await new Promise<void>((r) => thief.close(() => r()));
    }
    records.push({
      input: "403 / 302 to another host on the set's folder",
      exit: '3 / 7',
      outcome: 'TARGET_NODE_ACCESS_DENIED; redirect reported, not followed',
      lost: 0,
      duplicates: 0,
    });
  });

  it('secrets a server echoes never reach stderr, --json, state (inspect) or the log', async () => {
    const env = { CLOUDSYNC_CLOUD_USERNAME: USER, CLOUDSYNC_CLOUD_PASSWORD: PASSWORD };
    const { cli, home, id, root } = await synced(env);
    proxy.rule = (req, res) => {
      if (!isChildrenOf(req, root)) return false;
      const auth = req.headers.authorization ?? '';
      const ticket = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString('utf8');
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            briefSummary: `01234567 bad request: got ${auth} (${ticket}, raw ${ticket.replace('TICKET_', '')}) for ${USER}/${PASSWORD}`,
          },
        }),
      );
      return true;
    };
    const outs = [await cli.run(['sync']), await cli.run(['sync', '--json'])];
    for (const o of outs) assert.equal(o.code, 3, explain('sync with an echoing server', o));
    outs.push(await cli.run(['inspect', id]), await cli.run(['inspect', id, '--json']));
    assert.match((await member(cli, id, 'Projects'))?.errorDetails ?? '', /bad request/);
    // a login the server refuses while echoing the password
    proxy.rule = (req, res) => {
      if (req.method !== 'POST' || !(req.url ?? '').includes('/tickets')) return false;
      res.writeHead(409, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { briefSummary: `you sent ${PASSWORD} and "password":"${PASSWORD}"` } }),
      );
      return true;
    };
    outs.push(
      await runCli(['login', 'cloud', proxy.url, '--username', USER, '--password-stdin'], {
        home,
        input: PASSWORD,
      }),
    );
    outs.push(await runCli(['login', 'cloud', `http://${USER}:${PASSWORD}@127.0.0.1:9`], { home }));
    assert.equal(outs.at(-1)!.code, 2, explain('login with user:pass@', outs.at(-1)!));
    const log = await readFile(path.join(home, 'logs', 'cloudsync.log'), 'utf8');
    const secrets = [...proxy.seen].filter((s) => s.length > 8).concat(PASSWORD);
    const raw = [...secrets].map((s) => s.replace(/^Basic /, '').replace('TICKET_', ''));
    for (const s of new Set([...secrets, ...raw])) {
      for (const [i, o] of outs.entries()) {
        assert.ok(!(o.stdout + o.stderr).includes(s), `output ${i} leaks ${s}:\n${o.stdout}\n${o.stderr}`);
      }
      assert.ok(!log.includes(s), `the log leaks ${s}`);
      const state = await readdir(path.join(home, 'state', 'default'));
      for (const f of state) {
        const text = await readFile(path.join(home, 'state', 'default', f), 'utf8');
        assert.ok(!text.includes(s), `state ${f} leaks ${s}`);
      }
    }
    records.push({
      input: 'server echoes ticket, Authorization and password; user:pass@ URL',
      exit: '3 / 4 / 2',
      outcome: `0 of ${secrets.length} secrets in stderr, --json, inspect, state or log`,
      lost: 0,
      duplicates: 0,
    });
  });

  it('names with terminal escapes and newlines are shown escaped (tables aligned, log too); --json keeps them', async () => {
    const { cli, home, site, id } = await synced();
    const evil = 'evil\u001b]0;pwned\u0007\u001b[2J\nFAKE LINE.txt';
    emu.putFile(site, `Shared/Projects/${evil}`, 'x');
    const outs = [await cli.run(['sync', '-v']), await cli.run(['inspect', id]), await cli.run(['list'])];
    for (const o of outs) {
      assert.ok([0, 3].includes(o.code ?? -1), explain('human output', o));
      assert.ok(!RAW_CONTROL.test(o.stdout + o.stderr), `raw control characters:\n${o.stdout}${o.stderr}`);
      assert.doesNotMatch(o.stdout + o.stderr, /^FAKE LINE/m, 'a name cannot start a line');
    }
    assert.match(outs[1]!.stdout, /evil\\x1b\]0;pwned\\x07\\x1b\[2J\\nFAKE LINE\.txt/);
    const log = await readFile(path.join(home, 'logs', 'cloudsync.log'), 'utf8');
    assert.ok(!RAW_CONTROL.test(log), 'no raw control characters in the log');
    assert.doesNotMatch(log, /^FAKE LINE/m);
    const json = (await cli.ok(['inspect', id, '--json'], [0])).json<InspectJson>();
    assert.ok(
      json.members.some((m) => m.cloudPath?.endsWith(evil)),
      '--json keeps the real name',
    );
    records.push({
      input: 'cloud name with OSC/CSI escapes, BEL and a newline',
      exit: outs[0]!.code ?? -1,
      outcome: 'shown as \\x1b…\\n in sync, inspect, list and the log; real in --json',
      lost: 0,
      duplicates: 0,
    });
  });
});
