import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SetState } from '../../src/store/schema.js';
import { StateStore } from '../../src/store/state-store.js';
import { runCli, tempDir } from '../support/cli.js';

interface SyncJson {
  sets: { id: string; actions: unknown[] }[];
  exitCode: number;
}

/** A set's state as the release before schema 2 wrote it: schema 1, one JSON object per member, no journal. */
function schema1Text(state: SetState): string {
  const { members, backups, ...head } = state;
  const list = (items: unknown[]) =>
    items.length === 0 ? '[]' : `[\n${items.map((m) => JSON.stringify(m)).join(',\n')}\n]`;
  const headJson = JSON.stringify({ ...head, schema: 1 }, null, 1);
  return `${headJson.slice(0, -2)},\n "members": ${list(members)},\n "backups": ${list(backups)}\n}\n`;
}

describe('e2e: a schema 1 state upgrades in place (local ↔ local)', function () {
  this.timeout(90_000);
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('the first pass after the upgrade changes nothing but the file; later edits still sync', async () => {
    const temp = async (prefix?: string) => {
      const d = await tempDir(prefix);
      dirs.push(d);
      return d;
    };
    const home = await temp();
    const onprem = await temp('cloudsync-onprem-');
    const cloud = await temp('cloudsync-cloud-');
    for (const rel of ['Projects/a.txt', 'Projects/sub/b.txt', 'Projects/sub/deeper/c.txt']) {
      await mkdir(path.dirname(path.join(onprem, rel)), { recursive: true });
      await writeFile(path.join(onprem, rel), `bytes of ${rel}`);
    }
    await mkdir(path.join(cloud, 'Shared'));
    const cli = (args: string[]) => runCli(args, { home });
    assert.equal((await cli(['login', 'onprem', onprem])).code, 0);
    assert.equal((await cli(['login', 'cloud', cloud])).code, 0);
    const created = await cli(['create', 'Projects', '--target', 'Shared', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const id = created.json<{ id: string }>().id;

    // Put the state back the way the previous release kept it.
    const stateDir = path.join(home, 'state', 'default');
    const store = new StateStore(home, 'default');
    const state = await store.load(id);
    await store.close();
    assert.equal(state.members.length, 6);
    await rm(path.join(stateDir, `${id}.journal`), { force: true });
    await writeFile(path.join(stateDir, `${id}.json`), schema1Text(state), { mode: 0o600 });
    const before = await cli(['inspect', id, '--json']);
    assert.equal(before.code, 0, before.stderr);

    const pass = await cli(['sync', '--json']);
    assert.equal(pass.code, 0, pass.stderr);
    assert.deepEqual(
      pass.json<SyncJson>().sets.map((s) => s.actions),
      [[]],
    );
    const migrated = JSON.parse(await readFile(path.join(stateDir, `${id}.json`), 'utf8')) as {
      schema: number;
      members: unknown[];
    };
    assert.equal(migrated.schema, 2);
    assert.ok(migrated.members.every(Array.isArray));
    const after = await cli(['inspect', id, '--json']);
    // the same members, paths and options; only the set's own lastSyncAt moved (a pass ran)
    const view = (r: typeof before) => ({ ...r.json<Record<string, unknown>>(), lastSyncAt: undefined });
    assert.deepEqual(view(after), view(before));
    const again = await cli(['sync', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(again.json<SyncJson>().sets[0]!.actions, []);

    // The migrated pairings are the real ones: an edit on the cloud side is pulled, not duplicated.
    await writeFile(path.join(cloud, 'Shared/Projects/sub/b.txt'), 'edited on the cloud side');
    const edit = await cli(['sync', '--json']);
    assert.equal(edit.code, 0, edit.stderr);
    assert.equal(await readFile(path.join(onprem, 'Projects/sub/b.txt'), 'utf8'), 'edited on the cloud side');
    assert.deepEqual((await readdir(path.join(onprem, 'Projects/sub'))).sort(), ['b.txt', 'deeper']);
  });
});
