import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { promisify } from 'node:util';
import { buildProgram } from '../../src/cli.js';
import { processRuntime } from '../../src/commands/runtime.js';
import { isHidden } from '../../src/ui/completion-spec.js';
import { COMPLETION_FILES, generateCompletion, SHELLS } from '../../src/ui/completions.js';
import { BIN, PROJECT_ROOT, runCli, tempDir } from '../support/cli.js';
import { currentManPage, MAN_PAGE } from '../support/gen-completions.js';

const run = promisify(execFile);
const REGENERATE = 'regenerate with `npm run completions` and commit completions/ and man/';

/** Ask the committed bash script to complete `line` (the cursor at its end) and return COMPREPLY. */
async function bashComplete(line: string, pathDirs = '/usr/bin:/bin'): Promise<string[]> {
  const script = `
source "$1"
read -r -a COMP_WORDS <<< "$2"
[[ "$2" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
_cloudsync
printf '%s\\n' "\${COMPREPLY[@]}"`;
  // PATH without cloudsync: set-id completion must fall back silently.
  const { stdout, stderr } = await run(
    'bash',
    [
      '--norc',
      '--noprofile',
      '-c',
      script,
      'bash',
      path.join(PROJECT_ROOT, 'completions', COMPLETION_FILES.bash),
      line,
    ],
    { env: { PATH: pathDirs } },
  );
  assert.equal(stderr, '', `bash printed errors completing '${line}'`);
  return stdout.split('\n').filter(Boolean).sort();
}

describe('shell completions', () => {
  let program: Command;
  before(async () => {
    program = await buildProgram(processRuntime());
  });

  for (const shell of SHELLS) {
    it(`completions/${COMPLETION_FILES[shell]} is what the program generates now`, async () => {
      const committed = await readFile(
        path.join(PROJECT_ROOT, 'completions', COMPLETION_FILES[shell]),
        'utf8',
      );
      assert.ok(
        committed === generateCompletion(program, shell),
        `completions/${COMPLETION_FILES[shell]} is stale: ${REGENERATE}`,
      );
    });
  }

  it(`${MAN_PAGE} is what the program generates now, and package.json ships it`, async () => {
    const committed = await readFile(path.join(PROJECT_ROOT, MAN_PAGE), 'utf8');
    assert.ok(committed === (await currentManPage()), `${MAN_PAGE} is stale: ${REGENERATE}`);
    const pkg = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      man: string[];
    };
    assert.deepEqual(pkg.man, [`./${MAN_PAGE}`]);
    for (const c of program.commands.filter((x) => !isHidden(x)))
      assert.ok(committed.includes(`.SS ${c.name().replaceAll('-', '\\-')}`), `man page lacks ${c.name()}`);
  });

  it('every command is offered by every shell', () => {
    for (const shell of SHELLS) {
      const text = generateCompletion(program, shell);
      for (const c of program.commands) assert.ok(text.includes(c.name()), `${shell} lacks ${c.name()}`);
    }
  });

  describe('bash', () => {
    it('completes a command name', async () => {
      assert.deepEqual(await bashComplete('cloudsync syn'), ['sync']);
    });
    it('completes sides for login', async () => {
      assert.deepEqual(await bashComplete('cloudsync login '), ['cloud', 'onprem']);
    });
    it('completes sides for whoami after a global option with a value', async () => {
      assert.deepEqual(await bashComplete('cloudsync --profile x whoami '), ['cloud', 'onprem']);
    });
    it('completes a command option', async () => {
      assert.deepEqual(await bashComplete('cloudsync create x --conf'), ['--conflict']);
    });
    it('completes conflict policies', async () => {
      assert.deepEqual(await bashComplete('cloudsync create x --conflict '), [
        'cloud-wins',
        'keep-both',
        'newer-wins',
        'onprem-wins',
      ]);
    });
    it('completes global options after the command', async () => {
      assert.deepEqual(await bashComplete('cloudsync sync --js'), ['--json']);
    });
    it('completes shells for completion', async () => {
      assert.deepEqual(await bashComplete('cloudsync completion '), ['bash', 'fish', 'zsh']);
    });
    it('offers no set ids and no errors when cloudsync is not on PATH', async () => {
      assert.deepEqual(await bashComplete('cloudsync inspect '), []);
    });
    it('completes create paths from the on-prem connection and --target from the cloud one', async function () {
      this.timeout(60_000);
      const tmp = await tempDir('cloudsync-complete-');
      try {
        const [home, onprem, cloud, bin] = ['home', 'onprem', 'cloud', 'bin'].map((d) => path.join(tmp, d));
        await mkdir(path.join(onprem, 'Projects', 'Q3'), { recursive: true });
        await mkdir(path.join(onprem, 'Private'), { recursive: true });
        await writeFile(path.join(onprem, 'Projects', 'plan.txt'), 'x');
        await mkdir(path.join(cloud, 'Shared'), { recursive: true });
        await writeFile(path.join(cloud, 'Share-notes.txt'), 'x');
        await mkdir(bin);
        await writeFile(path.join(bin, 'cloudsync'), `#!/bin/sh\nexec ${process.execPath} ${BIN} "$@"\n`, {
          mode: 0o755,
        });
        for (const [side, dir] of [
          ['onprem', onprem],
          ['cloud', cloud],
        ])
          assert.equal((await runCli(['login', side!, dir!], { home })).code, 0);
        const PATH = `${bin}:/usr/bin:/bin`;
        // from the connection, not from the shell's current directory (the project root here)
        assert.deepEqual(await bashComplete(`cloudsync --home ${home} create P`, PATH), [
          'Private/',
          'Projects/',
        ]);
        assert.deepEqual(await bashComplete(`cloudsync --home ${home} create Projects/`, PATH), [
          'Projects/Q3/',
          'Projects/plan.txt',
        ]);
        assert.deepEqual(await bashComplete(`cloudsync --home ${home} create x --target Sha`, PATH), [
          'Shared/',
        ]);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    });
  });
});
