/**
 * When does the workload cluster count as provisioned (what move requires too)? Pure checks of
 * what the bootstrap cluster reports, in the order a real cluster comes up, and the one function
 * that reads those objects (only as far as the first gap) through the KubeClient port.
 */
import type { KubeObject } from '../../types.js';
import type { KubeClient } from '../ports.js';

const capiApiVersion = 'cluster.x-k8s.io/v1beta2';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface ProvisioningGap {
  /** Short: what is awaited (for the spinner). */
  waitingFor: string;
  /** One sentence for the timeout error. */
  message: string;
  hint: string;
}

const infraHint =
  'Check the infrastructure provider: its controller logs on the bootstrap cluster, and the infrastructure cluster object (clusterctl describe cluster).';
const cpHint =
  'Check the control plane provider: its controller logs on the bootstrap cluster, and the control plane object and its Machines.';

function conditionText(c: Condition | undefined): string {
  if (!c) return 'not reported yet';
  return `${c.status}${c.reason ? `, reason ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`;
}

const clusterRef = (namespace: string, clusterName: string) => `Cluster ${namespace}/${clusterName}`;

/** What the Cluster object itself still lacks: infrastructure, then control plane. */
export function clusterGap(
  cluster: KubeObject | undefined,
  namespace: string,
  clusterName: string,
): ProvisioningGap | undefined {
  const ref = clusterRef(namespace, clusterName);
  if (!cluster) {
    return {
      waitingFor: `${ref} to exist`,
      message: `${ref} does not exist on the bootstrap cluster`,
      hint: 'It was applied by this command; check whether something deleted it.',
    };
  }
  const status = (cluster.status ?? {}) as {
    initialization?: { infrastructureProvisioned?: boolean; controlPlaneInitialized?: boolean };
    conditions?: Condition[];
  };
  const cond = (type: string) => status.conditions?.find((c) => c.type === type);
  if (status.initialization?.infrastructureProvisioned !== true) {
    return {
      waitingFor: 'the infrastructure (status.initialization.infrastructureProvisioned)',
      message: `${ref}: status.initialization.infrastructureProvisioned is not true (condition InfrastructureReady: ${conditionText(cond('InfrastructureReady'))})`,
      hint: infraHint,
    };
  }
  const cpInitialized = cond('ControlPlaneInitialized');
  if (cpInitialized?.status !== 'True') {
    return {
      waitingFor: 'condition ControlPlaneInitialized',
      message: `${ref}: condition ControlPlaneInitialized is not True (${conditionText(cpInitialized)})`,
      hint: cpHint,
    };
  }
  const hasControlPlane = Boolean((cluster.spec as { controlPlaneRef?: unknown } | undefined)?.controlPlaneRef);
  if (hasControlPlane && status.initialization?.controlPlaneInitialized !== true) {
    return {
      waitingFor: 'status.initialization.controlPlaneInitialized',
      message: `${ref}: status.initialization.controlPlaneInitialized is not true`,
      hint: cpHint,
    };
  }
  return undefined;
}

/** The gap while the kubeconfig Secret `<cluster>-kubeconfig` is missing. */
export function kubeconfigSecretGap(
  exists: boolean,
  namespace: string,
  clusterName: string,
): ProvisioningGap | undefined {
  if (exists) return undefined;
  const secretName = `${clusterName}-kubeconfig`;
  return {
    waitingFor: `Secret ${secretName}`,
    message: `${clusterRef(namespace, clusterName)}: the kubeconfig Secret ${namespace}/${secretName} does not exist yet`,
    hint: cpHint,
  };
}

/** The gap while fewer Machines of the cluster than expected have a node. */
export function machinesGap(
  machines: readonly KubeObject[],
  namespace: string,
  clusterName: string,
  expectedMachines: number,
): ProvisioningGap | undefined {
  const ours = machines.filter(
    (m) =>
      m.metadata.labels?.['cluster.x-k8s.io/cluster-name'] === clusterName ||
      (m.spec as { clusterName?: string } | undefined)?.clusterName === clusterName,
  );
  const withNode = ours.filter((m) => (m.status as { nodeRef?: { name?: string } } | undefined)?.nodeRef?.name);
  const pending = ours.filter((m) => !withNode.includes(m));
  if (pending.length === 0 && ours.length >= expectedMachines) return undefined;
  const first = pending[0];
  const detail = first
    ? `Machine ${namespace}/${first.metadata.name} has no status.nodeRef`
    : `${ours.length} of ${expectedMachines} Machines exist`;
  const of = Math.max(expectedMachines, ours.length);
  return {
    waitingFor: `Machines with a node (${withNode.length}/${of})`,
    message: `${clusterRef(namespace, clusterName)}: ${detail} (${withNode.length} of ${of} Machines have a node)`,
    hint: 'Check the infrastructure and bootstrap providers: their controller logs and the Machine objects (clusterctl describe cluster).',
  };
}

/**
 * The first thing still missing before the workload cluster counts as provisioned, or undefined
 * when it is. Reads the Cluster, then its kubeconfig Secret, then its Machines, stopping at the
 * first gap.
 */
export async function provisioningGap(
  client: KubeClient,
  namespace: string,
  clusterName: string,
  expectedMachines: number,
): Promise<ProvisioningGap | undefined> {
  const cluster = await client.get({ apiVersion: capiApiVersion, kind: 'Cluster', name: clusterName, namespace });
  const gap = clusterGap(cluster, namespace, clusterName);
  if (gap) return gap;
  const secret = await client.get({ apiVersion: 'v1', kind: 'Secret', name: `${clusterName}-kubeconfig`, namespace });
  return (
    kubeconfigSecretGap(Boolean(secret), namespace, clusterName) ??
    machinesGap(await client.list(capiApiVersion, 'Machine', { namespace }), namespace, clusterName, expectedMachines)
  );
}

/** Machines the template asks for: the control plane's replicas plus each MachineDeployment's (topology included). */
export function expectedMachineCount(objects: KubeObject[], clusterName: string): number {
  const cluster = objects.find((o) => o.kind === 'Cluster' && o.metadata.name === clusterName);
  const spec = (cluster?.spec ?? {}) as {
    controlPlaneRef?: { kind?: string; name?: string };
    topology?: {
      controlPlane?: { replicas?: number };
      workers?: { machineDeployments?: { replicas?: number }[] };
    };
  };
  const num = (v: unknown, fallback: number) => (v === undefined || v === null ? fallback : Number(v) || 0);
  if (spec.topology) {
    return (
      num(spec.topology.controlPlane?.replicas, 1) +
      (spec.topology.workers?.machineDeployments ?? []).reduce((n, md) => n + num(md.replicas, 1), 0)
    );
  }
  let count = 0;
  const ref = spec.controlPlaneRef;
  const cp = ref ? objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name) : undefined;
  if (cp) count += num((cp.spec as { replicas?: unknown } | undefined)?.replicas, 0);
  for (const md of objects) {
    if (md.kind !== 'MachineDeployment') continue;
    const mdSpec = (md.spec ?? {}) as { clusterName?: string; replicas?: unknown };
    if (mdSpec.clusterName === clusterName) count += num(mdSpec.replicas, 1);
  }
  return count;
}
