import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../types.js';
import { compareKubeVersions, contractForVersion, latestContractVersion } from './contract.js';
import { buildObjectTree, type DescribeSnapshot, type DescribeTreeOptions } from './discovery.js';
import { conditionFilterFor } from './object-tree.js';
import type { DescribeNode } from './types.js';
import { isZeroCondition, toDescribeNode } from './view.js';

const ns = 'ns1';
const t0 = '2026-01-01T00:00:00Z';

type Cond = [type: string, status: string, reason?: string, message?: string, ltt?: string];
const conds = (list: Cond[]) =>
  list.map(([type, status, reason = '', message = '', lastTransitionTime = t0]) => ({
    type,
    status,
    reason,
    message,
    lastTransitionTime,
  }));

let uid = 0;
function obj(apiVersion: string, kind: string, name: string, extra: Record<string, unknown> = {}): KubeObject {
  const { metadata, ...rest } = extra as { metadata?: Record<string, unknown> };
  return { apiVersion, kind, metadata: { name, namespace: ns, uid: `uid-${++uid}`, ...metadata }, ...rest };
}

const ref = (apiGroup: string, kind: string, name: string) => ({ apiGroup, kind, name });
const ownedBy = (o: KubeObject) => ({
  ownerReferences: [
    { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name!, uid: o.metadata.uid!, controller: true },
  ],
});

function machine(
  name: string,
  owner: KubeObject,
  ready: Cond[],
  labels: Record<string, string> = {},
  extra: Record<string, unknown> = {},
) {
  return obj('cluster.x-k8s.io/v1beta2', 'Machine', name, {
    metadata: { labels: { 'cluster.x-k8s.io/cluster-name': 'c1', ...labels }, ...ownedBy(owner), ...extra },
    spec: {
      infrastructureRef: ref('infrastructure.cluster.x-k8s.io', 'DockerMachine', name),
      bootstrap: { configRef: ref('bootstrap.cluster.x-k8s.io', 'KubeadmConfig', name) },
    },
    status: { conditions: conds(ready) },
  });
}

const labelled = { 'cluster.x-k8s.io/v1beta2': 'v1beta1_v1beta2' };

interface World {
  cluster: KubeObject;
  machines: KubeObject[];
  machineSets: KubeObject[];
  machineDeployments: KubeObject[];
  machinePools: KubeObject[];
  external: KubeObject[];
  binding?: KubeObject;
}

function snapshot(
  w: World,
  crdLabels: (g: string, k: string) => Record<string, string> | undefined = () => labelled,
): DescribeSnapshot {
  const byRef = new Map(w.external.map((o) => [`${o.apiVersion.split('/')[0]}/${o.kind}/${o.metadata.name}`, o]));
  return {
    cluster: w.cluster,
    machines: w.machines,
    machineSets: w.machineSets,
    machineDeployments: w.machineDeployments,
    machinePools: w.machinePools,
    resourceSetBinding: w.binding,
    crdLabels,
    // Like core/describe.ts: only kinds whose CRD names a compatible contract are read.
    resolve: (r) =>
      latestContractVersion(crdLabels(r.apiGroup, r.kind)) ? byRef.get(`${r.apiGroup}/${r.kind}/${r.name}`) : undefined,
  };
}

const ready: Cond[] = [
  ['Available', 'True', 'Available'],
  ['Ready', 'True', 'Ready'],
  ['UpToDate', 'True', 'UpToDate'],
];
const notReady = (message = 'waiting', ltt = t0): Cond[] => [
  ['Available', 'False', 'NotReady'],
  ['Ready', 'False', 'NotReady', message, ltt],
  ['UpToDate', 'True', 'UpToDate'],
];

/** A cluster: KCP with cp machines, one MD → MS → workers, external objects for each machine. */
function world(cp: Cond[][], workers: Cond[][]): World {
  const cluster = obj('cluster.x-k8s.io/v1beta2', 'Cluster', 'c1', {
    spec: {
      infrastructureRef: ref('infrastructure.cluster.x-k8s.io', 'DockerCluster', 'c1'),
      controlPlaneRef: ref('controlplane.cluster.x-k8s.io', 'KubeadmControlPlane', 'c1-cp'),
    },
    status: { conditions: conds([['Available', 'True', 'Available']]) },
  });
  const kcp = obj('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane', 'c1-cp', {
    spec: { replicas: cp.length },
    status: {
      replicas: cp.length,
      readyReplicas: 1,
      conditions: conds([
        ['Available', 'True', 'Available'],
        ['Ready', 'False', 'X'],
      ]),
    },
  });
  const md = obj('cluster.x-k8s.io/v1beta2', 'MachineDeployment', 'c1-md', { spec: { replicas: workers.length } });
  const ms = obj('cluster.x-k8s.io/v1beta2', 'MachineSet', 'c1-md-x', {
    metadata: ownedBy(md),
    spec: { replicas: workers.length },
  });
  const machines = [
    ...cp.map((c, i) => machine(`cp-${i}`, kcp, c, { 'cluster.x-k8s.io/control-plane': '' })),
    ...workers.map((c, i) => machine(`w-${i}`, ms, c)),
  ];
  const external = [
    obj('infrastructure.cluster.x-k8s.io/v1beta2', 'DockerCluster', 'c1', {
      status: { conditions: conds([['Ready', 'True', 'Ready']]) },
    }),
    kcp,
    ...machines.flatMap((m) => [
      obj('infrastructure.cluster.x-k8s.io/v1beta2', 'DockerMachine', m.metadata.name!, {
        status: { conditions: conds([['Ready', 'False', 'Provisioning', 'booting']]) },
      }),
      obj('bootstrap.cluster.x-k8s.io/v1beta2', 'KubeadmConfig', m.metadata.name!, {
        status: { conditions: conds([['Ready', 'True', 'Ready']]) },
      }),
    ]),
  ];
  return { cluster, machines, machineSets: [ms], machineDeployments: [md], machinePools: [], external };
}

function view(
  w: World,
  options: DescribeTreeOptions = {},
  labels?: (g: string, k: string) => Record<string, string> | undefined,
) {
  return toDescribeNode(buildObjectTree(snapshot(w, labels), { addTemplateVirtualNode: true, ...options }));
}

/** The tree as indented display names, for readable assertions. */
function outline(node: DescribeNode, depth = 0): string[] {
  return [`${'  '.repeat(depth)}${node.displayName}`, ...node.children.flatMap((c) => outline(c, depth + 1))];
}

describe('describe tree', () => {
  it('puts infrastructure, control plane with its machines, and workers under the cluster', () => {
    const tree = view(world([ready, ready], [ready]));
    expect(outline(tree)).toEqual([
      'Cluster/c1',
      '  ClusterInfrastructure - DockerCluster/c1',
      '  ControlPlane - KubeadmControlPlane/c1-cp',
      '    2 Machines...',
      '  Workers',
      '    MachineDeployment/c1-md',
      '      Machine/w-0',
      '        MachineInfrastructure - DockerMachine/w-0',
    ]);
  });

  it('groups machines with the same Available/Ready/UpToDate status and reason, with counters and a See note', () => {
    const tree = view(world([ready, ready, ready, notReady('a'), notReady('b')], []));
    const cp = tree.children.find((c) => c.metaName === 'ControlPlane')!;
    expect(cp.children.map((c) => c.displayName)).toEqual(['2 Machines...', '3 Machines...']);
    const up = cp.children[1]!;
    expect(up.group?.items).toEqual(['cp-0', 'cp-1', 'cp-2']);
    expect([up.available, up.ready, up.upToDate]).toEqual(['3', '3', '3']);
    expect(up.note).toBe('See cp-0, cp-1, ...');
    const down = cp.children[0]!;
    expect([down.available, down.ready, down.upToDate]).toEqual(['0', '0', '2']);
    // Messages differ but status and reason match: still one group, and its message is the note.
    expect(down.condition?.message).toBe('');
    expect(down.note).toBe('See cp-3, cp-4');
  });

  it('keeps the earliest Ready transition time of a group', () => {
    const tree = view(
      world(
        [
          notReady('x', '2026-01-03T00:00:00Z'),
          notReady('x', '2026-01-02T00:00:00Z'),
          notReady('x', '2026-01-05T00:00:00Z'),
        ],
        [],
      ),
    );
    const group = tree.children.find((c) => c.metaName === 'ControlPlane')!.children[0]!;
    expect(group.condition?.lastTransitionTime).toBe('2026-01-02T00:00:00Z');
  });

  it('does not group with --grouping=false, and a different reason splits a group', () => {
    expect(
      view(world([ready, ready], []), { grouping: false }).children[1]!.children.map((c) => c.displayName),
    ).toEqual(['Machine/cp-0', 'Machine/cp-1']);
    const other: Cond[] = [ready[0]!, ['Ready', 'True', 'Other'], ready[2]!];
    expect(view(world([ready, other], [])).children[1]!.children.map((c) => c.displayName)).toEqual([
      'Machine/cp-0',
      'Machine/cp-1',
    ]);
  });

  it('hides a machine infrastructure or bootstrap object that is Ready or echoes the machine, unless --echo', () => {
    const w = world([notReady('m')], []);
    const m = view(w, { grouping: false }).children[1]!.children[0]!;
    // DockerMachine is Ready=False/Provisioning (not the machine's NotReady): shown; KubeadmConfig is Ready: hidden.
    expect(m.children.map((c) => c.displayName)).toEqual(['MachineInfrastructure - DockerMachine/cp-0']);
    const echoed = view(w, { echo: true }).children[1]!.children[0]!;
    expect(echoed.children.map((c) => c.displayName)).toEqual([
      'BootstrapConfig - KubeadmConfig/cp-0',
      'MachineInfrastructure - DockerMachine/cp-0',
    ]);
    // Same status and reason as the machine's Ready: an echo, hidden.
    const dm = w.external.find((o) => o.kind === 'DockerMachine')!;
    (dm.status as { conditions: unknown }).conditions = conds([['Ready', 'False', 'NotReady', 'other words']]);
    expect(view(w).children[1]!.children[0]!.children).toEqual([]);
  });

  it('shows machine sets and orders children by z-order, then name; templates come first', () => {
    const w = world([ready], [ready, notReady()]);
    const md = w.machineDeployments[0]!;
    (md.spec as Record<string, unknown>).template = {
      spec: {
        bootstrap: { configRef: ref('bootstrap.cluster.x-k8s.io', 'KubeadmConfigTemplate', 'tpl-b') },
        infrastructureRef: ref('infrastructure.cluster.x-k8s.io', 'DockerMachineTemplate', 'tpl-i'),
      },
    };
    const tree = view(w, { showMachineSets: true, showTemplates: true });
    expect(outline(tree.children.find((c) => c.displayName === 'Workers')!)).toEqual([
      'Workers',
      '  MachineDeployment/c1-md',
      '    Templates',
      '      BootstrapConfigTemplate - KubeadmConfigTemplate/tpl-b',
      '      MachineInfrastructureTemplate - DockerMachineTemplate/tpl-i',
      '    MachineSet/c1-md-x',
      '      Machine/w-0',
      '        MachineInfrastructure - DockerMachine/w-0',
      '      Machine/w-1',
      '        MachineInfrastructure - DockerMachine/w-1',
    ]);
    const template = tree.children.find((c) => c.displayName === 'Workers')!.children[0]!.children[0]!.children[1]!;
    expect(template.apiVersion).toBe('infrastructure.cluster.x-k8s.io/v1beta2');
  });

  it('fails --show-templates with the CRD named when a template kind has no contract label', () => {
    const w = world([ready], [ready]);
    (w.machineDeployments[0]!.spec as Record<string, unknown>).template = {
      spec: { infrastructureRef: ref('infrastructure.cluster.x-k8s.io', 'DockerMachineTemplate', 'tpl') },
    };
    const labels = (_g: string, k: string) => (k === 'DockerMachineTemplate' ? {} : labelled);
    expect(() => view(w, { showTemplates: true }, labels)).toThrow(
      /dockermachinetemplates\.infrastructure\.cluster\.x-k8s\.io/,
    );
  });

  it('sends machines nobody controls, and control plane machines without a readable control plane, to Other', () => {
    const w = world([ready], [ready]);
    w.machines.push(
      obj('cluster.x-k8s.io/v1beta2', 'Machine', 'stray', {
        metadata: { labels: { 'cluster.x-k8s.io/cluster-name': 'c1' } },
        status: { conditions: conds(ready) },
      }),
    );
    const tree = view(w);
    expect(outline(tree.children.find((c) => c.displayName === 'Workers')!).slice(-2)).toEqual([
      '  Other',
      '    Machine/stray',
    ]);
    // Without the contract label the control plane cannot be read: the Go tool then lists its machines as orphans.
    const noCp = view(world([ready], [ready]), {}, (_g, k) => (k === 'KubeadmControlPlane' ? {} : labelled));
    expect(outline(noCp)).toContain('      Machine/cp-0');
    expect(outline(noCp).some((l) => l.includes('ControlPlane'))).toBe(false);
  });

  it('adds a Workers node for machine pools, with their machines, and lists resource sets from the binding', () => {
    const w = world([ready], []);
    const mp = obj('cluster.x-k8s.io/v1beta2', 'MachinePool', 'pool', {
      spec: {
        template: { spec: { infrastructureRef: ref('infrastructure.cluster.x-k8s.io', 'DockerMachinePool', 'pool') } },
      },
    });
    w.machinePools.push(mp);
    w.external.push(
      obj('infrastructure.cluster.x-k8s.io/v1beta2', 'DockerMachinePool', 'pool', {
        status: { conditions: conds([['Ready', 'False', 'Scaling']]) },
      }),
    );
    w.machines.push(machine('pool-a', mp, ready), machine('pool-b', mp, ready));
    w.binding = obj('addons.cluster.x-k8s.io/v1beta2', 'ClusterResourceSetBinding', 'c1', {
      spec: { bindings: [{ clusterResourceSetName: 'crs-2' }, { clusterResourceSetName: 'crs-1' }] },
    });
    const tree = view(w, { showClusterResourceSets: true });
    expect(outline(tree)).toEqual([
      'Cluster/c1',
      '  ClusterInfrastructure - DockerCluster/c1',
      '  ClusterResourceSets',
      '    ClusterResourceSet/crs-1',
      '    ClusterResourceSet/crs-2',
      '  ControlPlane - KubeadmControlPlane/c1-cp',
      '    Machine/cp-0',
      '      MachineInfrastructure - DockerMachine/cp-0',
      '  Workers',
      // Pool machines are not control plane machines, so machine deployments are listed too (as the Go tool does).
      '    MachineDeployment/c1-md',
      '    MachinePool/pool',
      '      2 Machines...',
      '      MachinePoolInfrastructure - DockerMachinePool/pool',
    ]);
    // The Go tool shows no columns for a MachinePool.
    const pool = tree.children[3]!.children[1]!;
    expect([pool.replicas, pool.condition]).toEqual([undefined, undefined]);
  });

  it('marks deleting objects and fills control plane counters from the contract fields', () => {
    const w = world([ready], []);
    w.machines[0]!.metadata.deletionTimestamp = t0;
    const tree = view(w, { grouping: false });
    const cp = tree.children[1]!;
    expect([cp.replicas, cp.available, cp.ready, cp.upToDate]).toEqual(['1/1', undefined, '1', undefined]);
    expect(cp.condition?.type).toBe('Available');
    expect(cp.children[0]!.displayName).toBe('!! DELETED !! Machine/cp-0');
  });

  it('uses the legacy v1beta1 Ready condition (with severity) for --v1beta2=false', () => {
    const w = world([ready, ready], []);
    for (const m of w.machines) {
      (m.status as Record<string, unknown>).deprecated = {
        v1beta1: {
          conditions: [{ type: 'Ready', status: 'False', severity: 'Warning', reason: 'Old', lastTransitionTime: t0 }],
        },
      };
    }
    const tree = view(w, { v1beta1: true, showOtherConditions: 'KubeadmControlPlane' });
    const cp = tree.children[1]!;
    // Provider objects keep their v1beta1 conditions in status.conditions; all but Ready are listed, sorted by type.
    expect(cp.conditions?.map((c) => c.type)).toEqual(['Available']);
    expect(cp.children[0]!.condition).toMatchObject({ status: 'False', severity: 'Warning', reason: 'Old' });
    expect(cp.children[0]!.displayName).toBe('2 Machines...');
  });
});

describe('--show-conditions filters', () => {
  it('matches all, Kind and Kind/name case-insensitively, with + for non-zero only', () => {
    expect(conditionFilterFor('Machine', 'm1', 'all')).toBe('All');
    expect(conditionFilterFor('Machine', 'm1', 'ALL+')).toBe('NonZero');
    expect(conditionFilterFor('Machine', 'm1', 'kubeadmcontrolplane,machine')).toBe('All');
    expect(conditionFilterFor('Machine', 'm1', 'Machine/M1+')).toBe('NonZero');
    expect(conditionFilterFor('Machine', 'm1', 'Machine/m2')).toBe('');
    expect(conditionFilterFor('Machine', 'm1', ',,Cluster')).toBe('');
    expect(conditionFilterFor('Machine', 'm1', '')).toBe('');
  });

  it('non-zero keeps failures, unknowns, true negative conditions and anything with a message', () => {
    const c = (type: string, status: string, message = '') => ({
      type,
      status,
      reason: '',
      message,
      lastTransitionTime: t0,
    });
    expect(isZeroCondition(c('NodeHealthy', 'True'))).toBe(true);
    expect(isZeroCondition(c('NodeHealthy', 'False'))).toBe(false);
    expect(isZeroCondition(c('NodeHealthy', 'Unknown'))).toBe(false);
    expect(isZeroCondition(c('Deleting', 'False'))).toBe(true);
    expect(isZeroCondition(c('Deleting', 'True'))).toBe(false);
    expect(isZeroCondition(c('Paused', 'False', 'why'))).toBe(false);
  });
});

describe('contract versions', () => {
  it('picks the newest contract label and the newest API version in it', () => {
    expect(
      latestContractVersion({
        'cluster.x-k8s.io/v1beta1': 'v1alpha4_v1beta1',
        'cluster.x-k8s.io/v1beta2': 'v1beta2_v1beta1',
      }),
    ).toEqual({
      contract: 'v1beta2',
      apiVersion: 'v1beta2',
    });
    expect(latestContractVersion({ 'cluster.x-k8s.io/v1beta1': 'v1alpha3_v1alpha4' })).toEqual({
      contract: 'v1beta1',
      apiVersion: 'v1alpha4',
    });
    expect(latestContractVersion({ 'cluster.x-k8s.io/provider': 'x' })).toBeUndefined();
    expect(
      contractForVersion({ 'cluster.x-k8s.io/v1beta1': 'v1beta1', 'cluster.x-k8s.io/provider': 'v1beta1x' }, 'v1beta1'),
    ).toBe('v1beta1');
    expect(['v1', 'v1beta1', 'v2alpha1', 'v1alpha2', 'v1beta2'].sort(compareKubeVersions)).toEqual([
      'v1alpha2',
      'v2alpha1',
      'v1beta1',
      'v1beta2',
      'v1',
    ]);
  });
});
