/**
 * The steps of `create management-cluster`, one function each. A step reads and writes the run's
 * state (saved by the runner around it) and reaches the clusters through the context.
 */
import { AggregateClusterctlError, ClusterctlError } from '../../errors.js';
import { describeRef, type KubeObject, type ProviderType } from '../../types.js';
import { listInstalledProviders } from '../cluster/inventory.js';
import { formatDuration } from '../format.js';
import { getKubeconfig } from '../get-kubeconfig.js';
import type { InitOptions } from '../init.js';
import type { MoveResult } from '../move/index.js';
import type { KubeClient, Reporter, Task } from '../ports.js';
import type { BootstrapDeps, BootstrapOptions } from './types.js';
import { expectedMachineCount, provisioningGap } from './provisioning.js';
import type { BootstrapState, BootstrapStep, MovedObject, RecordedProvider } from './state.js';

/** What every step may use: the run's inputs, its state and the two clusters (connected on first use). */
export interface StepContext {
  deps: BootstrapDeps;
  options: BootstrapOptions;
  state: BootstrapState;
  kindName: string;
  now: () => number;
  /** The bootstrap cluster. */
  source: () => Promise<KubeClient>;
  /** The new management cluster (through the kubeconfig written by get-kubeconfig). */
  target: () => Promise<KubeClient>;
  /** Waits, then stops with INTERRUPTED when the user interrupted. */
  pause: (ms: number) => Promise<void>;
  save: () => Promise<void>;
}

/** The runner's per-step handles: a reporter for nested operations, the step's task and label. */
export interface StepProgress {
  reporter: Reporter;
  task: Task;
  label: string;
}

export type StepFunction = (ctx: StepContext, progress: StepProgress) => Promise<void>;

export function stepTitles(state: BootstrapState, kindName: string): Record<BootstrapStep, string> {
  const { namespace, clusterName: name } = state;
  return {
    'create-bootstrap-cluster': `Creating the bootstrap cluster (kind cluster ${kindName})`,
    'init-bootstrap-cluster': 'Installing the providers on the bootstrap cluster',
    'apply-cluster': `Creating the workload cluster ${namespace}/${name}`,
    'wait-provisioned': `Waiting for the workload cluster ${namespace}/${name} to be provisioned`,
    'get-kubeconfig': `Writing the kubeconfig of ${name} to ${state.kubeconfigOut}`,
    'init-workload-cluster': `Installing the same providers on ${name}`,
    move: `Moving the Cluster API objects to ${name} (checked on both clusters)`,
    verify: `Checking that ${name} runs every provider of the bootstrap cluster`,
    'delete-bootstrap-cluster': `Deleting the bootstrap cluster (kind cluster ${kindName})`,
  };
}

/** Creates the kind cluster, or (resumed) waits for the one the interrupted run was creating. */
async function createBootstrapCluster(ctx: StepContext): Promise<void> {
  const { deps, options, state, kindName } = ctx;
  if ((await deps.kind.listClusters()).includes(kindName)) {
    // Ours (a foreign one is refused before the state is written), from the interrupted run:
    // kind may still be finishing it.
    await waitForKindKubeconfig(ctx);
    return;
  }
  try {
    await deps.kind.createCluster({
      name: kindName,
      kubeconfigPath: state.bootstrap.kubeconfigPath,
      config: options.kindConfig,
      image: options.kindImage,
      waitMs: options.kindWaitMs ?? 300_000,
      signal: deps.signal,
    });
  } catch (error) {
    // kind removes a cluster it failed to create, but not one it was stopped in the middle of
    // creating: remove that half-made cluster so that the re-run starts clean.
    if (error instanceof ClusterctlError && error.code === 'INTERRUPTED')
      await deps.kind.deleteCluster(kindName, state.bootstrap.kubeconfigPath).catch(() => undefined);
    throw error;
  }
}

async function waitForKindKubeconfig(ctx: StepContext): Promise<void> {
  const { deps, options, state, kindName, now } = ctx;
  const deadline = now() + Math.max(options.kindWaitMs ?? 0, 60_000);
  for (;;) {
    try {
      await deps.writeKubeconfig(state.bootstrap.kubeconfigPath, await deps.kind.getKubeconfig(kindName));
      return;
    } catch (error) {
      if (now() > deadline) {
        throw new ClusterctlError(
          'CONFLICT',
          `the kind cluster "${kindName}" from the interrupted run exists but gives no kubeconfig`,
          { hint: `Delete it (kind delete cluster --name ${kindName}) and re-run the same command.`, cause: error },
        );
      }
      await ctx.pause(1000);
    }
  }
}

async function recordProviders(client: KubeClient): Promise<RecordedProvider[]> {
  return (await listInstalledProviders(client)).map((p) => ({
    providerName: p.providerName,
    type: p.type,
    version: p.version,
    namespace: p.namespace,
  }));
}

async function initBootstrapCluster(ctx: StepContext, { reporter }: StepProgress): Promise<void> {
  const { deps, options } = ctx;
  const client = await ctx.source();
  await deps.init(client, { ...options.providers, ...initSettings(options) }, reporter, deps.signal);
  ctx.state.providers = await recordProviders(client);
}

function initSettings(options: BootstrapOptions): Partial<InitOptions> {
  return {
    targetNamespace: options.providerNamespace,
    waitProviders: options.waitProviders,
    waitProviderTimeoutMs: options.waitProviderTimeoutMs,
  };
}

/** The installed infrastructure provider whose template makes the workload cluster: the one asked for (-i), else the first. */
function chosenInfrastructure(state: BootstrapState, options: BootstrapOptions): RecordedProvider {
  const installed = state.providers?.filter((p) => p.type === 'InfrastructureProvider') ?? [];
  const requested = options.providers.infrastructure?.[0]?.split(',')[0]?.trim().split(':')[0];
  const provider = installed.find((p) => p.providerName === requested) ?? installed[0];
  if (!provider) {
    throw new ClusterctlError('NOT_FOUND', 'no infrastructure provider is installed on the bootstrap cluster', {
      hint: 'Pass -i/--infrastructure NAME.',
    });
  }
  return provider;
}

async function applyCluster(ctx: StepContext, { task, label }: StepProgress): Promise<void> {
  const { deps, options, state } = ctx;
  const { clusterName, namespace } = state;
  const client = await ctx.source();
  const provider = chosenInfrastructure(state, options);
  const objects = await deps.generate(client, {
    clusterName,
    namespace,
    infrastructure: `${provider.providerName}:${provider.version}`,
    flavor: options.flavor,
    kubernetesVersion: options.kubernetesVersion,
    controlPlaneMachineCount: options.controlPlaneMachineCount,
    workerMachineCount: options.workerMachineCount,
  });
  if (!(await client.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace }))) {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  }
  let applied = 0;
  // ClusterClasses and templates before the Cluster that refers to them, as in the template.
  for (const obj of objects) {
    try {
      await client.apply(obj, { fieldManager: 'clusterctl', force: true });
    } catch (error) {
      throw error instanceof ClusterctlError ? error.withContext(`failed to apply ${describeObject(obj)}`) : error;
    }
    task.update(`${label} (${++applied}/${objects.length} objects)`);
  }
  state.expectedMachines = expectedMachineCount(objects, clusterName);
}

function describeObject(obj: KubeObject): string {
  return describeRef({
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace,
  });
}

async function waitProvisioned(ctx: StepContext, { task, label }: StepProgress): Promise<void> {
  const { options, state, now } = ctx;
  const client = await ctx.source();
  const timeoutMs = options.waitTimeoutMs ?? 30 * 60_000;
  const deadline = now() + timeoutMs;
  for (;;) {
    const gap = await provisioningGap(client, state.namespace, state.clusterName, state.expectedMachines ?? 0);
    if (!gap) return;
    task.update(`${label}: waiting for ${gap.waitingFor}`);
    if (now() >= deadline) {
      throw new ClusterctlError(
        'TIMEOUT',
        `timed out after ${formatDuration(timeoutMs)} waiting for the workload cluster to be provisioned: ${gap.message}`,
        { hint: `${gap.hint} To wait longer, re-run with a larger --wait-timeout.` },
      );
    }
    await ctx.pause(Math.min(options.pollIntervalMs ?? 2000, Math.max(0, deadline - now())));
  }
}

async function writeWorkloadKubeconfig(ctx: StepContext): Promise<void> {
  const { state } = ctx;
  const text = await getKubeconfig(
    { client: await ctx.source() },
    { clusterName: state.clusterName, namespace: state.namespace },
  );
  await ctx.deps.writeKubeconfig(state.kubeconfigOut, text);
}

/** The init flags that install exactly the recorded providers (none of a type: `-`). */
function providerFlagsFor(providers: readonly RecordedProvider[]): InitOptions {
  const by = (type: ProviderType) =>
    providers.filter((p) => p.type === type).map((p) => `${p.providerName}:${p.version}`);
  const orNone = (list: string[]) => (list.length ? list : ['-']);
  return {
    core: by('CoreProvider'),
    bootstrap: orNone(by('BootstrapProvider')),
    controlPlane: orNone(by('ControlPlaneProvider')),
    infrastructure: by('InfrastructureProvider'),
    ipam: by('IPAMProvider'),
    runtimeExtension: by('RuntimeExtensionProvider'),
    addon: by('AddonProvider'),
  };
}

async function initWorkloadCluster(ctx: StepContext, { reporter }: StepProgress): Promise<void> {
  const { deps, options, state } = ctx;
  if (!state.providers?.length) state.providers = await recordProviders(await ctx.source());
  const flags = { ...providerFlagsFor(state.providers), ...initSettings(options) };
  try {
    await deps.init(await ctx.target(), flags, reporter, deps.signal);
  } catch (error) {
    // Name the cluster: init's own messages speak of "the management cluster".
    const context = `installing the providers on the new cluster ${state.clusterName} (kubeconfig ${state.kubeconfigOut})`;
    throw error instanceof ClusterctlError ? error.withContext(context) : error;
  }
}

/** What a move result says it moved (every object of every group), for the state and the report. */
export function movedObjectsOf(result: MoveResult): MovedObject[] {
  return result.plan.groups.flat().map((o) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    namespace: o.global ? undefined : o.namespace,
    deleteFromSource: o.deleteFromSource,
  }));
}

/**
 * `clusterctl move` of the namespace. The move checks its own result before it returns (every
 * planned object on the target, none of those it deletes left on the source), so this step does
 * not list or read the objects again.
 */
async function moveObjects(ctx: StepContext, { reporter }: StepProgress): Promise<void> {
  const { deps, state } = ctx;
  let result: MoveResult;
  try {
    result = await deps.moveObjects(await ctx.source(), await ctx.target(), state.namespace, reporter, deps.signal);
  } catch (error) {
    throw withoutMoveFlags(error);
  }
  const moved = movedObjectsOf(result);
  // A resumed move that had already finished reports nothing new: keep the first answer.
  if (moved.length > 0 || !state.moved) state.moved = moved;
}

/**
 * A failed move's hint speaks to `clusterctl move` users ("re-run the same command, or add
 * --rollback"), a flag this command does not have: that sentence is dropped; the runner adds how to
 * continue, and the clean-up starts with the equivalent `clusterctl move --rollback` (leftovers.ts).
 */
function withoutMoveFlags(error: unknown): unknown {
  if (!(error instanceof ClusterctlError) || !error.hint?.includes('--rollback')) return error;
  const hint = error.hint
    .split(/(?<=\.)\s+/)
    .filter((sentence) => !sentence.includes('--rollback'))
    .join(' ');
  return new ClusterctlError(error.code, error.message, {
    hint: hint || undefined,
    reason: error.reason,
    cause: error,
    exitCode: error.exitCode,
  });
}

/** The new management cluster runs every provider the bootstrap cluster ran. */
async function verifyProviders(ctx: StepContext): Promise<void> {
  const { state } = ctx;
  const installed = await listInstalledProviders(await ctx.target());
  const problems = (state.providers ?? [])
    .filter((p) => !installed.some((t) => t.providerName === p.providerName && t.type === p.type))
    .map(
      (p) =>
        new ClusterctlError(
          'NOT_FOUND',
          `provider ${p.providerName} (${p.type}) is missing on the new management cluster`,
        ),
    );
  if (problems.length > 0) {
    throw new AggregateClusterctlError('the move is incomplete', problems, {
      hint: `Compare with "clusterctl move --dry-run" on both clusters; the bootstrap cluster is kept (${state.bootstrap.kubeconfigPath}).`,
    });
  }
}

async function deleteBootstrapCluster(ctx: StepContext): Promise<void> {
  await ctx.deps.kind.deleteCluster(ctx.kindName, ctx.state.bootstrap.kubeconfigPath);
}

export const stepFunctions: Record<BootstrapStep, StepFunction> = {
  'create-bootstrap-cluster': createBootstrapCluster,
  'init-bootstrap-cluster': initBootstrapCluster,
  'apply-cluster': applyCluster,
  'wait-provisioned': waitProvisioned,
  'get-kubeconfig': writeWorkloadKubeconfig,
  'init-workload-cluster': initWorkloadCluster,
  move: moveObjects,
  verify: verifyProviders,
  'delete-bootstrap-cluster': deleteBootstrapCluster,
};
