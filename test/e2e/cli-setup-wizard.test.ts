import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { alfrescoLogin, AlfrescoConnector } from '../../src/connectors/alfresco/index.js';
import { spawnEmulator, type SpawnedEmulator } from '../alfresco/spawn-emulator.js';
import { BIN, PROJECT_ROOT, runCli, tempDir } from '../support/cli.js';
import { TmuxSession, tmuxMissing } from '../support/tmux.js';

interface ListRow {
  id: string;
  kind: string;
  target: string;
  status: string;
  members: number;
}

/** `cloudsync setup` as a person runs it: in a pseudo-terminal (tmux), answering with keys. */
describe('e2e: setup wizard in a terminal (tmux)', function () {
  this.timeout(120_000);
  let tmux: TmuxSession;
  let dirs: string[] = [];
  const dir = async (): Promise<string> => {
    const d = await tempDir('cloudsync-wizard-');
    dirs.push(d);
    return d;
  };

  before(async function () {
    const why = await tmuxMissing();
    if (why) this.skip(); // reported as pending; .ci/run installs tmux so CI runs these
  });
  beforeEach(() => {
    tmux = new TmuxSession();
  });
  afterEach(async function () {
    await tmux.close();
    // Keep the last screen of a failed test: it is the transcript a person would have seen.
    if (this.currentTest?.state === 'failed') console.log(`--- last screen ---\n${tmux.screen}`);
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    dirs = [];
  });

  /** Wait until the question being asked now (the last `? ` line and what follows) matches `re`. */
  async function current(re: RegExp, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const screen = await tmux.capture();
      const at = screen.lastIndexOf('\n? ');
      if (at >= 0 && re.test(screen.slice(at + 1))) return;
      if (Date.now() > until) throw new Error(`timed out waiting for ${re}; screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('two local folders: browse into a folder, new cloud folder, defaults, first pass, commands printed', async () => {
    const [home, onprem, cloud] = [await dir(), await dir(), await dir()];
    await mkdir(path.join(onprem, 'Projects', 'Q3'), { recursive: true });
    await writeFile(path.join(onprem, 'Projects', 'a.txt'), 'alpha');
    await writeFile(path.join(onprem, 'Projects', 'Q3', 'b.txt'), 'beta');
    await writeFile(path.join(onprem, 'readme.txt'), 'not synced');
    await mkdir(path.join(cloud, 'Existing'));

    await tmux.start([process.execPath, BIN, 'setup'], { CLOUDSYNC_HOME: home, NO_COLOR: '1' }, PROJECT_ROOT);
    await tmux.waitFor(/\? On-premise side: what is it\?/);
    await tmux.keys('Enter'); // a local folder
    await tmux.waitFor(/\? onprem folder:/);
    await tmux.type(path.join(onprem, 'missing'));
    await tmux.waitFor(/is not an existing folder/); // validated before anything is tried
    for (let i = 0; i < 'missing'.length + 1; i++) await tmux.keys('BSpace');
    await tmux.keys('Enter');
    await tmux.waitFor(/\? Cloud side: what is it\?/);
    await tmux.keys('Enter');
    await tmux.waitFor(/\? cloud folder:/);
    await tmux.type(cloud);

    // Browse: the root lists Projects/ first; enter it, then "sync this folder".
    await tmux.waitFor(/\? On-prem \/: pick a folder or documents to sync\n❯ Projects\/\n {2}readme\.txt/);
    await tmux.keys('Enter');
    await tmux.waitFor(
      /\? On-prem Projects: pick[^\n]*\n❯ ✔ sync this folder \(Projects\)\n {2}\.\. \(up\)\n {2}Q3\//,
    );
    await tmux.keys('Enter');
    await tmux.waitFor(
      /\? Cloud \/: where should it go\?\n❯ ✔ put it here \(\/\)\n {2}\+ new folder…\n {2}Existing\//,
    );
    await tmux.keys('Down', 'Enter');
    await tmux.waitFor(/\? New folder in \/:/);
    await tmux.type('Incoming');
    await tmux.waitFor(/\? Name of the sync set: \(Projects\)/);
    assert.doesNotMatch(tmux.screen, /Create Incoming when/, 'the new folder is not confirmed twice');
    await tmux.type('Team projects');

    // Options: each default accepted as offered, after going back once from the second question.
    await current(/^\? Lock the on-prem[^\n]*\n {2}yes\n❯ no\n {2}← back/);
    await tmux.keys('Enter');
    await current(/^\? Delete the cloud copy[^\n]*\n❯ yes\n {2}no\n {2}← back/);
    await tmux.keys('Down', 'Down', 'Enter'); // ← back: the lock question again
    await current(/^\? Lock the on-prem/);
    for (const q of [
      /^\? Lock the on-prem/,
      /^\? Delete the cloud copy/,
      /^\? Delete the on-prem node/,
      /^\? Include subfolders/,
    ]) {
      await current(q);
      await tmux.keys('Enter');
    }
    await current(/^\? When a file changed on both sides[^\n]*\n❯ cloud-wins/);
    // every question ends with at most one bracketed hint
    const asked = tmux.screen.split('\n').filter((l) => /^[?✔] (Lock|Delete|Include)/.test(l));
    assert.equal(asked.length, 6, tmux.screen);
    for (const line of asked) assert.ok((line.match(/\(/g) ?? []).length <= 1, `two hints: ${line}`);
    await tmux.keys('Enter');
    await tmux.waitFor(/sync: {5}folder Projects as "Team projects"\n {2}into: {5}Incoming \(new folder\)/);
    // ← back from the last question returns to the options; keep-both this time.
    await current(/^\? Create it now\?\n❯ yes\n {2}no\n {2}← back/);
    await tmux.keys('Down', 'Down', 'Enter');
    for (const q of [
      /^\? Lock the on-prem/,
      /^\? Delete the cloud copy/,
      /^\? Delete the on-prem node/,
      /^\? Include subfolders/,
    ]) {
      await current(q);
      await tmux.keys('Enter');
    }
    await current(/^\? When a file changed on both sides[^\n]*\n❯ cloud-wins/);
    await tmux.keys('Down', 'Down', 'Down', 'Enter');
    await current(/^\? Create it now\?/);
    assert.match(tmux.screen, /conflict=keep-both\n\? Create it now\?/);
    await tmux.keys('Enter');

    const screen = (await tmux.waitFor(/__EXIT__(\d+)/))[1];
    assert.equal(screen, '0', tmux.screen);
    assert.match(tmux.screen, /created folder set \w+ \(Team projects\) -> Incoming/);
    // the home was not the default: the printed commands name it
    assert.match(tmux.screen, new RegExp(`cloudsync --home ${home} login onprem ${onprem}\n`));
    assert.match(
      tmux.screen,
      /cloudsync --home \S+ create Projects --target Incoming --mkdir --name 'Team projects' --conflict keep-both\n/,
    );

    const list = await runCli(['list', '--json'], { home });
    assert.equal(list.code, 0, list.stderr);
    const rows = list.json<ListRow[]>();
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0]!.kind, rows[0]!.target, rows[0]!.status], ['folder', 'Incoming', 'SYNCED']);
    assert.equal(await readFile(path.join(cloud, 'Incoming', 'Projects', 'a.txt'), 'utf8'), 'alpha');
    assert.equal(await readFile(path.join(cloud, 'Incoming', 'Projects', 'Q3', 'b.txt'), 'utf8'), 'beta');
    assert.deepEqual(await readdir(cloud), ['Existing', 'Incoming']);
  });

  it('"← back" returns to the previous question; Ctrl-C undoes the logins of this setup', async () => {
    const [home, onprem, cloud, other] = [await dir(), await dir(), await dir(), await dir()];
    await writeFile(path.join(onprem, 'a.txt'), 'alpha');
    await tmux.start([process.execPath, BIN, 'setup'], { CLOUDSYNC_HOME: home, NO_COLOR: '1' }, PROJECT_ROOT);
    await tmux.waitFor(/\? On-premise side: what is it\?/);
    await tmux.keys('Enter');
    await tmux.waitFor(/\? onprem folder:/);
    await tmux.type(onprem);
    await tmux.waitFor(/\? Cloud side: what is it\?/);
    await tmux.keys('Enter');
    await tmux.waitFor(/\? cloud folder:/);
    await tmux.type(cloud);
    // Back from browsing to the cloud question, then change the cloud folder.
    await tmux.waitFor(/\? On-prem \/: pick[^\n]*\n❯ a\.txt {2}\(sync this document\)\n {2}← back/);
    await tmux.keys('Down', 'Enter');
    await tmux.waitFor(/\? cloud is \S+:\n❯ keep it\n {2}change it\n {2}← back/);
    await tmux.keys('Down', 'Enter');
    await tmux.waitFor(/\? Cloud side: what is it\?\n❯ a local folder\n {2}an Alfresco server\n {2}← back/);
    await tmux.keys('Enter');
    await tmux.waitFor(/\? cloud folder:/);
    await tmux.type(other);
    await tmux.waitFor(/\? On-prem \/: pick/);
    const config = JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')) as {
      profiles: { default: { cloud: { address: string } } };
    };
    assert.equal(config.profiles.default.cloud.address, other, 'the changed answer was used');
    await tmux.keys('C-c');
    assert.equal((await tmux.waitFor(/__EXIT__(\d+)/))[1], '2', tmux.screen);
    assert.match(tmux.screen, /setup cancelled; the logins made in this setup were undone/);
    const after = JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')) as { profiles: object };
    assert.deepEqual(after.profiles, {}, 'nothing half-configured');
  });

  describe('against the Alfresco emulator (a child process)', () => {
    let emu: SpawnedEmulator;
    before(async () => {
      emu = await spawnEmulator(['--site', 's1', '--user', 'bob:right-pw-42']);
      // Seed the site over the REST API, as any client would.
      const { ticket } = await alfrescoLogin({ url: emu.url }, 'bob', 'right-pw-42');
      const c = new AlfrescoConnector({ url: emu.url }, { ticket });
      const doclib = (await c.resolvePath('s1'))!;
      const plans = await c.createFolder(doclib.id, 'Plans');
      await c.createFile(plans.id, 'q3.txt', Readable.from([Buffer.from('q3 plan')]), { size: 7 });
      await c.createFile(plans.id, 'q4.txt', Readable.from([Buffer.from('q4 plan')]), { size: 7 });
      await c.close();
    });
    after(() => emu?.stop());

    it('a wrong password is explained and only the password is asked again; then browse the site', async () => {
      const [home, cloud] = [await dir(), await dir()];
      await tmux.start(
        [process.execPath, BIN, 'setup'],
        { CLOUDSYNC_HOME: home, NO_COLOR: '1' },
        PROJECT_ROOT,
      );
      await tmux.waitFor(/\? On-premise side: what is it\?/);
      await tmux.keys('Down', 'Enter'); // an Alfresco server
      await tmux.waitFor(/\? onprem server URL:/);
      await tmux.type(emu.url);
      await tmux.waitFor(/\? Network \(tenant\)/);
      await tmux.keys('Enter');
      await tmux.waitFor(/\? User name:/);
      await tmux.type('bob');
      await tmux.waitFor(/\? Password:/);
      await tmux.type('wrong-pw-17');
      await tmux.waitFor(/error: the server refused the user name or password/);
      await tmux.waitFor(/\? What do you want to change\?\n❯ the password/);
      await tmux.keys('Enter');
      await tmux.waitFor(/\? Password:/);
      await tmux.type('right-pw-42');
      await tmux.waitFor(/onprem: logged in to \S+ as bob/);
      assert.equal(tmux.screen.match(/User name:/g)?.length, 1, 'the user name was not asked again');

      await tmux.waitFor(/\? Cloud side: what is it\?/);
      await tmux.keys('Enter');
      await tmux.waitFor(/\? cloud folder:/);
      await tmux.type(cloud);
      // The top lists sites; a site's document library cannot be a member, so it is only entered.
      await tmux.waitFor(/\? On-prem \/: pick[^\n]*\n❯ s1\//);
      await tmux.keys('Enter');
      await tmux.waitFor(/\? On-prem s1: pick[^\n]*\n❯ \.\. \(up\)\n {2}Plans\//);
      await tmux.keys('Down', 'Enter');
      await tmux.waitFor(
        /\? On-prem s1\/Plans: pick[^\n]*\n❯ ✔ sync this folder \(s1\/Plans\)\n {2}☐ pick several documents here…/,
      );
      await tmux.keys('Down', 'Enter'); // several documents: tick q4 only
      await tmux.waitFor(/\? Documents in s1\/Plans/);
      await tmux.keys('Down', 'Space', 'Enter');
      await tmux.waitFor(/\? Cloud \/: where should it go\?/);
      await tmux.keys('Enter'); // put it here
      await tmux.waitFor(/\? Name of the sync set:/);
      await tmux.keys('Enter');
      for (const q of [/\? Lock the on-prem/, /\? Delete the cloud copy/, /\? Delete the on-prem node/]) {
        await tmux.waitFor(q);
        await tmux.keys('Enter');
      }
      await tmux.waitFor(/\? When a file changed on both sides/);
      await tmux.keys('Enter');
      await tmux.waitFor(/\? Create it now\?/);
      await tmux.keys('Enter');
      assert.equal((await tmux.waitFor(/__EXIT__(\d+)/))[1], '0', tmux.screen);
      assert.match(
        tmux.screen,
        /cloudsync --home \S+ login onprem http:\/\/127\.0\.0\.1:\d+ --username bob --password-stdin\n/,
      );
      assert.match(tmux.screen, /cloudsync --home \S+ create s1\/Plans\/q4\.txt --target ''\n/);
      assert.doesNotMatch(tmux.screen, /right-pw-42|wrong-pw-17/, 'passwords are never echoed');

      assert.equal(await readFile(path.join(cloud, 'q4.txt'), 'utf8'), 'q4 plan');
      assert.deepEqual(
        (await readdir(cloud)).filter((n) => !n.startsWith('.cloudsync-owner.')),
        ['q4.txt'],
      );
      const rows = (await runCli(['list', '--json'], { home })).json<ListRow[]>();
      assert.deepEqual(
        rows.map((r) => [r.kind, r.members, r.status]),
        [['documents', 1, 'SYNCED']],
      );
    });
  });
});
