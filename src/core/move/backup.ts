/**
 * `move --to-directory` and `--from-directory`: a backup of the objects (one Go-style JSON file per
 * object, as clusterctl writes them) and its restore onto a management cluster, owners first.
 * Every file is read and checked before anything is restored.
 */
import { ClusterctlError } from '../../errors.js';
import type { KubeObject } from '../../types.js';
import { ensureInventoryCrd } from '../cluster/inventory.js';
import { checkManagementCluster } from '../cluster/management-cluster.js';
import {
  clustersOf,
  copyForTarget,
  discoveryTypes,
  isPaused,
  namespaceEnsurer,
  nodeRef,
  setPaused,
  writeCopy,
} from '../cluster/mover.js';
import {
  buildObjectGraph,
  describeNode,
  moveSequence,
  type GraphNode,
  type ObjectGraph,
} from '../cluster/object-graph.js';
import { mapWithConcurrency } from '../pool.js';
import type { KubeClient, ObjectDirectory } from '../ports.js';
import { roundTripTyped, TypedConversionError } from '../repository/typed/roundtrip.js';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../validation.js';
import { parseDocuments } from '../yaml/documents.js';
import { discoverPlan, pausable, pauseAndSnapshot, planOf } from './plan.js';
import { emptyResult, moveContext, type MoveContext } from './context.js';
import type { MoveDeps, MoveOptions, MovePlan, MoveResult } from './types.js';

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

export async function moveToDirectory(deps: MoveDeps, options: MoveOptions, source: KubeClient): Promise<MoveResult> {
  const ctx = moveContext(deps, options);
  const dir = deps.toDirectory!;
  const { namespace, task, groups, plan } = await discoverPlan(source, options, ctx);
  plan.target = { directory: dir.path };
  const moving = groups.flat();
  const toPause = pausable(moving);
  const paused = toPause.filter(isPaused);
  if (paused.length) {
    throw new ClusterctlError('CONFLICT', `cannot back up paused objects: ${paused.map(describeNode).join(', ')}`, {
      hint: 'A backup pauses and then unpauses every cluster; unpause these first (or leave them out with --cluster) so their pause is not lost.',
    });
  }
  task.succeed(`Discovered ${plan.objectCount} objects to back up (${plan.clusters.length} clusters)`);
  for (const lb of plan.leftBehind)
    ctx.reporter.warn(`${lb.kind} ${lb.namespace}/${lb.name} is not saved: ${lb.reason}`);
  const result = emptyResult(plan, ctx.started, ctx.now);
  try {
    const snapshot = await pauseAndSnapshot(source, namespace, options, toPause, ctx);
    result.created = await saveSnapshot(dir, snapshot, new Set(moving.map((n) => n.uid)), ctx);
  } finally {
    await setPaused(source, toPause, false, ctx.concurrency, ctx.signal);
  }
  result.durationMs = ctx.now() - ctx.started;
  return result;
}

/** Writes the planned objects of the paused snapshot, one file each; returns how many. */
async function saveSnapshot(
  dir: ObjectDirectory,
  snapshot: ObjectGraph,
  planned: ReadonlySet<string>,
  ctx: MoveContext,
): Promise<number> {
  const nodes = moveSequence(snapshot)
    .groups.flat()
    .filter((n) => planned.has(n.uid));
  const task = ctx.reporter.task(`Saving ${planned.size} objects to ${dir.path}`);
  await mapWithConcurrency(nodes, ctx.concurrency, (n) => dir.write(backupFileName(n), goJson(n.object)), ctx.signal);
  task.succeed(`Saved ${nodes.length} objects to ${dir.path} (they include Secrets: keep the folder private)`);
  return nodes.length;
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
  const nsErrors =
    namespace === undefined ? [] : typeof namespace === 'string' ? dns1123LabelErrors(namespace) : ['not a string'];
  if (nsErrors.length) return `its namespace ${JSON.stringify(namespace)} is not valid: ${nsErrors.join('; ')}`;
  return o.kind === 'Cluster' ? clusterTypeProblem(o) : undefined;
}

/**
 * Like the Go tool, which reads every Cluster of a move into its Cluster type while building the
 * object graph, a Cluster that type cannot hold (a hand-edited list turned into a string) is refused
 * before anything is restored. Other versions and groups have no type here and pass.
 */
function clusterTypeProblem(o: KubeObject): string | undefined {
  try {
    roundTripTyped(o);
    return undefined;
  } catch (error) {
    if (!(error instanceof TypedConversionError)) throw error;
    return error.describe("Go's Cluster type");
  }
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

export async function moveFromDirectory(deps: MoveDeps, options: MoveOptions): Promise<MoveResult> {
  const ctx = moveContext(deps, options);
  const dir = deps.fromDirectory!;
  const target = deps.target;
  const task = ctx.reporter.task(`Reading objects from ${dir.path}`);
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
  const result = emptyResult(plan, ctx.started, ctx.now);
  if (options.dryRun || !target) return { ...result, dryRun: true };
  await checkManagementCluster(target, { strict: true });
  await ensureInventoryCrd(target);
  const restore = ctx.reporter.task(`Restoring ${plan.objectCount} objects to ${target.server}`);
  const created: GraphNode[] = [];
  try {
    await restoreGroups(target, graph, groups, result, created, ctx);
  } catch (error) {
    restore.fail();
    throw restoreFailure(error, target, created, plan);
  }
  await setPaused(target, pausable(groups.flat()), false, ctx.concurrency, ctx.signal);
  restore.succeed(
    `Restored ${result.created} objects (${result.existing} already there) and unpaused ${plan.clusters.length} clusters`,
  );
  result.durationMs = ctx.now() - ctx.started;
  return result;
}

/** Creates what the target lacks, group by group; objects already there are kept as they are. */
async function restoreGroups(
  target: KubeClient,
  graph: ObjectGraph,
  groups: readonly GraphNode[][],
  result: MoveResult,
  created: GraphNode[],
  ctx: MoveContext,
): Promise<void> {
  const ensureNamespace = namespaceEnsurer(target, undefined, ctx.signal, (message) => ctx.reporter.info(message));
  const newUids = new Map<string, string>();
  const restoreOne = async (n: GraphNode) => {
    const existing = await target.get(nodeRef(n));
    if (existing) {
      newUids.set(n.uid, existing.metadata.uid ?? '');
      result.existing++;
      return;
    }
    const copy = copyForTarget(n, graph, newUids);
    delete copy.metadata.managedFields;
    const written = await writeCopy(target, n, copy, ensureNamespace).catch((error: unknown) => {
      throw error instanceof ClusterctlError ? error.withContext(`failed to restore ${describeNode(n)}`) : error;
    });
    newUids.set(n.uid, written.uid);
    created.push(n);
    result[written.outcome]++;
  };
  for (const group of groups) await mapWithConcurrency(group, ctx.concurrency, restoreOne, ctx.signal);
}
