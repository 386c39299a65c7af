import assert from 'node:assert/strict';
import fs from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalConnector } from '../../src/connectors/local/index.js';
import { SIDES } from '../../src/connectors/types.js';
import { createSyncSet, runPass } from '../../src/engine/index.js';
import type { EngineContext } from '../../src/engine/types.js';
import { OwnerRecords } from '../../src/store/owner-records.js';
import { StateStore } from '../../src/store/state-store.js';

// The owner stamp of a pass that changes something: the home's record (pass number, time) written durably
// before the marker, then the marker's id and token noted beside the record without an fsync (one fsync
// fewer per `watch` edit). A note lost or torn in a power cut must cost at most a read of the marker, never
// a false "copied home", and a copied home must still be refused.
describe('engine: the owner record and its note', function () {
  this.timeout(20_000);
  let dir: string;
  const on = (...p: string[]) => path.join(dir, 'on', ...p);
  const cl = (...p: string[]) => path.join(dir, 'cl', ...p);
  const contexts: EngineContext[] = [];

  /** An engine context over the pair with the home `home` (this installation: `installation`). */
  function contextFor(home: string, installation = 'inst-1'): EngineContext {
    const ctx: EngineContext = {
      connectors: { onprem: new LocalConnector(on()), cloud: new LocalConnector(cl()) },
      store: new StateStore(home, 'default'),
      home,
      owner: {
        installation: { id: installation, host: 'h' },
        takeOver: false,
        records: new OwnerRecords(home, 'default'),
        swept: new Set(),
      },
    };
    contexts.push(ctx);
    return ctx;
  }
  const stateDir = (home: string) => path.join(home, 'state', 'default');
  const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cloudsync-owner-note-'));
    fs.mkdirSync(on('Projects'), { recursive: true });
    fs.mkdirSync(cl('Shared'), { recursive: true });
    fs.writeFileSync(on('Projects', 'a.txt'), 'a1');
  });
  afterEach(async () => {
    for (const ctx of contexts.splice(0)) for (const side of SIDES) await ctx.connectors[side].close();
    await rm(dir, { recursive: true, force: true });
  });

  async function createAndSync(ctx: EngineContext): Promise<string> {
    const opts = { mkdir: false, options: {}, excludes: [] };
    const set = await createSyncSet(ctx, { paths: ['Projects'], target: 'Shared', ...opts });
    assert.equal((await runPass(ctx, {})).exitCode, 0);
    return set.set.id;
  }

  it("notes the marker's id and token beside the durable record, of the same pass", async () => {
    const home = path.join(dir, 'home');
    const ctx = contextFor(home);
    const id = await createAndSync(ctx);
    fs.writeFileSync(on('Projects', 'a.txt'), 'a2');
    assert.equal((await runPass(ctx, {})).exitCode, 0);
    const rec = readJson(path.join(stateDir(home), `.${id}.owner`));
    const note = readJson(path.join(stateDir(home), `.${id}.owner.note`));
    assert.equal(typeof rec.pass, 'number');
    assert.equal(note.pass, rec.pass);
    assert.equal(note.at, rec.at);
    assert.equal(rec.markerToken, undefined, 'the durable record holds no token');
    const marker = fs.readdirSync(cl('Shared')).find((n) => n.startsWith('.cloudsync-owner.'));
    assert.ok(marker, fs.readdirSync(cl('Shared')).join());
    assert.equal(readJson(cl('Shared', marker)).pass, rec.pass);
    // What a pass reads: the record with the note's id and token.
    const got = await new OwnerRecords(home, 'default').get(id);
    assert.equal(got?.pass, rec.pass);
    assert.equal(got?.markerToken, note.markerToken);
    assert.equal(got?.markerId, note.markerId);
    assert.equal(fs.readFileSync(cl('Shared', 'Projects', 'a.txt'), 'utf8'), 'a2');
  });

  it('a note lost, torn or of another pass is ignored: the next pass reads the marker and runs', async () => {
    const home = path.join(dir, 'home');
    const ctx = contextFor(home);
    const id = await createAndSync(ctx);
    const noteFile = path.join(stateDir(home), `.${id}.owner.note`);
    const rec = readJson(path.join(stateDir(home), `.${id}.owner`));
    const torn = ['', '{"pass":', JSON.stringify({ ...readJson(noteFile), pass: Number(rec.pass) - 1 })];
    for (const [i, text] of [...torn, null].entries()) {
      if (text === null) fs.rmSync(noteFile, { force: true });
      else fs.writeFileSync(noteFile, text);
      const got = await new OwnerRecords(home, 'default').get(id);
      assert.equal(got?.markerToken, undefined, `note ${i}: not taken`);
      fs.writeFileSync(on('Projects', 'a.txt'), `a${i + 3}`);
      const r = await runPass(ctx, {});
      assert.equal(r.exitCode, 0, JSON.stringify(r.sets.map((s) => s.aborted)));
      assert.equal(fs.readFileSync(cl('Shared', 'Projects', 'a.txt'), 'utf8'), `a${i + 3}`);
    }
  });

  it('a copied home is still refused once the other copy stamped the marker (exit 2)', async () => {
    const home = path.join(dir, 'home');
    const ctx = contextFor(home);
    const id = await createAndSync(ctx);
    const copy = path.join(dir, 'home-copy');
    await cp(home, copy, { recursive: true });
    fs.writeFileSync(on('Projects', 'a.txt'), 'from the first copy');
    assert.equal((await runPass(ctx, {})).exitCode, 0);
    const other = contextFor(copy);
    fs.writeFileSync(on('Projects', 'b.txt'), 'from the second copy');
    const r = await runPass(other, {});
    assert.equal(r.exitCode, 2);
    assert.equal(r.sets.find((s) => s.id === id)?.aborted?.code, 'OWNER_COPIED_HOME');
    assert.ok(!fs.existsSync(cl('Shared', 'Projects', 'b.txt')), 'nothing of the refused set was written');
  });

  it('forgetting a record (unsync) removes its note too', async () => {
    const home = path.join(dir, 'home');
    const ctx = contextFor(home);
    const id = await createAndSync(ctx);
    const records = new OwnerRecords(home, 'default');
    assert.ok(fs.existsSync(path.join(stateDir(home), `.${id}.owner.note`)));
    await records.remove(id);
    assert.deepEqual(
      fs.readdirSync(stateDir(home)).filter((n) => n.includes('.owner')),
      [],
      'neither record nor note is left',
    );
  });
});
