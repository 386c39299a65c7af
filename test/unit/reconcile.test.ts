import assert from 'node:assert/strict';
import type { NodeKind, RemoteNode, Side } from '../../src/connectors/types.js';
import { detectChanges } from '../../src/engine/detect.js';
import type { Action } from '../../src/engine/plan.js';
import { reconcile } from '../../src/engine/reconcile.js';
import type { SideView } from '../../src/engine/view.js';
import { DEFAULT_OPTIONS, type MemberState, type SetOptions, type SetState } from '../../src/store/schema.js';

/** A side as a flat model: path (relative to the synced folder 'P') → node. */
type Model = Map<string, { id: string; kind: NodeKind; token: string; mtimeMs?: number }>;

const START: Record<string, string | null> = {
  '': null,
  'a.txt': 'A',
  'b.txt': 'B',
  'c.txt': 'C',
  sub: null,
  'sub/d.txt': 'D',
};

function model(prefix: string): Model {
  const m: Model = new Map();
  for (const [p, content] of Object.entries(START)) {
    m.set(p, { id: `${prefix}:${p}`, kind: content === null ? 'folder' : 'file', token: content ?? '' });
  }
  return m;
}

const parentOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : p === '' ? null : '');
const nameOf = (p: string) => (p === '' ? 'P' : p.slice(p.lastIndexOf('/') + 1));

function view(side: Side, m: Model): SideView {
  const v: SideView = {
    side,
    nodes: new Map(),
    children: new Map(),
    rel: new Map(),
    unreadable: new Set(),
    untracked: new Set(),
    detachedSeen: new Map(),
    detachedPresent: new Set(),
    skipped: [],
    rootGone: false,
  };
  for (const [p, n] of m) {
    const parent = parentOf(p);
    const parentId = parent === null ? 'outside' : m.get(parent)!.id;
    const node: RemoteNode = {
      id: n.id,
      name: nameOf(p),
      kind: n.kind,
      parentId,
      size: n.token.length,
      mtimeMs: n.mtimeMs ?? 1,
      token: n.token,
    };
    v.nodes.set(n.id, node);
    v.rel.set(n.id, p);
    if (parent !== null) v.children.set(parentId, [...(v.children.get(parentId) ?? []), n.id]);
  }
  return v;
}

/** The state after a clean first pass over START. */
function syncedState(options: Partial<SetOptions>): SetState {
  const on = model('o');
  const cl = model('c');
  const keyOf = (p: string) => (p === '' ? 'm1' : `k:${p}`);
  const members: MemberState[] = [...on.keys()].map((p) => {
    const snap = (mm: Model) => {
      const n = mm.get(p)!;
      const parent = parentOf(p);
      return {
        id: n.id,
        parentId: parent === null ? 'outside' : mm.get(parent)!.id,
        name: nameOf(p),
        token: n.token,
        size: n.token.length,
        mtimeMs: 1,
        path: p,
      };
    };
    return {
      key: keyOf(p),
      kind: on.get(p)!.kind,
      direct: p === '',
      parentKey: parentOf(p) === null ? null : keyOf(parentOf(p)!),
      onprem: snap(on),
      cloud: snap(cl),
      status: 'SYNCED',
      lastSyncAt: 'x',
    };
  });
  return {
    schema: 1,
    set: {
      id: 's1',
      name: 'P',
      kind: 'folder',
      createdAt: 'x',
      options: { ...DEFAULT_OPTIONS, ...options },
      target: { id: 'T', path: 'dst' },
      excludes: [],
    },
    members,
    backups: [],
    lastSyncAt: 'x',
    nextKey: 100,
  };
}

type Change = (m: Model) => void;
const edit =
  (p: string, token: string, mtimeMs?: number): Change =>
  (m) => {
    m.get(p)!.token = token;
    m.get(p)!.mtimeMs = mtimeMs;
  };
const remove =
  (p: string): Change =>
  (m) => {
    for (const k of [...m.keys()]) if (k === p || k.startsWith(`${p}/`)) m.delete(k);
  };
const move =
  (from: string, to: string): Change =>
  (m) => {
    for (const k of [...m.keys()]) {
      if (k === from || k.startsWith(`${from}/`)) {
        m.set(to + k.slice(from.length), m.get(k)!);
        m.delete(k);
      }
    }
  };
const add =
  (p: string, token: string | null, id?: string): Change =>
  (m) => {
    m.set(p, { id: id ?? `new:${p}`, kind: token === null ? 'folder' : 'file', token: token ?? '' });
  };

interface Row {
  name: string;
  onprem?: Change[];
  cloud?: Change[];
  options?: Partial<SetOptions>;
  /** `type to path` (to/on omitted for state-only actions). */
  want: string[];
}

const describeAction = (a: Action) => {
  const to = 'to' in a ? ` ${a.to}` : a.type === 'rename-loser' ? ` ${a.on}` : '';
  const extra = a.type === 'update' && a.conflict ? ' (conflict)' : a.type === 'fail' ? ` ${a.code}` : '';
  // A move is named by where the node was (its path field is where it goes).
  return `${a.type}${to} ${a.type === 'move' ? a.fromPath : a.path}${extra}`;
};

const rows: Row[] = [
  { name: 'nothing changed', want: [] },
  { name: 'edit on-prem pushes', onprem: [edit('a.txt', 'A2')], want: ['update cloud a.txt'] },
  { name: 'edit in cloud pulls', cloud: [edit('a.txt', 'A2')], want: ['update onprem a.txt'] },
  {
    name: 'both edit, different: cloud wins',
    onprem: [edit('a.txt', 'X')],
    cloud: [edit('a.txt', 'Y')],
    want: ['update onprem a.txt (conflict)'],
  },
  {
    name: 'both edit, equal content: no conflict',
    onprem: [edit('a.txt', 'Z')],
    cloud: [edit('a.txt', 'Z')],
    want: ['adopt a.txt'],
  },
  {
    name: 'onprem-wins',
    options: { conflict: 'onprem-wins' },
    onprem: [edit('a.txt', 'X')],
    cloud: [edit('a.txt', 'Y')],
    want: ['update cloud a.txt (conflict)'],
  },
  {
    name: 'newer-wins picks the newer',
    options: { conflict: 'newer-wins' },
    onprem: [edit('a.txt', 'X', 50)],
    cloud: [edit('a.txt', 'Y', 10)],
    want: ['update cloud a.txt (conflict)'],
  },
  {
    name: 'keep-both renames the loser, copies the winner, and sends the loser across in the same pass',
    options: { conflict: 'keep-both' },
    onprem: [edit('a.txt', 'X')],
    cloud: [edit('a.txt', 'Y')],
    want: [
      'copy cloud a (conflict onprem 2026-11-22 10-00-00).txt',
      'copy onprem a.txt',
      'rename-loser onprem a.txt',
    ],
  },
  { name: 'rename is a move', onprem: [move('a.txt', 'a2.txt')], want: ['move cloud a.txt'] },
  { name: 'move into subfolder is a move', cloud: [move('a.txt', 'sub/a.txt')], want: ['move onprem a.txt'] },
  { name: 'folder rename moves once', onprem: [move('sub', 'sub2')], want: ['move cloud sub'] },
  {
    name: 'both rename differently: cloud wins',
    onprem: [move('a.txt', 'x.txt')],
    cloud: [move('a.txt', 'y.txt')],
    want: ['move onprem a.txt'],
  },
  { name: 'onprem delete deletes cloud', onprem: [remove('a.txt')], want: ['delete cloud a.txt'] },
  {
    name: 'onprem delete, delete-on-cloud off: detach',
    options: { deleteOnCloud: false },
    onprem: [remove('a.txt')],
    want: ['detach a.txt'],
  },
  {
    name: 'cloud delete, delete-onprem off: DELETED_ON_CLOUD',
    cloud: [remove('a.txt')],
    want: ['fail a.txt DELETED_ON_CLOUD'],
  },
  {
    name: 'cloud delete, delete-onprem on: delete on-prem',
    options: { deleteOnPrem: true },
    cloud: [remove('a.txt')],
    want: ['delete onprem a.txt'],
  },
  {
    name: 'folder delete: member by member, never a tree',
    onprem: [remove('sub')],
    want: ['delete cloud sub', 'delete cloud sub/d.txt'],
  },
  {
    name: 'deleted on both sides: forget',
    onprem: [remove('a.txt')],
    cloud: [remove('a.txt')],
    want: ['forget a.txt'],
  },
  {
    name: 'delete vs edit: the edit wins (re-created)',
    onprem: [remove('a.txt')],
    cloud: [edit('a.txt', 'A2')],
    want: ['copy onprem a.txt'],
  },
  {
    name: 'folder delete vs edit inside: folder and file re-created',
    onprem: [remove('sub')],
    cloud: [edit('sub/d.txt', 'D2')],
    want: ['copy onprem sub/d.txt', 'mkdir onprem sub'],
  },
  { name: 'new on-prem file is copied', onprem: [add('n.txt', 'N')], want: ['copy cloud n.txt'] },
  {
    name: 'new folder with a file: mkdir then copy',
    cloud: [add('nf', null), add('nf/x.txt', 'X')],
    want: ['copy onprem nf/x.txt', 'mkdir onprem nf'],
  },
  {
    name: 'same new file on both sides, equal: adopt',
    onprem: [add('n.txt', 'N')],
    cloud: [add('n.txt', 'N')],
    want: ['adopt n.txt'],
  },
  {
    name: 'same new name, different content: both fail, nothing touched',
    onprem: [add('n.txt', 'N1')],
    cloud: [add('n.txt', 'N2')],
    want: ['fail n.txt TARGET_FOLDER_NAME_CLASH', 'fail n.txt TARGET_FOLDER_NAME_CLASH'],
  },
  {
    name: 'rename onto a name taken on the other side fails',
    onprem: [move('a.txt', 'z.txt')],
    cloud: [add('z.txt', 'Z')],
    want: ['fail a.txt TARGET_FOLDER_NAME_CLASH', 'fail z.txt TARGET_FOLDER_NAME_CLASH'],
  },
  {
    name: 'replaced by save-via-rename: an edit',
    onprem: [remove('a.txt'), add('a.txt', 'A9', 'o:a.txt#2')],
    want: ['update cloud a.txt'],
  },
  {
    name: 'swap-free rename into a freed name',
    onprem: [move('a.txt', 'a-old.txt'), move('b.txt', 'a.txt')],
    want: ['move cloud a.txt', 'move cloud b.txt'],
  },
];

describe('reconcile (table)', () => {
  for (const row of rows) {
    it(row.name, async () => {
      const state = syncedState(row.options ?? {});
      const on = model('o');
      const cl = model('c');
      for (const c of row.onprem ?? []) c(on);
      for (const c of row.cloud ?? []) c(cl);
      const views = { onprem: view('onprem', on), cloud: view('cloud', cl) };
      const byKey = new Map(state.members.map((m) => [m.key, m]));
      const changes = {
        onprem: detectChanges(state, 'onprem', views.onprem, false, byKey),
        cloud: detectChanges(state, 'cloud', views.cloud, false, byKey),
      };
      const tokenOf = (side: Side, id: string) => views[side].nodes.get(id)!.token;
      const { plan } = await reconcile({
        state,
        changes,
        views,
        properties: { onprem: false, cloud: false },
        hashOf: async (side, id) => tokenOf(side, id),
        now: new Date('2026-11-22T10:00:00Z'),
      });
      assert.deepEqual(plan.actions.map(describeAction).sort(), [...row.want].sort());
    });
  }
});

describe('reconcile: a killed pass left its copy behind', () => {
  it('pairs a pending member with the equal node already in its place, and refuses a different one', async () => {
    for (const [content, want] of [
      ['N', ['adopt n.txt']],
      ['other', ['fail n.txt TARGET_FOLDER_NAME_CLASH', 'fail n.txt TARGET_FOLDER_NAME_CLASH']],
    ] as const) {
      const state = syncedState({});
      // n.txt is a member known on-prem only (its upload was never recorded)...
      state.members.push({
        key: 'k:n.txt',
        kind: 'file',
        direct: false,
        parentKey: 'm1',
        onprem: {
          id: 'o:n.txt',
          parentId: 'o:',
          name: 'n.txt',
          token: 'N',
          size: 1,
          mtimeMs: 1,
          path: 'n.txt',
        },
        cloud: null,
        status: 'PENDING',
        lastSyncAt: null,
      });
      const on = model('o');
      add('n.txt', 'N', 'o:n.txt')(on);
      // ...and the cloud already holds a node of that name.
      const cl = model('c');
      add('n.txt', content)(cl);
      const views = { onprem: view('onprem', on), cloud: view('cloud', cl) };
      const byKey = new Map(state.members.map((m) => [m.key, m]));
      const changes = {
        onprem: detectChanges(state, 'onprem', views.onprem, false, byKey),
        cloud: detectChanges(state, 'cloud', views.cloud, false, byKey),
      };
      const { plan } = await reconcile({
        state,
        changes,
        views,
        properties: { onprem: false, cloud: false },
        hashOf: async (side, id) => views[side].nodes.get(id)!.token,
        now: new Date(),
      });
      assert.deepEqual(plan.actions.map(describeAction).sort(), [...want].sort(), content);
    }
  });
});
