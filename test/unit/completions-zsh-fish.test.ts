import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { COMPLETION_FILES } from '../../src/ui/completions.js';
import { PROJECT_ROOT, tempDir } from '../support/cli.js';
import { TmuxSession, tmuxMissing } from '../support/tmux.js';

const run = promisify(execFile);
const scriptOf = (shell: 'zsh' | 'fish'): string =>
  path.join(PROJECT_ROOT, 'completions', COMPLETION_FILES[shell]);

/** Why `shell` cannot be tested here (not installed), or undefined. */
async function missing(shell: string): Promise<string | undefined> {
  try {
    await run(shell, ['-c', 'exit 0']);
    return undefined;
  } catch {
    return `${shell} is not installed (apt-get install -y ${shell}); .ci/run installs it`;
  }
}

describe('shell completions: fish', () => {
  before(async function () {
    if (await missing('fish')) this.skip();
  });

  it('the script parses (fish -n)', async () => {
    const { stderr } = await run('fish', ['-n', scriptOf('fish')]);
    assert.equal(stderr, '');
  });

  it('completes a command name, sides, global options and conflict policies', async () => {
    const complete = async (line: string): Promise<string[]> => {
      const { stdout, stderr } = await run(
        'fish',
        ['--no-config', '-c', `source $argv[1]; complete -C $argv[2]`, scriptOf('fish'), line],
        {
          env: { PATH: '/usr/bin:/bin', HOME: await tempDir('cloudsync-fish-') },
        },
      );
      assert.equal(stderr, '', `fish printed errors completing '${line}'`);
      return stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]!)
        .sort();
    };
    assert.deepEqual(await complete('cloudsync syn'), ['sync']);
    assert.deepEqual(await complete('cloudsync login '), ['cloud', 'onprem']);
    assert.deepEqual(await complete('cloudsync --log'), ['--log-file']);
    assert.deepEqual(await complete('cloudsync create x --conflict '), [
      'cloud-wins',
      'keep-both',
      'newer-wins',
      'onprem-wins',
    ]);
  });
});

describe('shell completions: zsh', function () {
  this.timeout(30_000);
  before(async function () {
    if (await missing('zsh')) this.skip();
  });

  it('the script parses (zsh -n)', async () => {
    const { stderr } = await run('zsh', ['-n', scriptOf('zsh')]);
    assert.equal(stderr, '');
  });

  it('compinit picks it up from $fpath and registers it for cloudsync', async () => {
    const { stdout, stderr } = await run('zsh', [
      '-f',
      '-c',
      `fpath=(${path.dirname(scriptOf('zsh'))} $fpath); autoload -U compinit; compinit -u -D; print -r -- $_comps[cloudsync]`,
    ]);
    assert.equal(stderr, '');
    assert.equal(stdout.trim(), '_cloudsync');
  });

  it('completes in an interactive zsh (Tab pressed in a tmux pane)', async function () {
    if (await tmuxMissing()) this.skip();
    const tmux = new TmuxSession();
    try {
      const zdot = await tempDir('cloudsync-zsh-');
      await tmux.start(['zsh', '-f'], { PS1: '%% ', HOME: zdot, PATH: '/usr/bin:/bin' }, zdot);
      await tmux.type(
        `fpath=(${path.dirname(scriptOf('zsh'))} $fpath); autoload -U compinit; compinit -u -D; echo READY`,
      );
      await tmux.waitFor(/^READY$/m);
      await tmux.text('cloudsync syn');
      await tmux.keys('Tab');
      await tmux.waitFor(/^% cloudsync sync $/m, 10_000);
      await tmux.keys('C-u');
      await tmux.text('cloudsync login ');
      await tmux.keys('Tab');
      await tmux.waitFor(/cloud\s+onprem/, 10_000);
    } finally {
      await tmux.close();
    }
  });
});
