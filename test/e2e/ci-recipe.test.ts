import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BIN, PROJECT_ROOT, tempDir } from '../support/cli.js';

interface PassJson {
  exitCode: number;
  sets: { id: string; name: string; actions: unknown[]; pushed: number; pulled: number }[];
}

/** The README's CI script, exactly as a user copies it (the ```sh block that starts with `# ci/cloudsync.sh`). */
async function readmeScript(): Promise<string> {
  const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const block = /```sh\n(#!\/usr\/bin\/env bash\n# ci\/cloudsync\.sh[\s\S]*?)```/.exec(readme);
  assert.ok(block, 'the README has the CI script');
  return block[1]!;
}

/** Run the script like a CI job would: in the checkout, with a fresh home and the restored STATE file. */
function runJob(
  checkout: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['ci/cloudsync.sh'], {
      cwd: checkout,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('e2e: the README CI recipe on fresh runners with restored state', function () {
  this.timeout(240_000);

  it('the first run pushes, the next fresh runner changes nothing, a later edit is all the third one moves', async () => {
    const [checkout, onprem, cloud, bin, cache] = [
      await tempDir('cloudsync-checkout-'),
      await tempDir('cloudsync-onprem-'),
      await tempDir('cloudsync-cloud-'),
      await tempDir('cloudsync-bin-'),
      await tempDir('cloudsync-cache-'),
    ];
    await writeFile(path.join(bin, 'cloudsync'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {
      mode: 0o755,
    });
    await mkdir(path.join(checkout, 'ci'));
    await writeFile(path.join(checkout, 'ci', 'cloudsync.sh'), await readmeScript());
    await writeFile(
      path.join(checkout, 'cloudsync.yaml'),
      [
        'version: 1',
        'sets:',
        '  - name: Projects',
        '    paths: [Projects]',
        '    target: Shared',
        '    mkdir: true',
        '  - name: Plans',
        '    paths: [Plans/q3.txt, Plans/q4.txt]',
        '    target: Partners',
        '    mkdir: true',
        '    options: { conflict: keep-both }',
        '',
      ].join('\n'),
    );
    await mkdir(path.join(onprem, 'Projects', 'sub'), { recursive: true });
    await mkdir(path.join(onprem, 'Plans'));
    for (let i = 0; i < 10; i++) await writeFile(path.join(onprem, 'Projects', 'sub', `f${i}.txt`), `f${i}`);
    await writeFile(path.join(onprem, 'Plans', 'q3.txt'), 'q3');
    await writeFile(path.join(onprem, 'Plans', 'q4.txt'), 'q4');
    const STATE = path.join(cache, 'state.json');
    const job = async (n: number) => {
      const home = await tempDir(`cloudsync-runner${n}-`); // every run is a fresh runner
      const r = await runJob(checkout, {
        PATH: `${bin}:${process.env.PATH}`,
        CLOUDSYNC_HOME: home,
        STATE,
        ONPREM_URL: onprem,
        CLOUD_URL: cloud,
      });
      const report = JSON.parse(await readFile(path.join(checkout, 'sync-report.json'), 'utf8')) as PassJson;
      return { ...r, report };
    };

    const first = await job(1);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      first.report.sets.reduce((n, s) => n + s.pushed, 0),
      2 + 10 + 2,
      'folder, sub, 10 files; 2 documents',
    );
    assert.equal(await readFile(path.join(cloud, 'Shared', 'Projects', 'sub', 'f3.txt'), 'utf8'), 'f3');
    assert.equal(await readFile(path.join(cloud, 'Partners', 'q4.txt'), 'utf8'), 'q4');
    const bundle = JSON.parse(await readFile(STATE, 'utf8')) as { sets: unknown[] };
    assert.equal(bundle.sets.length, 2, 'the state was saved for the next run');

    const second = await job(2);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(
      second.report.sets.map((s) => [s.name, s.actions.length]).sort(),
      [
        ['Plans', 0],
        ['Projects', 0],
      ],
      'a fresh runner with the restored state changes nothing',
    );
    const apply = JSON.parse(await readFile(path.join(checkout, 'apply-report.json'), 'utf8')) as {
      sets: { action: string }[];
    };
    assert.deepEqual(
      apply.sets.map((s) => s.action),
      ['unchanged', 'unchanged'],
      'apply found the restored sets',
    );

    await writeFile(path.join(onprem, 'Projects', 'sub', 'f1.txt'), 'edited');
    await writeFile(path.join(cloud, 'Partners', 'q3.txt'), 'q3 from the cloud');
    const third = await job(3);
    assert.equal(third.code, 0, third.stderr);
    const moved = third.report.sets.flatMap((s) => s.actions.map(() => s.name)).sort();
    assert.deepEqual(moved, ['Plans', 'Projects'], 'one push and one pull, nothing else');
    assert.equal(await readFile(path.join(cloud, 'Shared', 'Projects', 'sub', 'f1.txt'), 'utf8'), 'edited');
    assert.equal(await readFile(path.join(onprem, 'Plans', 'q3.txt'), 'utf8'), 'q3 from the cloud');

    // Exit codes reach the job: a sets file that does not parse is exit 2, and the job fails with it.
    await writeFile(path.join(checkout, 'cloudsync.yaml'), 'version: 1\nsets: [{ name: x }]\n');
    const broken = await job(4);
    assert.equal(broken.code, 2, broken.stderr);
  });
});
