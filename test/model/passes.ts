// cloudsync's half of a model run: plain passes (with a `--dry-run` of the same pass first, sometimes),
// passes SIGKILLed at a time or at a journal line and then rerun, two passes at once, and `unsync`; each
// followed by the invariants of test/model/README.md.
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SIDES, type Side } from '../../src/connectors/types.js';
import { checkMembers, type SetView } from './check-members.js';
import { parseJson, type ModelCli, type Run } from './cli.js';
import {
  checkIntegrity,
  checkNoLoss,
  deletedBelow,
  relFilesBelow,
  observe,
  readTree,
  sameFiles,
  sameSnapshot,
  TEMP,
  invariantOf,
  type Observed,
  type Violation,
} from './oracle.js';
import { describeOp, type Op } from './ops.js';
import type { CaseResult } from './run-case.js';
import type { ModelSide, Snapshot } from './sides.js';
import type { World } from './world.js';

/** What a pass needs to run and be checked. */
export interface PassContext {
  cli: ModelCli;
  world: World;
  sides: Record<Side, ModelSide>;
  sets: SetView[];
  home: string;
  result: CaseResult;
  log: (line: string) => void;
  /** Each set's root on-prem and in the cloud (prefixes) as the next pass finds them, for counting deletes. */
  roots: [string, string][];
  /** Only these invariants count (the mutation check); default all. */
  only?: string[];
  /**
   * The sets each file's bytes belonged to after the last pass (from `inspect`): the delete guard counts a
   * set's documents, wherever they are (a document moved into another set's folder stays its set's).
   */
  contentOwners?: Map<string, Set<string>>;
}

interface SyncJson {
  sets?: { id: string; actions: { type: string; path?: string }[]; aborted?: { code: string } }[];
}

interface Before {
  o: Observed;
  state: Map<string, string>;
}

const actionsOf = (r: Run) => (parseJson<SyncJson>(r)?.sets ?? []).flatMap((s) => s.actions);
const countTypes = (r: Run) => {
  const c: Record<string, number> = {};
  for (const a of actionsOf(r)) c[a.type] = (c[a.type] ?? 0) + 1;
  return JSON.stringify(Object.fromEntries(Object.entries(c).sort()));
};
const brief = (r: Run) => `${r.stdout.slice(0, 300)} ${r.stderr.slice(0, 300)}`.trim();

async function before(ctx: PassContext): Promise<Before> {
  // Lock files coordinate processes (per set, issue 14); they are not state a pass may change.
  const state = await readTree(path.join(ctx.home, 'state'));
  for (const p of [...state.keys()]) if (p.endsWith('.lock')) state.delete(p);
  return { o: await observe(ctx.sides, ctx.home), state };
}

/** Run one cloudsync op and check what it left; returns the first violation. */
export async function runPass(ctx: PassContext, op: Op, index: number): Promise<Violation | undefined> {
  const { cli, result } = ctx;
  const found = (all: string[]): Violation | undefined => {
    const msgs = ctx.only ? all.filter((m) => ctx.only!.includes(invariantOf(m))) : all;
    return msgs.length ? { op: index, invariant: invariantOf(msgs[0]!), messages: msgs } : undefined;
  };
  const note = (r: Run, extra = '') => {
    result.exits[index] = r.code;
    ctx.log(`  ${String(index).padStart(3)} ${describeOp(op)} → ${r.signal ?? `exit ${r.code}`}${extra}`);
  };
  if (index >= 0) result.exits[index] ??= null;
  switch (op.k) {
    case 'unsync': {
      const was = await ctx.sides.onprem.snapshot();
      const msgs: string[] = [];
      for (const s of ctx.sets) {
        const r = await cli.run(['unsync', s.id, '--json']);
        note(r);
        if (r.code !== 0) msgs.push(`unsync failed: exit ${r.code}: ${brief(r)}`);
      }
      const now = await ctx.sides.onprem.snapshot();
      for (const [p, e] of was) {
        const f = now.get(p);
        if (e.kind === 'file' && (f?.kind !== 'file' || f.content !== e.content))
          msgs.push(`unsync changed on-prem bytes: ${p}`);
      }
      for (const [p, e] of now)
        if (e.kind === 'file' && !e.writable) msgs.push(`unsync left on-prem read-only: ${p}`);
      return found(msgs);
    }
    case 'sync': {
      let plan: Run | undefined;
      if (op.dry) {
        const b = await before(ctx);
        plan = await cli.run(['sync', '--dry-run', '--json', ...op.flags]);
        const a = await before(ctx);
        const diff =
          sameSnapshot(b.o.snaps.onprem, a.o.snaps.onprem) ??
          sameSnapshot(b.o.snaps.cloud, a.o.snaps.cloud) ??
          sameFiles(b.state, a.state) ??
          sameFiles(b.o.backups, a.o.backups);
        if (diff) return found([`dry-run changed something: ${diff}`]);
      }
      const b = await before(ctx);
      const r = await cli.run(['sync', '--json', ...op.flags]);
      result.passes++;
      note(r);
      if (plan && (plan.code !== r.code || countTypes(plan) !== countTypes(r)))
        return found([
          `dry-run plan differs from the pass: dry-run exit ${plan.code} ${countTypes(plan)}, pass exit ${r.code} ${countTypes(r)}`,
        ]);
      return found(await afterPass(ctx, b, r, op.flags, true));
    }
    case 'kill': {
      const b = await before(ctx);
      const r = await killedPass(ctx, op);
      result.passes++;
      if (r.signal === 'SIGKILL') result.kills++;
      note(r);
      if (r.signal !== 'SIGKILL') return found(await afterPass(ctx, b, r, op.flags, true));
      const o = await observe(ctx.sides, ctx.home);
      const msgs = [
        ...checkNoLoss(ctx.world.versions, o),
        ...checkIntegrity(ctx.world.versions, o, false),
        ...(await checkMembers(cli, ctx.sets, ctx.sides, o.snaps, false)),
      ];
      if (msgs.length) return found(msgs);
      const b2 = await before(ctx);
      const again = await cli.run(['sync', '--json']);
      result.passes++;
      ctx.log(`      rerun after the kill → exit ${again.code}`);
      return found(await afterPass(ctx, b2, again, [], true));
    }
    case 'race': {
      const b = await before(ctx);
      const [r1, r2] = await Promise.all([cli.spawn(['sync', '--json']), cli.spawn(['sync', '--json'])]);
      result.passes += 2;
      note(r1, ` and ${r2.signal ?? `exit ${r2.code}`}`);
      const codes = [r1.code, r2.code];
      if (codes.every((c) => c === 6)) return found(['both racing passes exited 6: none ran']);
      const ran = r1.code === 6 ? r2 : r1;
      const other = ran === r1 ? r2 : r1;
      if (![0, 3, 5, 6].includes(other.code ?? -1))
        return found([`bad exit of a racing pass: one exited ${other.code}: ${brief(other)}`]);
      return found(await afterPass(ctx, b, ran, [], true));
    }
    default:
      throw new Error(`not a cloudsync op: ${op.k}`);
  }
}

/** The kill point hook (kill-point.ts), loaded into killed passes with `node --import`. */
const KILL_POINT = new URL('./kill-point.js', import.meta.url).href;

/**
 * A real `sync` process, SIGKILLed at `op.after` (a recorded kill point), else after `op.ms`, or once the
 * journals grew by `op.lines` lines; `op.after` is then set to where the kill landed, so the case replays.
 */
async function killedPass(ctx: PassContext, op: Extract<Op, { k: 'kill' }>): Promise<Run> {
  const args = ['sync', '--json', ...op.flags];
  const trace = path.join(ctx.home, 'model-kill.trace');
  const roots: Record<string, string> = { home: ctx.home };
  for (const side of SIDES) {
    const root = (ctx.sides[side] as { root?: string }).root;
    if (root) roots[side] = root;
  }
  const env: Record<string, string> = { MODEL_TRACE: trace, MODEL_ROOTS: JSON.stringify(roots) };
  const spawnOpts = { env, nodeArgs: ['--import', KILL_POINT] };
  let run: Promise<Run>;
  if (op.after !== undefined) {
    env.MODEL_KILL_AFTER = op.after;
    run = ctx.cli.spawn(args, spawnOpts);
  } else if (op.ms !== undefined) {
    // Every effect of a local ↔ local pass is traced: the kill lands right after one, the one recorded.
    if (roots.cloud) env.MODEL_KILL_FLAG = `${trace}.kill`;
    run = killAfterMs(ctx, args, spawnOpts, trace, op.ms, env.MODEL_KILL_FLAG);
  } else {
    // "at a journal point": right after the n-th journal write or change to a side (kill-point.ts), exactly
    env.MODEL_KILL_WORK = String(op.lines ?? 1);
    run = ctx.cli.spawn(args, spawnOpts);
  }
  const r = await run;
  const traced = (await readFile(trace, 'utf8').catch(() => '')).trimEnd().split('\n').filter(Boolean);
  await rm(trace, { force: true });
  await rm(`${trace}.kill`, { force: true });
  if (op.after === undefined) {
    const last = traced[traced.length - 1];
    op.after = r.signal !== 'SIGKILL' ? 'none' : last ? last.slice(last.indexOf(' ') + 1) : 'start';
  }
  return r;
}

/**
 * Spawn a pass and SIGKILL it `ms` / KILL_MS_SCALE ms after its first file system effect: counted from the
 * spawn, every kill landed before the pass did anything (Node's start-up under load took longer than the
 * 150–900 ms the generator draws; 13 of 13 time kills over seeds 1–12), and a model pass does its work in
 * 100–200 ms after its first effect (taking its lock).
 *
 * `flag` (local ↔ local): the pass is asked to die right after its next effect by creating that file
 * (kill-point.ts MODEL_KILL_FLAG), so the effect traced last is the one it died after and the case
 * replays. A SIGKILL from here could land after a system call finished but before the pass saw it: the
 * trace missed that effect and the replay died one effect early (model seed 4332: a rename done, untraced;
 * the replay's next pass took another way). It is sent anyway when no effect came within KILL_GRACE_MS.
 * On the emulator pairing cloud writes are HTTP requests, not effects: a SIGKILL lands among them, as before.
 */
async function killAfterMs(
  ctx: PassContext,
  args: string[],
  opts: { env: Record<string, string>; nodeArgs: string[] },
  trace: string,
  ms: number,
  flag?: string,
): Promise<Run> {
  let pid = 0;
  let done = false;
  const run = ctx.cli.spawn(args, { ...opts, onSpawn: (p) => (pid = p) }).finally(() => (done = true));
  const end = Date.now() + 30_000;
  while (!done && Date.now() < end) {
    if (pid && (await stat(trace).catch(() => null))?.size) {
      await new Promise((r) => setTimeout(r, ms / KILL_MS_SCALE));
      try {
        if (!done && flag !== undefined) {
          await writeFile(flag, '');
          const grace = Date.now() + KILL_GRACE_MS;
          while (!done && Date.now() < grace) await new Promise((r) => setTimeout(r, 2));
        }
        if (!done) process.kill(pid, 'SIGKILL');
      } catch {
        // It ended on its own just before the kill: an ordinary pass.
      }
      break;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return run;
}

/** How much shorter a time kill's delay is than the generator's `ms` (see killAfterMs). */
const KILL_MS_SCALE = 4;
/** How long a pass asked to die at its next effect may take to get there (see killAfterMs). */
const KILL_GRACE_MS = 2_000;

/** The checks after a pass `r` that started from `b`. */
async function afterPass(
  ctx: PassContext,
  b: Before,
  r: Run,
  flags: string[],
  completed: boolean,
): Promise<string[]> {
  const msgs: string[] = [];
  const code = r.code ?? -1;
  if (![0, 3, 5].includes(code)) msgs.push(`bad exit ${code}: ${brief(r)}`);
  const a = await before(ctx);
  const reported = parseJson<SyncJson>(r)?.sets ?? [];
  const aborted = reported.filter((s) => s.aborted).map((s) => s.id);
  if (code === 5 && (reported.length === 0 || aborted.length === reported.length)) {
    // The whole pass was stopped: nothing anywhere may change.
    // cloudsync's own leftovers of a killed pass (temp files) may go: they are not the user's.
    const own = (snap: Snapshot): Snapshot => new Map([...snap].filter(([p]) => !TEMP.test(p)));
    const diff =
      sameSnapshot(own(b.o.snaps.onprem), own(a.o.snaps.onprem)) ??
      sameSnapshot(own(b.o.snaps.cloud), own(a.o.snaps.cloud)) ??
      sameFiles(b.state, a.state) ??
      sameFiles(b.o.backups, a.o.backups);
    if (diff) msgs.push(`guard exit 5 changed something: ${diff}`);
  } else if (code === 5) {
    // A guard stops its set only (SPEC §4): the other sets ran; the stopped ones' state is untouched.
    const mine = (m: Map<string, string>) =>
      new Map([...m].filter(([p]) => aborted.some((id) => path.basename(p).startsWith(`${id}.`))));
    const diff = sameFiles(mine(b.state), mine(a.state));
    if (diff) msgs.push(`guard exit 5 changed something of the stopped set: ${diff}`);
  } else if (!flags.includes('--force')) {
    const i = flags.indexOf('--max-delete');
    const pct = i >= 0 ? Number(flags[i + 1]) : 50;
    ctx.roots.forEach(([on, cl], k) => {
      const ex = ctx.sets[k]!.excluded;
      const id = ctx.sets[k]!.id;
      // A file is the set's when the last pass had its bytes in this set, or (new bytes) below its root.
      const owners = ctx.contentOwners;
      const mine = (root: string) => (p: string, c: string) => {
        const o = owners?.get(c);
        return o !== undefined && o.size > 0 ? o.has(id) : p.startsWith(root);
      };
      // The set's documents: what either side holds (one side may already miss what the other deletes).
      const docs = new Set([
        ...relFilesBelow(b.o.snaps.onprem, on, ex, mine(on)),
        ...relFilesBelow(b.o.snaps.cloud, cl, ex, mine(cl)),
      ]).size;
      const line = (c: string) => ctx.world.lineOf(c);
      const deleted =
        deletedBelow(b.o.snaps.onprem, a.o.snaps.onprem, mine(on), line) +
        deletedBelow(b.o.snaps.cloud, a.o.snaps.cloud, mine(cl), line);
      const allowed = Math.max(1, Math.floor((pct * docs) / 100));
      if (deleted > allowed)
        msgs.push(
          `delete guard let too much through: ${deleted} files deleted below ${on} / ${cl} of ${docs} (--max-delete ${pct})`,
        );
    });
  }
  const converged = completed && (code === 0 || code === 3);
  const managed: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };
  const detached: Record<Side, Set<string>> = { onprem: new Set(), cloud: new Set() };
  const owners: Record<Side, Map<string, string>> = { onprem: new Map(), cloud: new Map() };
  const memberMsgs = await checkMembers(
    ctx.cli,
    ctx.sets,
    ctx.sides,
    a.o.snaps,
    converged,
    managed,
    detached,
    owners,
  );
  ctx.contentOwners = new Map();
  for (const side of SIDES)
    for (const [p, id] of owners[side]) {
      const e = a.o.snaps[side].get(p);
      if (e?.kind !== 'file') continue;
      const o = ctx.contentOwners.get(e.content) ?? new Set<string>();
      ctx.contentOwners.set(e.content, o.add(id));
    }
  msgs.push(
    ...checkNoLoss(ctx.world.versions, a.o),
    ...checkIntegrity(ctx.world.versions, a.o, completed, ctx.world.released),
  );
  const locks = [...a.state.keys()].filter((k) => /^default\/\.[^/]*lock$/.test(k));
  if (completed && locks.length > 0) msgs.push(`lock left: state/${locks.join(', ')} after a completed pass`);
  msgs.push(...memberMsgs);
  if (completed) await refreshRoots(ctx);
  // What no set holds after a pass that ran to its end is let go: the user's own from now on.
  if (converged) for (const c of unmanagedFiles(a.o.snaps, managed)) ctx.world.released.add(c);
  else if (completed && code === 5 && aborted.length < reported.length) {
    // The sets a guard did not stop ran to their end: what they let go is let go (a new file below a stopped
    // set's root is not, and a stopped documents set's files are anywhere: then nothing is taken).
    const stopped = ctx.sets.flatMap((set, k) => (aborted.includes(set.id) ? [ctx.roots[k]!] : []));
    const below = (side: Side, p: string) => stopped.some((r) => p.startsWith(r[side === 'onprem' ? 0 : 1]));
    if (!stopped.some(([on]) => on === 'D/d'))
      for (const c of unmanagedFiles(a.o.snaps, managed, below)) ctx.world.released.add(c);
  }
  // A pass killed after it detached a copy has let that copy go too: the state says so (DETACHED).
  for (const side of SIDES)
    for (const p of detached[side]) {
      const e = a.o.snaps[side].get(p);
      if (e?.kind === 'file') ctx.world.released.add(e.content);
    }
  if (msgs.length === 0 && converged) {
    const again = await ctx.cli.run(['sync', '--json']);
    ctx.result.passes++;
    // A FAILED member is retried by every pass until it succeeds (SPEC §3): its retry is not a change.
    const failing = new Set<string>();
    if (again.code === 3) {
      for (const set of ctx.sets) {
        const v = parseJson<{
          members: { onpremPath: string | null; cloudPath: string | null; status: string }[];
        }>(await ctx.cli.run(['inspect', set.id, '--json']));
        for (const m of v?.members ?? [])
          if (m.status === 'FAILED') for (const p of [m.onpremPath, m.cloudPath]) if (p) failing.add(p);
      }
    }
    const left = actionsOf(again).filter((x) => x.type !== 'fail' && !failing.has(x.path ?? ''));
    if (left.length || ![0, 3].includes(again.code ?? -1))
      msgs.push(
        `no convergence: a second pass with no user change exited ${again.code} and did ${left
          .map((x) => `${x.type} ${x.path ?? ''}`)
          .join(', ')}`,
      );
  }
  return msgs;
}

/**
 * Each folder set's root where the pass left it (the engine renames a root to follow the other side's rename,
 * and follows a root the user moved): the next pass's deletes are counted below these.
 */
async function refreshRoots(ctx: PassContext): Promise<void> {
  for (const [k, set] of ctx.sets.entries()) {
    if (ctx.roots[k]![0] === 'D/d') continue; // a documents set: counted below its documents' folders
    const v = parseJson<{
      members: { onpremPath: string | null; cloudPath: string | null; direct: boolean }[];
    }>(await ctx.cli.run(['inspect', set.id, '--json']));
    const root = v?.members.find((m) => m.direct);
    if (root?.onpremPath && root.cloudPath) ctx.roots[k] = [`${root.onpremPath}/`, `${root.cloudPath}/`];
  }
}

/** The contents of the files that no set has as a non-detached member, on either side. */
function unmanagedFiles(
  snaps: Record<Side, Snapshot>,
  managed: Record<Side, Set<string>>,
  skip: (side: Side, p: string) => boolean = () => false,
): string[] {
  const out: string[] = [];
  for (const side of SIDES)
    for (const [p, e] of snaps[side])
      if (e.kind === 'file' && !managed[side].has(p) && !skip(side, p)) out.push(e.content);
  return out;
}
