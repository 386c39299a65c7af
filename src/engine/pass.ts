import { SIDES, type Connector, type RemoteNode, type Side } from '../connectors/types.js';
import { ExitCode, NodeError, SafetyError } from '../errors.js';
import type { MemberState, SetState } from '../store/schema.js';
import { applyPlan, type ApplyOutcome } from './apply.js';
import { detectChanges, unpairMovedAway, type SideChanges } from './detect.js';
import { readDocumentSiblings } from './documents-siblings.js';
import { compileExcludes } from './excludes.js';
import { findReplacedDocuments } from './documents-replaced.js';
import { hashChecked } from './size-check.js';
import type { Action, SetPlan } from './plan.js';
import { reconcile, type ReconcileResult } from './reconcile.js';
import type { Arrival } from './reconcile-base.js';
import { checkGuards } from './safety.js';
import type { EngineContext, PassOptions, PassResult, SetResult } from './types.js';
import { emptyView, fillView, type SideView } from './view.js';
import { clearSetFailures, failSetMembers, readSetViews, type SetReadFailure } from './set-failure.js';
import { pathView, refreshPaths, type PathView } from './paths.js';
import { heavyApply, heavyPlan } from './heap-mode.js';
import { advanceCursors, commitBatches, eventScope, incrementalScope, takeBatches } from './events.js';
import {
  crossSetRules,
  holdForStopped,
  noCrossSetRules,
  locateMovedAway,
  splitLeaving,
  type CrossSetRules,
} from './cross-set.js';
import { locateActions } from './action-paths.js';
import { isQuiet, quietAsRecorded } from './quiet.js';
import { failedMembers, firstDirect, liveCount, memberCount } from './lazy-members.js';
import { dropIndex } from './member-index.js';
import { mergeScoped, readScopedSet, type ScopedRead } from './view-scoped.js';
import { readDeltaSet } from './view-delta.js';
import { rowsOf } from './member-overlay.js';
import type { EventScope } from './types.js';
import {
  checkOwner,
  needsStamp,
  OWNER_CODES,
  stampOwner,
  sweepMarkerTemps,
  type OwnerVerdict,
} from './ownership.js';

type OwnedVerdict = OwnerVerdict & { ok: true };

interface SetWork {
  /** The members this pass works on: the whole set, or an event-scoped pass's sub-state (view-scoped.ts). */
  state: SetState;
  /** The whole set (the same object as `state` unless `scoped`). */
  full: SetState;
  scoped?: ScopedRead;
  /** Per side: the ids repository events name (list only those), or undefined for a full listing. */
  scopes: Partial<Record<Side, ReadonlySet<string>>>;
  views: Record<Side, SideView>;
  /** What the path refresh needs of `views`, kept through the apply once the views are let go (pathView). */
  paths?: Record<Side, PathView>;
  changes: Record<Side, SideChanges>;
  /** Nothing changed on either side and nothing is pending (quiet.ts): no reconcile, plan or apply. */
  quiet: boolean;
  result?: ReconcileResult;
}

/**
 * One pass: detect → reconcile → plan → guards → apply, over the chosen sets. Guards for every set run before
 * anything is applied anywhere; `dryRun` stops after the plan and writes nothing, not even state.
 */
export async function runPass(ctx: EngineContext, opts: PassOptions): Promise<PassResult> {
  // V8's heap setting for a first sync's plan (heavyPlan) is put back however the pass ends.
  const heap = { planned: () => {} };
  try {
    return await passOf(ctx, opts, heap);
  } finally {
    heap.planned();
  }
}

async function passOf(
  ctx: EngineContext,
  opts: PassOptions,
  heap: { planned: () => void },
): Promise<PassResult> {
  const now = ctx.now ?? (() => new Date());
  const emit = ctx.onEvent ?? (() => {});
  // A missing local root throws SafetyError here; an unreachable server UnreachableError: nothing is touched.
  await Promise.all(SIDES.map((s) => ctx.connectors[s].whoami()));
  const allIds = await ctx.store.listIds();
  const ids = opts.setIds && opts.setIds.length > 0 ? opts.setIds : allIds;
  const batches = await takeBatches(ctx.connectors);
  emit({ event: 'pass-start', sets: ids });
  const states: SetState[] = [];
  for (const id of ids) states.push(await ctx.store.load(id));
  const inPass = new Set(ids);
  const outside: SetState[] = [];
  for (const id of allIds) if (!inPass.has(id)) outside.push(await ctx.store.load(id));
  const foreign = directMembersBySide(states.concat(outside));
  const work: SetWork[] = [];
  const unreadable: SetResult[] = [];
  const owned = new Map<string, OwnedVerdict>();
  // Each set read in a function of its own: its locals (the listings, the changes) are not held by this
  // pass's frame once it is done with them (a first sync of 100,000 files kept both to its save).
  const readSet = async (state: SetState): Promise<void> => {
    if (ctx.owner) {
      // Another installation's set is refused before anything of it is read or written (exit 2).
      const verdict = await checkOwner(ctx.connectors.cloud, state, ctx.owner);
      if (!verdict.ok) {
        const empty = { setId: state.set.id, actions: [], added: [], warnings: [], memberCount: 0 };
        const stop = { code: verdict.code, message: verdict.message, hint: verdict.hint };
        emit({ event: 'guard', setId: state.set.id, ...stop });
        unreadable.push(withAbort(summarize(state, empty as unknown as SetPlan, null, []), stop));
        return;
      }
      owned.set(state.set.id, verdict);
    }
    const full = state;
    const scopes: SetWork['scopes'] = {};
    // `watch` after events on both sides: only the members those can concern take part (view-scoped.ts).
    const read = scopedEligible(opts, batches)
      ? await readScopedSet(full, ctx.connectors, opts.eventScopes as Record<Side, EventScope>, foreign)
      : undefined;
    let views: Awaited<ReturnType<typeof readSetViews>>;
    let scoped: ScopedRead | undefined;
    if (read && !('code' in read)) {
      scoped = read;
      views = read.views;
    } else {
      dropIndex(full); // members change in place here: the next scoped pass indexes them afresh
      for (const side of SIDES)
        scopes[side] =
          incrementalScope(full, side, batches[side], now()) ??
          eventScope(full, side, opts.eventScopes?.[side]);
      // Both sides are read at once: the I/O of one overlaps the other's.
      views = read ?? (await readSetViews(full, SIDES, ctx.connectors, scopes, foreign));
      // Something differs from the state but little: only the members it concerns take part (view-delta.ts).
      const delta =
        !read && !('code' in views) && opts.scopeToDelta !== false && !quietAsRecorded(full, views)
          ? await readDeltaSet(full, views, ctx.connectors, foreign)
          : undefined;
      if (delta) {
        scoped = delta;
        views = delta.views;
      } else dropIndex(full); // the attempt may have indexed members the full pass changes in place
    }
    if ('code' in views) {
      unreadable.push(await failUnreadableSet(ctx, full, views, now(), Boolean(opts.dryRun)));
      return;
    }
    const sub = scoped?.sub ?? full;
    if (!opts.dryRun)
      for (const m of clearSetFailures(sub)) await ctx.store.append(sub.set.id, { op: 'put', member: m });
    if (!scoped && quietAsRecorded(sub, views)) {
      // Both walks saw exactly what the state holds: no view to fill, no change to build per member.
      work.push({ state: sub, full, scoped, scopes, views, changes: noChanges(), quiet: true });
      return;
    }
    const changes = detectBoth(ctx, sub, views);
    await readDocumentSiblings(sub, views, changes, ctx.connectors);
    work.push({ state: sub, full, scoped, scopes, views, changes, quiet: isQuiet(sub, changes, views) });
  };
  for (const state of states) await readSet(state);
  // A first sync's plan makes garbage of its own size, synchronously: collected as it grows (heavyPlan).
  heap.planned = heavyPlan(
    work.reduce((n, w) => n + w.changes.onprem.fresh.length + w.changes.cloud.fresh.length, 0),
  );
  // With every set quiet no node moves between sets and none is new: no cross-set rules to work out.
  const allQuiet = work.every((w) => w.quiet);
  // Otherwise the rules look at every set's nodes and changes: a set left as recorded is filled in.
  if (!allQuiet)
    for (const w of work)
      if (
        w.views.onprem.asRecorded ||
        w.views.cloud.asRecorded ||
        w.views.onprem.compared ||
        w.views.cloud.compared
      )
        w.changes = detectBoth(ctx, w.state, w.views);
  if (!allQuiet) unpairMovedAway(work);
  // Content read to compare is held to its listed size too: an endless answer must not hash forever.
  const sizeOf = (side: Side, id: string) =>
    work.find((w) => w.views[side].nodes.has(id))?.views[side].nodes.get(id)?.size;
  const hashOf = (side: Side, id: string) => hashContent(ctx.connectors[side], id, sizeOf(side, id));
  if (!allQuiet && work.length > 1) await findReplacedDocuments(work, hashOf);
  const rules: CrossSetRules = allQuiet ? noCrossSetRules() : crossSetRules(work, outside);
  await locateMovedAway(rules, ctx.connectors);
  // A copy that left the set may still be somewhere on its side (moved out): found by id, or null.
  const locate = (side: Side, id: string) =>
    ctx.connectors[side].getNode(id).catch((err: unknown) => {
      if (err instanceof NodeError) return null;
      throw err;
    });
  // Documents sets first (planned and applied): a keep-both loser one of them renames inside a synced
  // folder is taken in by that folder's set, in this same pass.
  work.sort((a, b) => Number(a.state.set.kind === 'folder') - Number(b.state.set.kind === 'folder'));
  const spilled: Arrival[] = [];
  const arrivingFor = new Map<string, Arrival[]>();
  const planSet = async (w: SetWork) =>
    w.quiet
      ? quietResult(w.state)
      : await reconcile({
          state: w.state,
          changes: w.changes,
          views: w.views,
          properties: {
            onprem: ctx.connectors.onprem.capabilities.properties,
            cloud: ctx.connectors.cloud.capabilities.properties,
          },
          hashOf,
          now: now(),
          incoming: rules.incoming.get(w.state.set.id),
          outgoing: rules.outgoing.get(w.state.set.id),
          blocked: rules.blocked.get(w.state.set.id),
          owned: rules.owned,
          locate,
          arriving: arrivingFor.get(w.state.set.id) ?? [],
          following: rules.following.get(w.state.set.id),
        });
  for (const w of work) {
    const arriving = [...(rules.arriving.get(w.state.set.id) ?? []), ...spilledInto(w, spilled)];
    arrivingFor.set(w.state.set.id, arriving);
    if (arriving.length > 0) w.quiet = false;
    w.result = await planSet(w);
    spilled.push(...(w.result.spilled ?? []));
    locateActions(w.result.plan, w.state, w.views);
    for (const warning of w.result.plan.warnings)
      emit({ event: 'warning', setId: w.state.set.id, message: warning });
    emit({
      event: 'plan',
      setId: w.state.set.id,
      actions: w.result.plan.actions.length,
      bytes: w.result.plan.actions.reduce(
        (n, a) => n + (a.type === 'copy' || a.type === 'update' ? a.size : 0),
        0,
      ),
    });
  }
  const guard = { force: opts.force ?? false, maxDeletePercent: opts.maxDeletePercent ?? 50 };
  // Guards stop one set, never the others (SPEC §4): a blocked set is reported and nothing of it is applied.
  const blocked = new Map<string, SetResult['aborted']>();
  const guardSet = (w: SetWork) => {
    try {
      const leaving = new Set([
        ...(rules.outgoing.get(w.state.set.id) ?? []),
        ...(rules.blocked.get(w.state.set.id)?.keys() ?? []),
      ]);
      checkGuards(w.state, w.result!.plan, w.views, guard, leaving, w.full);
    } catch (err) {
      if (!(err instanceof SafetyError)) throw err;
      blocked.set(w.state.set.id, { code: err.code, message: err.message, hint: err.hint });
      emit({ event: 'guard', setId: w.state.set.id, code: err.code, message: err.message, hint: err.hint });
    }
  };
  for (const w of work) if (!w.quiet) guardSet(w);
  // A set moving members into a stopped set keeps them this pass: planned again (and guarded) without those moves.
  const again = holdForStopped(rules, blocked.keys());
  for (const w of work) {
    if (!again.has(w.state.set.id) || blocked.has(w.state.set.id)) continue;
    w.result = await planSet(w);
    locateActions(w.result.plan, w.state, w.views);
    guardSet(w);
  }
  const results: SetResult[] = [...unreadable];
  if (opts.dryRun) {
    for (const w of work) {
      // A stopped set would do nothing, so its dry run shows nothing either (`--dry-run --force` shows its plan).
      const stop = blocked.get(w.state.set.id);
      const plan = stop ? { ...w.result!.plan, actions: [] } : w.result!.plan;
      results.push(withAbort(summarize(w.state, plan, null, failedMembers(w.state)), stop));
    }
    return finish(inOrder(results, ids), true, emit);
  }
  const applied: { w: SetWork; outcome: ApplyOutcome | null; later: Action[] }[] = [];
  const renamed = new Map<string, RemoteNode>();
  const deps = {
    connectors: ctx.connectors,
    store: ctx.store,
    home: ctx.home,
    now,
    transfers: opts.transfers ?? 4,
    onEvent: ctx.onEvent,
    signal: opts.signal,
    renamed,
  };
  // A set taking members in from other sets applies before them: its moves free the names those sets'
  // new copies may land on (a node moved to another set, a new one put at its old name).
  const applyOrder = [...work].sort(
    (a, b) =>
      Number(a.state.set.kind === 'folder') - Number(b.state.set.kind === 'folder') ||
      Number(!rules.incoming.get(a.state.set.id)?.size) - Number(!rules.incoming.get(b.state.set.id)?.size),
  );
  // The changes were read to plan: the apply and the save never look at them again. Nor at the views, but
  // for what the path refresh after the apply reads of them (a first sync of 100,000 files held every
  // node's set-relative path through its apply).
  for (const w of work) {
    w.changes = noChanges();
    w.paths = {
      onprem: pathView(w.views.onprem, w.state.set.kind),
      cloud: pathView(w.views.cloud, w.state.set.kind),
    };
    w.views = { onprem: emptyView('onprem'), cloud: emptyView('cloud') };
  }
  heap.planned();
  const settle = heavyApply(applyOrder.reduce((n, w) => n + w.result!.plan.actions.length, 0));
  try {
    for (const w of applyOrder) {
      if (opts.signal?.aborted) break;
      const { plan } = w.result!;
      const stop = blocked.get(w.state.set.id);
      if (stop) {
        // Its marker's temp file left by a killed pass goes all the same; not in a folder another
        // installation owns, whose writer may be alive on its own host.
        if (ctx.owner && !OWNER_CODES.includes(stop.code))
          await sweepMarkerTemps(ctx.connectors.cloud, w.state, ctx.owner);
        results.push(
          withAbort(summarize(w.state, { ...plan, actions: [] }, null, failedMembers(w.state)), stop),
        );
        continue;
      }
      const verdict = owned.get(w.state.set.id);
      if (ctx.owner && verdict && needsStamp(verdict, ctx.owner, w.state.set.id, plan.actions.length, now()))
        await stampOwner(ctx.connectors.cloud, w.state, ctx.owner, verdict, now()).catch((err: unknown) =>
          emit({
            event: 'warning',
            setId: w.state.set.id,
            message: `cannot record this installation as the set's owner: ${(err as Error).message}`,
          }),
        );
      const [first, later] = splitLeaving(plan.actions, w.state, rules.outgoing.get(w.state.set.id));
      const done = { w, outcome: null as ApplyOutcome | null, later };
      applied.push(done);
      done.outcome = w.quiet
        ? { done: [], failed: [], bytes: 0, interrupted: false }
        : await applyPlan(w.state, { ...plan, actions: first }, w.result!.current, deps);
    }
    // Members that left for another set are forgotten once every set has taken its arrivals in.
    for (const done of applied) {
      const { w, outcome, later } = done;
      if (later.length === 0 || !outcome || outcome.interrupted || opts.signal?.aborted) continue;
      const rest = await applyPlan(
        w.state,
        { ...w.result!.plan, actions: later, added: [] },
        w.result!.current,
        deps,
      );
      done.outcome = {
        done: [...outcome.done, ...rest.done],
        failed: [...outcome.failed, ...rest.failed],
        bytes: outcome.bytes + rest.bytes,
        interrupted: rest.interrupted,
      };
    }
    for (const { w, outcome } of applied) {
      if (!outcome!.interrupted) {
        w.state.lastSyncAt = now().toISOString();
        advanceCursors(w.state, batches, w.scopes, now());
      }
      results.push(summarize(w.state, w.result!.plan, outcome, failedMembers(w.state)));
    }
  } finally {
    // Paths are refreshed once every set has run: one set's move (a folder renamed) changes where another
    // set's documents are. Every success is in the journal already; a pass only adds what else changed
    // (refreshed paths, its time). The snapshot is rewritten (compacting the journal) once the journal holds
    // a tenth of the set (store.foldDue): a pass that moved 500 of 10,000 files writes those 500 records.
    let failure: unknown;
    settle.applied();
    for (const { w, outcome } of applied) {
      let pathsChanged: MemberState[] = [];
      if (outcome && failure === undefined) {
        try {
          pathsChanged = await refreshPaths(w.state, ctx.connectors, w.paths!);
        } catch (err) {
          failure = err;
        }
      }
      releaseListings(w);
      settle.released();
      if (w.scoped) mergeScoped(w.full, w.scoped);
      const id = w.full.set.id;
      const count = memberCount(w.full);
      // A quiet pass of a large set whose members were all read as objects (a pass not scoped to its delta)
      // folds a journal of member records in while they are at hand. Members still kept as rows (the journal
      // replayed over them at load, or `watch` after scoped passes) are not decoded just for that.
      const compact =
        ctx.store.foldDue(id, count) ||
        (w.quiet && count >= 1000 && ctx.store.journalMembers(id) > 0 && !rowsOf(w.full));
      if (outcome && !compact) {
        await ctx.store.appendMany(
          id,
          pathsChanged.map((m) => ({ op: 'put' as const, member: m })),
        );
        await ctx.store.append(id, {
          op: 'meta',
          lastSyncAt: w.full.lastSyncAt,
          nextKey: w.full.nextKey,
          events: w.full.events,
        });
      } else {
        await ctx.store.save(w.full);
      }
    }
    settle.done(); // after the saves: their rows are short-lived garbage of the same kind
    if (failure !== undefined) throw failure; // eslint-disable-line no-unsafe-finally
  }
  // Reported in the order of the sets (a stopped set is reported while the others still apply).
  const rank = new Map(work.map((w, i) => [w.state.set.id, i]));
  results.push(...results.splice(unreadable.length).sort((a, b) => rank.get(a.id)! - rank.get(b.id)!));
  // Events are acknowledged only when every set of the profile was in this pass: a set left out would never
  // see the changes they announced. A set stopped by a guard keeps its old position and crawls next time.
  const everySet = allIds.every((id) => results.some((r) => r.id === id));
  if (everySet && !opts.signal?.aborted) await commitBatches(ctx.connectors, batches);
  const done = finish(inOrder(results, ids), false, emit);
  const scopedWork = work.filter((w) => w.scoped);
  if (scopedWork.length > 0)
    done.scoped = { members: scopedWork.reduce((n, w) => n + w.state.members.length, 0) };
  return done;
}

/** Results in the order the sets were asked for (documents sets ran first). */
function inOrder(results: SetResult[], ids: string[]): SetResult[] {
  return results.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
}

/**
 * The keep-both losers of other sets renamed inside this folder set's tree (a listed folder), and documents
 * detached with their kept copy there. Not under a name this set excludes: that is none of its (model seed
 * 4259: a detached document renamed `~$x.docx` in the folder was taken in, copied across, and forgotten by
 * the next pass, which excludes it).
 */
function spilledInto(w: SetWork, spilled: Arrival[]): Arrival[] {
  if (w.state.set.kind !== 'folder' || spilled.length === 0) return [];
  const excluded = compileExcludes(w.state.set.excludes);
  return spilled.filter((a) => {
    if (a.node.parentId === null || !w.views[a.side].nodes.has(a.node.parentId)) return false;
    const up = w.views[a.side].rel.get(a.node.parentId) ?? '';
    return !excluded(up === '' ? a.node.name : `${up}/${a.node.name}`, a.node.name);
  });
}

/**
 * Once its paths are refreshed a set's listings are of no more use: let them go before its state is saved
 * (the save's rows are built while they would still be held: a first sync of 100,000 files held both).
 */
function releaseListings(w: SetWork): void {
  w.views = { onprem: emptyView('onprem'), cloud: emptyView('cloud') };
  w.paths = undefined;
  if (w.result) w.result.current = { onprem: new Map(), cloud: new Map() };
}

/** Both sides' changes (views left as recorded are filled in first). */
function detectBoth(
  ctx: EngineContext,
  state: SetState,
  views: Record<Side, SideView>,
): Record<Side, SideChanges> {
  const byKey = new Map(state.members.map((m) => [m.key, m]));
  const changes = {} as Record<Side, SideChanges>;
  for (const side of SIDES) {
    const withProps = ctx.connectors[side].capabilities.properties;
    changes[side] = detectChanges(state, side, fillView(views[side]), withProps, byKey);
  }
  return changes;
}

/** The changes of a set whose walks saw everything as recorded (quietAsRecorded): none. */
function noChanges(): Record<Side, SideChanges> {
  return {
    onprem: { side: 'onprem', byMember: new Map(), fresh: [] },
    cloud: { side: 'cloud', byMember: new Map(), fresh: [] },
  };
}

/** An event-scoped pass (`watch`): both sides name what changed, and no side has a repository feed. */
function scopedEligible(opts: PassOptions, batches: Record<string, unknown>): boolean {
  return Boolean(
    !opts.dryRun && opts.eventScopes?.onprem && opts.eventScopes?.cloud && !batches.onprem && !batches.cloud,
  );
}

/** What reconcile would return for a quiet set: no action, no warning. */
function quietResult(state: SetState): ReconcileResult {
  return {
    plan: { setId: state.set.id, actions: [], added: [], warnings: [], memberCount: liveCount(state) },
    current: { onprem: new Map(), cloud: new Map() },
  };
}

/** A set one side of which cannot be read: its direct members FAILED (recorded), a warning, a result row. */
async function failUnreadableSet(
  ctx: EngineContext,
  state: SetState,
  failure: SetReadFailure,
  at: Date,
  dryRun: boolean,
): Promise<SetResult> {
  const message = `the ${failure.side} side of the set cannot be read: ${failure.code}: ${failure.message}`;
  ctx.onEvent?.({ event: 'warning', setId: state.set.id, message });
  const changed = failSetMembers(state, failure, at);
  if (!dryRun) for (const m of changed) await ctx.store.append(state.set.id, { op: 'put', member: m });
  const plan = { setId: state.set.id, actions: [], added: [], warnings: [message], memberCount: 0 };
  return summarize(state, plan as unknown as SetPlan, null, failedMembers(state));
}

function withAbort(r: SetResult, aborted: SetResult['aborted']): SetResult {
  return aborted ? { ...r, aborted } : r;
}

function finish(sets: SetResult[], dryRun: boolean, emit: NonNullable<EngineContext['onEvent']>): PassResult {
  const exitCode = sets.some((s) => s.aborted && OWNER_CODES.includes(s.aborted.code))
    ? ExitCode.usage
    : sets.some((s) => s.aborted)
      ? ExitCode.safety
      : sets.some((s) => s.failed > 0)
        ? ExitCode.syncedWithErrors
        : ExitCode.ok;
  emit({ event: 'pass-end', exitCode });
  return { sets, exitCode, dryRun };
}

async function hashContent(connector: Connector, id: string, size: number | undefined): Promise<string> {
  return hashChecked(await connector.readContent(id), size, `node ${id}`);
}

/** Count what a set's pass did (or, on a dry run, would do); `members`: the set's FAILED members (lazy-members.ts). */
function summarize(
  state: SetState,
  plan: SetPlan,
  outcome: ApplyOutcome | null,
  members: MemberState[],
): SetResult {
  const actions = outcome ? outcome.done : plan.actions;
  const count = (pred: (a: (typeof actions)[number]) => boolean) => actions.filter(pred).length;
  const transfer = (to: Side) => (a: (typeof actions)[number]) =>
    (a.type === 'mkdir' || a.type === 'copy' || a.type === 'update' || a.type === 'props') && a.to === to;
  const failedNow = outcome ? new Set(outcome.failed.map((f) => f.action.member)) : new Set<string>();
  const plannedFails = plan.actions.filter((a) => a.type === 'fail').map((a) => a.member);
  // A FAILED member the plan acts on (a copy, a move, a forget…) is no failure once that has run, as a
  // dry run assumes; one with nothing planned, or a planned fail, still is.
  const acted = new Set<string>();
  for (const a of plan.actions) {
    if (a.type === 'fail') continue;
    acted.add(a.member);
    if (a.type === 'delete') for (const k of a.covers) acted.add(k);
  }
  return {
    id: state.set.id,
    name: state.set.name,
    pushed: count(transfer('cloud')),
    pulled: count(transfer('onprem')),
    deleted: actions.reduce((n, a) => (a.type === 'delete' ? n + 1 + a.covers.length : n), 0),
    moved: count((a) => a.type === 'move'),
    conflicts: count((a) => (a.type === 'update' && a.conflict !== undefined) || a.type === 'rename-loser'),
    failed: outcome
      ? members.filter((m) => m.status === 'FAILED' && !m.detached).length
      : new Set([
          ...plannedFails,
          ...members
            .filter((m) => m.status === 'FAILED' && !m.detached && !acted.has(m.key))
            .map((m) => m.key),
          ...failedNow,
        ]).size,
    actions: plan.actions,
    warnings: plan.warnings,
  };
}

/** Every set's direct members (folder roots, documents) by node id on each side, to the set's id. */
function directMembersBySide(states: SetState[]): Record<Side, Map<string, string>> {
  const out: Record<Side, Map<string, string>> = { onprem: new Map(), cloud: new Map() };
  for (const s of states)
    for (const m of directCandidates(s))
      if (m.direct && !m.detached)
        for (const side of SIDES) if (m[side]) out[side].set(m[side]!.id, s.set.id);
  return out;
}

/** Members that may be direct: a folder set's one direct member is its root, found without a walk. */
function directCandidates(s: SetState): MemberState[] {
  if (s.set.kind !== 'folder') return s.members;
  const root = firstDirect(s);
  return root ? [root] : [];
}
