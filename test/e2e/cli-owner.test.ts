import assert from 'node:assert/strict';
import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { runCli, tempDir, type CliResult } from '../support/cli.js';

interface PassJson {
  exitCode: number;
  sets: { id: string; pushed: number; aborted?: { code: string; message: string; hint?: string } }[];
}

const MARKER = /^\.cloudsync-owner\.P\.json$/;

/** The one set's refusal in a pass's --json (exit 2). */
function refusal(r: CliResult): { code: string; message: string; hint?: string } {
  assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
  const aborted = r.json<PassJson>().sets[0]?.aborted;
  assert.ok(aborted, r.stdout);
  return aborted;
}

async function installationId(home: string): Promise<string> {
  return (JSON.parse(await readFile(path.join(home, 'installation.json'), 'utf8')) as { id: string }).id;
}

/** A home logged in to `onprem` (a local folder) and `cloud` (a folder or the emulator). */
async function homeOn(
  onprem: string,
  cloud: string,
  env: Record<string, string> = {},
): Promise<(args: string[]) => Promise<CliResult>> {
  const home = await tempDir();
  const cli = (args: string[]) => runCli(args, { home, env });
  assert.equal((await cli(['login', 'onprem', onprem])).code, 0);
  const login = await cli(['login', 'cloud', cloud]);
  assert.equal(login.code, 0, login.stderr);
  (cli as { home?: string }).home = home;
  return cli;
}
const homeOf = (cli: unknown) => (cli as { home: string }).home;

/** Two installations, a copied home and a restored bundle over one cloud: what a user sees. */
function ownershipScenario(
  cloudOf: () => Promise<{ address: string; target: string; markers: () => Promise<string[]> }>,
  env: Record<string, string> = {},
): void {
  it('a set syncs under one owner: another installation is refused (exit 2) until --take-over; a copied home too; state import takes over', async () => {
    const { address, target, markers } = await cloudOf();
    const onpremA = await tempDir('cloudsync-onprem-');
    const onpremB = await tempDir('cloudsync-onprem-');
    for (const o of [onpremA, onpremB]) {
      await mkdir(path.join(o, 'P'));
      await writeFile(path.join(o, 'P', 'a.txt'), 'a');
    }
    const a = await homeOn(onpremA, address, env);
    const created = await a(['create', 'P', '--target', target, '--json']);
    assert.equal(created.code, 0, created.stderr);
    const id = created.json<{ id: string }>().id;
    assert.equal((await markers()).filter((n) => MARKER.test(n)).length, 1, 'the marker is in the target');
    assert.deepEqual(await readdir(onpremA), ['P'], 'the marker never comes back on-prem');
    assert.deepEqual(await readdir(path.join(onpremA, 'P')), ['a.txt']);

    // Another installation (a second CI runner, a cloned server) creating the same set: refused.
    const b = await homeOn(onpremB, address, env);
    const idA = await installationId(homeOf(a));
    const other = refusal(
      await b(['create', 'P', '--target', target, '--json']).then((r) => ({
        ...r,
        json: <T>() => r.json<{ pass: T }>().pass,
      })),
    );
    assert.equal(other.code, 'OWNED_ELSEWHERE');
    assert.match(other.message, new RegExp(`${idA}.*last ran at \\d{4}-`));
    assert.match(other.hint ?? '', /--take-over/);
    const again = refusal(await b(['sync', '--json']));
    assert.equal(again.code, 'OWNED_ELSEWHERE');
    assert.equal((await a(['sync', '--json'])).code, 0, 'the owner goes on');

    // B claims it; now A is the one refused, naming B.
    await writeFile(path.join(onpremB, 'P', 'b.txt'), 'b');
    const took = await b(['sync', '--take-over', '--json']);
    assert.equal(took.code, 0, took.stdout);
    const back = refusal(await a(['sync', '--json']));
    assert.match(back.message, new RegExp(await installationId(homeOf(b))));
    assert.equal((await a(['sync', id, '--dry-run', '--json'])).code, 2, 'a dry run says so too');

    // A copied home (same installation id): the copy that falls behind is refused.
    const copy = await tempDir();
    await cp(homeOf(b), copy, { recursive: true });
    const c = (args: string[]) => runCli(args, { home: copy, env });
    await writeFile(path.join(onpremB, 'P', 'c.txt'), 'c');
    assert.equal((await b(['sync', '--json'])).code, 0);
    const copied = refusal(await c(['sync', '--json']));
    assert.equal(copied.code, 'OWNER_COPIED_HOME');
    assert.match(copied.message, /a copy of this home is running too/);
    assert.equal((await b(['sync', '--json'])).code, 0, 'the original goes on');

    // A restored bundle takes over explicitly.
    const bundle = path.join(homeOf(a), 'bundle.json');
    const exported = await a(['state', 'export', '--all']);
    assert.equal(exported.code, 0, exported.stderr);
    await writeFile(bundle, exported.stdout);
    const fresh = await homeOn(onpremA, address, env);
    assert.equal((await fresh(['state', 'import', bundle])).code, 0);
    const restored = await fresh(['sync', '--json']);
    assert.equal(restored.code, 0, restored.stdout);
    assert.equal(refusal(await b(['sync', '--json'])).code, 'OWNED_ELSEWHERE');
  });
}

describe('e2e: one owner per set (local ↔ local)', function () {
  this.timeout(240_000);
  ownershipScenario(async () => {
    const cloud = await tempDir('cloudsync-cloud-');
    await mkdir(path.join(cloud, 'Shared'));
    return { address: cloud, target: 'Shared', markers: () => readdir(path.join(cloud, 'Shared')) };
  });
});

describe('e2e: owner markers leave no temp files', function () {
  this.timeout(120_000);
  it('a temp file of a pass killed while writing the marker is removed when the marker is written next', async () => {
    const onprem = await tempDir('cloudsync-onprem-');
    const cloud = await tempDir('cloudsync-cloud-');
    await mkdir(path.join(onprem, 'P'));
    await writeFile(path.join(onprem, 'P', 'a.txt'), 'a');
    await mkdir(path.join(cloud, 'Shared'));
    const a = await homeOn(onprem, cloud);
    assert.equal((await a(['create', 'P', '--target', 'Shared', '--json'])).code, 0);
    // What a SIGKILL in the marker's write leaves (a pid that is not running), where no set's walk looks.
    const stale = '.cloudsync-4194303-0123456789.tmp';
    await writeFile(path.join(cloud, 'Shared', stale), '{"installation":');
    await writeFile(path.join(onprem, 'P', 'b.txt'), 'b');
    const r = await a(['sync', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const left = await readdir(path.join(cloud, 'Shared'));
    assert.ok(!left.includes(stale), left.join(', '));
    assert.ok(
      left.some((n) => MARKER.test(n)),
      left.join(', '),
    );
  });
});

describe('e2e: one owner per set (local ↔ alfresco emulator)', function () {
  this.timeout(240_000);
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ port: 0, users: [{ name: 'bob', password: 'bob-secret-pw' }] });
    emu.createSite('s1', { members: { bob: 'SiteCollaborator' } });
  });
  after(() => emu.close());
  ownershipScenario(
    async () => ({
      address: emu.url,
      target: 's1',
      markers: async () => {
        const repo = emu.repo();
        return repo.childrenOf(repo.require(emu.documentLibraryId('s1'))).map((n) => n.name);
      },
    }),
    { CLOUDSYNC_CLOUD_USERNAME: 'bob', CLOUDSYNC_CLOUD_PASSWORD: 'bob-secret-pw' },
  );
});
