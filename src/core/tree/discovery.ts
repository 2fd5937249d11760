/**
 * Builds the describe tree of one cluster from objects already read (pure: the reads happen in
 * core/describe.ts, a few LIST calls for the whole cluster). The structure follows the Go
 * clusterctl: Cluster → ClusterInfrastructure, ClusterResourceSets, ControlPlane (its machines),
 * Workers → MachineDeployments → [MachineSets] → Machines, MachinePools → Machines, Other.
 */
import { ClusterctlError } from '../../errors.js';
import type { KubeObject } from '../../types.js';
import { expectedCrdName } from '../repository/pluralize.js';
import { contractForVersion, latestContractVersion } from './contract.js';
import { apiObject, fieldAt, ObjectTree, referenceObject, virtualObject, type TreeObject } from './object-tree.js';

export interface DescribeTreeOptions {
  /** `--show-conditions`: comma-separated `all`, `Kind` or `Kind/name`, `+` suffix for non-zero only. */
  showOtherConditions?: string;
  showMachineSets?: boolean;
  showClusterResourceSets?: boolean;
  showTemplates?: boolean;
  /** Group templates under a `Templates` node (the CLI always does). */
  addTemplateVirtualNode?: boolean;
  echo?: boolean;
  /** Default true. */
  grouping?: boolean;
  /** The deprecated v1beta1 conditions view. */
  v1beta1?: boolean;
}

/** A contract-versioned reference: API group, kind and name, in the cluster's namespace. */
export interface GroupKindRef {
  apiGroup: string;
  kind: string;
  name: string;
}

/** Everything the tree is built from. */
export interface DescribeSnapshot {
  cluster: KubeObject;
  machines: KubeObject[];
  machineSets: KubeObject[];
  machineDeployments: KubeObject[];
  machinePools: KubeObject[];
  /** The ClusterResourceSetBinding named like the cluster, when it exists. */
  resourceSetBinding?: KubeObject | undefined;
  /** Labels of the CRD serving a group/kind; undefined when there is no such CRD. */
  crdLabels(group: string, kind: string): Record<string, string> | undefined;
  /** The object a reference points to, read at its newest contract version; undefined when unreadable. */
  resolve(ref: GroupKindRef): KubeObject | undefined;
}

export const coreGroup = 'cluster.x-k8s.io';
export const coreApiVersion = 'cluster.x-k8s.io/v1beta2';
export const addonsApiVersion = 'addons.cluster.x-k8s.io/v1beta2';
const controlPlaneLabel = 'cluster.x-k8s.io/control-plane';
export const clusterNameLabel = 'cluster.x-k8s.io/cluster-name';

/** A contract-versioned reference at a path, when it names a group, a kind or a name. */
export function refAt(obj: unknown, ...path: string[]): GroupKindRef | undefined {
  const ref = fieldAt(obj, ...path);
  if (ref === null || typeof ref !== 'object') return undefined;
  const r = ref as Record<string, unknown>;
  const out = {
    apiGroup: typeof r.apiGroup === 'string' ? r.apiGroup : '',
    kind: typeof r.kind === 'string' ? r.kind : '',
    name: typeof r.name === 'string' ? r.name : '',
  };
  return out.apiGroup || out.kind || out.name ? out : undefined;
}

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

function isControlledBy(obj: KubeObject, owner: KubeObject, ownerKind: string): boolean {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller === true);
  if (!ref) return false;
  return groupOf(ref.apiVersion) === coreGroup && ref.kind === ownerKind && ref.name === owner.metadata.name;
}

/** `group/version` to read a kind at, from its CRD's contract labels; a clear error when it cannot be known. */
function apiVersionFor(snapshot: DescribeSnapshot, group: string, kind: string): string {
  const crd = expectedCrdName(group, kind);
  const labels = snapshot.crdLabels(group, kind);
  if (!labels) {
    throw new ClusterctlError(
      'NOT_FOUND',
      `failed to get apiVersion for kind ${kind}: CustomResourceDefinition ${crd} not found`,
      {
        hint: `Install the provider that serves ${kind} (${group}), or describe without --show-templates.`,
      },
    );
  }
  const latest = latestContractVersion(labels);
  if (!latest) {
    throw new ClusterctlError(
      'UNSUPPORTED',
      `failed to get apiVersion for kind ${kind}: the CustomResourceDefinition ${crd} has no cluster.x-k8s.io/v1beta2 or cluster.x-k8s.io/v1beta1 contract label`,
      { hint: 'Upgrade the provider to a release that labels its CRDs with the Cluster API contract.' },
    );
  }
  return `${group}/${latest.apiVersion}`;
}

/** A visible machine whose infrastructure and bootstrap objects are still to be added. */
export interface DeferredMachine {
  machine: TreeObject;
  object: KubeObject;
}

/** Adds a machine's infrastructure and bootstrap objects under it (hidden when they only echo the machine). */
export function addMachineObjects(
  tree: ObjectTree,
  machine: TreeObject,
  m: KubeObject,
  resolve: (ref: GroupKindRef) => KubeObject | undefined,
): void {
  const read = (ref: GroupKindRef | undefined) => (ref ? resolve(ref) : undefined);
  const infraObj = read(refAt(m, 'spec', 'infrastructureRef'));
  if (infraObj)
    tree.add(machine, apiObject(infraObj, 'unstructured'), { metaName: 'MachineInfrastructure', noEcho: true });
  const bootstrapObj = read(refAt(m, 'spec', 'bootstrap', 'configRef'));
  if (bootstrapObj)
    tree.add(machine, apiObject(bootstrapObj, 'unstructured'), { metaName: 'BootstrapConfig', noEcho: true });
}

/**
 * Builds the tree. With `deferred`, the machines' own objects are not resolved: the machines that
 * show as rows of their own are listed there instead, for the caller to read just those objects and
 * add them with addMachineObjects (which machines are grouped never depends on them).
 */
// long-function: adds the nodes in the order clusterctl's describe does; its helpers share the tree and the grouping options (split candidate).
export function buildObjectTree(
  snapshot: DescribeSnapshot,
  options: DescribeTreeOptions = {},
  deferred?: DeferredMachine[],
): ObjectTree {
  const clusterObj: KubeObject = { ...snapshot.cluster, apiVersion: coreApiVersion, kind: 'Cluster' };
  const namespace = clusterObj.metadata.namespace ?? '';
  const cluster = apiObject(clusterObj, 'Cluster');
  const tree = new ObjectTree(cluster, {
    showOtherConditions: options.showOtherConditions ?? '',
    echo: Boolean(options.echo),
    grouping: options.grouping ?? true,
    v1beta1: Boolean(options.v1beta1),
  });
  const resolve = (ref: GroupKindRef | undefined): KubeObject | undefined => (ref ? snapshot.resolve(ref) : undefined);

  const infra = resolve(refAt(clusterObj, 'spec', 'infrastructureRef'));
  if (infra) tree.add(cluster, apiObject(infra, 'unstructured'), { metaName: 'ClusterInfrastructure' });

  if (options.showClusterResourceSets && snapshot.resourceSetBinding) {
    const group = virtualObject(namespace, 'ClusterResourceSetGroup', 'ClusterResourceSets');
    tree.add(cluster, group);
    const bindings = fieldAt(snapshot.resourceSetBinding, 'spec', 'bindings');
    for (const binding of Array.isArray(bindings) ? bindings : []) {
      const name = fieldAt(binding, 'clusterResourceSetName');
      tree.add(
        group,
        referenceObject({
          apiVersion: addonsApiVersion,
          kind: 'ClusterResourceSet',
          namespace,
          name: typeof name === 'string' ? name : '',
        }),
      );
    }
  }

  let controlPlane: TreeObject | undefined;
  const cpRef = refAt(clusterObj, 'spec', 'controlPlaneRef');
  const cpObj = resolve(cpRef);
  if (cpRef && cpObj) {
    controlPlane = apiObject(cpObj, 'unstructured');
    controlPlane.contract = 'ControlPlane';
    controlPlane.contractVersion =
      latestContractVersion(snapshot.crdLabels(cpRef.apiGroup, cpRef.kind))?.contract ?? '';
    addControlPlane(tree, snapshot, cluster, controlPlane, options);
  }

  const machineMap = new Set<string>();
  const addMachine = (parent: TreeObject, m: KubeObject) => {
    const machine = apiObject(m, 'Machine');
    const { visible } = tree.add(parent, machine);
    machineMap.add(machine.name);
    if (!visible) return;
    if (deferred) deferred.push({ machine, object: m });
    else addMachineObjects(tree, machine, m, (ref) => snapshot.resolve(ref));
  };

  const machines = snapshot.machines;
  const cpMachines = machines.filter((m) => m.metadata.labels?.[controlPlaneLabel] !== undefined);
  if (controlPlane) for (const m of cpMachines) addMachine(controlPlane, m);

  const workers = virtualObject(namespace, 'WorkerGroup', 'Workers');
  const hasWorkerMachines = machines.length !== cpMachines.length;
  if (hasWorkerMachines || snapshot.machinePools.length > 0) tree.add(cluster, workers);

  if (hasWorkerMachines) {
    for (const mdObj of snapshot.machineDeployments) {
      const md = apiObject({ ...mdObj, apiVersion: coreApiVersion, kind: 'MachineDeployment' }, 'MachineDeployment');
      tree.add(workers, md, { groupingObject: !options.showMachineSets });
      if (options.showTemplates) addMachineDeploymentTemplates(tree, snapshot, md, mdObj, namespace, options);
      for (const msObj of snapshot.machineSets.filter((ms) => isControlledBy(ms, mdObj, 'MachineDeployment'))) {
        let parent = md;
        if (options.showMachineSets) {
          const ms = apiObject({ ...msObj, apiVersion: coreApiVersion, kind: 'MachineSet' }, 'MachineSet');
          tree.add(md, ms, { groupingObject: true });
          parent = ms;
        }
        for (const m of machines.filter((m) => isControlledBy(m, msObj, 'MachineSet'))) addMachine(parent, m);
      }
    }
  }

  for (const mpObj of snapshot.machinePools) {
    const mp = apiObject({ ...mpObj, apiVersion: coreApiVersion, kind: 'MachinePool' }, 'MachinePool');
    const { visible } = tree.add(workers, mp, { groupingObject: true });
    if (visible) {
      const bootstrapObj = resolve(refAt(mpObj, 'spec', 'template', 'spec', 'bootstrap', 'configRef'));
      if (bootstrapObj)
        tree.add(mp, apiObject(bootstrapObj, 'unstructured'), { metaName: 'BootstrapConfig', noEcho: true });
      const infraObj = resolve(refAt(mpObj, 'spec', 'template', 'spec', 'infrastructureRef'));
      if (infraObj) {
        tree.add(mp, apiObject(infraObj, 'unstructured'), { metaName: 'MachinePoolInfrastructure', noEcho: true });
      }
    }
    for (const m of machines.filter((m) => isControlledBy(m, mpObj, 'MachinePool'))) addMachine(mp, m);
  }

  if (machineMap.size < machines.length) {
    const other = virtualObject(namespace, 'OtherGroup', 'Other');
    tree.add(workers, other);
    for (const m of machines) if (!machineMap.has(m.metadata.name ?? '')) addMachine(other, m);
  }
  return tree;
}

function templatesParent(tree: ObjectTree, parent: TreeObject, namespace: string, options: DescribeTreeOptions) {
  if (!options.addTemplateVirtualNode) return parent;
  const node = virtualObject(namespace, 'TemplateGroup', parent.name);
  tree.add(parent, node, { zOrder: 1, metaName: 'Templates' });
  return node;
}

function addControlPlane(
  tree: ObjectTree,
  snapshot: DescribeSnapshot,
  cluster: TreeObject,
  controlPlane: TreeObject,
  options: DescribeTreeOptions,
): void {
  tree.add(cluster, controlPlane, { metaName: 'ControlPlane', groupingObject: true });
  if (!options.showTemplates) return;
  const group = groupOf(controlPlane.apiVersion);
  const version = controlPlane.apiVersion.slice(group.length + 1);
  const contract = contractForVersion(snapshot.crdLabels(group, controlPlane.kind), version);
  if (!contract) {
    throw new ClusterctlError(
      'UNSUPPORTED',
      `failed to get contract version for the ControlPlane object: no contract label of CustomResourceDefinition ${expectedCrdName(group, controlPlane.kind)} lists version ${version}`,
      { hint: 'Upgrade the control plane provider, or describe without --show-templates.' },
    );
  }
  const obj = controlPlane.object;
  let ref: { apiVersion: string; kind: string; namespace: string; name: string } | undefined;
  if (contract === 'v1beta1') {
    const r = fieldAt(obj, 'spec', 'machineTemplate', 'infrastructureRef') as Record<string, unknown> | undefined;
    const fields = ['apiVersion', 'kind', 'name', 'namespace'].map((k) => r?.[k]);
    if (!fields.every((f) => typeof f === 'string')) return;
    const [apiVersion, kind, name, namespace] = fields;
    ref = { apiVersion: apiVersion!, kind: kind!, name: name!, namespace: namespace! };
  } else {
    const r = fieldAt(obj, 'spec', 'machineTemplate', 'spec', 'infrastructureRef') as
      Record<string, unknown> | undefined;
    if (typeof r?.apiGroup !== 'string' || typeof r.kind !== 'string' || typeof r.name !== 'string') return;
    ref = {
      apiVersion: apiVersionFor(snapshot, r.apiGroup, r.kind),
      kind: r.kind,
      namespace: controlPlane.namespace,
      name: r.name,
    };
  }
  const parent = templatesParent(tree, controlPlane, cluster.namespace, options);
  tree.add(parent, referenceObject(ref), { metaName: 'MachineInfrastructureTemplate' });
}

function addMachineDeploymentTemplates(
  tree: ObjectTree,
  snapshot: DescribeSnapshot,
  md: TreeObject,
  mdObj: KubeObject,
  namespace: string,
  options: DescribeTreeOptions,
): void {
  const parent = templatesParent(tree, md, namespace, options);
  const bootstrap = refAt(mdObj, 'spec', 'template', 'spec', 'bootstrap', 'configRef');
  if (bootstrap) {
    tree.add(
      parent,
      referenceObject({
        apiVersion: apiVersionFor(snapshot, bootstrap.apiGroup, bootstrap.kind),
        kind: bootstrap.kind,
        namespace: md.namespace,
        name: bootstrap.name,
      }),
      { metaName: 'BootstrapConfigTemplate' },
    );
  }
  const infra = refAt(mdObj, 'spec', 'template', 'spec', 'infrastructureRef') ?? { apiGroup: '', kind: '', name: '' };
  tree.add(
    parent,
    referenceObject({
      apiVersion: apiVersionFor(snapshot, infra.apiGroup, infra.kind),
      kind: infra.kind,
      namespace: md.namespace,
      name: infra.name,
    }),
    { metaName: 'MachineInfrastructureTemplate' },
  );
}
