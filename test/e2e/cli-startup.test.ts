import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildProgram } from '../../src/cli.js';
import { COMMAND_ALIASES, COMMAND_NAMES, commandsFor } from '../../src/commands/registry.js';
import { processRuntime } from '../../src/commands/runtime.js';
import { plainVersionFlags } from '../../src/commands/version-info.js';
import { PROJECT_ROOT, runCli, tempDir, type CliResult } from '../support/cli.js';

/** The module logger (test/support/module-log.ts), as compiled. */
const MODULE_LOG = pathToFileURL(
  path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'support', 'module-log.js'),
).href;

/** Which sources each file of dist/bundle/ holds (esbuild's metafile, written by `npm run build`). */
async function bundleSources(): Promise<Map<string, string[]>> {
  const meta = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'dist', 'bundle-meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  return new Map(Object.entries(meta.outputs).map(([file, o]) => [file, Object.keys(o.inputs)]));
}

/**
 * The sources of `bundle` (a dist/bundle/ file) that ran in a run whose V8 coverage is in `covDir`. esbuild
 * puts a module reached through a lazy import (each command, the engine, connectors, packages...) in a
 * function named by its path, run when the module is first imported: its count says whether it ran. A
 * module in no such function runs whenever the bundle loads.
 */
async function ranSources(bundle: string, sources: string[], covDir: string): Promise<string[]> {
  const url = pathToFileURL(path.join(PROJECT_ROOT, bundle)).href;
  const counts = new Map<string, number>();
  for (const f of await readdir(covDir)) {
    const cov = JSON.parse(await readFile(path.join(covDir, f), 'utf8')) as {
      result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
    };
    for (const script of cov.result.filter((r) => r.url === url))
      for (const fn of script.functions)
        counts.set(fn.functionName, Math.max(counts.get(fn.functionName) ?? 0, fn.ranges[0]!.count));
  }
  assert.ok(counts.size > 0, `coverage saw ${bundle}`);
  return sources.filter((s) => (counts.get(s) ?? 1) > 0);
}

/**
 * Run the CLI and return what it printed, every file it loaded (`files`, relative to the project) and the
 * modules that ran (`modules`: for a bundle file, the sources esbuild put in it that ran, so the assertions
 * below read the same whether a module ran from dist/src or from the bundle).
 */
async function runLogged(
  args: string[],
  home: string,
  env: Record<string, string> = {},
): Promise<{ r: CliResult; files: string[]; modules: string[]; builtins: string[]; afterFlags: string[] }> {
  const log = path.join(home, 'modules.log');
  const covDir = path.join(home, 'coverage');
  await rm(log, { force: true });
  await rm(covDir, { recursive: true, force: true });
  const r = await runCli(args, {
    home,
    nodeArgs: ['--import', MODULE_LOG],
    env: { ...env, CLOUDSYNC_MODULE_LOG: log, NODE_V8_COVERAGE: covDir },
  });
  const all = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  const builtins = all.filter((l) => l.startsWith('builtin:')).map((l) => l.slice('builtin:'.length));
  const afterFlags = all
    .filter((l) => l.startsWith('builtin-after-flags:'))
    .map((l) => l.slice('builtin-after-flags:'.length));
  const lines = all.filter((l) => !l.startsWith('builtin:') && !l.startsWith('builtin-after-flags:'));
  const files = [
    ...new Set(lines.map((l) => path.relative(PROJECT_ROOT, l.startsWith('file:') ? fileURLToPath(l) : l))),
  ];
  const sources = await bundleSources();
  const modules: string[] = [];
  for (const f of files) {
    const inside = sources.get(f);
    modules.push(...(inside ? await ranSources(f, inside, covDir) : [f]));
  }
  await rm(covDir, { recursive: true, force: true });
  return { r, files, modules: [...new Set(modules)], builtins, afterFlags };
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

/** A copy of the built bundle as an installed package (no tsconfig.json, no code cache yet): its caches are the test's alone. */
async function installedCopy(): Promise<string> {
  const copy = await tempDir();
  await cp(path.join(PROJECT_ROOT, 'bin'), path.join(copy, 'bin'), { recursive: true });
  await cp(path.join(PROJECT_ROOT, 'dist', 'bundle'), path.join(copy, 'dist', 'bundle'), {
    recursive: true,
    filter: (f) => !f.endsWith('.v8cache'),
  });
  await cp(path.join(PROJECT_ROOT, 'package.json'), path.join(copy, 'package.json'));
  await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  return copy;
}

/**
 * One `watch --json` of `home` (bin/cloudsync.js of `root`), run until its start-up pass ended, then stopped
 * with SIGTERM (exit 0 asserted). `whileRunning` sees the live process first. Returns what it printed.
 */
async function watchStartUp(
  home: string,
  opts: {
    root?: string;
    nodeArgs?: string[];
    env?: Record<string, string>;
    whileRunning?: (pid: number) => void;
  } = {},
): Promise<{ out: string; err: string }> {
  const bin = path.join(opts.root ?? PROJECT_ROOT, 'bin', 'cloudsync.js');
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), bin, 'watch', '--json'], {
    env: { ...process.env, CLOUDSYNC_HOME: home, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const t0 = Date.now();
  while (!out.includes('"pass-end"') && Date.now() - t0 < 60_000 && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 50));
  try {
    if (child.exitCode === null) opts.whileRunning?.(child.pid!);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, err);
  assert.match(out, /"pass-end"/);
  return { out, err };
}

describe('e2e: lean start-up (issue 11)', () => {
  let home: string;
  let onprem: string;
  before(async function () {
    this.timeout(60_000);
    home = await tempDir();
    const sides = await tempDir();
    onprem = path.join(sides, 'onprem');
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
    const { r, files, modules, builtins } = await runLogged(['sync', '--json'], home);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.json() as { exitCode: number }).exitCode, 0);
    // child_process (commander, the pager, the flush helper) is loaded when something is spawned: not here.
    assert.ok(builtins.includes('fs'), 'the log sees built-ins');
    assert.deepEqual(
      builtins.filter((b) => ['child_process', 'dgram'].includes(b)),
      [],
      'no built-in the pass does not use',
    );
    assert.ok(!modules.includes('dist/src/commands/login.js'), 'only the modules that ran');
    assert.ok(files.includes('dist/bundle/cli.cjs'), `the bundle runs: ${files.join(', ')}`);
    assert.deepEqual(
      files.filter((f) => f.startsWith('dist/src/')),
      [],
      'nothing from dist/src when the bundle is current',
    );
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

  it('sync --json requires every built-in it uses before it changes V8 flags (their code cache stays valid)', async () => {
    const quiet = await runLogged(['sync', '--json'], home);
    assert.equal(quiet.r.code, 0, quiet.r.stderr);
    assert.ok(
      quiet.builtins.includes('crypto') && quiet.builtins.includes('net'),
      `the pass uses both: ${quiet.builtins.join(', ')}`,
    );
    // A pass that copies a file, records it and flushes: the apply's built-ins too.
    await writeFile(path.join(onprem, 'Projects', 'new.txt'), 'new\n');
    const changing = await runLogged(['sync', '--json'], home);
    assert.equal(changing.r.code, 0, changing.r.stderr);
    const sets = (changing.r.json() as { sets: { pushed: number }[] }).sets;
    assert.equal(sets[0]!.pushed, 1, changing.r.stdout);
    // A built-in first required once a flag differs is compiled from source (2-3x the CPU): none at all, so a
    // built-in a later change brings into the pass fails here until bin/cloudsync.js's PASS_BUILTINS lists it.
    for (const { afterFlags } of [quiet, changing])
      assert.deepEqual(afterFlags, [], `loaded after the flags: ${afterFlags.join(', ')}`);
  });

  it('watch requires every built-in its start-up pass uses before it changes V8 flags', async function () {
    this.timeout(120_000);
    /** One watch with the module log: its start-up pass, then SIGTERM; what it loaded after the flags. */
    const watchLogged = async (): Promise<string[]> => {
      const log = path.join(home, 'watch-modules.log');
      await rm(log, { force: true });
      await watchStartUp(home, { nodeArgs: ['--import', MODULE_LOG], env: { CLOUDSYNC_MODULE_LOG: log } });
      return (await readFile(log, 'utf8'))
        .split('\n')
        .filter((l) => l.startsWith('builtin-after-flags:'))
        .map((l) => l.slice('builtin-after-flags:'.length));
    };
    // The first watch after a build compiles its code cache under a flag of its own: the second is the norm.
    await watchLogged();
    const after = await watchLogged();
    // What stopping loads (fs.rm's recursive helper) runs once, after the last pass.
    assert.deepEqual(
      after.filter((b) => b !== 'internal/fs/rimraf'),
      [],
      `loaded after the flags: ${after.join(', ')}`,
    );
  });

  it('--json into a pipe is written with blocking writes: a slow reader holds up the writer, not its memory', async function () {
    this.timeout(60_000);
    if (process.platform !== 'linux') return this.skip(); // reads the descriptor's flags from /proc
    let info = '';
    await watchStartUp(home, {
      whileRunning: (pid) => (info = readFileSync(`/proc/${pid}/fdinfo/1`, 'utf8')),
    });
    const flags = parseInt(/^flags:\s*([0-7]+)/m.exec(info)![1]!, 8);
    // O_NONBLOCK: Node's default for a pipe, which queues in memory whatever the reader has not taken yet.
    assert.equal(flags & 0o4000, 0, `stdout's flags ${info}`);
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

  it('--version loads one small CommonJS file: no commander, no engine, state or connector module', async () => {
    const { r, files, modules } = await runLogged(['--version', '--json'], home);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.json() as { version: string }).version.length > 0, true);
    assert.deepEqual(files.sort(), ['bin/cloudsync.js', 'dist/bundle/version.cjs']);
    assert.deepEqual(packagesOf(modules), ['env-paths']);
    assert.deepEqual(
      modules.filter((m) => /\/(engine|store|connectors)\//.test(m) && !/names/.test(m)),
      [],
    );
  });

  it('--version answered early prints what the `version` command prints, and leaves anything else to it', async () => {
    const other = await tempDir();
    for (const extra of [[], ['--json'], ['--no-color'], ['--home', other], [`--home=${other}`, '--json']]) {
      const quick = await runCli(['--version', ...extra], { home });
      const full = await runCli(['version', ...extra], { home });
      assert.equal(quick.code, 0, quick.stderr);
      assert.equal(quick.stdout, full.stdout, `--version ${extra.join(' ')}`);
      assert.equal(quick.stderr, full.stderr);
    }
    // The errors come from the full CLI, the same as before: exit 2, the usual message.
    const badProfile = await runCli(['-V', '--json'], { home, env: { CLOUDSYNC_PROFILE: 'no/such' } });
    assert.equal(badProfile.code, 2);
    assert.match((badProfile.json() as { error: { message: string } }).error.message, /invalid profile name/);
    const open = path.join(other, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    const notPrivate = await runCli(['--version', '--json', '--home', open], { home });
    assert.equal(notPrivate.code, 2);
    assert.equal((notPrivate.json() as { error: { code: string } }).error.code, 'HOME_NOT_PRIVATE');

    assert.deepEqual(plainVersionFlags(['--version']), { json: false, color: true, home: undefined });
    assert.deepEqual(plainVersionFlags(['-V', '--json', '--no-color', '--home', 'h']), {
      json: true,
      color: false,
      home: 'h',
    });
    for (const args of [
      ['--json'],
      ['version'],
      ['--version', 'sync'],
      ['--version', '--home'],
      ['-V', '-v'],
    ])
      assert.equal(plainVersionFlags(args), null, args.join(' '));
  });

  it('a tsc-only build in a checkout (the bundle older than dist/src) runs dist/src; an installed package its bundle', async function () {
    this.timeout(60_000);
    // A copy of the build, so the bundle's age can change without touching the checkout's.
    const copy = await tempDir();
    await cp(path.join(PROJECT_ROOT, 'bin'), path.join(copy, 'bin'), { recursive: true });
    for (const dir of ['src', 'bundle'])
      await cp(path.join(PROJECT_ROOT, 'dist', dir), path.join(copy, 'dist', dir), {
        recursive: true,
        preserveTimestamps: true,
      });
    for (const file of ['package.json', 'tsconfig.json'])
      await cp(path.join(PROJECT_ROOT, file), path.join(copy, file));
    await cp(path.join(PROJECT_ROOT, 'dist', '.tsbuildinfo'), path.join(copy, 'dist', '.tsbuildinfo'), {
      preserveTimestamps: true,
    });
    await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    const bin = path.join(copy, 'bin', 'cloudsync.js');
    const loaded = (args: string[]): string[] => {
      const log = path.join(copy, 'modules.log');
      const r = spawnSync(process.execPath, ['--import', MODULE_LOG, bin, ...args], {
        env: { ...process.env, CLOUDSYNC_HOME: home, CLOUDSYNC_MODULE_LOG: log },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const lines = readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('builtin:'));
      rmSync(log);
      return lines.map((l) => path.relative(copy, l.startsWith('file:') ? fileURLToPath(l) : l));
    };
    assert.ok(loaded(['sync', '--json']).includes('dist/bundle/cli.cjs'));
    assert.ok(loaded(['--version']).includes('dist/bundle/version.cjs'));
    const later = new Date(Date.now() + 60_000);
    const runsSrc = () => {
      for (const args of [['sync', '--json'], ['--version']]) {
        const files = loaded(args);
        assert.deepEqual(
          files.filter((f) => f.startsWith('dist/bundle/')),
          [],
          `${args.join(' ')}: ${files.join(', ')}`,
        );
        assert.ok(
          files.includes(args[0] === 'sync' ? 'dist/src/engine/pass.js' : 'dist/src/quick-version.js'),
        );
      }
    };
    // tsc alone rewrote one engine file (not cli.js): its build info is newer than the bundle.
    const info = path.join(copy, 'dist', '.tsbuildinfo');
    await utimes(info, later, later);
    runsSrc();
    await utimes(info, new Date(0), new Date(0));
    await utimes(path.join(copy, 'dist', 'src', 'cli.js'), later, later);
    runsSrc();
    // Without tsconfig.json it is an installed package, whose files' times say nothing: the bundle runs.
    await rm(path.join(copy, 'tsconfig.json'));
    assert.ok(loaded(['sync', '--json']).includes('dist/bundle/cli.cjs'));
  });

  it('the bundle runs through a code cache: made by a pass, used by the next, remade when stale or refused', async function () {
    this.timeout(120_000);
    // A copy of the build (an installed package: no tsconfig.json), so its cache is this test's alone.
    const copy = await installedCopy();
    const bundle = path.join(copy, 'dist', 'bundle', 'cli.cjs');
    const cache = `${bundle}.v8cache`;
    const sync = (env: Record<string, string> = {}): void => {
      const r = spawnSync(process.execPath, [path.join(copy, 'bin', 'cloudsync.js'), 'sync', '--json'], {
        env: { ...process.env, CLOUDSYNC_HOME: home, ...env },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal((JSON.parse(r.stdout) as { exitCode: number }).exitCode, 0);
    };
    const header = async (): Promise<string> => {
      const bytes = await readFile(cache);
      return bytes.subarray(0, bytes.indexOf(10)).toString('latin1');
    };
    const st = await stat(bundle);
    const expected = `cloudsync-v8cache 1 ${process.version} ${process.arch} ${st.size} ${st.mtimeMs} ${st.ino} pass`;

    sync({ CLOUDSYNC_CODE_CACHE: 'off' });
    await assert.rejects(stat(cache), /ENOENT/, 'CLOUDSYNC_CODE_CACHE=off: none made');
    sync();
    assert.equal(await header(), expected, 'the first pass made the cache, naming the bundle and Node');
    const made = (await stat(cache)).mtimeMs;
    sync();
    assert.equal((await stat(cache)).mtimeMs, made, 'the next pass used it as it was');
    assert.ok((await stat(cache)).size > 100_000, 'it holds the compiled pass');

    // V8 refuses data that is not its own: the run compiles from source and writes a good cache.
    await writeFile(cache, `${expected}\n${'x'.repeat(5000)}`);
    sync();
    assert.ok((await stat(cache)).size > 100_000, 'refused data replaced');
    // A cache made for another bundle (a rebuild: other size, time or file) is not handed to V8 at all.
    const good = await readFile(cache);
    const other = `cloudsync-v8cache 1 ${process.version} ${process.arch} ${st.size} ${st.mtimeMs + 1} ${st.ino} pass`;
    await writeFile(cache, Buffer.concat([Buffer.from(`${other}\n`), good.subarray(good.indexOf(10) + 1)]));
    sync();
    assert.equal(await header(), expected, 'a stale cache is made again');
    await writeFile(cache, 'not a cache at all');
    sync();
    assert.equal(await header(), expected);
    // A cache that cannot be read or written (here a folder in its place; an installed package of another
    // user likewise): nothing printed, the same result, no temp file left.
    await rm(cache);
    await mkdir(cache);
    sync();
    assert.ok((await stat(cache)).isDirectory());
    assert.deepEqual(
      (await readdir(path.dirname(bundle))).filter((f) => f.endsWith('.tmp')),
      [],
      'no temp file left',
    );
  });

  it('watch starts from a code cache of its own with every function compiled; the pass cache is left alone', async function () {
    this.timeout(120_000);
    const copy = await installedCopy();
    const bundle = path.join(copy, 'dist', 'bundle', 'cli.cjs');
    const cache = `${bundle}.watch.v8cache`;
    const run = (args: string[]): void => {
      const r = spawnSync(process.execPath, [path.join(copy, 'bin', 'cloudsync.js'), ...args], {
        env: { ...process.env, CLOUDSYNC_HOME: home },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
    };
    /** One watch: its start-up pass, then SIGTERM; the NDJSON events it printed. */
    const watchOnce = async (): Promise<Array<{ event: string; exitCode?: number }>> => {
      const { out, err } = await watchStartUp(home, { root: copy });
      assert.equal(err, '');
      return out
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { event: string; exitCode?: number });
    };
    const st = await stat(bundle);
    run(['sync', '--json']);
    const passCache = await readFile(`${bundle}.v8cache`);
    const events = await watchOnce();
    assert.ok(
      events.some((e) => e.event === 'pass-end' && e.exitCode === 0),
      JSON.stringify(events),
    );
    const bytes = await readFile(cache);
    assert.equal(
      bytes.subarray(0, bytes.indexOf(10)).toString('latin1'),
      `cloudsync-v8cache 1 ${process.version} ${process.arch} ${st.size} ${st.mtimeMs} ${st.ino} watch`,
    );
    assert.ok(bytes.length > passCache.length * 1.5, 'every function compiled: more than a pass compiles');
    assert.ok((await readFile(`${bundle}.v8cache`)).equals(passCache), "the pass's cache is not rewritten");
    const made = (await stat(cache)).mtimeMs;
    await watchOnce();
    assert.equal((await stat(cache)).mtimeMs, made, 'the next watch used it as it was');
    run(['sync', '--json']);
    assert.ok((await readFile(`${bundle}.v8cache`)).equals(passCache), 'nor does a sync after it');
    // Data V8 refuses: that watch compiles lazily and removes it; the next one makes it again.
    await writeFile(cache, `${bytes.subarray(0, bytes.indexOf(10)).toString('latin1')}\n${'x'.repeat(5000)}`);
    await watchOnce();
    await assert.rejects(stat(cache), /ENOENT/);
    await watchOnce();
    assert.ok((await stat(cache)).size > passCache.length * 1.5);
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
