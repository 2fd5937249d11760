/**
 * A simulated infrastructure provider, run in the test process like Cluster API's in-memory
 * provider (test-infra.md §5): it plays the controllers no container engine can run here (core
 * Cluster API, the kubeadm control plane, CAPD) for the objects of the fixture cluster template.
 *
 * It polls (every `intervalMs`, one list per kind per management cluster) for Clusters and, for
 * each one that is not paused, like the real controllers:
 *  - creates `<name>-ca` (kubeadm's CA, unless present: after a move it arrives from the source),
 *    starts a real kube-apiserver for the workload cluster serving with that CA, and writes
 *    `<name>-kubeconfig` (key `value`, type `cluster.x-k8s.io/secret`, label
 *    `cluster.x-k8s.io/cluster-name`, owned by the control plane);
 *  - marks the infrastructure provisioned (DockerCluster `status.initialization.provisioned`,
 *    `spec.controlPlaneEndpoint`) and the Cluster `status.initialization.infrastructureProvisioned`;
 *  - creates the control plane Machines (KubeadmControlPlane `spec.replicas`) and, for each
 *    MachineDeployment, a MachineSet with its Machines, each with a DockerMachine and a
 *    KubeadmConfig; creates a Node per Machine in the workload API server and sets the Machine's
 *    `status.nodeRef`;
 *  - sets `status.initialization.controlPlaneInitialized` on the control plane and the Cluster and
 *    the Cluster condition `ControlPlaneInitialized=True`.
 * Existing Machines (e.g. moved ones) are counted by owner name, so nothing is created twice.
 *
 * `withhold` injects a failure: one step is never done (for wait-timeout tests). With
 * `followWorkloadClusters` every workload API server it starts is also watched as a management
 * cluster, so after a pivot the simulator keeps reconciling the moved objects there; or call
 * `watch(kubeconfig)` for any other cluster. `stop()` stops the loops and every server it started.
 */
import { randomBytes } from 'node:crypto';
import { ClusterctlError } from '../../src/errors.js';
import type { KubeClient } from '../../src/core/ports.js';
import type { KubeObject, ObjectRef, OwnerReference } from '../../src/types.js';
import type { ApiServer, StartApiServerOptions } from './apiserver.js';
import { createCertificateAuthority, loadCertificateAuthority, type CertificateAuthority } from './certs.js';
import { buildKubeconfig } from './apiserver.js';
import { issueCertificate } from './certs.js';
import { clientFor, startExtraApiServer } from './index.js';

export type WithheldStep = 'InfrastructureProvisioned' | 'ControlPlaneInitialized' | 'NodeRef' | 'Kubeconfig';

export interface SimulatedProviderOptions {
  /** Poll interval (default 300 ms). */
  intervalMs?: number;
  /** Never do this step (failure injection). */
  withhold?: WithheldStep;
  /** Also watch each workload cluster as a management cluster (self-hosted after a pivot). Default true. */
  followWorkloadClusters?: boolean;
  /** Starts a workload API server; defaults to startExtraApiServer (shared etcd, no controller manager). */
  startServer?: (options: StartApiServerOptions) => Promise<ApiServer>;
}

export interface WorkloadCluster {
  namespace: string;
  name: string;
  server: ApiServer;
  /** The admin kubeconfig as written to `<name>-kubeconfig`. */
  kubeconfig: string;
}

export interface SimulatedProvider {
  /** Watches one more management cluster. */
  watch(kubeconfig: string): void;
  /** Stops watching the management cluster with this kubeconfig. */
  unwatch(kubeconfig: string): void;
  /** Workload clusters started so far, by `namespace/name`. */
  readonly workloadClusters: ReadonlyMap<string, WorkloadCluster>;
  /** Changes the injected failure (undefined: do everything again). */
  setWithhold(step: WithheldStep | undefined): void;
  /** Errors of the last reconcile pass per cluster key (for debugging test failures). */
  readonly errors: ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

const capi = 'cluster.x-k8s.io/v1beta2';
const clusterNameLabel = 'cluster.x-k8s.io/cluster-name';

interface Ref {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

function apiVersionOf(ref: Ref): string {
  return `${ref.apiGroup ?? ''}/v1beta2`;
}

function condition(type: string, status: 'True' | 'False', reason: string, message = '') {
  return { type, status, reason, message, lastTransitionTime: new Date().toISOString(), observedGeneration: 1 };
}

function setCondition(status: Record<string, unknown>, cond: ReturnType<typeof condition>): void {
  const list = ((status.conditions as { type: string }[] | undefined) ?? []).filter((c) => c.type !== cond.type);
  list.push(cond);
  status.conditions = list;
}

function ownerRef(obj: KubeObject, controller = true): OwnerReference {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    uid: obj.metadata.uid ?? '',
    controller,
    blockOwnerDeletion: true,
  };
}

function ownedBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some((o) => o.kind === owner.kind && o.name === owner.metadata.name);
}

function suffix(): string {
  return randomBytes(3).toString('hex').slice(0, 5);
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

async function ignoreConflict<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    // Another writer (clusterctl pausing the cluster, a move) got there first: retry next pass.
    if (error instanceof ClusterctlError && (error.code === 'CONFLICT' || error.code === 'NOT_FOUND')) return undefined;
    throw error;
  }
}

export function startSimulatedProvider(options: SimulatedProviderOptions = {}): SimulatedProvider {
  const intervalMs = options.intervalMs ?? 300;
  options = { ...options };
  const follow = options.followWorkloadClusters ?? true;
  const startServer = options.startServer ?? ((o: StartApiServerOptions) => startExtraApiServer(o));
  const watched = new Map<string, { client: KubeClient; timer?: NodeJS.Timeout; busy: boolean }>();
  const workloads = new Map<string, WorkloadCluster>();
  const starting = new Map<string, Promise<WorkloadCluster>>();
  const errors = new Map<string, string>();
  let stopped = false;

  async function secret(client: KubeClient, namespace: string, name: string): Promise<KubeObject | undefined> {
    return client.get({ apiVersion: 'v1', kind: 'Secret', name, namespace });
  }

  async function clusterCa(client: KubeClient, cluster: KubeObject): Promise<CertificateAuthority> {
    const namespace = cluster.metadata.namespace!;
    const name = `${cluster.metadata.name}-ca`;
    const existing = await secret(client, namespace, name);
    const data = existing?.data as Record<string, string> | undefined;
    if (data?.['tls.crt'] && data['tls.key']) {
      return loadCertificateAuthority({
        cert: Buffer.from(data['tls.crt'], 'base64').toString('utf8'),
        key: Buffer.from(data['tls.key'], 'base64').toString('utf8'),
      });
    }
    const ca = await createCertificateAuthority(`${cluster.metadata.name}-ca`);
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'cluster.x-k8s.io/secret',
      metadata: { name, namespace, labels: { [clusterNameLabel]: cluster.metadata.name! } },
      data: { 'tls.crt': b64(ca.cert), 'tls.key': b64(ca.key) },
    });
    return ca;
  }

  /** One workload API server per `namespace/name`, shared by every management cluster that holds the Cluster. */
  async function workloadFor(client: KubeClient, cluster: KubeObject): Promise<WorkloadCluster> {
    const key = `${cluster.metadata.namespace}/${cluster.metadata.name}`;
    const known = workloads.get(key);
    if (known) return known;
    let pending = starting.get(key);
    if (!pending) {
      pending = (async () => {
        const ca = await clusterCa(client, cluster);
        const server = await startServer({
          name: `wl-${cluster.metadata.name}-${suffix()}`,
          ca,
          controllerManager: false,
          contextName: `${cluster.metadata.name}-admin@${cluster.metadata.name}`,
        });
        const admin = await issueCertificate(ca, {
          commonName: 'kubernetes-admin',
          organizations: ['system:masters'],
          usage: 'client',
        });
        const kubeconfig = buildKubeconfig({
          name: `${cluster.metadata.name}-admin@${cluster.metadata.name}`,
          server: server.url,
          caCert: ca.cert,
          user: `${cluster.metadata.name}-admin`,
          client: admin,
        });
        const workload = { namespace: cluster.metadata.namespace!, name: cluster.metadata.name!, server, kubeconfig };
        workloads.set(key, workload);
        if (follow && !stopped) watch(kubeconfig);
        return workload;
      })();
      starting.set(key, pending);
      pending.catch(() => starting.delete(key));
    }
    return pending;
  }

  async function ensureKubeconfigSecret(
    client: KubeClient,
    cluster: KubeObject,
    workload: WorkloadCluster,
    owner: KubeObject | undefined,
  ): Promise<void> {
    const namespace = cluster.metadata.namespace!;
    const name = `${cluster.metadata.name}-kubeconfig`;
    if (await secret(client, namespace, name)) return;
    await ignoreConflict(() =>
      client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'cluster.x-k8s.io/secret',
        metadata: {
          name,
          namespace,
          labels: { [clusterNameLabel]: cluster.metadata.name! },
          ...(owner ? { ownerReferences: [ownerRef(owner)] } : {}),
        },
        data: { value: b64(workload.kubeconfig) },
      }),
    );
  }

  async function updateStatus(client: KubeClient, obj: KubeObject, mutate: (status: Record<string, unknown>) => void) {
    const status = structuredClone((obj.status as Record<string, unknown> | undefined) ?? {});
    const before = JSON.stringify(status);
    mutate(status);
    if (JSON.stringify(status) === before) return obj;
    return (await ignoreConflict(() => client.replaceStatus({ ...obj, status }))) ?? obj;
  }

  async function get(client: KubeClient, ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return await client.get(ref);
    } catch (error) {
      if (error instanceof ClusterctlError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  /** A Machine with its DockerMachine and KubeadmConfig, owned like the real controllers own them. */
  async function createMachine(
    client: KubeClient,
    cluster: KubeObject,
    owner: KubeObject,
    machineSpec: { version?: string; infrastructureRef?: Ref; bootstrap?: { configRef?: Ref } },
    labels: Record<string, string>,
    infraTemplate: KubeObject | undefined,
  ): Promise<void> {
    const namespace = cluster.metadata.namespace!;
    const name = `${owner.metadata.name}-${suffix()}`;
    const infraRef = { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DockerMachine', name };
    const bootstrapRef = { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfig', name };
    const machine = await client.create({
      apiVersion: capi,
      kind: 'Machine',
      metadata: {
        name,
        namespace,
        labels: { [clusterNameLabel]: cluster.metadata.name!, ...labels },
        ownerReferences: [ownerRef(owner)],
      },
      spec: {
        clusterName: cluster.metadata.name,
        version: machineSpec.version,
        bootstrap: { configRef: bootstrapRef, dataSecretName: name },
        infrastructureRef: infraRef,
      },
    });
    const templateSpec = ((infraTemplate?.spec as { template?: { spec?: unknown } } | undefined)?.template?.spec ??
      {}) as Record<string, unknown>;
    await client.create({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'DockerMachine',
      metadata: {
        name,
        namespace,
        labels: { [clusterNameLabel]: cluster.metadata.name! },
        ownerReferences: [ownerRef(machine)],
      },
      spec: { ...templateSpec, providerID: `docker:////${name}` },
    });
    await client.create({
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2',
      kind: 'KubeadmConfig',
      metadata: {
        name,
        namespace,
        labels: { [clusterNameLabel]: cluster.metadata.name! },
        ownerReferences: [ownerRef(machine)],
      },
      spec: {},
    });
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'cluster.x-k8s.io/secret',
      metadata: {
        name,
        namespace,
        labels: { [clusterNameLabel]: cluster.metadata.name! },
        ownerReferences: [ownerRef(machine)],
      },
      data: { value: b64('#cloud-config (simulated bootstrap data)\n'), format: b64('cloud-config') },
    });
  }

  async function ensureNode(workload: WorkloadCluster, machine: KubeObject): Promise<string> {
    const wl = clientFor(workload.server.kubeconfig);
    const name = machine.metadata.name!;
    if (!(await wl.get({ apiVersion: 'v1', kind: 'Node', name }))) {
      const node = await ignoreConflict(() =>
        wl.create({
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name, labels: { 'kubernetes.io/hostname': name } },
          spec: { providerID: `docker:////${name}` },
        }),
      );
      if (node) {
        await ignoreConflict(() =>
          wl.replaceStatus({
            ...node,
            status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'simulated' }] },
          }),
        );
      }
    }
    return name;
  }

  /**
   * What the core controllers do first: the Cluster owns its infrastructure cluster, control plane,
   * MachineDeployments and the templates they use (this is what links them into move's graph).
   */
  async function ensureClusterOwnership(client: KubeClient, cluster: KubeObject): Promise<void> {
    const namespace = cluster.metadata.namespace!;
    const spec = (cluster.spec ?? {}) as { controlPlaneRef?: Ref; infrastructureRef?: Ref };
    const refs: Ref[] = [spec.infrastructureRef, spec.controlPlaneRef].filter((r): r is Ref => Boolean(r?.name));
    const controlPlane = spec.controlPlaneRef?.name
      ? await get(client, {
          apiVersion: apiVersionOf(spec.controlPlaneRef),
          kind: spec.controlPlaneRef.kind ?? '',
          name: spec.controlPlaneRef.name,
          namespace,
        })
      : undefined;
    const cpTemplate = (controlPlane?.spec as { machineTemplate?: { spec?: { infrastructureRef?: Ref } } } | undefined)
      ?.machineTemplate?.spec?.infrastructureRef;
    if (cpTemplate?.name) refs.push(cpTemplate);
    const deployments = (await client.list(capi, 'MachineDeployment', { namespace })).filter(
      (d) => (d.spec as { clusterName?: string } | undefined)?.clusterName === cluster.metadata.name,
    );
    for (const md of deployments) {
      refs.push({ apiGroup: 'cluster.x-k8s.io', kind: 'MachineDeployment', name: md.metadata.name });
      const t = (md.spec as { template?: { spec?: { infrastructureRef?: Ref; bootstrap?: { configRef?: Ref } } } })
        .template?.spec;
      if (t?.infrastructureRef?.name) refs.push(t.infrastructureRef);
      if (t?.bootstrap?.configRef?.name) refs.push(t.bootstrap.configRef);
    }
    for (const ref of refs) {
      const obj = await get(client, {
        apiVersion: apiVersionOf(ref),
        kind: ref.kind ?? '',
        name: ref.name!,
        namespace,
      });
      if (
        !obj ||
        (obj.metadata.ownerReferences ?? []).some((o) => o.kind === 'Cluster' && o.uid === cluster.metadata.uid)
      )
        continue;
      const owners = [
        ...(obj.metadata.ownerReferences ?? []).filter((o) => o.kind !== 'Cluster'),
        ownerRef(cluster, ref.kind !== 'MachineDeployment' && !ref.kind?.endsWith('Template')),
      ];
      await ignoreConflict(() =>
        client.patch(
          { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name!, namespace },
          { metadata: { ownerReferences: owners, resourceVersion: obj.metadata.resourceVersion } },
          'merge',
        ),
      );
    }
  }

  async function reconcileCluster(client: KubeClient, cluster: KubeObject): Promise<void> {
    const spec = (cluster.spec ?? {}) as { paused?: boolean; controlPlaneRef?: Ref; infrastructureRef?: Ref };
    if (spec.paused || cluster.metadata.annotations?.['cluster.x-k8s.io/paused'] !== undefined) return;
    if (cluster.metadata.deletionTimestamp) return;
    const namespace = cluster.metadata.namespace!;
    const clusterName = cluster.metadata.name!;
    const workload = await workloadFor(client, cluster);
    await ensureClusterOwnership(client, cluster);
    const endpoint = { host: '127.0.0.1', port: workload.server.port };

    // Infrastructure (CAPD's DockerCluster) and the Cluster's view of it.
    if (options.withhold !== 'InfrastructureProvisioned') {
      const infraRef = spec.infrastructureRef;
      if (infraRef?.name) {
        const infra = await get(client, {
          apiVersion: apiVersionOf(infraRef),
          kind: infraRef.kind ?? '',
          name: infraRef.name,
          namespace,
        });
        if (infra) {
          if (!(infra.spec as { controlPlaneEndpoint?: unknown } | undefined)?.controlPlaneEndpoint) {
            await ignoreConflict(() =>
              client.patch(
                { apiVersion: infra.apiVersion, kind: infra.kind, name: infraRef.name!, namespace },
                { spec: { controlPlaneEndpoint: endpoint } },
                'merge',
              ),
            );
          }
          await updateStatus(client, infra, (s) => {
            s.initialization = { provisioned: true };
            setCondition(s, condition('Ready', 'True', 'Ready'));
          });
        }
      }
      if (!(cluster.spec as { controlPlaneEndpoint?: { host?: string } }).controlPlaneEndpoint?.host) {
        await ignoreConflict(() =>
          client.patch(
            { apiVersion: capi, kind: 'Cluster', name: clusterName, namespace },
            { spec: { controlPlaneEndpoint: endpoint } },
            'merge',
          ),
        );
      }
    }

    // Control plane (KubeadmControlPlane): CA, kubeconfig, Machines.
    const cpRef = spec.controlPlaneRef;
    const controlPlane = cpRef?.name
      ? await get(client, { apiVersion: apiVersionOf(cpRef), kind: cpRef.kind ?? '', name: cpRef.name, namespace })
      : undefined;
    if (options.withhold !== 'Kubeconfig') await ensureKubeconfigSecret(client, cluster, workload, controlPlane);

    const machines = (await client.list(capi, 'Machine', { namespace })).filter(
      (m) => m.metadata.labels?.[clusterNameLabel] === clusterName,
    );
    if (controlPlane && !controlPlane.metadata.deletionTimestamp) {
      const cpSpec = (controlPlane.spec ?? {}) as {
        replicas?: number | string;
        version?: string;
        machineTemplate?: { spec?: { infrastructureRef?: Ref } };
      };
      const want = Number(cpSpec.replicas ?? 1);
      const infraTemplateRef = cpSpec.machineTemplate?.spec?.infrastructureRef;
      const template = infraTemplateRef?.name
        ? await get(client, {
            apiVersion: apiVersionOf(infraTemplateRef),
            kind: infraTemplateRef.kind ?? '',
            name: infraTemplateRef.name,
            namespace,
          })
        : undefined;
      const have = machines.filter((m) => ownedBy(m, controlPlane)).length;
      for (let i = have; i < want; i++) {
        await createMachine(
          client,
          cluster,
          controlPlane,
          { version: cpSpec.version },
          { 'cluster.x-k8s.io/control-plane': '', 'cluster.x-k8s.io/control-plane-name': controlPlane.metadata.name! },
          template,
        );
      }
    }

    // Workers: MachineDeployment -> MachineSet -> Machines.
    const deployments = (await client.list(capi, 'MachineDeployment', { namespace })).filter(
      (d) => (d.spec as { clusterName?: string } | undefined)?.clusterName === clusterName,
    );
    const sets = await client.list(capi, 'MachineSet', { namespace });
    for (const md of deployments) {
      if (md.metadata.deletionTimestamp) continue;
      const mdSpec = (md.spec ?? {}) as {
        replicas?: number | string;
        template?: { spec?: { version?: string; infrastructureRef?: Ref; bootstrap?: { configRef?: Ref } } };
      };
      let ms = sets.find((s) => ownedBy(s, md));
      if (!ms) {
        ms = await client.create({
          apiVersion: capi,
          kind: 'MachineSet',
          metadata: {
            name: `${md.metadata.name}-${suffix()}`,
            namespace,
            labels: { [clusterNameLabel]: clusterName, 'cluster.x-k8s.io/deployment-name': md.metadata.name! },
            ownerReferences: [ownerRef(md)],
          },
          spec: { clusterName, replicas: Number(mdSpec.replicas ?? 0), template: mdSpec.template ?? {} },
        });
      }
      const templateRef = mdSpec.template?.spec?.infrastructureRef;
      const template = templateRef?.name
        ? await get(client, {
            apiVersion: apiVersionOf(templateRef),
            kind: templateRef.kind ?? '',
            name: templateRef.name,
            namespace,
          })
        : undefined;
      const have = machines.filter((m) => ownedBy(m, ms)).length;
      for (let i = have; i < Number(mdSpec.replicas ?? 0); i++) {
        await createMachine(
          client,
          cluster,
          ms,
          { version: mdSpec.template?.spec?.version },
          { 'cluster.x-k8s.io/deployment-name': md.metadata.name!, 'cluster.x-k8s.io/set-name': ms.metadata.name! },
          template,
        );
      }
    }

    // Nodes for every Machine, then the Machines' status.
    if (options.withhold !== 'NodeRef') {
      const current = (await client.list(capi, 'Machine', { namespace })).filter(
        (m) => m.metadata.labels?.[clusterNameLabel] === clusterName,
      );
      for (const machine of current) {
        const infraName = (machine.spec as { infrastructureRef?: Ref } | undefined)?.infrastructureRef?.name;
        if (infraName) {
          const dm = await get(client, {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
            kind: 'DockerMachine',
            name: infraName,
            namespace,
          });
          if (dm) await updateStatus(client, dm, (s) => (s.initialization = { provisioned: true }));
        }
        const nodeName = await ensureNode(workload, machine);
        await updateStatus(client, machine, (s) => {
          s.nodeRef = { name: nodeName };
          s.initialization = { infrastructureProvisioned: true, bootstrapDataSecretCreated: true };
          s.phase = 'Running';
          setCondition(s, condition('NodeHealthy', 'True', 'NodeHealthy'));
        });
      }
    }

    // The control plane and the Cluster report their progress.
    const initialized = options.withhold !== 'ControlPlaneInitialized' && options.withhold !== 'Kubeconfig';
    if (controlPlane && initialized) {
      const fresh = await get(client, {
        apiVersion: controlPlane.apiVersion,
        kind: controlPlane.kind,
        name: controlPlane.metadata.name!,
        namespace,
      });
      if (fresh) {
        const replicas = Number((fresh.spec as { replicas?: number | string } | undefined)?.replicas ?? 1);
        await updateStatus(client, fresh, (s) => {
          s.initialization = { controlPlaneInitialized: true };
          s.replicas = replicas;
          s.readyReplicas = replicas;
          s.version = (fresh.spec as { version?: string } | undefined)?.version;
          setCondition(s, condition('Initialized', 'True', 'Initialized'));
        });
      }
    }
    const latest = await get(client, { apiVersion: capi, kind: 'Cluster', name: clusterName, namespace });
    if (latest) {
      await updateStatus(client, latest, (s) => {
        const init = (s.initialization as Record<string, unknown> | undefined) ?? {};
        if (options.withhold !== 'InfrastructureProvisioned') {
          init.infrastructureProvisioned = true;
          setCondition(s, condition('InfrastructureReady', 'True', 'Ready'));
        } else {
          setCondition(s, condition('InfrastructureReady', 'False', 'WaitingForInfrastructure'));
        }
        if (initialized && (controlPlane || !spec.controlPlaneRef)) {
          init.controlPlaneInitialized = true;
          setCondition(s, condition('ControlPlaneInitialized', 'True', 'Initialized'));
        } else {
          setCondition(
            s,
            condition(
              'ControlPlaneInitialized',
              'False',
              'WaitingForControlPlaneInitialization',
              'simulated: withheld',
            ),
          );
        }
        s.initialization = init;
        s.phase = init.infrastructureProvisioned ? 'Provisioned' : 'Provisioning';
      });
    }
  }

  async function pass(client: KubeClient): Promise<void> {
    let clusters: KubeObject[];
    try {
      clusters = await client.list(capi, 'Cluster');
    } catch (error) {
      // Cluster API not installed (yet) on this cluster, or the server is gone: nothing to do.
      if (error instanceof ClusterctlError && ['NOT_FOUND', 'UNREACHABLE'].includes(error.code)) return;
      throw error;
    }
    for (const cluster of clusters) {
      const key = `${client.server} ${cluster.metadata.namespace}/${cluster.metadata.name}`;
      try {
        await reconcileCluster(client, cluster);
        errors.delete(key);
      } catch (error) {
        errors.set(key, error instanceof Error ? error.message : String(error));
      }
    }
  }

  function watch(kubeconfig: string): void {
    if (watched.has(kubeconfig) || stopped) return;
    const entry: { client: KubeClient; timer?: NodeJS.Timeout; busy: boolean } = {
      client: clientFor(kubeconfig),
      busy: false,
    };
    watched.set(kubeconfig, entry);
    const tick = () => {
      if (stopped || !watched.has(kubeconfig)) return;
      entry.busy = true;
      pass(entry.client)
        .catch((error: unknown) => errors.set(entry.client.server, String(error)))
        .finally(() => {
          entry.busy = false;
          if (!stopped && watched.has(kubeconfig)) entry.timer = setTimeout(tick, intervalMs);
        });
    };
    tick();
  }

  return {
    watch,
    unwatch(kubeconfig) {
      const entry = watched.get(kubeconfig);
      if (entry?.timer) clearTimeout(entry.timer);
      watched.delete(kubeconfig);
    },
    workloadClusters: workloads,
    errors,
    setWithhold(step) {
      options.withhold = step;
    },
    async stop() {
      stopped = true;
      for (const entry of watched.values()) if (entry.timer) clearTimeout(entry.timer);
      const deadline = Date.now() + 10_000;
      while ([...watched.values()].some((e) => e.busy) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      watched.clear();
      await Promise.allSettled([...starting.values()]);
      await Promise.all([...workloads.values()].map((w) => w.server.stop()));
      workloads.clear();
    },
  };
}
