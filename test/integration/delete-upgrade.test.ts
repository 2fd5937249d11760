/**
 * delete and upgrade core logic against a real API server with realistic provider objects. The
 * library calls get the project's fixture releases because the tests need version lists the real
 * releases do not have (v1.14.0, a release candidate, a core four minors behind); the same delete
 * and upgrade on the real v1.12.11 / v1.13.5 releases, through the CLI and beside the Go tool, is
 * test/e2e/upgrade-delete.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyComponents } from '../../src/core/cluster/installer.js';
import { ensureInventoryCrd, listInstalledProviders, saveInstalledProvider } from '../../src/core/cluster/inventory.js';
import { deleteProviders, planDelete } from '../../src/core/delete.js';
import { silentReporter, type KubeClient } from '../../src/core/ports.js';
import { applyUpgrade, formatUpgradePlan, planUpgrade, type UpgradeDeps } from '../../src/core/upgrade.js';
import { ClusterctlError } from '../../src/errors.js';
import type { ApiServer } from '../harness/apiserver.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';
import { fixtureCertManager, fixtureProviders, installedFixture } from '../fixtures/provider-repo.js';

const [core, bootstrap, controlPlane, docker] = fixtureProviders as [
  (typeof fixtureProviders)[0],
  (typeof fixtureProviders)[0],
  (typeof fixtureProviders)[0],
  (typeof fixtureProviders)[0],
];

describe('delete and upgrade on a real API server', () => {
  let server: ApiServer;
  let client: KubeClient;
  beforeAll(async () => {
    server = await startExtraApiServer({ name: 'delete-upgrade' });
    client = clientFor(server.kubeconfig);
    await ensureInventoryCrd(client);
    await applyComponents(client, fixtureCertManager('v1.21.1'));
    for (const p of [core, bootstrap, controlPlane, docker]) {
      await applyComponents(client, installedFixture(p, 'v1.13.0'));
      await saveInstalledProvider(client, {
        namespace: p.namespace,
        providerName: p.name,
        type: p.type,
        version: 'v1.13.0',
      });
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  const series = {
    apiVersion: 'clusterctl.cluster.x-k8s.io/v1alpha3',
    kind: 'Metadata',
    releaseSeries: [
      { major: 1, minor: 13, contract: 'v1beta2' },
      { major: 1, minor: 14, contract: 'v1beta2' },
    ],
  };
  const deps = (versions: string[]): UpgradeDeps => ({
    client,
    reporter: silentReporter,
    repositoryInfo: () => Promise.resolve({ versions, metadata: series }),
    fetchComponents: (request) => {
      const p = fixtureProviders.find((f) => f.name === request.name && f.type === request.type)!;
      return Promise.resolve({
        name: p.name,
        type: p.type,
        version: request.version!,
        targetNamespace: p.namespace,
        url: 'fixture',
        contract: 'v1beta2',
        objects: installedFixture(p, request.version!),
        variables: [],
        images: [],
      });
    },
  });

  it('plans the newest stable release of every provider and prints the Go table', async () => {
    const plan = await planUpgrade(deps(['v1.13.0', 'v1.13.1', 'v1.14.0', 'v1.15.0-rc.0']));
    expect(plan.plans).toHaveLength(1);
    expect(plan.plans[0]!.items.map((i) => [i.provider.name, i.nextVersion])).toEqual([
      ['bootstrap-kubeadm', 'v1.14.0'],
      ['control-plane-kubeadm', 'v1.14.0'],
      ['cluster-api', 'v1.14.0'],
      ['infrastructure-docker', 'v1.14.0'],
    ]);
    const text = formatUpgradePlan(plan);
    expect(text).toContain('Latest release available for the v1beta2 Cluster API contract version:');
    expect(text).toMatch(/NAME\s+NAMESPACE\s+TYPE\s+CURRENT VERSION\s+NEXT VERSION/);
    expect(text).toMatch(/cluster-api\s+capi-system\s+CoreProvider\s+v1\.13\.0\s+v1\.14\.0/);
    expect(text).toContain('clusterctl upgrade apply --contract v1beta2');
  });

  it('refuses to skip more than three minor versions of the core provider', async () => {
    await saveInstalledProvider(client, {
      namespace: 'capi-system',
      providerName: 'cluster-api',
      type: 'CoreProvider',
      version: 'v1.10.0',
    });
    await expect(
      applyUpgrade(deps([]), { providers: [{ name: 'cluster-api', type: 'CoreProvider', version: 'v1.14.0' }] }),
    ).rejects.toThrow(/can't skip more than 3 versions/);
    await saveInstalledProvider(client, {
      namespace: 'capi-system',
      providerName: 'cluster-api',
      type: 'CoreProvider',
      version: 'v1.13.0',
    });
  });

  it('upgrades a provider in place: new image, inventory updated, CRDs kept', async () => {
    const crdBefore = await client.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'dockerclusters.infrastructure.cluster.x-k8s.io',
    });
    const upgraded = await applyUpgrade(deps([]), {
      providers: [{ name: 'docker', type: 'InfrastructureProvider', version: 'v1.13.1' }],
    });
    expect(upgraded.map((u) => u.nextVersion)).toEqual(['v1.13.1']);
    const deployment = await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'capd-controller-manager',
      namespace: 'capd-system',
    });
    const spec = deployment!.spec as { template: { spec: { containers: { image: string }[] } } };
    expect(spec.template.spec.containers[0]!.image).toBe('registry.k8s.io/cluster-api/capd-controller:v1.13.1');
    const crdAfter = await client.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'dockerclusters.infrastructure.cluster.x-k8s.io',
    });
    expect(crdAfter!.metadata.uid).toBe(crdBefore!.metadata.uid);
    expect((await listInstalledProviders(client)).find((p) => p.name === 'infrastructure-docker')?.version).toBe(
      'v1.13.1',
    );
  });

  it('refuses --include-crd while custom objects exist, naming one', async () => {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fleet' } });
    await client.create({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'DockerMachineTemplate',
      metadata: { name: 'c1', namespace: 'fleet' },
    });
    const error = await planDelete(client, {
      providers: [{ name: 'docker', type: 'InfrastructureProvider' }],
      includeCrd: true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterctlError);
    expect((error as ClusterctlError).message).toContain('DockerMachineTemplate fleet/c1');
  });

  it('deletes a provider by the Go rules: namespaced objects, webhooks and inventory go; CRDs, namespace and unprefixed ClusterRoles stay', async () => {
    const result = await deleteProviders(
      { client, reporter: silentReporter },
      { providers: [{ name: 'docker', type: 'InfrastructureProvider' }] },
    );
    expect(result.deleted).toBeGreaterThan(0);
    const get = (apiVersion: string, kind: string, name: string, namespace?: string) =>
      client.get({ apiVersion, kind, name, namespace });
    expect(await get('apps/v1', 'Deployment', 'capd-controller-manager', 'capd-system')).toBeUndefined();
    expect(
      await get(
        'admissionregistration.k8s.io/v1',
        'ValidatingWebhookConfiguration',
        'capd-validating-webhook-configuration',
      ),
    ).toBeUndefined();
    expect(
      await get(
        'apiextensions.k8s.io/v1',
        'CustomResourceDefinition',
        'dockerclusters.infrastructure.cluster.x-k8s.io',
      ),
    ).toBeDefined();
    expect(await get('v1', 'Namespace', 'capd-system')).toBeDefined();
    expect(await get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'capd-manager-role')).toBeDefined();
    expect((await listInstalledProviders(client)).map((p) => p.name)).toEqual([
      'cluster-api',
      'bootstrap-kubeadm',
      'control-plane-kubeadm',
    ]);
    // The custom object survives a delete without --include-crd.
    expect(await get('infrastructure.cluster.x-k8s.io/v1beta2', 'DockerMachineTemplate', 'c1', 'fleet')).toBeDefined();
    // A second delete of the same provider says it is not installed.
    await expect(
      deleteProviders(
        { client, reporter: silentReporter },
        { providers: [{ name: 'docker', type: 'InfrastructureProvider' }] },
      ),
    ).rejects.toThrow(/infrastructure-docker provider is not installed/);
  });
});
