/**
 * What the caller of `bootstrap()` passes and gets back: the options, the dependencies (ports and
 * the other operations it drives) and the result. Here rather than in bootstrap.ts so that the
 * steps and the checks can take them without importing the file that imports them.
 */
import type { KubeObject, ProviderType } from '../../types.js';
import type { InitOptions, InitResult, ProviderFlags } from '../init.js';
import type { MoveResult } from '../move/index.js';
import type { BootstrapStateStore, KindPort, KubeClient, Reporter } from '../ports.js';
import type { StepReport } from './runner.js';
import type { BootstrapStep } from './state.js';

export interface GenerateRequest {
  clusterName: string;
  namespace: string;
  /** `name:version` of the installed infrastructure provider whose template is used. */
  infrastructure: string;
  flavor?: string | undefined;
  kubernetesVersion?: string | undefined;
  controlPlaneMachineCount?: number | undefined;
  workerMachineCount?: number | undefined;
}

export interface BootstrapDeps {
  reporter: Reporter;
  state: BootstrapStateStore;
  kind: KindPort;
  /** Finds an executable on PATH; undefined when missing. */
  findTool(name: string): Promise<string | undefined>;
  /** A client for a kubeconfig file (optionally one context). */
  connect(kubeconfigPath: string, context?: string): Promise<KubeClient>;
  /** Writes a kubeconfig file, readable by the owner only. */
  writeKubeconfig(path: string, text: string): Promise<void>;
  /** `clusterctl init` on one cluster, wired as the init command wires it. */
  init(client: KubeClient, options: InitOptions, reporter: Reporter, signal?: AbortSignal): Promise<InitResult>;
  /** `clusterctl generate cluster` against the given management cluster: the objects to apply. */
  generate(client: KubeClient, request: GenerateRequest): Promise<KubeObject[]>;
  /** `clusterctl move` of one namespace from source to target (which verifies its result). */
  moveObjects(
    source: KubeClient,
    target: KubeClient,
    namespace: string,
    reporter: Reporter,
    signal?: AbortSignal,
  ): Promise<MoveResult>;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

export interface BootstrapOptions {
  clusterName: string;
  /** Namespace of the workload cluster objects (default `default`). */
  namespace?: string | undefined;
  providers: ProviderFlags;
  /** Namespace for the providers (init -n). */
  providerNamespace?: string | undefined;
  flavor?: string | undefined;
  kubernetesVersion?: string | undefined;
  controlPlaneMachineCount?: number | undefined;
  workerMachineCount?: number | undefined;
  /** An existing cluster to use instead of a kind cluster. */
  bootstrapKubeconfig?: string | undefined;
  bootstrapKubeconfigContext?: string | undefined;
  /** kind Cluster config (YAML). */
  kindConfig?: string | undefined;
  kindImage?: string | undefined;
  /** How long kind waits for its control plane (`kind create cluster --wait`). */
  kindWaitMs?: number;
  /** Name of the kind cluster (default `<name>-bootstrap`). */
  kindClusterName?: string | undefined;
  /** kind's container runtime: docker (default), podman or nerdctl (KIND_EXPERIMENTAL_PROVIDER). */
  containerRuntime?: string | undefined;
  keepBootstrap?: boolean;
  /** Where the new management cluster's kubeconfig is written. */
  kubeconfigOut: string;
  /** How long to wait for the workload cluster to be provisioned (default 30 min). */
  waitTimeoutMs?: number;
  pollIntervalMs?: number;
  waitProviders?: boolean;
  waitProviderTimeoutMs?: number;
}

export interface BootstrapResult {
  clusterName: string;
  namespace: string;
  kubeconfigPath: string;
  statePath: string;
  bootstrapCluster: { mode: 'kind' | 'existing'; name?: string; kubeconfigPath: string; deleted: boolean };
  providers: { providerName: string; type: ProviderType; version: string; namespace: string }[];
  steps: StepReport<BootstrapStep>[];
  /** True when an earlier run had already finished everything. */
  alreadyComplete: boolean;
}
