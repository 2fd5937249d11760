/**
 * Planning a move: the checks of the flags and the namespace, discovery of the object graph, the
 * printable plan (`--dry-run`), and the pause-then-snapshot read the copies are made from.
 */
import { ClusterctlError } from '../../errors.js';
import { Annotations } from '../../types.js';
import { checkManagementCluster } from '../cluster/management-cluster.js';
import {
  blockingObjects,
  clusterClassesOf,
  clustersOf,
  discoverObjects,
  graphOf,
  setPaused,
} from '../cluster/mover.js';
import {
  compareNodes,
  deletedFromSource,
  describeNode,
  moveSequence,
  restrictToClusters,
  type GraphNode,
  type ObjectGraph,
} from '../cluster/object-graph.js';
import type { KubeClient } from '../ports.js';
import { sleep } from '../sleep.js';
import { dns1123LabelErrors } from '../validation.js';
import { emptyResult, moveContext, type MoveContext } from './context.js';
import type { MoveDeps, MoveOptions, MovePlan, MoveResult, PlannedObject } from './types.js';

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

export function planOf(graph: ObjectGraph, groups: GraphNode[][], leftBehind: GraphNode[], filtered = false): MovePlan {
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

export async function discoverGraph(
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
export function checkNamespaceName(namespace: string, origin: string): void {
  const errors = dns1123LabelErrors(namespace);
  if (errors.length === 0) return;
  throw new ClusterctlError('INVALID_ARGUMENT', `"${namespace}" is not a namespace name: ${errors.join('; ')}`, {
    hint: `Check ${origin}: a namespace name has at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit.`,
  });
}

/** The namespace to move: `-n`, else the source context's namespace. */
export function namespaceToMove(options: MoveOptions, source: KubeClient): string {
  if (options.namespace) return options.namespace;
  checkNamespaceName(source.currentNamespace, `the namespace of context "${source.context}" in the kubeconfig`);
  return source.currentNamespace;
}

export function validateMove(deps: MoveDeps, options: MoveOptions): void {
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

/** Checks the source, then discovers and plans the namespace's move (the task stays open). */
export async function discoverPlan(source: KubeClient, options: MoveOptions, ctx: MoveContext) {
  await checkManagementCluster(source, { strict: true });
  const namespace = namespaceToMove(options, source);
  const task = ctx.reporter.task(`Discovering Cluster API objects in namespace ${namespace}`);
  const graph = await discoverGraph(source, namespace, options.clusters ?? [], ctx.concurrency);
  const { groups, leftBehind } = moveSequence(graph);
  const plan = planOf(graph, groups, leftBehind, Boolean(options.clusters?.length));
  plan.source = { server: source.server, context: source.context };
  return { namespace, task, groups, plan };
}

export async function dryRunMove(deps: MoveDeps, options: MoveOptions, source: KubeClient): Promise<MoveResult> {
  const ctx = moveContext(deps, options);
  const { task, groups, plan } = await discoverPlan(source, options, ctx);
  task.succeed(
    `Discovered ${plan.objectCount} objects to move (${plan.clusters.length} clusters, ${groups.length} groups)`,
  );
  return { ...emptyResult(plan, ctx.started, ctx.now), dryRun: true };
}

/** The Clusters and ClusterClasses among `nodes` (what a move pauses). */
export const pausable = (nodes: readonly GraphNode[]) => [...clustersOf(nodes), ...clusterClassesOf(nodes)];

/**
 * Pauses `toPause` on the source, waits while objects carry the block-move annotation, and returns
 * the graph read after that, so the copies carry the pause and the latest spec.
 */
export async function pauseAndSnapshot(
  source: KubeClient,
  namespace: string,
  options: MoveOptions,
  toPause: readonly GraphNode[],
  ctx: MoveContext,
): Promise<ObjectGraph> {
  const { concurrency, reporter, signal } = ctx;
  const discover = () => discoverGraph(source, namespace, options.clusters ?? [], concurrency);
  const blockingNow = async (g: ObjectGraph) =>
    (await blockingObjects(source, moveSequence(g).groups.flat(), concurrency)).map(describeNode);
  await setPaused(source, toPause, true, concurrency, signal);
  // Objects annotated block-move hold the move until their provider removes the annotation.
  let graph = await discover();
  let blocking = await blockingNow(graph);
  if (blocking.length === 0) return graph;
  const timeoutMs = options.blockMoveTimeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  const task = reporter.task(
    `Waiting for ${blocking.length} objects annotated ${Annotations.blockMove}: ${blocking.slice(0, 3).join(', ')}`,
  );
  for (let delay = 500; blocking.length; delay = Math.min(delay * 1.5, 5000)) {
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
    // Cancelled: the signal's reason (INTERRUPTED) is the error, not the timer's AbortError.
    await sleep(delay, signal);
    graph = await discover();
    blocking = await blockingNow(graph);
    task.update(`Waiting for ${blocking.length} objects annotated ${Annotations.blockMove}`);
  }
  task.succeed('No object blocks the move any more');
  return graph;
}
