/**
 * The I/O half of move: discovery (one LIST per kind, never a GET per object), pause and unpause,
 * creating objects on the target from the copies read during discovery (owner UIDs rewritten),
 * deleting them from the source, and the checks clusterctl makes before it starts. Every bulk step
 * runs with bounded parallelism.
 */
import { AggregateClusterctlError, ClusterctlError } from '../../errors.js';
import { Annotations, describeRef, type KubeObject, type ObjectRef } from '../../types.js';
import { listInstalledProviders } from './inventory.js';
import { mapWithConcurrency } from '../pool.js';
import type { KubeClient } from '../ports.js';
import {
  buildObjectGraph,
  clusterClassOf,
  clusterGroup,
  describeNode,
  discoveryTypesFromCrds,
  groupOf,
  type DiscoveryType,
  type GraphNode,
  type ObjectGraph,
} from './object-graph.js';
import semver from 'semver';
import { sleep } from '../sleep.js';

const crdApiVersion = 'apiextensions.k8s.io/v1';

export interface Discovered {
  types: DiscoveryType[];
  objects: KubeObject[];
  allClusters: KubeObject[];
}

export function nodeRef(n: Pick<GraphNode, 'apiVersion' | 'kind' | 'name' | 'namespace'>): ObjectRef {
  return { apiVersion: n.apiVersion, kind: n.kind, name: n.name, namespace: n.namespace || undefined };
}

/** The kinds considered for the move, from the cluster's labelled CRDs. */
export async function discoveryTypes(client: KubeClient): Promise<DiscoveryType[]> {
  const crds = await client.list(crdApiVersion, 'CustomResourceDefinition', {
    labelSelector: 'clusterctl.cluster.x-k8s.io',
  });
  return discoveryTypesFromCrds(crds);
}

/** Template references of a ClusterClass (v1beta2 `templateRef`, v1beta1 `ref`). */
function classTemplateRefs(cc: KubeObject): ObjectRef[] {
  const spec = (cc.spec ?? {}) as Record<string, unknown>;
  const refs: ObjectRef[] = [];
  const take = (holder: unknown) => {
    if (!holder || typeof holder !== 'object') return;
    const h = holder as { templateRef?: Partial<ObjectRef>; ref?: Partial<ObjectRef> };
    const r = h.templateRef ?? h.ref;
    if (r?.apiVersion && r.kind && r.name)
      refs.push({
        apiVersion: r.apiVersion,
        kind: r.kind,
        name: r.name,
        namespace: r.namespace || cc.metadata.namespace,
      });
  };
  const cp = spec.controlPlane as Record<string, unknown> | undefined;
  take(spec.infrastructure);
  take(cp);
  take(cp?.machineInfrastructure);
  const workers = spec.workers as { machineDeployments?: unknown[]; machinePools?: unknown[] } | undefined;
  for (const w of [...(workers?.machineDeployments ?? []), ...(workers?.machinePools ?? [])]) {
    const cls = w as { template?: Record<string, unknown>; bootstrap?: unknown; infrastructure?: unknown };
    take(cls.bootstrap ?? cls.template?.bootstrap);
    take(cls.infrastructure ?? cls.template?.infrastructure);
  }
  return refs;
}

/**
 * Reads every object that may move: each discovery kind listed once (in the namespace, or fully
 * for cluster-scoped kinds), Secrets of the infrastructure providers' namespaces, ClusterClasses
 * of other namespaces that the clusters use (with their templates), and all Clusters (to protect
 * ClusterClasses shared with other namespaces).
 */
export async function discoverObjects(
  client: KubeClient,
  namespace: string,
  options: { concurrency: number; types?: DiscoveryType[] },
): Promise<Discovered> {
  const types = options.types ?? (await discoveryTypes(client));
  const providers = await listInstalledProviders(client);
  const secretNamespaces = [
    ...new Set(providers.filter((p) => p.type === 'InfrastructureProvider').map((p) => p.namespace)),
  ].filter((ns) => ns !== namespace);
  const jobs: { apiVersion: string; kind: string; namespace: string | undefined }[] = [];
  for (const t of types) {
    jobs.push({ apiVersion: t.apiVersion, kind: t.kind, namespace: t.namespaced ? namespace || undefined : undefined });
    if (t.kind === 'Secret' && t.apiVersion === 'v1' && namespace)
      for (const ns of secretNamespaces) jobs.push({ apiVersion: 'v1', kind: 'Secret', namespace: ns });
  }
  const clusterType = types.find((t) => t.kind === 'Cluster' && groupOf(t.apiVersion) === clusterGroup);
  const lists = await mapWithConcurrency(jobs, options.concurrency, async (job) => {
    try {
      return await client.list(job.apiVersion, job.kind, { namespace: job.namespace });
    } catch (error) {
      // A CRD that is labelled but not served (yet) has nothing to move.
      if (error instanceof ClusterctlError && error.code === 'NOT_FOUND') return [];
      throw error;
    }
  });
  const objects = lists.flat();
  let allClusters: KubeObject[] = [];
  if (clusterType && namespace) allClusters = await client.list(clusterType.apiVersion, 'Cluster');

  // ClusterClasses in other namespaces used by the clusters being moved, with their templates.
  const seen = new Set(objects.map((o) => o.metadata.uid));
  const external = new Map<string, ObjectRef>();
  const classType = types.find((t) => t.kind === 'ClusterClass' && groupOf(t.apiVersion) === clusterGroup);
  for (const c of objects) {
    if (c.kind !== 'Cluster' || groupOf(c.apiVersion) !== clusterGroup) continue;
    const ref = clusterClassOf(c);
    if (!ref || !classType || (namespace && ref.namespace === namespace) || !namespace) continue;
    external.set(`${ref.namespace}/${ref.name}`, { apiVersion: classType.apiVersion, kind: 'ClusterClass', ...ref });
  }
  for (const ref of external.values()) {
    const cc = await client.get(ref);
    if (!cc) {
      throw new ClusterctlError(
        'NOT_FOUND',
        `the ${describeRef(ref)} used by clusters in namespace ${namespace} does not exist`,
        {
          hint: 'Create the ClusterClass (or fix spec.topology.classRef of the clusters) before moving.',
        },
      );
    }
    const fetched = [cc];
    for (const t of classTemplateRefs(cc)) {
      const obj = await client.get(t);
      if (!obj) {
        throw new ClusterctlError(
          'NOT_FOUND',
          `the ${describeRef(t)} referenced by ${describeRef(ref)} does not exist`,
          {
            hint: 'Restore the template the ClusterClass references before moving.',
          },
        );
      }
      fetched.push(obj);
    }
    for (const obj of fetched) {
      if (seen.has(obj.metadata.uid)) continue;
      seen.add(obj.metadata.uid);
      objects.push(obj);
    }
  }
  return { types, objects, allClusters };
}

export function graphOf(discovered: Discovered, namespace: string): ObjectGraph {
  return buildObjectGraph(discovered.types, discovered.objects, { namespace, allClusters: discovered.allClusters });
}

const isCluster = (n: GraphNode) => n.kind === 'Cluster' && groupOf(n.apiVersion) === clusterGroup;
const isClusterClass = (n: GraphNode) => n.kind === 'ClusterClass' && groupOf(n.apiVersion) === clusterGroup;

export function clustersOf(nodes: readonly GraphNode[]): GraphNode[] {
  return nodes.filter(isCluster);
}
export function clusterClassesOf(nodes: readonly GraphNode[]): GraphNode[] {
  return nodes.filter(isClusterClass);
}

interface Condition {
  type?: string;
  status?: string;
}

/** clusterctl's provisioning checks: clusters provisioned, control planes initialized, machines with nodes. */
export function provisioningErrors(nodes: readonly GraphNode[]): ClusterctlError[] {
  const errors: ClusterctlError[] = [];
  for (const n of nodes) {
    const obj = n.object;
    if (!obj) continue;
    const status = (obj.status ?? {}) as {
      initialization?: { infrastructureProvisioned?: boolean; controlPlaneInitialized?: boolean };
      conditions?: Condition[];
      nodeRef?: unknown;
    };
    if (isCluster(n)) {
      const name = `${n.namespace}/${n.name}`;
      if (status.initialization?.infrastructureProvisioned !== true) {
        errors.push(
          new ClusterctlError(
            'CONFLICT',
            `cannot start the move operation while the infrastructure of Cluster ${name} is still being provisioned`,
            {
              hint: 'Wait until status.initialization.infrastructureProvisioned is true (clusterctl describe cluster), then re-run.',
            },
          ),
        );
      }
      const cpInitialized = (status.conditions ?? []).some(
        (c) => c.type === 'ControlPlaneInitialized' && c.status === 'True',
      );
      const hasControlPlane = Boolean((obj.spec as { controlPlaneRef?: unknown } | undefined)?.controlPlaneRef);
      if (!cpInitialized || (hasControlPlane && status.initialization?.controlPlaneInitialized !== true)) {
        errors.push(
          new ClusterctlError(
            'CONFLICT',
            `cannot start the move operation while the control plane of Cluster ${name} is not yet initialized`,
            {
              hint: 'Wait until the ControlPlaneInitialized condition is True, then re-run.',
            },
          ),
        );
      }
    } else if (n.kind === 'Machine' && groupOf(n.apiVersion) === clusterGroup) {
      if (!status.nodeRef) {
        errors.push(
          new ClusterctlError(
            'CONFLICT',
            `cannot start the move operation while Machine ${n.namespace}/${n.name} is still provisioning its node`,
            {
              hint: 'Wait until every Machine has status.nodeRef (the node joined), then re-run.',
            },
          ),
        );
      }
    }
  }
  return errors;
}

export function isPaused(n: GraphNode): boolean {
  const obj = n.object;
  if (!obj) return false;
  const annotations = obj.metadata.annotations ?? {};
  if (isCluster(n))
    return (obj.spec as { paused?: boolean } | undefined)?.paused === true || Annotations.paused in annotations;
  if (isClusterClass(n)) return Annotations.paused in annotations;
  return false;
}

/** Every source provider must be on the target at the same or a newer version. */
export async function checkTargetProviders(source: KubeClient, target: KubeClient): Promise<void> {
  const [from, to] = await Promise.all([listInstalledProviders(source), listInstalledProviders(target)]);
  const errors: ClusterctlError[] = [];
  for (const p of from) {
    const versions = to
      .filter((t) => t.name === p.name)
      .map((t) => t.version)
      .filter((v) => semver.valid(v));
    const newest = versions.sort(semver.rcompare)[0];
    if (!newest) {
      errors.push(
        new ClusterctlError('NOT_FOUND', `provider ${p.name} is not installed on the target cluster ${target.server}`, {
          hint: `Install it first: clusterctl init --kubeconfig <target> with the same providers (e.g. ${p.type === 'InfrastructureProvider' ? `-i ${p.providerName}:${p.version}` : `${p.providerName}:${p.version}`}).`,
        }),
      );
    } else if (semver.valid(p.version) && semver.lt(newest, p.version)) {
      errors.push(
        new ClusterctlError(
          'CONFLICT',
          `provider ${p.name} on the target cluster is older than on the source (source: ${p.version}, target: ${newest})`,
          {
            hint: 'Upgrade the target cluster first (clusterctl upgrade apply --kubeconfig <target>).',
          },
        ),
      );
    }
  }
  // A missing provider is the more fundamental problem: report it (and its exit code) first.
  errors.sort((x, y) => Number(y.code === 'NOT_FOUND') - Number(x.code === 'NOT_FOUND'));
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new AggregateClusterctlError('the target cluster is not ready for this move', errors);
}

/** The API server's AlreadyExists answer to a create (not an update conflict). */
export const isAlreadyExists = (e: unknown) => e instanceof ClusterctlError && e.reason === 'AlreadyExists';

export interface PauseChange {
  node: GraphNode;
  pause: boolean;
}

/** Pauses (or unpauses) Clusters (spec.paused) and ClusterClasses (annotation) on one cluster. */
export async function setPaused(
  client: KubeClient,
  nodes: readonly GraphNode[],
  pause: boolean,
  concurrency: number,
  signal?: AbortSignal,
): Promise<void> {
  await mapWithConcurrency(
    nodes.filter((n) => isCluster(n) || isClusterClass(n)),
    concurrency,
    async (n) => {
      const patch = isCluster(n)
        ? { spec: { paused: pause ? true : null } }
        : { metadata: { annotations: { [Annotations.paused]: pause ? '' : null } } };
      try {
        await client.patch(nodeRef(n), patch, 'merge');
      } catch (error) {
        if (error instanceof ClusterctlError && error.code === 'NOT_FOUND') return;
        throw error instanceof ClusterctlError
          ? error.withContext(`failed to ${pause ? 'pause' : 'unpause'} ${describeNode(n)}`)
          : error;
      }
    },
    signal,
  );
}

/** The copy written to the other cluster: server-owned fields dropped, owners pointing at new UIDs. */
export function copyForTarget(n: GraphNode, graph: ObjectGraph, newUids: ReadonlyMap<string, string>): KubeObject {
  // A new top level and metadata; the rest is shared with the read object and never written to
  // (a deep clone per object cost more of our CPU than building the request).
  const md = { ...n.object!.metadata };
  const obj: KubeObject = { ...n.object!, metadata: md };
  delete md.resourceVersion;
  delete md.uid;
  delete md.creationTimestamp;
  delete md.selfLink;
  delete md.generation;
  delete md.deletionTimestamp;
  delete md.deletionGracePeriodSeconds;
  if (md.name && md.generateName) delete md.generateName;
  if (n.owners.size > 0) {
    md.ownerReferences = [...n.owners].map(([uid, attrs]) => {
      const owner = graph.nodes.get(uid)!;
      const newUid = newUids.get(uid);
      if (!newUid) {
        throw new ClusterctlError(
          'INTERNAL',
          `the owner ${describeNode(owner)} of ${describeNode(n)} has not been created on the target yet`,
        );
      }
      return {
        apiVersion: owner.apiVersion,
        kind: owner.kind,
        name: owner.name,
        uid: newUid,
        ...(attrs.controller !== undefined ? { controller: attrs.controller } : {}),
        ...(attrs.blockOwnerDeletion !== undefined ? { blockOwnerDeletion: attrs.blockOwnerDeletion } : {}),
      };
    });
  } else {
    delete md.ownerReferences;
  }
  return obj;
}

export type CreateOutcome = 'created' | 'updated' | 'existing';

const namespaceTerminationTimeoutMs = 60_000;

/**
 * False when the namespace exists; true once it does not. A namespace being deleted (e.g. by a
 * rollback just before) accepts no new objects: wait for it to go, then it can be created again.
 */
async function namespaceGone(
  client: KubeClient,
  name: string,
  signal?: AbortSignal,
  onWait?: (message: string) => void,
): Promise<boolean> {
  const ref = { apiVersion: 'v1', kind: 'Namespace', name };
  const deadline = Date.now() + namespaceTerminationTimeoutMs;
  for (let delay = 200; ; delay = Math.min(delay * 1.5, 2000)) {
    const ns = await client.get(ref);
    if (!ns) return true;
    if (!ns.metadata.deletionTimestamp) return false;
    if (delay === 200) {
      onWait?.(
        `Waiting up to ${namespaceTerminationTimeoutMs / 1000}s for namespace ${name} on ${client.server} to finish terminating before it is created again`,
      );
    }
    if (Date.now() > deadline) {
      throw new ClusterctlError(
        'TIMEOUT',
        `namespace ${name} on ${client.server} is still being deleted after ${namespaceTerminationTimeoutMs / 1000}s`,
        {
          hint: `See what holds it: kubectl get namespace ${name} -o yaml (status.conditions); re-run once it is gone.`,
        },
      );
    }
    await sleep(delay, signal);
  }
}

/**
 * Namespaces known to exist on one cluster (one check per namespace per move). `onCreated` hears
 * of each namespace this ensurer had to create (the journal records them for rollback); `onWait`
 * is told when a namespace being deleted holds the creation up.
 */
export function namespaceEnsurer(
  client: KubeClient,
  onCreated?: (namespace: string) => Promise<void>,
  signal?: AbortSignal,
  onWait?: (message: string) => void,
): (namespace: string) => Promise<void> {
  const known = new Map<string, Promise<void>>();
  return (namespace) => {
    let pending = known.get(namespace);
    if (!pending) {
      pending = (async () => {
        if (!(await namespaceGone(client, namespace, signal, onWait))) return;
        try {
          await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
        } catch (error) {
          if (!isAlreadyExists(error)) throw error;
          return;
        }
        await onCreated?.(namespace);
      })();
      known.set(namespace, pending);
      pending.catch(() => known.delete(namespace));
    }
    return pending;
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Writes the copy of one moved object onto a cluster (the target of a move; the source when a
 * rollback restores it). An object that already exists is updated (so a re-run after an
 * interruption converges), except global objects and their hierarchy, which are left alone, and
 * never an object that carries the copied object's own UID (that cluster is where it comes from).
 * The original managedFields are restored so field ownership survives the move.
 */
export async function writeCopy(
  cluster: KubeClient,
  n: GraphNode,
  copy: KubeObject,
  ensureNamespace: (ns: string) => Promise<void>,
): Promise<{ uid: string; outcome: CreateOutcome }> {
  if (n.namespace && !n.isGlobal) await ensureNamespace(n.namespace);
  const managedFields = copy.metadata.managedFields;
  let result: KubeObject;
  let outcome: CreateOutcome = 'created';
  try {
    // The create carries no managedFields: the server would merge them with its own entry for this
    // write (work thrown away, since the patch below restores them whole); measured ~20% of the
    // target API server's CPU per moved object.
    result = await cluster.create(
      managedFields ? { ...copy, metadata: { ...copy.metadata, managedFields: undefined } } : copy,
    );
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    const existing = await cluster.get(nodeRef(n));
    if (!existing) throw error;
    if (existing.metadata.uid && existing.metadata.uid === n.uid) {
      // This cluster holds the very object being copied: it is where the copy comes from.
      // Updating it and then deleting "the original" would delete it for good.
      throw new ClusterctlError(
        'CONFLICT',
        `${describeNode(n)} on ${cluster.server} has the UID of the object being copied (${n.uid}): that cluster is the one the objects come from`,
        { hint: 'Nothing was updated. Point --to-kubeconfig at another management cluster.' },
      );
    }
    if (n.isGlobal || n.isGlobalHierarchy) return { uid: existing.metadata.uid ?? '', outcome: 'existing' };
    result = await cluster.replace({
      ...copy,
      metadata: { ...copy.metadata, uid: existing.metadata.uid, resourceVersion: existing.metadata.resourceVersion },
    });
    outcome = 'updated';
  }
  if (managedFields && managedFields.length > 0 && !sameJson(result.metadata.managedFields, managedFields)) {
    await cluster.patch(nodeRef(n), { metadata: { managedFields } }, 'merge');
  }
  return { uid: result.metadata.uid ?? '', outcome };
}

/**
 * Deletes one moved object from a cluster (the source of a move; the target when a rollback
 * removes its copy) the way clusterctl does, in two calls: one JSON patch sets the delete-for-move
 * annotation (replacing all annotations, so controllers know not to clean up the real
 * infrastructure) and drops the finalizers; then the delete. Gone already = done.
 *
 * Nothing here is sent twice: the kube adapter is the one retry layer, and it never repeats a
 * JSON patch that may have reached the server. When such a patch fails without a clear answer
 * (connection lost mid-request, or HTTP 5xx), one read tells whether it took effect: then the
 * delete follows; otherwise the error stands (a re-run of the move finishes the job).
 */
export async function deleteForMove(cluster: KubeClient, n: GraphNode): Promise<boolean> {
  const ref = nodeRef(n);
  const dropFinalizers = (n.object?.metadata.finalizers ?? []).length > 0;
  const ops: unknown[] = [{ op: 'add', path: '/metadata/annotations', value: { [Annotations.deleteForMove]: '' } }];
  if (dropFinalizers) ops.push({ op: 'add', path: '/metadata/finalizers', value: [] });
  try {
    await cluster.patch(ref, ops, 'json');
  } catch (error) {
    if (error instanceof ClusterctlError && error.code === 'NOT_FOUND') return false;
    if (!(error instanceof ClusterctlError) || !outcomeUnknown(error)) throw error;
    const live = await cluster.get(ref);
    if (!live) return false;
    const marked = Annotations.deleteForMove in (live.metadata.annotations ?? {});
    if (!marked || (dropFinalizers && (live.metadata.finalizers ?? []).length > 0)) throw error;
  }
  return cluster.delete(ref);
}

/** A write that failed without saying whether the server applied it. */
const outcomeUnknown = (e: ClusterctlError) => e.code === 'UNREACHABLE' || e.code === 'INTERNAL';

/** Moved objects that carry the block-move annotation right now (one GET each, only for those). */
export async function blockingObjects(
  client: KubeClient,
  nodes: readonly GraphNode[],
  concurrency: number,
): Promise<GraphNode[]> {
  const candidates = nodes.filter((n) => n.blockingMove);
  const still = await mapWithConcurrency(candidates, concurrency, async (n) => {
    const obj = await client.get(nodeRef(n));
    return obj && Annotations.blockMove in (obj.metadata.annotations ?? {}) ? n : undefined;
  });
  return still.filter((n): n is GraphNode => n !== undefined);
}
