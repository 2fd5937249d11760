/**
 * Applies provider components to a cluster: in tiers (Namespaces, CRDs — awaited until
 * Established, or only by the caller at its end with deferCrdWait —, configuration and RBAC, workloads and the rest, custom resources last), with
 * bounded parallelism inside a tier. A fresh install creates the objects (as the Go tool does);
 * existing ones are server-side applied under the `clusterctl` field manager, so an identical
 * re-run changes nothing.
 */
import { ClusterctlError, wrapError } from '../../errors.js';
import { describeRef, refOf, type KubeObject, type ObjectRef } from '../../types.js';
import { mapWithConcurrency } from '../pool.js';
import type { KubeClient } from '../ports.js';
import { adoptUpdateOwnership } from './field-ownership.js';
import { waitForCrdEstablished } from './inventory.js';
import { sleep } from '../sleep.js';

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

function tierOf(obj: KubeObject): number {
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
  /**
   * When an existing object cannot take the new definition because a field is immutable (a
   * Deployment selector, a Service clusterIP), delete it and create it anew. Upgrades do this
   * (the Go tool deletes every old object before installing); init reports the conflict instead.
   */
  recreateImmutable?: boolean;
  onRecreate?: (obj: KubeObject) => void;
  /**
   * Do not wait for the applied CRDs to be Established unless a later object of this call is one
   * of their kinds; the caller waits for `ApplyResult.crds` once, after its last apply (init: the
   * waits of the four providers overlap with the next installs instead of adding up).
   */
  deferCrdWait?: boolean;
  /**
   * Create each object (POST) and fall back to server-side apply only for those that exist. A
   * fresh install then leaves what the Go tool leaves (field manager `clusterctl`, operation
   * Update) and costs the API server less than an apply, which merges every field of large CRDs;
   * a re-run after an interrupted install still converges, through the apply.
   */
  createNew?: boolean;
}

export interface ApplyResult {
  applied: number;
  /** Names of the CustomResourceDefinitions applied. */
  crds: string[];
}

/** Waits until all these CRDs are Established (concurrently). */
export async function waitForCrdsEstablished(
  client: KubeClient,
  names: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  await mapWithConcurrency(names, 8, (name) => waitForCrdEstablished(client, name, undefined, signal), signal);
}

/** The group/kind an object of this CRD has. */
function crdKind(crd: KubeObject): string {
  const spec = crd.spec as { group?: string; names?: { kind?: string } } | undefined;
  return `${spec?.group ?? ''}/${spec?.names?.kind ?? ''}`;
}

function groupKind(obj: KubeObject): string {
  const slash = obj.apiVersion.indexOf('/');
  return `${slash < 0 ? '' : obj.apiVersion.slice(0, slash)}/${obj.kind}`;
}

/**
 * One object of a manifest: created when asked and absent; else server-side applied, after our
 * manager's Update entry (a create by us or by the Go tool) was turned into its Apply entry, so the
 * apply also removes the fields the new manifest dropped (field-ownership.ts).
 */
async function writeComponent(client: KubeClient, obj: KubeObject, fieldManager: string, create: boolean) {
  if (create) {
    try {
      await client.create(obj, { fieldManager });
      return;
    } catch (error) {
      if (!(error instanceof ClusterctlError && error.reason === 'AlreadyExists')) throw error;
    }
  }
  const current = await client.get(refOf(obj));
  const adopted = current && adoptUpdateOwnership(current.metadata.managedFields, fieldManager);
  if (adopted) await client.patch(refOf(obj), { metadata: { managedFields: adopted } }, 'merge', { fieldManager });
  await client.apply(obj, { force: true, fieldManager });
}

export async function applyComponents(
  client: KubeClient,
  objects: readonly KubeObject[],
  options: ApplyComponentsOptions = {},
): Promise<ApplyResult> {
  const total = objects.length;
  let applied = 0;
  const crds: string[] = [];
  const tiers = planApplyTiers(objects);
  for (const [index, tier] of tiers.entries()) {
    await mapWithConcurrency(
      tier,
      options.concurrency ?? 8,
      async (obj) => {
        const fieldManager = options.fieldManager ?? 'clusterctl';
        try {
          try {
            await writeComponent(client, obj, fieldManager, options.createNew === true);
          } catch (error) {
            if (!(options.recreateImmutable && error instanceof ClusterctlError && error.code === 'IMMUTABLE_FIELD'))
              throw error;
            options.onRecreate?.(obj);
            await deleteAndWait(client, refOf(obj), options.signal);
            await client.apply(obj, { force: true, fieldManager });
          }
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
      crds.push(...tier.map((crd) => crd.metadata.name ?? ''));
      const usedLater = new Set(tiers.slice(index + 1).flatMap((t) => t.map(groupKind)));
      const wait = options.deferCrdWait ? tier.filter((crd) => usedLater.has(crdKind(crd))) : tier;
      await waitForCrdsEstablished(
        client,
        wait.map((crd) => crd.metadata.name ?? ''),
        options.signal,
      );
    }
  }
  return { applied, crds };
}

/** Kinds with fields the API server never lets an update change (selectors, clusterIP, roleRef, ...). */
const kindsWithImmutableFields = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'Service',
  'PersistentVolumeClaim',
  'RoleBinding',
  'ClusterRoleBinding',
]);

/**
 * Server-side dry-run of the objects whose existing copy could refuse the new definition, so a
 * conflict is found before anything is written. Returns one IMMUTABLE_FIELD error per object
 * that exists with an immutable field set differently; other dry-run failures (a namespace that
 * does not exist yet, a kind not served yet) are left for the real apply.
 */
export async function findImmutableConflicts(
  client: KubeClient,
  objects: readonly KubeObject[],
  options: { fieldManager?: string; concurrency?: number } = {},
): Promise<{ ref: ObjectRef; error: ClusterctlError }[]> {
  const candidates = objects.filter((o) => kindsWithImmutableFields.has(o.kind));
  const namespaces = [...new Set(candidates.map((o) => o.metadata.namespace).filter((n): n is string => !!n))];
  const existing = new Set<string>();
  await mapWithConcurrency(namespaces, options.concurrency ?? 8, async (name) => {
    if (await client.get({ apiVersion: 'v1', kind: 'Namespace', name })) existing.add(name);
  });
  const conflicts: { ref: ObjectRef; error: ClusterctlError }[] = [];
  await mapWithConcurrency(
    candidates.filter((o) => !o.metadata.namespace || existing.has(o.metadata.namespace)),
    options.concurrency ?? 8,
    async (obj) => {
      try {
        // Only an existing object can conflict; a GET is far cheaper than a dry-run apply.
        if (!(await client.get(refOf(obj)))) return;
        await client.apply(obj, { force: true, dryRun: true, fieldManager: options.fieldManager ?? 'clusterctl' });
      } catch (error) {
        if (error instanceof ClusterctlError && error.code === 'IMMUTABLE_FIELD')
          conflicts.push({ ref: refOf(obj), error });
      }
    },
  );
  return conflicts;
}

/** The kubectl command that deletes one object (for hints). */
export function kubectlDelete(ref: ObjectRef): string {
  return `kubectl delete ${ref.kind.toLowerCase()} ${ref.namespace ? `-n ${ref.namespace} ` : ''}${ref.name}`;
}

/** Deletes an object and waits (bounded) until the API server no longer has it. */
async function deleteAndWait(
  client: KubeClient,
  ref: ObjectRef,
  signal: AbortSignal | undefined,
  timeoutMs = 60_000,
): Promise<void> {
  await client.delete(ref, { propagationPolicy: 'Background' });
  const deadline = Date.now() + timeoutMs;
  while (await client.get(ref)) {
    if (Date.now() > deadline) {
      throw new ClusterctlError(
        'TIMEOUT',
        `${describeRef(ref)} had to be re-created (an immutable field changed) but was still being deleted after ${timeoutMs / 1000}s`,
        { hint: `Check its finalizers (kubectl get ${ref.kind.toLowerCase()} -o yaml), then re-run the command.` },
      );
    }
    await sleep(100, signal);
  }
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
        {
          hint: `Check the controller pods (kubectl get pods -n ${[...new Set(pending.map((r) => r.namespace))].join(',')}), or raise --wait-provider-timeout.`,
        },
      );
    }
    await sleep(options.pollMs ?? 500, options.signal);
  }
}
