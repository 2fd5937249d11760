/**
 * `clusterctl describe cluster NAME`: an at-a-glance tree of a Cluster API cluster. The objects
 * are read with a handful of calls whatever the cluster's size (one LIST per core kind, one LIST or
 * GET per referenced provider kind, one GET per referenced CRD), then the tree is built in memory.
 */
import { ClusterctlError, isClusterctlError } from '../errors.js';
import type { KubeObject } from '../types.js';
import { checkManagementCluster } from './cluster/management-cluster.js';
import { mapWithConcurrency } from './pool.js';
import type { KubeClient } from './ports.js';
import { expectedCrdName } from './repository/pluralize.js';
import { latestContractVersion } from './tree/contract.js';
import {
  addMachineObjects,
  addonsApiVersion,
  buildObjectTree,
  clusterNameLabel,
  coreApiVersion,
  refAt,
  type DeferredMachine,
  type DescribeTreeOptions,
  type GroupKindRef,
} from './tree/discovery.js';
import type { DescribeResult } from './tree/types.js';
import { toDescribeNode } from './tree/view.js';

export interface DescribeClusterOptions extends DescribeTreeOptions {
  clusterName: string;
  /** Defaults to the kubeconfig context's namespace. */
  namespace?: string | undefined;
}

export interface DescribeClusterDeps {
  client: KubeClient;
}

const concurrency = 8;
/** Large pages: a cluster of a few thousand machines in one or two round trips per kind. */
const pageSize = 2000;

function isNotFound(error: unknown): boolean {
  return isClusterctlError(error) && error.code === 'NOT_FOUND';
}

/** Reads the labels of the CRDs behind provider kinds, once per kind (concurrent callers share the read). */
class CrdLabels {
  private readonly reads = new Map<string, Promise<void>>();
  private readonly cache = new Map<string, Record<string, string> | undefined>();
  constructor(private readonly client: KubeClient) {}

  async ensure(gks: Iterable<{ apiGroup: string; kind: string }>): Promise<void> {
    const pending: { key: string; gk: { apiGroup: string; kind: string } }[] = [];
    const waits: Promise<void>[] = [];
    for (const gk of gks) {
      const key = `${gk.apiGroup}/${gk.kind}`;
      const inFlight = this.reads.get(key);
      if (inFlight) waits.push(inFlight);
      else if (!pending.some((p) => p.key === key)) pending.push({ key, gk });
    }
    let release!: () => void;
    const batch = new Promise<void>((resolve) => (release = resolve));
    for (const { key } of pending) this.reads.set(key, batch);
    try {
      await mapWithConcurrency(pending, concurrency, async ({ key, gk }) => {
        const crd = gk.kind
          ? await this.client.get({
              apiVersion: 'apiextensions.k8s.io/v1',
              kind: 'CustomResourceDefinition',
              name: expectedCrdName(gk.apiGroup, gk.kind),
            })
          : undefined;
        this.cache.set(key, crd ? (crd.metadata.labels ?? {}) : undefined);
      });
    } finally {
      release();
    }
    await Promise.all(waits);
  }

  get(group: string, kind: string): Record<string, string> | undefined {
    return this.cache.get(`${group}/${kind}`);
  }
}

/** Up to this many objects of one kind are read one by one (in parallel); more with one LIST. */
const fewObjects = 8;

/** Reads the objects references point to: a few GETs per kind, or one LIST for many. */
async function readReferenced(
  client: KubeClient,
  crds: CrdLabels,
  namespace: string,
  refs: GroupKindRef[],
  into: Map<string, KubeObject>,
): Promise<void> {
  const byKind = new Map<string, { group: string; kind: string; names: Set<string> }>();
  for (const ref of refs) {
    const key = `${ref.apiGroup}/${ref.kind}`;
    let entry = byKind.get(key);
    if (!entry) {
      entry = { group: ref.apiGroup, kind: ref.kind, names: new Set() };
      byKind.set(key, entry);
    }
    entry.names.add(ref.name);
  }
  await crds.ensure([...byKind.values()].map((e) => ({ apiGroup: e.group, kind: e.kind })));
  await mapWithConcurrency([...byKind.values()], concurrency, async ({ group, kind, names }) => {
    const latest = latestContractVersion(crds.get(group, kind));
    if (!latest) return;
    const apiVersion = `${group}/${latest.apiVersion}`;
    try {
      if (names.size <= fewObjects) {
        await mapWithConcurrency([...names], concurrency, async (name) => {
          const obj = await client.get({ apiVersion, kind, namespace, name });
          if (obj) into.set(`${group}/${kind}/${name}`, obj);
        });
        return;
      }
      for (const obj of await client.list(apiVersion, kind, { namespace, pageSize })) {
        if (names.has(obj.metadata.name ?? '')) into.set(`${group}/${kind}/${obj.metadata.name}`, obj);
      }
    } catch (error) {
      // A kind whose CRD names a version the server does not serve cannot be read: the Go tool skips it too.
      if (!isNotFound(error)) throw error;
    }
  });
}

async function listOrEmpty(client: KubeClient, kind: string, namespace: string, clusterName: string) {
  try {
    return await client.list(coreApiVersion, kind, {
      namespace,
      labelSelector: `${clusterNameLabel}=${clusterName}`,
      pageSize,
    });
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

export function validateDescribeOptions(options: DescribeClusterOptions): void {
  if (!options.clusterName) {
    throw new ClusterctlError('INVALID_ARGUMENT', 'please specify a cluster name', {
      hint: 'Usage: clusterctl describe cluster NAME [-n NAMESPACE]',
    });
  }
  if (options.showOtherConditions && /\s/.test(options.showOtherConditions)) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `invalid --show-conditions "${options.showOtherConditions}": the list must not contain whitespace`,
      {
        hint: 'Separate kinds with commas only, e.g. --show-conditions KubeadmControlPlane,Machine/m1 (or all, all+).',
      },
    );
  }
}

/**
 * The Cluster (NOT_FOUND when missing) and its machines and machine owners, read together after the
 * check; `withCluster` starts as soon as the Cluster is read (its own reads overlap the lists).
 */
async function readClusterAndOwners(
  client: KubeClient,
  namespace: string,
  name: string,
  withCluster: (cluster: KubeObject) => Promise<void>,
) {
  // The checks, the Cluster and the lists of its machines and machine owners go out together; the
  // check's verdict is still the first thing reported.
  const handled = <T>(p: Promise<T>) => (p.catch(() => undefined), p);
  const checked = handled(checkManagementCluster(client, { strict: true }));
  const clusterRead = handled(client.get({ apiVersion: coreApiVersion, kind: 'Cluster', namespace, name }));
  const kinds = ['Machine', 'MachineSet', 'MachineDeployment', 'MachinePool'] as const;
  const listed = handled(mapWithConcurrency(kinds, concurrency, (kind) => listOrEmpty(client, kind, namespace, name)));
  const early = handled(clusterRead.then((cluster) => (cluster ? withCluster(cluster) : undefined)));
  await checked;
  const cluster = await clusterRead;
  if (!cluster) {
    throw new ClusterctlError(
      'NOT_FOUND',
      `clusters.cluster.x-k8s.io "${name}" not found in namespace "${namespace}"`,
      {
        hint: `Check the name and the namespace (-n); "kubectl get clusters -A" lists the clusters of this management cluster.`,
      },
    );
  }
  const [machines, machineSets, machineDeployments, machinePools] = (await listed) as [
    KubeObject[],
    KubeObject[],
    KubeObject[],
    KubeObject[],
  ];
  await early;
  return { cluster, machines, machineSets, machineDeployments, machinePools };
}

/** One reference per kind of the machines' infrastructure and bootstrap objects. */
function machineObjectKinds(machines: KubeObject[]): Iterable<GroupKindRef> {
  const kinds = new Map<string, GroupKindRef>();
  for (const m of machines) {
    for (const r of [refAt(m, 'spec', 'infrastructureRef'), refAt(m, 'spec', 'bootstrap', 'configRef')])
      if (r?.apiGroup && r.kind) kinds.set(`${r.apiGroup}/${r.kind}`, r);
  }
  return kinds.values();
}

/** The ClusterResourceSetBinding named after the cluster, if any. */
async function readResourceSetBinding(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<KubeObject | undefined> {
  try {
    return await client.get({ apiVersion: addonsApiVersion, kind: 'ClusterResourceSetBinding', namespace, name });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return undefined;
  }
}

/** The template kinds --show-templates adds as rows: machine deployments' and the control plane's. */
function templateKinds(
  cluster: KubeObject,
  machineDeployments: KubeObject[],
  objects: Map<string, KubeObject>,
): { apiGroup: string; kind: string }[] {
  const kinds: { apiGroup: string; kind: string }[] = [];
  for (const md of machineDeployments) {
    for (const path of [
      ['spec', 'template', 'spec', 'bootstrap', 'configRef'],
      ['spec', 'template', 'spec', 'infrastructureRef'],
    ]) {
      const ref = refAt(md, ...path);
      if (ref) kinds.push(ref);
    }
  }
  const cpRef = refAt(cluster, 'spec', 'controlPlaneRef');
  const cp = cpRef ? objects.get(`${cpRef.apiGroup}/${cpRef.kind}/${cpRef.name}`) : undefined;
  const cpTemplate = refAt(cp, 'spec', 'machineTemplate', 'spec', 'infrastructureRef');
  if (cpTemplate) kinds.push(cpTemplate);
  return kinds;
}

export async function describeCluster(
  deps: DescribeClusterDeps,
  options: DescribeClusterOptions,
): Promise<DescribeResult> {
  const { client } = deps;
  validateDescribeOptions(options);
  const namespace = options.namespace || client.currentNamespace;
  const name = options.clusterName;

  const crds = new CrdLabels(client);
  const objects = new Map<string, KubeObject>();
  const attempted = new Set<string>();
  const keyOf = (ref: GroupKindRef) => `${ref.apiGroup}/${ref.kind}/${ref.name}`;
  const read = async (refs: (GroupKindRef | undefined)[]) => {
    const todo = refs.filter(
      (r): r is GroupKindRef => Boolean(r?.apiGroup && r.kind && r.name) && !attempted.has(keyOf(r!)),
    );
    for (const r of todo) attempted.add(keyOf(r));
    if (todo.length > 0) await readReferenced(client, crds, namespace, todo, objects);
  };

  // The infrastructure cluster and the control plane are read while the machines are being listed.
  const { cluster, machines, machineSets, machineDeployments, machinePools } = await readClusterAndOwners(
    client,
    namespace,
    name,
    (c) => read([refAt(c, 'spec', 'infrastructureRef'), refAt(c, 'spec', 'controlPlaneRef')]),
  );

  const resourceSetBinding = options.showClusterResourceSets
    ? await readResourceSetBinding(client, namespace, name)
    : undefined;

  // What shapes the tree first (infrastructure cluster, control plane, machine pool templates); the
  // objects of each machine are read next, and only for the machines that show as rows of their own.
  await Promise.all([
    crds.ensure(machineObjectKinds(machines)),
    read([
      ...machinePools.flatMap((mp) => [
        refAt(mp, 'spec', 'template', 'spec', 'infrastructureRef'),
        refAt(mp, 'spec', 'template', 'spec', 'bootstrap', 'configRef'),
      ]),
    ]),
  ]);

  if (options.showTemplates) await crds.ensure(templateKinds(cluster, machineDeployments, objects));

  const resolve = (ref: GroupKindRef) => objects.get(keyOf(ref));
  const deferred: DeferredMachine[] = [];
  const tree = buildObjectTree(
    {
      cluster,
      machines,
      machineSets,
      machineDeployments,
      machinePools,
      resourceSetBinding,
      crdLabels: (group, kind) => crds.get(group, kind),
      resolve,
    },
    { addTemplateVirtualNode: true, ...options },
    deferred,
  );
  // Only machines that show as rows of their own need their infrastructure and bootstrap objects.
  const visible = deferred.filter((d) => tree.has(d.machine.uid));
  await read(
    visible.flatMap((d) => [
      refAt(d.object, 'spec', 'infrastructureRef'),
      refAt(d.object, 'spec', 'bootstrap', 'configRef'),
    ]),
  );
  for (const d of visible) addMachineObjects(tree, d.machine, d.object, resolve);
  return {
    conditionsVersion: options.v1beta1 ? 'v1beta1' : 'v1beta2',
    cluster: { namespace, name },
    tree: toDescribeNode(tree),
  };
}
