import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Side } from '../../src/connectors/types.js';
import { runCli, tempDir, type CliResult } from '../support/cli.js';
import type { SideDriver, Tree } from './drivers.js';

/** What a check function may look at after a CLI run. */
export interface StepContext {
  id: string;
  home: string;
  drivers: Record<Side, SideDriver>;
}

/** One step of a scenario: a user's change on one side, a command, or an expectation. */
export type Step =
  | { on: Side; write: string; content: string }
  | { on: Side; mkdir: string }
  | { on: Side; rm: string }
  | { on: Side; mv: [string, string] }
  | { on: Side; cp: [string, string] }
  | { on: Side; symlink: [string, string] }
  /** An editor's save: a new file renamed over the old name (falls back to a write where there is no rename). */
  | { on: Side; save: string; content: string }
  /** Change the modification time only. */
  | { on: Side; touch: string }
  /**
   * `cloudsync <args> --json` in a process SIGKILLed after `afterMs`, or once the journals grew by
   * `journalLines`, or right after a file system effect (`afterEffect`: a kill point the model tester
   * recorded, test/model/kill-point.ts; `<onprem>`/`<cloud>` are local sides' roots).
   */
  | { kill: string[]; afterMs?: number; journalLines?: number; afterEffect?: string }
  /** `cloudsync <args> --json` ($ID is the scenario's set id); exit defaults to 0. */
  | { run: string[]; exit?: number; check?: (out: CliResult, ctx: StepContext) => void | Promise<void> }
  /** `cloudsync sync $ID <args> --json`; exit defaults to 0. */
  | { sync: string[]; exit?: number; check?: (out: SyncJson, ctx: StepContext) => void | Promise<void> }
  | {
      expect: {
        onprem?: Tree;
        cloud?: Tree;
        /** member on-prem path (or cloud path when it has no on-prem copy) → "SYNCED", "PENDING", "FAILED CODE". */
        members?: Record<string, string>;
        backups?: number;
        writable?: Record<string, boolean>;
        /** Number of sync sets `list` shows. */
        sets?: number;
      };
    };

/** A behaviour rule as data (rclone bisync's golden tests in spirit). */
export interface Scenario {
  name: string;
  /** Which SPEC rule it proves. */
  rule: string;
  onprem: Tree;
  cloud?: Tree;
  /** Arguments of `cloudsync create` (with --json appended); omitted: no set is created. */
  create?: string[];
  createExit?: number;
  steps: Step[];
  /**
   * Where this scenario does not apply: a driver label ('alfresco'), or side:label ('onprem:alfresco') —
   * e.g. conflict backups are files only where the losing side keeps no versions.
   */
  skipOn?: string[];
}

/** `sync --json` output (SPEC §6). */
export interface SyncJson {
  sets: {
    id: string;
    pushed: number;
    pulled: number;
    deleted: number;
    moved: number;
    conflicts: number;
    failed: number;
    actions: { type: string; to?: string; path: string }[];
    warnings?: string[];
  }[];
  exitCode: number;
}

interface InspectJson {
  members: {
    onpremPath: string | null;
    cloudPath: string | null;
    status: string;
    errorCode?: string | null;
  }[];
  backups?: unknown[];
}

/** Lines in every state journal of the default profile. */
async function journalLines(home: string): Promise<number> {
  const dir = path.join(home, 'state', 'default');
  let n = 0;
  for (const f of await readdir(dir).catch(() => [] as string[]))
    if (f.endsWith('.journal')) n += (await readFile(path.join(dir, f), 'utf8')).split('\n').length - 1;
  return n;
}

/** Run the CLI and SIGKILL it after `afterMs`, or once the journals grew by `journalLines` lines. */
async function killedRun(
  args: string[],
  home: string,
  env: Record<string, string>,
  at: { afterMs?: number; journalLines?: number; afterEffect?: string },
  drivers: Record<Side, SideDriver>,
): Promise<void> {
  if (at.afterEffect !== undefined) {
    const roots: Record<string, string> = { home };
    for (const side of ['onprem', 'cloud'] as const) {
      const root = (drivers[side] as { root?: unknown }).root;
      if (typeof root === 'string') roots[side] = root;
    }
    const hook = new URL('../model/kill-point.js', import.meta.url).href;
    const out = await runCli([...args, '--json'], {
      home,
      env: { ...env, MODEL_KILL_AFTER: at.afterEffect, MODEL_ROOTS: JSON.stringify(roots) },
      nodeArgs: ['--import', hook],
    });
    if (at.afterEffect !== 'none')
      assert.equal(
        out.signal,
        'SIGKILL',
        `the kill point ${at.afterEffect} was never reached: ${out.stdout}`,
      );
    return;
  }
  if (at.afterMs !== undefined) {
    await runCli([...args, '--json'], { home, env, timeoutMs: at.afterMs });
    return;
  }
  const target = (await journalLines(home)) + (at.journalLines ?? 1);
  let pid = 0;
  let done = false;
  const run = runCli([...args, '--json'], { home, env, onSpawn: (p) => (pid = p) }).finally(
    () => (done = true),
  );
  for (
    const end = Date.now() + 30_000;
    !done && Date.now() < end;
    await new Promise((r) => setTimeout(r, 2))
  ) {
    if (pid && (await journalLines(home)) >= target) {
      process.kill(pid, 'SIGKILL');
      break;
    }
  }
  await run;
}

async function seed(driver: SideDriver, tree: Tree): Promise<void> {
  for (const [p, content] of Object.entries(tree)) {
    if (content === null) await driver.mkdir(p);
    else await driver.write(p, content);
  }
}

/** Run one scenario end to end through the built CLI with a fresh --home and fresh sides. */
export async function runScenario(
  s: Scenario,
  makeDrivers: () => Promise<Record<Side, SideDriver>>,
): Promise<void> {
  const drivers = await makeDrivers();
  const home = await tempDir('cloudsync-home-');
  const env = { ...drivers.onprem.env(), ...drivers.cloud.env() };
  const cli = (args: string[]) => runCli([...args, '--json'], { home, env });
  const explain = (what: string, out: CliResult) =>
    `${s.name}: ${what}\nexit ${out.code}\nstdout: ${out.stdout}\nstderr: ${out.stderr}`;
  try {
    await seed(drivers.onprem, s.onprem);
    await seed(drivers.cloud, s.cloud ?? {});
    for (const side of ['onprem', 'cloud'] as const) {
      const out = await cli(['login', side, ...drivers[side].loginArgs()]);
      assert.equal(out.code, 0, explain(`login ${side}`, out));
    }
    let id = '';
    if (s.create) {
      const out = await cli(['create', ...s.create]);
      assert.equal(out.code, s.createExit ?? 0, explain('create', out));
      if (out.code === 0 || out.code === 3) id = out.json<{ id: string }>().id;
    }
    const ctx: StepContext = { id, home, drivers };
    const subst = (args: string[]) => args.map((a) => (a === '$ID' ? id : a));
    for (const [i, step] of s.steps.entries()) {
      const where = `step ${i + 1}`;
      if ('on' in step) {
        const d = drivers[step.on];
        if ('write' in step) await d.write(step.write, step.content);
        else if ('mkdir' in step) await d.mkdir(step.mkdir);
        else if ('rm' in step) await d.rm(step.rm);
        else if ('mv' in step) await d.mv(...step.mv);
        else if ('cp' in step) await d.cp(...step.cp);
        else if ('symlink' in step) await d.symlink!(...step.symlink);
        else if ('save' in step)
          await (d.save ? d.save(step.save, step.content) : d.write(step.save, step.content));
        else if ('touch' in step) await d.touch?.(step.touch);
      } else if ('kill' in step) {
        await killedRun(subst(step.kill), home, env, step, drivers);
      } else if ('run' in step) {
        const out = await cli(subst(step.run));
        assert.equal(out.code, step.exit ?? 0, explain(`${where}: ${step.run.join(' ')}`, out));
        await step.check?.(out, ctx);
      } else if ('sync' in step) {
        const out = await cli(['sync', id, ...subst(step.sync)]);
        assert.equal(out.code, step.exit ?? 0, explain(`${where}: sync ${step.sync.join(' ')}`, out));
        if (step.check) await step.check(out.json<SyncJson>(), ctx);
      } else {
        const e = step.expect;
        if (e.onprem)
          assert.deepEqual(await drivers.onprem.tree(), e.onprem, `${s.name}: ${where}: on-prem tree`);
        if (e.cloud) assert.deepEqual(await drivers.cloud.tree(), e.cloud, `${s.name}: ${where}: cloud tree`);
        if (e.members || e.backups !== undefined) {
          const out = await cli(['inspect', id]);
          assert.equal(out.code, 0, explain(`${where}: inspect`, out));
          const j = out.json<InspectJson>();
          const seen: Record<string, string> = {};
          for (const m of j.members) {
            seen[m.onpremPath ?? m.cloudPath ?? '?'] =
              m.status === 'FAILED' ? `FAILED ${m.errorCode}` : m.status;
          }
          for (const [p, want] of Object.entries(e.members ?? {})) {
            assert.equal(seen[p], want, `${s.name}: ${where}: member ${p} (all: ${JSON.stringify(seen)})`);
          }
          if (e.backups !== undefined)
            assert.equal(j.backups?.length ?? 0, e.backups, `${s.name}: ${where}: backups`);
        }
        if (e.sets !== undefined) {
          const out = await cli(['list']);
          assert.equal(out.json<unknown[]>().length, e.sets, explain(`${where}: list`, out));
        }
        for (const [p, want] of Object.entries(e.writable ?? {})) {
          assert.equal(await drivers.onprem.writable!(p), want, `${s.name}: ${where}: ${p} writable`);
        }
      }
    }
  } finally {
    await drivers.onprem.cleanup();
    await drivers.cloud.cleanup();
    await rm(home, { recursive: true, force: true });
  }
}
