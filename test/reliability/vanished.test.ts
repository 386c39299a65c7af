// SPEC §4 guards: a side that vanished is never read as "everything was deleted" (CmisSync #671, rclone
// #4298). The on-prem root renamed away, the synced folder emptied: exit 5, nothing deleted in the cloud.
// The cloud target folder deleted: members FAILED DELETED_ON_CLOUD (exit 3), nothing deleted on-prem.
import assert from 'node:assert/strict';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type Emulator } from '../support/emulator/index.js';
import { runCli, tempDir } from '../support/cli.js';
import {
  cleanup,
  Cli,
  emulatorTree,
  explain,
  localPair,
  results,
  walkLocal,
  type InspectJson,
  type Tree,
} from './support.js';

/** Figures for RESULTS.md. */
export interface VanishedRecord {
  what: string;
  exit: number;
  outcome: string;
  lost: number;
}

const FILES = 40;

async function seedProjects(root: string): Promise<void> {
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(root, 'Projects', `d${i % 4}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `f${i}.txt`), `file ${i}\n`);
  }
}

function lostBetween(before: Tree, after: Tree): string[] {
  return [...before.keys()].filter((k) => !after.has(k) || after.get(k) !== before.get(k));
}

describe('reliability: a vanished side deletes nothing (SPEC §4)', function () {
  this.timeout(60_000);
  const records: VanishedRecord[] = [];
  results.vanished = records;
  const dirs: string[] = [];
  after(async () => {
    await cleanup(...dirs);
  });

  async function synced() {
    const p = await localPair();
    dirs.push(p.home, p.onprem, p.cloud);
    await seedProjects(p.onprem);
    await mkdir(path.join(p.cloud, 'Shared'));
    const id = (await p.cli.ok(['create', 'Projects', '--target', 'Shared', '--json'])).json<{ id: string }>()
      .id;
    return { ...p, id };
  }

  it('the on-prem root (the login folder) renamed away: exit 5, nothing deleted in the cloud', async () => {
    const { cli, onprem, cloud } = await synced();
    const before = await walkLocal(cloud);
    await rename(onprem, `${onprem}-moved`);
    dirs.push(`${onprem}-moved`);
    for (const args of [
      ['sync', '--json'],
      ['sync', '--force', '--json'],
    ]) {
      const out = await cli.run(args);
      assert.equal(out.code, 5, explain(args.join(' '), out));
      assert.match(out.stdout + out.stderr, /root|missing|not found|vanished|exist/i);
    }
    const lost = lostBetween(before, await walkLocal(cloud));
    assert.deepEqual(lost, [], 'nothing changed in the cloud');
    records.push({
      what: 'on-prem root renamed away (also with --force)',
      exit: 5,
      outcome: 'aborted, cloud untouched',
      lost: lost.length,
    });
  });

  it('the on-prem synced folder emptied: exit 5, nothing deleted in the cloud', async () => {
    const { cli, onprem, cloud } = await synced();
    const before = await walkLocal(cloud);
    for (const e of await readdir(path.join(onprem, 'Projects')))
      await rm(path.join(onprem, 'Projects', e), { recursive: true });
    const out = await cli.run(['sync', '--json']);
    assert.equal(out.code, 5, explain('sync after emptying the folder', out));
    const lost = lostBetween(before, await walkLocal(cloud));
    assert.deepEqual(lost, [], 'nothing deleted in the cloud');
    records.push({
      what: 'on-prem synced folder emptied',
      exit: 5,
      outcome: 'aborted, cloud untouched',
      lost: lost.length,
    });
  });

  it('the on-prem synced folder itself deleted: exit 5 (or members FAILED), nothing deleted in the cloud', async () => {
    const { cli, onprem, cloud } = await synced();
    const before = await walkLocal(cloud);
    await rm(path.join(onprem, 'Projects'), { recursive: true });
    const out = await cli.run(['sync', '--json']);
    assert.ok([3, 5].includes(out.code ?? -1), explain('sync after deleting the synced folder', out));
    const lost = lostBetween(before, await walkLocal(cloud));
    assert.deepEqual(lost, [], 'nothing deleted in the cloud');
    records.push({
      what: 'on-prem synced folder deleted',
      exit: out.code ?? -1,
      outcome: 'cloud untouched',
      lost: lost.length,
    });
  });

  it('the cloud target folder deleted: members FAILED DELETED_ON_CLOUD (exit 3), nothing deleted on-prem', async () => {
    const { cli, onprem, cloud, id } = await synced();
    const before = await walkLocal(onprem);
    await rm(path.join(cloud, 'Shared'), { recursive: true });
    const out = await cli.run(['sync', '--json']);
    const lost = lostBetween(before, await walkLocal(onprem));
    assert.deepEqual(lost, [], 'nothing deleted on-prem');
    // the engine may see it as a vanished side first (exit 5, "nothing was changed"); that is safe too
    assert.ok([3, 5].includes(out.code ?? -1), explain('sync after deleting the cloud target', out));
    // and when the user insists (--force, as the exit-5 hint says), delete-onprem is off (the default), so
    // SPEC §3 applies: members FAILED DELETED_ON_CLOUD, the on-prem nodes stay
    const forced = await cli.run(['sync', '--force', '--json']);
    assert.deepEqual(
      lostBetween(before, await walkLocal(onprem)),
      [],
      'sync --force deleted nothing on-prem',
    );
    assert.equal(forced.code, 3, explain('sync --force', forced));
    const members = (await cli.ok(['inspect', id, '--json'])).json<InspectJson>().members;
    const direct = members.find((m) => m.onpremPath === 'Projects');
    assert.equal(`${direct?.status} ${direct?.errorCode}`, 'FAILED DELETED_ON_CLOUD', JSON.stringify(direct));
    records.push({
      what: 'cloud target folder deleted (local)',
      exit: out.code ?? -1,
      outcome: `exit ${out.code}, then --force: exit ${forced.code}, FAILED DELETED_ON_CLOUD, on-prem untouched`,
      lost: lost.length,
    });
  });

  describe('local ↔ emulator', () => {
    let emu: Emulator;
    before(async () => {
      emu = await startEmulator();
    });
    after(async () => {
      await emu?.close();
    });

    it('the cloud target folder deleted in Alfresco: FAILED DELETED_ON_CLOUD (exit 3), nothing deleted on-prem', async () => {
      emu.createSite('gone');
      emu.mkdir('gone', 'Shared');
      const home = await tempDir('cs-rel-home-');
      const onprem = await tempDir('cs-rel-onprem-');
      dirs.push(home, onprem);
      const cli = new Cli(home);
      await cli.ok(['login', 'onprem', onprem, '--json']);
      const login = await runCli(['login', 'cloud', emu.url, '--username', 'admin', '--json'], {
        home,
        env: { CLOUDSYNC_CLOUD_PASSWORD: 'admin' },
      });
      assert.equal(login.code, 0, explain('login', login));
      await seedProjects(onprem);
      const id = (await cli.ok(['create', 'Projects', '--target', 'gone/Shared', '--json'])).json<{
        id: string;
      }>().id;
      assert.equal(emulatorTree(emu, 'gone', 'Shared/Projects').size, FILES + 4);
      const before = await walkLocal(onprem);
      emu.deleteNode(emu.findByPath('gone', 'Shared')!.id);
      const out = await cli.run(['sync', '--json']);
      const lost = lostBetween(before, await walkLocal(onprem));
      assert.deepEqual(lost, [], 'nothing deleted on-prem');
      assert.ok([3, 5].includes(out.code ?? -1), explain('sync after deleting the cloud target', out));
      const forced = await cli.run(['sync', '--force', '--json']);
      assert.deepEqual(
        lostBetween(before, await walkLocal(onprem)),
        [],
        'sync --force deleted nothing on-prem',
      );
      assert.equal(forced.code, 3, explain('sync --force', forced));
      const members = (await cli.ok(['inspect', id, '--json'])).json<InspectJson>().members;
      const direct = members.find((m) => m.onpremPath === 'Projects');
      assert.equal(
        `${direct?.status} ${direct?.errorCode}`,
        'FAILED DELETED_ON_CLOUD',
        JSON.stringify(direct),
      );
      records.push({
        what: 'cloud target folder deleted (emulator)',
        exit: out.code ?? -1,
        outcome: `exit ${out.code}, then --force: exit ${forced.code}, FAILED DELETED_ON_CLOUD, on-prem untouched`,
        lost: lost.length,
      });
    });
  });
});
