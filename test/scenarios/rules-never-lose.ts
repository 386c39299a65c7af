import assert from 'node:assert/strict';
import type { CliResult } from '../support/cli.js';
import type { Scenario, StepContext, SyncJson } from './harness.js';

// Issue 9 ("Never lose a byte"): one minimal case per class of loss the model tester (test/model) found or
// the issue named. Each runs on every connector pairing like the rules in rules.ts.

const D = null;
const P = {
  src: D,
  'src/P': D,
  'src/P/a.txt': 'A',
  'src/P/b.txt': 'B',
  'src/P/sub': D,
  'src/P/sub/d.txt': 'D',
};
const folderSet = { onprem: P, cloud: { dst: D }, create: ['src/P', '--target', 'dst'] };
/** Two folder sets, src/P and src/Q, both into dst (the second created by the first step, `createQ`). */
const twoSets = {
  onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/Q': D, 'src/Q/q.txt': 'Q' },
  cloud: { dst: D },
  create: ['src/P', '--target', 'dst'],
};
const createQ = { run: ['create', 'src/Q', '--target', 'dst'] };
/** The same set with delete-on-cloud off: an on-prem delete leaves the cloud copy, detached. */
const keepCloudCopies = { ...folderSet, create: [...folderSet.create, '--no-delete-on-cloud'] };
const types = (j: SyncJson) => j.sets.flatMap((s) => s.actions.map((a) => a.type)).sort();
const members = (out: CliResult) =>
  out.json<{ members: { onpremPath: string | null; cloudPath: string | null; status: string }[] }>().members;

/**
 * A step that takes, beforehand, the names the next minute's keep-both losers would get (one per second,
 * `put` writing them), as a first loser of the same second would: a later conflict must see them taken.
 */
function takeLoserNames(put: (drivers: StepContext['drivers'], stamp: string, k: number) => Promise<void>) {
  return {
    run: ['status'],
    check: async (_out: CliResult, ctx: StepContext) => {
      const t0 = Date.now();
      for (let k = 0; k < 60; k++)
        await put(
          ctx.drivers,
          new Date(t0 + k * 1000).toISOString().slice(0, 19).replace('T', ' ').replace(/:/g, '-'),
          k,
        );
    },
  };
}

/** A pass over every set (`sync --json`) that must find nothing to do: one pass converged. */
const settled = (exit = 0, allow: string[] = []) => ({
  run: ['sync', '--json'],
  exit,
  check: (out: CliResult) => {
    const j = out.json<SyncJson>();
    const left = types(j).filter((t) => !allow.includes(t));
    assert.deepEqual(left, [], JSON.stringify(j.sets.map((s) => s.actions)));
  },
});

/** `inspect` of the first set shows a DETACHED member whose cloud copy is at `cloudPath`. */
const detachedAt = (cloudPath: string) => ({
  run: ['inspect', '$ID'],
  check: (out: CliResult) =>
    assert.ok(
      members(out).some((m) => m.status === 'DETACHED' && m.cloudPath?.endsWith(cloudPath)),
      JSON.stringify(members(out)),
    ),
});

/** `inspect <set>` shows a member at `onpremPath` with `status`. */
const memberOf = (set: string, onpremPath: string, status: string) => ({
  run: ['inspect', set],
  check: (out: CliResult) =>
    assert.ok(
      members(out).some((m) => m.onpremPath === onpremPath && m.status === status),
      JSON.stringify(members(out)),
    ),
});

/** `inspect` of the first set shows its FAILED members at these [on-prem, cloud] paths (each copy where it is). */
const failedAt = (...want: [string, string][]) => ({
  run: ['inspect', '$ID'],
  check: (out: CliResult) => {
    const failed = members(out).filter((m) => m.status === 'FAILED');
    assert.equal(failed.length, want.length, JSON.stringify(members(out)));
    for (const [on, cl] of want)
      assert.ok(
        failed.some((m) => m.onpremPath?.endsWith(on) && m.cloudPath?.endsWith(cl)),
        `${on} ↔ ${cl}: ${JSON.stringify(members(out))}`,
      );
  },
});

/** Both sides hold `dir/a (conflict onprem …).txt` with `loser`, and `winnerPath` (on-prem) with `winner`. */
const keptBoth = (dir: string, cloudDir: string, loser: string, winnerPath: string, winner: string) => ({
  run: ['status'],
  check: async (_out: CliResult, ctx: StepContext) => {
    const on = await ctx.drivers.onprem.tree();
    const cl = await ctx.drivers.cloud.tree();
    const name = (t: Record<string, unknown>, d: string) =>
      Object.keys(t).find(
        (p) => p.startsWith(`${d}/a (conflict onprem `) && !p.slice(d.length + 1).includes('/'),
      );
    const onLoser = name(on, dir);
    const clLoser = name(cl, cloudDir);
    assert.ok(onLoser && on[onLoser] === loser, JSON.stringify(on));
    assert.ok(clLoser && cl[clLoser] === loser, JSON.stringify(cl));
    assert.equal(on[winnerPath], winner, JSON.stringify(on));
  },
});

export const neverLose: Scenario[] = [
  {
    name: 'class 1: a folder delete keeps a file the deleting side never saw (new on the other side)',
    rule: '§3 folder deletes: a change beats a delete, at every level',
    ...folderSet,
    steps: [
      { on: 'cloud', write: 'dst/P/sub/new.txt', content: 'NEW' },
      { on: 'onprem', rm: 'src/P/sub' },
      { sync: [] },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/b.txt': 'B',
            'src/P/sub': D,
            'src/P/sub/new.txt': 'NEW',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/new.txt': 'NEW',
          },
        },
      },
    ],
  },
  {
    name: 'class 1: a folder delete deletes only what the deleting side knew; an excluded file keeps its folder',
    rule: '§3 folder deletes: excluded content is never deleted, a folder goes only when empty',
    onprem: P,
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst', '--exclude', '*.bak'],
    skipOn: ['cloud:alfresco'], // an Alfresco folder's content is never excluded by name on the server side
    steps: [
      { on: 'cloud', write: 'dst/P/sub/notes.bak', content: 'KEEP' },
      { on: 'onprem', rm: 'src/P/sub' },
      { sync: [] },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/notes.bak': 'KEEP',
          },
        },
      },
    ],
  },
  {
    name: 'class 1: a file moved into a folder the other side deletes survives',
    rule: '§3 folder deletes: something moved in keeps the folder alive',
    ...folderSet,
    steps: [
      { on: 'cloud', mv: ['dst/P/a.txt', 'dst/P/sub/a.txt'] },
      { on: 'onprem', rm: 'src/P/sub' },
      { sync: [] },
      {
        expect: {
          onprem: { src: D, 'src/P': D, 'src/P/b.txt': 'B', 'src/P/sub': D, 'src/P/sub/a.txt': 'A' },
        },
      },
      { sync: [], check: (j: SyncJson) => assert.deepEqual(types(j), []) },
    ],
  },
  {
    name: 'class 3: a move updates the member’s place; deleting the old folder on both sides keeps the file',
    rule: '§4 state records only what happened: every applied move updates state',
    ...folderSet,
    steps: [
      { on: 'onprem', mv: ['src/P/sub/d.txt', 'src/P/d.txt'] },
      { sync: [] },
      {
        run: ['inspect', '$ID'],
        check: (out: CliResult) =>
          assert.ok(members(out).some((m) => m.onpremPath === 'src/P/d.txt' && m.status === 'SYNCED')),
      },
      { on: 'onprem', rm: 'src/P/sub' },
      { on: 'cloud', rm: 'dst/P/sub' },
      { sync: [] },
      { on: 'onprem', write: 'src/P/d.txt', content: 'D2' },
      { sync: [] },
      {
        expect: {
          cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/b.txt': 'B', 'dst/P/d.txt': 'D2' },
        },
      },
    ],
  },
  {
    name: 'class 4: overlapping sets are refused at create, in every order',
    rule: '§3 sets never overlap (TARGET_NODE_OTHER_SYNC_SET)',
    onprem: { ...P, 'src/R': D, 'src/R/r.txt': 'R' },
    cloud: { dst: D },
    create: ['src/P/a.txt', '--target', 'dst'],
    steps: [
      // A folder holding another set's document.
      {
        run: ['create', 'src/P', '--target', 'dst'],
        exit: 2,
        check: (o: CliResult) => assert.match(o.stdout, /TARGET_NODE_OTHER_SYNC_SET/),
      },
      // Allowed: a folder beside it; then a document inside that folder is refused.
      { run: ['create', 'src/P/sub', '--target', 'dst'] },
      {
        run: ['create', 'src/P/sub/d.txt', '--target', 'dst'],
        exit: 2,
        check: (o: CliResult) => assert.match(o.stdout, /TARGET_NODE_OTHER_SYNC_SET/),
      },
      // A target inside another set's cloud folder.
      {
        run: ['create', 'src/R', '--target', 'dst/sub'],
        exit: 2,
        check: (o: CliResult) => assert.match(o.stdout, /TARGET_NODE_OTHER_SYNC_SET/),
      },
      { expect: { sets: 2 } },
    ],
  },
  {
    name: 'class 4: a set’s folder moved into another set’s folder stays its own set’s (no twin)',
    rule: '§3 sets never overlap, whatever the order of moves',
    onprem: { ...P, 'src/Q': D, 'src/Q/q.txt': 'Q' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    skipOn: ['onprem:alfresco'],
    steps: [
      createQ,
      { on: 'onprem', mv: ['src/Q', 'src/P/Q'] },
      { run: ['sync'] },
      { run: ['sync'] },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
            'dst/Q': D,
            'dst/Q/q.txt': 'Q',
          },
        },
      },
    ],
  },
  {
    name: 'class 5: moving the only file of one synced folder into another is a move, not a guard stop',
    rule: '§3 move between two synced folders; §4 a node that moved to another set is not missing',
    ...twoSets,
    steps: [
      createQ,
      { on: 'onprem', mv: ['src/P/a.txt', 'src/Q/a.txt'] },
      { run: ['sync'] },
      { expect: { cloud: { dst: D, 'dst/P': D, 'dst/Q': D, 'dst/Q/q.txt': 'Q', 'dst/Q/a.txt': 'A' } } },
    ],
  },
  {
    name: 'class 5: a cross-set move onto a taken name stays FAILED in its old set, and does not flap',
    rule: '§3 move between sets; a move that cannot be applied fails visibly (TARGET_FOLDER_NAME_CLASH)',
    ...twoSets,
    skipOn: ['onprem:alfresco'],
    steps: [
      createQ,
      { on: 'cloud', write: 'dst/Q/a.txt', content: 'THEIRS' },
      { on: 'onprem', mv: ['src/P/a.txt', 'src/Q/a.txt'] },
      { run: ['sync'], exit: 3 },
      { run: ['sync'], exit: 3 },
      // Held in P, shown where the user put it (model seed 616).
      { expect: { members: { 'src/Q/a.txt': 'FAILED TARGET_FOLDER_NAME_CLASH' } } },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/Q': D,
            'dst/Q/q.txt': 'Q',
            'dst/Q/a.txt': 'THEIRS',
          },
        },
      },
    ],
  },
  {
    name: 'class 6: the delete guard counts documents, not folders',
    rule: '§4 --max-delete counts files; a one-document set can delete its document',
    onprem: {
      src: D,
      'src/P': D,
      ...Object.fromEntries(
        Array.from({ length: 6 }, (_, i) => [
          [`src/P/f${i}`, D],
          [`src/P/f${i}/x.txt`, `X${i}`],
        ]).flat(),
      ),
    },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      ...Array.from({ length: 6 }, (_, i) => ({ on: 'onprem' as const, rm: `src/P/f${i}/x.txt` })),
      {
        sync: [],
        exit: 5,
        check: (j: SyncJson & { sets: { aborted?: { code: string } }[] }) =>
          assert.equal(j.sets[0]!.aborted?.code, 'MAX_DELETE'),
      },
      { sync: ['--force'] },
    ],
  },
  {
    name: 'class 6: a one-document set deletes its document without --force',
    rule: '§4 the delete guard has a small absolute floor',
    onprem: { src: D, 'src/a.txt': 'A' },
    cloud: { dst: D },
    create: ['src/a.txt', '--target', 'dst'],
    steps: [{ on: 'onprem', rm: 'src/a.txt' }, { sync: [] }, { expect: { cloud: { dst: D } } }],
  },
  {
    name: 'class 6: a guard stops its own set only; the others still run (exit 5 names the set)',
    rule: '§4 one set’s guard stops that set only',
    onprem: { ...P, 'src/Q': D, 'src/Q/q.txt': 'Q' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      createQ,
      { on: 'onprem', rm: 'src/P/a.txt' },
      { on: 'onprem', rm: 'src/P/b.txt' },
      { on: 'onprem', rm: 'src/P/sub/d.txt' },
      { on: 'onprem', write: 'src/Q/q.txt', content: 'Q2' },
      {
        run: ['sync'],
        exit: 5,
        check: (out: CliResult) => {
          const j = out.json<{ sets: { id: string; aborted?: { code: string } }[]; exitCode: number }>();
          assert.equal(j.exitCode, 5);
          assert.equal(j.sets.filter((s) => s.aborted).length, 1);
        },
      },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
            'dst/Q': D,
            'dst/Q/q.txt': 'Q2',
          },
        },
      },
    ],
  },
  {
    name: 'class 9: a save by rename of a locked file is an edit, and the lock is put back',
    rule: '§3 identity survives editors that save by rename (locks too)',
    ...folderSet,
    create: ['src/P', '--target', 'dst', '--lock-onprem'],
    skipOn: ['onprem:alfresco'],
    steps: [
      { on: 'onprem', save: 'src/P/a.txt', content: 'A2' },
      { sync: [] },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A2',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
          },
          writable: { 'src/P/a.txt': false },
        },
      },
    ],
  },
  {
    name: 'class 9: a document of a documents set saved by rename is an edit, not a delete',
    rule: '§3 identity survives editors that save by rename (documents sets)',
    onprem: { src: D, 'src/a.txt': 'A' },
    cloud: { dst: D },
    create: ['src/a.txt', '--target', 'dst'],
    skipOn: ['onprem:alfresco'],
    steps: [
      { on: 'onprem', save: 'src/a.txt', content: 'A2' },
      { sync: [] },
      { expect: { cloud: { dst: D, 'dst/a.txt': 'A2' }, members: { 'src/a.txt': 'SYNCED' } } },
    ],
  },
  {
    name: 'class 10: a keep-both loser reaches the other side in the same pass',
    rule: '§3 keep-both; one pass converges',
    ...folderSet,
    create: ['src/P', '--target', 'dst', '--conflict', 'keep-both'],
    steps: [
      { on: 'onprem', write: 'src/P/a.txt', content: 'mine' },
      { on: 'cloud', write: 'dst/P/a.txt', content: 'theirs' },
      { sync: [] },
      {
        run: ['inspect', '$ID'],
        check: (out: CliResult) => {
          const loser = members(out).find((m) => /conflict onprem/.test(m.onpremPath ?? ''));
          assert.ok(loser && loser.cloudPath && loser.status === 'SYNCED', JSON.stringify(members(out)));
        },
      },
      {
        sync: [],
        check: (j: SyncJson) => assert.deepEqual(types(j), [], JSON.stringify(j.sets[0]!.actions)),
      },
    ],
  },
  {
    name: 'model seed 92: a file new below a folder waiting for request-sync is a member (FAILED), then pushed',
    rule: '§3 delete on-prem off; a new node is always recorded; request-sync re-creates the subtree',
    ...folderSet,
    steps: [
      { on: 'cloud', rm: 'dst/P/sub' },
      { run: ['sync'], exit: 3 },
      { on: 'onprem', write: 'src/P/sub/n.txt', content: 'N' },
      { run: ['sync'], exit: 3 },
      {
        expect: {
          members: {
            'src/P/sub': 'FAILED DELETED_ON_CLOUD',
            'src/P/sub/n.txt': 'FAILED TARGET_FOLDER_NOT_FOUND',
          },
        },
      },
      { run: ['request-sync', '$ID', 'src/P/sub'] },
      { sync: [] },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
            'dst/P/sub/n.txt': 'N',
          },
          members: { 'src/P/sub/n.txt': 'SYNCED' },
        },
      },
    ],
  },
  {
    name: 'model seed 83: a detached copy renamed on the cloud is shown where it is, and never pulled back',
    rule: '§3 delete on cloud off: the cloud copy stays, detached, never pulled back; inspect shows where it is',
    ...keepCloudCopies,
    steps: [
      { on: 'onprem', rm: 'src/P/a.txt' },
      { sync: [] },
      { on: 'cloud', mv: ['dst/P/a.txt', 'dst/P/sub/Q.txt'] },
      { sync: [] },
      detachedAt('dst/P/sub/Q.txt'),
      { sync: [] },
      {
        expect: {
          onprem: { src: D, 'src/P': D, 'src/P/b.txt': 'B', 'src/P/sub': D, 'src/P/sub/d.txt': 'D' },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
            'dst/P/sub/Q.txt': 'A',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 76: a file moved into a new folder while its set was deleted on the other side is re-created there',
    rule: '§3 a change beats a delete; a node is created after the folder it was moved into',
    ...folderSet,
    create: [...folderSet.create, '--delete-onprem'],
    steps: [
      { on: 'cloud', rm: 'dst/P' },
      { on: 'onprem', mkdir: 'src/P/sub/new' },
      { on: 'onprem', mv: ['src/P/a.txt', 'src/P/sub/new/a.txt'] },
      { sync: ['--force'] },
      {
        expect: {
          onprem: { src: D, 'src/P': D, 'src/P/sub': D, 'src/P/sub/new': D, 'src/P/sub/new/a.txt': 'A' },
          cloud: { dst: D, 'dst/P': D, 'dst/P/sub': D, 'dst/P/sub/new': D, 'dst/P/sub/new/a.txt': 'A' },
          members: { 'src/P/sub/new/a.txt': 'SYNCED' },
        },
      },
    ],
  },
  {
    name: 'model seed 83: a file that left its set (detached) and came back, and a new file in its old place, are synced',
    rule: '§3 delete on cloud off: the detached copy is the cloud one; on-prem nodes back in the set are new',
    ...keepCloudCopies,
    steps: [
      { on: 'onprem', mv: ['src/P/a.txt', 'src/a.txt'] },
      { sync: [] },
      { on: 'cloud', rm: 'dst/P/a.txt' },
      { on: 'onprem', mv: ['src/a.txt', 'src/P/sub/a2.txt'] },
      { on: 'onprem', write: 'src/P/a.txt', content: 'NEW' },
      { sync: [] },
      {
        sync: [],
        check: (j: SyncJson) => assert.deepEqual(types(j), [], JSON.stringify(j.sets[0]!.actions)),
      },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'NEW',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
            'dst/P/sub/a2.txt': 'A',
          },
          members: { 'src/P/a.txt': 'SYNCED', 'src/P/sub/a2.txt': 'SYNCED' },
        },
      },
    ],
  },
  {
    name: 'model seed 91: a folder moved into another set takes what is below it along in the same pass',
    rule: '§3 move between sets; one pass converges',
    ...twoSets,
    steps: [
      createQ,
      { on: 'cloud', mkdir: 'dst/P/s2' },
      { on: 'cloud', write: 'dst/P/s2/n.txt', content: 'N' },
      { sync: [] },
      { on: 'cloud', mv: ['dst/P/s2', 'dst/Q/s2'] },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/Q': D,
            'src/Q/q.txt': 'Q',
            'src/Q/s2': D,
            'src/Q/s2/n.txt': 'N',
          },
        },
      },
      memberOf('Q', 'src/Q/s2/n.txt', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 70: a file moved into another set’s folder nested inside its own set’s folder changes set',
    rule: '§3 sets never overlap; move between sets',
    ...twoSets,
    steps: [
      createQ,
      { on: 'onprem', mv: ['src/P', 'src/Q/P2'] },
      { run: ['sync'] },
      { on: 'onprem', mv: ['src/Q/q.txt', 'src/Q/P2/q.txt'] },
      { run: ['sync'] },
      settled(),
      { expect: { cloud: { dst: D, 'dst/P2': D, 'dst/P2/a.txt': 'A', 'dst/P2/q.txt': 'Q', 'dst/Q': D } } },
      memberOf('P', 'src/Q/P2/q.txt', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 70: a move into a set whose folder has no cloud copy stays FAILED in its old set, and does not flap',
    rule: '§3 move between sets; a move that cannot be applied fails visibly (TARGET_FOLDER_NOT_FOUND)',
    ...twoSets,
    steps: [
      createQ,
      { on: 'cloud', rm: 'dst/Q' },
      { run: ['sync', '--force'], exit: 3 },
      { on: 'onprem', mkdir: 'src/Q/s2' },
      { on: 'onprem', mv: ['src/P/a.txt', 'src/Q/s2/a.txt'] },
      { run: ['sync'], exit: 3 },
      settled(3, ['fail']),
      // Held in P, shown where the user put it (model seed 616).
      { expect: { members: { 'src/Q/s2/a.txt': 'FAILED TARGET_FOLDER_NOT_FOUND' } } },
      { expect: { cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A' } } },
    ],
  },
  {
    name: 'model seed 163: a file detached in the pass its cloud copy moved is recorded where that copy is',
    rule: '§3 delete on cloud off: the cloud copy stays, detached; inspect shows where it is',
    ...keepCloudCopies,
    steps: [
      { on: 'cloud', mv: ['dst/P/sub/d.txt', 'dst/P/d.txt'] },
      { on: 'onprem', mv: ['src/P/sub/d.txt', 'src/d.txt'] },
      { sync: [] },
      detachedAt('dst/P/d.txt'),
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/d.txt': 'D',
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/b.txt': 'B',
            'src/P/sub': D,
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/d.txt': 'D',
            'dst/P/sub': D,
          },
        },
      },
    ],
  },
  {
    name: 'model seed 163: a file moved into another set while its cloud copy was deleted arrives as new, in one pass',
    rule: '§3 a change beats a delete; move between sets; one pass converges',
    ...twoSets,
    steps: [
      createQ,
      { on: 'cloud', rm: 'dst/Q/q.txt' },
      { on: 'onprem', mv: ['src/Q/q.txt', 'src/P/q.txt'] },
      { run: ['sync'] },
      settled(),
      { expect: { cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/q.txt': 'Q', 'dst/Q': D } } },
      memberOf('P', 'src/P/q.txt', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 121: a file moved into another set on-prem while the cloud moved it out of every set is moved there, not copied',
    rule: '§3 move between sets; both sides moved it: the move that keeps it in a set wins (no twin)',
    ...twoSets,
    steps: [
      createQ,
      { on: 'cloud', mv: ['dst/Q/q.txt', 'dst/q.txt'] },
      { on: 'onprem', mv: ['src/Q/q.txt', 'src/P/q.txt'] },
      { run: ['sync'] },
      settled(),
      { expect: { cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/q.txt': 'Q', 'dst/Q': D } } },
      { expect: { onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/q.txt': 'Q', 'src/Q': D } } },
      memberOf('P', 'src/P/q.txt', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 121: a file moved into another set on the cloud while on-prem moved it out of every set is moved there, not copied',
    rule: '§3 move between sets; both sides moved it: the move that keeps it in a set wins (no twin)',
    ...twoSets,
    steps: [
      createQ,
      { on: 'onprem', mv: ['src/Q/q.txt', 'src/q.txt'] },
      { on: 'cloud', mv: ['dst/Q/q.txt', 'dst/P/q.txt'] },
      { run: ['sync'] },
      settled(),
      { expect: { onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/q.txt': 'Q', 'src/Q': D } } },
      { expect: { cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/q.txt': 'Q', 'dst/Q': D } } },
    ],
  },
  {
    name: 'model seed 121: the copy moved out of every set was edited too: moved in, and the conflict policy decides',
    rule: '§3 both sides moved it (no twin); conflict: cloud wins, the loser is kept',
    ...twoSets,
    steps: [
      createQ,
      { on: 'cloud', write: 'dst/Q/q.txt', content: 'Q cloud' },
      { on: 'cloud', mv: ['dst/Q/q.txt', 'dst/q.txt'] },
      { on: 'onprem', write: 'src/Q/q.txt', content: 'Q onprem' },
      { on: 'onprem', mv: ['src/Q/q.txt', 'src/P/q.txt'] },
      { run: ['sync'] },
      settled(),
      {
        expect: { onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/q.txt': 'Q cloud', 'src/Q': D } },
      },
      { expect: { cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/q.txt': 'Q cloud', 'dst/Q': D } } },
    ],
  },
  {
    name: 'model seed 121: a file moved into two different sets, one on each side, follows the on-prem move',
    rule: '§3 move between sets; both sides moved it into sets: the on-prem move wins (no twin)',
    onprem: { ...twoSets.onprem, 'src/R': D, 'src/R/r.txt': 'R' },
    cloud: twoSets.cloud,
    create: twoSets.create,
    steps: [
      createQ,
      { run: ['create', 'src/R', '--target', 'dst'] },
      { on: 'onprem', mv: ['src/R/r.txt', 'src/P/r.txt'] },
      { on: 'cloud', mv: ['dst/R/r.txt', 'dst/Q/r.txt'] },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/r.txt': 'R',
            'src/Q': D,
            'src/Q/q.txt': 'Q',
            'src/R': D,
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/r.txt': 'R',
            'dst/Q': D,
            'dst/Q/q.txt': 'Q',
            'dst/R': D,
          },
        },
      },
      memberOf('P', 'src/P/r.txt', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 121: a file moved into one other set on both sides, under different names, is one member',
    rule: '§3 move between sets; two moves of one node in one set: the cloud move wins (cloud-wins), no twin',
    ...twoSets,
    steps: [
      createQ,
      { on: 'onprem', mv: ['src/Q/q.txt', 'src/P/q.txt'] },
      { on: 'cloud', mv: ['dst/Q/q.txt', 'dst/P/x.txt'] },
      { run: ['sync'] },
      settled(),
      { expect: { onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/x.txt': 'Q', 'src/Q': D } } },
      { expect: { cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/x.txt': 'Q', 'dst/Q': D } } },
    ],
  },
  {
    name: 'model seed 286: a file moved into a set a guard stopped stays in its old set, not copied again',
    rule: '§4 a guard stops its set only, changing nothing of it; §3 move between sets (no twin)',
    ...twoSets,
    steps: [
      createQ,
      { on: 'onprem', rm: 'src/Q' },
      { on: 'cloud', mv: ['dst/P/a.txt', 'dst/Q/a.txt'] },
      { run: ['sync'], exit: 5 },
      { run: ['sync'], exit: 5 },
      { expect: { onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A' } } },
      { expect: { cloud: { dst: D, 'dst/P': D, 'dst/Q': D, 'dst/Q/a.txt': 'A', 'dst/Q/q.txt': 'Q' } } },
      memberOf('P', 'src/P/a.txt', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 212: a pass killed while members change sets (both ways) leaves no twin on the rerun',
    rule: '§4 a pass killed at any instant converges with nothing duplicated; §3 move between sets',
    ...twoSets,
    steps: [
      createQ,
      { on: 'cloud', mv: ['dst/P/a.txt', 'dst/Q/a.txt'] },
      { on: 'onprem', mv: ['src/Q/q.txt', 'src/P/q.txt'] },
      { kill: ['sync'], journalLines: 3 },
      { run: ['sync'] },
      settled(),
      { expect: { onprem: { src: D, 'src/P': D, 'src/P/q.txt': 'Q', 'src/Q': D, 'src/Q/a.txt': 'A' } } },
      { expect: { cloud: { dst: D, 'dst/P': D, 'dst/P/q.txt': 'Q', 'dst/Q': D, 'dst/Q/a.txt': 'A' } } },
    ],
  },
  {
    name: 'model seed 395: a file moved out of its set on-prem while the cloud moved it within the set is moved back, not copied',
    rule: '§3 both sides moved it: the move that keeps it in a set wins (no twin); a change beats a delete',
    ...folderSet,
    steps: [
      { on: 'onprem', mv: ['src/P/sub/d.txt', 'src/d.txt'] },
      { on: 'cloud', mv: ['dst/P/sub/d.txt', 'dst/P/d.txt'] },
      { sync: [] },
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/b.txt': 'B',
            'src/P/d.txt': 'D',
            'src/P/sub': D,
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/d.txt': 'D',
            'dst/P/sub': D,
          },
        },
      },
    ],
  },
  {
    name: 'model seed 399: a file moved out of its set on the cloud (delete-onprem) while renamed on-prem is moved back, not copied',
    rule: '§3 both sides moved it: the move that keeps it in a set wins (no twin); a change beats a delete',
    ...folderSet,
    create: [...folderSet.create, '--delete-onprem'],
    steps: [
      { on: 'cloud', mv: ['dst/P/b.txt', 'dst/b.txt'] },
      { on: 'onprem', write: 'src/P/b.txt', content: 'B2' },
      { on: 'onprem', mv: ['src/P/b.txt', 'src/P/sub/c.txt'] },
      { sync: [] },
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/sub': D,
            'src/P/sub/c.txt': 'B2',
            'src/P/sub/d.txt': 'D',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/sub': D,
            'dst/P/sub/c.txt': 'B2',
            'dst/P/sub/d.txt': 'D',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 310: a locked documents-set loser (keep-both) is left writable, and stays so after unsync',
    rule: '§3 keep-both; --lock-onprem; unsync leaves on-prem bytes and write bits intact',
    onprem: { src: D, 'src/a.txt': 'A', 'src/b.txt': 'B' },
    cloud: { dst: D },
    create: ['src/a.txt', 'src/b.txt', '--target', 'dst', '--conflict', 'keep-both', '--lock-onprem'],
    skipOn: ['onprem:alfresco'],
    steps: [
      { on: 'onprem', write: 'src/a.txt', content: 'mine' },
      { on: 'cloud', write: 'dst/a.txt', content: 'theirs' },
      { sync: [] },
      { run: ['unsync', '$ID'] },
      {
        run: ['status'],
        check: async (_out: CliResult, ctx: StepContext) => {
          const tree = await ctx.drivers.onprem.tree();
          const loser = Object.keys(tree).find((p) => /^src\/a \(conflict onprem .*\)\.txt$/.test(p));
          assert.ok(loser && tree[loser] === 'mine', JSON.stringify(tree));
          assert.equal(await ctx.drivers.onprem.writable!(loser), true, `${loser} is left read-only`);
          assert.equal(tree['src/a.txt'], 'theirs');
          assert.equal(await ctx.drivers.onprem.writable!('src/a.txt'), true);
        },
      },
    ],
  },
  {
    name: 'model seed 229: a file moved back into its set while renamed on the cloud onto a name new on both sides',
    rule: '§3 moves between sets; same new name on both sides; sides equal for SYNCED members',
    onprem: {
      src: D,
      'src/P': D,
      'src/P/sub': D,
      'src/P/sub/r': 'R',
      'src/Q': D,
      'src/Q/sub': D,
      'src/Q/c.txt': 'C',
    },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      createQ,
      { on: 'onprem', mv: ['src/P/sub/r', 'src/Q/sub/r'] },
      { run: ['sync'] },
      { on: 'onprem', mv: ['src/Q/sub/r', 'src/P/sub/r'] },
      { on: 'cloud', write: 'dst/P/sub/a.txt', content: 'theirs' },
      { on: 'cloud', mv: ['dst/Q/sub/r', 'dst/Q/sub/a.txt'] },
      { on: 'onprem', write: 'src/P/sub/a.txt', content: 'mine' },
      // The move into P wins the place: the cloud copy follows it (its rename within Q is undone), never the
      // reverse. The two new a.txt differ: each stays FAILED TARGET_FOLDER_NAME_CLASH (SPEC §3 rename).
      { run: ['sync'], exit: 3 },
      settled(3, ['fail']),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/sub': D,
            'src/P/sub/r': 'R',
            'src/P/sub/a.txt': 'mine',
            'src/Q': D,
            'src/Q/sub': D,
            'src/Q/c.txt': 'C',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/sub': D,
            'dst/P/sub/r': 'R',
            'dst/P/sub/a.txt': 'theirs',
            'dst/Q': D,
            'dst/Q/sub': D,
            'dst/Q/c.txt': 'C',
          },
        },
      },
      memberOf('P', 'src/P/sub/r', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 575: a document edited on the cloud whose on-prem folder was deleted fails, and the dry run says so',
    rule: '§3 a change beats a delete; --dry-run equals the real pass (exit code too)',
    onprem: { src: D, 'src/D': D, 'src/D/d1.txt': 'D1', 'src/D/d2.txt': 'D2' },
    cloud: { dst: D },
    create: ['src/D/d1.txt', 'src/D/d2.txt', '--target', 'dst'],
    steps: [
      { on: 'onprem', rm: 'src/D' },
      { on: 'cloud', write: 'dst/d2.txt', content: 'theirs' },
      {
        sync: ['--dry-run'],
        exit: 3,
        check: (j: SyncJson) => assert.deepEqual(types(j), ['delete', 'fail']),
      },
      { sync: [], exit: 3, check: (j: SyncJson) => assert.deepEqual(types(j), ['delete', 'fail']) },
      settled(3, ['fail']),
      {
        expect: {
          onprem: { src: D },
          cloud: { dst: D, 'dst/d2.txt': 'theirs' },
          members: { 'dst/d2.txt': 'FAILED TARGET_FOLDER_NOT_FOUND' },
        },
      },
    ],
  },
  {
    name: 'model seed 567: a locked file saved by rename while deleted on the cloud is re-created and locked in one pass',
    rule: '§3 a change beats a delete; --lock-onprem; one pass converges',
    ...folderSet,
    create: ['src/P', '--target', 'dst', '--delete-onprem', '--lock-onprem'],
    skipOn: ['onprem:alfresco'],
    steps: [
      { on: 'cloud', rm: 'dst/P/a.txt' },
      { on: 'onprem', save: 'src/P/a.txt', content: 'A2' },
      { sync: [] },
      { expect: { writable: { 'src/P/a.txt': false } } },
      settled(),
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A2',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 566: a document renamed on the cloud onto a name its on-prem folder holds fails in the plan',
    rule: '§3 rename: a name that exists in the destination folder fails TARGET_FOLDER_NAME_CLASH; --dry-run equals the pass',
    onprem: { src: D, 'src/D': D, 'src/D/d1.txt': 'D1', 'src/D/d2.txt': 'D2' },
    cloud: { dst: D },
    create: ['src/D/d1.txt', 'src/D/d2.txt', '--target', 'dst'],
    steps: [
      { on: 'onprem', write: 'src/D/a.txt', content: 'mine' },
      { on: 'cloud', mv: ['dst/d2.txt', 'dst/a.txt'] },
      { sync: ['--dry-run'], exit: 3, check: (j: SyncJson) => assert.deepEqual(types(j), ['fail']) },
      { sync: [], exit: 3, check: (j: SyncJson) => assert.deepEqual(types(j), ['fail']) },
      settled(3, ['fail']),
      {
        expect: {
          onprem: { src: D, 'src/D': D, 'src/D/d1.txt': 'D1', 'src/D/d2.txt': 'D2', 'src/D/a.txt': 'mine' },
          cloud: { dst: D, 'dst/d1.txt': 'D1', 'dst/a.txt': 'D2' },
        },
      },
    ],
  },
  {
    name: 'model seed 552: the cloud target deleted, --force: new on-prem work is kept FAILED and the set settles',
    rule: '§4 guards (--force); §3 a change beats a delete; --dry-run equals the pass; one pass converges',
    ...folderSet,
    create: ['src/P', '--target', 'dst', '--delete-onprem'],
    skipOn: ['cloud:alfresco'], // there the target is a site's document library, which cannot be deleted
    steps: [
      { on: 'cloud', rm: 'dst' },
      { on: 'onprem', write: 'src/P/sub/new.txt', content: 'NEW' },
      { sync: ['--force', '--dry-run'], exit: 3 },
      { sync: ['--force'], exit: 3 },
      settled(3, ['fail']),
      { expect: { onprem: { src: D, 'src/P': D, 'src/P/sub': D, 'src/P/sub/new.txt': 'NEW' } } },
      memberOf('$ID', 'src/P/sub/new.txt', 'FAILED'),
    ],
  },
  {
    name: 'model seed 606: a file moved into another set on the cloud and edited on both sides keeps both there',
    rule: '§3 moves between sets; keep-both; one pass converges',
    ...twoSets,
    create: [...twoSets.create, '--conflict', 'keep-both'],
    steps: [
      createQ,
      { on: 'onprem', write: 'src/Q/q.txt', content: 'mine' },
      { on: 'cloud', write: 'dst/Q/q.txt', content: 'theirs' },
      { on: 'cloud', mv: ['dst/Q/q.txt', 'dst/P/q.txt'] },
      { run: ['sync'] },
      settled(),
      {
        run: ['status'],
        check: async (_out: CliResult, ctx: StepContext) => {
          for (const [side, root] of [
            ['onprem', 'src'],
            ['cloud', 'dst'],
          ] as const) {
            const tree = await ctx.drivers[side].tree();
            const inP = Object.entries(tree).filter(([p]) => p.startsWith(`${root}/P/`));
            const loser = inP.find(([p]) => /q \(conflict onprem .*\)\.txt$/.test(p));
            assert.equal(tree[`${root}/P/q.txt`], 'theirs', `${side}: ${JSON.stringify(tree)}`);
            assert.equal(loser?.[1], 'mine', `${side}: ${JSON.stringify(tree)}`);
            assert.ok(
              !Object.keys(tree).some((p) => p.startsWith(`${root}/Q/`)),
              `${side}: ${JSON.stringify(tree)}`,
            );
          }
        },
      },
    ],
  },
  {
    name: 'model seed 641: a touched file moved on the cloud onto a name new on-prem stays FAILED, never re-created',
    rule: '§3 rename: a name that exists fails TARGET_FOLDER_NAME_CLASH; one pass converges (no copy from a stale record)',
    ...folderSet,
    create: ['src/P', '--target', 'dst', '--delete-onprem'],
    steps: [
      { on: 'onprem', touch: 'src/P/a.txt' },
      { on: 'onprem', write: 'src/P/sub/a.txt', content: 'mine' },
      { on: 'cloud', mv: ['dst/P/a.txt', 'dst/P/sub/a.txt'] },
      { sync: [], exit: 3 },
      settled(3, ['fail']),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/b.txt': 'B',
            'src/P/sub': D,
            'src/P/sub/d.txt': 'D',
            'src/P/sub/a.txt': 'mine',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
            'dst/P/sub/a.txt': 'A',
          },
        },
      },
    ],
  },
  {
    name: 'class 10: renaming a file onto a name deleted in the same pass is not a name clash',
    rule: '§3 rename; one pass converges',
    ...folderSet,
    steps: [
      { on: 'onprem', rm: 'src/P/b.txt' },
      { on: 'onprem', mv: ['src/P/a.txt', 'src/P/b.txt'] },
      { sync: [] },
      {
        expect: { cloud: { dst: D, 'dst/P': D, 'dst/P/b.txt': 'A', 'dst/P/sub': D, 'dst/P/sub/d.txt': 'D' } },
      },
    ],
  },
  {
    name: 'model seed 228: files new on the cloud in a folder that moved on-prem into another set follow it, in one pass',
    rule: '§3 move between sets; a new node is always recorded; one pass converges',
    onprem: { ...twoSets.onprem, 'src/P/sub': D, 'src/P/sub/d.txt': 'D' },
    cloud: twoSets.cloud,
    create: twoSets.create,
    steps: [
      createQ,
      { on: 'cloud', write: 'dst/P/sub/m.md', content: 'M' },
      { on: 'cloud', write: 'dst/P/sub/n/x.txt', content: 'X' },
      { on: 'onprem', mv: ['src/P/sub', 'src/Q/sub'] },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/Q': D,
            'src/Q/q.txt': 'Q',
            'src/Q/sub': D,
            'src/Q/sub/d.txt': 'D',
            'src/Q/sub/m.md': 'M',
            'src/Q/sub/n': D,
            'src/Q/sub/n/x.txt': 'X',
          },
        },
      },
      memberOf('Q', 'src/Q/sub/n/x.txt', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 336: a set root renamed on the cloud onto a name taken beside it on-prem stays FAILED, not retried',
    rule: '§3 rename: a name that already exists fails the member (TARGET_FOLDER_NAME_CLASH); one pass converges',
    ...folderSet,
    steps: [
      { on: 'onprem', write: 'src/s2/r.txt', content: 'R' },
      { on: 'cloud', mv: ['dst/P', 'dst/s2'] },
      { run: ['sync'], exit: 3 },
      settled(3, ['fail']),
      { expect: { members: { 'src/P': 'FAILED TARGET_FOLDER_NAME_CLASH' } } },
      {
        expect: {
          onprem: { ...P, 'src/s2': D, 'src/s2/r.txt': 'R' },
          cloud: {
            dst: D,
            'dst/s2': D,
            'dst/s2/a.txt': 'A',
            'dst/s2/b.txt': 'B',
            'dst/s2/sub': D,
            'dst/s2/sub/d.txt': 'D',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 336: a document renamed on the cloud onto a name taken beside it on-prem stays FAILED, not retried',
    rule: '§3 rename: a name that already exists fails the member (TARGET_FOLDER_NAME_CLASH); one pass converges',
    onprem: { src: D, 'src/a.txt': 'A', 'src/b.txt': 'B', 'src/c.txt': 'C' },
    cloud: { dst: D },
    create: ['src/a.txt', 'src/b.txt', '--target', 'dst'],
    steps: [
      { on: 'cloud', mv: ['dst/a.txt', 'dst/c.txt'] },
      { run: ['sync'], exit: 3 },
      settled(3, ['fail']),
      { expect: { members: { 'src/a.txt': 'FAILED TARGET_FOLDER_NAME_CLASH' } } },
      {
        expect: {
          onprem: { src: D, 'src/a.txt': 'A', 'src/b.txt': 'B', 'src/c.txt': 'C' },
          cloud: { dst: D, 'dst/b.txt': 'B', 'dst/c.txt': 'A' },
        },
      },
    ],
  },
  {
    name: 'model seed 271: a keep-both conflict on a file the winner renamed puts the winner under its new name, in one pass',
    rule: '§3 keep-both; rename; one pass converges',
    ...folderSet,
    create: ['src/P', '--target', 'dst', '--conflict', 'keep-both'],
    steps: [
      { on: 'onprem', write: 'src/P/a.txt', content: 'mine' },
      { on: 'cloud', write: 'dst/P/a.txt', content: 'theirs' },
      { on: 'cloud', mv: ['dst/P/a.txt', 'dst/P/e.txt'] },
      { run: ['sync'] },
      settled(),
      keptBoth('src/P', 'dst/P', 'mine', 'src/P/e.txt', 'theirs'),
      {
        expect: {
          members: { 'src/P/e.txt': 'SYNCED' },
        },
      },
    ],
  },
  {
    name: 'model seed 271: a keep-both conflict on a file the loser moved puts both where the loser moved it, in one pass',
    rule: '§3 keep-both; move; one pass converges',
    ...folderSet,
    create: ['src/P', '--target', 'dst', '--conflict', 'keep-both'],
    steps: [
      { on: 'onprem', mv: ['src/P/a.txt', 'src/P/sub/a.txt'] },
      { on: 'onprem', write: 'src/P/sub/a.txt', content: 'mine' },
      { on: 'cloud', write: 'dst/P/a.txt', content: 'theirs' },
      { run: ['sync'] },
      settled(),
      keptBoth('src/P/sub', 'dst/P/sub', 'mine', 'src/P/sub/a.txt', 'theirs'),
      { expect: { members: { 'src/P/sub/a.txt': 'SYNCED' } } },
    ],
  },
  {
    name: 'model seed 170: a documents set’s keep-both loser renamed inside a synced folder is that folder’s member, in one pass',
    rule: '§3 keep-both; sets never overlap (a document moved into a synced folder stays its set’s); one pass converges',
    onprem: { ...P, 'src/d1.txt': 'D1', 'src/d2.txt': 'D2' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { run: ['create', 'src/d1.txt', 'src/d2.txt', '--target', 'dst', '--conflict', 'keep-both'] },
      { on: 'onprem', write: 'src/d1.txt', content: 'mine' },
      { on: 'cloud', write: 'dst/d1.txt', content: 'theirs' },
      { on: 'onprem', mv: ['src/d1.txt', 'src/P/sub/a.txt'] },
      { run: ['sync'] },
      settled(),
      keptBoth('src/P/sub', 'dst/P/sub', 'mine', 'src/P/sub/a.txt', 'theirs'),
      {
        run: ['inspect', 'P'],
        check: (out: CliResult) =>
          assert.ok(
            members(out).some(
              (m) => /^src\/P\/sub\/a \(conflict onprem /.test(m.onpremPath ?? '') && m.status === 'SYNCED',
            ),
            JSON.stringify(members(out)),
          ),
      },
    ],
  },
  {
    name: 'model seed 194: a file moved on-prem into another set while moved within its old set on the cloud is not left behind',
    rule: '§3 move between sets (the move into the set wins the place); one pass converges',
    onprem: { ...twoSets.onprem, 'src/P/sub': D, 'src/P/sub/d.txt': 'D' },
    cloud: twoSets.cloud,
    create: twoSets.create,
    steps: [
      createQ,
      { on: 'cloud', mv: ['dst/P/sub/d.txt', 'dst/P/d.txt'] },
      { on: 'onprem', mv: ['src/P/sub/d.txt', 'src/Q/d.txt'] },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/sub': D,
            'src/Q': D,
            'src/Q/q.txt': 'Q',
            'src/Q/d.txt': 'D',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/sub': D,
            'dst/Q': D,
            'dst/Q/q.txt': 'Q',
            'dst/Q/d.txt': 'D',
          },
        },
      },
      memberOf('Q', 'src/Q/d.txt', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 166: a file moved on the cloud into another set while renamed on-prem, its set root renamed too',
    rule: '§3 move between sets (the move into the set wins the place); a direct member keeps its pairing; one pass converges',
    onprem: { ...twoSets.onprem, 'src/P/sub': D, 'src/P/sub/d.txt': 'D' },
    cloud: twoSets.cloud,
    create: twoSets.create,
    steps: [
      createQ,
      { on: 'onprem', mv: ['src/P/sub/d.txt', 'src/P/sub/e.txt'] },
      { on: 'cloud', mv: ['dst/P', 'dst/P2'] },
      { on: 'cloud', mv: ['dst/P2/sub/d.txt', 'dst/Q/d.txt'] },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/P2': D,
            'src/P2/a.txt': 'A',
            'src/P2/sub': D,
            'src/Q': D,
            'src/Q/q.txt': 'Q',
            'src/Q/d.txt': 'D',
          },
          cloud: {
            dst: D,
            'dst/P2': D,
            'dst/P2/a.txt': 'A',
            'dst/P2/sub': D,
            'dst/Q': D,
            'dst/Q/q.txt': 'Q',
            'dst/Q/d.txt': 'D',
          },
        },
      },
      memberOf('Q', 'src/Q/d.txt', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 291: a rename onto a name another rename of the same pass frees is applied after it',
    rule: '§3 rename; one pass converges (no name clash with a name freed in the same pass)',
    ...folderSet,
    steps: [
      { on: 'cloud', mv: ['dst/P/b.txt', 'dst/P/m.md'] },
      { on: 'cloud', mv: ['dst/P/a.txt', 'dst/P/b.txt'] },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/b.txt': 'A',
            'src/P/m.md': 'B',
            'src/P/sub': D,
            'src/P/sub/d.txt': 'D',
          },
          members: { 'src/P/b.txt': 'SYNCED', 'src/P/m.md': 'SYNCED' },
        },
      },
    ],
  },
  {
    name: 'model seed 513: a dry run counts a FAILED member the pass acts on as the pass will leave it (same exit)',
    rule: '§4 --dry-run prints the plan and equals the pass that follows; same new name on both sides',
    ...folderSet,
    steps: [
      { on: 'onprem', write: 'src/P/n.txt', content: 'mine' },
      { on: 'cloud', write: 'dst/P/n.txt', content: 'theirs' },
      { run: ['sync'], exit: 3 },
      { on: 'cloud', rm: 'dst/P/n.txt' },
      { sync: ['--dry-run'], check: (j: SyncJson) => assert.equal(j.sets[0]!.failed, 0) },
      { sync: [] },
      { expect: { members: { 'src/P/n.txt': 'SYNCED' } } },
    ],
  },
  {
    name: 'model seed 519: a file edited on-prem, deleted on the cloud, whose folder moved on the cloud into another set, goes with it',
    rule: '§3 move between sets; a change beats a delete; one pass converges',
    onprem: { ...twoSets.onprem, 'src/P/sub': D, 'src/P/sub/b.txt': 'B', 'src/P/sub/d.txt': 'D' },
    cloud: twoSets.cloud,
    create: [...twoSets.create, '--delete-onprem'],
    steps: [
      { run: ['create', 'src/Q', '--target', 'dst', '--delete-onprem'] },
      { on: 'onprem', write: 'src/P/sub/b.txt', content: 'B2' },
      { on: 'cloud', rm: 'dst/P/sub/b.txt' },
      { on: 'cloud', mv: ['dst/P/sub', 'dst/Q/sub2'] },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/Q': D,
            'src/Q/q.txt': 'Q',
            'src/Q/sub2': D,
            'src/Q/sub2/b.txt': 'B2',
            'src/Q/sub2/d.txt': 'D',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/Q': D,
            'dst/Q/q.txt': 'Q',
            'dst/Q/sub2': D,
            'dst/Q/sub2/b.txt': 'B2',
            'dst/Q/sub2/d.txt': 'D',
          },
        },
      },
      memberOf('Q', 'src/Q/sub2/b.txt', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 519: an unchanged file deleted on the cloud whose folder moved into another set is deleted, in one pass',
    rule: '§3 move between sets; delete-onprem; one pass converges',
    onprem: { ...twoSets.onprem, 'src/P/sub': D, 'src/P/sub/b.txt': 'B', 'src/P/sub/d.txt': 'D' },
    cloud: twoSets.cloud,
    create: [...twoSets.create, '--delete-onprem'],
    steps: [
      { run: ['create', 'src/Q', '--target', 'dst', '--delete-onprem'] },
      { on: 'cloud', rm: 'dst/P/sub/b.txt' },
      { on: 'cloud', mv: ['dst/P/sub', 'dst/Q/sub2'] },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/Q': D,
            'src/Q/q.txt': 'Q',
            'src/Q/sub2': D,
            'src/Q/sub2/d.txt': 'D',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 519: a file deleted on the cloud (no delete-onprem) whose folder moved into another set fails there',
    rule: '§3 move between sets; DELETED_ON_CLOUD until request-sync; one pass converges',
    onprem: { ...twoSets.onprem, 'src/P/sub': D, 'src/P/sub/b.txt': 'B', 'src/P/sub/d.txt': 'D' },
    cloud: twoSets.cloud,
    create: twoSets.create,
    steps: [
      createQ,
      { on: 'cloud', rm: 'dst/P/sub/b.txt' },
      { on: 'cloud', mv: ['dst/P/sub', 'dst/Q/sub2'] },
      { run: ['sync'], exit: 3 },
      settled(3, ['fail']),
      memberOf('Q', 'src/Q/sub2/b.txt', 'FAILED'),
      { run: ['request-sync', 'Q', 'src/Q/sub2/b.txt'] },
      { run: ['sync'] },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/Q': D,
            'dst/Q/q.txt': 'Q',
            'dst/Q/sub2': D,
            'dst/Q/sub2/b.txt': 'B',
            'dst/Q/sub2/d.txt': 'D',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 616: a file held in its set (its new set has no cloud folder) is shown where it is, and moves once it has',
    rule: '§3 move between sets; inspect shows where the node is; both sides moved it',
    onprem: twoSets.onprem,
    cloud: { dst: D, out: D },
    create: twoSets.create,
    steps: [
      createQ,
      { on: 'cloud', rm: 'dst/P' },
      { on: 'cloud', mv: ['dst/Q', 'out/Q'] },
      { run: ['sync', '--force'], exit: 3 },
      { on: 'onprem', mv: ['src/Q/q.txt', 'src/P/q.txt'] },
      { on: 'cloud', mv: ['out/Q/q.txt', 'dst/q.txt'] },
      { run: ['sync'], exit: 3 },
      {
        run: ['inspect', 'Q'],
        check: (out: CliResult) =>
          assert.ok(
            members(out).some(
              (m) => m.onpremPath === 'src/P/q.txt' && m.cloudPath === 'dst/q.txt' && m.status === 'FAILED',
            ),
            JSON.stringify(members(out)),
          ),
      },
      { run: ['request-sync', 'P'] },
      // The pass that re-creates P's cloud folder still holds the file (its destination had no copy when
      // planned); the next one moves both copies into P.
      { run: ['sync'], exit: 3 },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/q.txt': 'Q', 'src/Q': D },
          cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/q.txt': 'Q', out: D, 'out/Q': D },
        },
      },
    ],
  },
  {
    name: 'model seed 508: a folder renamed and a new folder made under its old name are two members, in one pass',
    rule: '§3 rename: synced as a rename; a new folder is a new member; never two members on one node',
    ...folderSet,
    steps: [
      { on: 'onprem', mv: ['src/P/sub', 'src/P/s2'] },
      { on: 'onprem', mkdir: 'src/P/sub' },
      { on: 'onprem', write: 'src/P/sub/e.txt', content: 'E' },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/s2': D,
            'dst/P/s2/d.txt': 'D',
            'dst/P/sub': D,
            'dst/P/sub/e.txt': 'E',
          },
          members: { 'src/P/sub': 'SYNCED', 'src/P/s2': 'SYNCED', 'src/P/sub/e.txt': 'SYNCED' },
        },
      },
    ],
  },
  {
    name: 'model seed 508: a file moved into a new folder made under a name a rename frees arrives there, in one pass',
    rule: '§3 rename and move: synced as moves; never two members on one node',
    ...folderSet,
    steps: [
      { on: 'cloud', mv: ['dst/P/sub', 'dst/P/s2'] },
      { on: 'cloud', mkdir: 'dst/P/sub' },
      { on: 'cloud', mv: ['dst/P/s2/d.txt', 'dst/P/sub/d.txt'] },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: { ...P, 'src/P/s2': D },
          members: { 'src/P/sub': 'SYNCED', 'src/P/s2': 'SYNCED', 'src/P/sub/d.txt': 'SYNCED' },
        },
      },
    ],
  },
  {
    name: 'model seed 658: the delete guard counts the documents the set still holds, not those gone on both sides',
    rule: '§4 --max-delete counts a set’s documents (files on at least one side); exit 5, nothing changed',
    onprem: {
      src: D,
      'src/P': D,
      'src/P/a.txt': 'A',
      'src/P/sub': D,
      'src/P/sub/c.txt': 'C',
      'src/P/sub/d.txt': 'D',
      'src/P/sub/e.txt': 'E',
      'src/out': D,
    },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { on: 'cloud', rm: 'dst/P/sub/c.txt' },
      { on: 'onprem', mv: ['src/P/sub', 'src/out/sub'] },
      // 2 of the 3 documents still on a side (c.txt is gone on both): 67%, more than 50%.
      {
        run: ['sync', '--json'],
        exit: 5,
        check: (out: CliResult) => assert.match(out.stdout, /delete 2 of 3 documents/),
      },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
            'dst/P/sub/e.txt': 'E',
          },
        },
      },
      { run: ['sync', '--force'] },
      { expect: { cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A' } } },
    ],
  },
  {
    name: 'model seed 508: a file waiting for its cloud folder, moved on-prem into a new folder, is shown where it is',
    rule: '§3 failures: a FAILED member is recorded where it is (inspect paths exist); request-sync brings it along',
    ...folderSet,
    steps: [
      { on: 'cloud', rm: 'dst/P' },
      { run: ['sync', '--force'], exit: 3 },
      { on: 'onprem', write: 'src/P/sub/n.txt', content: 'N' },
      { run: ['sync'], exit: 3 },
      { on: 'onprem', mv: ['src/P/sub', 'src/P/s2'] },
      { on: 'onprem', mkdir: 'src/P/new' },
      { on: 'onprem', mv: ['src/P/s2/n.txt', 'src/P/new/n.txt'] },
      { run: ['sync'], exit: 3 },
      settled(3, ['fail']),
      memberOf('$ID', 'src/P/new/n.txt', 'FAILED'),
      { run: ['request-sync', '$ID'] },
      { run: ['sync'] },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/s2': D,
            'dst/P/s2/d.txt': 'D',
            'dst/P/new': D,
            'dst/P/new/n.txt': 'N',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 439: a document moved on the cloud into a synced folder and saved on-prem, the pass killed, is not pulled as new',
    rule: '§4 a pass killed at any instant and run again converges with nothing duplicated; sets never overlap',
    onprem: { ...P, 'src/d1.txt': 'D1', 'src/d2.txt': 'D2' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { run: ['create', 'src/d1.txt', 'src/d2.txt', '--target', 'dst'] },
      { on: 'cloud', mv: ['dst/d1.txt', 'dst/P/d1.txt'] },
      { on: 'onprem', save: 'src/d1.txt', content: 'NEW' },
      { kill: ['sync'], journalLines: 1 },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: { ...P, 'src/d1.txt': 'NEW', 'src/d2.txt': 'D2' },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
            'dst/P/d1.txt': 'NEW',
            'dst/d2.txt': 'D2',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 439: a document moved on the cloud into a synced folder and saved on-prem, the pass killed right after its first journal write (an exact kill point), is not pulled as new',
    rule: '§4 a pass killed at any instant and run again converges with nothing duplicated; sets never overlap',
    onprem: { ...P, 'src/d1.txt': 'D1', 'src/d2.txt': 'D2' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { run: ['create', 'src/d1.txt', 'src/d2.txt', '--target', 'dst'] },
      { on: 'cloud', mv: ['dst/d1.txt', 'dst/P/d1.txt'] },
      { on: 'onprem', save: 'src/d1.txt', content: 'NEW' },
      { kill: ['sync'], afterEffect: '1 write <home>/state/default/#.journal' },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: { ...P, 'src/d1.txt': 'NEW', 'src/d2.txt': 'D2' },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
            'dst/P/d1.txt': 'NEW',
            'dst/d2.txt': 'D2',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 439: a document moved on the cloud into a synced folder and saved by rename there is not pulled as new',
    rule: '§4 a pass killed at any instant and run again converges with nothing duplicated; sets never overlap',
    onprem: { ...P, 'src/d1.txt': 'D1', 'src/d2.txt': 'D2' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { run: ['create', 'src/d1.txt', 'src/d2.txt', '--target', 'dst'] },
      { on: 'cloud', mv: ['dst/d1.txt', 'dst/P/d1.txt'] },
      { on: 'onprem', save: 'src/d1.txt', content: 'NEW' },
      { on: 'cloud', save: 'dst/P/d1.txt', content: 'NEW' },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: { ...P, 'src/d1.txt': 'NEW', 'src/d2.txt': 'D2' },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
            'dst/P/d1.txt': 'NEW',
            'dst/d2.txt': 'D2',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 905: a node moved into another set with a new node put at its old name: one move, one copy, one pass',
    rule: '§3 move between sets; a save by rename replaces only a node that is gone; one pass converges',
    ...twoSets,
    steps: [
      createQ,
      { on: 'cloud', write: 'dst/Q/n.txt', content: 'FIRST' },
      { run: ['sync'] },
      { on: 'cloud', mv: ['dst/Q/n.txt', 'dst/P/n.txt'] },
      { on: 'cloud', write: 'dst/Q/n.txt', content: 'SECOND' },
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/n.txt': 'FIRST',
            'src/Q': D,
            'src/Q/q.txt': 'Q',
            'src/Q/n.txt': 'SECOND',
          },
          members: { 'src/P/n.txt': 'SYNCED' },
        },
      },
    ],
  },
  {
    name: 'model seed 847: a set root renamed on-prem while moved on the cloud out of its deleted target is renamed where it is',
    rule: '§3 a direct member keeps its pairing wherever it is moved (only its name travels); one pass converges',
    onprem: P,
    cloud: { dst: D, out: D },
    create: folderSet.create,
    steps: [
      { on: 'cloud', mv: ['dst/P', 'out/P'] },
      { on: 'cloud', rm: 'dst' },
      { on: 'onprem', mv: ['src/P', 'src/B2'] },
      { run: ['sync'] },
      settled(),
      {
        run: ['status'],
        check: async (_out: CliResult, ctx: StepContext) => {
          const cl = await ctx.drivers.cloud.tree();
          const out = Object.fromEntries(Object.entries(cl).filter(([p]) => p.startsWith('out/')));
          assert.deepEqual(
            out,
            {
              'out/B2': D,
              'out/B2/a.txt': 'A',
              'out/B2/b.txt': 'B',
              'out/B2/sub': D,
              'out/B2/sub/d.txt': 'D',
            },
            JSON.stringify(cl),
          );
        },
      },
    ],
  },
  {
    name: 'model seed 1042: a file moved into a folder deleted on the cloud is held where the user put it, FAILED, not moved every pass',
    rule: '§3 delete-onprem off: the folder fails DELETED_ON_CLOUD; a move into it fails TARGET_FOLDER_NOT_FOUND; inspect shows where it is',
    ...folderSet,
    steps: [
      { on: 'onprem', mv: ['src/P/a.txt', 'src/P/sub/a.txt'] },
      { on: 'cloud', rm: 'dst/P/sub' },
      { run: ['sync'], exit: 3 },
      settled(3, ['fail']),
      {
        expect: {
          members: {
            'src/P/sub/a.txt': 'FAILED TARGET_FOLDER_NOT_FOUND',
            'src/P/sub': 'FAILED DELETED_ON_CLOUD',
          },
        },
      },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/b.txt': 'B',
            'src/P/sub': D,
            'src/P/sub/d.txt': 'D',
            'src/P/sub/a.txt': 'A',
          },
          cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/b.txt': 'B' },
        },
      },
    ],
  },
  {
    name: 'model seed 1176: a file edited on both sides while its folder waits to move into a stopped set fails, never SYNCED with two contents',
    rule: '§4 a guard stops its set only; §3 a member is SYNCED only with the same content on both sides',
    onprem: {
      src: D,
      'src/P': D,
      'src/P/a.txt': 'A',
      'src/P/sub': D,
      'src/P/sub/n.txt': 'N',
      'src/Q': D,
      'src/Q/q.txt': 'Q',
    },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst', '--conflict', 'newer-wins'],
    steps: [
      createQ,
      { run: ['sync'] },
      { on: 'cloud', rm: 'dst/Q' },
      { on: 'onprem', write: 'src/P/sub/n.txt', content: 'MINE' },
      { on: 'cloud', write: 'dst/P/sub/n.txt', content: 'THEIRS' },
      { on: 'onprem', mv: ['src/P/sub', 'src/Q/sub'] },
      { run: ['sync'], exit: 5 },
      // Shown where its on-prem copy is (in Q's folder, waiting for Q), not at src/P/sub/n.txt where nothing
      // is (since model seed 4059: a FAILED copy the set's view does not hold is located by its connector).
      { expect: { members: { 'src/Q/sub/n.txt': 'FAILED TARGET_FOLDER_NOT_FOUND' } } },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/Q': D,
            'src/Q/q.txt': 'Q',
            'src/Q/sub': D,
            'src/Q/sub/n.txt': 'MINE',
          },
          cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/sub': D, 'dst/P/sub/n.txt': 'THEIRS' },
        },
      },
    ],
  },
  {
    name: 'model seed 1272: a file renamed and edited on the cloud in the pass another is deleted is no delete for the guard',
    rule: '§4 --max-delete counts deletes of documents; a move (with an update) is not a delete',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/c.txt': 'C' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst', '--delete-onprem'],
    steps: [
      { on: 'cloud', write: 'dst/P/c.txt', content: 'C2' },
      { on: 'cloud', rm: 'dst/P/a.txt' },
      { on: 'cloud', mv: ['dst/P/c.txt', 'dst/P/Q.txt'] },
      // 1 delete of 2 documents (50%): allowed; c.txt moved and updated is no second delete.
      {
        run: ['sync', '--max-delete', '50'],
        check: (out: CliResult) =>
          assert.deepEqual(
            out
              .json<SyncJson>()
              .sets[0]!.actions.map((a) => a.type)
              .sort(),
            ['delete', 'move', 'update'],
          ),
      },
      {
        expect: { onprem: { src: D, 'src/P': D, 'src/P/Q.txt': 'C2' }, members: { 'src/P/Q.txt': 'SYNCED' } },
      },
    ],
  },
  {
    name: 'model seed 1390: a file moved on the cloud into another set, then its old set’s folder deleted, only changes set',
    rule: '§3 a node that moved to another set is not missing: forgotten in its old set, never FAILED at its old path',
    ...twoSets,
    steps: [
      createQ,
      { run: ['sync'] },
      { on: 'cloud', mv: ['dst/Q/q.txt', 'dst/P/q.txt'] },
      { on: 'cloud', rm: 'dst/Q' },
      // Q's folder fails DELETED_ON_CLOUD (delete-onprem off); q.txt is P's, moved there on-prem too.
      {
        run: ['sync', '--json'],
        exit: 3,
        check: (out: CliResult) => {
          const fails = out.json<SyncJson>().sets.flatMap((x) => x.actions.filter((a) => a.type === 'fail'));
          assert.deepEqual(
            fails.map((a) => a.path),
            ['dst/Q'],
          );
        },
      },
      { expect: { onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/q.txt': 'Q', 'src/Q': D } } },
      memberOf('P', 'src/P/q.txt', 'SYNCED'),
      {
        run: ['inspect', 'Q'],
        check: (out: CliResult) =>
          assert.deepEqual(
            members(out).map((m) => m.onpremPath),
            ['src/Q'],
          ),
      },
      settled(3),
    ],
  },
  {
    name: 'model seed 1390: with delete-onprem, a file moved on the cloud into another set is not deleted with its old set’s folder',
    rule: '§3 a folder delete propagates as deletes of the members the deleting side knew there; a move is not a delete',
    ...twoSets,
    onprem: { ...twoSets.onprem, 'src/Q/r.txt': 'R' },
    steps: [
      { run: ['create', 'src/Q', '--target', 'dst', '--delete-onprem'] },
      { run: ['sync'] },
      { on: 'cloud', mv: ['dst/Q/q.txt', 'dst/P/q.txt'] },
      { on: 'cloud', rm: 'dst/Q' },
      { run: ['sync', '--force'] },
      { expect: { onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/q.txt': 'Q' } } },
      settled(),
      // Before the fix Q deleted q.txt by id where P had just moved it, and P then deleted its cloud copy.
      { expect: { cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/q.txt': 'Q' } } },
    ],
  },
  {
    name: 'model seed 1328: a locked file moved out of its set while saved on the cloud is re-created, and the copy that left is writable',
    rule: '§3 --lock-onprem locks synced files only: a copy no set holds keeps no lock of ours (also after unsync)',
    ...folderSet,
    create: [...folderSet.create, '--lock-onprem'],
    steps: [
      { on: 'onprem', mv: ['src/P/a.txt', 'src/a.txt'] },
      { on: 'cloud', save: 'dst/P/a.txt', content: 'A2' },
      { run: ['sync'] },
      { expect: { onprem: { ...P, src: D, 'src/a.txt': 'A', 'src/P/a.txt': 'A2' } } },
      { expect: { writable: { 'src/a.txt': true, 'src/P/a.txt': false } } },
      settled(),
      { run: ['unsync', '$ID'] },
      { expect: { writable: { 'src/a.txt': true, 'src/P/a.txt': true, 'src/P/b.txt': true } } },
    ],
  },
  {
    name: 'model seed 1232: a folder new on the cloud under the name another set’s folder (moved in on-prem) holds fails, never deleted',
    rule: '§3 sets never overlap: the set that had the node keeps it; a name taken by it is a TARGET_FOLDER_NAME_CLASH',
    ...twoSets,
    steps: [
      createQ,
      { run: ['sync'] },
      { on: 'onprem', mv: ['src/Q', 'src/P/s2'] },
      { on: 'cloud', mkdir: 'dst/P/s2' },
      { run: ['sync'], exit: 3 },
      { expect: { members: { 'src/P/s2': 'FAILED TARGET_FOLDER_NAME_CLASH' } } },
      settled(3, ['fail']),
      // Before the fix P took Q's folder for its new member's copy, and the next pass deleted dst/P/s2.
      {
        expect: {
          onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/s2': D, 'src/P/s2/q.txt': 'Q' },
          cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/s2': D, 'dst/s2': D, 'dst/s2/q.txt': 'Q' },
        },
      },
    ],
  },
  {
    name: 'model seed 1232: a file new on the cloud in such a folder is not copied into the other set’s folder',
    rule: '§3 sets never overlap: nothing of one set is created inside another set’s folder',
    ...twoSets,
    steps: [
      createQ,
      { run: ['sync'] },
      { on: 'onprem', mv: ['src/Q', 'src/P/s2'] },
      { on: 'cloud', mkdir: 'dst/P/s2' },
      { on: 'cloud', write: 'dst/P/s2/x.txt', content: 'X' },
      { run: ['sync'], exit: 3 },
      settled(3, ['fail']),
      {
        expect: {
          onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/s2': D, 'src/P/s2/q.txt': 'Q' },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/s2': D,
            'dst/P/s2/x.txt': 'X',
            'dst/s2': D,
            'dst/s2/q.txt': 'Q',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 1598: a document renamed on-prem and deleted on the cloud, whose new name the cloud folder holds, fails in the plan',
    rule: '§3 a change beats a delete; a name that exists in the destination folder fails TARGET_FOLDER_NAME_CLASH; --dry-run equals the pass',
    onprem: { src: D, 'src/D': D, 'src/D/d1.txt': 'D1', 'src/D/d2.txt': 'D2' },
    cloud: { dst: D },
    create: ['src/D/d1.txt', 'src/D/d2.txt', '--target', 'dst', '--delete-onprem'],
    steps: [
      { on: 'cloud', rm: 'dst/d1.txt' },
      { on: 'cloud', write: 'dst/Q.txt', content: 'theirs' },
      { on: 'onprem', mv: ['src/D/d1.txt', 'src/D/Q.txt'] },
      { sync: ['--dry-run'], exit: 3, check: (j: SyncJson) => assert.deepEqual(types(j), ['fail']) },
      { sync: [], exit: 3, check: (j: SyncJson) => assert.deepEqual(types(j), ['fail']) },
      // Before the fix every pass planned a copy onto dst/Q.txt, which the connector refused.
      settled(3, ['fail']),
      { expect: { members: { 'src/D/Q.txt': 'FAILED TARGET_FOLDER_NAME_CLASH' } } },
      {
        expect: {
          onprem: { src: D, 'src/D': D, 'src/D/Q.txt': 'D1', 'src/D/d2.txt': 'D2' },
          cloud: { dst: D, 'dst/d2.txt': 'D2', 'dst/Q.txt': 'theirs' },
        },
      },
    ],
  },
  {
    name: 'model seed 1622: a pass killed while writing a document leaves no temp file beside it after the rerun',
    rule: '§4 a pass killed at any instant and run again converges with no temp files left',
    onprem: { src: D, 'src/D': D, 'src/D/d1.txt': 'D1', 'src/D/d2.txt': 'D2' },
    cloud: { dst: D },
    create: ['src/D/d1.txt', 'src/D/d2.txt', '--target', 'dst'],
    // the kill point is an on-prem file system effect
    skipOn: ['onprem:alfresco'],
    steps: [
      { on: 'cloud', write: 'dst/d1.txt', content: 'NEW' },
      { kill: ['sync'], afterEffect: '1 chmod <onprem>/src/D/.cloudsync-#-#.tmp' },
      { run: ['sync'] },
      { expect: { onprem: { src: D, 'src/D': D, 'src/D/d1.txt': 'NEW', 'src/D/d2.txt': 'D2' } } },
    ],
  },
  {
    name: 'model seed 1658: a pass killed right after moving a file saved by rename finds it where it moved',
    rule: '§4 a pass killed at any instant and run again converges (identity survives editors that save by rename)',
    onprem: { src: D, 'src/A': D, 'src/A/a.txt': 'A1', 'src/A/b.txt': 'B' },
    cloud: { dst: D },
    create: ['src/A', '--target', 'dst'],
    // the kill point is an on-prem file system effect
    skipOn: ['onprem:alfresco'],
    steps: [
      { on: 'onprem', rm: 'src/A/a.txt' },
      { on: 'cloud', mv: ['dst/A/a.txt', 'dst/A/n.txt'] },
      { on: 'onprem', write: 'src/A/a.txt', content: 'NEW' },
      { kill: ['sync'], afterEffect: '1 rename <onprem>/src/A/a.txt → <onprem>/src/A/n.txt' },
      { sync: [] },
      {
        expect: {
          onprem: { src: D, 'src/A': D, 'src/A/n.txt': 'NEW', 'src/A/b.txt': 'B' },
          cloud: { dst: D, 'dst/A': D, 'dst/A/n.txt': 'NEW', 'dst/A/b.txt': 'B' },
        },
      },
    ],
  },
  {
    name: 'model seed 2 (round 7): after a pass killed right after a move, the next pass (a small change) shows the moved file where it is',
    rule: '§4 a pass killed at any instant and run again converges; every applied move updates the member’s place (inspect paths exist)',
    ...folderSet,
    // the kill point is an on-prem file system effect
    skipOn: ['onprem:alfresco'],
    steps: [
      { on: 'cloud', mv: ['dst/P/a.txt', 'dst/P/sub/a.txt'] },
      { on: 'cloud', write: 'dst/P/b.txt', content: 'B2' },
      // after the move is journaled, while b.txt is copied (before the paths are refreshed at the end)
      { kill: ['sync'], afterEffect: '1 utimes <onprem>/src/P/.cloudsync-#-#.tmp' },
      { on: 'cloud', write: 'dst/P/sub/d.txt', content: 'D2' },
      { sync: [] },
      {
        run: ['inspect', '$ID'],
        check: (out: CliResult) =>
          assert.ok(
            members(out).some(
              (m) => m.onpremPath === 'src/P/sub/a.txt' && m.cloudPath?.endsWith('dst/P/sub/a.txt') === true,
            ),
            JSON.stringify(members(out)),
          ),
      },
    ],
  },
  {
    name: 'model emulator seed 281: a pass killed right after updating a file the user had moved finds it where it is',
    rule: '§4 a pass killed at any instant and run again converges; every applied move updates the member’s place',
    ...folderSet,
    // the kill point is an on-prem file system effect
    skipOn: ['onprem:alfresco'],
    steps: [
      { on: 'onprem', mv: ['src/P/sub/d.txt', 'src/P/d.txt'] },
      { on: 'cloud', write: 'dst/P/sub/d.txt', content: 'D2' },
      { kill: ['sync'], afterEffect: '1 rename <onprem>/src/P/.cloudsync-#-#.tmp → <onprem>/src/P/d.txt' },
      { sync: [] },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/b.txt': 'B',
            'src/P/sub': D,
            'src/P/d.txt': 'D2',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/d.txt': 'D2',
          },
        },
      },
      memberOf('$ID', 'src/P/d.txt', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 2052: a document deleted on-prem whose kept cloud copy was moved into a synced folder joins that folder’s set in the same pass',
    rule: '§3 a node that moved to another set is not missing; one pass converges (no member taken in one pass late)',
    onprem: {
      src: D,
      'src/P': D,
      'src/P/a.txt': 'A',
      'src/D': D,
      'src/D/d1.txt': 'D1',
      'src/D/d2.txt': 'D2',
    },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { run: ['create', 'src/D/d1.txt', 'src/D/d2.txt', '--target', 'dst', '--no-delete-on-cloud'] },
      { run: ['sync'] },
      { on: 'onprem', rm: 'src/D/d2.txt' },
      { on: 'cloud', mv: ['dst/d2.txt', 'dst/P/d2.txt'] },
      // The documents set lets the cloud copy go (detach); P takes it in now, not one pass later.
      {
        run: ['sync', '--json'],
        check: (out: CliResult) => assert.deepEqual(types(out.json<SyncJson>()), ['copy', 'detach']),
      },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/d2.txt': 'D2',
            'src/D': D,
            'src/D/d1.txt': 'D1',
          },
        },
      },
      settled(),
      memberOf('$ID', 'src/P/d2.txt', 'SYNCED'),
    ],
  },
  {
    name: 'model seed 2202: a folder moved on-prem into a new folder while the cloud deleted its old parent is re-created in its new place',
    rule: '§3 a change beats a delete, at every level (a move is a change); every applied move updates the member’s place',
    onprem: { src: D, 'src/A': D, 'src/A/a.txt': 'A', 'src/A/sub': D, 'src/A/sub/b.txt': 'B' },
    cloud: { dst: D },
    create: ['src/A', '--target', 'dst', '--delete-onprem'],
    steps: [
      { on: 'onprem', mkdir: 'src/A/sub/s2' },
      { run: ['sync'] },
      { on: 'onprem', write: 'src/A/sub/b.txt', content: 'B2' },
      { on: 'cloud', rm: 'dst/A/sub' },
      { on: 'onprem', mkdir: 'src/A/s2' },
      { on: 'onprem', mkdir: 'src/A/s2/sub' },
      { on: 'onprem', mv: ['src/A/sub/s2', 'src/A/s2/sub/new'] },
      // Before the fix `new` was made before its new parent `s2/sub` (ordered by its recorded depth): it failed
      // TARGET_FOLDER_NOT_FOUND, recorded at its old path.
      { run: ['sync'] },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/A': D,
            'dst/A/a.txt': 'A',
            'dst/A/sub': D,
            'dst/A/sub/b.txt': 'B2',
            'dst/A/s2': D,
            'dst/A/s2/sub': D,
            'dst/A/s2/sub/new': D,
          },
        },
      },
      memberOf('$ID', 'src/A/s2/sub/new', 'SYNCED'),
      settled(),
    ],
  },
  {
    name: 'model seed 2208: a file moved on-prem onto the name of a detached cloud copy fails in the plan, not at the connector on every pass',
    rule: '§3 a name that exists in the destination folder fails TARGET_FOLDER_NAME_CLASH; a detached copy keeps its name; one pass converges',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/sub': D, 'src/P/sub/b.txt': 'B' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst', '--no-delete-on-cloud'],
    steps: [
      { on: 'onprem', rm: 'src/P/a.txt' },
      { on: 'cloud', write: 'dst/P/sub/a.txt', content: 'NEW' },
      { sync: [], check: (j: SyncJson) => assert.deepEqual(types(j), ['copy', 'detach']) },
      { on: 'onprem', mv: ['src/P/sub/a.txt', 'src/P/a.txt'] },
      // Before the fix the move was planned every pass and refused by the connector (the detached copy was
      // left out of the view without holding its name).
      { sync: ['--dry-run'], exit: 3, check: (j: SyncJson) => assert.deepEqual(types(j), ['fail']) },
      { sync: [], exit: 3, check: (j: SyncJson) => assert.deepEqual(types(j), ['fail']) },
      settled(3, ['fail']),
      // A move between folders that cannot be applied is recorded where it was (one parent for both copies,
      // so every pass tries it again), and shown where its copy is (model seed 453).
      { expect: { members: { 'src/P/a.txt': 'FAILED TARGET_FOLDER_NAME_CLASH' } } },
      detachedAt('P/a.txt'),
      {
        expect: {
          onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'NEW', 'src/P/sub': D, 'src/P/sub/b.txt': 'B' },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/sub': D,
            'dst/P/sub/a.txt': 'NEW',
            'dst/P/sub/b.txt': 'B',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 2247: keep-both on a file moved out of the set on-prem and moved within it on the cloud brings the loser back into the set',
    rule: '§3 keep-both: both versions kept, in the set; cloudsync never renames a file outside its sets; one pass converges',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/sub': D, 'src/P/sub/m.md': 'M', 'src/out': D },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst', '--conflict', 'keep-both'],
    steps: [
      { on: 'onprem', write: 'src/P/sub/m.md', content: 'ONPREM' },
      { on: 'cloud', write: 'dst/P/sub/m.md', content: 'CLOUD' },
      { on: 'cloud', mv: ['dst/P/sub/m.md', 'dst/P/m.md'] },
      { on: 'onprem', mv: ['src/P/sub/m.md', 'src/out/m.md'] },
      // Before the fix the loser was renamed where it sat, outside the set (src/out), recorded in src/P/sub, copied
      // to the cloud, and that copy deleted at the next pass.
      { sync: [] },
      settled(),
      {
        run: ['status'],
        check: async (_out: CliResult, ctx: StepContext) => {
          for (const [side, root] of [
            ['onprem', 'src/P'],
            ['cloud', 'dst/P'],
          ] as const) {
            const tree = await ctx.drivers[side].tree();
            const files = Object.entries(tree).filter(([, v]) => v !== null);
            const loser = files.find(([p]) => /\/m \(conflict onprem .*\)\.md$/.test(p));
            assert.ok(
              loser && loser[0].startsWith(`${root}/m (conflict onprem `) && loser[1] === 'ONPREM',
              JSON.stringify(tree),
            );
            assert.equal(tree[`${root}/m.md`], 'CLOUD', JSON.stringify(tree));
            assert.equal(files.filter(([p]) => /m( \(|\.)/.test(p)).length, 2, JSON.stringify(tree));
          }
        },
      },
    ],
  },
  {
    name: 'model seed 2290: a file waiting for its cloud copy, deleted on-prem while that copy moves back in, is pulled, never read by its old id',
    rule: '§5 no unexpected error (exit 1) on reachable states; a change beats a delete; one pass converges',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/o.txt': 'O' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      // The cloud moves o.txt out of the set: the on-prem copy stays, FAILED DELETED_ON_CLOUD (delete-onprem off).
      { on: 'cloud', mv: ['dst/P/o.txt', 'dst/o.txt'] },
      { sync: ['--force'], exit: 3 },
      { on: 'onprem', rm: 'src/P/o.txt' },
      { on: 'cloud', mv: ['dst/o.txt', 'dst/P/o.txt'] },
      // Before the fix the pass tried to pair the moved-back node with the member's deleted on-prem copy, read
      // by its recorded id: exit 1, "no longer exists".
      { sync: [] },
      settled(),
      { expect: { onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/o.txt': 'O' } } },
    ],
  },
  {
    name: 'model seed 2301: keep-both on a file whose rename clashes with another rename of the pass still makes the loser a member at once',
    rule: '§3 keep-both: the loser becomes a member copied across in the same pass; a name clash fails the member; one pass converges',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/o.txt': 'O' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst', '--conflict', 'keep-both'],
    steps: [
      { on: 'onprem', write: 'src/P/a.txt', content: 'ONPREM' },
      { on: 'cloud', write: 'dst/P/a.txt', content: 'CLOUD!' },
      { on: 'onprem', mv: ['src/P/a.txt', 'src/P/n.txt'] },
      { on: 'cloud', mv: ['dst/P/o.txt', 'dst/P/n.txt'] },
      // Before the fix the loser's copy was dropped (its member had failed its rename) and made at the next
      // pass; with that alone, the next pass copied the winner's bytes a second time.
      { sync: [], exit: 3 },
      settled(3, ['fail']),
      {
        run: ['status'],
        check: async (_out: CliResult, ctx: StepContext) => {
          for (const [side, root] of [
            ['onprem', 'src/P'],
            ['cloud', 'dst/P'],
          ] as const) {
            const tree = await ctx.drivers[side].tree();
            const loser = Object.keys(tree).find((p) => /\/n \(conflict onprem .*\)\.txt$/.test(p));
            assert.ok(loser?.startsWith(`${root}/`) && tree[loser] === 'ONPREM', JSON.stringify(tree));
          }
        },
      },
    ],
  },
  {
    name: 'model seed 2377: a file moved on-prem onto a name the cloud just took, its cloud copy deleted, fails in the plan where it is now',
    rule: '§3 a change beats a delete; a name that exists in the destination folder fails TARGET_FOLDER_NAME_CLASH; inspect paths exist',
    onprem: {
      src: D,
      'src/P': D,
      'src/P/a.txt': 'A',
      'src/P/r': 'R',
      'src/P/sub': D,
      'src/P/sub/b.txt': 'B',
    },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst', '--delete-onprem'],
    steps: [
      { on: 'onprem', mv: ['src/P/r', 'src/P/sub/r'] },
      { on: 'cloud', rm: 'dst/P/r' },
      { on: 'cloud', write: 'dst/P/sub/r', content: 'NEW' },
      // Before the fix the re-create was refused at the connector and the member stayed recorded at src/P/r.
      { sync: ['--dry-run'], exit: 3, check: (j: SyncJson) => assert.deepEqual(types(j), ['fail', 'fail']) },
      { sync: [], exit: 3, check: (j: SyncJson) => assert.deepEqual(types(j), ['fail', 'fail']) },
      settled(3, ['fail']),
      {
        run: ['inspect', '$ID'],
        check: (out: CliResult) =>
          assert.deepEqual(
            members(out)
              .filter((m) => m.status === 'FAILED')
              .map((m) => m.onpremPath ?? m.cloudPath),
            ['src/P/sub/r', 'src/P/sub/r'],
          ),
      },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/sub': D,
            'src/P/sub/b.txt': 'B',
            'src/P/sub/r': 'R',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/sub': D,
            'dst/P/sub/b.txt': 'B',
            'dst/P/sub/r': 'NEW',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 453: a move between folders onto a name the other side just took is shown where it is, and applied once the name is free',
    rule: '§3 a name that exists in the destination folder fails TARGET_FOLDER_NAME_CLASH; inspect paths exist; nothing is lost',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/sub': D, 'src/P/sub/b.txt': 'B' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { on: 'cloud', mv: ['dst/P/sub/b.txt', 'dst/P/sub/a.txt'] },
      { on: 'onprem', mv: ['src/P/a.txt', 'src/P/sub/a.txt'] },
      { sync: [], exit: 3, check: (j: SyncJson) => assert.deepEqual(types(j), ['fail', 'fail']) },
      // Before the fix inspect showed the moved file at src/P/a.txt, where nothing is.
      {
        expect: {
          members: {
            'src/P/sub/a.txt': 'FAILED TARGET_FOLDER_NAME_CLASH',
            'src/P/sub/b.txt': 'FAILED TARGET_FOLDER_NAME_CLASH',
          },
        },
      },
      settled(3, ['fail']),
      {
        expect: {
          members: {
            'src/P/sub/a.txt': 'FAILED TARGET_FOLDER_NAME_CLASH',
            'src/P/sub/b.txt': 'FAILED TARGET_FOLDER_NAME_CLASH',
          },
        },
      },
      // The user frees the name: both moves are applied, nothing is lost.
      { on: 'cloud', mv: ['dst/P/sub/a.txt', 'dst/P/sub/c.txt'] },
      { sync: [], exit: 0 },
      {
        expect: {
          onprem: { src: D, 'src/P': D, 'src/P/sub': D, 'src/P/sub/a.txt': 'A', 'src/P/sub/c.txt': 'B' },
          cloud: { dst: D, 'dst/P': D, 'dst/P/sub': D, 'dst/P/sub/a.txt': 'A', 'dst/P/sub/c.txt': 'B' },
          members: { 'src/P/sub/a.txt': 'SYNCED', 'src/P/sub/c.txt': 'SYNCED' },
        },
      },
      settled(),
    ],
  },
  {
    name: 'model seed 453, undone: a clashing move between folders moved back is synced where it was',
    rule: '§3 a name that exists in the destination folder fails TARGET_FOLDER_NAME_CLASH; inspect paths exist',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/sub': D, 'src/P/sub/b.txt': 'B' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { on: 'cloud', write: 'dst/P/sub/a.txt', content: 'NEW' },
      { on: 'onprem', mv: ['src/P/a.txt', 'src/P/sub/a.txt'] },
      { sync: [], exit: 3 },
      { expect: { members: { 'src/P/sub/a.txt': 'FAILED TARGET_FOLDER_NAME_CLASH' } } },
      { on: 'onprem', mv: ['src/P/sub/a.txt', 'src/P/a.txt'] },
      { sync: [], exit: 0 },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/sub': D,
            'src/P/sub/a.txt': 'NEW',
            'src/P/sub/b.txt': 'B',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/sub': D,
            'dst/P/sub/a.txt': 'NEW',
            'dst/P/sub/b.txt': 'B',
          },
          members: { 'src/P/a.txt': 'SYNCED', 'src/P/sub/a.txt': 'SYNCED', 'src/P/sub/b.txt': 'SYNCED' },
        },
      },
      settled(),
    ],
  },
  {
    name: 'model seed 2769: a pass killed while writing the owner marker leaves no temp file once run again, even when a guard stops the rerun',
    rule: "§4 a pass killed at any instant and run again leaves no temp files; a guard exit changes nothing of the user's",
    onprem: P,
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    // the kill point is a cloud file system effect
    skipOn: ['cloud:alfresco'],
    steps: [
      { on: 'onprem', rm: 'src/P' },
      { kill: ['sync', '--force'], afterEffect: '1 chmod <cloud>/dst/.cloudsync-#-#.tmp' },
      // Before the fix the rerun, stopped by the vanished-root guard, left the marker's temp file in dst.
      { sync: [], exit: 5 },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 2811: an editor that saves by rename and keeps the old file under an excluded name leaves it writable',
    rule: '§3 lock on-prem: only the member is locked; unsync leaves on-prem bytes and write bits intact',
    onprem: { src: D, 'src/P': D, 'src/P/n.txt': 'N' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst', '--lock-onprem', '--exclude', '*.bak'],
    // write bits are a local on-prem notion
    skipOn: ['onprem:alfresco'],
    steps: [
      { expect: { writable: { 'src/P/n.txt': false } } },
      // The editor keeps the old file as a backup under an excluded name and writes the new one in its place.
      { on: 'onprem', mv: ['src/P/n.txt', 'src/P/n.bak'] },
      { on: 'onprem', write: 'src/P/n.txt', content: 'NEW' },
      { sync: [] },
      // Before the fix the backup stayed read-only (locked by cloudsync) though it is no member.
      { expect: { writable: { 'src/P/n.txt': false, 'src/P/n.bak': true } } },
      { run: ['unsync', '$ID'] },
      { expect: { writable: { 'src/P/n.txt': true, 'src/P/n.bak': true } } },
    ],
  },
  {
    name: 'model seed 582: a pass killed right after locking a new file leaves it writable once unsynced',
    rule: '§3 --lock-onprem locks synced files only: a copy no set holds keeps no lock of ours (also after unsync)',
    ...folderSet,
    create: [...folderSet.create, '--lock-onprem'],
    // the kill point is an on-prem file system effect; write bits are a local on-prem notion
    skipOn: ['onprem:alfresco'],
    steps: [
      { on: 'onprem', write: 'src/P/m.md', content: 'M' },
      // Killed right after the chmod that locked the new file: before the fix nothing recorded the lock as ours.
      { kill: ['sync'], afterEffect: '1 chmod <onprem>/src/P/m.md' },
      { run: ['sync'] },
      { expect: { writable: { 'src/P/m.md': false } } },
      settled(),
      { run: ['unsync', '$ID'] },
      // Before the fix m.md stayed read-only for good (the rerun saw it locked and recorded no lock of ours).
      { expect: { writable: { 'src/P/a.txt': true, 'src/P/m.md': true } } },
    ],
  },
  {
    name: 'model seed 582: a pass killed right after locking a file it paired (equal on both sides) leaves it writable once unsynced',
    rule: '§3 --lock-onprem locks synced files only: a copy no set holds keeps no lock of ours (also after unsync)',
    ...folderSet,
    create: [...folderSet.create, '--lock-onprem'],
    // the kill point is an on-prem file system effect; write bits are a local on-prem notion
    skipOn: ['onprem:alfresco'],
    steps: [
      // The same file put on both sides by hand: the pass pairs it (no copy) and locks it, its first record.
      { on: 'onprem', write: 'src/P/m.md', content: 'M' },
      { on: 'cloud', write: 'dst/P/m.md', content: 'M' },
      { kill: ['sync'], afterEffect: '1 chmod <onprem>/src/P/m.md' },
      { run: ['sync'] },
      { expect: { writable: { 'src/P/m.md': false } } },
      settled(),
      { run: ['unsync', '$ID'] },
      { expect: { writable: { 'src/P/a.txt': true, 'src/P/m.md': true } } },
    ],
  },
  {
    name: 'model seed 2779: a file the cloud moves into a folder another set detaches has left its set',
    rule: '§3 delete-on-cloud off: a folder moved out on-prem leaves its cloud copy detached, with what is in it',
    ...twoSets,
    // the cloud copy is what is detached: two local-style moves on both sides
    skipOn: ['onprem:alfresco'],
    steps: [
      { run: ['create', 'src/Q', '--target', 'dst', '--no-delete-on-cloud'] },
      { on: 'onprem', mkdir: 'src/Q/new' },
      { run: ['sync'] },
      // On-prem moves Q/new out of every set (its cloud copy is detached) while the cloud moves P's file in.
      { on: 'onprem', mv: ['src/Q/new', 'out'] },
      { on: 'cloud', mv: ['dst/P/a.txt', 'dst/Q/new/a.txt'] },
      { run: ['sync'], exit: 3 },
      // P lost it on the cloud (delete-onprem off: the on-prem copy stays, FAILED); before the fix Q took it
      // in and P moved it back, every pass.
      settled(3),
      { expect: { members: { 'src/P/a.txt': 'FAILED DELETED_ON_CLOUD' } } },
      {
        expect: {
          onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/Q': D, 'src/Q/q.txt': 'Q', out: D },
        },
      },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/Q': D,
            'dst/Q/q.txt': 'Q',
            'dst/Q/new': D,
            'dst/Q/new/a.txt': 'A',
          },
        },
      },
    ],
  },
  {
    name: 'model seed 3144: a file moved into a folder that moves into its own set stays there, in one pass',
    rule: '§3 move between sets; one pass converges',
    onprem: { ...twoSets.onprem, 'src/P/sub': D, 'src/P/sub/b.txt': 'B' },
    cloud: twoSets.cloud,
    create: twoSets.create,
    skipOn: ['onprem:alfresco'],
    steps: [
      createQ,
      // On-prem moves P's folder into Q while the cloud moves Q's file into that folder's copy.
      { on: 'onprem', mv: ['src/P/sub', 'src/Q/new'] },
      { on: 'cloud', mv: ['dst/Q/q.txt', 'dst/P/sub/q.txt'] },
      { run: ['sync'] },
      // Before the fix P took the file (into a folder Q now has) and the next pass gave it back to Q.
      settled(),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/Q': D,
            'src/Q/new': D,
            'src/Q/new/b.txt': 'B',
            'src/Q/new/q.txt': 'Q',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/Q': D,
            'dst/Q/new': D,
            'dst/Q/new/b.txt': 'B',
            'dst/Q/new/q.txt': 'Q',
          },
        },
      },
      {
        run: ['inspect', '$ID'],
        check: (out: CliResult) =>
          assert.ok(!members(out).some((m) => m.onpremPath?.endsWith('q.txt')), JSON.stringify(members(out))),
      },
    ],
  },
  {
    name: 'model seed 3432: a keep-both loser is never named like a loser the scoped pass did not list',
    rule: '§3 keep-both: two conflicts on one file within one second get distinct loser names',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst', '--conflict', 'keep-both'],
    skipOn: ['onprem:alfresco', 'cloud:alfresco'],
    steps: [
      // The names the next minute's on-prem losers of a.txt would get, taken by synced files beforehand
      // (as a first loser of the same second would be): a pass scoped to the edit must still see them.
      takeLoserNames(async (drivers, stamp, k) => {
        await drivers.onprem.write(`src/P/a (conflict onprem ${stamp}).txt`, `taken ${k}`);
      }),
      { run: ['sync'] },
      { on: 'onprem', write: 'src/P/a.txt', content: 'MINE' },
      { on: 'cloud', write: 'dst/P/a.txt', content: 'THEIRS' },
      // Before the fix the loser's rename hit a taken name: refused, FAILED, exit 3 (its dry run said 0).
      { run: ['sync', '--dry-run'] },
      { run: ['sync'] },
      settled(),
    ],
  },
  {
    name: 'model seed 3596: a pass killed right after updating a document the user had moved out of its folder finds it where it is',
    rule: '§4 a pass killed at any instant and run again converges; every applied move updates the member’s place',
    onprem: { src: D, 'src/D': D, 'src/D/d1.txt': 'D1', 'src/D/d2.txt': 'D2', 'src/out': D },
    cloud: { dst: D },
    create: ['src/D/d1.txt', 'src/D/d2.txt', '--target', 'dst'],
    // the kill point is an on-prem file system effect
    skipOn: ['onprem:alfresco'],
    steps: [
      { on: 'onprem', mv: ['src/D/d2.txt', 'src/out/d2.txt'] },
      { on: 'cloud', write: 'dst/d2.txt', content: 'THEIRS' },
      // Killed right after the pulled bytes replaced the moved document: before the fix the rerun found
      // neither its node nor anything at its recorded place, took it for deleted on-prem, and pulled it back to
      // src/D/d2.txt beside the written copy (a twin; with the delete guard's exit 5 on the way).
      {
        kill: ['sync'],
        afterEffect: '1 rename <onprem>/src/out/.cloudsync-#-#.tmp → <onprem>/src/out/d2.txt',
      },
      { sync: [] },
      {
        expect: {
          onprem: { src: D, 'src/D': D, 'src/D/d1.txt': 'D1', 'src/out': D, 'src/out/d2.txt': 'THEIRS' },
          cloud: { dst: D, 'dst/d1.txt': 'D1', 'dst/d2.txt': 'THEIRS' },
          members: { 'src/out/d2.txt': 'SYNCED' },
        },
      },
      settled(),
    ],
  },
  {
    name: 'model seed 3723: a pass killed while detaching a deleted folder detaches the rest of it on the rerun',
    rule: '§3 delete-on-cloud off: a folder deleted on-prem leaves its cloud copy detached, with what is in it',
    ...keepCloudCopies,
    steps: [
      { on: 'onprem', rm: 'src/P/sub' },
      // Killed after the folder's detach record, before its file's: before the fix the rerun left the file a
      // SYNCED member whose on-prem copy is gone (a detached folder's subtree was never looked at again).
      { kill: ['sync'], afterEffect: '2 write <home>/state/default/#.journal' },
      { sync: [] },
      detachedAt('dst/P/sub'),
      detachedAt('dst/P/sub/d.txt'),
      {
        expect: {
          onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/b.txt': 'B' },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
          },
        },
      },
      settled(),
    ],
  },
  {
    name: 'model seed 3808: a file moved into another set under a name that set frees in the same pass arrives in one pass when its other copy is gone',
    rule: '§3 a node that moved to another set is not missing: that set takes it in, in the same pass',
    ...twoSets,
    steps: [
      createQ,
      { on: 'onprem', write: 'src/P/s2/m.md', content: 'MOVED' },
      { on: 'onprem', write: 'src/Q/m.md', content: 'QM' },
      { run: ['sync'] },
      // Q's m.md is renamed on-prem (its cloud copy still holds the name until this pass moves it), P's m.md
      // takes that name in Q, and the cloud deletes P's copy: before the fix P forgot it and Q left it out
      // ("belongs to sync set P"), so it reached the cloud one pass late.
      { on: 'onprem', mv: ['src/Q/m.md', 'src/Q/n.txt'] },
      { on: 'onprem', mv: ['src/P/s2/m.md', 'src/Q/m.md'] },
      { on: 'cloud', rm: 'dst/P/s2/m.md' },
      { run: ['sync'] },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/s2': D,
            'dst/Q': D,
            'dst/Q/q.txt': 'Q',
            'dst/Q/n.txt': 'QM',
            'dst/Q/m.md': 'MOVED',
          },
        },
      },
      memberOf('Q', 'src/Q/m.md', 'SYNCED'),
      settled(),
    ],
  },
  {
    name: 'model seed 3901: a move into another set onto the name of a detached copy waits in its old set, never undone',
    rule: 'a move between folders that cannot be applied (a name clash on the other side) fails and is tried again by every pass',
    onprem: {
      src: D,
      'src/P': D,
      'src/P/a.txt': 'A',
      'src/P/sub': D,
      'src/P/sub/b.txt': 'B',
      'src/Q': D,
      'src/Q/q.txt': 'Q',
    },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst', '--no-delete-on-cloud'],
    steps: [
      createQ,
      { on: 'onprem', rm: 'src/P/sub/b.txt' },
      { run: ['sync'] },
      // dst/P/sub/b.txt is now a detached copy (no member); Q's file moves into P under that very name.
      { on: 'onprem', mv: ['src/Q/q.txt', 'src/P/sub/b.txt'] },
      { run: ['sync'], exit: 3 },
      // Before the fix P took it in, failed to move the cloud copy onto the taken name, and the next pass
      // took that copy (still in Q's folder) back into Q, moving the user's file back to src/Q/q.txt.
      { run: ['sync'], exit: 3 },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/sub': D,
            'src/P/sub/b.txt': 'Q',
            'src/Q': D,
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/sub': D,
            'dst/P/sub/b.txt': 'B',
            'dst/Q': D,
            'dst/Q/q.txt': 'Q',
          },
        },
      },
      memberOf('Q', 'src/P/sub/b.txt', 'FAILED'),
      // Once the name is free the move is applied.
      { on: 'cloud', mv: ['dst/P/sub/b.txt', 'dst/P/sub/old.txt'] },
      { run: ['sync'] },
      {
        expect: {
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/sub': D,
            'dst/P/sub/old.txt': 'B',
            'dst/P/sub/b.txt': 'Q',
            'dst/Q': D,
          },
        },
      },
      memberOf('P', 'src/P/sub/b.txt', 'SYNCED'),
      settled(),
    ],
  },
  {
    name: 'model seed 4059: a file moved out of the set while the other side moved it onto a taken name is shown where its copies are',
    rule: '§3 the move that keeps a file in the set wins; a name that exists fails TARGET_FOLDER_NAME_CLASH; inspect paths exist',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/sub': D, 'src/P/sub/b.txt': 'B', out: D },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { on: 'onprem', write: 'src/P/sub/a.txt', content: 'NEW' },
      { on: 'onprem', mv: ['src/P/a.txt', 'out/a.txt'] },
      { on: 'onprem', write: 'out/a.txt', content: 'EDITED' },
      { on: 'cloud', mv: ['dst/P/a.txt', 'dst/P/sub/a.txt'] },
      // The cloud's move keeps the file in the set: its edit is pushed, and its on-prem copy is to be moved
      // back to src/P/sub/a.txt, which the new file holds (and the new file's push clashes with it on the cloud).
      { sync: [], exit: 3 },
      // Before the fix inspect showed the moved file at src/P/a.txt ↔ dst/P/a.txt, where neither copy is.
      failedAt(['out/a.txt', 'dst/P/sub/a.txt'], ['src/P/sub/a.txt', 'dst/P/sub/a.txt']),
      settled(3, ['fail']),
      failedAt(['out/a.txt', 'dst/P/sub/a.txt'], ['src/P/sub/a.txt', 'dst/P/sub/a.txt']),
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/sub': D,
            'src/P/sub/a.txt': 'NEW',
            'src/P/sub/b.txt': 'B',
            out: D,
            'out/a.txt': 'EDITED',
          },
          cloud: { dst: D, 'dst/P': D, 'dst/P/sub': D, 'dst/P/sub/a.txt': 'EDITED', 'dst/P/sub/b.txt': 'B' },
        },
      },
      // The user frees the name: the moved-out copy is moved back, the new file pushed; nothing is lost.
      { on: 'onprem', mv: ['src/P/sub/a.txt', 'src/P/sub/n.txt'] },
      { sync: [], exit: 0 },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/sub': D,
            'src/P/sub/a.txt': 'EDITED',
            'src/P/sub/b.txt': 'B',
            'src/P/sub/n.txt': 'NEW',
            out: D,
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/sub': D,
            'dst/P/sub/a.txt': 'EDITED',
            'dst/P/sub/b.txt': 'B',
            'dst/P/sub/n.txt': 'NEW',
          },
          members: { 'src/P/sub/a.txt': 'SYNCED', 'src/P/sub/n.txt': 'SYNCED' },
        },
      },
      settled(),
    ],
  },
  {
    name: 'model seed 27: a failed file saved by rename, its old copy kept under an excluded name, is shown at the name it was saved to',
    rule: '§3 identity survives editors that save by rename; inspect paths exist',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/sub': D, 'src/P/sub/b.txt': 'B' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { on: 'cloud', rm: 'dst/P/sub/b.txt' },
      { sync: [], exit: 3 },
      // An editor's save: the old file renamed away, the new one written in its place, the old one renamed
      // to an excluded name (~$…).
      { on: 'onprem', mv: ['src/P/sub/b.txt', 'src/P/sub/n.txt'] },
      { on: 'onprem', write: 'src/P/sub/b.txt', content: 'NEWB' },
      { on: 'onprem', mv: ['src/P/sub/n.txt', 'src/P/sub/~$x.docx'] },
      { sync: [], exit: 3 },
      // A first fix of seed 4059 asked the connector where the old node was and showed the excluded file.
      memberOf('$ID', 'src/P/sub/b.txt', 'FAILED'),
      settled(3, ['fail']),
      memberOf('$ID', 'src/P/sub/b.txt', 'FAILED'),
    ],
  },
  {
    name: 'model seed 4182: a keep-both loser of a document is never named like a file beside it',
    rule: '§3 keep-both: two conflicts on one file within one second get distinct loser names; --dry-run equals the pass',
    onprem: { src: D, 'src/D': D, 'src/D/d1.txt': 'D1', 'src/D/d2.txt': 'D2' },
    cloud: { dst: D },
    create: ['src/D/d1.txt', 'src/D/d2.txt', '--target', 'dst', '--conflict', 'keep-both'],
    skipOn: ['onprem:alfresco', 'cloud:alfresco'],
    steps: [
      // The names the next minute's losers of d1.txt would get, taken beside the documents beforehand (as a
      // first loser of the same second would be, which a documents set does not hold): the namer must see them.
      takeLoserNames(async (drivers, stamp, k) => {
        await drivers.onprem.write(`src/D/d1 (conflict onprem ${stamp}).txt`, `taken ${k}`);
        await drivers.cloud.write(`dst/d1 (conflict cloud ${stamp}).txt`, `taken ${k}`);
      }),
      { run: ['sync'] },
      { on: 'onprem', write: 'src/D/d1.txt', content: 'MINE' },
      { on: 'cloud', write: 'dst/d1.txt', content: 'THEIRS' },
      // Before the fix the loser's rename hit a taken name: refused, FAILED, exit 3 (its dry run said 0).
      { run: ['sync', '--dry-run'] },
      { run: ['sync'] },
      settled(),
    ],
  },
  {
    name: 'model seed 4259: a document detached with its kept copy under a name a folder set excludes stays out of that set',
    rule: '§3 excluded names are never synced; delete-on-cloud off: an on-prem delete leaves the cloud copy detached; one pass converges',
    onprem: {
      src: D,
      'src/P': D,
      'src/P/a.txt': 'A',
      'src/D': D,
      'src/D/d1.txt': 'D1',
      'src/D/d2.txt': 'D2',
    },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { run: ['create', 'src/D/d1.txt', 'src/D/d2.txt', '--target', 'dst', '--no-delete-on-cloud'] },
      { run: ['sync'] },
      // The cloud renames the document to an excluded name and moves it into P's folder; the on-prem copy
      // follows the rename, then the user deletes it: its cloud copy is detached.
      { on: 'cloud', mv: ['dst/d2.txt', 'dst/P/~$x.docx'] },
      { run: ['sync'] },
      { on: 'onprem', rm: 'src/D/~$x.docx' },
      // Before the fix P took the detached copy in, copied it to src/P/~$x.docx, and the next pass forgot it.
      { run: ['sync'] },
      settled(),
      {
        expect: {
          onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/D': D, 'src/D/d1.txt': 'D1' },
          cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/~$x.docx': 'D2', 'dst/d1.txt': 'D1' },
        },
      },
    ],
  },
  {
    name: 'model seed 4356: a locked file moved into another set whose cloud copy is gone keeps no lock past unsync',
    rule: '§3 --lock-onprem locks synced files only: a copy no set holds keeps no lock of ours (also after unsync)',
    onprem: { ...twoSets.onprem, 'src/Q/sub': D, 'src/Q/sub/b.txt': 'B' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    // write bits are a local on-prem notion
    skipOn: ['onprem:alfresco'],
    steps: [
      { run: ['create', 'src/Q', '--target', 'dst', '--lock-onprem'] },
      { run: ['sync'] },
      { expect: { writable: { 'src/Q/sub/b.txt': false } } },
      // The locked file moves on-prem into P while the cloud deletes its folder: P takes it in as new.
      { on: 'onprem', mv: ['src/Q/sub/b.txt', 'src/P/b.txt'] },
      { on: 'cloud', rm: 'dst/Q/sub' },
      { run: ['sync'], exit: 3 },
      { run: ['unsync', '$ID'] },
      // Before the fix Q forgot it ("moved to another sync set") and P's new member held no lock of ours:
      // the file stayed read-only for good.
      { expect: { writable: { 'src/P/a.txt': true, 'src/P/b.txt': true } } },
    ],
  },
  {
    name: 'model seed 722: a keep-both loser renamed on-prem by a pass killed before its copy is left writable after unsync',
    rule: '§3 keep-both; --lock-onprem locks synced files only: unsync leaves on-prem bytes and write bits intact',
    ...folderSet,
    create: [...folderSet.create, '--conflict', 'keep-both', '--lock-onprem'],
    // write bits are a local on-prem notion
    skipOn: ['onprem:alfresco'],
    steps: [
      { on: 'onprem', write: 'src/P/sub/d.txt', content: 'mine' },
      { on: 'cloud', write: 'dst/P/sub/d.txt', content: 'theirs' },
      // Killed right after the on-prem loser's rename is journaled (the member's on-prem copy let go), before
      // the loser's copy (and its own member) is made.
      {
        kill: ['sync'],
        afterEffect: '2 write <home>/state/default/#.journal',
      },
      { sync: [] },
      { run: ['unsync', '$ID'] },
      {
        run: ['status'],
        check: async (_out: CliResult, ctx: StepContext) => {
          // Both versions on both sides, and every on-prem file writable.
          const tree = await ctx.drivers.onprem.tree();
          const cloud = await ctx.drivers.cloud.tree();
          const where = JSON.stringify([tree, cloud]);
          for (const bytes of ['mine', 'theirs']) {
            const names = Object.keys(tree).filter((p) => tree[p] === bytes);
            assert.equal(names.length, 1, `${bytes}: ${where}`);
            assert.equal(cloud[`dst/${names[0]!.slice('src/'.length)}`], bytes, where);
          }
          // Before the fix our lock went with the loser through its rename and the rerun took it in as new,
          // read-only but not recorded as ours: unsync left it read-only for good.
          for (const [p, bytes] of Object.entries(tree))
            if (bytes !== null)
              assert.equal(await ctx.drivers.onprem.writable!(p), true, `${p} is left read-only`);
        },
      },
    ],
  },
  {
    name: 'model seed 4745: a new cloud file in the place a detached copy was renamed from is synced on-prem',
    rule: '§3 delete-on-cloud off: the cloud copy is detached and left alone; a new node is always recorded',
    ...keepCloudCopies,
    steps: [
      { on: 'onprem', rm: 'src/P/a.txt' },
      { sync: [] },
      // The cloud renames the detached copy and writes a new file where it was: before the fix the new file
      // was taken for the detached copy saved by rename, left out of every pass, never synced on-prem.
      { on: 'cloud', mv: ['dst/P/a.txt', 'dst/P/old-a.txt'] },
      { on: 'cloud', write: 'dst/P/a.txt', content: 'new A' },
      { sync: [] },
      {
        expect: {
          onprem: { ...P, 'src/P/a.txt': 'new A' },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'new A',
            'dst/P/old-a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
          },
          members: { 'src/P/a.txt': 'SYNCED' },
        },
      },
      settled(),
    ],
  },
  {
    name: 'model seed 4714: a new file put where a file waiting for request-sync was moved out from is recorded',
    rule: '§3 a node deleted on the cloud waits for request-sync (DELETED_ON_CLOUD); a new node is always recorded',
    ...folderSet,
    steps: [
      { on: 'cloud', rm: 'dst/P/sub' },
      { sync: [], exit: 3 },
      // On-prem moves the waiting file out of the set and writes a new one in its place: before the fix the
      // new file was claimed as the member's (a save by rename) and recorded nowhere.
      { on: 'onprem', mv: ['src/P/sub/d.txt', 'src/d.txt'] },
      { on: 'onprem', write: 'src/P/sub/d.txt', content: 'new D' },
      { sync: [], exit: 3 },
      {
        expect: {
          onprem: { ...P, 'src/P/sub/d.txt': 'new D', 'src/d.txt': 'D' },
          cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/b.txt': 'B' },
          members: {
            'src/P/sub': 'FAILED DELETED_ON_CLOUD',
            'src/P/sub/d.txt': 'FAILED DELETED_ON_CLOUD',
          },
        },
      },
      settled(3, ['fail']),
    ],
  },
  {
    name: 'model seed 4332: a pass killed right after pushing a renamed file’s bytes, rerun, then the file moved again: no copy at its old place',
    rule: '§4 a pass killed at any instant and run again converges; every applied move updates the member’s place',
    ...folderSet,
    // the kill point is a cloud file system effect
    skipOn: ['cloud:alfresco'],
    steps: [
      { on: 'onprem', mv: ['src/P/a.txt', 'src/P/m.md'] },
      { on: 'onprem', write: 'src/P/m.md', content: 'A2' },
      // Killed right after the pushed bytes replaced the cloud copy (moved to m.md first, in the same pass).
      { kill: ['sync'], afterEffect: '1 rename <cloud>/dst/P/.cloudsync-#-#.tmp → <cloud>/dst/P/m.md' },
      { sync: [] },
      { on: 'onprem', mv: ['src/P/m.md', 'src/P/sub/m.md'] },
      { sync: [] },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/b.txt': 'B',
            'src/P/sub': D,
            'src/P/sub/d.txt': 'D',
            'src/P/sub/m.md': 'A2',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/b.txt': 'B',
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'D',
            'dst/P/sub/m.md': 'A2',
          },
          members: { 'src/P/sub/m.md': 'SYNCED' },
        },
      },
      settled(),
    ],
  },
  {
    name: 'model seed 4357: a set’s folder deleted and made again with a new file, forced, takes that file in the same pass',
    rule: '§3 a folder set holds everything below its folder; the root-gone guard stops an unforced pass',
    ...folderSet,
    steps: [
      { on: 'onprem', rm: 'src/P' },
      { on: 'cloud', write: 'dst/P/x.txt', content: 'X' },
      { on: 'onprem', write: 'src/P/r.txt', content: 'R' },
      // The folder is gone by id: the guard stops the pass, nothing changes.
      { sync: [], exit: 5 },
      // Forced: before the fix the folder was taken for deleted, re-created (merged into the new one, which the
      // pass had not read) for the cloud's new file, and r.txt became a member only a pass later.
      { sync: ['--force'] },
      {
        expect: {
          onprem: { src: D, 'src/P': D, 'src/P/r.txt': 'R', 'src/P/x.txt': 'X' },
          cloud: { dst: D, 'dst/P': D, 'dst/P/r.txt': 'R', 'dst/P/x.txt': 'X' },
          members: { 'src/P/r.txt': 'SYNCED', 'src/P/x.txt': 'SYNCED' },
        },
      },
      settled(),
    ],
  },
  {
    name: 'model seed 4324: a folder deleted on the cloud that still holds a file whose move out failed is re-created there, in the same pass',
    rule: '§3 a change beats a delete: a folder that keeps a member is re-created, never left PENDING by a completed pass',
    ...folderSet,
    create: [...folderSet.create, '--delete-onprem'],
    steps: [
      // The cloud renames a.txt onto r.txt, which on-prem writes new: both FAILED (name clash), a.txt stays.
      { on: 'onprem', write: 'src/P/r.txt', content: 'R' },
      { on: 'cloud', mv: ['dst/P/a.txt', 'dst/P/r.txt'] },
      { on: 'cloud', write: 'dst/P/sub/a.txt', content: 'A2' },
      { sync: [], exit: 3 },
      // The cloud moves sub/a.txt up onto the name on-prem still holds (a clash: it stays in sub on-prem) and
      // deletes sub: before the fix the on-prem delete of sub found it holding a.txt and left it PENDING,
      // shown at a cloud path that is gone, re-created a pass later.
      { on: 'cloud', mv: ['dst/P/sub/a.txt', 'dst/P/a.txt'] },
      { on: 'cloud', rm: 'dst/P/sub' },
      { sync: [], exit: 3 },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/b.txt': 'B',
            'src/P/r.txt': 'R',
            'src/P/sub': D,
            'src/P/sub/a.txt': 'A2',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A2',
            'dst/P/b.txt': 'B',
            'dst/P/r.txt': 'A',
            'dst/P/sub': D,
          },
          members: { 'src/P/sub': 'SYNCED', 'src/P/sub/a.txt': 'FAILED TARGET_FOLDER_NAME_CLASH' },
        },
      },
      settled(3, ['fail']),
    ],
  },
  {
    name: 'model seed 4293: crossing moves that would nest two sets’ folders in each other hold the move in its old set, settled in one pass',
    rule: '§3 sets never overlap; a move into another set that cannot be applied waits in its old set, FAILED, never undone',
    ...twoSets,
    onprem: { ...twoSets.onprem, 'src/P/sub': D, 'src/P/sub/b.txt': 'B' },
    steps: [
      createQ,
      { run: ['sync'] },
      // The cloud moves Q's folder into P's sub while on-prem moves P's sub into Q's folder.
      { on: 'cloud', mv: ['dst/Q', 'dst/P/sub/Q'] },
      { on: 'onprem', mv: ['src/P/sub', 'src/Q/s2/Q2'] },
      // The cloud copy of sub cannot move into Q's cloud folder, which is inside it: before the fix Q took it
      // in, its cloud move failed (INVALID_NAME), and the next pass with no change took it back into P and
      // moved it back on-prem to src/P/sub.
      { run: ['sync'], exit: 3 },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/Q': D,
            'src/Q/q.txt': 'Q',
            'src/Q/s2': D,
            'src/Q/s2/Q2': D,
            'src/Q/s2/Q2/b.txt': 'B',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/sub': D,
            'dst/P/sub/b.txt': 'B',
            'dst/P/sub/Q': D,
            'dst/P/sub/Q/q.txt': 'Q',
            'dst/P/sub/Q/s2': D,
          },
          members: { 'src/Q/s2/Q2': 'FAILED TARGET_FOLDER_NOT_FOUND', 'src/Q/s2/Q2/b.txt': 'SYNCED' },
        },
      },
      settled(3, ['fail']),
    ],
  },
  {
    name: 'model seed 4432: a file moved on both sides whose winning move clashes fails the same way every pass until the name is free',
    rule: '§3 a move that cannot be applied (a name clash) fails TARGET_FOLDER_NAME_CLASH, is retried every pass and applied once the name is free',
    ...folderSet,
    steps: [
      // The cloud deletes sub/d.txt: its on-prem copy stays (DELETED_ON_CLOUD) and holds the name.
      { on: 'cloud', rm: 'dst/P/sub/d.txt' },
      { on: 'onprem', write: 'src/P/sub/q.txt', content: 'Q' },
      { sync: [], exit: 3 },
      // Both sides move q.txt: on-prem into a new folder, the cloud onto d.txt's name (the cloud's move wins).
      { on: 'onprem', mv: ['src/P/sub/q.txt', 'src/P/s2/q.txt'] },
      { on: 'cloud', mv: ['dst/P/sub/q.txt', 'dst/P/sub/d.txt'] },
      { sync: [], exit: 3 },
      { expect: { members: { 'src/P/s2/q.txt': 'FAILED TARGET_FOLDER_NAME_CLASH' } } },
      // Before the fix the failed pass recorded the cloud's rename, and the next pass with no change applied the
      // on-prem move instead (a pass late, undoing the cloud's rename).
      settled(3, ['fail']),
      // Once the name is free the cloud's move is applied.
      { on: 'onprem', rm: 'src/P/sub/d.txt' },
      { sync: [] },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/P/b.txt': 'B',
            'src/P/s2': D,
            'src/P/sub': D,
            'src/P/sub/d.txt': 'Q',
          },
          cloud: {
            dst: D,
            'dst/P': D,
            'dst/P/a.txt': 'A',
            'dst/P/b.txt': 'B',
            'dst/P/s2': D,
            'dst/P/sub': D,
            'dst/P/sub/d.txt': 'Q',
          },
        },
      },
      settled(),
    ],
  },
  {
    name: 'model seed 4591: a file waiting for request-sync, edited, carried into another set by its folder is recorded there',
    rule: '§3 a node that moved to another set is not missing: that set takes it in, in the same pass; a failed member stays visible',
    onprem: { ...twoSets.onprem, 'src/P/sub': D, 'src/P/sub/b.txt': 'B' },
    cloud: { dst: D },
    // Q first, so $ID is the set the file arrives in.
    create: ['src/Q', '--target', 'dst'],
    steps: [
      { run: ['create', 'src/P', '--target', 'dst'] },
      { run: ['sync'] },
      { on: 'onprem', write: 'src/P/sub/r.txt', content: 'R' },
      { run: ['sync'] },
      // Deleted on the cloud (delete on-prem off): it waits for request-sync, FAILED DELETED_ON_CLOUD.
      { on: 'cloud', rm: 'dst/P/sub/r.txt' },
      { run: ['sync'], exit: 3 },
      // The cloud moves its folder into Q while on-prem edits it: Q takes the folder in, the file goes along.
      { on: 'cloud', mv: ['dst/P/sub', 'dst/Q/P2'] },
      { on: 'onprem', write: 'src/P/sub/r.txt', content: 'R2' },
      // Before the fix P forgot it and Q planned nothing for it: its file sat in Q's folder, no member of any set.
      { run: ['sync'], exit: 3 },
      {
        expect: {
          onprem: {
            src: D,
            'src/P': D,
            'src/P/a.txt': 'A',
            'src/Q': D,
            'src/Q/q.txt': 'Q',
            'src/Q/P2': D,
            'src/Q/P2/b.txt': 'B',
            'src/Q/P2/r.txt': 'R2',
          },
          members: { 'src/Q/P2/b.txt': 'SYNCED', 'src/Q/P2/r.txt': 'FAILED DELETED_ON_CLOUD' },
        },
      },
      settled(3),
    ],
  },
];
