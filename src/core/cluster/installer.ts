/**
 * Applies provider components to a cluster: in tiers (Namespaces, CRDs — awaited until
 * Established —, configuration and RBAC, workloads and the rest, custom resources last), with
 * bounded parallelism inside a tier. Objects are applied with server-side apply under the
 * `clusterctl` field manager, so an identical re-run changes nothing.
 */
import { ClusterctlError, wrapError } from '../../errors.js';
import { describeRef, refOf, type KubeObject } from '../../types.js';
import { mapWithConcurrency } from '../pool.js';
import type { KubeClient } from '../ports.js';
import { waitForCrdEstablished } from './inventory.js';

const tierOfKind: Record<string, number> = {
  Namespace: 0,
  CustomResourceDefinition: 1,
  StorageClass: 2,
  PersistentVolume: 2,
  PersistentVolumeClaim: 2,
  Secret: 2,
  ConfigMap: 2,
  ServiceAccount: 2,
  LimitRange: 2,
  ResourceQuota: 2,
  PriorityClass: 2,
  ClusterRole: 2,
  Role: 2,
  ClusterRoleBinding: 3,
  RoleBinding: 3,
  Service: 3,
  Deployment: 3,
  DaemonSet: 3,
  StatefulSet: 3,
  ReplicaSet: 3,
  Pod: 3,
  Job: 3,
  CronJob: 3,
  PodDisruptionBudget: 3,
  NetworkPolicy: 3,
  ValidatingWebhookConfiguration: 3,
  MutatingWebhookConfiguration: 3,
  ValidatingAdmissionPolicy: 3,
  ValidatingAdmissionPolicyBinding: 3,
  APIService: 3,
};
const customResourceTier = 4;

export function tierOf(obj: KubeObject): number {
  return tierOfKind[obj.kind] ?? customResourceTier;
}

/** Groups objects into apply tiers, keeping the input order inside a tier. */
export function planApplyTiers(objects: readonly KubeObject[]): KubeObject[][] {
  const tiers: KubeObject[][] = [];
  for (const obj of objects) (tiers[tierOf(obj)] ??= []).push(obj);
  return tiers.filter((t) => t.length > 0);
}

export interface ApplyComponentsOptions {
  concurrency?: number;
  signal?: AbortSignal;
  fieldManager?: string;
  onProgress?: (applied: number, total: number, last: KubeObject) => void;
}

export interface ApplyResult {
  applied: number;
}

export async function applyComponents(
  client: KubeClient,
  objects: readonly KubeObject[],
  options: ApplyComponentsOptions = {},
): Promise<ApplyResult> {
  const total = objects.length;
  let applied = 0;
  for (const tier of planApplyTiers(objects)) {
    await mapWithConcurrency(
      tier,
      options.concurrency ?? 8,
      async (obj) => {
        try {
          await client.apply(obj, { force: true, fieldManager: options.fieldManager ?? 'clusterctl' });
        } catch (error) {
          const ref = describeRef(refOf(obj));
          if (error instanceof ClusterctlError && error.message.includes(ref)) throw error;
          throw wrapError(error, `failed to apply ${ref}`);
        }
        applied++;
        options.onProgress?.(applied, total, obj);
      },
      options.signal,
    );
    if (tier[0]?.kind === 'CustomResourceDefinition') {
      await mapWithConcurrency(
        tier,
        options.concurrency ?? 8,
        (crd) => waitForCrdEstablished(client, crd.metadata.name ?? ''),
        options.signal,
      );
    }
  }
  return { applied };
}

interface DeploymentStatus {
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

/**
 * Waits until every Deployment of the given objects that runs a `manager` container is
 * Available=True. Calls `onWaiting` with the names still waited for.
 */
export async function waitForDeployments(
  client: KubeClient,
  objects: readonly KubeObject[],
  options: { timeoutMs: number; pollMs?: number; signal?: AbortSignal; onWaiting?: (pending: string[]) => void },
): Promise<void> {
  const deployments = objects.filter((o) => {
    if (o.kind !== 'Deployment') return false;
    const containers =
      (o.spec as { template?: { spec?: { containers?: { name: string }[] } } } | undefined)?.template?.spec
        ?.containers ?? [];
    return containers.some((c) => c.name === 'manager');
  });
  const deadline = Date.now() + options.timeoutMs;
  let pending = deployments.map((d) => refOf(d));
  while (pending.length > 0) {
    options.signal?.throwIfAborted();
    const still: typeof pending = [];
    for (const ref of pending) {
      const current = await client.get(ref);
      const conditions = (current?.status as DeploymentStatus | undefined)?.conditions ?? [];
      if (!conditions.some((c) => c.type === 'Available' && c.status === 'True')) still.push(ref);
    }
    pending = still;
    if (pending.length === 0) return;
    options.onWaiting?.(pending.map((r) => `${r.namespace}/${r.name}`));
    if (Date.now() > deadline) {
      throw new ClusterctlError(
        'TIMEOUT',
        `timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for the Deployment(s) ${pending.map((r) => `${r.namespace}/${r.name}`).join(', ')} to become Available`,
        { hint: 'Check the controller pods (kubectl get pods -n <namespace>), or raise --wait-provider-timeout.' },
      );
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
  }
}
