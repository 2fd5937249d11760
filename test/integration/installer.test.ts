/**
 * The cluster side of init on a real API server: inventory CRD and Provider objects (readable by
 * kubectl exactly like the Go tool's), tiered apply of realistic provider components, idempotent
 * re-apply, cert-manager detection, and waiting for Deployments with the status a controller sets.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCertManager, probeCertManager } from '../../src/core/cluster/cert-manager.js';
import {
  applyComponents,
  planApplyTiers,
  waitForCrdsEstablished,
  waitForDeployments,
} from '../../src/core/cluster/installer.js';
import { ensureInventoryCrd, listInstalledProviders, saveInstalledProvider } from '../../src/core/cluster/inventory.js';
import { silentReporter, type KubeClient } from '../../src/core/ports.js';
import { ClusterctlError } from '../../src/errors.js';
import type { KubeObject } from '../../src/types.js';
import type { ApiServer } from '../harness/apiserver.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';
import { fixtureCertManager, fixtureComponents, fixtureProviders } from '../fixtures/provider-repo.js';

function concrete(objects: KubeObject[]): KubeObject[] {
  // What the components pipeline produces: variables resolved, clusterctl labels added.
  return (JSON.parse(JSON.stringify(objects).replace(/\$\{[A-Z_]+:=([^}]*)\}/g, '$1')) as KubeObject[]).map((o) => ({
    ...o,
    metadata: {
      ...o.metadata,
      labels: { ...o.metadata.labels, 'clusterctl.cluster.x-k8s.io': '', 'cluster.x-k8s.io/provider': 'cluster-api' },
    },
  }));
}

describe('installer, inventory and cert-manager on a real API server', () => {
  let server: ApiServer;
  let client: KubeClient;
  beforeAll(async () => {
    server = await startExtraApiServer({ name: 'installer' });
    client = clientFor(server.kubeconfig);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('creates the inventory CRD once and stores Provider objects kubectl can list', async () => {
    expect(await ensureInventoryCrd(client)).toBe(true);
    expect(await ensureInventoryCrd(client)).toBe(false);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'capd-system' } });
    await saveInstalledProvider(client, {
      namespace: 'capd-system',
      providerName: 'docker',
      type: 'InfrastructureProvider',
      version: 'v1.13.0',
    });
    await saveInstalledProvider(client, {
      namespace: 'capd-system',
      providerName: 'docker',
      type: 'InfrastructureProvider',
      version: 'v1.13.1',
    });
    const providers = await listInstalledProviders(client);
    expect(providers).toEqual([
      {
        name: 'infrastructure-docker',
        namespace: 'capd-system',
        providerName: 'docker',
        type: 'InfrastructureProvider',
        version: 'v1.13.1',
      },
    ]);
    const table = execFileSync(
      'kubectl',
      ['--kubeconfig', server.kubeconfigPath, 'get', 'providers.clusterctl.cluster.x-k8s.io', '-A', '--show-labels'],
      { encoding: 'utf8' },
    );
    expect(table).toMatch(/capd-system\s+infrastructure-docker\s+\S+\s+InfrastructureProvider\s+docker\s+v1\.13\.1/);
    expect(table).toContain('cluster.x-k8s.io/provider=infrastructure-docker');
    expect(table).toContain('clusterctl.cluster.x-k8s.io/core=inventory');
  });

  it('orders Namespaces, CRDs, RBAC and workloads into tiers', () => {
    const tiers = planApplyTiers(concrete(fixtureComponents(fixtureProviders[0]!, 'v1.13.0')));
    expect(tiers.map((t) => [...new Set(t.map((o) => o.kind))])).toEqual([
      ['Namespace'],
      ['CustomResourceDefinition'],
      ['ServiceAccount', 'ClusterRole'],
      ['ClusterRoleBinding', 'Service', 'Deployment', 'ValidatingWebhookConfiguration'],
      ['Issuer', 'Certificate'],
    ]);
  });

  it('detects a missing cert-manager, installs it, then sees it as installed', async () => {
    expect(await probeCertManager(client)).toBe(false);
    const installed = await ensureCertManager(
      {
        client,
        reporter: silentReporter,
        fetchManifest: () => Promise.resolve(fixtureCertManager('v1.21.1')),
        sleep: () => Promise.resolve(),
      },
      { version: 'v1.21.1', url: 'unused', timeoutMs: 30_000, externallyProvisioned: false },
    );
    expect(installed).toBe('installed');
    const deployment = await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'cert-manager',
      namespace: 'cert-manager',
    });
    expect(deployment?.metadata.labels).toMatchObject({
      'clusterctl.cluster.x-k8s.io': '',
      'clusterctl.cluster.x-k8s.io/core': 'cert-manager',
    });
    expect(deployment?.metadata.annotations?.['cert-manager.clusterctl.cluster.x-k8s.io/version']).toBe('v1.21.1');
    const again = await ensureCertManager(
      { client, reporter: silentReporter, fetchManifest: () => Promise.reject(new Error('must not fetch')) },
      { version: 'v1.21.1', url: 'unused', timeoutMs: 30_000, externallyProvisioned: false },
    );
    expect(again).toBe('already-installed');
    // The probe cleans up after itself.
    expect(
      await client.get({
        apiVersion: 'cert-manager.io/v1',
        kind: 'Issuer',
        name: 'test-selfsigned',
        namespace: 'cert-manager-test',
      }),
    ).toBeUndefined();
  });

  it('with deferCrdWait, waits only for CRDs a later object of the same call uses, and lists the CRDs for the caller', async () => {
    const crd = (kind: string): KubeObject => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${kind.toLowerCase()}s.defer.example.com` },
      spec: {
        group: 'defer.example.com',
        names: { kind, plural: `${kind.toLowerCase()}s`, singular: kind.toLowerCase(), listKind: `${kind}List` },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'defer-test' } },
      crd('Used'),
      crd('Unused'),
      // a custom resource of a CRD applied in the same call: it can only be created once that CRD is served
      { apiVersion: 'defer.example.com/v1', kind: 'Used', metadata: { name: 'one', namespace: 'defer-test' } },
    ];
    const result = await applyComponents(client, objects, { deferCrdWait: true });
    expect(result.applied).toBe(4);
    expect(result.crds.sort()).toEqual(['unuseds.defer.example.com', 'useds.defer.example.com']);
    await waitForCrdsEstablished(client, result.crds);
    const unused = await client.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'unuseds.defer.example.com',
    });
    const conditions = (unused?.status as { conditions?: { type: string; status: string }[] }).conditions ?? [];
    expect(conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));
  });

  it('applies provider components (CRDs established before custom resources) and re-applies without changes', async () => {
    const objects = concrete(fixtureComponents(fixtureProviders[0]!, 'v1.13.0'));
    const progress: number[] = [];
    const result = await applyComponents(client, objects, { onProgress: (n) => progress.push(n) });
    expect(result.applied).toBe(objects.length);
    expect(progress.at(-1)).toBe(objects.length);
    const crd = await client.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'clusters.cluster.x-k8s.io',
    });
    expect(
      (crd?.spec as { conversion: { webhook: { clientConfig: { service: { namespace: string } } } } }).conversion
        .webhook.clientConfig.service.namespace,
    ).toBe('capi-system');
    const before = await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'capi-controller-manager',
      namespace: 'capi-system',
    });
    await applyComponents(client, objects);
    const after = await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'capi-controller-manager',
      namespace: 'capi-system',
    });
    expect(after?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
    expect(after?.metadata.generation).toBe(1);
  });

  it('creates on a fresh install like the Go tool, and a later apply still drops the fields a new manifest removed', async () => {
    const ownersOf = async (name: string) =>
      (
        (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'capi-system' }))?.metadata
          .managedFields as { manager: string; operation: string }[]
      ).map((e) => `${e.manager} ${e.operation}`);
    const v1 = (name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'capi-system', labels: { old: 'yes', kept: 'yes' } },
      data: { old: 'v1', kept: 'v1' },
    });
    const v2 = (name: string): KubeObject => ({
      ...v1(name),
      metadata: { name, namespace: 'capi-system', labels: { kept: 'yes' } },
      data: { kept: 'v2' },
    });
    // Installed by init (ours creates, as the Go tool does: operation Update), or by the Go tool itself.
    await applyComponents(client, [v1('created-by-init')], { createNew: true });
    expect(await ownersOf('created-by-init')).toEqual(['clusterctl Update']);
    await client.create(v1('created-by-go'), { fieldManager: 'clusterctl' });
    // Upgraded by ours (server-side apply of the new manifest).
    await applyComponents(client, [v2('created-by-init'), v2('created-by-go')]);
    for (const name of ['created-by-init', 'created-by-go']) {
      const cm = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'capi-system' });
      expect(cm?.data, name).toEqual({ kept: 'v2' });
      expect(cm?.metadata.labels, name).toEqual({ kept: 'yes' });
      expect(await ownersOf(name)).toEqual(['clusterctl Apply']);
    }
    // A re-run of init over what exists converges through the apply.
    await applyComponents(client, [v2('created-by-init')], { createNew: true });
    expect(await ownersOf('created-by-init')).toEqual(['clusterctl Apply']);
  });

  it('names the object when the server rejects it', async () => {
    const bad: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'broken', namespace: 'capi-system' },
      spec: { ports: [{ port: 'not-a-number' }] },
    };
    await expect(applyComponents(client, [bad])).rejects.toThrow(/apply Service capi-system\/broken/);
  });

  it('waits for manager Deployments to become Available, naming the ones it waits for', async () => {
    const objects = concrete(fixtureComponents(fixtureProviders[0]!, 'v1.13.0'));
    const waiting: string[][] = [];
    const timeout = waitForDeployments(client, objects, {
      timeoutMs: 300,
      pollMs: 50,
      onWaiting: (p) => waiting.push(p),
    });
    await expect(timeout).rejects.toBeInstanceOf(ClusterctlError);
    await expect(timeout).rejects.toThrow(/capi-system\/capi-controller-manager to become Available/);
    await expect(timeout).rejects.toMatchObject({ hint: expect.stringContaining('kubectl get pods -n capi-system)') });
    expect(waiting[0]).toEqual(['capi-system/capi-controller-manager']);

    // Act as the deployment controller would.
    const deployment = (await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'capi-controller-manager',
      namespace: 'capi-system',
    }))!;
    await client.replaceStatus({
      ...deployment,
      status: {
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            lastUpdateTime: new Date().toISOString(),
            lastTransitionTime: new Date().toISOString(),
          },
        ],
      },
    });
    await waitForDeployments(client, objects, { timeoutMs: 5000, pollMs: 50 });
  });
});

describe('cert-manager check on a server whose namespaces never finish deleting', () => {
  let server: ApiServer;
  let client: KubeClient;
  beforeAll(async () => {
    // No controller manager: a deleted namespace with the kubernetes finalizer stays Terminating.
    server = await startExtraApiServer({ name: 'cm-terminating', controllerManager: false });
    client = clientFor(server.kubeconfig);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('says what it waits for when an earlier check left its namespace terminating', async () => {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cert-manager-test' } });
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'cert-manager-test' });
    const ns = await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'cert-manager-test' });
    expect(ns?.metadata.deletionTimestamp).toBeDefined();

    const said: string[] = [];
    const stop = new AbortController();
    const run = ensureCertManager(
      {
        client,
        reporter: {
          ...silentReporter,
          info: (message) => {
            said.push(message);
            stop.abort();
          },
        },
        fetchManifest: () => Promise.reject(new Error('must not install before the check has answered')),
        signal: stop.signal,
      },
      { version: 'v1.21.1', url: 'unused', timeoutMs: 600_000, externallyProvisioned: false },
    );
    await expect(run).rejects.toThrow();
    expect(said).toEqual([
      'Waiting up to 60s for namespace cert-manager-test (left by an earlier cert-manager check) to finish deleting',
    ]);
  }, 180_000);
});
