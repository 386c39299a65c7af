/**
 * `npm run demo`: the main job on the built-in default, two local folders, no server. Creates a small
 * on-prem tree, logs both sides in, creates a folder sync set (first pass), edits both sides, runs another
 * pass, and shows each command and what it printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN } from './cli.js';

const root = await mkdtemp(path.join(tmpdir(), 'cloudsync-demo-'));
const home = path.join(root, 'home');
const onprem = path.join(root, 'onprem');
const cloud = path.join(root, 'cloud');

function cloudsync(...args: string[]): void {
  console.log(`\n$ cloudsync ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, CLOUDSYNC_HOME: home },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) console.log(`(exit ${r.status})`);
}

async function put(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

console.log(`cloudsync demo in ${root}\n  on-prem: ${onprem}\n  cloud:   ${cloud}\n  home:    ${home}`);
await put(path.join(onprem, 'Projects', 'plan.md'), '# Plan\n');
await put(path.join(onprem, 'Projects', 'budget.csv'), 'item,amount\nservers,1200\n');
await put(path.join(onprem, 'Projects', 'specs', 'api.txt'), 'v1\n');
await mkdir(path.join(cloud, 'Shared'), { recursive: true });

cloudsync('login', 'onprem', onprem);
cloudsync('login', 'cloud', cloud);
cloudsync('create', 'Projects', '--target', 'Shared', '--name', 'projects');
cloudsync('list');

console.log('\n# A partner edits the plan in the cloud; someone on-prem adds a file and renames a folder.');
await put(path.join(cloud, 'Shared', 'Projects', 'plan.md'), '# Plan\n- reviewed by partner\n');
await put(path.join(onprem, 'Projects', 'notes.txt'), 'kick-off on Monday\n');
const { rename } = await import('node:fs/promises');
await rename(path.join(onprem, 'Projects', 'specs'), path.join(onprem, 'Projects', 'design'));

cloudsync('sync', '--dry-run');
cloudsync('sync');
cloudsync('inspect', await firstSetId());

console.log('\n# Both sides now hold the same tree:');
console.log(
  `on-prem plan.md: ${JSON.stringify(await readFile(path.join(onprem, 'Projects', 'plan.md'), 'utf8'))}`,
);
console.log(
  `cloud notes.txt: ${JSON.stringify(await readFile(path.join(cloud, 'Shared', 'Projects', 'notes.txt'), 'utf8'))}`,
);
console.log(
  `\nTry more yourself: export CLOUDSYNC_HOME=${home}; node ${path.relative(process.cwd(), BIN)} --help`,
);

async function firstSetId(): Promise<string> {
  const r = spawnSync(process.execPath, [BIN, 'list', '--json'], {
    env: { ...process.env, CLOUDSYNC_HOME: home },
  });
  const sets = JSON.parse(r.stdout.toString()) as { id: string }[];
  return sets[0]?.id ?? '';
}
