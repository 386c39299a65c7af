// Runs one case from scratch (fresh home and sides): the setup, then each operation, with the invariants
// checked after every pass. Ops come either from the generator (a new seed) or from a list (replay, shrink).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Side } from '../../src/connectors/types.js';
import type { Emulator } from '../support/emulator/index.js';
import { tempDir } from '../support/cli.js';
import { excluder, type SetView } from './check-members.js';
import { ModelCli, parseJson } from './cli.js';
import { Generator } from './generate.js';
import { describeOp, type Case, type Op } from './ops.js';
import { runPass, type PassContext } from './passes.js';
import type { Violation } from './oracle.js';
export type { Violation } from './oracle.js';
import { EmulatorModelSide, LocalModelSide, type ModelSide } from './sides.js';
import { World } from './world.js';

/** Where a case runs. */
export interface CaseOptions {
  pairing: 'local' | 'emulator';
  /** The emulator (pairing `emulator`), started once by the caller. */
  emu?: Emulator;
  /** The build to test (a folder with bin/, dist/, package.json); default: this checkout. */
  root?: string;
  /** Called with each line of the run's log. */
  log?: (line: string) => void;
  /** Only these invariants count (the mutation check); default all. */
  only?: string[];
}

/** What a case did. */
export interface CaseResult {
  case: Case;
  violation?: Violation;
  /** Ops applied (user ops not skipped, plus cloudsync runs). */
  executed: number;
  passes: number;
  kills: number;
  /** Exit code of each op's main run (null for user ops). */
  exits: (number | null)[];
}

let siteCounter = 0;

/**
 * Run a case. With `generate` the ops are drawn from the seed as the run goes (`generate` of them), else
 * `c.ops` are replayed. Stops at the first violation.
 */
export async function runCase(c: Case, opts: CaseOptions, generate = 0): Promise<CaseResult> {
  const log = opts.log ?? (() => undefined);
  const gen = new Generator(c.seed);
  const setup = generate ? gen.setup() : c.setup;
  const result: CaseResult = {
    case: { seed: c.seed, setup, ops: [] },
    executed: 0,
    passes: 0,
    kills: 0,
    exits: [],
  };
  const home = await tempDir('cs-model-home-');
  const onDir = await tempDir('cs-model-onprem-');
  let cloud: ModelSide;
  if (opts.pairing === 'emulator') {
    if (!opts.emu) throw new Error('pairing emulator needs a running emulator');
    const site = `m${++siteCounter}`;
    opts.emu.createSite(site);
    cloud = new EmulatorModelSide(opts.emu, site);
  } else cloud = new LocalModelSide(await tempDir('cs-model-cloud-'));
  const sides: Record<Side, ModelSide> = { onprem: new LocalModelSide(onDir), cloud };
  const world = new World(sides);
  const cli = new ModelCli(home, { ...sides.onprem.env(), ...sides.cloud.env() }, opts.root);
  try {
    for (const [p, content] of Object.entries(setup.files)) {
      await sides.onprem.write(p, content);
      world.wrote(content, -1);
    }
    for (const d of setup.cloudDirs) await sides.cloud.mkdir(d);
    for (const side of ['onprem', 'cloud'] as const) {
      const r = await cli.run(['login', side, ...sides[side].loginArgs(), '--json']);
      if (r.code !== 0) throw new Error(`login ${side} exited ${r.code}: ${r.stdout}${r.stderr}`);
    }
    const sets: SetView[] = [];
    const ctx: PassContext = {
      cli,
      world,
      sides,
      sets,
      home,
      result,
      log,
      roots: world.roots,
      only: opts.only,
    };
    for (const def of setup.sets) {
      const args = ['create', ...def.paths, '--target', sides.cloud.cliPath('T'), ...def.flags, '--json'];
      const r = await cli.run(args);
      log(`  create ${def.paths.join(' ')} ${def.flags.join(' ')} → exit ${r.code}`);
      const id = parseJson<{ id?: string }>(r)?.id;
      if (!id || ![0, 3].includes(r.code ?? -1)) {
        result.violation = {
          op: -1,
          invariant: 'create failed',
          messages: [`create exited ${r.code}: ${r.stdout}`],
        };
        return result;
      }
      sets.push({ id, excluded: excluder(def.flags.includes('*.bak')) });
      const folder = def.paths.length === 1 && def.paths[0] === path.basename(def.paths[0]!);
      ctx.roots.push(folder ? [`${def.paths[0]}/`, `T/${def.paths[0]}/`] : ['D/d', 'T/d']);
    }
    const after = await runPass(ctx, { k: 'sync', flags: [] }, -1);
    if (after) {
      result.violation = after;
      return result;
    }
    const ops: Op[] = [...c.ops];
    for (let i = 0; generate ? result.case.ops.length < generate : i < ops.length; i++) {
      let batch: Op[];
      if (generate) {
        batch = gen.next(
          { onprem: await sides.onprem.snapshot(), cloud: await sides.cloud.snapshot() },
          cloud.label === 'local',
        );
        if (result.case.ops.length + batch.length >= generate && gen.rng.chance(0.4))
          batch.push({ k: 'unsync' });
      } else batch = [ops[i]!];
      for (const op of batch) {
        const index = result.case.ops.length;
        result.case.ops.push(op);
        if ('on' in op) {
          result.exits.push(null);
          const done = await world.apply(op, index);
          if (done) result.executed++;
          if (done && op.k === 'mv') followRoots(ctx.roots, op.on, op.from, op.to);
          log(`  ${String(index).padStart(3)} ${describeOp(op)}${done ? '' : ' (skipped)'}`);
          continue;
        }
        result.executed++;
        const v = await runPass(ctx, op, index);
        if (v) {
          result.violation = v;
          return result;
        }
        if (op.k === 'unsync') return result;
      }
    }
    // every sequence ends with a plain pass, so the last user ops are checked too
    const last = await runPass(ctx, { k: 'sync', flags: [] }, result.case.ops.length);
    if (last) result.violation = last;
    return result;
  } finally {
    await sides.onprem.cleanup();
    await sides.cloud.cleanup();
    await rm(home, { recursive: true, force: true });
  }
}

/** A user move of a set's root (or a folder above it) takes the root along: deletes are counted below it. */
function followRoots(roots: [string, string][], on: Side, from: string, to: string): void {
  const i = on === 'onprem' ? 0 : 1;
  for (const r of roots) if (r[i]!.startsWith(`${from}/`)) r[i] = `${to}/${r[i]!.slice(from.length + 1)}`;
}
