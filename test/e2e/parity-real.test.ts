/**
 * End states next to the Go clusterctl v1.13.5 on the real Cluster API releases (core, kubeadm
 * bootstrap, kubeadm control plane and docker, v1.12.11 and v1.13.5 from ../shared/fixtures/capi-repo)
 * and real API servers: every object `init` and `upgrade apply` write, the target of a `move`, and
 * each tool's restore of the other's `--to-directory` backup, compared whole. Each remaining
 * difference is in an explicit list below (and in the README) with its reason, so a new one fails.
 *
 * move needs the providers' webhooks (defaulting, validation, conversion) served: the real managers
 * run with a watch filter no object carries, so their webhooks answer while their controllers leave
 * the objects alone (a reconciled cluster gets machines with random names, which no two runs share).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/core/ports.js';
import type { KubeObject } from '../../src/types.js';
import type { ApiServer } from '../harness/apiserver.js';
import { pointWebhooksAt, startCapiControllers, type CapiControllers } from '../harness/capi-controllers.js';
import { capiInitArgs, cliHome, writeCapiConfig } from '../harness/capi-management.js';
import { runClusterctl, type CliResult } from '../harness/cli.js';
import { goClusterctlPath, runGoClusterctl, runProcess } from '../harness/go-clusterctl.js';
import { clientFor, startExtraApiServer, uniqueName } from '../harness/index.js';
import { moveWithBothTools } from '../harness/move-parity.js';

/** A difference between the tools that is known and explained (README, "Parity with the Go tool"). */
interface AllowedDifference {
  /** Matches `apiVersion Kind namespace/name: path` lines of compareSnapshots. */
  pattern: RegExp;
  reason: string;
}

/** Kinds the API server writes for itself (identity leases, events, Service IP allocations). */
const serverWritten = new Set(['Event', 'Lease', 'IPAddress']);
/** The API servers' own objects, which name each server's CA and port. */
const serverOwn = new Set([
  'v1 ConfigMap kube-system/extension-apiserver-authentication',
  'v1 Service default/kubernetes',
]);

async function snapshot(client: KubeClient, namespace?: string): Promise<Map<string, KubeObject>> {
  const resources = (await client.serverResources()).filter(
    (r) =>
      r.verbs.includes('list') &&
      !r.name.includes('/') &&
      !serverWritten.has(r.kind) &&
      (namespace === undefined || r.namespaced),
  );
  const lists = await Promise.all(resources.map((r) => client.list(r.apiVersion, r.kind, { namespace })));
  const out = new Map<string, KubeObject>();
  resources.forEach((r, i) => {
    for (const o of lists[i]!) {
      const key = `${r.apiVersion} ${r.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
      if (!serverOwn.has(key)) out.set(key, { ...o, apiVersion: r.apiVersion, kind: r.kind });
    }
  });
  return out;
}

/** Replaces the values the API server assigns per write (identity, versions, times, service IPs). */
function normalise(o: KubeObject): Record<string, unknown> {
  const md: Record<string, unknown> = { ...o.metadata };
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields']) delete md[k];
  if (md.deletionTimestamp) md.deletionTimestamp = 'T';
  if (Array.isArray(md.ownerReferences))
    md.ownerReferences = (md.ownerReferences as Record<string, unknown>[]).map((r) => ({ ...r, uid: '' }));
  const copy = JSON.parse(JSON.stringify({ ...o, metadata: md })) as Record<string, unknown>;
  const status = copy.status as { conditions?: { lastTransitionTime?: string }[] } | undefined;
  for (const c of status?.conditions ?? []) if (c.lastTransitionTime) c.lastTransitionTime = 'T';
  const spec = copy.spec as { clusterIP?: string; clusterIPs?: string[] } | undefined;
  if (o.kind === 'Service' && spec?.clusterIP) {
    spec.clusterIP = 'IP';
    spec.clusterIPs = ['IP'];
  }
  return copy;
}

/** Paths (a.b[0].c) where two JSON values differ. */
function diffPaths(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (v: unknown) => typeof v === 'object' && v !== null;
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) return [path || '.'];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path} (${a.length} vs ${b.length} items)`];
    return a.flatMap((v, i) => diffPaths(v, b[i], `${path}[${i}]`));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort();
  return keys.flatMap((k) => diffPaths(ra[k], rb[k], `${path}.${k}`));
}

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsV1?: unknown;
}

/** Field paths of a fieldsV1 set, without the "." markers. */
function fieldSet(fields: unknown, prefix = ''): string[] {
  if (!fields || typeof fields !== 'object') return [];
  return Object.entries(fields as Record<string, unknown>).flatMap(([k, v]) =>
    k === '.' ? [] : [`${prefix}/${k}`, ...fieldSet(v, `${prefix}/${k}`)],
  );
}

/**
 * Who owns what: the managers and operations must match, except that ours installs with
 * server-side apply (operation Apply) where the Go tool creates and updates (operation Update).
 * An Apply owns the fields of the manifest; an Update also owns what the server defaulted; so
 * the fields ours owns must be a subset of the Go tool's.
 */
function compareOwnership(key: string, ours: KubeObject, theirs: KubeObject): string[] {
  const label = (e: ManagedFieldsEntry) => `${e.manager} ${e.operation}${e.subresource ? ` /${e.subresource}` : ''}`;
  // The entries' order only records which manager wrote last.
  const entries = (o: KubeObject) =>
    ((o.metadata.managedFields ?? []) as ManagedFieldsEntry[])
      .map((e) => ({ e, k: `${e.manager} ${e.subresource ?? ''}` }))
      .sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0))
      .map((x) => x.e);
  const a = entries(ours);
  const b = entries(theirs);
  const out: string[] = [];
  if (a.length !== b.length) return [`${key}: managedFields ${a.map(label).join(',')} vs ${b.map(label).join(',')}`];
  a.forEach((e, i) => {
    const g = b[i]!;
    if (e.manager !== g.manager || (e.subresource ?? '') !== (g.subresource ?? ''))
      out.push(`${key}: managedFields ${label(e)} vs ${label(g)}`);
    else if (e.operation === g.operation) {
      if (JSON.stringify(fieldSet(e.fieldsV1)) !== JSON.stringify(fieldSet(g.fieldsV1)))
        out.push(`${key}: managedFields ${label(e)} owns other fields`);
    } else if (e.operation === 'Apply' && g.operation === 'Update') {
      out.push(`${key}: managedFields ${label(e)} vs ${label(g)}`);
      const theirFields = new Set(fieldSet(g.fieldsV1));
      const extra = fieldSet(e.fieldsV1).filter((f) => !theirFields.has(f));
      if (extra.length > 0)
        out.push(`${key}: managedFields ${label(e)} owns fields the Go tool does not: ${extra.join(' ')}`);
    } else out.push(`${key}: managedFields ${label(e)} vs ${label(g)}`);
  });
  return out;
}

/** Every difference between two snapshots, one line each: `key: path`. */
function compareSnapshots(ours: Map<string, KubeObject>, theirs: Map<string, KubeObject>): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    const a = ours.get(key);
    const b = theirs.get(key);
    if (!a) out.push(`${key}: only written by the Go tool`);
    else if (!b) out.push(`${key}: only written by ours`);
    else {
      for (const p of diffPaths(normalise(a), normalise(b))) out.push(`${key}: ${p}`);
      out.push(...compareOwnership(key, a, b));
    }
  }
  return out;
}

/** Fails on any difference no allowed entry explains, and on an allowed entry that no longer occurs. */
function expectOnlyAllowed(diffs: string[], allowed: readonly AllowedDifference[], what: string): void {
  const unexplained = diffs.filter((d) => !allowed.some((a) => a.pattern.test(d)));
  expect(unexplained, `${what}: differences from the Go tool that are not in the allowed list`).toEqual([]);
  const stale = allowed.filter((a) => !diffs.some((d) => a.pattern.test(d))).map((a) => a.reason);
  expect(stale, `${what}: allowed differences that no longer occur (remove them from the list and the README)`).toEqual(
    [],
  );
}

/**
 * Objects an upgrade updated in place: ours server-side applies them (after turning the Update
 * entry of its create into an Apply entry), the Go tool re-creates them (operation Update), so the
 * field manager `clusterctl` has operation Apply and owns only the manifest's fields. Init creates
 * like the Go tool, so this appears only after an upgrade. Same objects, same content.
 */
const serverSideApply: AllowedDifference = {
  pattern: /: managedFields clusterctl Apply vs clusterctl Update$/,
  reason: 'server-side apply (operation Apply) where the Go tool creates/updates (operation Update)',
};

const initAllowed: readonly AllowedDifference[] = [
  {
    // The project writes no Go clusterctl text: the inventory CRD's schema, names, columns, labels
    // and annotations are the Go tool's, its descriptions are our own words (`kubectl explain`).
    pattern:
      /^apiextensions\.k8s\.io\/v1 CustomResourceDefinition \/providers\.clusterctl\.cluster\.x-k8s\.io: \.spec\.versions\[0\]\.(schema\.openAPIV3Schema(\.properties\.\w+)?|additionalPrinterColumns\[0\])\.description$/,
    reason: 'the inventory CRD descriptions are our own words',
  },
];

/**
 * `--from-directory`: the Go tool creates each object with the managedFields saved in the file in
 * the request, so the server keeps the saved owners it can still match (status writers, controllers
 * that set owner references); ours creates the object without them, so `clusterctl` owns all of it.
 * Content, labels, annotations and data are identical.
 */
const restoreAllowed: readonly AllowedDifference[] = [
  {
    pattern: /: managedFields clusterctl Update vs (.+,)?clusterctl Update(,.+)?$/,
    reason: '--from-directory restores without the saved managedFields (the Go tool keeps some of them)',
  },
];

const kubectl = '/usr/bin/kubectl';
const capiV = 'cluster.x-k8s.io/v1beta2';
const addonsV = 'addons.cluster.x-k8s.io/v1beta2';
/** The managers reconcile only objects with this label value (see the file comment). */
const watchFilterLabel = 'cluster.x-k8s.io/watch-filter';
const watchFilter = 'parity-real';

/** What the controllers write once a cluster is up, as far as move checks it. */
const provisioned = {
  initialization: { infrastructureProvisioned: true, controlPlaneInitialized: true },
  conditions: ['InfrastructureReady', 'ControlPlaneInitialized'].map((type) => ({
    type,
    status: 'True',
    reason: 'Provisioned',
    message: '',
    lastTransitionTime: '2026-11-01T00:00:00Z',
  })),
};

/**
 * `upgrade apply` updates each provider's objects in place (server-side apply; the Deployments are
 * scaled down first); the Go tool deletes the provider's components (CRDs and namespaces aside)
 * and creates the new ones. Same content; the objects ours kept have the generation their updates
 * gave them (scale-down and new template for a Deployment, new webhooks for a configuration) where
 * the Go tool's re-created ones start at 1.
 */
const upgradeInPlace: AllowedDifference = {
  pattern:
    /^(apps\/v1 Deployment|admissionregistration\.k8s\.io\/v1 (Mutating|Validating)WebhookConfiguration) [^:]+: \.metadata\.generation$/,
  reason: 'upgrade updates provider components in place where the Go tool deletes and re-creates them',
};

describe('end states next to the Go clusterctl on the real Cluster API releases', () => {
  const go = goClusterctlPath();
  const dir = mkdtempSync(join(tmpdir(), 'parity-real-'));
  const configPath = writeCapiConfig(dir);
  const env = {
    ...cliHome(join(dir, 'home')),
    CLUSTER_TOPOLOGY: 'true',
    // The default flavor's variables (generate cluster).
    DOCKER_POD_CIDRS: '192.168.0.0/16',
    DOCKER_SERVICE_CIDRS: '10.128.0.0/12',
    DOCKER_SERVICE_DOMAIN: 'cluster.local',
    CNI_RESOURCES: '{"cni.yaml": "kind: Namespace"}',
  };
  const servers: ApiServer[] = [];
  const start = async (name: string) => {
    const s = await startExtraApiServer({ name });
    servers.push(s);
    return s;
  };
  const ours = (server: ApiServer, ...args: string[]): Promise<CliResult> =>
    runClusterctl([...args, '--config', configPath, '--kubeconfig', server.kubeconfigPath], {
      env,
      timeoutMs: 600_000,
    });
  const theirs = (server: ApiServer, ...args: string[]): Promise<CliResult> =>
    runGoClusterctl(go!, [...args, '--config', configPath, '--kubeconfig', server.kubeconfigPath], { env });
  const both = async (a: ApiServer, b: ApiServer, ...args: string[]): Promise<void> => {
    const [mine, reference] = await Promise.all([ours(a, ...args), theirs(b, ...args)]);
    expect(reference.exitCode, `Go clusterctl ${args.join(' ')}: ${reference.stderr}`).toBe(0);
    expect(mine.exitCode, `clusterctl ${args.join(' ')}: ${mine.stderr}`).toBe(0);
  };
  /** Both tools check cert-manager with a test namespace they delete: let its deletion finish (up to 60 s). */
  const namespacesSettled = async (server: ApiServer): Promise<void> => {
    const client = clientFor(server.kubeconfig);
    for (let deadline = Date.now() + 60_000; Date.now() < deadline;) {
      const namespaces = await client.list('v1', 'Namespace');
      if (!namespaces.some((n) => n.metadata.deletionTimestamp)) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const compareServers = async (a: ApiServer, b: ApiServer): Promise<string[]> => {
    await Promise.all([namespacesSettled(a), namespacesSettled(b)]);
    const [sa, sb] = await Promise.all([snapshot(clientFor(a.kubeconfig)), snapshot(clientFor(b.kubeconfig))]);
    writeFileSync(join(dir, `${a.name}.json`), JSON.stringify(Object.fromEntries(sa), null, 1));
    writeFileSync(join(dir, `${b.name}.json`), JSON.stringify(Object.fromEntries(sb), null, 1));
    expect(sa.size).toBeGreaterThan(200);
    return compareSnapshots(sa, sb);
  };

  let source: ApiServer;
  let target: ApiServer;

  beforeAll(async () => {
    expect(go, 'the Go clusterctl reference binary (npm run setup:go-clusterctl)').toBeDefined();
    [source, target] = await Promise.all([start('parity-ours'), start('parity-go')]);
  });
  let failed = false;
  beforeEach((ctx) => {
    ctx.onTestFailed(() => {
      failed = true;
    });
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    // The snapshots and difference lists stay for a failed run.
    if (!failed) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`parity-real: snapshots and differences in ${dir}\n`);
  });

  it('init writes the same objects as the Go tool', { timeout: 900_000 }, async () => {
    await both(source, target, 'init', ...capiInitArgs());
    const diffs = await compareServers(source, target);
    writeFileSync(join(dir, 'init-diffs.txt'), diffs.join('\n'));
    expectOnlyAllowed(diffs, initAllowed, 'init');
  });

  it('upgrade apply v1.12.11 -> v1.13.5 leaves the same objects as the Go tool', { timeout: 1_200_000 }, async () => {
    const [a, b] = await Promise.all([start('parity-up-ours'), start('parity-up-go')]);
    await both(a, b, 'init', ...capiInitArgs('v1.12.11'));
    await both(a, b, 'upgrade', 'apply', '--contract', 'v1beta2');
    const diffs = await compareServers(a, b);
    writeFileSync(join(dir, 'upgrade-diffs.txt'), diffs.join('\n'));
    await Promise.all([a.stop(), b.stop()]);
    expectOnlyAllowed(diffs, [...initAllowed, serverSideApply, upgradeInPlace], 'upgrade apply');
  });

  describe('move between the two management clusters', () => {
    let sourceControllers: CapiControllers | undefined;
    let targetControllers: CapiControllers | undefined;
    let sc: KubeClient;
    let tc: KubeClient;
    const populated: string[] = [];

    /** What a user has in a namespace: three generated clusters (three flavors) and extra Secrets/ConfigMaps. */
    async function populate(ns: string): Promise<void> {
      const manifests: string[] = [];
      for (const [name, flavor] of [
        ['c1', 'development'],
        ['c2', 'in-memory'],
        ['c3', undefined],
      ] as const) {
        const generated = await ours(
          source,
          'generate',
          'cluster',
          name,
          ...(flavor ? ['--flavor', flavor] : []),
          ...'--infrastructure docker --kubernetes-version v1.35.0 --control-plane-machine-count 1'.split(' '),
          ...'--worker-machine-count 2 --target-namespace'.split(' '),
          ns,
        );
        expect(generated.exitCode, generated.stderr).toBe(0);
        manifests.push(generated.stdout);
      }
      await sc.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      const apply = async (docs: string[]) => {
        const applied = await runProcess(kubectl, ['--kubeconfig', source.kubeconfigPath, 'apply', '-f', '-'], {
          env: { PATH: process.env.PATH ?? '', HOME: dir },
          input: docs.join('\n---\n'),
        });
        expect(applied.exitCode, applied.stderr).toBe(0);
      };
      // Classes and templates first, reconciled once, then the Clusters (see reconcileClassesOnce).
      const docs = manifests.flatMap((m) => m.split(/^---\s*$/m)).filter((d) => d.trim() !== '');
      const isCluster = (d: string) => /^kind: Cluster$/m.test(d);
      await apply(docs.filter((d) => !isCluster(d)));
      await reconcileClassesOnce(ns);
      await apply(docs.filter(isCluster));
      const secret = (name: string, extra: Partial<KubeObject['metadata']> = {}, type = 'cluster.x-k8s.io/secret') =>
        sc.create({
          apiVersion: 'v1',
          kind: 'Secret',
          type,
          metadata: {
            name,
            namespace: ns,
            labels: { 'cluster.x-k8s.io/cluster-name': name.split('-')[0]!, team: 'blue' },
            annotations: { 'example.com/rotated': '2026-11-30' },
            ...extra,
          },
          data: { value: Buffer.from(`secret of ${name}\n`).toString('base64') },
        });
      await Promise.all([
        secret('c1-kubeconfig'),
        secret('c2-ca'),
        secret('c3-etcd'),
        secret(
          'registry-credentials',
          { labels: { 'clusterctl.cluster.x-k8s.io/move': '' }, annotations: { note: 'moved by label' } },
          'Opaque',
        ),
        sc.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'settings',
            namespace: ns,
            labels: { 'clusterctl.cluster.x-k8s.io/move': '', tier: 'gold' },
            annotations: { 'example.com/owner': 'ops' },
          },
          data: { 'a.yaml': 'x: 1\n', empty: '' },
          binaryData: { blob: Buffer.from([0, 1, 2, 255]).toString('base64') },
        }),
      ]);
      await ownAsControllersDo(ns, 'c3');
      // The controllers do not reconcile clusters here: play their provisioned status (never moved) so move starts.
      for (const cluster of await sc.list(capiV, 'Cluster', { namespace: ns }))
        await sc.replaceStatus({ ...cluster, status: provisioned });
      populated.push(ns);
    }

    /**
     * Lets the real ClusterClass controller reconcile a namespace's classes once (it makes each class
     * the owner of its templates), then filters them out again. No Cluster exists yet: the topology
     * controller, which follows class changes to their clusters, would create the clusters' objects
     * with random names.
     */
    async function reconcileClassesOnce(ns: string): Promise<void> {
      const classes = await sc.list(capiV, 'ClusterClass', { namespace: ns });
      const label = (value: string | null) => ({ metadata: { labels: { [watchFilterLabel]: value } } });
      for (const cc of classes)
        await sc.patch(
          { apiVersion: capiV, kind: 'ClusterClass', name: cc.metadata.name!, namespace: ns },
          label(watchFilter),
          'merge',
        );
      const deadline = Date.now() + 120_000;
      for (const cc of classes) {
        const ref = { apiVersion: capiV, kind: 'ClusterClass', name: cc.metadata.name!, namespace: ns };
        for (;;) {
          const current = await sc.get(ref);
          const observed = (current?.status as { observedGeneration?: number } | undefined)?.observedGeneration;
          if (observed !== undefined && observed === current?.metadata.generation) break;
          if (Date.now() > deadline) throw new Error(`ClusterClass ${ns}/${ref.name} was not reconciled within 120s`);
          await new Promise((r) => setTimeout(r, 500));
        }
        await sc.patch(ref, label(null), 'merge');
      }
    }

    /** The owner references the cluster, control plane, machine deployment and resource set controllers set on a classless cluster's objects. */
    async function ownAsControllersDo(ns: string, clusterName: string): Promise<void> {
      const cluster = (await sc.get({ apiVersion: capiV, kind: 'Cluster', name: clusterName, namespace: ns }))!;
      const owner = (controller: boolean) => ({
        apiVersion: capiV,
        kind: 'Cluster',
        name: clusterName,
        uid: cluster.metadata.uid!,
        ...(controller ? { controller: true, blockOwnerDeletion: true } : {}),
      });
      const owned: [string, string, string, boolean][] = [
        ['infrastructure.cluster.x-k8s.io/v1beta2', 'DockerCluster', clusterName, true],
        ['controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane', `${clusterName}-control-plane`, true],
        [capiV, 'MachineDeployment', `${clusterName}-md-0`, false],
        ['infrastructure.cluster.x-k8s.io/v1beta2', 'DockerMachineTemplate', `${clusterName}-control-plane`, false],
        ['infrastructure.cluster.x-k8s.io/v1beta2', 'DockerMachineTemplate', `${clusterName}-md-0`, false],
        ['bootstrap.cluster.x-k8s.io/v1beta2', 'KubeadmConfigTemplate', `${clusterName}-md-0`, false],
      ];
      // The ClusterResourceSet controller makes the set an owner of the resources it applies.
      const crs = (await sc.get({
        apiVersion: addonsV,
        kind: 'ClusterResourceSet',
        name: `${clusterName}-crs-0`,
        namespace: ns,
      }))!;
      await sc.patch(
        { apiVersion: 'v1', kind: 'ConfigMap', name: `cni-${clusterName}-crs-0`, namespace: ns },
        {
          metadata: {
            ownerReferences: [
              { apiVersion: addonsV, kind: 'ClusterResourceSet', name: crs.metadata.name!, uid: crs.metadata.uid! },
            ],
          },
        },
        'merge',
      );
      for (const [apiVersion, kind, name, controller] of owned)
        await sc.patch(
          { apiVersion, kind, name, namespace: ns },
          { metadata: { ownerReferences: [owner(controller)] } },
          'merge',
        );
    }

    beforeAll(async () => {
      sc = clientFor(source.kubeconfig);
      tc = clientFor(target.kubeconfig);

      sourceControllers = await startCapiControllers({
        kubeconfigPath: source.kubeconfigPath,
        client: sc,
        dir: join(dir, 'source-controllers'),
        extraArgs: [`--watch-filter=${watchFilter}`],
      });
      // One docker provider per host (fixed ports): the source's also serves the target's docker webhooks.
      targetControllers = await startCapiControllers({
        kubeconfigPath: target.kubeconfigPath,
        client: tc,
        dir: join(dir, 'target-controllers'),
        providers: ['cluster-api', 'bootstrap-kubeadm', 'control-plane-kubeadm'],
        extraArgs: [`--watch-filter=${watchFilter}`],
      });
      const capd = sourceControllers.managers.find((m) => m.provider === 'infrastructure-docker')!;
      await pointWebhooksAt(tc, 'infrastructure-docker', capd.webhookPort, sourceControllers.caCert);
    }, 20 * 60_000);
    afterAll(async () => {
      await targetControllers?.stop();
      await sourceControllers?.stop();
    });

    /** A namespace's objects with the namespace's own name replaced, for comparing two namespaces. */
    async function namespaceSnapshot(client: KubeClient, ns: string): Promise<Map<string, KubeObject>> {
      const out = new Map<string, KubeObject>();
      for (const [key, o] of await snapshot(client, ns)) {
        if (o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt') continue;
        const text = JSON.stringify(o)
          .split(ns)
          .join('NS')
          .replace(/k:\{\\"uid\\":\\"[0-9a-f-]+\\"\}/g, 'k:{uid}')
          .replace(/"time":"[^"]+"/g, '"time":"T"');
        out.set(key.split(ns).join('NS'), JSON.parse(text) as KubeObject);
      }
      return out;
    }

    it('leaves the target of a move as the Go tool does, whole objects compared', { timeout: 900_000 }, async () => {
      const {
        before,
        goTarget,
        oursTarget,
        goSource: goLeft,
        oursSource: oursLeft,
      } = await moveWithBothTools({
        go: go!,
        prefix: 'move',
        sourceKubeconfig: source.kubeconfigPath,
        targetKubeconfig: target.kubeconfigPath,
        populate,
        snapshot: (cluster, ns) => namespaceSnapshot(cluster === 'source' ? sc : tc, ns),
        run: { env, timeoutMs: 600_000 },
      });
      // Everything of the namespace moved: 3 clusters, their classes and templates, Secrets, ConfigMaps.
      expect([...goTarget.keys()].sort()).toEqual([...before.keys()].sort());
      expect([...oursTarget.keys()].sort()).toEqual([...before.keys()].sort());
      const diffs = compareSnapshots(oursTarget, goTarget);
      writeFileSync(join(dir, 'move-diffs.txt'), diffs.join('\n'));
      expectOnlyAllowed(diffs, [], 'move target');
      expect([...oursLeft.keys()].sort()).toEqual([...goLeft.keys()].sort());
    });

    it(
      "restores the other tool's --to-directory backup: whole objects, Secret and ConfigMap data, labels, annotations",
      {
        timeout: 900_000,
      },
      async () => {
        const nsGo = uniqueName('backup-go');
        const nsOurs = uniqueName('backup-ours');
        await Promise.all([populate(nsGo), populate(nsOurs)]);
        const goDir = mkdtempSync(join(dir, 'go-backup-'));
        const ourDir = mkdtempSync(join(dir, 'our-backup-'));
        const saved = await runGoClusterctl(
          go!,
          ['move', '-n', nsGo, '--kubeconfig', source.kubeconfigPath, '--to-directory', goDir],
          {
            env,
          },
        );
        expect(saved.exitCode, saved.stderr).toBe(0);
        const mineSaved = await runClusterctl(
          ['move', '-n', nsOurs, '--kubeconfig', source.kubeconfigPath, '--to-directory', ourDir],
          { env, timeoutMs: 600_000 },
        );
        expect(mineSaved.exitCode, mineSaved.stderr).toBe(0);
        expect(readdirSync(ourDir).length).toBe(readdirSync(goDir).length);

        // Cross: the Go tool restores ours, ours restores the Go tool's.
        const goRestores = await runGoClusterctl(
          go!,
          ['move', '--from-directory', ourDir, '--to-kubeconfig', target.kubeconfigPath],
          {
            env,
          },
        );
        expect(goRestores.exitCode, goRestores.stderr).toBe(0);
        const weRestore = await runClusterctl(
          ['move', '--from-directory', goDir, '--to-kubeconfig', target.kubeconfigPath],
          { env, timeoutMs: 600_000 },
        );
        expect(weRestore.exitCode, weRestore.stderr).toBe(0);

        const [restoredByGo, restoredByUs, sourceAfter] = await Promise.all([
          namespaceSnapshot(tc, nsOurs),
          namespaceSnapshot(tc, nsGo),
          namespaceSnapshot(sc, nsOurs),
        ]);
        expect([...restoredByGo.keys()].sort()).toEqual([...sourceAfter.keys()].sort());
        writeFileSync(join(dir, 'restored-by-us.json'), JSON.stringify(Object.fromEntries(restoredByUs), null, 1));
        writeFileSync(join(dir, 'restored-by-go.json'), JSON.stringify(Object.fromEntries(restoredByGo), null, 1));
        const diffs = compareSnapshots(restoredByUs, restoredByGo);
        writeFileSync(join(dir, 'restore-diffs.txt'), diffs.join('\n'));
        expectOnlyAllowed(diffs, restoreAllowed, 'cross-restore');
        // Secrets and ConfigMaps come back with their data, labels and annotations.
        for (const [key, obj] of sourceAfter) {
          if (obj.kind !== 'Secret' && obj.kind !== 'ConfigMap') continue;
          const back = restoredByUs.get(key)!;
          expect(back, key).toBeDefined();
          for (const field of ['data', 'binaryData', 'type'] as const)
            expect((back as Record<string, unknown>)[field], `${key} ${field}`).toEqual(
              (obj as Record<string, unknown>)[field],
            );
          expect(back.metadata.labels, key).toEqual(obj.metadata.labels);
          expect(back.metadata.annotations, key).toEqual(obj.metadata.annotations);
        }
      },
    );
  });
});
