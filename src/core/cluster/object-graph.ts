/**
 * The move object graph: which objects of a management cluster belong to its workload clusters,
 * who owns whom (ownerReferences plus the soft ownerships clusterctl knows about), and the order
 * in which they can be created elsewhere. Pure: discovery hands in the listed objects.
 *
 * Rules (same as clusterctl's):
 * - Types: CRDs labelled `clusterctl.cluster.x-k8s.io` (at their storage version), Secret, ConfigMap.
 * - Cluster, ClusterClass and ClusterResourceSet, and anything whose CRD or object carries the
 *   `move-hierarchy` label, are hierarchy roots: they and all their descendants move. The `move`
 *   label moves one object (or every object of a labelled CRD) by itself.
 * - Soft owners: an owner-less Secret `<cluster>-<kubeconfig|ca|etcd|sa|proxy>` belongs to that
 *   Cluster; a Cluster belongs to its ClusterClass; a ClusterResourceSetBinding to the Cluster of
 *   `spec.clusterName`.
 * - Objects of cluster-scoped kinds are global: copied (left alone when present) and never deleted,
 *   with their whole hierarchy. ClusterClasses outside the moved namespace, and in-namespace classes
 *   used by clusters elsewhere, are copied but not deleted, with what they own.
 * - Groups: repeatedly every unscheduled moved object whose owners are all scheduled. Objects whose
 *   owners never get scheduled stay behind; unlike clusterctl we report them.
 */
import type { KubeObject } from '../../types.js';
import { Labels } from '../../types.js';

export const clusterGroup = 'cluster.x-k8s.io';
export const addonsGroup = 'addons.cluster.x-k8s.io';

/** One kind considered for the move. */
export interface DiscoveryType {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  forceMove: boolean;
  forceMoveHierarchy: boolean;
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** `<kind>.<group>` — the key that ignores the version. */
const isKind = (n: { apiVersion: string; kind: string }, kind: string, group = clusterGroup) =>
  n.kind === kind && groupOf(n.apiVersion) === group;

/** Discovery types from the labelled CRDs, plus Secret and ConfigMap. */
export function discoveryTypesFromCrds(crds: readonly KubeObject[]): DiscoveryType[] {
  const out: DiscoveryType[] = [];
  for (const crd of crds) {
    const spec = crd.spec as
      | { group?: string; scope?: string; names?: { kind?: string }; versions?: { name: string; storage?: boolean }[] }
      | undefined;
    const group = spec?.group ?? '';
    const kind = spec?.names?.kind ?? '';
    const storage = spec?.versions?.find((v) => v.storage);
    if (!group || !kind || !storage) continue;
    const labels = crd.metadata.labels ?? {};
    const forceMoveHierarchy =
      (group === clusterGroup && (kind === 'Cluster' || kind === 'ClusterClass')) ||
      (group === addonsGroup && kind === 'ClusterResourceSet') ||
      Labels.moveHierarchy in labels;
    out.push({
      apiVersion: `${group}/${storage.name}`,
      kind,
      namespaced: spec?.scope !== 'Cluster',
      forceMoveHierarchy,
      forceMove: forceMoveHierarchy || Labels.move in labels,
    });
  }
  out.push({ apiVersion: 'v1', kind: 'Secret', namespaced: true, forceMove: false, forceMoveHierarchy: false });
  out.push({ apiVersion: 'v1', kind: 'ConfigMap', namespaced: true, forceMove: false, forceMoveHierarchy: false });
  return out;
}

export interface GraphNode {
  uid: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  /** The object as read from the source (undefined for placeholders). */
  object: KubeObject | undefined;
  owners: Map<string, { controller?: boolean | undefined; blockOwnerDeletion?: boolean | undefined }>;
  softOwners: Set<string>;
  forceMove: boolean;
  forceMoveHierarchy: boolean;
  isGlobal: boolean;
  isGlobalHierarchy: boolean;
  shouldNotDelete: boolean;
  /** Known only through an ownerReference: never moved. */
  virtual: boolean;
  /** Hierarchy roots this node descends from. */
  tenants: Set<string>;
  blockingMove: boolean;
}

/** A node known only by identity (a placeholder until its object is seen). */
export function newNode(id: {
  uid: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}): GraphNode {
  return {
    ...id,
    object: undefined,
    owners: new Map(),
    softOwners: new Set(),
    forceMove: false,
    forceMoveHierarchy: false,
    isGlobal: false,
    isGlobalHierarchy: false,
    shouldNotDelete: false,
    virtual: true,
    tenants: new Set(),
    blockingMove: false,
  };
}

export interface ObjectGraph {
  nodes: Map<string, GraphNode>;
  types: DiscoveryType[];
  namespace: string;
}

const secretPurposes = new Set(['kubeconfig', 'ca', 'etcd', 'sa', 'proxy']);

/** The cluster a Secret belongs to by clusterctl's naming convention, or undefined. */
export function clusterNameOfSecret(name: string): string | undefined {
  const at = name.lastIndexOf('-');
  if (at < 0) return undefined;
  return secretPurposes.has(name.slice(at + 1)) ? name.slice(0, at) : undefined;
}

/** The ClusterClass a Cluster uses (v1beta2 `classRef`, v1beta1 `class`/`classNamespace`). */
export function clusterClassOf(cluster: KubeObject): { name: string; namespace: string } | undefined {
  const topology = (cluster.spec as { topology?: Record<string, unknown> } | undefined)?.topology;
  if (!topology) return undefined;
  const classRef = topology.classRef as { name?: string; namespace?: string } | undefined;
  const name = classRef?.name ?? (typeof topology.class === 'string' ? topology.class : undefined);
  if (!name) return undefined;
  const namespace =
    classRef?.namespace ||
    (typeof topology.classNamespace === 'string' ? topology.classNamespace : '') ||
    cluster.metadata.namespace ||
    '';
  return { name, namespace };
}

export interface BuildGraphOptions {
  /** The namespace being moved ('' = all namespaces). */
  namespace: string;
  /** Every Cluster of the management cluster (all namespaces), to protect shared ClusterClasses. */
  allClusters?: readonly KubeObject[];
}

function typeKey(apiVersion: string, kind: string): string {
  return `${kind}.${groupOf(apiVersion)}`;
}

/** Builds the graph from the listed objects. Duplicate UIDs (an object listed twice) merge. */
export function buildObjectGraph(
  types: readonly DiscoveryType[],
  objects: readonly KubeObject[],
  options: BuildGraphOptions,
): ObjectGraph {
  const nodes = nodesOf(types, objects);
  const all = [...nodes.values()];
  const clusters = all.filter((n) => !n.virtual && isKind(n, 'Cluster'));
  const classes = all.filter((n) => !n.virtual && isKind(n, 'ClusterClass'));
  addSoftOwners(all, clusters, classes);
  const children = childrenOf(all);
  markTenants(nodes, children);
  if (options.namespace) markSharedClasses(nodes, children, classes, options);
  return { nodes, types: [...types], namespace: options.namespace };
}

/** One node per object (owners not seen yet become placeholders), with its move labels and owners. */
function nodesOf(types: readonly DiscoveryType[], objects: readonly KubeObject[]): Map<string, GraphNode> {
  const typeByKey = new Map(types.map((t) => [typeKey(t.apiVersion, t.kind), t]));
  const nodes = new Map<string, GraphNode>();
  const blank = (uid: string, ref: { apiVersion: string; kind: string; name: string }) =>
    newNode({ uid, ...ref, namespace: '' });
  for (const obj of objects) {
    const uid = obj.metadata.uid;
    if (!uid) continue;
    let node = nodes.get(uid);
    if (!node) {
      node = blank(uid, { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name ?? '' });
      nodes.set(uid, node);
    }
    node.virtual = false;
    node.apiVersion = obj.apiVersion;
    node.kind = obj.kind;
    node.name = obj.metadata.name ?? '';
    node.namespace = obj.metadata.namespace ?? '';
    node.object = obj;
    const labels = obj.metadata.labels ?? {};
    const type = typeByKey.get(typeKey(obj.apiVersion, obj.kind));
    node.forceMove = Labels.move in labels || Boolean(type?.forceMove);
    node.forceMoveHierarchy = Labels.moveHierarchy in labels || Boolean(type?.forceMoveHierarchy);
    if (node.forceMoveHierarchy) node.forceMove = true;
    node.isGlobal = type ? !type.namespaced : !node.namespace;
    node.blockingMove = Boolean(
      obj.metadata.annotations && 'clusterctl.cluster.x-k8s.io/block-move' in obj.metadata.annotations,
    );
    for (const ref of obj.metadata.ownerReferences ?? []) {
      if (!ref.uid) continue;
      if (!nodes.has(ref.uid)) nodes.set(ref.uid, blank(ref.uid, ref));
      node.owners.set(ref.uid, { controller: ref.controller, blockOwnerDeletion: ref.blockOwnerDeletion });
    }
  }
  return nodes;
}

/** Soft ownership: cluster Secrets by name, Clusters by their class, CRS bindings by cluster name. */
function addSoftOwners(all: readonly GraphNode[], clusters: readonly GraphNode[], classes: readonly GraphNode[]): void {
  for (const secret of all) {
    if (secret.virtual || secret.kind !== 'Secret' || secret.apiVersion !== 'v1' || secret.owners.size > 0) continue;
    const clusterName = clusterNameOfSecret(secret.name);
    if (clusterName === undefined) continue;
    for (const c of clusters)
      if (c.name === clusterName && c.namespace === secret.namespace) secret.softOwners.add(c.uid);
  }
  for (const c of clusters) {
    const ref = clusterClassOf(c.object!);
    if (!ref) continue;
    for (const cc of classes) if (cc.name === ref.name && cc.namespace === ref.namespace) c.softOwners.add(cc.uid);
  }
  for (const b of all) {
    if (b.virtual || !isKind(b, 'ClusterResourceSetBinding', addonsGroup)) continue;
    const clusterName = (b.object?.spec as { clusterName?: string } | undefined)?.clusterName;
    if (!clusterName) continue;
    for (const c of clusters) if (c.name === clusterName && c.namespace === b.namespace) b.softOwners.add(c.uid);
  }
}

/** Children of every node, through ownerReferences and soft ownership. */
function childrenOf(all: readonly GraphNode[]): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const n of all) {
    for (const owner of [...n.owners.keys(), ...n.softOwners]) {
      const list = children.get(owner);
      if (list) list.push(n.uid);
      else children.set(owner, [n.uid]);
    }
  }
  return children;
}

/** Visits `start` and every node reachable through `next`, each once (ownership may have cycles). */
function walk(start: string, next: (uid: string) => readonly string[], visit: (uid: string) => void): void {
  const stack = [start];
  const seen = new Set<string>();
  while (stack.length) {
    const uid = stack.pop()!;
    if (seen.has(uid)) continue;
    seen.add(uid);
    visit(uid);
    stack.push(...next(uid));
  }
}

/** Tenants: the hierarchy roots each node descends from (a cycle-safe walk from every root). */
function markTenants(nodes: Map<string, GraphNode>, children: Map<string, string[]>): void {
  for (const root of nodes.values()) {
    if (root.virtual || !root.forceMoveHierarchy) continue;
    walk(
      root.uid,
      (uid) => children.get(uid) ?? [],
      (uid) => {
        const n = nodes.get(uid)!;
        n.tenants.add(root.uid);
        if (root.isGlobal) n.isGlobalHierarchy = true;
      },
    );
  }
}

/** ClusterClasses shared across namespaces (and what they own) are copied but not deleted. */
function markSharedClasses(
  nodes: Map<string, GraphNode>,
  children: Map<string, string[]>,
  classes: readonly GraphNode[],
  options: BuildGraphOptions,
): void {
  // Only direct ownership protects descendants (a class's templates), not soft ownership.
  const markNoDelete = (start: GraphNode) =>
    walk(
      start.uid,
      (uid) => (children.get(uid) ?? []).filter((child) => nodes.get(child)!.owners.has(uid)),
      (uid) => {
        nodes.get(uid)!.shouldNotDelete = true;
      },
    );
  for (const cc of classes) if (cc.namespace !== options.namespace) markNoDelete(cc);
  for (const cluster of options.allClusters ?? []) {
    if (cluster.metadata.namespace === options.namespace) continue;
    const ref = clusterClassOf(cluster);
    if (!ref || ref.namespace !== options.namespace) continue;
    for (const cc of classes) if (cc.name === ref.name && cc.namespace === ref.namespace) markNoDelete(cc);
  }
}

/** The objects that move: members of some hierarchy, or force-moved; never placeholders. */
export function moveNodes(graph: ObjectGraph): GraphNode[] {
  return [...graph.nodes.values()].filter((n) => !n.virtual && (n.tenants.size > 0 || n.forceMove));
}

/**
 * Restricts the move to some Clusters (beyond clusterctl): their hierarchies, plus the objects
 * those need to exist first (a ClusterClass, a ClusterResourceSet), which are copied but not
 * deleted unless only the chosen clusters use them. Returns the clusters that were not found.
 */
export function restrictToClusters(graph: ObjectGraph, clusterNames: readonly string[]): string[] {
  const wanted = new Set(clusterNames);
  const roots = [...graph.nodes.values()].filter((n) => !n.virtual && isKind(n, 'Cluster') && wanted.has(n.name));
  const missing = clusterNames.filter((name) => !roots.some((r) => r.name === name));
  const rootIds = new Set(roots.map((r) => r.uid));
  const keep = new Set<string>();
  for (const n of graph.nodes.values()) if ([...n.tenants].some((t) => rootIds.has(t))) keep.add(n.uid);
  // Owners the kept objects need: copied, and deleted only when nothing else depends on them.
  // Never another cluster's objects: an object shared with a cluster that stays is left behind
  // (and reported) rather than copying that cluster to a second management cluster.
  const otherClusters = new Set(
    [...graph.nodes.values()]
      .filter((n) => !n.virtual && isKind(n, 'Cluster') && !rootIds.has(n.uid))
      .map((n) => n.uid),
  );
  const extra = new Set<string>();
  const stack = [...keep];
  while (stack.length) {
    const n = graph.nodes.get(stack.pop()!)!;
    for (const owner of [...n.owners.keys(), ...n.softOwners]) {
      const o = graph.nodes.get(owner);
      if (!o || o.virtual || keep.has(owner) || extra.has(owner)) continue;
      if ([...o.tenants].some((t) => otherClusters.has(t))) continue;
      extra.add(owner);
      stack.push(owner);
    }
  }
  // A needed hierarchy root (a ClusterClass and its templates) comes whole, minus what belongs to
  // clusters that are not moving.
  for (const n of graph.nodes.values()) {
    if (keep.has(n.uid) || extra.has(n.uid)) continue;
    const tenants = [...n.tenants];
    if (
      tenants.some((t) => extra.has(t) && graph.nodes.get(t)!.forceMoveHierarchy) &&
      !tenants.some((t) => otherClusters.has(t))
    )
      extra.add(n.uid);
  }
  for (const n of graph.nodes.values()) {
    if (keep.has(n.uid)) continue;
    if (extra.has(n.uid)) {
      n.shouldNotDelete = true;
      // Keep it a move node even when its own hierarchy is not moving.
      n.forceMove = true;
      continue;
    }
    n.tenants.clear();
    n.forceMove = false;
  }
  return missing;
}

/** Creation order: groups of objects whose owners are all in earlier groups. */
export function moveSequence(graph: ObjectGraph): { groups: GraphNode[][]; leftBehind: GraphNode[] } {
  const candidates = moveNodes(graph).sort(compareNodes);
  const scheduled = new Set<string>();
  const groups: GraphNode[][] = [];
  for (;;) {
    const group = candidates.filter(
      (n) =>
        !scheduled.has(n.uid) &&
        [...n.owners.keys()].every((o) => scheduled.has(o)) &&
        [...n.softOwners].every((o) => scheduled.has(o)),
    );
    if (group.length === 0) break;
    for (const n of group) scheduled.add(n.uid);
    groups.push(group);
  }
  return { groups, leftBehind: candidates.filter((n) => !scheduled.has(n.uid)) };
}

/** A predictable order inside a group: kind, namespace, name. */
export function compareNodes(a: GraphNode, b: GraphNode): number {
  return (
    a.kind.localeCompare(b.kind) ||
    a.namespace.localeCompare(b.namespace) ||
    a.name.localeCompare(b.name) ||
    a.uid.localeCompare(b.uid)
  );
}

/** Whether the source copy is removed once the target has it. */
export function deletedFromSource(n: GraphNode): boolean {
  return !n.isGlobal && !n.isGlobalHierarchy && !n.shouldNotDelete;
}

export function describeNode(n: Pick<GraphNode, 'kind' | 'namespace' | 'name'>): string {
  return n.namespace ? `${n.kind} ${n.namespace}/${n.name}` : `${n.kind} ${n.name}`;
}
