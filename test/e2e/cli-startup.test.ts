import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildProgram } from '../../src/cli.js';
import { COMMAND_ALIASES, COMMAND_NAMES, commandsFor } from '../../src/commands/registry.js';
import { processRuntime } from '../../src/commands/runtime.js';
import { PROJECT_ROOT, runCli, tempDir, type CliResult } from '../support/cli.js';

/** The module logger (test/support/module-log.ts), as compiled. */
const MODULE_LOG = pathToFileURL(
  path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'support', 'module-log.js'),
).href;

/** Run the CLI and return what it printed and every module it loaded (paths, relative to the project). */
async function runLogged(
  args: string[],
  home: string,
  env: Record<string, string> = {},
): Promise<{ r: CliResult; modules: string[] }> {
  const log = path.join(home, 'modules.log');
  await rm(log, { force: true });
  const r = await runCli(args, {
    home,
    nodeArgs: ['--import', MODULE_LOG],
    env: { ...env, CLOUDSYNC_MODULE_LOG: log },
  });
  const lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  const modules = [
    ...new Set(lines.map((l) => path.relative(PROJECT_ROOT, l.startsWith('file:') ? fileURLToPath(l) : l))),
  ];
  return { r, modules };
}

/** The npm packages among `modules` (node_modules/<name> or node_modules/@scope/name). */
function packagesOf(modules: string[]): string[] {
  const names = modules
    .map((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m)?.[1])
    .filter((n): n is string => n !== undefined);
  return [...new Set(names)].sort();
}

/** Packages only a person at a terminal needs (colours, tables, prompts, spinners), and the Alfresco side's. */
const NOT_FOR_SCRIPTS = ['chalk', 'cli-table3', '@inquirer/prompts', 'ora', 'got', 'openid-client', 'yaml'];

describe('e2e: lean start-up (issue 11)', () => {
  let home: string;
  before(async function () {
    this.timeout(60_000);
    home = await tempDir();
    const sides = await tempDir();
    const onprem = path.join(sides, 'onprem');
    const cloud = path.join(sides, 'cloud');
    await mkdir(path.join(onprem, 'Projects'), { recursive: true });
    await mkdir(cloud);
    for (let i = 0; i < 5; i++) await writeFile(path.join(onprem, 'Projects', `f${i}.txt`), `file ${i}\n`);
    for (const args of [
      ['login', 'onprem', onprem],
      ['login', 'cloud', cloud],
      ['create', 'Projects', '--target', '.', '--json'],
    ]) {
      const r = await runCli(args, { home });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
  });

  it('sync --json loads no terminal package (chalk, cli-table3, inquirer, ora) and no Alfresco one', async () => {
    const { r, modules } = await runLogged(['sync', '--json'], home);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.json() as { exitCode: number }).exitCode, 0);
    assert.ok(modules.includes('dist/src/engine/pass.js'), 'the log sees the modules the pass runs');
    const loaded = packagesOf(modules);
    assert.deepEqual(
      loaded.filter((p) => NOT_FOR_SCRIPTS.includes(p)),
      [],
      `sync --json loaded ${loaded.join(', ')}`,
    );
    assert.ok(!modules.some((m) => m.includes('/connectors/alfresco/index.js')), 'no Alfresco connector');
    assert.ok(
      !modules.some((m) =>
        /\/ui\/wizard-|\/commands\/(?!sync|context|runtime|registry|pass-deadline)/.test(m),
      ),
    );
  });

  it('a human listing off a terminal draws its table but loads no colours; FORCE_COLOR loads them', async () => {
    const plain = await runLogged(['list'], home);
    assert.equal(plain.r.code, 0, plain.r.stderr);
    assert.match(plain.r.stdout, /Projects/);
    assert.deepEqual(
      packagesOf(plain.modules).filter((p) => ['chalk', 'cli-table3'].includes(p)),
      ['cli-table3'],
    );
    const forced = await runLogged(['list'], home, { FORCE_COLOR: '1' });
    assert.ok(packagesOf(forced.modules).includes('chalk'), 'the log sees chalk when it is used');
  });

  it('--version loads only its own command: no engine, state or connector module', async () => {
    const { r, modules } = await runLogged(['--version', '--json'], home);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.json() as { version: string }).version.length > 0, true);
    assert.deepEqual(packagesOf(modules), ['commander', 'env-paths']);
    assert.deepEqual(
      modules.filter((m) => /\/(engine|store|connectors)\//.test(m) && !/names|private-files/.test(m)),
      [],
    );
  });

  it('the lazy command table names every command and alias of the program', async () => {
    const program = await buildProgram(processRuntime());
    assert.deepEqual(
      program.commands.map((c) => c.name()),
      COMMAND_NAMES,
    );
    const aliases = program.commands.flatMap((c) => c.aliases().map((a) => [a, c.name()]));
    assert.deepEqual(Object.fromEntries(aliases), COMMAND_ALIASES);
  });

  it('a command line registers only the command it names, or every command when it needs them', async () => {
    const root = await buildProgram(processRuntime(), []);
    assert.deepEqual(commandsFor(['--home', 'sync', 'list', '--json'], root), ['list']);
    assert.deepEqual(commandsFor(['--home=x', '-qv', 'ls'], root), ['list']);
    assert.deepEqual(commandsFor(['--json', '--version'], root), ['version']);
    assert.deepEqual(commandsFor([], root), COMMAND_NAMES);
    assert.deepEqual(commandsFor(['stauts'], root), COMMAND_NAMES);
    assert.deepEqual(commandsFor(['help', 'sync'], root), COMMAND_NAMES);
    assert.deepEqual(commandsFor(['completion', 'bash'], root), COMMAND_NAMES);
  });
});
