/**
 * `clusterctl create management-cluster NAME` (alias `bootstrap`): the Cluster API quick start
 * and pivot as one resumable operation. A temporary kind cluster (or an existing cluster) is
 * initialised, a workload cluster is created on it and awaited, its kubeconfig is written, the
 * same providers are installed on it, every Cluster API object is moved to it (the move checks
 * the result on both clusters), the providers are checked, and the temporary cluster is deleted:
 * the new cluster then manages itself.
 *
 * The caller's types are in types.ts; the steps are in steps.ts, run by the resumable runner (runner.ts) with the state of state.ts;
 * a failure names what was left behind and how to continue or clean up (leftovers.ts).
 */
import { ClusterctlError } from '../../errors.js';
import type { KubeClient, Reporter } from '../ports.js';
import { sleep as cancellableSleep } from '../sleep.js';
import { withLeftovers } from './leftovers.js';
import { requireKindTools, validateOptions } from './preflight.js';
import { runResumableSteps, type StepReport } from './runner.js';
import { bootstrapSteps, type BootstrapState, type BootstrapStep } from './state.js';
import { stepFunctions, stepTitles, type StepContext } from './steps.js';
import type { BootstrapDeps, BootstrapOptions, BootstrapResult } from './types.js';

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

/** The flags that define the result: a re-run with other ones is refused (loadEarlierRun). */
function fingerprintOf(options: BootstrapOptions): Record<string, unknown> {
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
function sameFingerprint(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
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
