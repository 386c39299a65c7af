import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BIN, PROJECT_ROOT, runCli, tempDir } from '../support/cli.js';
import { TmuxSession, tmuxMissing } from '../support/tmux.js';

/** Run `sh -c script` with CLOUDSYNC_HOME; resolves with stdout, stderr and the shell's exit code. */
function sh(script: string, home: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CLOUDSYNC_HOME: home };
    delete env.CI;
    const child = spawn('bash', ['-c', script], { env, cwd: PROJECT_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Issue 13: long listings go through $PAGER on a terminal, and a closed stdout ends a command quietly. */
describe('e2e: pager and closed stdout', function () {
  this.timeout(120_000);
  let home: string;
  let onprem: string;
  let cloud: string;
  let setId: string;

  before(async () => {
    home = await tempDir();
    onprem = await tempDir('cloudsync-onprem-');
    cloud = await tempDir('cloudsync-cloud-');
    await mkdir(path.join(onprem, 'Many'));
    // 60 members: taller than the 40-row tmux pane, and more output than one pipe write on a closed pipe.
    for (let i = 0; i < 60; i++) await writeFile(path.join(onprem, 'Many', `file-${i}.txt`), `${i}`);
    await mkdir(path.join(cloud, 'Shared'));
    assert.equal((await runCli(['login', 'onprem', onprem], { home })).code, 0);
    assert.equal((await runCli(['login', 'cloud', cloud], { home })).code, 0);
    const r = await runCli(['create', 'Many', '--target', 'Shared', '--json'], { home });
    assert.equal(r.code, 0, r.stderr);
    setId = r.json<{ id: string }>().id;
  });
  after(async () => {
    for (const d of [home, onprem, cloud]) await rm(d, { recursive: true, force: true });
  });

  it('a closed stdout (| head -1, | true) exits quietly with the command’s code, no stack trace', async () => {
    const node = `'${process.execPath}' '${BIN}'`;
    for (const cmd of [
      `inspect ${setId}`,
      `inspect ${setId} --json`,
      'list',
      'sync --dry-run --json',
      'completion bash',
      'status',
    ]) {
      for (const reader of ['head -1', 'true']) {
        const r = await sh(`${node} ${cmd} | ${reader}; echo "exit=\${PIPESTATUS[0]}" >&2`, home);
        assert.match(r.stderr, /exit=0\s*$/, `${cmd} | ${reader}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /EPIPE|Error|\n\s+at /, `${cmd} | ${reader}: ${r.stderr}`);
        if (reader === 'head -1') assert.equal(r.stdout.split('\n').filter(Boolean).length, 1);
      }
    }
    // An error still reaches stderr with its exit code when stdout is closed.
    const bad = await sh(`${node} inspect no-such-set | true; echo "exit=\${PIPESTATUS[0]}" >&2`, home);
    assert.match(bad.stderr, /error: .*no-such-set[\s\S]*exit=2\s*$/);
  });

  describe('in a terminal (tmux)', () => {
    let tmux: TmuxSession;
    before(async function () {
      if (await tmuxMissing()) return this.skip();
    });
    beforeEach(() => {
      tmux = new TmuxSession();
    });
    afterEach(async function () {
      await tmux.close();
      if (this.currentTest?.state === 'failed') console.log(`--- last screen ---\n${tmux.screen}`);
    });
    const start = (args: string[], env: Record<string, string>) =>
      tmux.start(
        [process.execPath, BIN, ...args],
        { CLOUDSYNC_HOME: home, NO_COLOR: '1', ...env },
        PROJECT_ROOT,
      );

    it('inspect taller than the screen goes through $PAGER', async () => {
      await start(['inspect', setId], { PAGER: 'sed s/^/PAGED:/' });
      await tmux.waitFor(/__EXIT__0/);
      assert.match(tmux.screen, /^PAGED:id: +\w+/m);
      assert.match(tmux.screen, /^PAGED:Many\/file-59\.txt/m);
    });

    it('--no-pager, PAGER=cat and a short listing print directly', async () => {
      await start(['inspect', setId, '--no-pager'], { PAGER: 'sed s/^/PAGED:/' });
      await tmux.waitFor(/__EXIT__0/);
      assert.match(tmux.screen, /^id: +\w+/m);
      assert.doesNotMatch(tmux.screen, /PAGED:/);
      await tmux.close();
      tmux = new TmuxSession();
      await start(['list'], { PAGER: 'sed s/^/PAGED:/' });
      await tmux.waitFor(/__EXIT__0/);
      assert.doesNotMatch(tmux.screen, /PAGED:/, 'a listing shorter than the screen is not paged');
      assert.match(tmux.screen, /Many/);
    });

    it('the default pager (less) shows the first screen, and q leaves with exit 0', async () => {
      await start(['inspect', setId], {});
      await tmux.waitFor(/^:\s*$/m); // less's prompt: the listing did not fit
      assert.match(tmux.screen, /^id: +\w+/m);
      assert.doesNotMatch(tmux.screen, /__EXIT__/);
      await tmux.keys('q');
      await tmux.waitFor(/__EXIT__0/);
      assert.doesNotMatch(tmux.screen, /EPIPE|\n\s+at /);
    });
  });
});
