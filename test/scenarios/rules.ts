import assert from 'node:assert/strict';
import type { CliResult } from '../support/cli.js';
import type { Scenario, SyncJson } from './harness.js';
import { neverLose } from './rules-never-lose.js';

const D = null; // a folder in a tree
const types = (j: SyncJson) => j.sets.flatMap((s) => s.actions.map((a) => a.type)).sort();

/** A synced folder src/P (a, b, c, sub/d) with target dst: the start of most scenarios. */
const P = {
  src: D,
  'src/P': D,
  'src/P/a.txt': 'A',
  'src/P/b.txt': 'B',
  'src/P/c.txt': 'C',
  'src/P/sub': D,
  'src/P/sub/d.txt': 'D',
};
const P_CLOUD = {
  dst: D,
  'dst/P': D,
  'dst/P/a.txt': 'A',
  'dst/P/b.txt': 'B',
  'dst/P/c.txt': 'C',
  'dst/P/sub': D,
  'dst/P/sub/d.txt': 'D',
};
const folderSet = { onprem: P, cloud: { dst: D }, create: ['src/P', '--target', 'dst'] };

/** Every behaviour rule of SPEC §3 and the safety rules of §4, as data. */
export const scenarios: Scenario[] = [
  {
    name: 'folder set: first pass pushes the folder inside the target',
    rule: '§2 create, folder set created inside the target',
    ...folderSet,
    steps: [
      { expect: { cloud: P_CLOUD, onprem: P, members: { 'src/P': 'SYNCED', 'src/P/sub/d.txt': 'SYNCED' } } },
    ],
  },
  {
    name: 'documents set: each document lands in the target',
    rule: '§2 create, documents set',
    onprem: { src: D, 'src/a.txt': 'A', 'src/b.txt': 'B', 'src/c.txt': 'C' },
    cloud: { dst: D },
    create: ['src/a.txt', 'src/b.txt', '--target', 'dst'],
    steps: [
      {
        expect: { cloud: { dst: D, 'dst/a.txt': 'A', 'dst/b.txt': 'B' }, members: { 'src/a.txt': 'SYNCED' } },
      },
    ],
  },
  {
    name: 'push and pull in one pass',
    rule: '§3 push and pull: both in the same pass',
    ...folderSet,
    steps: [
      { on: 'onprem', write: 'src/P/a.txt', content: 'A2' },
      { on: 'cloud', write: 'dst/P/b.txt', content: 'B2' },
      { on: 'cloud', write: 'dst/P/new.txt', content: 'N' },
      {
        sync: [],
        check: (j: SyncJson) => {
          assert.equal(j.sets[0]!.pushed, 1);
          assert.equal(j.sets[0]!.pulled, 2);
        },
      },
      {
        expect: {
          onprem: { ...P, 'src/P/a.txt': 'A2', 'src/P/b.txt': 'B2', 'src/P/new.txt': 'N' },
          cloud: { ...P_CLOUD, 'dst/P/a.txt': 'A2', 'dst/P/b.txt': 'B2', 'dst/P/new.txt': 'N' },
        },
      },
      { sync: [], check: (j: SyncJson) => assert.deepEqual(types(j), []) },
    ],
  },
  {
    name: 'conflict: cloud wins and the on-prem bytes are kept as a backup',
    rule: '§3 conflict cloud-wins, losing bytes never destroyed',
    ...folderSet,
    skipOn: ['onprem:alfresco'], // there the losing bytes stay as a prior version (connector tests)
    steps: [
      { on: 'onprem', write: 'src/P/a.txt', content: 'mine' },
      { on: 'cloud', write: 'dst/P/a.txt', content: 'theirs' },
      { sync: [], check: (j: SyncJson) => assert.equal(j.sets[0]!.conflicts, 1) },
      {
        expect: {
          onprem: { ...P, 'src/P/a.txt': 'theirs' },
          cloud: { ...P_CLOUD, 'dst/P/a.txt': 'theirs' },
          backups: 1,
          members: { 'src/P/a.txt': 'SYNCED' },
        },
      },
      {
        run: ['inspect', '$ID'],
        check: async (out: CliResult) => {
          const { readFile } = await import('node:fs/promises');
          const b = out.json<{ backups: { file: string }[] }>().backups[0]!;
          assert.equal(await readFile(b.file, 'utf8'), 'mine');
        },
      },
    ],
  },
  {
    name: 'equal content on both sides is not a conflict',
    rule: '§3 equal content is not a conflict',
    ...folderSet,
    steps: [
      { on: 'onprem', write: 'src/P/a.txt', content: 'same' },
      { on: 'cloud', write: 'dst/P/a.txt', content: 'same' },
      { sync: [], check: (j: SyncJson) => assert.equal(j.sets[0]!.conflicts, 0) },
      { expect: { backups: 0, onprem: { ...P, 'src/P/a.txt': 'same' } } },
    ],
  },
  {
    name: 'conflict: onprem-wins',
    rule: '§3 conflict policies',
    ...folderSet,
    skipOn: ['cloud:alfresco'],
    create: ['src/P', '--target', 'dst', '--conflict', 'onprem-wins'],
    steps: [
      { on: 'onprem', write: 'src/P/a.txt', content: 'mine' },
      { on: 'cloud', write: 'dst/P/a.txt', content: 'theirs' },
      { sync: [] },
      {
        expect: {
          onprem: { ...P, 'src/P/a.txt': 'mine' },
          cloud: { ...P_CLOUD, 'dst/P/a.txt': 'mine' },
          backups: 1,
        },
      },
    ],
  },
  {
    name: 'conflict: keep-both keeps the loser under a conflict name',
    rule: '§3 conflict keep-both',
    ...folderSet,
    create: ['src/P', '--target', 'dst', '--conflict', 'keep-both'],
    steps: [
      { on: 'onprem', write: 'src/P/a.txt', content: 'mine' },
      { on: 'cloud', write: 'dst/P/a.txt', content: 'theirs' },
      { sync: [] },
      { sync: [] },
      {
        run: ['inspect', '$ID'],
        check: (out: CliResult) => {
          const paths = out.json<{ members: { onpremPath: string }[] }>().members.map((m) => m.onpremPath);
          assert.ok(
            paths.some((p) => /^src\/P\/a \(conflict onprem .*\)\.txt$/.test(p)),
            paths.join(', '),
          );
        },
      },
    ],
  },
  {
    name: 'rename on-prem is synced as a rename (a move, not delete + copy)',
    rule: '§3 rename synced',
    ...folderSet,
    steps: [
      { on: 'onprem', mv: ['src/P/a.txt', 'src/P/a2.txt'] },
      { sync: [], check: (j: SyncJson) => assert.deepEqual(types(j), ['move']) },
      { expect: { cloud: { ...without(P_CLOUD, 'dst/P/a.txt'), 'dst/P/a2.txt': 'A' } } },
    ],
  },
  {
    name: 'rename in the cloud is pulled back as a rename',
    rule: '§3 rename synced (pull)',
    ...folderSet,
    steps: [
      { on: 'cloud', mv: ['dst/P/sub', 'dst/P/sub2'] },
      { sync: [], check: (j: SyncJson) => assert.deepEqual(types(j), ['move']) },
      {
        expect: {
          onprem: { ...without(P, 'src/P/sub', 'src/P/sub/d.txt'), 'src/P/sub2': D, 'src/P/sub2/d.txt': 'D' },
        },
      },
    ],
  },
  {
    name: 'move within the synced folder is a move',
    rule: '§3 move inside a synced folder',
    ...folderSet,
    steps: [
      { on: 'onprem', mv: ['src/P/a.txt', 'src/P/sub/a.txt'] },
      { sync: [], check: (j: SyncJson) => assert.deepEqual(types(j), ['move']) },
      { expect: { cloud: { ...without(P_CLOUD, 'dst/P/a.txt'), 'dst/P/sub/a.txt': 'A' } } },
    ],
  },
  {
    name: 'move out of the synced folder removes it from the set (cloud copy deleted)',
    rule: '§3 move out of a synced folder',
    ...folderSet,
    steps: [
      { on: 'onprem', mv: ['src/P/a.txt', 'src/a.txt'] },
      { sync: [] },
      {
        expect: {
          cloud: without(P_CLOUD, 'dst/P/a.txt'),
          onprem: { ...without(P, 'src/P/a.txt'), 'src/a.txt': 'A' },
        },
      },
    ],
  },
  {
    name: 'move into the synced folder adds it',
    rule: '§3 move into a synced folder',
    ...folderSet,
    onprem: { ...P, 'src/x.txt': 'X' },
    steps: [
      { on: 'onprem', mv: ['src/x.txt', 'src/P/x.txt'] },
      { sync: [] },
      { expect: { cloud: { ...P_CLOUD, 'dst/P/x.txt': 'X' }, members: { 'src/P/x.txt': 'SYNCED' } } },
    ],
  },
  {
    name: 'move between two synced folders moves it from one set to the other',
    rule: '§3 move between synced folders',
    onprem: {
      src: D,
      'src/A': D,
      'src/A/f.txt': 'F',
      'src/A/g.txt': 'G',
      'src/A/h.txt': 'H',
      'src/B': D,
      'src/B/x.txt': 'X',
    },
    cloud: { dst: D },
    create: ['src/A', '--target', 'dst'],
    steps: [
      { run: ['create', 'src/B', '--target', 'dst'] },
      { on: 'onprem', mv: ['src/A/f.txt', 'src/B/f.txt'] },
      {
        run: ['sync'],
        check: (out: CliResult) => assert.deepEqual(types(out.json<SyncJson>()), ['forget', 'move']),
      },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/A': D,
            'dst/A/g.txt': 'G',
            'dst/A/h.txt': 'H',
            'dst/B': D,
            'dst/B/x.txt': 'X',
            'dst/B/f.txt': 'F',
          },
        },
      },
    ],
  },
  {
    name: 'a copy inside the synced folder is synced; a copy outside is not',
    rule: '§3 copy',
    ...folderSet,
    steps: [
      { on: 'onprem', cp: ['src/P/a.txt', 'src/P/sub/a-copy.txt'] },
      { on: 'onprem', cp: ['src/P/b.txt', 'src/b-copy.txt'] },
      { sync: [] },
      { expect: { cloud: { ...P_CLOUD, 'dst/P/sub/a-copy.txt': 'A' } } },
    ],
  },
  {
    name: 'on-prem delete deletes the cloud copy (delete on cloud on)',
    rule: '§3 delete on cloud',
    ...folderSet,
    steps: [
      { on: 'onprem', rm: 'src/P/a.txt' },
      { sync: [] },
      { expect: { cloud: without(P_CLOUD, 'dst/P/a.txt') } },
    ],
  },
  {
    name: 'on-prem delete with delete-on-cloud off leaves the cloud copy detached, never pulled back',
    rule: '§3 delete on cloud off',
    ...folderSet,
    create: ['src/P', '--target', 'dst', '--no-delete-on-cloud'],
    steps: [
      { on: 'onprem', rm: 'src/P/a.txt' },
      { sync: [] },
      { on: 'cloud', write: 'dst/P/a.txt', content: 'edited in the cloud' },
      { sync: [] },
      {
        expect: {
          onprem: without(P, 'src/P/a.txt'),
          cloud: { ...P_CLOUD, 'dst/P/a.txt': 'edited in the cloud' },
        },
      },
    ],
  },
  {
    name: 'cloud delete with delete-onprem off keeps on-prem and fails DELETED_ON_CLOUD until request-sync',
    rule: '§3 delete on-prem off; request-sync re-creates',
    ...folderSet,
    steps: [
      { on: 'cloud', rm: 'dst/P/a.txt' },
      { sync: [], exit: 3 },
      {
        expect: { onprem: P, members: { 'src/P/a.txt': 'FAILED DELETED_ON_CLOUD', 'src/P/b.txt': 'SYNCED' } },
      },
      { sync: [], exit: 3 },
      { run: ['request-sync', '$ID', 'src/P/a.txt'] },
      { sync: [] },
      { expect: { cloud: P_CLOUD, members: { 'src/P/a.txt': 'SYNCED' } } },
    ],
  },
  {
    name: 'cloud delete with delete-onprem on deletes the on-prem node',
    rule: '§3 delete on-prem on',
    ...folderSet,
    create: ['src/P', '--target', 'dst', '--delete-onprem'],
    steps: [
      { on: 'cloud', rm: 'dst/P/a.txt' },
      { sync: [] },
      { expect: { onprem: without(P, 'src/P/a.txt') } },
    ],
  },
  {
    name: 'request-sync re-creates a vanished cloud copy in the original target folder',
    rule: '§3 request-sync, original target',
    onprem: { src: D, 'src/a.txt': 'A', 'src/b.txt': 'B', 'src/c.txt': 'C' },
    cloud: { dst: D, elsewhere: D },
    create: ['src/a.txt', 'src/b.txt', 'src/c.txt', '--target', 'dst'],
    steps: [
      { on: 'cloud', mv: ['dst/a.txt', 'elsewhere/a.txt'] },
      { sync: [] },
      {
        expect: {
          cloud: { dst: D, elsewhere: D, 'elsewhere/a.txt': 'A', 'dst/b.txt': 'B', 'dst/c.txt': 'C' },
        },
      },
      { on: 'cloud', rm: 'elsewhere/a.txt' },
      { on: 'onprem', write: 'src/a.txt', content: 'A2' },
      { sync: [], exit: 3 },
      { run: ['request-sync', '$ID'] },
      { sync: [] },
      { expect: { cloud: { dst: D, elsewhere: D, 'dst/a.txt': 'A2', 'dst/b.txt': 'B', 'dst/c.txt': 'C' } } },
    ],
  },
  {
    name: 'unsync a set: cloud copies stay, on-prem untouched, set forgotten',
    rule: '§3 unsync',
    ...folderSet,
    steps: [{ run: ['unsync', '$ID'] }, { expect: { onprem: P, cloud: P_CLOUD, sets: 0 } }],
  },
  {
    name: 'unsync --remove-from-cloud deletes the cloud copies only',
    rule: '§3 unsync --remove-from-cloud',
    ...folderSet,
    steps: [
      { run: ['unsync', '$ID', '--remove-from-cloud'] },
      { expect: { onprem: P, cloud: { dst: D }, sets: 0 } },
    ],
  },
  {
    name: 'unsync one direct member of a documents set; an indirect member is refused',
    rule: '§3 unsync direct member; indirect refused',
    onprem: { src: D, 'src/a.txt': 'A', 'src/b.txt': 'B' },
    cloud: { dst: D },
    create: ['src/a.txt', 'src/b.txt', '--target', 'dst'],
    steps: [
      { run: ['unsync', '$ID', 'src/a.txt'] },
      { on: 'onprem', write: 'src/a.txt', content: 'A2' },
      { sync: [] },
      { expect: { cloud: { dst: D, 'dst/a.txt': 'A', 'dst/b.txt': 'B' }, sets: 1 } },
    ],
  },
  {
    name: 'an indirect member cannot be unsynced alone',
    rule: '§3 indirect members cannot be unsynced alone (exit 2)',
    ...folderSet,
    steps: [{ run: ['unsync', '$ID', 'src/P/a.txt'], exit: 2 }, { expect: { sets: 1, cloud: P_CLOUD } }],
  },
  {
    name: 'lock-onprem makes synced on-prem files read-only; unsync releases the lock',
    rule: '§3 lock on-premise copy',
    ...folderSet,
    create: ['src/P', '--target', 'dst', '--lock-onprem'],
    steps: [
      { expect: { writable: { 'src/P/a.txt': false, 'src/P/sub/d.txt': false } } },
      { on: 'cloud', write: 'dst/P/new.txt', content: 'N' },
      { sync: [] },
      { expect: { writable: { 'src/P/new.txt': false } } },
      { run: ['unsync', '$ID'] },
      { expect: { writable: { 'src/P/a.txt': true, 'src/P/new.txt': true } } },
    ],
  },
  {
    name: 'a name already taken in the target fails TARGET_FOLDER_NAME_CLASH without touching the other file',
    rule: '§3 name clash',
    onprem: { src: D, 'src/a.txt': 'mine', 'src/b.txt': 'B' },
    cloud: { dst: D, 'dst/a.txt': 'someone else' },
    create: ['src/a.txt', 'src/b.txt', '--target', 'dst'],
    createExit: 3,
    steps: [
      { expect: { cloud: { dst: D, 'dst/a.txt': 'someone else', 'dst/b.txt': 'B' } } },
      { expect: { members: { 'src/a.txt': 'FAILED TARGET_FOLDER_NAME_CLASH', 'src/b.txt': 'SYNCED' } } },
      { run: ['list', '--errors'], check: (out: CliResult) => assert.equal(out.json<unknown[]>().length, 1) },
    ],
  },
  {
    name: 'a rename to a name taken on the other side fails the member',
    rule: '§3 rename clash',
    ...folderSet,
    steps: [
      { on: 'cloud', write: 'dst/P/z.txt', content: 'cloud only' },
      { on: 'onprem', write: 'src/P/z.txt', content: 'onprem only' },
      { sync: [], exit: 3 },
      {
        expect: {
          cloud: { ...P_CLOUD, 'dst/P/z.txt': 'cloud only' },
          onprem: { ...P, 'src/P/z.txt': 'onprem only' },
        },
      },
    ],
  },
  {
    name: 'default and user excludes are never synced',
    rule: '§4 excludes',
    onprem: {
      ...P,
      'src/P/~$a.docx': 'lock',
      'src/P/x.tmp': 't',
      'src/P/.DS_Store': 'm',
      'src/P/build.log': 'l',
    },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst', '--exclude', '*.log'],
    steps: [{ expect: { cloud: P_CLOUD } }],
  },
  {
    name: 'symlinks are skipped with a warning',
    rule: '§4 symlinks skipped',
    ...folderSet,
    skipOn: ['onprem:alfresco'],
    steps: [
      { on: 'onprem', symlink: ['src/P/link.txt', '/etc/hostname'] },
      {
        sync: [],
        check: (j: SyncJson) =>
          assert.ok(
            j.sets[0]!.warnings?.some((w) => w.includes('link.txt')),
            JSON.stringify(j),
          ),
      },
      { expect: { cloud: P_CLOUD } },
    ],
  },
  {
    name: 'an emptied on-prem folder aborts with exit 5 and deletes nothing',
    rule: '§4 listing suddenly empty',
    ...folderSet,
    steps: [
      { on: 'onprem', rm: 'src/P/a.txt' },
      { on: 'onprem', rm: 'src/P/b.txt' },
      { on: 'onprem', rm: 'src/P/c.txt' },
      { on: 'onprem', rm: 'src/P/sub' },
      { sync: [], exit: 5 },
      { expect: { cloud: P_CLOUD } },
    ],
  },
  {
    name: 'a vanished synced folder aborts with exit 5 and deletes nothing',
    rule: '§4 vanished root',
    ...folderSet,
    steps: [{ on: 'onprem', rm: 'src/P' }, { sync: [], exit: 5 }, { expect: { cloud: P_CLOUD } }],
  },
  {
    name: 'a pass deleting more than --max-delete aborts unless --force',
    rule: '§4 max-delete',
    ...folderSet,
    steps: [
      { on: 'onprem', rm: 'src/P/a.txt' },
      { on: 'onprem', rm: 'src/P/b.txt' },
      { on: 'onprem', rm: 'src/P/c.txt' },
      { on: 'onprem', rm: 'src/P/sub/d.txt' },
      { sync: [], exit: 5 },
      { expect: { cloud: P_CLOUD } },
      { sync: ['--max-delete', '99'], exit: 5 }, // 4 of 4 documents: more than 99%
      { sync: ['--max-delete', '100'] },
      { expect: { cloud: { dst: D, 'dst/P': D, 'dst/P/sub': D } } },
    ],
  },
  {
    name: '--dry-run prints the plan and changes nothing',
    rule: '§4 dry-run',
    ...folderSet,
    steps: [
      { on: 'onprem', write: 'src/P/a.txt', content: 'A2' },
      { on: 'cloud', rm: 'dst/P/b.txt' },
      {
        sync: ['--dry-run'],
        exit: 3,
        check: (j: SyncJson) => assert.deepEqual(types(j), ['fail', 'update']),
      },
      {
        expect: {
          cloud: without(P_CLOUD, 'dst/P/b.txt'),
          members: { 'src/P/a.txt': 'SYNCED', 'src/P/b.txt': 'SYNCED' },
        },
      },
    ],
  },
  {
    name: 'a change beats a delete: a file edited in the cloud is restored after an on-prem folder delete',
    rule: '§4 never lose data',
    ...folderSet,
    steps: [
      { on: 'onprem', rm: 'src/P/sub' },
      { on: 'cloud', write: 'dst/P/sub/d.txt', content: 'D edited' },
      { sync: [] },
      {
        expect: {
          onprem: { ...P, 'src/P/sub/d.txt': 'D edited' },
          cloud: { ...P_CLOUD, 'dst/P/sub/d.txt': 'D edited' },
        },
      },
    ],
  },
  {
    name: 'without subfolders only the folder’s own files are synced',
    rule: '§3 include subfolders off',
    ...folderSet,
    create: ['src/P', '--target', 'dst', '--no-subfolders'],
    steps: [
      {
        expect: { cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/b.txt': 'B', 'dst/P/c.txt': 'C' } },
      },
    ],
  },
  {
    name: 'a file saved by replacement (write temp, rename over) is an edit, not delete + create',
    rule: '§1 identity; editors that replace files',
    ...folderSet,
    steps: [
      { on: 'onprem', write: 'src/P/a.txt.new', content: 'A3' },
      { on: 'onprem', mv: ['src/P/a.txt.new', 'src/P/a.txt'] },
      { sync: [], check: (j: SyncJson) => assert.deepEqual(types(j), ['update']) },
      { expect: { cloud: { ...P_CLOUD, 'dst/P/a.txt': 'A3' } } },
    ],
  },
  {
    name: 'a node already in another set is refused',
    rule: '§2 TARGET_NODE_OTHER_SYNC_SET',
    ...folderSet,
    steps: [
      { run: ['create', 'src/P/a.txt', '--target', 'dst'], exit: 2 },
      { run: ['create', 'src', '--target', 'dst'], exit: 2 },
      { expect: { sets: 1 } },
    ],
  },
  {
    name: 'a delete planned after the walk compared as recorded finds its node (model seed 19)',
    rule: '§3 delete on-prem, folder deleted in the cloud: one pass',
    ...folderSet,
    steps: [
      { on: 'cloud', rm: 'dst/P/sub' },
      { on: 'onprem', rm: 'src/P/a.txt' },
      { sync: [], exit: 3, check: (j: SyncJson) => assert.deepEqual(types(j), ['delete', 'fail', 'fail']) },
      { expect: { cloud: without(P_CLOUD, 'dst/P/a.txt', 'dst/P/sub', 'dst/P/sub/d.txt') } },
    ],
  },
];

scenarios.push(...neverLose);

function without<T extends Record<string, unknown>>(tree: T, ...keys: string[]): T {
  const out = { ...tree };
  for (const k of keys) delete out[k];
  return out;
}
