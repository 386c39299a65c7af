import assert from 'node:assert/strict';
import type { Action } from '../../src/engine/plan.js';
import {
  describeAction,
  explainFailure,
  failureSummary,
  memberPaths,
  setStatus,
  toInspectView,
  toMemberRows,
  toSetRow,
} from '../../src/engine/views.js';
import { MemberErrorCodes } from '../../src/errors.js';
import { DEFAULT_OPTIONS, type MemberState, type SetState, type SideState } from '../../src/store/schema.js';

function side(id: string, name: string, path: string, parentId: string | null = 'p'): SideState {
  return { id, parentId, name, token: 't', size: 1, mtimeMs: 0, path };
}

function member(key: string, over: Partial<MemberState>): MemberState {
  return {
    key,
    kind: 'file',
    direct: false,
    parentKey: null,
    onprem: null,
    cloud: null,
    status: 'SYNCED',
    lastSyncAt: null,
    ...over,
  };
}

function folderSet(members: MemberState[]): SetState {
  return {
    schema: 1,
    set: {
      id: 'abcd1234',
      name: 'Projects',
      kind: 'folder',
      createdAt: '2026-01-01T00:00:00.000Z',
      options: DEFAULT_OPTIONS,
      target: { id: 'T', path: 'Shared' },
      excludes: ['*.bak'],
    },
    members,
    backups: [],
    lastSyncAt: '2026-01-02T00:00:00.000Z',
    nextKey: 10,
  };
}

const root = member('m1', {
  kind: 'folder',
  direct: true,
  onprem: side('o1', 'Projects', 'Projects'),
  cloud: side('c1', 'Projects', 'Shared/Projects'),
});

describe('views', () => {
  it('set status: FAILED beats PENDING beats SYNCED', () => {
    assert.equal(setStatus(folderSet([root])), 'SYNCED');
    assert.equal(setStatus(folderSet([root, member('m2', { status: 'PENDING' })])), 'PENDING');
    assert.equal(
      setStatus(folderSet([root, member('m2', { status: 'PENDING' }), member('m3', { status: 'FAILED' })])),
      'FAILED',
    );
  });

  it('list row carries the SPEC §6 fields with member and failure counts', () => {
    const row = toSetRow(folderSet([root, member('m2', { status: 'FAILED', errorCode: 'INVALID_NAME' })]));
    assert.deepEqual(row, {
      id: 'abcd1234',
      kind: 'folder',
      name: 'Projects',
      target: 'Shared',
      members: 2,
      failed: 1,
      detached: 0,
      status: 'FAILED',
      lastSyncAt: '2026-01-02T00:00:00.000Z',
    });
  });

  it('paths of a side a member is not on yet are derived from its parent, or the target for direct members', () => {
    const pendingRoot = member('m1', {
      kind: 'folder',
      direct: true,
      onprem: side('o1', 'Projects', 'Projects'),
      status: 'PENDING',
    });
    const newCloudFile = member('m2', {
      parentKey: 'm1',
      cloud: side('c2', 'b.txt', 'Shared/Projects/b.txt'),
    });
    const paths = memberPaths(folderSet([pendingRoot, newCloudFile]));
    assert.deepEqual(paths.get('m1'), { onprem: 'Projects', cloud: 'Shared/Projects' });
    assert.deepEqual(paths.get('m2'), { onprem: 'Projects/b.txt', cloud: 'Shared/Projects/b.txt' });
  });

  it('a target at the cloud root gives paths without a leading slash', () => {
    const s = folderSet([member('m1', { direct: true, onprem: side('o', 'a.txt', 'a.txt') })]);
    s.set.target.path = '';
    assert.equal(memberPaths(s).get('m1')?.cloud, 'a.txt');
  });

  it('member rows list direct members first, then by path, with nulls for absent errors', () => {
    const child = member('m2', {
      parentKey: 'm1',
      onprem: side('o2', 'a.txt', 'Projects/a.txt'),
      cloud: side('c2', 'a.txt', 'Shared/Projects/a.txt'),
    });
    const rows = toMemberRows(folderSet([child, root]));
    assert.deepEqual(
      rows.map((r) => [r.onpremPath, r.cloudPath, r.direct, r.errorCode]),
      [
        ['Projects', 'Shared/Projects', true, null],
        ['Projects/a.txt', 'Shared/Projects/a.txt', false, null],
      ],
    );
  });

  it('inspect view has options and backups', () => {
    const v = toInspectView(folderSet([root]));
    assert.deepEqual(v.options, DEFAULT_OPTIONS);
    assert.deepEqual(v.backups, []);
    assert.deepEqual(v.excludes, ['*.bak']);
  });

  it('every member error code has an explanation with a remedy', () => {
    for (const code of [...MemberErrorCodes, 'COMMUNICATIONS_ERROR']) {
      const e = explainFailure(code);
      assert.ok(e.meaning.length > 10 && e.remedy.length > 10, code);
    }
    assert.match(explainFailure('TARGET_FOLDER_NAME_CLASH').remedy, /[Rr]ename.*request-sync/);
    assert.match(explainFailure('AUTHENTICATION_ERROR').remedy, /cloudsync login/);
    assert.match(explainFailure('DELETED_ON_CLOUD').remedy, /request-sync.*unsync/);
    assert.equal(explainFailure('NO_SUCH_CODE'), explainFailure('UNKNOWN'));
  });

  it('failure summary counts each code once per member', () => {
    const s = folderSet([
      root,
      member('m2', { status: 'FAILED', errorCode: 'INVALID_NAME', onprem: side('o2', 'a', 'Projects/a') }),
      member('m3', { status: 'FAILED', errorCode: 'INVALID_NAME', onprem: side('o3', 'b', 'Projects/b') }),
      member('m4', {
        status: 'FAILED',
        errorCode: 'DELETED_ON_CLOUD',
        onprem: side('o4', 'c', 'Projects/c'),
      }),
    ]);
    assert.deepEqual(failureSummary(toMemberRows(s)), [
      { code: 'INVALID_NAME', count: 2 },
      { code: 'DELETED_ON_CLOUD', count: 1 },
    ]);
  });

  it('describes plan actions as push/pull/delete/move lines', () => {
    const base = { setId: 's', member: 'm' };
    const cases: [Action, string][] = [
      [
        {
          ...base,
          type: 'copy',
          from: 'onprem',
          to: 'cloud',
          parent: { id: 'x' },
          name: 'a.txt',
          size: 1,
          side: 'cloud',
          path: 'Shared/Projects/a.txt',
        },
        'push  cloud Shared/Projects/a.txt',
      ],
      [
        {
          ...base,
          type: 'update',
          from: 'cloud',
          to: 'onprem',
          side: 'onprem',
          size: 1,
          path: 'Projects/a.txt',
        },
        'pull  onprem Projects/a.txt',
      ],
      [
        { ...base, type: 'delete', to: 'cloud', side: 'cloud', path: 'Projects/b.txt', covers: [] },
        'delete cloud Projects/b.txt',
      ],
      [
        {
          ...base,
          type: 'move',
          to: 'cloud',
          side: 'cloud',
          parent: { id: 'x' },
          name: 'c.txt',
          path: 'Projects/c.txt',
          fromPath: 'Projects/b.txt',
        },
        'move  cloud Projects/b.txt -> Projects/c.txt',
      ],
      [
        { ...base, type: 'fail', side: 'cloud', path: 'Shared/x', code: 'INVALID_NAME', details: 'bad' },
        'fail  cloud Shared/x  (INVALID_NAME: bad)',
      ],
      [{ ...base, type: 'lock', side: 'onprem', path: 'Projects/a.txt' }, 'lock  onprem Projects/a.txt'],
    ];
    for (const [a, line] of cases) assert.equal(describeAction(a), line);
  });
});
