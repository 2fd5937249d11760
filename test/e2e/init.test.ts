/**
 * `clusterctl init` end to end: the built CLI, the real Cluster API v1.12.11 / v1.13.5 releases of
 * ../shared/fixtures/capi-repo as the local repository (cert-manager is that folder's stand-in: its
 * CRDs and a Deployment), and a real API server. Covers first run, re-runs, dry-run, and the bad
 * inputs of issue 4. Two small providers are the test's own, for what real releases never contain:
 * components that need a variable without default, and metadata without a series for a release.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { listInstalledProviders } from '../../src/core/cluster/inventory.js';
import type { KubeClient } from '../../src/core/ports.js';
import type { ApiServer } from '../harness/apiserver.js';
import { runClusterctl } from '../harness/cli.js';
import { goClusterctlPath, runGoClusterctl } from '../harness/go-clusterctl.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';
import { metadataYaml } from '../fixtures/provider-repo.js';
import { cliHome, writeCapiConfig } from '../harness/capi-management.js';

describe('clusterctl init', { timeout: 300_000 }, () => {
  let server: ApiServer;
  let client: KubeClient;
  let repo: { base: string; configPath: string };
  let env: Record<string, string>;
  const cli = (...args: string[]) =>
    runClusterctl([...args, '--config', repo.configPath, '--kubeconfig', server.kubeconfigPath], {
      env,
      timeoutMs: 240_000,
    });

  beforeAll(async () => {
    server = await startExtraApiServer({ name: 'init' });
    client = clientFor(server.kubeconfig);
    const dir = mkdtempSync(join(tmpdir(), 'init-repo-'));
    // An extra provider whose components need a variable without default.
    const needs = join(dir, 'infrastructure-needvars', 'v0.1.0');
    mkdirSync(needs, { recursive: true });
    writeFileSync(join(needs, 'metadata.yaml'), metadataYaml([[0, 1, 'v1beta2']]));
    writeFileSync(
      join(needs, 'infrastructure-components.yaml'),
      stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'needvars-system' } }) +
        '---\n' +
        stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'creds', namespace: 'needvars-system' },
          data: { credentials: '${NEEDVARS_B64ENCODED_CREDENTIALS}', region: '${NEEDVARS_REGION}' },
        }),
    );
    // A provider whose newest release is missing from its metadata's release series.
    for (const version of ['v0.1.0', 'v0.2.0']) {
      const folder = join(dir, 'infrastructure-oddseries', version);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'metadata.yaml'), metadataYaml([[0, 1, 'v1beta2']]));
      writeFileSync(
        join(folder, 'infrastructure-components.yaml'),
        stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'oddseries-system' } }),
      );
    }
    const extra = (name: string) =>
      `  - {name: ${name}, type: InfrastructureProvider, url: ${join(dir, `infrastructure-${name}`, 'latest', 'infrastructure-components.yaml')}}\n`;
    repo = { base: dir, configPath: writeCapiConfig(dir) };
    writeFileSync(
      repo.configPath,
      readFileSync(repo.configPath, 'utf8').replace(
        'providers:\n',
        `providers:\n${extra('needvars')}${extra('oddseries')}`,
      ),
    );
    env = cliHome(dir);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('prints a dry-run plan without touching the cluster', async () => {
    const result = await cli('init', '--infrastructure', 'docker', '--dry-run', '-o', 'json');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      firstRun: boolean;
      providers: { name: string; type: string; version: string; namespace: string; variables: string[] }[];
    };
    expect(plan.firstRun).toBe(true);
    expect(
      plan.providers.map((p: { name: string; type: string; version: string; namespace: string }) => [
        p.type,
        p.name,
        p.version,
        p.namespace,
      ]),
    ).toEqual([
      ['CoreProvider', 'cluster-api', 'v1.13.5', 'capi-system'],
      ['BootstrapProvider', 'kubeadm', 'v1.13.5', 'capi-kubeadm-bootstrap-system'],
      ['ControlPlaneProvider', 'kubeadm', 'v1.13.5', 'capi-kubeadm-control-plane-system'],
      ['InfrastructureProvider', 'docker', 'v1.13.5', 'capd-system'],
    ]);
    expect(plan.providers[0]!.variables).toEqual(expect.arrayContaining(['CLUSTER_TOPOLOGY']));
    expect(await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'capi-system' })).toBeUndefined();
    const text = await cli('init', '-i', 'docker', '--dry-run');
    expect(text.stdout).toMatch(/PROVIDER\s+TYPE\s+VERSION\s+NAMESPACE\s+OBJECTS\s+ACTION/);
    expect(text.stdout).toMatch(
      /infrastructure-docker\s+InfrastructureProvider\s+v1\.13\.5\s+capd-system\s+\d+\s+install/,
    );
  });

  it('lists the images init would install, cert-manager included, like the Go tool', async () => {
    const result = await cli('init', 'list-images', '-i', 'docker');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    // The development manifests of the repository name the staging images, tagged main.
    expect(result.stdout).toBe(
      [
        'gcr.io/k8s-staging-cluster-api/capd-manager:main',
        'gcr.io/k8s-staging-cluster-api/cluster-api-controller:main',
        'gcr.io/k8s-staging-cluster-api/kubeadm-bootstrap-controller:main',
        'gcr.io/k8s-staging-cluster-api/kubeadm-control-plane-controller:main',
        'quay.io/jetstack/cert-manager-controller:v1.21.1',
        '',
      ].join('\n'),
    );
    const go = goClusterctlPath();
    expect(go).toBeDefined();
    const theirs = await runGoClusterctl(
      go!,
      ['init', 'list-images', '-i', 'docker', '--config', repo.configPath, '--kubeconfig', server.kubeconfigPath],
      { env },
    );
    expect(result.stdout).toBe(theirs.stdout);
  });

  it('refuses a provider that is not in the provider list, naming the known ones', async () => {
    const result = await cli('init', '-i', 'nosuch');
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toContain('nosuch');
    expect(result.stderr).toMatch(/Hint: .*config repositories/);
  });

  it('lists every missing variable with how to set it', async () => {
    const result = await cli('init', '-i', 'needvars:v0.1.0');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'value for variables [NEEDVARS_B64ENCODED_CREDENTIALS, NEEDVARS_REGION] is not set',
    );
    expect(result.stderr).toMatch(/export NEEDVARS_B64ENCODED_CREDENTIALS=|clusterctl.yaml/);
    expect(await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'needvars-system' })).toBeUndefined();
  });

  it('refuses a version whose metadata has no release series for it', async () => {
    const result = await cli('init', '-i', 'oddseries:v0.2.0');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/v0\.2\.0.*does not match any release series; available series: \[0\.1\]/);
    const unknown = await cli('init', '-i', 'docker:v9.9.9');
    expect(unknown.exitCode).toBe(6);
    expect(unknown.stderr).toMatch(/Available versions: v1\.13\.5, v1\.12\.11/);
  });

  it('stops on an admission policy denial, naming the object, and resumes once it is lifted', async () => {
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'no-capd-manager' },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] },
          ],
        },
        validations: [
          {
            expression: "object.metadata.name != 'capd-controller-manager'",
            message: 'capd is not allowed on this cluster',
          },
        ],
      },
    };
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'no-capd-manager' },
      spec: { policyName: 'no-capd-manager', validationActions: ['Deny'] },
    };
    await client.create(policy);
    await client.create(binding);
    // Policies take effect asynchronously.
    for (let i = 0; i < 50; i++) {
      const probe = await client
        .create(
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'capd-controller-manager', namespace: 'default' },
            spec: {
              selector: { matchLabels: { a: 'b' } },
              template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'x', image: 'x' }] } },
            },
          },
          { dryRun: true },
        )
        .then(
          () => true,
          () => false,
        );
      if (!probe) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const denied = await cli('init', '-i', 'docker');
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toContain('Deployment capd-system/capd-controller-manager');
    expect(denied.stderr).toContain('capd is not allowed on this cluster');
    expect(denied.stderr).toMatch(/re-run the same init/);
    // Core, bootstrap and control plane went in before the failure.
    expect((await listInstalledProviders(client)).map((p) => p.name)).toEqual([
      'cluster-api',
      'bootstrap-kubeadm',
      'control-plane-kubeadm',
    ]);

    await client.delete({ apiVersion: binding.apiVersion, kind: binding.kind, name: binding.metadata.name });
    await client.delete({ apiVersion: policy.apiVersion, kind: policy.kind, name: policy.metadata.name });
    let resumed = await cli('init', '-i', 'docker');
    for (let i = 0; i < 20 && resumed.exitCode !== 0; i++) {
      await new Promise((r) => setTimeout(r, 300));
      resumed = await cli('init', '-i', 'docker');
    }
    expect(resumed.stderr).toContain('Installed infrastructure-docker v1.13.5');
    expect(resumed.exitCode).toBe(0);
    const installed = await listInstalledProviders(client);
    expect(installed.map((p) => `${p.name}@${p.version}`)).toEqual([
      'cluster-api@v1.13.5',
      'bootstrap-kubeadm@v1.13.5',
      'control-plane-kubeadm@v1.13.5',
      'infrastructure-docker@v1.13.5',
    ]);
    const deployment = await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'capd-controller-manager',
      namespace: 'capd-system',
    });
    expect(deployment?.metadata.labels).toMatchObject({
      'clusterctl.cluster.x-k8s.io': '',
      'cluster.x-k8s.io/provider': 'infrastructure-docker',
    });
    const cm = await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'cert-manager',
      namespace: 'cert-manager',
    });
    expect(cm?.metadata.annotations?.['cert-manager.clusterctl.cluster.x-k8s.io/version']).toBe('v1.21.1');
  });

  it('says so when an identical re-run has nothing to do', async () => {
    const again = await cli('init', '-i', 'docker');
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain('Nothing to do');
  });

  it('refuses a different version of an installed provider and points to upgrade', async () => {
    const result = await cli('init', '-i', 'docker:v1.12.11');
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toContain('clusterctl upgrade apply');
  });

  it('refuses a second core provider instance', async () => {
    const result = await cli('init', '--core', 'cluster-api', '-n', 'second-capi', '-b', '-', '-c', '-');
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toContain(
      'there is already an instance of the "cluster-api" provider installed in the "capi-system" namespace',
    );
    expect(await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'second-capi' })).toBeUndefined();
  });

  it('fails fast on an unreachable management cluster', async () => {
    const kubeconfig = join(repo.base, 'unreachable');
    writeFileSync(
      kubeconfig,
      server.kubeconfig.replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1'),
    );
    const started = Date.now();
    const result = await runClusterctl(['init', '--config', repo.configPath, '--kubeconfig', kubeconfig], { env });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain('https://127.0.0.1:1');
  });
});
