/**
 * `clusterctl alpha rollout restart|pause|resume kind/name...`: the Go tool's effects on
 * MachineDeployments and KubeadmControlPlanes (cluster.x-k8s.io v1beta2):
 *
 * - pause: a MachineDeployment gets `spec.paused: true`, a KubeadmControlPlane the
 *   `cluster.x-k8s.io/paused: "true"` annotation; already paused is an error;
 * - resume: undoes it (`spec.paused: false`, the annotation removed); not paused is an error;
 * - restart: sets `spec.rollout.after` to now (RFC 3339, whole seconds), which makes the controller
 *   replace every machine; refused for a paused object or one whose `rollout.after` is in the future.
 *
 * Arguments are `kind/name` (kind case-insensitive, singular); the objects are handled in order and
 * the first failure stops the command, as in the Go tool. Nothing is printed on success.
 */
import { ClusterctlError } from '../errors.js';
import type { KubeObject, ObjectRef } from '../types.js';
import type { KubeClient } from './ports.js';

export type RolloutAction = 'restart' | 'pause' | 'resume';

export const rolloutResourceTypes = ['machinedeployment', 'kubeadmcontrolplane'] as const;
export type RolloutResourceType = (typeof rolloutResourceTypes)[number];

export const pausedAnnotation = 'cluster.x-k8s.io/paused';

const kinds: Record<RolloutResourceType, { apiVersion: string; kind: string }> = {
  machinedeployment: { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachineDeployment' },
  kubeadmcontrolplane: { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane' },
};

export interface RolloutOptions {
  action: RolloutAction;
  /** `kind/name` arguments. */
  resources: readonly string[];
  /** `-n`; default the kubeconfig context's namespace. */
  namespace?: string | undefined;
  /** The time written to `spec.rollout.after` by restart (default now). */
  now?: Date | undefined;
}

export interface RolloutTarget {
  /** The argument's type, lower-cased (e.g. `machinedeployment`). */
  type: string;
  name: string;
  namespace: string;
}

export interface RolloutResult {
  /** The objects changed, in order. */
  changed: ObjectRef[];
}

const validList = `[${rolloutResourceTypes.join(' ')}]`;
const usageHint = 'Name each object as kind/name, e.g. machinedeployment/my-md-0 or kubeadmcontrolplane/my-kcp.';

/** Parses the `kind/name` arguments as clusterctl does (its messages, in its order). */
export function parseRolloutTargets(resources: readonly string[], namespace: string): RolloutTarget[] {
  if (resources.length === 0) {
    throw new ClusterctlError('INVALID_ARGUMENT', 'required resource not specified', { hint: usageHint });
  }
  const withSlash = resources.filter((r) => r.includes('/')).length;
  if (withSlash === 0) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      'arguments must be in resource/name format (e.g. machinedeployment/md-1)',
      { hint: usageHint },
    );
  }
  if (withSlash !== resources.length) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'clusterctl get resource/<resource_name>' instead of 'clusterctl get resource resource/<resource_name>'",
      { hint: usageHint },
    );
  }
  return resources.map((arg) => {
    const parts = arg.toLowerCase().split('/');
    if (parts.length !== 2) {
      throw new ClusterctlError(
        'INVALID_ARGUMENT',
        'arguments in resource/name form may not have more than one slash',
        {
          hint: usageHint,
        },
      );
    }
    const [type = '', name = ''] = parts;
    if (type === '' || name === '') {
      throw new ClusterctlError(
        'INVALID_ARGUMENT',
        'arguments in resource/name form must have a single resource and name',
        { hint: usageHint },
      );
    }
    return { type, name, namespace };
  });
}

function invalidType(action: RolloutAction, type: string): ClusterctlError {
  const message =
    action === 'restart'
      ? `Invalid resource type ${type}. Valid values: ${validList}`
      : `${action === 'pause' ? 'Invalid' : 'invalid'} resource type ${JSON.stringify(type)}, valid values are ${validList}`;
  return new ClusterctlError('INVALID_ARGUMENT', message, {
    hint: 'Only MachineDeployments and KubeadmControlPlanes can be rolled out, paused or resumed.',
  });
}

async function fetchTarget(client: KubeClient, target: RolloutTarget, ref: ObjectRef): Promise<KubeObject> {
  const obj = await client.get(ref);
  if (obj) return obj;
  throw new ClusterctlError(
    'NOT_FOUND',
    `failed to fetch ${target.type}/${target.name}: failed to get ${ref.kind} ${target.namespace}/${target.name}: ${ref.kind.toLowerCase()}s.${ref.apiVersion.split('/')[0]} "${target.name}" not found`,
    { hint: `Check the name and the namespace (-n); list them with: kubectl get ${ref.kind.toLowerCase()}s -A` },
  );
}

function isPaused(type: RolloutResourceType, obj: KubeObject): boolean {
  if (type === 'machinedeployment') return (obj.spec as { paused?: boolean } | undefined)?.paused === true;
  // clusterctl checks that the annotation is there, whatever its value
  return Object.hasOwn(obj.metadata.annotations ?? {}, pausedAnnotation);
}

function rolloutAfter(obj: KubeObject): Date | undefined {
  const after = (obj.spec as { rollout?: { after?: string } } | undefined)?.rollout?.after;
  return after ? new Date(after) : undefined;
}

/** Go's time.RFC3339 in UTC for a whole-second time. */
function rfc3339(time: Date): string {
  return `${time.toISOString().slice(0, 19)}Z`;
}

function stateError(message: string, hint: string): ClusterctlError {
  return new ClusterctlError('CONFLICT', message, { hint });
}

async function rolloutOne(
  client: KubeClient,
  action: RolloutAction,
  target: RolloutTarget,
  now: Date,
): Promise<ObjectRef> {
  if (!(rolloutResourceTypes as readonly string[]).includes(target.type)) throw invalidType(action, target.type);
  const type = target.type as RolloutResourceType;
  const ref: ObjectRef = { ...kinds[type], name: target.name, namespace: target.namespace };
  const obj = await fetchTarget(client, target, ref);
  const paused = isPaused(type, obj);
  const label = `${type}/${target.name}`;
  const kind = ref.kind;
  const resumeCommand = `clusterctl alpha rollout resume ${label} -n ${target.namespace}`;
  switch (action) {
    case 'pause':
      if (paused) throw stateError(`${kind} is already paused: ${label}`, `Resume it with: ${resumeCommand}`);
      await (type === 'machinedeployment'
        ? client.patch(ref, { spec: { paused: true } }, 'merge')
        : client.patch(ref, { metadata: { annotations: { [pausedAnnotation]: 'true' } } }, 'merge'));
      break;
    case 'resume':
      if (!paused) {
        throw stateError(`${kind} is not currently paused: ${label}`, 'Nothing to resume; pause it first if needed.');
      }
      await (type === 'machinedeployment'
        ? client.patch(ref, { spec: { paused: false } }, 'merge')
        : client.patch(
            ref,
            [{ op: 'remove', path: `/metadata/annotations/${pausedAnnotation.replaceAll('/', '~1')}` }],
            'json',
          ));
      break;
    case 'restart': {
      if (paused) {
        throw stateError(
          type === 'machinedeployment'
            ? `can't restart paused MachineDeployment (run rollout resume first): ${label}`
            : `can't restart paused KubeadmControlPlane (remove annotation '${pausedAnnotation}' first): ${label}`,
          `Resume it first: ${resumeCommand}`,
        );
      }
      const after = rolloutAfter(obj);
      if (after !== undefined && after.getTime() > now.getTime()) {
        throw stateError(
          `can't update ${kind} (remove 'spec.rollout.after' first): ${label}`,
          `A rollout is already scheduled for ${after.toISOString()}; remove spec.rollout.after (kubectl edit) to restart now.`,
        );
      }
      await client.patch(ref, { spec: { rollout: { after: rfc3339(now) } } }, 'merge');
      break;
    }
  }
  return ref;
}

/** Runs one rollout action on each `kind/name`, in order; the first failure stops it. */
export async function rollout(deps: { client: KubeClient }, options: RolloutOptions): Promise<RolloutResult> {
  const namespace = options.namespace || deps.client.currentNamespace;
  const targets = parseRolloutTargets(options.resources, namespace);
  const changed: ObjectRef[] = [];
  for (const target of targets) {
    try {
      changed.push(await rolloutOne(deps.client, options.action, target, options.now ?? new Date()));
    } catch (error) {
      if (error instanceof ClusterctlError && changed.length > 0) {
        throw error.withContext(
          `${changed.length} object(s) were changed before this failure (${changed.map((r) => `${r.kind.toLowerCase()}/${r.name}`).join(', ')})`,
        );
      }
      throw error;
    }
  }
  return { changed };
}
