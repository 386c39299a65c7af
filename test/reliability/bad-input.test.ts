// Bad input, each with the exit code and message a user gets (SPEC §4, §5): names a side cannot hold, Unicode
// normalisation twins, very long paths, empty and huge files, symlinks, unreadable files, files changing
// while read, damaged state/config files, remote names that try to escape the root, expired tickets, TLS
// that does not verify, and a server that answers HTML.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  appendFile,
  chmod,
  chown,
  mkdir,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { NodeError } from '../../src/errors.js';
import { LocalConnector } from '../../src/connectors/local/index.js';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { BIN, PROJECT_ROOT, runCli, tempDir, type CliResult } from '../support/cli.js';
import { cleanup, Cli, explain, localPair, results, SLOW, walkLocal, type InspectJson } from './support.js';

/** One bad input and what came of it (RESULTS.md). */
export interface BadInputRecord {
  input: string;
  exit: number | string;
  outcome: string;
  lost: number;
  duplicates: number;
}

async function put(root: string, rel: string, content: string | Buffer): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), content);
}
const read = (p: string) => readFile(p, 'utf8').catch(() => null);
/** No stack trace reaches the user (SPEC §5: only exit 1 says how to report; none of these are exit 1). */
function assertNoStack(out: CliResult, what: string): void {
  assert.doesNotMatch(
    out.stderr + out.stdout,
    /\n\s+at .+:\d+:\d+\)?/,
    `${what}: no stack trace\n${out.stderr}`,
  );
}
function membersOf(cli: Cli, id: string): Promise<InspectJson['members']> {
  return cli.ok(['inspect', id, '--json']).then((o) => o.json<InspectJson>().members);
}

async function loginEmulator(cli: Cli, emu: Emulator, extra: string[] = []): Promise<void> {
  const out = await runCli(['login', 'cloud', emu.url, '--username', 'admin', '--json', ...extra], {
    home: cli.home,
    env: { CLOUDSYNC_CLOUD_PASSWORD: 'admin' },
  });
  assert.equal(out.code, 0, explain('login cloud', out));
}

describe('reliability: bad input', function () {
  this.timeout(90_000);
  const records: BadInputRecord[] = [];
  results.badInput = records;
  const dirs: string[] = [];
  after(async () => {
    await cleanup(...dirs);
    if (records.length)
      console.log(
        `\n  bad inputs:\n${records.map((r) => `  ${r.input}: exit ${r.exit}, ${r.outcome}`).join('\n')}`,
      );
  });
  async function pair() {
    const p = await localPair();
    dirs.push(p.home, p.onprem, p.cloud);
    return p;
  }

  describe('toward the Alfresco emulator', () => {
    let emu: Emulator;
    let n = 0;
    before(async () => {
      emu = await startEmulator();
    });
    after(async () => {
      await emu?.close();
    });
    async function emuSet(files: Record<string, string>) {
      const site = `bad${n++}`;
      emu.createSite(site);
      emu.mkdir(site, 'Shared');
      const home = await tempDir('cs-rel-home-');
      const onprem = await tempDir('cs-rel-onprem-');
      dirs.push(home, onprem);
      const cli = new Cli(home);
      await cli.ok(['login', 'onprem', onprem, '--json']);
      await loginEmulator(cli, emu);
      for (const [p, c] of Object.entries(files)) await put(onprem, `Projects/${p}`, c);
      const out = await cli.run(['create', 'Projects', '--target', `${site}/Shared`, '--json']);
      return { cli, home, onprem, site, out };
    }

    it('names Alfresco forbids (* " < > \\ ? : | and a trailing dot) fail INVALID_NAME (exit 3); the other files sync', async () => {
      const bad = [
        'a*b.txt',
        'q"uote.txt',
        'lt<.txt',
        'gt>.txt',
        'back\\slash.txt',
        'what?.txt',
        'co:lon.txt',
        'pi|pe.txt',
        'trailing.',
        'dot folder.',
      ];
      const files: Record<string, string> = { 'good.txt': 'good', 'sub/fine.txt': 'fine' };
      for (const b of bad) files[b === 'dot folder.' ? `${b}/inner.txt` : b] = `bytes of ${b}`;
      const { cli, onprem, site, out } = await emuSet(files);
      assert.equal(out.code, 3, explain('create', out));
      const id = out.json<{ id: string }>().id;
      const members = await membersOf(cli, id);
      for (const b of bad) {
        const m = members.find((x) => x.onpremPath === `Projects/${b}`);
        assert.equal(
          `${m?.status} ${m?.errorCode}`,
          'FAILED INVALID_NAME',
          `member ${b}: ${JSON.stringify(m)}`,
        );
      }
      assert.equal(emu.readContent(emu.findByPath(site, 'Shared/Projects/good.txt')!.id)?.toString(), 'good');
      assert.equal(
        emu.readContent(emu.findByPath(site, 'Shared/Projects/sub/fine.txt')!.id)?.toString(),
        'fine',
      );
      // nothing lost on-prem, and a second pass keeps failing them visibly (exit 3), no crash
      for (const b of bad.filter((x) => x !== 'dot folder.'))
        assert.equal(await read(path.join(onprem, 'Projects', b)), `bytes of ${b}`);
      const again = await cli.run(['sync', '--json']);
      assert.equal(again.code, 3, explain('second pass', again));
      records.push({
        input: `${bad.length} names Alfresco forbids → emulator`,
        exit: 3,
        outcome: 'each FAILED INVALID_NAME, others synced',
        lost: 0,
        duplicates: 0,
      });
    });

    it('NFC and NFD spellings of "é" side by side: both kept on-prem, each either synced with its bytes or FAILED visibly', async () => {
      const nfc = 'caf\u00e9.txt';
      const nfd = 'cafe\u0301.txt';
      const { cli, onprem, site, out } = await emuSet({ [nfc]: 'precomposed', [nfd]: 'decomposed' });
      assert.ok([0, 3].includes(out.code ?? -1), explain('create', out));
      const id = out.json<{ id: string }>().id;
      assert.equal(await read(path.join(onprem, 'Projects', nfc)), 'precomposed');
      assert.equal(await read(path.join(onprem, 'Projects', nfd)), 'decomposed');
      const members = await membersOf(cli, id);
      const outcome: string[] = [];
      for (const [name, bytes] of [
        [nfc, 'precomposed'],
        [nfd, 'decomposed'],
      ] as const) {
        const m = members.find((x) => x.onpremPath === `Projects/${name}`);
        assert.ok(m, `member for ${JSON.stringify(name)}`);
        if (m.status === 'SYNCED') {
          const node = emu.findByPath(site, `Shared/Projects/${name}`);
          assert.ok(node, `${JSON.stringify(name)} is SYNCED, so it is in the cloud under that exact name`);
          assert.equal(emu.readContent(node.id)?.toString(), bytes);
          outcome.push(`${name.normalize('NFD') === name ? 'NFD' : 'NFC'} synced`);
        } else {
          assert.equal(m.status, 'FAILED');
          outcome.push(`${name.normalize('NFD') === name ? 'NFD' : 'NFC'} FAILED ${m.errorCode}`);
        }
      }
      records.push({
        input: 'NFC + NFD "café.txt" → emulator',
        exit: out.code ?? -1,
        outcome: outcome.join(', '),
        lost: 0,
        duplicates: 0,
      });
    });

    it('an expired ticket and no password available: exit 4 with a hint to `cloudsync login`', async () => {
      const { cli, out } = await emuSet({ 'a.txt': 'a' });
      assert.equal(out.code, 0, explain('create', out));
      emu.expireTickets();
      const s = await cli.run(['sync']);
      assert.equal(s.code, 4, explain('sync with an expired ticket', s));
      assert.match(s.stderr, /cloudsync login/, 'the hint names `cloudsync login`');
      assertNoStack(s, 'expired ticket');
      const j = await cli.run(['sync', '--json']);
      assert.equal(j.code, 4);
      const err = j.json<{ error: { code: string; message: string; hint?: string } }>().error;
      assert.match(`${err.message} ${err.hint}`, /cloudsync login/);
      records.push({
        input: 'expired ticket, no password',
        exit: 4,
        outcome: 'hint: cloudsync login',
        lost: 0,
        duplicates: 0,
      });
    });

    it('an expired ticket with CLOUDSYNC_CLOUD_USERNAME/PASSWORD set: renewed transparently, exit 0', async () => {
      const { cli, onprem, site, out } = await emuSet({ 'a.txt': 'a' });
      assert.equal(out.code, 0, explain('create', out));
      emu.expireTickets();
      await put(onprem, 'Projects/b.txt', 'b');
      const s = await runCli(['sync', '--json'], {
        home: cli.home,
        env: { CLOUDSYNC_CLOUD_USERNAME: 'admin', CLOUDSYNC_CLOUD_PASSWORD: 'admin' },
      });
      assert.equal(s.code, 0, explain('sync with credentials in the environment', s));
      assert.equal(emu.readContent(emu.findByPath(site, 'Shared/Projects/b.txt')!.id)?.toString(), 'b');
      records.push({
        input: 'expired ticket, password in env',
        exit: 0,
        outcome: 'renewed transparently',
        lost: 0,
        duplicates: 0,
      });
    });

    describe('TLS that does not verify', () => {
      let proxy: Server | undefined;
      let certFile = '';
      let why = '';
      before(async function () {
        try {
          execFileSync('openssl', ['version'], { stdio: 'ignore' });
        } catch {
          why = 'openssl is not installed';
          return;
        }
        const dir = await tempDir('cs-rel-tls-');
        dirs.push(dir);
        certFile = path.join(dir, 'cert.pem');
        const keyFile = path.join(dir, 'key.pem');
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-keyout',
            keyFile,
            '-out',
            certFile,
            '-days',
            '2',
            '-subj',
            '/CN=127.0.0.1',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
          ],
          { stdio: 'ignore' },
        );
        // an HTTPS front for the emulator, with a self-signed certificate made just now
        const target = new URL(emu.url);
        proxy = createHttpsServer(
          { key: readFileSync(keyFile), cert: readFileSync(certFile) },
          (req, res) => {
            const up = httpRequest(
              {
                host: target.hostname,
                port: target.port,
                path: req.url,
                method: req.method,
                headers: req.headers,
              },
              (r) => {
                res.writeHead(r.statusCode ?? 502, r.headers);
                r.pipe(res);
              },
            );
            up.on('error', () => res.destroy());
            req.pipe(up);
          },
        );
        await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', () => r()));
      });
      after(async () => {
        if (proxy) await new Promise<void>((r) => proxy!.close(() => r()));
      });

      it('a self-signed certificate: a clear error naming --ca-file (exit 7 or 2); with --ca-file it connects', async function () {
        if (why) this.skip();
        const url = `https://127.0.0.1:${(proxy!.address() as AddressInfo).port}`;
        const home = await tempDir('cs-rel-home-');
        dirs.push(home);
        const env = { CLOUDSYNC_CLOUD_PASSWORD: 'admin' };
        const bad = await runCli(['login', 'cloud', url, '--username', 'admin'], { home, env });
        assert.ok([2, 7].includes(bad.code ?? -1), explain('login without --ca-file', bad));
        assert.match(bad.stderr, /--ca-file/, 'the error names --ca-file');
        assertNoStack(bad, 'self-signed');
        const good = await runCli(
          ['login', 'cloud', url, '--username', 'admin', '--ca-file', certFile, '--json'],
          { home, env },
        );
        assert.equal(good.code, 0, explain('login with --ca-file', good));
        const who = await runCli(['whoami', 'cloud', '--json'], { home });
        assert.equal(who.code, 0, explain('whoami through the CA file', who));
        records.push({
          input: 'self-signed TLS certificate',
          exit: bad.code ?? -1,
          outcome: 'names --ca-file; connects with it',
          lost: 0,
          duplicates: 0,
        });
      });
    });
  });

  it('a server that answers HTML instead of JSON: clean exit 7 or 2 naming the problem, no stack trace', async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const home = await tempDir('cs-rel-home-');
      dirs.push(home);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const out = await runCli(['login', 'cloud', url, '--username', 'admin'], {
        home,
        env: { CLOUDSYNC_CLOUD_PASSWORD: 'pw' },
      });
      assert.ok([2, 7].includes(out.code ?? -1), explain('login to an HTML server', out));
      assert.match(
        out.stderr,
        /html|json|not an alfresco|unexpected|content.type/i,
        'the message names the problem',
      );
      assertNoStack(out, 'HTML server');
      records.push({
        input: 'server answers text/html',
        exit: out.code ?? -1,
        outcome: out.stderr.split('\n')[0]!.slice(0, 100),
        lost: 0,
        duplicates: 0,
      });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a very long path (deep nesting, 4000+ characters below the set): no crash, the others sync, the deep file synced or FAILED visibly', async () => {
    const { cli, onprem, cloud } = await pair();
    await put(onprem, 'Projects/short.txt', 'short');
    await mkdir(path.join(cloud, 'Shared'));
    // 4,000+ characters below the set: longer than PATH_MAX once absolute, so it is built with relative
    // steps (chdir), and the CLI can only reach it by a path the kernel refuses (ENAMETOOLONG)
    const base = path.join(onprem, 'Projects');
    const segs = Array.from({ length: 68 }, (_, i) => `${String(i).padStart(2, '0')}${'d'.repeat(58)}`);
    const rel = `${segs.join('/')}/deep.txt`;
    const cwd = process.cwd();
    try {
      process.chdir(base);
      for (let i = 0; i < segs.length; i += 20) {
        const step = segs.slice(i, i + 20).join('/');
        await mkdir(step, { recursive: true });
        process.chdir(step);
      }
      await writeFile('deep.txt', 'deep');
    } finally {
      process.chdir(cwd);
    }
    assert.ok(rel.length > 4000, `relative path ${rel.length} chars`);
    const out = await cli.run(['create', 'Projects', '--target', 'Shared', '--json']);
    assert.ok([0, 3].includes(out.code ?? -1), explain('create with a 4000+ char path', out));
    assertNoStack(out, 'long path');
    assert.equal(await read(path.join(cloud, 'Shared/Projects/short.txt')), 'short');
    const deepExists = execFileSync('find', [base, '-name', 'deep.txt']).toString().trim() !== '';
    assert.ok(deepExists, 'the deep file is still there on-prem');
    const id = out.json<{ id: string }>().id;
    const deep = (await membersOf(cli, id)).find((m) => m.onpremPath?.endsWith('deep.txt'));
    const warnings =
      out
        .json<{ pass?: { sets: { warnings?: string[] }[] } }>()
        .pass?.sets.flatMap((x) => x.warnings ?? []) ?? [];
    const copied = execFileSync('find', [path.join(cloud, 'Shared/Projects'), '-name', 'deep.txt'])
      .toString()
      .trim();
    let outcome = 'synced';
    if (deep?.status === 'FAILED') outcome = `deep file FAILED ${deep.errorCode}`;
    else if (!copied) {
      // not synced: then the user must be told (a warning naming what was skipped), and exit 0 is only
      // acceptable with that warning
      assert.ok(
        warnings.some((w) => /skipped/.test(w)),
        `the deep file is neither synced nor FAILED nor warned about: ${JSON.stringify(warnings).slice(0, 500)}`,
      );
      outcome = 'skipped with a warning (path too long to read)';
    }
    assert.equal(out.code, deep?.status === 'FAILED' ? 3 : 0);
    records.push({
      input: `path of ${rel.length} chars (local↔local)`,
      exit: out.code ?? -1,
      outcome,
      lost: 0,
      duplicates: 0,
    });
    // fs.rm cannot reach below PATH_MAX either; rm(1) walks relative to each directory
    execFileSync('rm', ['-rf', onprem, cloud]);
  });

  it('empty files and an empty folder are synced as empty', async () => {
    const { cli, onprem, cloud } = await pair();
    await put(onprem, 'Projects/empty.txt', '');
    await put(onprem, 'Projects/sub/also-empty', '');
    await mkdir(path.join(onprem, 'Projects/void'), { recursive: true });
    await mkdir(path.join(cloud, 'Shared'));
    const out = await cli.run(['create', 'Projects', '--target', 'Shared', '--json']);
    assert.equal(out.code, 0, explain('create', out));
    assert.equal(await read(path.join(cloud, 'Shared/Projects/empty.txt')), '');
    assert.equal(await read(path.join(cloud, 'Shared/Projects/sub/also-empty')), '');
    assert.ok((await stat(path.join(cloud, 'Shared/Projects/void'))).isDirectory());
    // and an emptied file goes across as empty too
    await writeFile(path.join(cloud, 'Shared/Projects/sub/also-empty'), 'now full');
    await cli.ok(['sync', '--json']);
    await writeFile(path.join(cloud, 'Shared/Projects/sub/also-empty'), '');
    await cli.ok(['sync', '--json']);
    assert.equal(await read(path.join(onprem, 'Projects/sub/also-empty')), '');
    records.push({
      input: 'empty files, empty folder, emptied file',
      exit: 0,
      outcome: 'synced as empty',
      lost: 0,
      duplicates: 0,
    });
  });

  it('symlinks and symlink loops are skipped with a warning, never followed or synced', async () => {
    const { cli, onprem, cloud } = await pair();
    await put(onprem, 'Projects/real.txt', 'real');
    await put(onprem, 'outside/secret.txt', 'secret');
    await symlink(path.join(onprem, 'outside'), path.join(onprem, 'Projects/link-out'));
    await symlink('real.txt', path.join(onprem, 'Projects/link-file'));
    await symlink('loop', path.join(onprem, 'Projects/loop'));
    await symlink('..', path.join(onprem, 'Projects/parent'));
    await mkdir(path.join(cloud, 'Shared'));
    const out = await cli.run(['create', 'Projects', '--target', 'Shared', '--json']);
    assert.equal(out.code, 0, explain('create with symlinks', out));
    const all = out.stdout + out.stderr;
    assert.match(all, /symlink|symbolic link/i, 'a warning names the symlinks');
    const t = await walkLocal(path.join(cloud, 'Shared/Projects'));
    assert.deepEqual([...t.keys()].sort(), ['real.txt'], 'only the real file went across');
    const s = await cli.run(['sync', '--json']);
    assert.equal(s.code, 0, explain('second pass', s));
    records.push({
      input: 'symlinks (file, folder outside, loop, ..)',
      exit: 0,
      outcome: 'skipped with a warning',
      lost: 0,
      duplicates: 0,
    });
  });

  it('unreadable files and folders (run as `nobody` via runuser, since root reads through chmod 000): the member fails or is skipped, nothing deleted in the cloud', async function () {
    const asRoot = userInfo().uid === 0;
    let runuser = false;
    if (asRoot) {
      try {
        execFileSync('runuser', ['-u', 'nobody', '--', process.execPath, BIN, '--version'], {
          stdio: 'ignore',
          cwd: PROJECT_ROOT,
        });
        runuser = true;
      } catch {
        runuser = false;
      }
      if (!runuser) this.skip(); // root ignores mode bits and there is no way to drop privileges here
    }
    const home = await tempDir('cs-rel-home-');
    const onprem = await tempDir('cs-rel-onprem-');
    const cloud = await tempDir('cs-rel-cloud-');
    dirs.push(home, onprem, cloud);
    await put(onprem, 'Projects/ok.txt', 'ok');
    await put(onprem, 'Projects/secret.txt', 'secret');
    await put(onprem, 'Projects/closed/inner.txt', 'inner');
    await mkdir(path.join(cloud, 'Shared'));
    const nobody = Number(execFileSync('id', ['-u', 'nobody']).toString().trim());
    const nogroup = Number(execFileSync('id', ['-g', 'nobody']).toString().trim());
    const run = (args: string[]): Promise<CliResult> =>
      new Promise((resolve) => {
        const argv = asRoot
          ? ['runuser', '-u', 'nobody', '--', process.execPath, BIN, ...args]
          : [process.execPath, BIN, ...args];
        const child = spawn(argv[0]!, argv.slice(1), {
          cwd: PROJECT_ROOT,
          env: { PATH: process.env.PATH ?? '', CLOUDSYNC_HOME: home },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal, stdout, stderr, json: <T>() => JSON.parse(stdout) as T, ndjson: () => [] });
        });
      });
    if (asRoot) {
      for (const d of [home, onprem, cloud]) {
        execFileSync('chown', ['-R', `${nobody}:${nogroup}`, d]);
      }
    }
    assert.equal((await run(['login', 'onprem', onprem, '--json'])).code, 0);
    assert.equal((await run(['login', 'cloud', cloud, '--json'])).code, 0);
    const first = await run(['create', 'Projects', '--target', 'Shared', '--json']);
    assert.equal(first.code, 0, explain('create', first));
    const id = first.json<{ id: string }>().id;
    // changed, then closed: the pass has to read it and cannot
    await writeFile(path.join(onprem, 'Projects/secret.txt'), 'secret v2');
    await chmod(path.join(onprem, 'Projects/secret.txt'), 0o000);
    await chmod(path.join(onprem, 'Projects/closed'), 0o000);
    await writeFile(path.join(onprem, 'Projects/ok.txt'), 'ok v2');
    try {
      const out = await run(['sync', '--json']);
      assert.ok([0, 3, 5].includes(out.code ?? -1), explain('sync with unreadable entries', out));
      assertNoStack(out, 'unreadable');
      // nothing deleted in the cloud: an unreadable file or folder is not a deleted one
      assert.equal(
        await read(path.join(cloud, 'Shared/Projects/secret.txt')),
        'secret',
        'the cloud copy keeps its old bytes',
      );
      assert.equal(await read(path.join(cloud, 'Shared/Projects/closed/inner.txt')), 'inner');
      if (out.code !== 5)
        assert.equal(
          await read(path.join(cloud, 'Shared/Projects/ok.txt')),
          'ok v2',
          'the readable file synced',
        );
      const view = await run(['inspect', id, '--json']);
      const members = view.json<InspectJson>().members;
      const secret = members.find((m) => m.onpremPath === 'Projects/secret.txt');
      assert.equal(
        secret?.status,
        'FAILED',
        `an unreadable changed file fails visibly: ${JSON.stringify(secret)}`,
      );
      assert.equal(out.code, 3, 'a FAILED member means exit 3');
      records.push({
        input: `unreadable file + folder (${asRoot ? 'as nobody via runuser' : 'non-root'})`,
        exit: out.code ?? -1,
        outcome:
          `secret.txt ${secret?.status} ${secret?.errorCode ?? ''}, nothing deleted in the cloud`.trim(),
        lost: 0,
        duplicates: 0,
      });
    } finally {
      await chmod(path.join(onprem, 'Projects/secret.txt'), 0o644);
      await chmod(path.join(onprem, 'Projects/closed'), 0o755);
      if (asRoot) for (const d of [home, onprem, cloud]) await chown(d, 0, 0).catch(() => undefined);
    }
  });

  it('a file changing while it is read (best effort): no crash, no torn copy recorded as synced, converges once it settles', async () => {
    const { cli, onprem, cloud } = await pair();
    await mkdir(path.join(cloud, 'Shared'));
    const file = path.join(onprem, 'Projects/growing.log');
    await put(onprem, 'Projects/growing.log', 'start\n');
    await put(onprem, 'Projects/other.txt', 'other');
    const id = (await cli.ok(['create', 'Projects', '--target', 'Shared', '--json'])).json<{ id: string }>()
      .id;
    const chunk = Buffer.alloc(256 * 1024, 'z');
    await appendFile(file, Buffer.alloc(20 * 1024 * 1024, 'a'));
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing && i < 2000; i++) {
        await appendFile(file, chunk);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    let out: CliResult;
    try {
      out = await cli.run(['sync', '--json']);
    } finally {
      writing = false;
      await writer;
    }
    assert.ok([0, 3].includes(out.code ?? -1), explain('sync while the file grows', out));
    assertNoStack(out, 'changing file');
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const r = await cli.run(['sync', '--json']);
      runs.push(r.code);
      if (r.code === 0) break;
    }
    assert.equal(runs.at(-1), 0, `follow-up passes: ${runs.join(', ')}`);
    const want = await readFile(file);
    const got = await readFile(path.join(cloud, 'Shared/Projects/growing.log'));
    assert.ok(
      got.equals(want),
      `the cloud copy equals the settled file (${got.length} vs ${want.length} bytes)`,
    );
    const m = (await membersOf(cli, id)).find((x) => x.onpremPath === 'Projects/growing.log');
    assert.equal(m?.status, 'SYNCED');
    records.push({
      input: 'file appended to during the pass',
      exit: out.code ?? -1,
      outcome: `converged after ${runs.length} more pass(es)`,
      lost: 0,
      duplicates: 0,
    });
  });

  describe('damaged files in --home are refused and left byte for byte', () => {
    it('a state file cut in half: exit 2 with a hint, file unchanged', async () => {
      const { cli, home, onprem, cloud } = await pair();
      await put(onprem, 'Projects/a.txt', 'a');
      await mkdir(path.join(cloud, 'Shared'));
      const id = (await cli.ok(['create', 'Projects', '--target', 'Shared', '--json'])).json<{ id: string }>()
        .id;
      const file = path.join(home, 'state', 'default', `${id}.json`);
      const full = await readFile(file);
      const half = full.subarray(0, Math.floor(full.length / 2));
      await writeFile(file, half);
      for (const args of [['sync'], ['sync', '--json'], ['inspect', id], ['list']]) {
        const out = await cli.run(args);
        assert.equal(out.code, 2, explain(args.join(' '), out));
        assertNoStack(out, `${args.join(' ')} on a truncated state`);
        assert.match(out.stderr + out.stdout, /state|corrupt/i, 'the message says what is wrong');
        assert.ok((await readFile(file)).equals(half), `${args.join(' ')} left the state file byte for byte`);
      }
      const j = (await cli.run(['sync', '--json'])).json<{ error: { hint?: string } }>();
      assert.ok(j.error.hint, 'the JSON error carries a hint');
      assert.equal(await read(path.join(cloud, 'Shared/Projects/a.txt')), 'a', 'nothing was deleted');
      records.push({
        input: 'state file cut in half',
        exit: 2,
        outcome: 'refused with a hint, file unchanged',
        lost: 0,
        duplicates: 0,
      });
    });

    it('a hand-edited state file (a member with a wrong field type): exit 2, file unchanged', async () => {
      const { cli, home, onprem, cloud } = await pair();
      await put(onprem, 'Projects/a.txt', 'a');
      await mkdir(path.join(cloud, 'Shared'));
      const id = (await cli.ok(['create', 'Projects', '--target', 'Shared', '--json'])).json<{ id: string }>()
        .id;
      const file = path.join(home, 'state', 'default', `${id}.json`);
      const state = JSON.parse(await readFile(file, 'utf8')) as { members: unknown[] };
      const first = state.members[0];
      if (Array.isArray(first)) {
        // schema 2: a member is a row, [key, flags, …]
        first[0] = null;
        first[1] = 'forty-two';
      } else {
        const m = first as Record<string, unknown>;
        m.status = 42;
        m.key = null;
      }
      const edited = JSON.stringify(state);
      await writeFile(file, edited);
      const out = await cli.run(['sync']);
      assert.equal(out.code, 2, explain('sync on a hand-edited state', out));
      assertNoStack(out, 'hand-edited state');
      assert.equal(await readFile(file, 'utf8'), edited, 'unchanged');
      records.push({
        input: 'state file hand-edited (bad field types)',
        exit: 2,
        outcome: 'refused, file unchanged',
        lost: 0,
        duplicates: 0,
      });
    });

    it('a config.json from a newer cloudsync: exit 2, file unchanged', async () => {
      const { cli, home } = await pair();
      const file = path.join(home, 'config.json');
      const config = JSON.parse(await readFile(file, 'utf8')) as { version: number };
      config.version = 99;
      const text = JSON.stringify(config, null, 2);
      await writeFile(file, text);
      // (`list` reads only the state files, not config.json, so it is not asked here)
      for (const args of [['sync'], ['whoami'], ['login', 'onprem', home]]) {
        const out = await cli.run(args);
        assert.equal(out.code, 2, explain(args.join(' '), out));
        assertNoStack(out, 'newer config');
        assert.match(out.stderr, /newer|version/i);
        assert.equal(await readFile(file, 'utf8'), text, `${args.join(' ')} left config.json unchanged`);
      }
      records.push({
        input: 'config.json version 99',
        exit: 2,
        outcome: 'refused, file unchanged',
        lost: 0,
        duplicates: 0,
      });
    });
  });

  it('remote names that try to escape the local root (.., ../../x, a/b, /abs, ., empty) are INVALID_NAME and create nothing outside', async () => {
    const outer = await tempDir('cs-rel-escape-');
    dirs.push(outer);
    const root = path.join(outer, 'root');
    await mkdir(path.join(root, 'inside'), { recursive: true });
    await writeFile(path.join(root, 'inside', 'f.txt'), 'f');
    const c = new LocalConnector(root);
    const rootNode = (await c.resolvePath(''))!;
    const inside = (await c.resolvePath('inside'))!;
    const file = (await c.resolvePath('inside/f.txt'))!;
    const names = ['..', '../../x', '../x', 'a/b', '/abs', '.', '', 'x\0y'];
    const attempts: [string, () => Promise<unknown>][] = [];
    for (const name of names) {
      attempts.push([
        `createFile(${JSON.stringify(name)})`,
        () => c.createFile(inside.id, name, Readable.from(['evil']), { size: 4 }),
      ]);
      attempts.push([`createFolder(${JSON.stringify(name)})`, () => c.createFolder(rootNode.id, name)]);
      attempts.push([`move(f.txt, ${JSON.stringify(name)})`, () => c.move(file.id, inside.id, name)]);
    }
    for (const [what, fn] of attempts) {
      await assert.rejects(
        fn,
        (err: unknown) => err instanceof NodeError && err.code === 'INVALID_NAME',
        what,
      );
    }
    assert.deepEqual((await readdir(outer)).sort(), ['root'], 'nothing appeared next to the root');
    assert.deepEqual(
      [...(await walkLocal(root)).keys()].sort(),
      ['inside', 'inside/f.txt'],
      'nothing new inside',
    );
    await assert.rejects(
      () => c.resolvePath('../outside'),
      (err: unknown) => err instanceof NodeError && err.code === 'INVALID_NAME',
    );
    records.push({
      input: `${attempts.length} escaping names (LocalConnector)`,
      exit: '-',
      outcome: 'all INVALID_NAME, nothing created',
      lost: 0,
      duplicates: 0,
    });
  });

  it(`a 2 GB sparse file local↔local: memory stays flat (VmHWM < 300 MB)${SLOW ? '' : ' [SLOW=1]'}`, async function () {
    if (!SLOW) this.skip(); // ~2 GB written and hashed twice: over 30 s on a CI machine
    this.timeout(600_000);
    const { cli, onprem, cloud } = await pair();
    await mkdir(path.join(cloud, 'Shared'));
    await put(onprem, 'Projects/big.bin', '');
    const size = 2 * 1024 ** 3;
    await truncate(path.join(onprem, 'Projects/big.bin'), size);
    let hwm = 0;
    let pid = 0;
    const sample = setInterval(() => {
      if (!pid) return;
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]) * 1024);
      } catch {
        // the process is gone
      }
    }, 50);
    let out: CliResult;
    try {
      out = await cli.run(['create', 'Projects', '--target', 'Shared', '--json'], {
        timeoutMs: 590_000,
        onSpawn: (p) => (pid = p),
      });
    } finally {
      clearInterval(sample);
    }
    assert.equal(out.code, 0, explain('create with a 2 GB file', out));
    assert.equal((await stat(path.join(cloud, 'Shared/Projects/big.bin'))).size, size);
    assert.ok(hwm > 0, 'sampled the child');
    assert.ok(hwm < 300 * 1024 ** 2, `peak resident memory ${Math.round(hwm / 1024 ** 2)} MB`);
    records.push({
      input: '2 GB sparse file',
      exit: 0,
      outcome: `copied, VmHWM ${Math.round(hwm / 1024 ** 2)} MB`,
      lost: 0,
      duplicates: 0,
    });
    await rm(path.join(cloud, 'Shared/Projects/big.bin'), { force: true });
  });
});
