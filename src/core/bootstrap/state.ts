/**
 * What `create management-cluster` records between runs: the steps, which of them finished, the
 * paths and the provider versions. Saved before and after every step (see runner.ts), so a re-run
 * continues with the first unfinished step.
 */
import type { ObjectRef, ProviderType } from '../../types.js';
import type { BootstrapOptions } from './bootstrap.js';

export const bootstrapSteps = [
  'create-bootstrap-cluster',
  'init-bootstrap-cluster',
  'apply-cluster',
  'wait-provisioned',
  'get-kubeconfig',
  'init-workload-cluster',
  'move',
  'verify',
  'delete-bootstrap-cluster',
] as const;
export type BootstrapStep = (typeof bootstrapSteps)[number];

export interface MovedObject extends ObjectRef {
  /** false: the move copies it and leaves the source's (shared or global objects). */
  deleteFromSource: boolean;
}

export interface RecordedProvider {
  providerName: string;
  type: ProviderType;
  version: string;
  namespace: string;
}

/** When each finished step started and how long it took; the one a kill interrupted. */
export interface StepRecord<Step extends string> {
  current?: { step: Step; startedAt: string };
  steps: Partial<Record<Step, { startedAt: string; durationMs: number }>>;
}

export interface BootstrapState extends StepRecord<BootstrapStep> {
  version: 1;
  clusterName: string;
  namespace: string;
  /** The flags that define the result; a re-run with different ones is refused. */
  fingerprint: Record<string, unknown>;
  startedAt: string;
  updatedAt: string;
  completedAt?: string;
  bootstrap: { mode: 'kind' | 'existing'; kindCluster?: string; kubeconfigPath: string; context?: string };
  kubeconfigOut: string;
  /** Providers installed on the bootstrap cluster (recorded after that step). */
  providers?: RecordedProvider[];
  /** Machines the applied template asks for (control plane + workers). */
  expectedMachines?: number;
  /** What the move reported it moved (and verified on both clusters). */
  moved?: MovedObject[];
}

export function fingerprintOf(options: BootstrapOptions): Record<string, unknown> {
  return {
    namespace: options.namespace ?? 'default',
    providers: options.providers,
    providerNamespace: options.providerNamespace,
    flavor: options.flavor,
    kubernetesVersion: options.kubernetesVersion,
    controlPlaneMachineCount: options.controlPlaneMachineCount,
    workerMachineCount: options.workerMachineCount,
    bootstrapKubeconfig: options.bootstrapKubeconfig,
    bootstrapKubeconfigContext: options.bootstrapKubeconfigContext,
  };
}

/** True when two fingerprints say the same, also after a JSON round trip (undefined dropped). */
export function sameFingerprint(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const normalise = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (v === undefined ? undefined : v));
  return normalise(a) === normalise(b);
}

/** The state of a run that starts now. */
export function newState(
  options: BootstrapOptions,
  paths: { kindCluster: string; bootstrapKubeconfigPath: string },
  timestamp: string,
): BootstrapState {
  return {
    version: 1,
    clusterName: options.clusterName,
    namespace: options.namespace || 'default',
    fingerprint: fingerprintOf(options),
    startedAt: timestamp,
    updatedAt: timestamp,
    bootstrap: options.bootstrapKubeconfig
      ? {
          mode: 'existing',
          kubeconfigPath: options.bootstrapKubeconfig,
          ...(options.bootstrapKubeconfigContext ? { context: options.bootstrapKubeconfigContext } : {}),
        }
      : { mode: 'kind', kindCluster: paths.kindCluster, kubeconfigPath: paths.bootstrapKubeconfigPath },
    kubeconfigOut: options.kubeconfigOut,
    steps: {},
  };
}
