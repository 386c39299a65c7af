import assert from 'node:assert/strict';
import { recordedTree } from '../../src/engine/recorded-tree.js';
import { DEFAULT_OPTIONS, type MemberState, type SetState } from '../../src/store/schema.js';
import { prng } from '../support/prng.js';

function member(key: string, parentId: string, name: string): MemberState {
  const s = { id: `id-${key}`, parentId, name, token: 't', size: 0, mtimeMs: 0, path: name };
  return {
    key,
    kind: 'file',
    direct: false,
    parentKey: null,
    onprem: s,
    cloud: null,
    status: 'SYNCED',
    lastSyncAt: null,
  };
}

function setOf(members: MemberState[]): SetState {
  return {
    schema: 1,
    set: {
      id: 'abcd1234',
      name: 'T',
      kind: 'folder',
      createdAt: '2026-01-01T00:00:00.000Z',
      options: DEFAULT_OPTIONS,
      target: { id: 'T', path: 'Shared' },
      excludes: [],
    },
    members,
    backups: [],
    lastSyncAt: null,
    nextKey: members.length + 1,
  };
}

/** Members of `folders` folders, each with up to `most` entries (names may repeat), kept together or not. */
function membersOf(rand: () => number, folders: number, most: number, together: boolean): MemberState[] {
  const out: MemberState[] = [];
  for (let f = 0; f < folders; f++) {
    const n = Math.floor(rand() * most);
    for (let k = 0; k < n; k++)
      out.push(member(`${out.length}`, `p${f}`, `n${Math.floor(rand() * n * 1.2)}`));
  }
  if (!together) {
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
  }
  return out;
}

describe('recordedTree: lookup by place (issue 11, no per-entry index)', () => {
  for (const [label, folders, most, together] of [
    ['folders kept together, short runs', 20, 20, true],
    ['folders kept together, runs longer than a scan', 6, 120, true],
    ['entries scattered across the state', 10, 40, false],
  ] as const) {
    it(`finds exactly what a full index of first records finds: ${label}`, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const rand = prng(seed);
        const members = membersOf(rand, folders, most, together);
        // a few stray records of folder p0 at the end: that folder's entries are then not in one run
        if (seed % 4 === 0) members.push(member('x1', 'p0', 'n1'), member('x2', 'p0', 'stray'));
        const tree = recordedTree(setOf(members), 'onprem', 'root-id');
        assert.equal(tree.count, members.length);
        for (let f = -1; f <= folders; f++)
          for (const name of ['n0', 'n1', 'n5', 'n40', 'n119', 'stray', 'absent']) {
            const want = members.findIndex((m) => m.onprem!.parentId === `p${f}` && m.onprem!.name === name);
            assert.equal(tree.find(`p${f}`, name), want, `seed ${seed}: p${f}/${name}`);
          }
      }
    });
  }
});
