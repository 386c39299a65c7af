import assert from 'node:assert/strict';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BIN, PROJECT_ROOT, runCli, tempDir } from '../support/cli.js';
import { TmuxSession, tmuxMissing } from '../support/tmux.js';

/** Issue 13: `unsync --remove-from-cloud` typed by a person shows what it will delete and asks. */
describe('e2e: unsync --remove-from-cloud in a terminal (tmux)', function () {
  this.timeout(120_000);
  let tmux: TmuxSession;
  let home: string;
  let onprem: string;
  let cloud: string;

  before(async function () {
    if (await tmuxMissing()) return this.skip();
    home = await tempDir();
    onprem = await tempDir('cloudsync-onprem-');
    cloud = await tempDir('cloudsync-cloud-');
    await mkdir(path.join(onprem, 'Projects', 'sub'), { recursive: true });
    await writeFile(path.join(onprem, 'Projects', 'a.txt'), 'alpha');
    await writeFile(path.join(onprem, 'Projects', 'sub', 'b.txt'), 'bravo!');
    await mkdir(path.join(cloud, 'Shared'));
    assert.equal((await runCli(['login', 'onprem', onprem], { home })).code, 0);
    assert.equal((await runCli(['login', 'cloud', cloud], { home })).code, 0);
    const r = await runCli(['create', 'Projects', '--target', 'Shared'], { home });
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    for (const d of [home, onprem, cloud]) if (d) await rm(d, { recursive: true, force: true });
  });
  beforeEach(() => {
    tmux = new TmuxSession();
  });
  afterEach(async function () {
    await tmux.close();
    if (this.currentTest?.state === 'failed') console.log(`--- last screen ---\n${tmux.screen}`);
  });
  const start = () =>
    tmux.start(
      [process.execPath, BIN, 'unsync', 'Projects', '--remove-from-cloud'],
      { CLOUDSYNC_HOME: home, NO_COLOR: '1' },
      PROJECT_ROOT,
    );

  it('shows count and size and asks; "no" deletes nothing and keeps the set', async () => {
    await start();
    await tmux.waitFor(/delete 2 documents and 2 folders \(11 B\) in the cloud\? .*\(y\/N\)/);
    await tmux.text('n');
    await tmux.keys('Enter');
    await tmux.waitFor(/__EXIT__0/);
    assert.match(tmux.screen, /nothing done/);
    assert.deepEqual(await readdir(path.join(cloud, 'Shared', 'Projects')), ['a.txt', 'sub']);
    const list = await runCli(['list', '--json'], { home });
    assert.equal(list.json<unknown[]>().length, 1, 'the set is still there');
  });

  it('"yes" unsyncs and deletes the cloud copies; on-prem stays', async () => {
    await start();
    await tmux.waitFor(/\(y\/N\)/);
    await tmux.text('y');
    await tmux.keys('Enter');
    await tmux.waitFor(/__EXIT__0/);
    assert.match(tmux.screen, /cloud copies deleted/);
    assert.deepEqual(await readdir(path.join(cloud, 'Shared')), []);
    assert.deepEqual((await readdir(path.join(onprem, 'Projects'))).sort(), ['a.txt', 'sub']);
  });
});
