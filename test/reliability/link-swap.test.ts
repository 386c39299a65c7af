import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LocalConnector } from '../../src/connectors/local/index.js';
import type { Connector, WriteOptions } from '../../src/connectors/types.js';
import { createSyncSet, runPass } from '../../src/engine/index.js';
import type { EngineContext } from '../../src/engine/types.js';
import { StateStore } from '../../src/store/state-store.js';

// The link guard (SPEC §4) holds for every write of a pass, not only the first one into a folder: a folder
// the pass already wrote into (so already checked) that is swapped for a link mid-pass is refused.
describe('reliability: a folder swapped for a link in the middle of a pass', function () {
  this.timeout(30_000);
  let dir: string;
  const on = (...p: string[]) => path.join(dir, 'on', ...p);
  const cl = (...p: string[]) => path.join(dir, 'cl', ...p);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cloudsync-link-swap-'));
    fs.mkdirSync(on('Team', 'P'), { recursive: true });
    fs.mkdirSync(cl('Shared'), { recursive: true });
    for (let i = 0; i < 6; i++) fs.writeFileSync(on('Team', 'P', `f${i}.txt`), `f${i}`);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The cloud connector, with `swap` run right after its first file was written. */
  function swappingAfterFirstWrite(inner: LocalConnector, swap: () => void): Connector {
    let writes = 0;
    return new Proxy(inner, {
      get(target, prop) {
        if (prop === 'createFile')
          return async (parentId: string, name: string, content: Readable, opts: WriteOptions) => {
            const node = await target.createFile(parentId, name, content, opts);
            if (++writes === 1) swap();
            return node;
          };
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  for (const which of ['the folder written into', 'a folder above it'] as const) {
    it(`${which}, swapped for a link after the first write: the next writes are refused (LINK_IN_ROOT)`, async () => {
      const elsewhere = path.join(dir, 'elsewhere');
      const swapped = which === 'the folder written into' ? cl('Shared', 'P') : cl('Shared');
      const ctx: EngineContext = {
        connectors: {
          onprem: new LocalConnector(on()),
          cloud: swappingAfterFirstWrite(new LocalConnector(cl()), () => {
            fs.renameSync(swapped, elsewhere);
            fs.symlinkSync(elsewhere, swapped);
          }),
        },
        store: new StateStore(path.join(dir, 'home'), 'default'),
        home: path.join(dir, 'home'),
      };
      await createSyncSet(ctx, {
        paths: ['Team/P'],
        target: 'Shared',
        mkdir: false,
        options: {},
        excludes: [],
      });
      // One write at a time, so the swap falls between two writes into the same, already checked folder.
      const outcome = await runPass(ctx, { transfers: 1 }).then(
        (r) => ({ exitCode: r.exitCode, code: undefined as string | undefined }),
        (err: { exitCode?: number; code?: string }) => ({ exitCode: err.exitCode, code: err.code }),
      );
      assert.deepEqual(outcome, { exitCode: 5, code: 'LINK_IN_ROOT' });
      const inP = which === 'the folder written into' ? elsewhere : path.join(elsewhere, 'P');
      assert.deepEqual(
        fs.readdirSync(inP).filter((n) => !n.startsWith('.')),
        ['f0.txt'],
        'nothing written through the link after the swap',
      );
      await ctx.store.close();
    });
  }
});

// The same for updates: the folder of the file updated first is held open by the connector (folder-handles.ts),
// and the next update into that folder must still find the link, not write through the held folder.
describe('reliability: a folder swapped for a link between two updates of one pass', function () {
  this.timeout(30_000);
  let dir: string;
  const on = (...p: string[]) => path.join(dir, 'on', ...p);
  const cl = (...p: string[]) => path.join(dir, 'cl', ...p);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cloudsync-link-swap-update-'));
    fs.mkdirSync(on('Team', 'P'), { recursive: true });
    fs.mkdirSync(cl('Shared'), { recursive: true });
    for (let i = 0; i < 6; i++) fs.writeFileSync(on('Team', 'P', `f${i}.txt`), `f${i}`);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function context(cloud: Connector): EngineContext {
    return {
      connectors: { onprem: new LocalConnector(on()), cloud },
      store: new StateStore(path.join(dir, 'home'), 'default'),
      home: path.join(dir, 'home'),
    };
  }

  for (const which of ['the folder written into', 'a folder above it'] as const) {
    it(`${which}, swapped after the first update: the next updates are refused (LINK_IN_ROOT)`, async () => {
      const first = context(new LocalConnector(cl()));
      await createSyncSet(first, {
        paths: ['Team/P'],
        target: 'Shared',
        mkdir: false,
        options: {},
        excludes: [],
      });
      assert.equal((await runPass(first, { transfers: 1 })).exitCode, 0);
      await first.store.close();
      for (let i = 0; i < 6; i++) fs.writeFileSync(on('Team', 'P', `f${i}.txt`), `f${i} edited on-prem`);

      const elsewhere = path.join(dir, 'elsewhere');
      const swapped = which === 'the folder written into' ? cl('Shared', 'P') : cl('Shared');
      const inner = new LocalConnector(cl());
      let updates = 0;
      const cloud = new Proxy(inner, {
        get(target, prop) {
          if (prop === 'updateContent')
            return async (id: string, content: Readable, opts: WriteOptions) => {
              const node = await target.updateContent(id, content, opts);
              if (++updates === 1) {
                fs.renameSync(swapped, elsewhere);
                fs.symlinkSync(elsewhere, swapped);
              }
              return node;
            };
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const second = context(cloud);
      const outcome = await runPass(second, { transfers: 1 }).then(
        (r) => ({ exitCode: r.exitCode, code: undefined as string | undefined }),
        (err: { exitCode?: number; code?: string }) => ({ exitCode: err.exitCode, code: err.code }),
      );
      assert.deepEqual(outcome, { exitCode: 5, code: 'LINK_IN_ROOT' });
      const inP = which === 'the folder written into' ? elsewhere : path.join(elsewhere, 'P');
      const edited = fs
        .readdirSync(inP)
        .filter((n) => !n.startsWith('.') && fs.readFileSync(path.join(inP, n), 'utf8').includes('edited'));
      assert.equal(edited.length, 1, `only the update before the swap went there: ${edited.join(', ')}`);
      await second.store.close();
    });
  }
});
