/**
 * What `create management-cluster` records between runs: the steps, which of them finished, the
 * paths and the provider versions. Saved before and after every step (see runner.ts), so a re-run
 * continues with the first unfinished step.
 *
 * A leaf on purpose (it imports only ../../types.ts): ports.ts takes BootstrapState from here, so
 * anything this file imported would sit in a cycle with every file that imports the ports. What
 * starts a run from its options (newState, the fingerprint) is in bootstrap.ts.
 */
import type { ObjectRef, ProviderType } from '../../types.js';

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
