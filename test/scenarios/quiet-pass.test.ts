// A pass that finds nothing changed skips reconcile, plan and apply (issue 11, engine/quiet.ts). These are the
// cases where "nothing changed" to the comparison of tokens is still something to do or to show: each would
// go unnoticed if the quiet check let them through.
import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { LocalDriver } from './drivers.js';
import { runScenario, type Scenario, type StepContext, type SyncJson } from './harness.js';

const D = null;
const actions = (j: SyncJson) => j.sets.flatMap((s) => s.actions.map((a) => a.type)).sort();

const scenarios: Scenario[] = [
  {
    name: 'a pass over an unchanged folder set does nothing and changes nothing',
    rule: 'issue 11: early exit',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/sub': D, 'src/P/sub/b.txt': 'B' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { sync: [], check: (j: SyncJson) => assert.deepEqual(actions(j), []) },
      {
        expect: {
          cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/sub': D, 'dst/P/sub/b.txt': 'B' },
          members: { 'src/P/a.txt': 'SYNCED', 'src/P/sub/b.txt': 'SYNCED' },
        },
      },
    ],
  },
  {
    name: 'a document whose folder (outside the set) was renamed shows its new path after a pass with no action',
    rule: 'issue 11: early exit keeps paths',
    onprem: { src: D, 'src/a.txt': 'A' },
    cloud: { dst: D },
    create: ['src/a.txt', '--target', 'dst'],
    steps: [
      { on: 'onprem', mv: ['src', 'moved'] },
      { sync: [], check: (j: SyncJson) => assert.deepEqual(actions(j), []) },
      { expect: { members: { 'moved/a.txt': 'SYNCED' }, cloud: { dst: D, 'dst/a.txt': 'A' } } },
    ],
  },
  {
    name: 'a folder set whose parent folder (outside the set) was renamed shows every member at its new path',
    rule: 'issue 11: a quiet pass refreshes no path unless a direct member moved',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A', 'src/P/sub': D, 'src/P/sub/b.txt': 'B' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst'],
    steps: [
      { sync: [], check: (j: SyncJson) => assert.deepEqual(actions(j), []) },
      { on: 'onprem', mv: ['src', 'moved'] },
      { sync: [], check: (j: SyncJson) => assert.deepEqual(actions(j), []) },
      {
        expect: {
          members: { 'moved/P/a.txt': 'SYNCED', 'moved/P/sub/b.txt': 'SYNCED' },
          cloud: { dst: D, 'dst/P': D, 'dst/P/a.txt': 'A', 'dst/P/sub': D, 'dst/P/sub/b.txt': 'B' },
        },
      },
      { sync: [], check: (j: SyncJson) => assert.deepEqual(actions(j), []) },
      { expect: { members: { 'moved/P/a.txt': 'SYNCED', 'moved/P/sub/b.txt': 'SYNCED' } } },
    ],
  },
  {
    name: 'a document moved to another folder under its name is recorded there',
    rule: 'issue 11: early exit sees a direct member move',
    onprem: { src: D, 'src/a.txt': 'A', other: D },
    cloud: { dst: D },
    create: ['src/a.txt', '--target', 'dst'],
    steps: [
      { on: 'onprem', mv: ['src/a.txt', 'other/a.txt'] },
      { sync: [] },
      { expect: { members: { 'other/a.txt': 'SYNCED' }, cloud: { dst: D, 'dst/a.txt': 'A' } } },
    ],
  },
  {
    name: 'lock-onprem: a lock removed by hand (content unchanged) is put back',
    rule: 'issue 11: early exit keeps locks',
    onprem: { src: D, 'src/P': D, 'src/P/a.txt': 'A' },
    cloud: { dst: D },
    create: ['src/P', '--target', 'dst', '--lock-onprem'],
    steps: [
      { expect: { writable: { 'src/P/a.txt': false } } },
      {
        run: ['list'],
        check: async (_out: unknown, ctx: StepContext) => {
          const root = (ctx.drivers.onprem as LocalDriver).root;
          await chmod(path.join(root, 'src', 'P', 'a.txt'), 0o644);
        },
      },
      { expect: { writable: { 'src/P/a.txt': true } } },
      { sync: [], check: (j: SyncJson) => assert.deepEqual(actions(j), ['lock']) },
      { expect: { writable: { 'src/P/a.txt': false } } },
    ],
  },
];

describe('scenarios: a pass with nothing to do (local ↔ local)', function () {
  this.timeout(120_000);
  for (const s of scenarios)
    it(`${s.name} (${s.rule})`, () =>
      runScenario(s, async () => ({
        onprem: await LocalDriver.create(),
        cloud: await LocalDriver.create(),
      })));
});
