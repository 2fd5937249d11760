/**
 * `init` and `upgrade apply` against objects a user really meets, through the built CLI on a real
 * API server: an object left with an immutable field set differently (init refuses before writing
 * anything; upgrade re-creates it), controllers that must stop before an upgrade (scale to zero,
 * waited for; a stuck one times out and the rest are scaled back), `--wait-providers`, and a
 * cert-manager upgrade that changes and then drops a CRD storage version.
 *
 * No controllers run here: a small stand-in below plays the Deployment controller by writing
 * `status` through the status subresource, as kube-controller-manager would.
 *
 * The provider releases are the project's small fixtures, not the real ones of
 * ../shared/fixtures/capi-repo: each test needs a release history the two real releases do not
 * have (a Deployment selector changed between versions, cert-manager releases that change and then
 * drop a CRD storage version). The real v1.12.11 -> v1.13.5 upgrade is upgrade-delete.test.ts
 * (beside the Go tool) and oci-init.test.ts (from a registry).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { listInstalledProviders } from '../../src/core/cluster/inventory.js';
import type { KubeClient } from '../../src/core/ports.js';
import type { KubeObject } from '../../src/types.js';
import type { ApiServer } from '../harness/apiserver.js';
import { runClusterctl, type RunOptions } from '../harness/cli.js';
import { goClusterctlPath, runGoClusterctl } from '../harness/go-clusterctl.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';
import {
  fixtureProviders,
  pinnedProviderFlags,
  writeCertManagerRelease,
  writeProviderRepository,
} from '../fixtures/provider-repo.js';

const pinned = pinnedProviderFlags('v1.13.0');
const namespaces = fixtureProviders.map((p) => p.namespace);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface DeploymentShape {
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  status?: { replicas?: number; conditions?: { type: string; status: string }[] };
}

/**
 * Plays the Deployment controller: status.replicas follows spec.replicas and Available turns True,
 * except for Deployments listed in `stuck` (their pods never go away) or `unavailable`.
 */
function startDeploymentController(client: KubeClient) {
  const stuck = new Set<string>();
  const unavailable = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const namespace of namespaces) {
        const deployments = await client.list('apps/v1', 'Deployment', { namespace }).catch(() => []);
        for (const d of deployments) {
          const key = `${namespace}/${d.metadata.name}`;
          const shape = d as DeploymentShape;
          const wanted = shape.spec?.replicas ?? 1;
          const current = shape.status?.replicas ?? 0;
          const replicas = wanted === 0 && stuck.has(key) ? current : wanted;
          const available = replicas > 0 && !unavailable.has(key) ? 'True' : 'False';
          const conditions = [{ type: 'Available', status: available, reason: 'Simulated' }];
          if (current === replicas && shape.status?.conditions?.[0]?.status === available) continue;
          await client
            .replaceStatus({ ...d, status: { replicas, readyReplicas: replicas, conditions } })
            .catch(() => undefined); // a concurrent write: try again on the next round
        }
      }
      await sleep(100);
    }
  })();
  return {
    stuck,
    unavailable,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

const deploymentRef = (namespace: string, name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name,
  namespace,
});
const crdRef = (name: string) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });

describe('init and upgrade apply on a cluster with history', () => {
  let server: ApiServer;
  let client: KubeClient;
  let repo: { base: string; configPath: string };
  let env: Record<string, string>;
  let controller: ReturnType<typeof startDeploymentController>;
  const configFor = (certManager: string) => {
    const path = join(repo.base, `clusterctl-${certManager}.yaml`);
    writeFileSync(path, readFileSync(repo.configPath, 'utf8').replace(/v1\.21\.1/g, certManager));
    return path;
  };
  const cli = (args: string[], options: RunOptions & { config?: string } = {}) =>
    runClusterctl([...args, '--config', options.config ?? repo.configPath, '--kubeconfig', server.kubeconfigPath], {
      env,
      timeoutMs: 120_000,
      ...options,
    });

  beforeAll(async () => {
    server = await startExtraApiServer({ name: 'upgrade-apply' });
    client = clientFor(server.kubeconfig);
    const dir = mkdtempSync(join(tmpdir(), 'upgrade-apply-repo-'));
    repo = writeProviderRepository(dir, [{ version: 'v1.13.0' }, { version: 'v1.13.1' }]);
    // docker v1.13.1 changes its Deployment selector, which the API server never lets an update do.
    const dockerFile = join(dir, 'infrastructure-docker', 'v1.13.1', 'infrastructure-components-development.yaml');
    const docs = parseAllDocuments(readFileSync(dockerFile, 'utf8')).map((d) => d.toJS() as KubeObject);
    for (const d of docs.filter((o) => o.kind === 'Deployment')) {
      const labels = {
        'cluster.x-k8s.io/provider': 'infrastructure-docker',
        'control-plane': 'capd-controller-manager',
      };
      (d.spec as { selector: unknown }).selector = { matchLabels: labels };
      (d.spec as { template: { metadata: { labels: unknown } } }).template.metadata.labels = labels;
    }
    writeFileSync(dockerFile, docs.map((d) => stringify(d)).join('---\n'));
    // cert-manager releases: v1.21.1 stores its CRDs in v1alpha2 and has objects later ones drop;
    // v1.22.0 moves the storage version to v1; v1.23.0 no longer serves v1alpha2 at all.
    writeCertManagerRelease(dir, 'v1.21.1', {
      crdVersions: ['v1alpha2', 'v1'],
      storageVersion: 'v1alpha2',
      legacyObjects: true,
    });
    writeCertManagerRelease(dir, 'v1.22.0', { crdVersions: ['v1alpha2', 'v1'], storageVersion: 'v1' });
    writeCertManagerRelease(dir, 'v1.23.0', { crdVersions: ['v1'], storageVersion: 'v1' });
    env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), XDG_CACHE_HOME: join(dir, 'cache') };
    controller = startDeploymentController(client);
  });
  afterAll(async () => {
    await controller?.stop();
    await server?.stop();
  });

  it('refuses to init over an object whose immutable field differs, changing nothing, and resumes once it is deleted', async () => {
    // Left behind by another tool (or an interrupted install of another version).
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'capd-system' } });
    await client.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'capd-controller-manager', namespace: 'capd-system' },
      spec: {
        selector: { matchLabels: { app: 'capd-from-elsewhere' } },
        template: {
          metadata: { labels: { app: 'capd-from-elsewhere' } },
          spec: { containers: [{ name: 'manager', image: 'example.com/capd:old' }] },
        },
      },
    });
    const refused = await cli(['init', ...pinned]);
    expect(refused.exitCode, refused.stderr).toBe(7);
    expect(refused.stderr).toContain('Deployment capd-system/capd-controller-manager');
    expect(refused.stderr).toContain('spec.selector');
    expect(refused.stderr).toContain('kubectl delete deployment -n capd-system capd-controller-manager');
    expect(refused.stderr).toContain('Nothing was changed on the cluster');
    // Nothing was written: no cert-manager, no provider namespaces, an empty inventory.
    for (const name of ['cert-manager', 'capi-system', 'capi-kubeadm-bootstrap-system'])
      expect(await client.get({ apiVersion: 'v1', kind: 'Namespace', name })).toBeUndefined();
    expect(await listInstalledProviders(client)).toEqual([]);

    await client.delete(deploymentRef('capd-system', 'capd-controller-manager'));
    const resumed = await cli(['init', ...pinned]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect((await listInstalledProviders(client)).map((p) => `${p.name}@${p.version}`)).toEqual([
      'cluster-api@v1.13.0',
      'bootstrap-kubeadm@v1.13.0',
      'control-plane-kubeadm@v1.13.0',
      'infrastructure-docker@v1.13.0',
    ]);
  });

  it('times out naming the Deployment that does not stop, and scales the controllers back up', async () => {
    const capi = deploymentRef('capi-system', 'capi-controller-manager');
    // Wait until the stand-in reports the controller running, as after a real install.
    for (let i = 0; i < 100 && ((await client.get(capi)) as DeploymentShape).status?.replicas !== 1; i++)
      await sleep(100);
    controller.stuck.add('capi-system/capi-controller-manager');
    const result = await cli(['upgrade', 'apply', '--core', 'cluster-api:v1.13.1', '--scale-down-timeout', '1']);
    expect(result.exitCode, result.stderr).toBe(8);
    expect(result.stderr).toContain('Deployment capi-system/capi-controller-manager (1 still running)');
    expect(result.stderr).toContain('--scale-down-timeout');
    expect(result.stderr).toContain('kubectl get pods -n capi-system');
    // Left as it was: the old controller runs again and the inventory still says v1.13.0.
    expect(((await client.get(capi)) as DeploymentShape).spec?.replicas).toBe(1);
    expect((await listInstalledProviders(client)).find((p) => p.name === 'cluster-api')?.version).toBe('v1.13.0');
    controller.stuck.clear();
  });

  it('upgrades after the controllers stopped, re-creates a Deployment whose selector changed, upgrades cert-manager and waits for the providers', async () => {
    // Custom resources stored by cert-manager v1.21.1 (storage version v1alpha2).
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    await client.create({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: 'team-issuer', namespace: 'apps' },
      spec: { selfSigned: {} },
    });
    await client.create({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'team-cert', namespace: 'apps' },
      spec: { dnsNames: ['team.example.com'], secretName: 'team-cert-tls', issuerRef: { name: 'team-issuer' } },
    });
    const capd = 'capd-system/capd-controller-manager';
    const capi = 'capi-system/capi-controller-manager';
    controller.unavailable.add(capd);
    // The core controller's pod takes a while to go: the upgrade must wait for it, saying so.
    controller.stuck.add(capi);
    let sawScaleDownWait = false;
    let sawPending = false;
    const result = await cli(
      ['upgrade', 'apply', '--contract', 'v1beta2', '--wait-providers', '--wait-provider-timeout', '60', '-v', '1'],
      {
        config: configFor('v1.22.0'),
        onStderr: (_chunk, all) => {
          if (!sawScaleDownWait && all.includes(`Waiting for Deployment ${capi} (1 replica left)`)) {
            sawScaleDownWait = true;
            controller.stuck.delete(capi);
          }
          // The progress names the Deployment it waits for; then it becomes Available.
          if (!sawPending && all.includes(`Deployment ${capd} not yet Available`)) {
            sawPending = true;
            controller.unavailable.delete(capd);
          }
        },
      },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(sawScaleDownWait).toBe(true);
    expect(sawPending).toBe(true);
    expect(result.stderr).toContain('cert-manager upgraded from v1.21.1 to v1.22.0');
    expect(result.stderr).toContain('infrastructure-docker is available');
    expect((await listInstalledProviders(client)).map((p) => p.version)).toEqual([
      'v1.13.1',
      'v1.13.1',
      'v1.13.1',
      'v1.13.1',
    ]);
    // The docker controller was re-created with the selector of v1.13.1.
    const docker = (await client.get(deploymentRef('capd-system', 'capd-controller-manager'))) as DeploymentShape;
    expect(docker.spec?.selector?.matchLabels?.['control-plane']).toBe('capd-controller-manager');

    // cert-manager: the objects v1.22.0 no longer has are gone, the CRs survived and were moved to v1.
    expect(
      await client.get({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        name: 'cert-manager-legacy-cainjector',
        namespace: 'cert-manager',
      }),
    ).toBeUndefined();
    expect(
      await client.get({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        name: 'cert-manager-legacy-view',
      }),
    ).toBeUndefined();
    const cm = await client.get(deploymentRef('cert-manager', 'cert-manager'));
    expect(cm?.metadata.annotations?.['cert-manager.clusterctl.cluster.x-k8s.io/version']).toBe('v1.22.0');
    for (const crd of ['certificates.cert-manager.io', 'issuers.cert-manager.io']) {
      const status = (await client.get(crdRef(crd)))?.status as { storedVersions?: string[] };
      expect(status.storedVersions, crd).toEqual(['v1']);
    }
    const cert = await client.get({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      name: 'team-cert',
      namespace: 'apps',
    });
    expect((cert?.spec as { dnsNames: string[] }).dnsNames).toEqual(['team.example.com']);
  });

  it('migrates the objects first when a cert-manager release drops a version still recorded as stored', async () => {
    // As the Go tool leaves a cluster after the previous upgrade: both versions recorded as stored.
    for (const crd of ['certificates.cert-manager.io', 'issuers.cert-manager.io']) {
      const current = (await client.get(crdRef(crd)))!;
      await client.replaceStatus({
        ...current,
        status: { ...(current.status as object), storedVersions: ['v1alpha2', 'v1'] },
      });
    }
    const count = async (kind: string) => (await client.list('cert-manager.io/v1', kind)).length;
    const objects = (await count('Certificate')) + (await count('Issuer'));
    const result = await cli(['upgrade', 'apply', '--contract', 'v1beta2'], { config: configFor('v1.23.0') });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `cert-manager upgraded from v1.22.0 to v1.23.0 (${objects} custom resources migrated`,
    );
    const crd = (await client.get(crdRef('certificates.cert-manager.io')))!;
    expect((crd.spec as { versions: { name: string }[] }).versions.map((v) => v.name)).toEqual(['v1']);
    expect((crd.status as { storedVersions: string[] }).storedVersions).toEqual(['v1']);
    const issuer = await client.get({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      name: 'team-issuer',
      namespace: 'apps',
    });
    expect(issuer?.spec).toEqual({ selfSigned: {} });
  });

  it('reports a provider that does not become Available within --wait-provider-timeout, naming its Deployment', async () => {
    const from = join(repo.base, 'infrastructure-docker', 'v1.13.1');
    const to = join(repo.base, 'infrastructure-docker', 'v1.13.2');
    cpSync(from, to, { recursive: true });
    controller.unavailable.add('capd-system/capd-controller-manager');
    const result = await cli([
      'upgrade',
      'apply',
      '-i',
      'docker:v1.13.2',
      '--wait-providers',
      '--wait-provider-timeout',
      '1',
    ]);
    expect(result.exitCode, result.stderr).toBe(8);
    expect(result.stderr).toContain('capd-system/capd-controller-manager to become Available');
    expect(result.stderr).toContain('--wait-provider-timeout');
    // The upgrade itself is done and recorded; only the wait failed.
    expect((await listInstalledProviders(client)).find((p) => p.name === 'infrastructure-docker')?.version).toBe(
      'v1.13.2',
    );
    controller.unavailable.clear();
  });

  it('re-installs cert-manager at the same version when one of its objects was deleted, as the Go tool plans it', async () => {
    const go = goClusterctlPath();
    expect(go, 'the Go clusterctl reference binary is required (scripts/setup-go-clusterctl.sh)').toBeDefined();
    const config = configFor('v1.23.0');
    const plan = ['upgrade', 'plan', '--config', config, '--kubeconfig', server.kubeconfigPath];
    expect((await runClusterctl(plan, { env })).stdout.split('\n')[0]).toBe('Cert-Manager is already up to date');
    await client.delete(deploymentRef('cert-manager', 'cert-manager'));
    const mine = await runClusterctl(plan, { env });
    const reference = await runGoClusterctl(go!, plan, { env });
    expect(mine.stdout.split('\n')[0]).toBe('Cert-Manager will be upgraded from "v1.23.0" to "v1.23.0"');
    expect(mine.stdout).toBe(reference.stdout);
    const applied = await cli(['upgrade', 'apply', '--contract', 'v1beta2'], { config });
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(await client.get(deploymentRef('cert-manager', 'cert-manager'))).toBeDefined();
    expect((await runClusterctl(plan, { env })).stdout.split('\n')[0]).toBe('Cert-Manager is already up to date');
  });
});
