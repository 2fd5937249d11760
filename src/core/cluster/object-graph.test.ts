import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../types.js';
import {
  buildObjectGraph,
  clusterNameOfSecret,
  deletedFromSource,
  discoveryTypesFromCrds,
  moveSequence,
  restrictToClusters,
  type ObjectGraph,
} from './object-graph.js';

let counter = 0;
function obj(
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
  extra: { owners?: KubeObject[]; labels?: Record<string, string>; spec?: unknown } = {},
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      uid: `uid-${kind}-${name}-${++counter}`,
      ...(extra.labels ? { labels: extra.labels } : {}),
      ...(extra.owners
        ? {
            ownerReferences: extra.owners.map((o) => ({
              apiVersion: o.apiVersion,
              kind: o.kind,
              name: o.metadata.name!,
              uid: o.metadata.uid!,
              controller: true,
            })),
          }
        : {}),
    },
    ...(extra.spec ? { spec: extra.spec } : {}),
  };
}

function crd(group: string, kind: string, opts: { scope?: string; labels?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${kind.toLowerCase()}s.${group}`,
      labels: { 'clusterctl.cluster.x-k8s.io': '', ...opts.labels },
    },
    spec: {
      group,
      scope: opts.scope ?? 'Namespaced',
      names: { kind },
      versions: [
        { name: 'v1beta1', storage: false },
        { name: 'v1beta2', storage: true },
      ],
    },
  };
}

const capi = 'cluster.x-k8s.io/v1beta2';
const infra = 'infrastructure.cluster.x-k8s.io/v1beta2';
const bootstrap = 'bootstrap.cluster.x-k8s.io/v1beta2';
const cp = 'controlplane.cluster.x-k8s.io/v1beta2';
const addons = 'addons.cluster.x-k8s.io/v1beta2';

const types = discoveryTypesFromCrds([
  ...['Cluster', 'Machine', 'MachineSet', 'MachineDeployment', 'ClusterClass'].map((k) => crd('cluster.x-k8s.io', k)),
  crd('infrastructure.cluster.x-k8s.io', 'DockerCluster'),
  crd('infrastructure.cluster.x-k8s.io', 'DockerMachine'),
  crd('infrastructure.cluster.x-k8s.io', 'DockerClusterTemplate'),
  crd('infrastructure.cluster.x-k8s.io', 'AWSClusterStaticIdentity', {
    scope: 'Cluster',
    labels: { 'clusterctl.cluster.x-k8s.io/move-hierarchy': '' },
  }),
  crd('bootstrap.cluster.x-k8s.io', 'KubeadmConfig'),
  crd('controlplane.cluster.x-k8s.io', 'KubeadmControlPlane'),
  crd('addons.cluster.x-k8s.io', 'ClusterResourceSet'),
  crd('addons.cluster.x-k8s.io', 'ClusterResourceSetBinding'),
]);

/** A cluster as CAPI builds it: KCP with one machine, an MD with one worker. */
function clusterObjects(ns: string, name: string, spec?: unknown): KubeObject[] {
  const cluster = obj(capi, 'Cluster', ns, name, { spec });
  const dc = obj(infra, 'DockerCluster', ns, name, { owners: [cluster] });
  const kcp = obj(cp, 'KubeadmControlPlane', ns, `${name}-cp`, { owners: [cluster] });
  const cpMachine = obj(capi, 'Machine', ns, `${name}-cp-0`, { owners: [kcp] });
  const cpInfra = obj(infra, 'DockerMachine', ns, `${name}-cp-0`, { owners: [cpMachine] });
  const cpConfig = obj(bootstrap, 'KubeadmConfig', ns, `${name}-cp-0`, { owners: [cpMachine] });
  const cpData = obj('v1', 'Secret', ns, `${name}-cp-0`, { owners: [cpConfig] });
  const md = obj(capi, 'MachineDeployment', ns, `${name}-md`, { owners: [cluster] });
  const ms = obj(capi, 'MachineSet', ns, `${name}-md-x`, { owners: [md] });
  const m = obj(capi, 'Machine', ns, `${name}-md-x-1`, { owners: [ms] });
  const mInfra = obj(infra, 'DockerMachine', ns, `${name}-md-x-1`, { owners: [m] });
  const kubeconfig = obj('v1', 'Secret', ns, `${name}-kubeconfig`);
  const ca = obj('v1', 'Secret', ns, `${name}-ca`);
  return [cluster, dc, kcp, cpMachine, cpInfra, cpConfig, cpData, md, ms, m, mInfra, kubeconfig, ca];
}

function groupNames(graph: ObjectGraph): string[][] {
  return moveSequence(graph).groups.map((g) => g.map((n) => `${n.kind}/${n.name}`).sort());
}

describe('move object graph', () => {
  it('orders a cluster owner-first, with soft-owned secrets after their Cluster', () => {
    const graph = buildObjectGraph(types, clusterObjects('ns', 'c1'), { namespace: 'ns' });
    expect(groupNames(graph)).toEqual([
      ['Cluster/c1'],
      [
        'DockerCluster/c1',
        'KubeadmControlPlane/c1-cp',
        'MachineDeployment/c1-md',
        'Secret/c1-ca',
        'Secret/c1-kubeconfig',
      ],
      ['Machine/c1-cp-0', 'MachineSet/c1-md-x'],
      ['DockerMachine/c1-cp-0', 'KubeadmConfig/c1-cp-0', 'Machine/c1-md-x-1'],
      ['DockerMachine/c1-md-x-1', 'Secret/c1-cp-0'],
    ]);
    expect(moveSequence(graph).leftBehind).toEqual([]);
  });

  it('leaves unrelated Secrets and ConfigMaps behind', () => {
    const objs = [
      ...clusterObjects('ns', 'c1'),
      obj('v1', 'Secret', 'ns', 'unrelated'),
      obj('v1', 'Secret', 'ns', 'other-kubeconfig'),
      obj('v1', 'ConfigMap', 'ns', 'settings'),
    ];
    const moved = moveSequence(buildObjectGraph(types, objs, { namespace: 'ns' }))
      .groups.flat()
      .map((n) => n.name);
    expect(moved).not.toContain('unrelated');
    expect(moved).not.toContain('other-kubeconfig');
    expect(moved).not.toContain('settings');
  });

  it('moves objects labelled for move, and whole hierarchies labelled move-hierarchy', () => {
    const cm = obj('v1', 'ConfigMap', 'ns', 'forced', { labels: { 'clusterctl.cluster.x-k8s.io/move': '' } });
    const root = obj('v1', 'ConfigMap', 'ns', 'root', { labels: { 'clusterctl.cluster.x-k8s.io/move-hierarchy': '' } });
    const child = obj('v1', 'Secret', 'ns', 'child-of-root', { owners: [root] });
    const names = groupNames(buildObjectGraph(types, [cm, root, child], { namespace: 'ns' }));
    expect(names).toEqual([['ConfigMap/forced', 'ConfigMap/root'], ['Secret/child-of-root']]);
  });

  it('copies a global identity and its secret without deleting them', () => {
    const identity = obj(infra, 'AWSClusterStaticIdentity', '', 'id');
    const secret = obj('v1', 'Secret', 'capa-system', 'id-credentials', { owners: [identity] });
    const graph = buildObjectGraph(types, [...clusterObjects('ns', 'c1'), identity, secret], { namespace: 'ns' });
    const nodes = moveSequence(graph).groups.flat();
    const id = nodes.find((n) => n.name === 'id')!;
    const sec = nodes.find((n) => n.name === 'id-credentials')!;
    expect(id.isGlobal).toBe(true);
    expect(sec.isGlobalHierarchy).toBe(true);
    expect(deletedFromSource(id)).toBe(false);
    expect(deletedFromSource(sec)).toBe(false);
    expect(deletedFromSource(nodes.find((n) => n.name === 'c1')!)).toBe(true);
  });

  it('puts a ClusterClass and its templates before the clusters using it', () => {
    const cc = obj(capi, 'ClusterClass', 'ns', 'quick', {});
    const tpl = obj(infra, 'DockerClusterTemplate', 'ns', 'quick-tpl', { owners: [cc] });
    const objs = [cc, tpl, ...clusterObjects('ns', 'c1', { topology: { classRef: { name: 'quick' } } })];
    const names = groupNames(buildObjectGraph(types, objs, { namespace: 'ns' }));
    expect(names[0]).toEqual(['ClusterClass/quick']);
    expect(names[1]).toEqual(['Cluster/c1', 'DockerClusterTemplate/quick-tpl']);
  });

  it('keeps ClusterClasses of other namespaces, and classes used elsewhere, on the source', () => {
    const external = obj(capi, 'ClusterClass', 'shared', 'ext', {});
    const extTpl = obj(infra, 'DockerClusterTemplate', 'shared', 'ext-tpl', { owners: [external] });
    const local = obj(capi, 'ClusterClass', 'ns', 'local', {});
    const usedElsewhere = obj(capi, 'Cluster', 'other', 'elsewhere', {
      spec: { topology: { classRef: { name: 'local', namespace: 'ns' } } },
    });
    const objs = [
      external,
      extTpl,
      local,
      ...clusterObjects('ns', 'c1', { topology: { classRef: { name: 'ext', namespace: 'shared' } } }),
      ...clusterObjects('ns', 'c2', { topology: { classRef: { name: 'local' } } }),
    ];
    const graph = buildObjectGraph(types, objs, { namespace: 'ns', allClusters: [usedElsewhere] });
    const nodes = moveSequence(graph).groups.flat();
    const byName = (n: string) => nodes.find((x) => x.name === n)!;
    expect(deletedFromSource(byName('ext'))).toBe(false);
    expect(deletedFromSource(byName('ext-tpl'))).toBe(false);
    expect(deletedFromSource(byName('local'))).toBe(false);
    expect(deletedFromSource(byName('c1'))).toBe(true);
  });

  it('binds a ClusterResourceSetBinding to its Cluster', () => {
    const crs = obj(addons, 'ClusterResourceSet', 'ns', 'cni');
    const binding = obj(addons, 'ClusterResourceSetBinding', 'ns', 'c1', {
      owners: [crs],
      spec: { clusterName: 'c1' },
    });
    const names = groupNames(
      buildObjectGraph(types, [crs, binding, ...clusterObjects('ns', 'c1')], { namespace: 'ns' }),
    );
    const groupOfBinding = names.findIndex((g) => g.includes('ClusterResourceSetBinding/c1'));
    const groupOfCluster = names.findIndex((g) => g.includes('Cluster/c1'));
    expect(groupOfBinding).toBeGreaterThan(groupOfCluster);
  });

  it('survives ownership cycles and reports what cannot be ordered', () => {
    const cluster = obj(capi, 'Cluster', 'ns', 'c1');
    const a = obj('v1', 'ConfigMap', 'ns', 'a', { owners: [cluster] });
    const b = obj('v1', 'ConfigMap', 'ns', 'b', { owners: [a] });
    // a is also owned by b: a cycle.
    a.metadata.ownerReferences!.push({ apiVersion: 'v1', kind: 'ConfigMap', name: 'b', uid: b.metadata.uid! });
    const { groups, leftBehind } = moveSequence(buildObjectGraph(types, [cluster, a, b], { namespace: 'ns' }));
    expect(groups.flat().map((n) => n.name)).toEqual(['c1']);
    expect(leftBehind.map((n) => n.name).sort()).toEqual(['a', 'b']);
  });

  it('never moves placeholders of owners it has not seen', () => {
    const ghost = obj(capi, 'MachineDeployment', 'ns', 'ghost');
    const orphan = obj(capi, 'MachineSet', 'ns', 'orphan', { owners: [ghost] });
    const graph = buildObjectGraph(types, [...clusterObjects('ns', 'c1'), orphan], { namespace: 'ns' });
    expect(
      moveSequence(graph)
        .groups.flat()
        .map((n) => n.name),
    ).not.toContain('ghost');
    expect(
      moveSequence(graph)
        .groups.flat()
        .map((n) => n.name),
    ).not.toContain('orphan');
  });

  it('restricts a move to some clusters, copying a shared ClusterClass but keeping it', () => {
    const cc = obj(capi, 'ClusterClass', 'ns', 'quick', {});
    const tpl = obj(infra, 'DockerClusterTemplate', 'ns', 'quick-tpl', { owners: [cc] });
    const objs = [
      cc,
      tpl,
      ...clusterObjects('ns', 'c1', { topology: { classRef: { name: 'quick' } } }),
      ...clusterObjects('ns', 'c2', { topology: { classRef: { name: 'quick' } } }),
    ];
    const graph = buildObjectGraph(types, objs, { namespace: 'ns' });
    expect(restrictToClusters(graph, ['c1', 'nope'])).toEqual(['nope']);
    const nodes = moveSequence(graph).groups.flat();
    const names = nodes.map((n) => n.name);
    expect(names).toContain('c1');
    expect(names).toContain('c1-kubeconfig');
    expect(names).toContain('quick');
    expect(names).toContain('quick-tpl');
    expect(names).not.toContain('c2');
    expect(names).not.toContain('c2-kubeconfig');
    expect(deletedFromSource(nodes.find((n) => n.name === 'quick')!)).toBe(false);
    expect(deletedFromSource(nodes.find((n) => n.name === 'c1')!)).toBe(true);
  });

  it('orders MachinePools with their infrastructure pools, bootstrap configs and machines', () => {
    const cluster = obj(capi, 'Cluster', 'ns', 'c1');
    const mp = obj(capi, 'MachinePool', 'ns', 'mp', { owners: [cluster] });
    const dmp = obj(infra, 'DockerMachinePool', 'ns', 'mp', { owners: [mp] });
    const cfg = obj(bootstrap, 'KubeadmConfig', 'ns', 'mp-cfg', { owners: [mp] });
    const m = obj(capi, 'Machine', 'ns', 'mp-m0', { owners: [mp] });
    const dm = obj(infra, 'DockerMachine', 'ns', 'mp-m0', { owners: [dmp, m] });
    const poolTypes = discoveryTypesFromCrds([
      crd('cluster.x-k8s.io', 'Cluster'),
      crd('cluster.x-k8s.io', 'MachinePool'),
      crd('cluster.x-k8s.io', 'Machine'),
      crd('infrastructure.cluster.x-k8s.io', 'DockerMachinePool'),
      crd('infrastructure.cluster.x-k8s.io', 'DockerMachine'),
      crd('bootstrap.cluster.x-k8s.io', 'KubeadmConfig'),
    ]);
    expect(groupNames(buildObjectGraph(poolTypes, [cluster, mp, dmp, cfg, m, dm], { namespace: 'ns' }))).toEqual([
      ['Cluster/c1'],
      ['MachinePool/mp'],
      ['DockerMachinePool/mp', 'KubeadmConfig/mp-cfg', 'Machine/mp-m0'],
      // Owned by both the pool's infrastructure and its Machine: after both.
      ['DockerMachine/mp-m0'],
    ]);
  });

  /** Clusters c1 and c2 in ns, and a Secret `shared-ca-bundle` owned by a KubeadmConfig of each. */
  const twoClustersSharingASecret = () => {
    const objs = [...clusterObjects('ns', 'c1'), ...clusterObjects('ns', 'c2')];
    const configOf = (cluster: string) =>
      objs.find((o) => o.metadata.name === `${cluster}-cp-0` && o.kind === 'KubeadmConfig')!;
    const shared = obj('v1', 'Secret', 'ns', 'shared-ca-bundle', { owners: [configOf('c1'), configOf('c2')] });
    return buildObjectGraph(types, [...objs, shared], { namespace: 'ns' });
  };

  it('moves a Secret shared by two clusters once, after both owners', () => {
    const graph = twoClustersSharingASecret();
    const { groups } = moveSequence(graph);
    const at = (name: string, kind: string) =>
      groups.findIndex((g) => g.some((n) => n.name === name && n.kind === kind));
    expect(groups.flat().filter((n) => n.name === 'shared-ca-bundle')).toHaveLength(1);
    expect(at('shared-ca-bundle', 'Secret')).toBeGreaterThan(
      Math.max(at('c1-cp-0', 'KubeadmConfig'), at('c2-cp-0', 'KubeadmConfig')),
    );
    const node = groups.flat().find((n) => n.name === 'shared-ca-bundle')!;
    expect(node.tenants.size).toBe(2);
  });

  it('restricting to one cluster leaves a Secret shared with another cluster unordered and reported', () => {
    const graph = twoClustersSharingASecret();
    restrictToClusters(graph, ['c1']);
    const { groups, leftBehind } = moveSequence(graph);
    const moved = groups.flat();
    expect(moved.map((n) => n.name)).toContain('c1-cp-0');
    // c2 is never copied, not even as an owner of the shared Secret.
    expect(moved.filter((n) => n.name.startsWith('c2'))).toEqual([]);
    expect(leftBehind.map((n) => n.name)).toEqual(['shared-ca-bundle']);
  });

  // The cluster a Secret belongs to, read from its name as clusterctl does.
  it.each<[string, string | undefined]>([
    ['my-cluster-kubeconfig', 'my-cluster'],
    ['my-cluster-ca', 'my-cluster'],
    ['x-etcd', 'x'],
    ['x-sa', 'x'],
    ['x-proxy', 'x'],
    // Names not of the <cluster>-<purpose> form clusterctl knows belong to no cluster.
    ...['x-apiserver-etcd-client', 'kubeconfig', 'x-token'].map((name): [string, undefined] => [name, undefined]),
  ])('parses the cluster secret name %j -> %s', (secret, cluster) => {
    expect(clusterNameOfSecret(secret)).toBe(cluster);
  });

  it('reads CRD labels and scopes into discovery types', () => {
    const identity = types.find((t) => t.kind === 'AWSClusterStaticIdentity')!;
    expect(identity).toMatchObject({ namespaced: false, forceMoveHierarchy: true, forceMove: true, apiVersion: infra });
    expect(types.find((t) => t.kind === 'Cluster')).toMatchObject({ forceMoveHierarchy: true });
    expect(types.find((t) => t.kind === 'ClusterResourceSet')).toMatchObject({ forceMoveHierarchy: true });
    expect(types.find((t) => t.kind === 'Machine')).toMatchObject({ forceMoveHierarchy: false, forceMove: false });
    expect(types.filter((t) => t.apiVersion === 'v1').map((t) => t.kind)).toEqual(['Secret', 'ConfigMap']);
  });
});
