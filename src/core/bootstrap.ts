/**
 * `clusterctl create management-cluster NAME` (alias `bootstrap`): the Cluster API quick start
 * and pivot as one resumable operation. A temporary kind cluster (or an existing cluster) is
 * initialised, a workload cluster is created on it and awaited, its kubeconfig is written, the
 * same providers are installed on it, every Cluster API object is moved to it, the move is
 * checked, and the temporary cluster is deleted: the new cluster then manages itself.
 *
 * Each step is a Reporter task. The state (which steps finished, the paths, the provider
 * versions) is saved before and after every step, so a re-run after a failure or Ctrl-C
 * continues with the first unfinished step; a failure names what was left behind and how to
 * continue or clean up.
 */
import type { ProviderFlags } from './init.js';
import { AggregateClusterctlError, ClusterctlError } from '../errors.js';
import { describeRef, type KubeObject, type ObjectRef, type ProviderType } from '../types.js';
import { listInstalledProviders, type InstalledProvider } from './cluster/inventory.js';
import { getKubeconfig } from './get-kubeconfig.js';
import type { InitOptions, InitResult } from './init.js';
import { mapWithConcurrency } from './pool.js';
import type { KubeClient, Reporter, Task } from './ports.js';
import { sleep as cancellableSleep } from './sleep.js';

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

// ---------------------------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------------------------

/** The kind CLI (the adapter runs the real `kind` executable). */
export interface KindPort {
  /** `kind get clusters`. */
  listClusters(): Promise<string[]>;
  /** `kind create cluster --name --kubeconfig [--config -] [--image] [--wait]`. */
  createCluster(options: {
    name: string;
    kubeconfigPath: string;
    /** kind Cluster config (YAML), passed on stdin. */
    config?: string | undefined;
    image?: string | undefined;
    waitMs: number;
    signal?: AbortSignal | undefined;
  }): Promise<void>;
  /** `kind get kubeconfig --name`: the admin kubeconfig (a secret: never log it). */
  getKubeconfig(name: string): Promise<string>;
  /** `kind delete cluster --name --kubeconfig` (idempotent). */
  deleteCluster(name: string, kubeconfigPath: string): Promise<void>;
}

export interface MovedObject extends ObjectRef {
  /** false: the move copies it and leaves the source's (shared or global objects). */
  deleteFromSource: boolean;
}

export interface BootstrapState {
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
  providers?: Pick<InstalledProvider, 'providerName' | 'type' | 'version' | 'namespace'>[];
  /** Machines the applied template asks for (control plane + workers). */
  expectedMachines?: number;
  /** The objects to move, listed before the move (for the check after it). */
  moveSnapshot?: ObjectRef[];
  /** What the move reported it moved. */
  moved?: MovedObject[];
  /** The step that started last and has not finished (the one a kill interrupted). */
  current?: { step: BootstrapStep; startedAt: string };
  steps: Partial<Record<BootstrapStep, { startedAt: string; durationMs: number }>>;
}

export interface BootstrapStateStore {
  /** Where the state of this cluster is kept (for messages). */
  location(clusterName: string): string;
  load(clusterName: string): Promise<BootstrapState | undefined>;
  save(state: BootstrapState): Promise<void>;
  /** A private path for the bootstrap cluster's kubeconfig (next to the state). */
  bootstrapKubeconfigPath(clusterName: string): string;
}

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
  /** `clusterctl move` of one namespace from source to target: what it moved. */
  moveObjects(
    source: KubeClient,
    target: KubeClient,
    namespace: string,
    reporter: Reporter,
    signal?: AbortSignal,
  ): Promise<{ objects: MovedObject[] }>;
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

export interface StepReport {
  step: BootstrapStep;
  title: string;
  /** undefined when the step is not part of this run's plan. */
  status: 'done' | 'done-earlier' | 'skipped';
  durationMs: number;
}

export interface BootstrapResult {
  clusterName: string;
  namespace: string;
  kubeconfigPath: string;
  statePath: string;
  bootstrapCluster: { mode: 'kind' | 'existing'; name?: string; kubeconfigPath: string; deleted: boolean };
  providers: { providerName: string; type: ProviderType; version: string; namespace: string }[];
  steps: StepReport[];
  /** True when an earlier run had already finished everything. */
  alreadyComplete: boolean;
}

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

const capiApiVersion = 'cluster.x-k8s.io/v1beta2';

function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s === 0 ? `${m}m` : `${m}m${s}s`;
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

function conditionText(c: Condition | undefined): string {
  if (!c) return 'not reported yet';
  return `${c.status}${c.reason ? `, reason ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`;
}

/**
 * The first thing still missing before the workload cluster counts as provisioned (what move
 * requires too), or undefined when it is. Checked in the order a real cluster comes up.
 */
export async function provisioningGap(
  client: KubeClient,
  namespace: string,
  clusterName: string,
  expectedMachines: number,
): Promise<ProvisioningGap | undefined> {
  const ref = `Cluster ${namespace}/${clusterName}`;
  const cluster = await client.get({ apiVersion: capiApiVersion, kind: 'Cluster', name: clusterName, namespace });
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
  const infraHint =
    'Check the infrastructure provider: its controller logs on the bootstrap cluster, and the infrastructure cluster object (clusterctl describe cluster).';
  if (status.initialization?.infrastructureProvisioned !== true) {
    return {
      waitingFor: 'the infrastructure (status.initialization.infrastructureProvisioned)',
      message: `${ref}: status.initialization.infrastructureProvisioned is not true (condition InfrastructureReady: ${conditionText(cond('InfrastructureReady'))})`,
      hint: infraHint,
    };
  }
  const cpHint =
    'Check the control plane provider: its controller logs on the bootstrap cluster, and the control plane object and its Machines.';
  const cpInitialized = cond('ControlPlaneInitialized');
  if (cpInitialized?.status !== 'True') {
    return {
      waitingFor: 'condition ControlPlaneInitialized',
      message: `${ref}: condition ControlPlaneInitialized is not True (${conditionText(cpInitialized)})`,
      hint: cpHint,
    };
  }
  if ((cluster.spec as { controlPlaneRef?: unknown } | undefined)?.controlPlaneRef) {
    if (status.initialization?.controlPlaneInitialized !== true) {
      return {
        waitingFor: 'status.initialization.controlPlaneInitialized',
        message: `${ref}: status.initialization.controlPlaneInitialized is not true`,
        hint: cpHint,
      };
    }
  }
  const secretName = `${clusterName}-kubeconfig`;
  if (!(await client.get({ apiVersion: 'v1', kind: 'Secret', name: secretName, namespace }))) {
    return {
      waitingFor: `Secret ${secretName}`,
      message: `${ref}: the kubeconfig Secret ${namespace}/${secretName} does not exist yet`,
      hint: cpHint,
    };
  }
  const machines = (await client.list(capiApiVersion, 'Machine', { namespace })).filter(
    (m) =>
      m.metadata.labels?.['cluster.x-k8s.io/cluster-name'] === clusterName ||
      (m.spec as { clusterName?: string } | undefined)?.clusterName === clusterName,
  );
  const withNode = machines.filter((m) => (m.status as { nodeRef?: { name?: string } } | undefined)?.nodeRef?.name);
  const pending = machines.filter((m) => !withNode.includes(m));
  if (pending.length > 0 || machines.length < expectedMachines) {
    const first = pending[0];
    const detail = first
      ? `Machine ${namespace}/${first.metadata.name} has no status.nodeRef`
      : `${machines.length} of ${expectedMachines} Machines exist`;
    return {
      waitingFor: `Machines with a node (${withNode.length}/${Math.max(expectedMachines, machines.length)})`,
      message: `${ref}: ${detail} (${withNode.length} of ${Math.max(expectedMachines, machines.length)} Machines have a node)`,
      hint: 'Check the infrastructure and bootstrap providers: their controller logs and the Machine objects (clusterctl describe cluster).',
    };
  }
  return undefined;
}

/** A reporter for an operation running inside a step: its tasks become the step's spinner text. */
export function nestedReporter(parent: Reporter, task: Task, prefix: string): Reporter {
  return {
    info: (message) => parent.debug(1, message),
    warn: (message) => parent.warn(message),
    debug: (level, message, fields) => parent.debug(level, message, fields),
    task: (text) => {
      task.update(`${prefix}: ${text}`);
      return {
        update: (t) => task.update(`${prefix}: ${t}`),
        succeed: (t) => parent.debug(1, t ?? text),
        fail: (t) => parent.debug(1, t ?? text),
        warn: (t) => parent.warn(t ?? text),
      };
    },
  };
}

function providerFlagsFor(providers: NonNullable<BootstrapState['providers']>): InitOptions {
  const by = (type: ProviderType) =>
    providers.filter((p) => p.type === type).map((p) => `${p.providerName}:${p.version}`);
  return {
    core: by('CoreProvider'),
    bootstrap: by('BootstrapProvider').length ? by('BootstrapProvider') : ['-'],
    controlPlane: by('ControlPlaneProvider').length ? by('ControlPlaneProvider') : ['-'],
    infrastructure: by('InfrastructureProvider'),
    ipam: by('IPAMProvider'),
    runtimeExtension: by('RuntimeExtensionProvider'),
    addon: by('AddonProvider'),
  };
}

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

/** Strips undefined so a fingerprint compares the same after a JSON round trip. */
function normalise(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v === undefined ? undefined : v));
}

const installHints: Record<string, string> = {
  kind: 'Install kind v0.32 or newer (https://kind.sigs.k8s.io/docs/user/quick-start/#installation, e.g. "go install sigs.k8s.io/kind@v0.32.0"), or pass --bootstrap-kubeconfig to use an existing cluster instead.',
  docker:
    'kind runs its nodes as containers: install Docker (https://docs.docker.com/engine/install/), set KIND_EXPERIMENTAL_PROVIDER=podman or nerdctl to use another runtime, or pass --bootstrap-kubeconfig to use an existing cluster instead.',
  podman:
    'KIND_EXPERIMENTAL_PROVIDER=podman needs podman (https://podman.io/docs/installation); unset it to use Docker, or pass --bootstrap-kubeconfig.',
  nerdctl:
    'KIND_EXPERIMENTAL_PROVIDER=nerdctl needs nerdctl (https://github.com/containerd/nerdctl); unset it to use Docker, or pass --bootstrap-kubeconfig.',
};

// ---------------------------------------------------------------------------------------------
// The operation
// ---------------------------------------------------------------------------------------------

export async function bootstrap(deps: BootstrapDeps, options: BootstrapOptions): Promise<BootstrapResult> {
  const { reporter, signal } = deps;
  const now = deps.now ?? (() => Date.now());
  const sleep = deps.sleep ?? cancellableSleep;
  const name = options.clusterName;
  if (!name || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid cluster name "${name}"`, {
      hint: 'Give a lowercase DNS label (a-z, 0-9, "-"), at most 63 characters, e.g. "mgmt".',
    });
  }
  if (!options.providers.infrastructure?.some((p) => p.trim() && p.trim() !== '-')) {
    throw new ClusterctlError('INVALID_ARGUMENT', 'an infrastructure provider is required', {
      hint: 'Pass -i/--infrastructure NAME[:VERSION], e.g. -i docker; the workload cluster is created from its template.',
    });
  }
  const namespace = options.namespace || 'default';
  const useKind = !options.bootstrapKubeconfig;
  const kindName = options.kindClusterName ?? `${name}-bootstrap`;
  const statePath = deps.state.location(name);

  // --- state: resume or start ---
  const fingerprint = fingerprintOf(options);
  let state = await deps.state.load(name);
  if (state && normalise(state.fingerprint) !== normalise(fingerprint)) {
    throw new ClusterctlError(
      'CONFLICT',
      `an earlier run for cluster "${name}" was started with different flags (state in ${statePath})`,
      {
        hint: `Re-run with the same flags to continue it, or clean up what it created (see ${statePath}) and delete that file to start over.`,
      },
    );
  }
  const resumed = Boolean(state);
  if (state?.completedAt) {
    reporter.info(`Management cluster ${name} was already created on ${state.completedAt}; nothing to do.`);
    return result(state, true, []);
  }

  const plan: BootstrapStep[] = bootstrapSteps.filter((step) => {
    if (step === 'create-bootstrap-cluster') return useKind;
    if (step === 'delete-bootstrap-cluster') return useKind && !options.keepBootstrap;
    return true;
  });
  const remaining = plan.filter((step) => !state?.steps[step]);

  // --- preflight: every tool the remaining steps need, before anything is created ---
  if (useKind && remaining.some((s) => s === 'create-bootstrap-cluster' || s === 'delete-bootstrap-cluster')) {
    const runtime = options.containerRuntime || 'docker';
    const missing: ClusterctlError[] = [];
    for (const tool of ['kind', runtime]) {
      if (!(await deps.findTool(tool))) {
        missing.push(
          new ClusterctlError('MISSING_TOOL', `${tool} was not found on PATH`, {
            hint: installHints[tool] ?? `Install ${tool}.`,
          }),
        );
      }
    }
    if (missing.length === 1) throw missing[0]!;
    if (missing.length > 1)
      throw new AggregateClusterctlError('the tools needed to create the bootstrap cluster are missing', missing, {
        hint: missing.map((m) => m.hint).join(' '),
      });
  }

  if (useKind && !resumed && (await deps.kind.listClusters()).includes(kindName)) {
    throw new ClusterctlError('CONFLICT', `a kind cluster named "${kindName}" already exists`, {
      hint: `It was not created by this command. Delete it (kind delete cluster --name ${kindName}), or pass --bootstrap-kubeconfig to use it as the bootstrap cluster.`,
    });
  }

  const timestamp = () => new Date(now()).toISOString();
  state ??= {
    version: 1,
    clusterName: name,
    namespace,
    fingerprint,
    startedAt: timestamp(),
    updatedAt: timestamp(),
    bootstrap: useKind
      ? { mode: 'kind', kindCluster: kindName, kubeconfigPath: deps.state.bootstrapKubeconfigPath(name) }
      : {
          mode: 'existing',
          kubeconfigPath: options.bootstrapKubeconfig!,
          ...(options.bootstrapKubeconfigContext ? { context: options.bootstrapKubeconfigContext } : {}),
        },
    kubeconfigOut: options.kubeconfigOut,
    steps: {},
  };
  const st = state;
  const save = async () => {
    st.updatedAt = timestamp();
    await deps.state.save(st);
  };
  if (resumed) {
    if (st.kubeconfigOut !== options.kubeconfigOut)
      reporter.warn(
        `the kubeconfig goes to ${st.kubeconfigOut}, as in the run being resumed (not ${options.kubeconfigOut})`,
      );
    const done = plan.filter((s) => st.steps[s]);
    reporter.info(
      `Resuming the creation of management cluster ${name} (state ${statePath}): ${done.length} of ${plan.length} steps were done${st.current ? `; "${st.current.step}" was interrupted and runs again` : ''}.`,
    );
  }

  const titles: Record<BootstrapStep, string> = {
    'create-bootstrap-cluster': `Creating the bootstrap cluster (kind cluster ${kindName})`,
    'init-bootstrap-cluster': 'Installing the providers on the bootstrap cluster',
    'apply-cluster': `Creating the workload cluster ${namespace}/${name}`,
    'wait-provisioned': `Waiting for the workload cluster ${namespace}/${name} to be provisioned`,
    'get-kubeconfig': `Writing the kubeconfig of ${name} to ${st.kubeconfigOut}`,
    'init-workload-cluster': `Installing the same providers on ${name}`,
    move: `Moving the Cluster API objects to ${name}`,
    verify: `Checking that ${name} holds every moved object and the bootstrap cluster none`,
    'delete-bootstrap-cluster': `Deleting the bootstrap cluster (kind cluster ${kindName})`,
  };
  const reports: StepReport[] = [];

  // --- clients, created lazily (the kind cluster does not exist before its step) ---
  let bootstrapClient: KubeClient | undefined;
  let workloadClient: KubeClient | undefined;
  const source = async () =>
    (bootstrapClient ??= await deps.connect(st.bootstrap.kubeconfigPath, st.bootstrap.context));
  const target = async () => (workloadClient ??= await deps.connect(st.kubeconfigOut));

  const checkAbort = () => {
    if (signal?.aborted) {
      throw new ClusterctlError('INTERRUPTED', 'interrupted', {
        hint: `Re-run the same command to continue from "${st.current?.step ?? 'the next step'}".`,
      });
    }
  };
  /** Waits, then stops with INTERRUPTED (naming the step to resume from) when the user interrupted. */
  const pause = async (ms: number) => {
    try {
      await sleep(ms, signal);
    } catch (error) {
      checkAbort();
      throw error;
    }
    checkAbort();
  };

  const steps: Record<BootstrapStep, (r: Reporter, task: Task, title: string) => Promise<void>> = {
    'create-bootstrap-cluster': async () => {
      const existing = await deps.kind.listClusters();
      if (existing.includes(kindName)) {
        // Ours (a foreign one is refused before the state is written), from the interrupted run:
        // kind may still be finishing it.
        const deadline = now() + Math.max(options.kindWaitMs ?? 0, 60_000);
        for (;;) {
          try {
            await deps.writeKubeconfig(st.bootstrap.kubeconfigPath, await deps.kind.getKubeconfig(kindName));
            break;
          } catch (error) {
            if (now() > deadline) {
              throw new ClusterctlError(
                'CONFLICT',
                `the kind cluster "${kindName}" from the interrupted run exists but gives no kubeconfig`,
                {
                  hint: `Delete it (kind delete cluster --name ${kindName}) and re-run the same command.`,
                  cause: error,
                },
              );
            }
            await pause(1000);
          }
        }
        return;
      }
      try {
        await deps.kind.createCluster({
          name: kindName,
          kubeconfigPath: st.bootstrap.kubeconfigPath,
          config: options.kindConfig,
          image: options.kindImage,
          waitMs: options.kindWaitMs ?? 300_000,
          signal,
        });
      } catch (error) {
        // kind removes a cluster it failed to create, but not one it was stopped in the middle of
        // creating: remove that half-made cluster so that the re-run starts clean.
        if (error instanceof ClusterctlError && error.code === 'INTERRUPTED')
          await deps.kind.deleteCluster(kindName, st.bootstrap.kubeconfigPath).catch(() => undefined);
        throw error;
      }
    },
    'init-bootstrap-cluster': async (r) => {
      const client = await source();
      await deps.init(
        client,
        {
          ...options.providers,
          targetNamespace: options.providerNamespace,
          waitProviders: options.waitProviders,
          waitProviderTimeoutMs: options.waitProviderTimeoutMs,
        },
        r,
        signal,
      );
      st.providers = (await listInstalledProviders(client)).map((p) => ({
        providerName: p.providerName,
        type: p.type,
        version: p.version,
        namespace: p.namespace,
      }));
    },
    'apply-cluster': async (_r, task, title) => {
      const client = await source();
      const infra = st.providers?.find((p) => p.type === 'InfrastructureProvider');
      const requested = options.providers.infrastructure?.[0]?.split(',')[0]?.trim().split(':')[0];
      const chosen = st.providers?.find((p) => p.type === 'InfrastructureProvider' && p.providerName === requested);
      const provider = chosen ?? infra;
      if (!provider) {
        throw new ClusterctlError('NOT_FOUND', 'no infrastructure provider is installed on the bootstrap cluster', {
          hint: 'Pass -i/--infrastructure NAME.',
        });
      }
      const objects = await deps.generate(client, {
        clusterName: name,
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
          throw error instanceof ClusterctlError
            ? error.withContext(`failed to apply ${describeRef(refOf(obj))}`)
            : error;
        }
        task.update(`${title} (${++applied}/${objects.length} objects)`);
      }
      st.expectedMachines = expectedMachineCount(objects, name);
    },
    'wait-provisioned': async (_r, task, title) => {
      const client = await source();
      const timeoutMs = options.waitTimeoutMs ?? 30 * 60_000;
      const deadline = now() + timeoutMs;
      for (;;) {
        const gap = await provisioningGap(client, namespace, name, st.expectedMachines ?? 0);
        if (!gap) return;
        task.update(`${title}: waiting for ${gap.waitingFor}`);
        if (now() >= deadline) {
          throw new ClusterctlError(
            'TIMEOUT',
            `timed out after ${formatDuration(timeoutMs)} waiting for the workload cluster to be provisioned: ${gap.message}`,
            { hint: `${gap.hint} To wait longer, re-run with a larger --wait-timeout.` },
          );
        }
        await pause(Math.min(options.pollIntervalMs ?? 2000, Math.max(0, deadline - now())));
      }
    },
    'get-kubeconfig': async () => {
      const text = await getKubeconfig({ client: await source() }, { clusterName: name, namespace });
      await deps.writeKubeconfig(st.kubeconfigOut, text);
    },
    'init-workload-cluster': async (r) => {
      if (!st.providers?.length) {
        st.providers = (await listInstalledProviders(await source())).map((p) => ({
          providerName: p.providerName,
          type: p.type,
          version: p.version,
          namespace: p.namespace,
        }));
      }
      await deps.init(
        await target(),
        {
          ...providerFlagsFor(st.providers),
          targetNamespace: options.providerNamespace,
          waitProviders: options.waitProviders,
          waitProviderTimeoutMs: options.waitProviderTimeoutMs,
        },
        r,
        signal,
      );
    },
    move: async (r) => {
      const from = await source();
      if (!st.moveSnapshot) {
        st.moveSnapshot = await listMovable(from, namespace, name);
        await save();
      }
      const moved = await deps.moveObjects(from, await target(), namespace, r, signal);
      // A resumed move that had already finished reports nothing new: keep the first answer.
      if (moved.objects.length > 0 || !st.moved) st.moved = moved.objects;
    },
    verify: async () => {
      // The objects listed before the move plus what the move reported: all on the target, and
      // on the source only those the move keeps there by design (global and shared objects).
      const key = (r: ObjectRef) => describeRef(r);
      const all = new Map<string, MovedObject>();
      for (const ref of st.moveSnapshot ?? []) all.set(key(ref), { ...ref, deleteFromSource: true });
      for (const ref of st.moved ?? []) all.set(key(ref), ref);
      const [from, to] = [await source(), await target()];
      const problems: ClusterctlError[] = [];
      const found = await mapWithConcurrency([...all.values()], 8, async (ref) => ({
        ref,
        onTarget: Boolean(await to.get(ref)),
        onSource: Boolean(await from.get(ref)),
      }));
      for (const f of found) {
        if (!f.onTarget)
          problems.push(
            new ClusterctlError('NOT_FOUND', `${describeRef(f.ref)} is missing on the new management cluster`),
          );
        if (f.onSource && f.ref.deleteFromSource)
          problems.push(new ClusterctlError('CONFLICT', `${describeRef(f.ref)} is still on the bootstrap cluster`));
      }
      const targetProviders = await listInstalledProviders(to);
      for (const p of st.providers ?? []) {
        if (!targetProviders.some((t) => t.providerName === p.providerName && t.type === p.type))
          problems.push(
            new ClusterctlError(
              'NOT_FOUND',
              `provider ${p.providerName} (${p.type}) is missing on the new management cluster`,
            ),
          );
      }
      if (problems.length > 0) {
        throw new AggregateClusterctlError('the move is incomplete', problems, {
          hint: `Compare with "clusterctl move --dry-run" on both clusters; the bootstrap cluster is kept (${st.bootstrap.kubeconfigPath}).`,
        });
      }
    },
    'delete-bootstrap-cluster': async () => {
      await deps.kind.deleteCluster(kindName, st.bootstrap.kubeconfigPath);
    },
  };

  const total = plan.length;
  for (const [index, step] of plan.entries()) {
    const title = titles[step];
    const label = `[${index + 1}/${total}] ${title}`;
    const earlier = st.steps[step];
    if (earlier) {
      reports.push({ step, title, status: 'done-earlier', durationMs: earlier.durationMs });
      reporter.info(`✓ ${label} (done in an earlier run)`);
      continue;
    }
    checkAbort();
    st.current = { step, startedAt: timestamp() };
    await save();
    const task = reporter.task(label);
    const started = now();
    try {
      await steps[step](nestedReporter(reporter, task, label), task, label);
    } catch (error) {
      task.fail(`${label} failed after ${formatDuration(now() - started)}`);
      throw withLeftovers(error, st, step, statePath, plan);
    }
    const durationMs = now() - started;
    st.steps[step] = { startedAt: st.current.startedAt, durationMs };
    delete st.current;
    if (step === 'delete-bootstrap-cluster' || (step === 'verify' && !plan.includes('delete-bootstrap-cluster')))
      st.completedAt = timestamp();
    await save();
    reports.push({ step, title, status: 'done', durationMs });
    task.succeed(`${label} (${formatDuration(durationMs)})`);
  }
  for (const step of bootstrapSteps)
    if (!plan.includes(step)) reports.push({ step, title: titles[step], status: 'skipped', durationMs: 0 });
  return result(st, false, reports);

  function result(s: BootstrapState, alreadyComplete: boolean, steps: StepReport[]): BootstrapResult {
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
}

function refOf(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace,
  };
}

/**
 * What the move must carry, listed before it: every object of a Cluster API kind (CRDs labelled
 * `clusterctl.cluster.x-k8s.io`, inventory excluded) in the namespace, and the Secrets that
 * belong to the cluster (label `cluster.x-k8s.io/cluster-name` or the `<cluster>-` prefix).
 */
export async function listMovable(client: KubeClient, namespace: string, clusterName: string): Promise<ObjectRef[]> {
  const crds = await client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {
    labelSelector: 'clusterctl.cluster.x-k8s.io',
  });
  const kinds = crds
    .map((crd) => {
      const spec = crd.spec as {
        group: string;
        names: { kind: string };
        scope: string;
        versions: { name: string; storage?: boolean }[];
      };
      const version = spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]?.name;
      return { apiVersion: `${spec.group}/${version}`, kind: spec.names.kind, namespaced: spec.scope === 'Namespaced' };
    })
    .filter((k) => k.namespaced && k.apiVersion !== 'clusterctl.cluster.x-k8s.io/v1alpha3');
  const lists = await mapWithConcurrency(kinds, 4, (k) => client.list(k.apiVersion, k.kind, { namespace }));
  const secrets = (await client.list('v1', 'Secret', { namespace })).filter(
    (s) =>
      s.metadata.labels?.['cluster.x-k8s.io/cluster-name'] === clusterName ||
      (s.metadata.name ?? '').startsWith(`${clusterName}-`),
  );
  return [...lists.flat(), ...secrets].map(refOf).sort((a, b) => describeRef(a).localeCompare(describeRef(b)));
}

/** Adds to an error what the failed run left behind and how to continue or clean up. */
function withLeftovers(
  error: unknown,
  state: BootstrapState,
  failed: BootstrapStep,
  statePath: string,
  plan: BootstrapStep[],
): unknown {
  if (!(error instanceof ClusterctlError)) return error;
  const left: string[] = [];
  const done = (s: BootstrapStep) => Boolean(state.steps[s]) || s === failed;
  if (state.bootstrap.mode === 'kind' && done('create-bootstrap-cluster') && !state.steps['delete-bootstrap-cluster'])
    left.push(`the kind cluster "${state.bootstrap.kindCluster}" (kubeconfig ${state.bootstrap.kubeconfigPath})`);
  else if (state.bootstrap.mode === 'existing')
    left.push(`the bootstrap cluster of ${state.bootstrap.kubeconfigPath} (not deleted by this command)`);
  if (state.steps['apply-cluster'] || failed === 'apply-cluster')
    left.push(
      `the workload cluster ${state.namespace}/${state.clusterName}${state.steps.move ? ' (moved to itself)' : ''}`,
    );
  if (state.steps['get-kubeconfig']) left.push(`its kubeconfig ${state.kubeconfigOut}`);
  const cleanup: string[] = [];
  if (!state.steps.move && (state.steps['apply-cluster'] || failed === 'apply-cluster'))
    cleanup.push(
      `kubectl --kubeconfig ${state.bootstrap.kubeconfigPath} delete cluster ${state.clusterName} -n ${state.namespace}`,
    );
  if (state.bootstrap.mode === 'kind' && plan.includes('create-bootstrap-cluster'))
    cleanup.push(`kind delete cluster --name ${state.bootstrap.kindCluster}`);
  cleanup.push(`rm ${statePath}`);
  const context = `${error.message}\nLeft behind: ${left.length > 0 ? left.join('; ') : 'nothing'}.`;
  return new ClusterctlError(error.code, context, {
    hint: `${error.hint ? `${error.hint} ` : ''}Re-run the same command to continue from "${failed}"; to clean up instead: ${cleanup.join(' && ')}.`,
    cause: error,
    exitCode: error.exitCode,
  });
}
