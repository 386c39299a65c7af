import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT, runCli, tempDir } from '../support/cli.js';

/** The start of every ANSI escape sequence. */
const ESC = String.fromCharCode(27);

interface JsonError {
  error: { code: string; message: string; hint: string | null };
}

/** The JSON error document of SPEC §2, and nothing else on stdout. */
function assertJsonError(stdout: string): JsonError['error'] {
  const doc = JSON.parse(stdout) as JsonError;
  assert.deepEqual(Object.keys(doc), ['error']);
  assert.equal(typeof doc.error.code, 'string');
  assert.equal(typeof doc.error.message, 'string');
  assert.ok('hint' in doc.error);
  return doc.error;
}

describe('e2e: cli basics', () => {
  let home: string;
  beforeEach(async () => {
    home = await tempDir();
  });

  it('--version prints the package.json version', async () => {
    const pkg = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const r = await runCli(['--version'], { home });
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`^cloudsync: +${pkg.version.replaceAll('.', '\\.')}\n`));
  });

  it('every command has examples in its --help', async function () {
    this.timeout(120_000); // one CLI start per command, on a busy machine
    for (const cmd of [
      'login',
      'logout',
      'whoami',
      'setup',
      'create',
      'list',
      'inspect',
      'request-sync',
      'unsync',
      'sync',
      'watch',
      'completion',
      'status',
      'version',
      'profiles',
      'set',
    ]) {
      const r = await runCli([cmd, '--help'], { home });
      assert.equal(r.code, 0, cmd);
      assert.match(r.stdout, /Examples:\n\s+\$ .*cloudsync/, `${cmd} --help has no examples`);
    }
  });

  it('an unknown command is exit 2 with a suggestion', async () => {
    const r = await runCli(['syn'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: unknown command 'syn'$/m);
    assert.match(r.stderr, /^hint: did you mean sync\?/m);
    assert.equal(r.stdout, '');
  });

  it('with --json, a usage error is the JSON error document on stdout', async () => {
    const r = await runCli(['syn', '--json'], { home });
    assert.equal(r.code, 2);
    const e = assertJsonError(r.stdout);
    assert.equal(e.code, 'USAGE');
    // one line; the suggestion is the hint's (issue 13)
    assert.equal(e.message, "unknown command 'syn'");
    assert.match(e.hint ?? '', /did you mean sync\?/);
  });

  it('an unknown option is exit 2', async () => {
    const r = await runCli(['list', '--frobnicate'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: unknown option '--frobnicate'/m);
  });

  it('no command is exit 2 with the help on stderr', async () => {
    const r = await runCli([], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: cloudsync/);
  });

  it('there is no --password flag: credentials never come from argv', async () => {
    const r = await runCli(['login', 'cloud', 'https://example.invalid', '--password', 'secret'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--password'/);
    assert.doesNotMatch(r.stderr + r.stdout, /secret/);
  });

  it('a bad --conflict value is exit 2 naming the choices', async () => {
    const r = await runCli(['create', 'x', '--target', 'y', '--conflict', 'mine-wins'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cloud-wins, onprem-wins, newer-wins, keep-both/);
  });

  for (const [flag, value] of [
    ['--max-delete', 'abc'],
    ['--max-delete', '101'],
    ['--transfers', '0'],
    ['--transfers', '2.5'],
  ]) {
    it(`sync ${flag} ${value} is exit 2`, async () => {
      const r = await runCli(['sync', flag, value, '--json'], { home });
      assert.equal(r.code, 2);
      assert.match(assertJsonError(r.stdout).message, new RegExp(flag));
    });
  }

  it('a command needing both sides says how to log in (exit 2)', async () => {
    const r = await runCli(['sync'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: not logged in to onprem/m);
    assert.match(r.stderr, /^hint: run `cloudsync login onprem <folder\|url>`/m);
  });

  it('global options work after the command; a --profile that does not exist is exit 2', async () => {
    const r = await runCli(['sync', '--json', '--home', home, '--profile', 'other'], {});
    assert.equal(r.code, 2);
    const e = assertJsonError(r.stdout);
    assert.equal(e.code, 'UNKNOWN_PROFILE');
    assert.match(
      e.message,
      new RegExp(`no profile "other" in ${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
  });

  it('an unsafe profile name is refused', async () => {
    const r = await runCli(['list', '--profile', '../../etc'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid profile name/);
  });

  it('setup without a terminal is exit 2 naming the commands to use instead', async () => {
    const r = await runCli(['setup'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cloudsync login onprem/);
    assert.match(r.stderr, /cloudsync create/);
  });

  it('list on a fresh home is empty: [] with --json', async () => {
    const r = await runCli(['list', '--json'], { home });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json(), []);
  });

  it('NO_COLOR and --no-color: no escape characters anywhere, even with FORCE_COLOR', async () => {
    const forced = await runCli(['syn'], { home, env: { FORCE_COLOR: '3' } });
    assert.ok(forced.stderr.includes(ESC), 'control: FORCE_COLOR alone colours the error');
    for (const [args, env] of [
      [['syn'], { NO_COLOR: '1', FORCE_COLOR: '3' }],
      [['syn', '--no-color'], { FORCE_COLOR: '3' }],
      [['whoami'], { NO_COLOR: '1', FORCE_COLOR: '3' }],
      [['list', '--no-color'], { FORCE_COLOR: '3' }],
    ] as [string[], Record<string, string>][]) {
      const r = await runCli(args, { home, env });
      assert.ok(!(r.stdout + r.stderr).includes(ESC), args.join(' '));
    }
  });

  it('completion prints the committed script for each shell', async () => {
    for (const [shell, file] of [
      ['bash', 'cloudsync.bash'],
      ['zsh', '_cloudsync'],
      ['fish', 'cloudsync.fish'],
    ]) {
      const r = await runCli(['completion', shell], { home });
      assert.equal(r.code, 0);
      assert.equal(r.stdout, await readFile(path.join(PROJECT_ROOT, 'completions', file), 'utf8'));
    }
    assert.equal((await runCli(['completion', 'tcsh'], { home })).code, 2);
  });
});
