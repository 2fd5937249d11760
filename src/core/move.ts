/**
 * `clusterctl move`: moves the Cluster API objects of one namespace (optionally only some
 * clusters) to another management cluster, or to and from a backup folder.
 *
 * Flow (clusterctl's, made fast and resumable): checks -> discovery (one LIST per kind) -> plan ->
 * journal -> pause -> wait for block-move -> snapshot (one more LIST per kind, so the copies carry
 * the pause) -> create group by group (bounded parallelism inside a group) -> delete from the
 * source in reverse order -> unpause on the target -> verify.
 *
 * Every step is recorded in a journal (MoveJournalStore). Running the same move again after a
 * failure or a kill continues from the journal; `rollback` returns a failed move to the source.
 */
import { AggregateClusterctlError, ClusterctlError } from '../errors.js';
import { Annotations, type KubeObject } from '../types.js';
import { checkManagementCluster } from './cluster/management-cluster.js';
import { ensureInventoryCrd } from './cluster/inventory.js';
import {
  blockingObjects,
  checkDistinctClusters,
  checkTargetProviders,
  clusterClassesOf,
  clustersOf,
  copyForTarget,
  createOnTarget,
  deleteFromSource,
  discoverObjects,
  discoveryTypes,
  graphOf,
  isPaused,
  moverSleep,
  namespaceEnsurer,
  nodeRef,
  provisioningErrors,
  setPaused,
  type ClusterIdentity,
  type CreateOutcome,
} from './cluster/mover.js';
import {
  buildObjectGraph,
  compareNodes,
  deletedFromSource,
  describeNode,
  newNode,
  moveSequence,
  restrictToClusters,
  type GraphNode,
  type ObjectGraph,
} from './cluster/object-graph.js';
import { mapWithConcurrency } from './pool.js';
import {
  silentReporter,
  type KubeClient,
  type MoveJournalStore,
  type ObjectDirectory,
  type Reporter,
} from './ports.js';
import { dns1123LabelErrors, dns1123SubdomainErrors } from './validation.js';
import { parseDocuments } from './yaml/documents.js';

export const defaultMoveConcurrency = 16;

export interface MoveOptions {
  /** The namespace to move; defaults to the source context's namespace. */
  namespace?: string | undefined;
  dryRun?: boolean | undefined;
  /** Move only these Clusters (with what they need). */
  clusters?: string[] | undefined;
  /** Objects written at once inside a group. */
  concurrency?: number | undefined;
  /** Return a failed (journaled) move to the source instead of finishing it. */
  rollback?: boolean | undefined;
  /** How long to wait for objects annotated block-move (default about 2 minutes, as clusterctl). */
  blockMoveTimeoutMs?: number | undefined;
}

export interface MoveDeps {
  /** The source management cluster (absent with a `fromDirectory`). */
  source?: KubeClient | undefined;
  /** The target management cluster (absent for dry-run and `toDirectory`). */
  target?: KubeClient | undefined;
  /** `--to-directory`. */
  toDirectory?: ObjectDirectory | undefined;
  /** `--from-directory`. */
  fromDirectory?: ObjectDirectory | undefined;
  journal?: MoveJournalStore | undefined;
  reporter?: Reporter | undefined;
  signal?: AbortSignal | undefined;
  /** Test hook: called after each step is recorded (used to simulate a crash at a given point). */
  onStep?: ((step: string) => void | Promise<void>) | undefined;
  now?: () => number;
}

export interface PlannedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  group: number;
  deleteFromSource: boolean;
  global: boolean;
}

export interface MovePlan {
  namespace: string;
  source?: { server: string; context: string } | undefined;
  target?: { server: string; context: string } | { directory: string } | undefined;
  clusters: string[];
  clusterClasses: string[];
  groups: PlannedObject[][];
  objectCount: number;
  /** Objects that belong to a moved hierarchy but cannot be ordered (an owner is not moved). */
  leftBehind: { apiVersion: string; kind: string; namespace: string; name: string; reason: string }[];
}

export interface MoveResult {
  plan: MovePlan;
  dryRun: boolean;
  resumed: boolean;
  rolledBack: boolean;
  created: number;
  updated: number;
  existing: number;
  deleted: number;
  /** Objects moved per kind. */
  perKind: Record<string, number>;
  durationMs: number;
  journal?: string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Journal
// ---------------------------------------------------------------------------------------------

type Phase = 'planned' | 'paused' | 'created' | 'deleted' | 'unpaused' | 'done' | 'rolled-back';
const phaseOrder: Phase[] = ['planned', 'paused', 'created', 'deleted', 'unpaused', 'done', 'rolled-back'];

interface JournalHeader {
  kind: 'clusterctl-ts/move';
  version: 2;
  id: string;
  startedAt: string;
  namespace: string;
  /** `identity` is the cluster's identity (ClusterIdentity.id); server and context are for messages. */
  source: { server: string; context: string; identity: string };
  target: { server: string; context: string; identity: string };
  clusters: string[];
  objects: PlannedObject[];
  /** UIDs of planned objects that already existed on the target before the move. */
  preexisting: string[];
  /** Clusters/ClusterClasses this move paused on the source (to unpause on rollback). */
  paused: string[];
}

type JournalEvent =
  | { t: 'phase'; phase: Phase; at: string }
  | { t: 'created'; uids: [string, string][] }
  | { t: 'deleted'; uids: string[] }
  /** A namespace this move created on the target (rollback deletes it). */
  | { t: 'namespace'; name: string };

interface JournalState {
  header: JournalHeader;
  phase: Phase;
  newUids: Map<string, string>;
  deleted: Set<string>;
  createdNamespaces: Set<string>;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The journal of a move: keyed by the clusters' identities (never by URL or kubeconfig names), so
 * the same move run through another URL, context or user of the same clusters finds it.
 */
export function moveJournalId(
  source: ClusterIdentity,
  target: ClusterIdentity,
  namespace: string,
  clusters: readonly string[],
): string {
  const key = [source.id, target.id, namespace, [...clusters].sort().join(',')].join('|');
  return `${namespace || 'all'}-${fnv1a(key)}`;
}

async function readJournal(store: MoveJournalStore, id: string): Promise<JournalState | undefined> {
  const raw = await store.read(id);
  if (!raw) return undefined;
  const header = raw.header as JournalHeader;
  if (header?.kind !== 'clusterctl-ts/move' || header.version !== 2) return undefined;
  const state: JournalState = {
    header,
    phase: 'planned',
    newUids: new Map(),
    deleted: new Set(),
    createdNamespaces: new Set(),
  };
  for (const e of raw.events as JournalEvent[]) {
    if (e.t === 'phase' && phaseOrder.indexOf(e.phase) > phaseOrder.indexOf(state.phase)) state.phase = e.phase;
    else if (e.t === 'created') for (const [from, to] of e.uids) state.newUids.set(from, to);
    else if (e.t === 'deleted') for (const uid of e.uids) state.deleted.add(uid);
    else if (e.t === 'namespace') state.createdNamespaces.add(e.name);
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------------------------

function plannedOf(n: GraphNode, group: number): PlannedObject {
  return {
    apiVersion: n.apiVersion,
    kind: n.kind,
    namespace: n.namespace,
    name: n.name,
    uid: n.uid,
    group,
    deleteFromSource: deletedFromSource(n),
    global: n.isGlobal || n.isGlobalHierarchy,
  };
}

function planOf(graph: ObjectGraph, groups: GraphNode[][], leftBehind: GraphNode[], filtered = false): MovePlan {
  const moving = groups.flat();
  const movingIds = new Set(moving.map((n) => n.uid));
  const behindIds = new Set(leftBehind.map((n) => n.uid));
  // Cluster API objects of the namespace that belong to no moved hierarchy stay behind, as with
  // clusterctl; unlike clusterctl, they are reported (with --cluster, the other clusters' objects
  // are expected to stay and are not listed).
  const unlinked = filtered
    ? []
    : [...graph.nodes.values()].filter(
        (n) =>
          !n.virtual &&
          !movingIds.has(n.uid) &&
          !behindIds.has(n.uid) &&
          n.apiVersion !== 'v1' &&
          !n.isGlobal &&
          n.tenants.size === 0 &&
          (!graph.namespace || n.namespace === graph.namespace),
      );
  return {
    namespace: graph.namespace,
    clusters: clustersOf(moving).map((n) => `${n.namespace}/${n.name}`),
    clusterClasses: clusterClassesOf(moving).map((n) => `${n.namespace}/${n.name}`),
    groups: groups.map((g, i) => g.map((n) => plannedOf(n, i))),
    objectCount: moving.length,
    leftBehind: [
      ...leftBehind.map((n) => {
        const missing = [...n.owners.keys(), ...n.softOwners]
          .map((uid) => graph.nodes.get(uid)!)
          .filter((o) => !movingIds.has(o.uid));
        return {
          apiVersion: n.apiVersion,
          kind: n.kind,
          namespace: n.namespace,
          name: n.name,
          reason: `its owner ${missing.map((o) => describeNode(o)).join(', ') || '(unknown)'} is not moved`,
        };
      }),
      ...unlinked.sort(compareNodes).map((n) => ({
        apiVersion: n.apiVersion,
        kind: n.kind,
        namespace: n.namespace,
        name: n.name,
        reason: 'it belongs to no Cluster, ClusterClass or ClusterResourceSet (no ownerReference chain leads to one)',
      })),
    ],
  };
}

function perKindOf(groups: readonly (readonly { kind: string }[])[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const g of groups) for (const n of g) out[n.kind] = (out[n.kind] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function discoverGraph(
  client: KubeClient,
  namespace: string,
  clusters: readonly string[],
  concurrency: number,
): Promise<ObjectGraph> {
  const discovered = await discoverObjects(client, namespace, { concurrency });
  const graph = graphOf(discovered, namespace);
  if (clusters.length) {
    const missing = restrictToClusters(graph, clusters);
    if (missing.length) {
      throw new ClusterctlError(
        'NOT_FOUND',
        `cluster${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not found in namespace "${namespace}" of ${client.server}`,
        { hint: `Check the names with: kubectl get clusters -n ${namespace}` },
      );
    }
  }
  return graph;
}

// ---------------------------------------------------------------------------------------------
// The operation
// ---------------------------------------------------------------------------------------------

/** `-n` must name a namespace (a DNS-1123 label); it never becomes part of a path unchecked. */
function checkNamespaceName(namespace: string, origin: string): void {
  const errors = dns1123LabelErrors(namespace);
  if (errors.length === 0) return;
  throw new ClusterctlError('INVALID_ARGUMENT', `"${namespace}" is not a namespace name: ${errors.join('; ')}`, {
    hint: `Check ${origin}: a namespace name has at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit.`,
  });
}

/** The namespace to move: `-n`, else the source context's namespace. */
function namespaceToMove(options: MoveOptions, source: KubeClient): string {
  if (options.namespace) return options.namespace;
  checkNamespaceName(source.currentNamespace, `the namespace of context "${source.context}" in the kubeconfig`);
  return source.currentNamespace;
}

function validate(deps: MoveDeps, options: MoveOptions): void {
  if (options.namespace) checkNamespaceName(options.namespace, '--namespace (-n)');
  if (deps.toDirectory && deps.target)
    throw new ClusterctlError('INVALID_ARGUMENT', 'only one of --to-kubeconfig and --to-directory can be given', {
      hint: 'Move to another cluster with --to-kubeconfig, or back up to a folder with --to-directory.',
    });
  if (deps.fromDirectory && deps.toDirectory)
    throw new ClusterctlError('INVALID_ARGUMENT', 'only one of --from-directory and --to-directory can be given');
  if (!deps.target && !deps.toDirectory && !deps.fromDirectory && !options.dryRun)
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      'please specify a target cluster using the --to-kubeconfig flag when not using --dry-run, --to-directory or --from-directory',
      { hint: 'Example: clusterctl move --to-kubeconfig target.kubeconfig -n my-namespace' },
    );
  if (options.concurrency !== undefined && (!Number.isInteger(options.concurrency) || options.concurrency < 1))
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `invalid --concurrency ${options.concurrency}: use a whole number >= 1`,
    );
  if (options.rollback && (!deps.target || !deps.source))
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      '--rollback needs the same --kubeconfig and --to-kubeconfig as the failed move',
    );
}

export async function move(deps: MoveDeps, options: MoveOptions = {}): Promise<MoveResult> {
  validate(deps, options);
  if (deps.fromDirectory) return moveFromDirectory(deps, options);
  const source = deps.source;
  if (!source) throw new ClusterctlError('INVALID_ARGUMENT', 'a source management cluster is required (--kubeconfig)');
  if (deps.toDirectory) return moveToDirectory(deps, options, source);
  if (options.dryRun || !deps.target) return dryRunMove(deps, options, source);
  return moveToCluster(deps, options, source, deps.target);
}

function emptyResult(plan: MovePlan, started: number, now: () => number): MoveResult {
  return {
    plan,
    dryRun: false,
    resumed: false,
    rolledBack: false,
    created: 0,
    updated: 0,
    existing: 0,
    deleted: 0,
    perKind: perKindOf(plan.groups),
    durationMs: now() - started,
  };
}

async function dryRunMove(deps: MoveDeps, options: MoveOptions, source: KubeClient): Promise<MoveResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const reporter = deps.reporter ?? silentReporter;
  await checkManagementCluster(source, { strict: true });
  const namespace = namespaceToMove(options, source);
  const task = reporter.task(`Discovering Cluster API objects in namespace ${namespace}`);
  const graph = await discoverGraph(
    source,
    namespace,
    options.clusters ?? [],
    options.concurrency ?? defaultMoveConcurrency,
  );
  const { groups, leftBehind } = moveSequence(graph);
  const plan = planOf(graph, groups, leftBehind, Boolean(options.clusters?.length));
  plan.source = { server: source.server, context: source.context };
  task.succeed(
    `Discovered ${plan.objectCount} objects to move (${plan.clusters.length} clusters, ${groups.length} groups)`,
  );
  return { ...emptyResult(plan, started, now), dryRun: true };
}

async function pauseAndSnapshot(
  source: KubeClient,
  namespace: string,
  options: MoveOptions,
  concurrency: number,
  toPause: GraphNode[],
  reporter: Reporter,
  signal: AbortSignal | undefined,
): Promise<ObjectGraph> {
  await setPaused(source, toPause, true, concurrency, signal);
  // Objects annotated block-move hold the move until their provider removes the annotation.
  let graph = await discoverGraph(source, namespace, options.clusters ?? [], concurrency);
  const timeoutMs = options.blockMoveTimeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let blocking = (await blockingObjects(source, moveSequence(graph).groups.flat(), concurrency)).map(describeNode);
  if (blocking.length) {
    const task = reporter.task(
      `Waiting for ${blocking.length} objects annotated ${Annotations.blockMove}: ${blocking.slice(0, 3).join(', ')}`,
    );
    let delay = 500;
    while (blocking.length) {
      if (Date.now() > deadline) {
        task.fail();
        throw new ClusterctlError(
          'TIMEOUT',
          `objects still carry the ${Annotations.blockMove} annotation after ${Math.round(timeoutMs / 1000)}s: ${blocking.join(', ')}`,
          {
            hint: 'The provider that set it is still busy with these objects; wait for it (or remove the annotation if the provider is gone), then re-run the same move: it continues from where it stopped.',
          },
        );
      }
      await moverSleep(delay, signal);
      delay = Math.min(delay * 1.5, 5000);
      graph = await discoverGraph(source, namespace, options.clusters ?? [], concurrency);
      blocking = (await blockingObjects(source, moveSequence(graph).groups.flat(), concurrency)).map(describeNode);
      task.update(`Waiting for ${blocking.length} objects annotated ${Annotations.blockMove}`);
    }
    task.succeed('No object blocks the move any more');
  }
  return graph;
}

async function moveToCluster(
  deps: MoveDeps,
  options: MoveOptions,
  source: KubeClient,
  target: KubeClient,
): Promise<MoveResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const reporter = deps.reporter ?? silentReporter;
  const signal = deps.signal;
  const concurrency = options.concurrency ?? defaultMoveConcurrency;
  const step = async (name: string) => deps.onStep?.(name);

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
  const journalPath = store?.location(id);
  let state = store ? await readJournal(store, id) : undefined;
  if (state && (state.phase === 'done' || state.phase === 'rolled-back')) state = undefined;

  if (options.rollback) {
    if (!state || !store) {
      throw new ClusterctlError(
        'NOT_FOUND',
        `there is no unfinished move of namespace "${namespace}" from ${source.server} to ${target.server} to roll back`,
        {
          hint: 'Rollback needs the journal of a failed move: run it with the same --kubeconfig, --to-kubeconfig, -n and --cluster flags as that move.',
        },
      );
    }
    return rollbackMove({ source, target, store, id, state, reporter, signal, concurrency, now, started });
  }

  const discoverTask = reporter.task(
    state
      ? `Resuming the move started at ${state.header.startedAt} (journal ${journalPath})`
      : `Discovering Cluster API objects in namespace ${namespace}`,
  );
  await checkTargetProviders(source, target);
  let graph = await discoverGraph(source, namespace, clusters, concurrency);
  let { groups, leftBehind } = moveSequence(graph);
  const plan = planOf(graph, groups, leftBehind, clusters.length > 0);
  plan.source = { server: source.server, context: source.context };
  plan.target = { server: target.server, context: target.context };

  const journal = async (events: JournalEvent[]) => {
    if (store) await store.append(id, events);
  };
  const phase = async (p: Phase) => {
    await journal([{ t: 'phase', phase: p, at: new Date(now()).toISOString() }]);
    if (state) state.phase = p;
    await step(p);
  };

  const resuming = state !== undefined;
  if (!state) {
    const moving = groups.flat();
    if (moving.length === 0) {
      discoverTask.warn(`Nothing to move: namespace "${namespace}" of ${source.server} has no Cluster API objects`);
      for (const lb of plan.leftBehind)
        reporter.warn(`${lb.kind} ${lb.namespace}/${lb.name} stays on the source: ${lb.reason}`);
      return emptyResult(plan, started, now);
    }
    const errors = provisioningErrors(moving);
    const paused = [...clustersOf(moving), ...clusterClassesOf(moving)].filter(isPaused);
    for (const p of paused) {
      errors.push(
        new ClusterctlError('CONFLICT', `${describeNode(p)} is paused`, {
          hint: 'Move refuses paused clusters and classes (it would unpause them on the target): unpause them (kubectl patch ... spec.paused=false) or move the others with --cluster.',
        }),
      );
    }
    if (errors.length === 1) throw errors[0]!;
    if (errors.length) throw new AggregateClusterctlError('the source cluster is not ready to move', errors);
    // What the target has already (global objects shared with other moves), to leave alone on rollback.
    const preexisting = await existingOnTarget(target, moving, concurrency);
    const header: JournalHeader = {
      kind: 'clusterctl-ts/move',
      version: 2,
      id,
      startedAt: new Date(now()).toISOString(),
      namespace,
      source: { server: source.server, context: source.context, identity: identities.source.id },
      target: { server: target.server, context: target.context, identity: identities.target.id },
      clusters,
      objects: plan.groups.flat(),
      preexisting: [...preexisting],
      paused: [...clustersOf(moving), ...clusterClassesOf(moving)].map((n) => n.uid),
    };
    if (store) await store.create(id, header);
    state = { header, phase: 'planned', newUids: new Map(), deleted: new Set(), createdNamespaces: new Set() };
    discoverTask.succeed(
      `Planned the move of ${plan.objectCount} objects (${plan.clusters.length} clusters) from ${source.server} to ${target.server}`,
    );
  } else {
    discoverTask.succeed(`Resuming the move started at ${state.header.startedAt} (phase: ${state.phase})`);
  }
  for (const lb of plan.leftBehind)
    reporter.warn(`${lb.kind} ${lb.namespace}/${lb.name} stays on the source: ${lb.reason}`);

  const result = emptyResult(plan, started, now);
  result.resumed = resuming;
  result.journal = journalPath;
  const planned = new Map(state.header.objects.map((o) => [o.uid, o]));
  let snapshot: ObjectGraph | undefined;

  try {
    if (phaseOrder.indexOf(state.phase) < phaseOrder.indexOf('created')) {
      // Pause, then read again so the copies carry the pause and the latest spec.
      const pauseTask = reporter.task(
        `Pausing ${plan.clusters.length} clusters and ${plan.clusterClasses.length} ClusterClasses on the source`,
      );
      const pausable = groups.flat().filter((n) => state.header.paused.includes(n.uid));
      graph = await pauseAndSnapshot(source, namespace, options, concurrency, pausable, reporter, signal);
      snapshot = graph;
      ({ groups, leftBehind } = moveSequence(graph));
      groups = groups.map((g) => g.filter((n) => planned.has(n.uid))).filter((g) => g.length > 0);
      pauseTask.succeed(
        `Paused ${plan.clusters.length} clusters and ${plan.clusterClasses.length} ClusterClasses on the source`,
      );
      await phase('paused');

      const total = groups.reduce((s, g) => s + g.length, 0);
      let done = 0;
      const createTask = reporter.task(`Creating ${total} objects on the target`);
      const ensureNamespace = namespaceEnsurer(target, (name) => journal([{ t: 'namespace', name }]));
      const newUids = state.newUids;
      for (const [i, group] of groups.entries()) {
        const outcomes: [string, string][] = [];
        await mapWithConcurrency(
          group,
          concurrency,
          async (n) => {
            let outcome: { uid: string; outcome: CreateOutcome };
            try {
              outcome = await createOnTarget(target, n, copyForTarget(n, graph, newUids), ensureNamespace, signal);
            } catch (error) {
              throw error instanceof ClusterctlError
                ? error.withContext(`failed to create ${describeNode(n)} on the target`)
                : error;
            }
            newUids.set(n.uid, outcome.uid);
            outcomes.push([n.uid, outcome.uid]);
            result[outcome.outcome]++;
            done++;
            if (done % 50 === 0 || done === total)
              createTask.update(`Creating objects on the target (${done}/${total}, group ${i + 1}/${groups.length})`);
          },
          signal,
        ).finally(() => journal([{ t: 'created', uids: outcomes }]));
        await step(`created-group-${i}`);
      }
      createTask.succeed(`Created ${total} objects on the target (${groups.length} groups)`);
      await phase('created');
    }

    if (phaseOrder.indexOf(state.phase) < phaseOrder.indexOf('deleted')) {
      // The paused snapshot still describes the source when this run created the objects; a move
      // resumed after the create phase reads the source as it is now (part may be deleted).
      graph = snapshot ?? (await discoverGraph(source, namespace, clusters, concurrency));
      const present = [...graph.nodes.values()].filter((n) => !n.virtual && planned.has(n.uid));
      const byGroup: GraphNode[][] = [];
      for (const n of present) {
        const p = planned.get(n.uid)!;
        if (!p.deleteFromSource) continue;
        (byGroup[p.group] ??= []).push(n);
      }
      const total = byGroup.reduce((s, g) => s + (g?.length ?? 0), 0);
      let done = 0;
      const deleteTask = reporter.task(`Deleting ${total} objects from the source`);
      for (let i = byGroup.length - 1; i >= 0; i--) {
        const group = byGroup[i];
        if (!group?.length) continue;
        const gone: string[] = [];
        await mapWithConcurrency(
          group,
          concurrency,
          async (n) => {
            try {
              await deleteFromSource(source, n, signal);
            } catch (error) {
              throw error instanceof ClusterctlError
                ? error.withContext(`failed to delete ${describeNode(n)} from the source`)
                : error;
            }
            gone.push(n.uid);
            result.deleted++;
            done++;
            if (done % 50 === 0 || done === total)
              deleteTask.update(`Deleting objects from the source (${done}/${total})`);
          },
          signal,
        ).finally(() => journal([{ t: 'deleted', uids: gone }]));
        await step(`deleted-group-${i}`);
      }
      deleteTask.succeed(`Deleted ${total} objects from the source`);
      await phase('deleted');
    }

    const unpauseTask = reporter.task('Unpausing clusters and ClusterClasses on the target');
    const pausedNodes = state.header.objects.filter((o) => state.header.paused.includes(o.uid)).map(plannedNode);
    await setPaused(target, pausedNodes, false, concurrency, signal);
    // ClusterClasses shared with other namespaces stay on the source too: unpause those copies.
    const kept = state.header.objects
      .filter((o) => !o.deleteFromSource && state.header.paused.includes(o.uid))
      .map(plannedNode);
    if (kept.length) await setPaused(source, kept, false, concurrency, signal);
    unpauseTask.succeed(`Unpaused ${pausedNodes.length} clusters and ClusterClasses on the target`);
    await phase('unpaused');

    await verifyMove(source, target, state.header, concurrency);
    await phase('done');
    if (store) await store.remove(id);
  } catch (error) {
    throw failureWithJournal(error, journalPath, state.phase);
  }
  result.journal = undefined;
  result.perKind = perKindOf([state.header.objects]);
  result.plan.objectCount = state.header.objects.length;
  result.durationMs = now() - started;
  return result;
}

function plannedNode(o: PlannedObject): GraphNode {
  const n = newNode(o);
  n.virtual = false;
  n.isGlobal = o.global;
  n.shouldNotDelete = !o.deleteFromSource;
  return n;
}

type Identity = { apiVersion: string; kind: string; namespace?: string | undefined; name?: string | undefined };
const identityKey = (o: { kind: string; namespace?: string | undefined; name?: string | undefined }) =>
  `${o.kind}|${o.namespace ?? ''}|${o.name ?? ''}`;
const liveKey = (o: KubeObject) =>
  identityKey({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });

/**
 * The live objects of the kinds (and namespaces) of `objects` on one cluster, keyed by
 * identityKey: one LIST per kind and namespace (cluster-scoped kinds: one LIST), never a GET each.
 */
async function readLive(
  client: KubeClient,
  objects: readonly Identity[],
  concurrency: number,
): Promise<Map<string, KubeObject>> {
  const kinds = new Map<string, Identity>();
  for (const o of objects) kinds.set(`${o.apiVersion}|${o.kind}|${o.namespace ?? ''}`, o);
  const lists = await mapWithConcurrency([...kinds.values()], concurrency, async (k) => {
    try {
      return await client.list(k.apiVersion, k.kind, { namespace: k.namespace || undefined });
    } catch (error) {
      if (error instanceof ClusterctlError && error.code === 'NOT_FOUND') {
        throw new ClusterctlError(
          'NOT_FOUND',
          `the cluster ${client.server} does not serve ${k.kind} (${k.apiVersion})`,
          {
            hint: 'Install the provider that defines this kind there first (clusterctl init --kubeconfig <cluster> ...).',
          },
        );
      }
      throw error;
    }
  });
  return new Map(lists.flat().map((o) => [liveKey(o), o]));
}

function failureWithJournal(error: unknown, journalPath: string | undefined, phase: Phase): unknown {
  if (!journalPath) return error;
  const base =
    error instanceof ClusterctlError
      ? error
      : new ClusterctlError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
  const where =
    phase === 'planned' || phase === 'paused'
      ? 'The source still has every object (its clusters are paused); the target may have part of them.'
      : phase === 'created'
        ? 'The target has every object; the source still has part of them (paused).'
        : 'Every object is on the target.';
  return new ClusterctlError(base.code, `${base.message}. ${where} The move journal is ${journalPath}`, {
    exitCode: base.exitCode,
    cause: base,
    hint: `${base.hint && !base.hint.includes('--rollback') ? `${base.hint} ` : ''}Re-run the same command to finish the move, or add --rollback to return everything to the source and unpause it.`,
  });
}

/** UIDs (source) of planned objects whose name already exists on the target. */
async function existingOnTarget(
  target: KubeClient,
  nodes: readonly GraphNode[],
  concurrency: number,
): Promise<Set<string>> {
  const live = await readLive(target, nodes, concurrency);
  return new Set(nodes.filter((n) => live.has(identityKey(n))).map((n) => n.uid));
}

/** The target has every planned object; the source has none of those it had to delete. */
async function verifyMove(
  source: KubeClient,
  target: KubeClient,
  header: JournalHeader,
  concurrency: number,
): Promise<void> {
  const objects = header.objects;
  const present = async (client: KubeClient) =>
    new Set(
      [...(await readLive(client, objects, concurrency)).entries()]
        .filter(([, o]) => !o.metadata.deletionTimestamp)
        .map(([key]) => key),
    );
  const [onTarget, onSource] = await Promise.all([present(target), present(source)]);
  const missing = objects.filter((o) => !onTarget.has(identityKey(o)));
  const remaining = objects.filter((o) => o.deleteFromSource && onSource.has(identityKey(o)));
  if (missing.length || remaining.length) {
    const list = (xs: PlannedObject[]) =>
      xs
        .slice(0, 5)
        .map((o) => describeNode(o))
        .join(', ') + (xs.length > 5 ? `, and ${xs.length - 5} more` : '');
    throw new ClusterctlError(
      'CONFLICT',
      [
        missing.length ? `${missing.length} moved objects are missing on the target (${list(missing)})` : '',
        remaining.length ? `${remaining.length} objects are still on the source (${list(remaining)})` : '',
      ]
        .filter(Boolean)
        .join('; '),
      { hint: 'Something else changed these objects during the move.' },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Rollback
// ---------------------------------------------------------------------------------------------

/**
 * A move whose clusters run unpaused on the target has finished (its last step unpauses them
 * there), whatever a journal says: it may have been finished through another journal, machine or
 * state folder. Rolling it back would take the clusters from the controllers now managing them.
 */
function refuseFinishedMove(header: JournalHeader, onTarget: Map<string, KubeObject>, target: KubeClient): void {
  const preexisting = new Set(header.preexisting);
  const running = header.objects
    .filter((o) => header.paused.includes(o.uid) && !preexisting.has(o.uid))
    .flatMap((o) => {
      const live = onTarget.get(identityKey(o));
      if (!live) return [];
      const n = plannedNode(o);
      n.object = live;
      return isPaused(n) ? [] : [describeNode(n)];
    });
  if (running.length === 0) return;
  throw new ClusterctlError(
    'CONFLICT',
    `the move of namespace "${header.namespace}" started at ${header.startedAt} has finished: ${running.slice(0, 3).join(', ')}${running.length > 3 ? ` and ${running.length - 3} more` : ''} run unpaused on the target ${target.server}; nothing was rolled back`,
    {
      hint: 'To bring the clusters back, move them again in the other direction (swap --kubeconfig and --to-kubeconfig). Running the same move without --rollback verifies it and clears its journal.',
    },
  );
}

async function rollbackMove(input: {
  source: KubeClient;
  target: KubeClient;
  store: MoveJournalStore;
  id: string;
  state: JournalState;
  reporter: Reporter;
  signal: AbortSignal | undefined;
  concurrency: number;
  now: () => number;
  started: number;
}): Promise<MoveResult> {
  const { source, target, store, id, state, reporter, signal, concurrency, now, started } = input;
  const header = state.header;
  if (phaseOrder.indexOf(state.phase) >= phaseOrder.indexOf('unpaused')) {
    throw new ClusterctlError('CONFLICT', 'the move already finished on the target; there is nothing to roll back', {
      hint: 'To bring the clusters back, move them again in the other direction (swap --kubeconfig and --to-kubeconfig).',
    });
  }
  const task = reporter.task(`Rolling back the move started at ${header.startedAt}`);
  const [onSource, onTarget] = await Promise.all([
    readLive(source, header.objects, concurrency),
    readLive(target, header.objects, concurrency),
  ]);
  refuseFinishedMove(header, onTarget, target);
  const plannedByTargetUid = new Map<string, PlannedObject>();
  const targetObjects: KubeObject[] = [];
  for (const o of header.objects) {
    const t = onTarget.get(identityKey(o));
    if (t) {
      targetObjects.push(t);
      if (t.metadata.uid) plannedByTargetUid.set(t.metadata.uid, o);
    }
  }
  const result = emptyResult(
    {
      namespace: header.namespace,
      clusters: [],
      clusterClasses: [],
      groups: [],
      objectCount: header.objects.length,
      leftBehind: [],
    },
    started,
    now,
  );
  result.rolledBack = true;

  // 1. Objects the move already deleted from the source come back from the target's copies.
  const missingOnSource = header.objects.filter((o) => o.deleteFromSource && !onSource.has(identityKey(o)));
  if (missingOnSource.length) {
    const graph = buildObjectGraph([], targetObjects, { namespace: header.namespace });
    const sourceUids = new Map<string, string>();
    for (const t of targetObjects) {
      const s = onSource.get(liveKey(t));
      if (s?.metadata.uid && t.metadata.uid) sourceUids.set(t.metadata.uid, s.metadata.uid);
    }
    const wanted = new Set(missingOnSource.map(identityKey));
    const groups = new Map<number, GraphNode[]>();
    for (const n of graph.nodes.values()) {
      if (n.virtual || !wanted.has(identityKey(n))) continue;
      const p = plannedByTargetUid.get(n.uid)!;
      const list = groups.get(p.group);
      if (list) list.push(n);
      else groups.set(p.group, [n]);
    }
    const ensureNamespace = namespaceEnsurer(source);
    for (const g of [...groups.keys()].sort((a, b) => a - b)) {
      await mapWithConcurrency(
        groups.get(g)!,
        concurrency,
        async (n) => {
          const created = await createOnTarget(source, n, copyForTarget(n, graph, sourceUids), ensureNamespace, signal);
          sourceUids.set(n.uid, created.uid);
          result.created++;
        },
        signal,
      );
    }
  }

  // 2. Remove from the target what this move created there (never what it had before).
  const preexisting = new Set(header.preexisting);
  const toRemove = header.objects.filter((o) => !preexisting.has(o.uid) && onTarget.has(identityKey(o)));
  const maxGroup = Math.max(-1, ...toRemove.map((o) => o.group));
  for (let g = maxGroup; g >= 0; g--) {
    const group = toRemove.filter((o) => o.group === g);
    await mapWithConcurrency(
      group,
      concurrency,
      async (o) => {
        const t = onTarget.get(identityKey(o))!;
        const n = plannedNode(o);
        n.object = t;
        await deleteFromSource(target, n, signal);
        result.deleted++;
      },
      signal,
    );
  }

  // 3. Remove the namespaces this move created on the target.
  for (const name of state.createdNamespaces) await target.delete({ apiVersion: 'v1', kind: 'Namespace', name });

  // 4. Unpause what this move paused on the source.
  const paused = header.objects.filter((o) => header.paused.includes(o.uid)).map(plannedNode);
  await setPaused(source, paused, false, concurrency, signal);
  await store.append(id, [{ t: 'phase', phase: 'rolled-back', at: new Date(now()).toISOString() }]);
  await store.remove(id);
  task.succeed(
    `Rolled back: ${result.created} objects restored on the source, ${result.deleted} removed from the target, ${paused.length} clusters and ClusterClasses unpaused`,
  );
  result.durationMs = now() - started;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Directories
// ---------------------------------------------------------------------------------------------

/** `<Kind>_<namespace>_<name>.yaml`, as clusterctl names backup files. */
export function backupFileName(n: { kind: string; namespace: string; name: string }): string {
  return `${n.kind}_${n.namespace}_${n.name}.yaml`;
}

/**
 * JSON as Go's encoding/json writes an unstructured object: keys sorted, no spaces, `<`, `>` and
 * `&` escaped, U+2028/U+2029 escaped, a trailing newline. Backups stay byte-compatible.
 */
export function goJson(value: unknown): string {
  const enc = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (Array.isArray(v)) return `[${v.map(enc).join(',')}]`;
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, x]) => `${enc(k)}:${enc(x)}`).join(',')}}`;
    }
    if (typeof v === 'string')
      return JSON.stringify(v).replace(
        /[<>&\u2028\u2029]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
    return JSON.stringify(v);
  };
  return `${enc(value)}\n`;
}

async function moveToDirectory(deps: MoveDeps, options: MoveOptions, source: KubeClient): Promise<MoveResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const reporter = deps.reporter ?? silentReporter;
  const dir = deps.toDirectory!;
  const concurrency = options.concurrency ?? defaultMoveConcurrency;
  await checkManagementCluster(source, { strict: true });
  const namespace = namespaceToMove(options, source);
  const task = reporter.task(`Discovering Cluster API objects in namespace ${namespace}`);
  let graph = await discoverGraph(source, namespace, options.clusters ?? [], concurrency);
  let { groups, leftBehind } = moveSequence(graph);
  const plan = planOf(graph, groups, leftBehind, Boolean(options.clusters?.length));
  plan.source = { server: source.server, context: source.context };
  plan.target = { directory: dir.path };
  const moving = groups.flat();
  const paused = [...clustersOf(moving), ...clusterClassesOf(moving)].filter(isPaused);
  if (paused.length) {
    throw new ClusterctlError('CONFLICT', `cannot back up paused objects: ${paused.map(describeNode).join(', ')}`, {
      hint: 'A backup pauses and then unpauses every cluster; unpause these first (or leave them out with --cluster) so their pause is not lost.',
    });
  }
  task.succeed(`Discovered ${plan.objectCount} objects to back up (${plan.clusters.length} clusters)`);
  for (const lb of plan.leftBehind) reporter.warn(`${lb.kind} ${lb.namespace}/${lb.name} is not saved: ${lb.reason}`);
  const toPause = [...clustersOf(moving), ...clusterClassesOf(moving)];
  const result = emptyResult(plan, started, now);
  const save = reporter.task(`Saving ${plan.objectCount} objects to ${dir.path}`);
  try {
    graph = await pauseAndSnapshot(source, namespace, options, concurrency, toPause, reporter, deps.signal);
    ({ groups, leftBehind } = moveSequence(graph));
    const ids = new Set(moving.map((n) => n.uid));
    const nodes = groups.flat().filter((n) => ids.has(n.uid));
    await mapWithConcurrency(
      nodes,
      concurrency,
      async (n) => {
        await dir.write(backupFileName(n), goJson(n.object));
        result.created++;
      },
      deps.signal,
    );
    save.succeed(`Saved ${nodes.length} objects to ${dir.path} (they include Secrets: keep the folder private)`);
  } finally {
    await setPaused(source, toPause, false, concurrency, deps.signal);
  }
  result.durationMs = now() - started;
  return result;
}

/** Why a backup object cannot be restored as it is (no kind, a name that is not a name), or undefined. */
function backupObjectProblem(o: KubeObject): string | undefined {
  if (typeof o.kind !== 'string' || !o.kind) return 'it has no kind';
  if (typeof o.apiVersion !== 'string' || !o.apiVersion) return 'it has no apiVersion';
  const name = o.metadata?.name;
  if (typeof name !== 'string' || !name) return 'it has no metadata.name';
  const nameErrors = dns1123SubdomainErrors(name);
  if (nameErrors.length) return `its name ${JSON.stringify(name)} is not valid: ${nameErrors.join('; ')}`;
  const namespace = o.metadata.namespace;
  if (namespace === undefined) return undefined;
  const nsErrors = typeof namespace === 'string' ? dns1123LabelErrors(namespace) : ['not a string'];
  return nsErrors.length
    ? `its namespace ${JSON.stringify(namespace)} is not valid: ${nsErrors.join('; ')}`
    : undefined;
}

/** Every object of a backup folder, each checked before anything is restored. */
async function readBackup(dir: ObjectDirectory): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const name of await dir.list()) {
    const file = `${dir.path}/${name}`;
    for (const o of parseDocuments(await dir.read(name), file)) {
      const problem = backupObjectProblem(o);
      if (problem) {
        throw new ClusterctlError('INVALID_YAML', `the backup file ${file} cannot be restored: ${problem}`, {
          hint: 'Nothing was restored. Fix or remove that file (a backup holds one object per file, as move --to-directory writes it), then re-run.',
        });
      }
      objects.push(o);
    }
  }
  return objects;
}

/** What a restore that failed midway left on the target, and how to finish or undo it. */
function restoreFailure(error: unknown, target: KubeClient, created: readonly GraphNode[], plan: MovePlan): unknown {
  if (!(error instanceof ClusterctlError) || created.length === 0) return error;
  const namespaces = [...new Set(created.map((n) => n.namespace).filter(Boolean))].sort();
  const clusters = clustersOf([...created]).map((n) => `${n.namespace}/${n.name}`);
  return new ClusterctlError(
    error.code,
    `${error.message}. The restore stopped midway: ${created.length} of ${plan.objectCount} objects were created on ${target.server} (namespaces: ${namespaces.join(', ') || 'none'})${clusters.length ? `, and the restored Clusters ${clusters.join(', ')} are paused there` : ''}`,
    {
      exitCode: error.exitCode,
      cause: error,
      hint: `${error.hint ? `${error.hint} ` : ''}Re-run the same command to finish the restore (objects already on the target are kept, the clusters are unpaused at the end), or undo it by deleting what was restored (e.g. kubectl delete namespace ${namespaces[0] ?? '<namespace>'} on that cluster, if the restore created it).`,
    },
  );
}

async function moveFromDirectory(deps: MoveDeps, options: MoveOptions): Promise<MoveResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const reporter = deps.reporter ?? silentReporter;
  const dir = deps.fromDirectory!;
  const target = deps.target;
  const concurrency = options.concurrency ?? defaultMoveConcurrency;
  const task = reporter.task(`Reading objects from ${dir.path}`);
  const objects = await readBackup(dir);
  const typesClient = target ?? deps.source;
  const types = typesClient ? await discoveryTypes(typesClient) : [];
  const graph = buildObjectGraph(types, objects, { namespace: '' });
  // Everything read back is restored, in owner order.
  for (const n of graph.nodes.values()) if (!n.virtual) n.forceMove = true;
  const { groups, leftBehind } = moveSequence(graph);
  const plan = planOf(graph, groups, leftBehind);
  plan.target = target ? { server: target.server, context: target.context } : undefined;
  task.succeed(`Read ${objects.length} objects from ${dir.path}`);
  const result = emptyResult(plan, started, now);
  if (options.dryRun || !target) return { ...result, dryRun: true };
  await checkManagementCluster(target, { strict: true });
  await ensureInventoryCrd(target);
  const restore = reporter.task(`Restoring ${plan.objectCount} objects to ${target.server}`);
  const ensureNamespace = namespaceEnsurer(target);
  const newUids = new Map<string, string>();
  const createdNodes: GraphNode[] = [];
  try {
    for (const group of groups) {
      await mapWithConcurrency(
        group,
        concurrency,
        async (n) => {
          const existing = await target.get(nodeRef(n));
          if (existing) {
            newUids.set(n.uid, existing.metadata.uid ?? '');
            result.existing++;
            return;
          }
          const copy = copyForTarget(n, graph, newUids);
          delete copy.metadata.managedFields;
          const created = await createOnTarget(target, n, copy, ensureNamespace, deps.signal).catch(
            (error: unknown) => {
              throw error instanceof ClusterctlError
                ? error.withContext(`failed to restore ${describeNode(n)}`)
                : error;
            },
          );
          newUids.set(n.uid, created.uid);
          createdNodes.push(n);
          result[created.outcome]++;
        },
        deps.signal,
      );
    }
  } catch (error) {
    restore.fail();
    throw restoreFailure(error, target, createdNodes, plan);
  }
  const moving = groups.flat();
  await setPaused(target, [...clustersOf(moving), ...clusterClassesOf(moving)], false, concurrency, deps.signal);
  restore.succeed(
    `Restored ${result.created} objects (${result.existing} already there) and unpaused ${plan.clusters.length} clusters`,
  );
  result.durationMs = now() - started;
  return result;
}
