/**
 * A move to another management cluster: checks -> discovery -> plan -> journal, then the phases
 * of `toClusterPhases` in order (pause -> create group by group -> delete from the source in
 * reverse order -> unpause on the target -> verify). Each phase reached is journaled; running the
 * same move again after a failure or a kill skips the phases already done.
 */
import { AggregateClusterctlError, ClusterctlError } from '../../errors.js';
import { ensureInventoryCrd } from '../cluster/inventory.js';
import { checkManagementCluster } from '../cluster/management-cluster.js';
import {
  checkTargetProviders,
  copyForTarget,
  deleteForMove,
  isPaused,
  namespaceEnsurer,
  provisioningErrors,
  setPaused,
  writeCopy,
} from '../cluster/mover.js';
import { describeNode, moveSequence, type GraphNode, type ObjectGraph } from '../cluster/object-graph.js';
import { mapWithConcurrency } from '../pool.js';
import type { KubeClient, MoveJournalStore } from '../ports.js';
import { checkDistinctClusters } from './identity.js';
import {
  failureWithJournal,
  isBefore,
  journalWriter,
  moveJournalId,
  newJournalState,
  readJournal,
  type JournalHeader,
  type JournalState,
  type JournalWriter,
  type Phase,
} from './journal.js';
import { discoverGraph, namespaceToMove, pausable, pauseAndSnapshot, planOf } from './plan.js';
import { rollbackMove } from './rollback.js';
import { runWhenReady } from './schedule.js';
import { emptyResult, moveContext, perKindOf, type MoveContext } from './context.js';
import type { MoveDeps, MoveOptions, MovePlan, MoveResult, PlannedObject } from './types.js';
import { existingOnTarget, plannedNode, verifyMove } from './verify.js';

/** What a move to a cluster knows once its clusters are checked. */
interface MoveSetup {
  source: KubeClient;
  target: KubeClient;
  options: MoveOptions;
  ctx: MoveContext;
  namespace: string;
  journal: JournalWriter;
}

/** One move in progress: what every phase reads and advances. */
interface MoveRun extends MoveSetup {
  state: JournalState;
  plan: MovePlan;
  /** The source as planned; replaced by the paused snapshot once the pause phase ran. */
  graph: ObjectGraph;
  /** Planned objects in creation order (from the snapshot once paused). */
  groups: GraphNode[][];
  /** The paused snapshot of this run (absent when the run resumed past the create phase). */
  snapshot: ObjectGraph | undefined;
  planned: Map<string, PlannedObject>;
  result: MoveResult;
}

interface MovePhase {
  /** The phase journaled when this one is done. */
  reaches: Phase;
  /** Runs while the journal has not reached this phase. */
  pendingUntil: Phase;
  run: (m: MoveRun) => Promise<void>;
}

/** The phases of a move to a cluster, in order. */
const toClusterPhases: readonly MovePhase[] = [
  { reaches: 'paused', pendingUntil: 'created', run: pauseSource },
  { reaches: 'created', pendingUntil: 'created', run: createOnTarget },
  { reaches: 'deleted', pendingUntil: 'deleted', run: deleteFromSource },
  { reaches: 'unpaused', pendingUntil: 'done', run: unpauseOnTarget },
  { reaches: 'done', pendingUntil: 'done', run: verifyOnBothClusters },
];

export async function moveToCluster(
  deps: MoveDeps,
  options: MoveOptions,
  source: KubeClient,
  target: KubeClient,
): Promise<MoveResult> {
  const ctx = moveContext(deps, options);
  await Promise.all([
    checkManagementCluster(source, { strict: true }),
    checkManagementCluster(target, { strict: true }),
  ]);
  // By identity, not by kubeconfig names or URLs, and before anything is written (rollback too).
  const identities = await checkDistinctClusters(source, target);
  await Promise.all([ensureInventoryCrd(source), ensureInventoryCrd(target)]);
  const namespace = namespaceToMove(options, source);
  const clusters = options.clusters ?? [];
  const store = deps.journal;
  const id = moveJournalId(identities.source, identities.target, namespace, clusters);
  const journal = journalWriter(store, id, ctx.now, deps.onStep);
  let state = store ? await readJournal(store, id) : undefined;
  if (state && (state.phase === 'done' || state.phase === 'rolled-back')) state = undefined;
  if (options.rollback) {
    const unfinished = requireJournal(
      store,
      state,
      `namespace "${namespace}" from ${source.server} to ${target.server}`,
    );
    return rollbackMove({ source, target, id, ctx, ...unfinished });
  }

  const setup: MoveSetup = { source, target, options, ctx, namespace, journal };
  const planned = await planOrResume({ setup, store, id, state, identities });
  if ('dryRun' in planned) return planned;
  const run = planned;
  try {
    for (const phase of toClusterPhases) {
      if (!isBefore(run.state.phase, phase.pendingUntil)) continue;
      await phase.run(run);
      await journal.reached(run.state, phase.reaches);
    }
    if (store) await store.remove(id);
  } catch (error) {
    throw failureWithJournal(error, journal.path, run.state.phase);
  }
  return finalResult(run);
}

function requireJournal(
  store: MoveJournalStore | undefined,
  state: JournalState | undefined,
  what: string,
): { store: MoveJournalStore; state: JournalState } {
  if (state && store) return { store, state };
  throw new ClusterctlError('NOT_FOUND', `there is no unfinished move of ${what} to roll back`, {
    hint: 'Rollback needs the journal of a failed move: run it with the same --kubeconfig, --to-kubeconfig, -n and --cluster flags as that move.',
  });
}

/** A finished move reports every object of its journal, grouped as planned (also when resumed). */
function finalResult(m: MoveRun): MoveResult {
  const { result, state, ctx } = m;
  const groups: PlannedObject[][] = [];
  for (const o of state.header.objects) (groups[o.group] ??= []).push(o);
  result.plan.groups = groups.filter((g) => g.length > 0);
  result.journal = undefined;
  result.perKind = perKindOf([state.header.objects]);
  result.plan.objectCount = state.header.objects.length;
  result.durationMs = ctx.now() - ctx.started;
  return result;
}

interface PlanInput {
  setup: MoveSetup;
  store: MoveJournalStore | undefined;
  id: string;
  state: JournalState | undefined;
  identities: { source: { id: string }; target: { id: string } };
}

/**
 * Discovers and plans the move, then either resumes the journaled one or starts a new journal.
 * Returns the (empty) result when there is nothing to move.
 */
async function planOrResume(input: PlanInput): Promise<MoveRun | MoveResult> {
  const { source, target, options, ctx, namespace, journal } = input.setup;
  const clusters = options.clusters ?? [];
  const task = ctx.reporter.task(
    input.state
      ? `Resuming the move started at ${input.state.header.startedAt} (journal ${journal.path})`
      : `Discovering Cluster API objects in namespace ${namespace}`,
  );
  await checkTargetProviders(source, target);
  const graph = await discoverGraph(source, namespace, clusters, ctx.concurrency);
  const { groups, leftBehind } = moveSequence(graph);
  const plan = planOf(graph, groups, leftBehind, clusters.length > 0);
  plan.source = { server: source.server, context: source.context };
  plan.target = { server: target.server, context: target.context };
  let state = input.state;
  if (state) {
    task.succeed(`Resuming the move started at ${state.header.startedAt} (phase: ${state.phase})`);
  } else {
    const moving = groups.flat();
    if (moving.length === 0) {
      task.warn(`Nothing to move: namespace "${namespace}" of ${source.server} has no Cluster API objects`);
      warnLeftBehind(ctx, plan);
      return emptyResult(plan, ctx.started, ctx.now);
    }
    checkMovable(moving);
    state = newJournalState(await journalHeader(input, plan, moving));
    if (input.store) await input.store.create(input.id, state.header);
    task.succeed(
      `Planned the move of ${plan.objectCount} objects (${plan.clusters.length} clusters) from ${source.server} to ${target.server}`,
    );
  }
  warnLeftBehind(ctx, plan);
  const result = emptyResult(plan, ctx.started, ctx.now);
  result.resumed = input.state !== undefined;
  result.journal = journal.path;
  const planned = new Map(state.header.objects.map((o) => [o.uid, o]));
  return { ...input.setup, state, plan, graph, groups, snapshot: undefined, planned, result };
}

function warnLeftBehind(ctx: MoveContext, plan: MovePlan): void {
  for (const lb of plan.leftBehind)
    ctx.reporter.warn(`${lb.kind} ${lb.namespace}/${lb.name} stays on the source: ${lb.reason}`);
}

/** clusterctl's provisioning checks, and no paused cluster or class (its pause would be lost). */
function checkMovable(moving: readonly GraphNode[]): void {
  const errors = provisioningErrors(moving);
  for (const p of pausable(moving).filter(isPaused)) {
    errors.push(
      new ClusterctlError('CONFLICT', `${describeNode(p)} is paused`, {
        hint: 'Move refuses paused clusters and classes (it would unpause them on the target): unpause them (kubectl patch ... spec.paused=false) or move the others with --cluster.',
      }),
    );
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length) throw new AggregateClusterctlError('the source cluster is not ready to move', errors);
}

async function journalHeader(input: PlanInput, plan: MovePlan, moving: GraphNode[]): Promise<JournalHeader> {
  const { source, target, ctx, namespace, options } = input.setup;
  const { identities } = input;
  // What the target has already (global objects shared with other moves), to leave alone on rollback.
  const preexisting = await existingOnTarget(target, moving, ctx.concurrency);
  return {
    kind: 'clusterctl-ts/move',
    version: 2,
    id: input.id,
    startedAt: new Date(ctx.now()).toISOString(),
    namespace,
    source: { server: source.server, context: source.context, identity: identities.source.id },
    target: { server: target.server, context: target.context, identity: identities.target.id },
    clusters: options.clusters ?? [],
    objects: plan.groups.flat(),
    preexisting: [...preexisting],
    paused: pausable(moving).map((n) => n.uid),
  };
}

// ---------------------------------------------------------------------------------------------
// Phases
// ---------------------------------------------------------------------------------------------

/** Pauses the planned clusters and classes on the source, then reads it again (the copies' snapshot). */
async function pauseSource(m: MoveRun): Promise<void> {
  const { plan, ctx, state } = m;
  const what = `${plan.clusters.length} clusters and ${plan.clusterClasses.length} ClusterClasses`;
  const task = ctx.reporter.task(`Pausing ${what} on the source`);
  const paused = new Set(state.header.paused);
  const toPause = m.groups.flat().filter((n) => paused.has(n.uid));
  m.graph = await pauseAndSnapshot(m.source, m.namespace, m.options, toPause, ctx);
  m.snapshot = m.graph;
  m.groups = moveSequence(m.graph)
    .groups.map((g) => g.filter((n) => m.planned.has(n.uid)))
    .filter((g) => g.length > 0);
  task.succeed(`Paused ${what} on the source`);
}

/**
 * Creates the copies on the target, each as soon as its owners (hard and soft, i.e. the objects
 * of earlier groups it hangs on) exist there, owner UIDs rewritten; `created-group-N` is reached
 * when the last object of group N is created. The new UIDs are journaled in batches.
 */
async function createOnTarget(m: MoveRun): Promise<void> {
  const { ctx, state, target, journal, result } = m;
  const byUid = new Map(m.groups.flatMap((g, i) => g.map((n) => [n.uid, { n, group: i }] as const)));
  const left = m.groups.map((g) => g.length);
  const total = byUid.size;
  let done = 0;
  let outcomes: [string, string][] = [];
  const flush = async () => {
    const batch = outcomes;
    outcomes = [];
    if (batch.length) await journal.append([{ t: 'created', uids: batch }]);
  };
  const task = ctx.reporter.task(`Creating ${total} objects on the target`);
  const ensureNamespace = namespaceEnsurer(
    target,
    (name) => journal.append([{ t: 'namespace', name }]),
    ctx.signal,
    (message) => ctx.reporter.info(message),
  );
  const createOne = async (uid: string) => {
    const { n, group } = byUid.get(uid)!;
    const copy = copyForTarget(n, m.graph, state.newUids);
    const created = await writeCopy(target, n, copy, ensureNamespace).catch((error: unknown) => {
      throw error instanceof ClusterctlError
        ? error.withContext(`failed to create ${describeNode(n)} on the target`)
        : error;
    });
    state.newUids.set(n.uid, created.uid);
    outcomes.push([n.uid, created.uid]);
    result[created.outcome]++;
    if (++done % 50 === 0 || done === total) task.update(`Creating objects on the target (${done}/${total})`);
    if (--left[group]! > 0) return;
    await flush();
    await journal.step(`created-group-${group}`);
  };
  // Earlier groups only: the groups already order every owner before what it owns.
  const ownersOf = (uid: string) => {
    const { n, group } = byUid.get(uid)!;
    return [...n.owners.keys(), ...n.softOwners].filter((o) => (byUid.get(o)?.group ?? group) < group);
  };
  await runWhenReady([...byUid.keys()], ownersOf, ctx.concurrency, createOne, ctx.signal).finally(flush);
  task.succeed(`Created ${total} objects on the target (${m.groups.length} groups)`);
}

/** Deletes the moved objects from the source, last group first (never those kept by design). */
async function deleteFromSource(m: MoveRun): Promise<void> {
  const { ctx, journal, result, source } = m;
  // The paused snapshot still describes the source when this run created the objects; a move
  // resumed after the create phase reads the source as it is now (part may be deleted).
  const graph = m.snapshot ?? (await discoverGraph(source, m.namespace, m.options.clusters ?? [], ctx.concurrency));
  const byGroup: GraphNode[][] = [];
  for (const n of graph.nodes.values()) {
    const p = m.planned.get(n.uid);
    if (!n.virtual && p?.deleteFromSource) (byGroup[p.group] ??= []).push(n);
  }
  const total = byGroup.reduce((s, g) => s + (g?.length ?? 0), 0);
  let done = 0;
  const task = ctx.reporter.task(`Deleting ${total} objects from the source`);
  for (let i = byGroup.length - 1; i >= 0; i--) {
    const group = byGroup[i];
    if (!group?.length) continue;
    const gone: string[] = [];
    const deleteOne = async (n: GraphNode) => {
      await deleteForMove(source, n).catch((error: unknown) => {
        throw error instanceof ClusterctlError
          ? error.withContext(`failed to delete ${describeNode(n)} from the source`)
          : error;
      });
      gone.push(n.uid);
      result.deleted++;
      if (++done % 50 === 0 || done === total) task.update(`Deleting objects from the source (${done}/${total})`);
    };
    await mapWithConcurrency(group, ctx.concurrency, deleteOne, ctx.signal).finally(() =>
      journal.append([{ t: 'deleted', uids: gone }]),
    );
    await journal.step(`deleted-group-${i}`);
  }
  task.succeed(`Deleted ${total} objects from the source`);
}

/** Unpauses the moved clusters and classes on the target (and the shared classes kept on the source). */
async function unpauseOnTarget(m: MoveRun): Promise<void> {
  const { ctx, state } = m;
  const task = ctx.reporter.task('Unpausing clusters and ClusterClasses on the target');
  const pausedUids = new Set(state.header.paused);
  const paused = state.header.objects.filter((o) => pausedUids.has(o.uid));
  await setPaused(m.target, paused.map(plannedNode), false, ctx.concurrency, ctx.signal);
  // ClusterClasses shared with other namespaces stay on the source too: unpause those copies.
  const kept = paused.filter((o) => !o.deleteFromSource).map(plannedNode);
  if (kept.length) await setPaused(m.source, kept, false, ctx.concurrency, ctx.signal);
  task.succeed(`Unpaused ${paused.length} clusters and ClusterClasses on the target`);
}

async function verifyOnBothClusters(m: MoveRun): Promise<void> {
  await verifyMove(m.source, m.target, m.state.header.objects, m.ctx.concurrency);
}
