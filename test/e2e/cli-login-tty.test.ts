import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { spawnEmulator, type SpawnedEmulator } from '../alfresco/spawn-emulator.js';
import { BIN, PROJECT_ROOT, tempDir } from '../support/cli.js';
import { TmuxSession, tmuxMissing } from '../support/tmux.js';

/** `login cloud <url>` typed by a person: user name first, then the password, and no spinner over a prompt. */
describe('e2e: interactive login in a terminal (tmux)', function () {
  this.timeout(120_000);
  let tmux: TmuxSession;
  let emu: SpawnedEmulator;
  let home: string;

  before(async function () {
    if (await tmuxMissing()) return this.skip();
    emu = await spawnEmulator(['--site', 's1', '--user', 'bob:right-pw-42']);
  });
  after(async () => emu?.stop());
  beforeEach(async () => {
    tmux = new TmuxSession();
    home = await tempDir();
  });
  afterEach(async function () {
    await tmux.close();
    if (this.currentTest?.state === 'failed') console.log(`--- last screen ---\n${tmux.screen}`);
    await rm(home, { recursive: true, force: true });
  });

  it('asks the user name, then the password, and spins only after the last answer', async () => {
    await tmux.start(
      [process.execPath, BIN, 'login', 'cloud', emu.url],
      { CLOUDSYNC_HOME: home, NO_COLOR: '1' },
      PROJECT_ROOT,
    );
    const first = await tmux.waitFor(/\? (Username|Password):/);
    assert.equal(first[1], 'Username', `the first question was ${first[1]}`);
    // While the user name is being typed, nothing draws over the prompt.
    assert.doesNotMatch(tmux.screen, /logging in/);
    await tmux.type('bob');
    await tmux.waitFor(/\? Password:/);
    assert.doesNotMatch(tmux.screen, /logging in/, 'no spinner while the password is asked');
    await tmux.type('right-pw-42');
    await tmux.waitFor(/__EXIT__0/);
    assert.doesNotMatch(tmux.screen, /right-pw-42/, 'the password is never echoed');
    const config = JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8')) as {
      profiles: { default: { cloud: { username: string } } };
    };
    assert.equal(config.profiles.default.cloud.username, 'bob');
  });
});
