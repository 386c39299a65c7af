import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PROJECT_ROOT, tempDir } from '../support/cli.js';

const run = promisify(execFile);

/** The module logger (test/support/module-log.ts), as compiled. */
const MODULE_LOG = pathToFileURL(
  path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'support', 'module-log.js'),
).href;

/** npm with the test's environment: no CLOUDSYNC_* leaking in, quiet. */
function npm(args: string[], cwd = PROJECT_ROOT): Promise<{ stdout: string; stderr: string }> {
  return run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 240_000,
  });
}

/**
 * The package as a user gets it: `npm pack` (prepack builds), `npm i -g` into a temporary prefix, then a
 * full local↔local pass through the installed `cloudsync`, its man page where `man` looks, and no source
 * maps shipped without their sources.
 */
describe('package: npm pack, install, run', function () {
  this.timeout(300_000);
  let tmp: string;
  before(async () => (tmp = await tempDir('cloudsync-pack-')));
  after(async () => rm(tmp, { recursive: true, force: true }));

  it('installs from the tarball and the installed command syncs local ↔ local', async () => {
    const { stdout } = await npm(['pack', '--json', '--pack-destination', tmp]);
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path);
    assert.ok(files.includes('dist/src/cli.js'), 'dist is shipped');
    for (const f of [
      'dist/bundle/cli.cjs',
      'dist/bundle/vendor.cjs',
      'dist/bundle/version.cjs',
      'bin/package.json',
      'bin/code-cache.js',
      'dist/build-info.json',
    ])
      assert.ok(files.includes(f), `${f} is shipped (the bundle bin/cloudsync.js runs)`);
    assert.ok(!files.includes('dist/bundle-meta.json'), 'the bundle map is for tests only');
    assert.deepEqual(
      files.filter((f) => /\.(v8cache|tmp)$/.test(f)),
      [],
      'no code cache of this machine (each installation makes its own)',
    );
    assert.ok(files.includes('man/cloudsync.1'), 'the man page is shipped');
    assert.ok(files.includes('LICENSE'), 'the LICENSE is shipped');
    assert.deepEqual(
      files.filter((f) => f.endsWith('.map')),
      [],
      'no source maps without their sources',
    );
    assert.ok(!files.some((f) => f.startsWith('dist/test/')), 'tests are not shipped');

    const prefix = path.join(tmp, 'prefix');
    const tarball = path.join(tmp, path.basename(packed!.filename));
    // Offline from the npm cache when it holds the dependencies; else the registry (first run on a machine).
    await npm(['install', '-g', '--prefix', prefix, '--offline', tarball]).catch(() =>
      npm(['install', '-g', '--prefix', prefix, '--prefer-offline', tarball]),
    );
    const bin = path.join(prefix, 'bin', 'cloudsync');
    assert.ok(
      (await stat(path.join(prefix, 'share', 'man', 'man1', 'cloudsync.1'))).isFile(),
      'man cloudsync',
    );

    const home = path.join(tmp, 'home');
    const onprem = path.join(tmp, 'onprem');
    const cloud = path.join(tmp, 'cloud');
    await mkdir(path.join(onprem, 'Projects', 'sub'), { recursive: true });
    await mkdir(path.join(cloud, 'Shared'), { recursive: true });
    await writeFile(path.join(onprem, 'Projects', 'a.txt'), 'alpha');
    await writeFile(path.join(onprem, 'Projects', 'sub', 'b.txt'), 'beta');
    await writeFile(path.join(cloud, 'Shared', 'c.txt'), 'unrelated');
    // From a folder outside the project, so nothing can resolve back into the checkout.
    const cs = (...args: string[]) =>
      run(bin, ['--home', home, ...args], { cwd: tmp, env: { ...process.env, CLOUDSYNC_HOME: undefined } });

    const version = JSON.parse((await cs('--version', '--json')).stdout) as Record<string, unknown>;
    const pkg = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(version.version, pkg.version);
    assert.equal(version.home, home);
    assert.match(String(version.commit), /^[0-9a-f]{40}$/, 'a packed build knows its commit');

    await cs('login', 'onprem', onprem);
    await cs('login', 'cloud', cloud);
    const created = JSON.parse((await cs('create', 'Projects', '--target', 'Shared', '--json')).stdout) as {
      pass: { exitCode: number };
    };
    assert.equal(created.pass.exitCode, 0);
    assert.equal(await readFile(path.join(cloud, 'Shared', 'Projects', 'sub', 'b.txt'), 'utf8'), 'beta');
    await writeFile(path.join(cloud, 'Shared', 'Projects', 'a.txt'), 'alpha, edited in the cloud');
    await cs('sync');
    assert.equal(
      await readFile(path.join(onprem, 'Projects', 'a.txt'), 'utf8'),
      'alpha, edited in the cloud',
    );
    assert.equal(await readFile(path.join(cloud, 'Shared', 'c.txt'), 'utf8'), 'unrelated');

    // The installed command runs the bundle (npm gives every packed file the same time): a pass and
    // `--version` load their files from dist/bundle/, none from dist/src/.
    const log = path.join(tmp, 'modules.log');
    for (const args of [['sync', '--json'], ['--version']]) {
      await rm(log, { force: true });
      await run(process.execPath, ['--import', MODULE_LOG, bin, '--home', home, ...args], {
        cwd: tmp,
        env: { ...process.env, CLOUDSYNC_HOME: undefined, CLOUDSYNC_MODULE_LOG: log },
      });
      const loaded = (await readFile(log, 'utf8')).split('\n').filter((l) => l.includes('/cloudsync/dist/'));
      assert.ok(
        loaded.some((l) => l.includes('/dist/bundle/')) && !loaded.some((l) => l.includes('/dist/src/')),
        `${args.join(' ')} loaded ${loaded.join(', ')}`,
      );
    }
    // The installed package keeps its own code cache beside its bundle (its folder is the user's here).
    const installed = path.join(prefix, 'lib', 'node_modules', 'cloudsync', 'dist', 'bundle');
    assert.ok((await stat(path.join(installed, 'cli.cjs.v8cache'))).size > 0, 'the code cache was made');
  });
});
