/**
 * `clusterctl create management-cluster NAME` (alias `bootstrap`): the Cluster API quick start
 * and pivot as one resumable operation. A temporary kind cluster (or an existing cluster) is
 * initialised, a workload cluster is created on it and awaited, its kubeconfig is written, the
 * same providers are installed on it, every Cluster API object is moved to it (the move checks
 * the result on both clusters), the providers are checked, and the temporary cluster is deleted:
 * the new cluster then manages itself.
 *
 * The steps are in steps.ts, run by the resumable runner (runner.ts) with the state of state.ts;
 * a failure names what was left behind and how to continue or clean up (leftovers.ts).
 */
import { ClusterctlError } from '../../errors.js';
import type { KubeObject, ProviderType } from '../../types.js';
import type { InitOptions, InitResult, ProviderFlags } from '../init.js';
import type { MoveResult } from '../move/index.js';
import type { BootstrapStateStore, KindPort, KubeClient, Reporter } from '../ports.js';
import { sleep as cancellableSleep } from '../sleep.js';
import { withLeftovers } from './leftovers.js';
import { requireKindTools, validateOptions } from './preflight.js';
import { runResumableSteps, type StepReport } from './runner.js';
import {
  bootstrapSteps,
  fingerprintOf,
  newState,
  sameFingerprint,
  type BootstrapState,
  type BootstrapStep,
} from './state.js';
import { stepFunctions, stepTitles, type StepContext } from './steps.js';

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

/** The steps this run has: the kind ones only with kind, the deletion not with --keep-bootstrap. */
function planSteps(options: BootstrapOptions): BootstrapStep[] {
  const useKind = !options.bootstrapKubeconfig;
  return bootstrapSteps.filter((step) => {
    if (step === 'create-bootstrap-cluster') return useKind;
    if (step === 'delete-bootstrap-cluster') return useKind && !options.keepBootstrap;
    return true;
  });
}

export async function bootstrap(deps: BootstrapDeps, options: BootstrapOptions): Promise<BootstrapResult> {
  validateOptions(options);
  const { reporter } = deps;
  const now = deps.now ?? (() => Date.now());
  const name = options.clusterName;
  const kindName = options.kindClusterName ?? `${name}-bootstrap`;
  const statePath = deps.state.location(name);

  const earlier = await loadEarlierRun(deps, options, statePath);
  if (earlier?.completedAt) {
    reporter.info(`Management cluster ${name} was already created on ${earlier.completedAt}; nothing to do.`);
    return resultOf(earlier, statePath, true, []);
  }
  const plan = planSteps(options);
  await preflight(deps, options, plan, earlier, kindName);

  const timestamp = () => new Date(now()).toISOString();
  const state =
    earlier ??
    newState(
      options,
      { kindCluster: kindName, bootstrapKubeconfigPath: deps.state.bootstrapKubeconfigPath(name) },
      timestamp(),
    );
  if (earlier) announceResume(reporter, state, options, plan, statePath);
  const ctx = stepContext(deps, options, state, kindName, now);
  const titles = stepTitles(state, kindName);
  const reports = await runResumableSteps(
    state,
    plan.map((step) => ({
      step,
      title: titles[step],
      run: (reporter, task, label) => stepFunctions[step](ctx, { reporter, task, label }),
    })),
    {
      reporter,
      now,
      save: ctx.save,
      checkAbort: () => checkAbort(deps.signal, state),
      explainFailure: (error, step) => withLeftovers(error, state, step, statePath, plan),
      onFinished: (step) => {
        if (step === 'delete-bootstrap-cluster' || (step === 'verify' && !plan.includes('delete-bootstrap-cluster')))
          state.completedAt = timestamp();
      },
    },
  );
  for (const step of bootstrapSteps)
    if (!plan.includes(step)) reports.push({ step, title: titles[step], status: 'skipped', durationMs: 0 });
  return resultOf(state, statePath, false, reports);
}

/** The state of an earlier run for this cluster name; refused when it was started with other flags. */
async function loadEarlierRun(
  deps: BootstrapDeps,
  options: BootstrapOptions,
  statePath: string,
): Promise<BootstrapState | undefined> {
  const state = await deps.state.load(options.clusterName);
  if (state && !sameFingerprint(state.fingerprint, fingerprintOf(options))) {
    throw new ClusterctlError(
      'CONFLICT',
      `an earlier run for cluster "${options.clusterName}" was started with different flags (state in ${statePath})`,
      {
        hint: `Re-run with the same flags to continue it, or clean up what it created (see ${statePath}) and delete that file to start over.`,
      },
    );
  }
  return state;
}

/** Before anything is created: every tool the remaining steps need, and no foreign kind cluster of our name. */
async function preflight(
  deps: BootstrapDeps,
  options: BootstrapOptions,
  plan: readonly BootstrapStep[],
  earlier: BootstrapState | undefined,
  kindName: string,
): Promise<void> {
  if (options.bootstrapKubeconfig) return;
  const remaining = plan.filter((step) => !earlier?.steps[step]);
  if (remaining.some((s) => s === 'create-bootstrap-cluster' || s === 'delete-bootstrap-cluster'))
    await requireKindTools(options.containerRuntime || 'docker', (tool) => deps.findTool(tool));
  if (!earlier && (await deps.kind.listClusters()).includes(kindName)) {
    throw new ClusterctlError('CONFLICT', `a kind cluster named "${kindName}" already exists`, {
      hint: `It was not created by this command. Delete it (kind delete cluster --name ${kindName}), or pass --bootstrap-kubeconfig to use it as the bootstrap cluster.`,
    });
  }
}

function announceResume(
  reporter: Reporter,
  state: BootstrapState,
  options: BootstrapOptions,
  plan: readonly BootstrapStep[],
  statePath: string,
): void {
  if (state.kubeconfigOut !== options.kubeconfigOut)
    reporter.warn(
      `the kubeconfig goes to ${state.kubeconfigOut}, as in the run being resumed (not ${options.kubeconfigOut})`,
    );
  const done = plan.filter((s) => state.steps[s]);
  reporter.info(
    `Resuming the creation of management cluster ${state.clusterName} (state ${statePath}): ${done.length} of ${plan.length} steps were done${state.current ? `; "${state.current.step}" was interrupted and runs again` : ''}.`,
  );
}

function checkAbort(signal: AbortSignal | undefined, state: BootstrapState): void {
  if (signal?.aborted) {
    throw new ClusterctlError('INTERRUPTED', 'interrupted', {
      hint: `Re-run the same command to continue from "${state.current?.step ?? 'the next step'}".`,
    });
  }
}

/** The clusters are connected lazily: the kind cluster does not exist before its step. */
function stepContext(
  deps: BootstrapDeps,
  options: BootstrapOptions,
  state: BootstrapState,
  kindName: string,
  now: () => number,
): StepContext {
  const sleep = deps.sleep ?? cancellableSleep;
  let bootstrapClient: KubeClient | undefined;
  let workloadClient: KubeClient | undefined;
  return {
    deps,
    options,
    state,
    kindName,
    now,
    source: async () =>
      (bootstrapClient ??= await deps.connect(state.bootstrap.kubeconfigPath, state.bootstrap.context)),
    target: async () => (workloadClient ??= await deps.connect(state.kubeconfigOut)),
    pause: async (ms) => {
      try {
        await sleep(ms, deps.signal);
      } catch (error) {
        checkAbort(deps.signal, state);
        throw error;
      }
      checkAbort(deps.signal, state);
    },
    save: async () => {
      state.updatedAt = new Date(now()).toISOString();
      await deps.state.save(state);
    },
  };
}

function resultOf(
  s: BootstrapState,
  statePath: string,
  alreadyComplete: boolean,
  steps: StepReport<BootstrapStep>[],
): BootstrapResult {
  return {
    clusterName: s.clusterName,
    namespace: s.namespace,
    kubeconfigPath: s.kubeconfigOut,
    statePath,
    bootstrapCluster: {
      mode: s.bootstrap.mode,
      ...(s.bootstrap.kindCluster ? { name: s.bootstrap.kindCluster } : {}),
      kubeconfigPath: s.bootstrap.kubeconfigPath,
      deleted: Boolean(s.steps['delete-bootstrap-cluster']),
    },
    providers: s.providers ?? [],
    steps,
    alreadyComplete,
  };
}
