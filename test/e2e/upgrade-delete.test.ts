/**
 * upgrade plan/apply and delete end to end, and interoperability with the Go clusterctl: each tool
 * reads the inventory the other wrote, and both print the same upgrade plan. The providers are the
 * real Cluster API v1.12.11 and v1.13.5 releases of ../shared/fixtures/capi-repo (real CRDs with
 * their schemas and conversion webhooks, webhook configurations, RBAC, Deployments); nothing runs
 * them, as no Cluster API object is written here. cert-manager is that folder's stand-in (its CRDs),
 * and the newer cert-manager of the upgrade test is the project's fixture.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInstalledProviders } from '../../src/core/cluster/inventory.js';
import type { KubeClient } from '../../src/core/ports.js';
import type { ApiServer } from '../harness/apiserver.js';
import { runClusterctl } from '../harness/cli.js';
import { goClusterctlPath, runGoClusterctl } from '../harness/go-clusterctl.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';
import { capiInitArgs, writeCapiConfig } from '../harness/capi-management.js';
import { fixtureCertManager } from '../fixtures/provider-repo.js';

const pinned = capiInitArgs('v1.12.11');

describe('upgrade and delete, with the Go clusterctl as the reference', { timeout: 300_000 }, () => {
  const go = goClusterctlPath();
  let ours: ApiServer;
  let theirs: ApiServer;
  let oursClient: KubeClient;
  let theirsClient: KubeClient;
  let repo: { base: string; configPath: string };
  let env: Record<string, string>;
  const cli = (server: ApiServer, ...args: string[]) =>
    runClusterctl([...args, '--config', repo.configPath, '--kubeconfig', server.kubeconfigPath], {
      env,
      timeoutMs: 240_000,
    });
  const goCli = (server: ApiServer, ...args: string[]) =>
    runGoClusterctl(go!, [...args, '--config', repo.configPath, '--kubeconfig', server.kubeconfigPath], {
      env,
      timeoutMs: 240_000,
    });

  beforeAll(async () => {
    [ours, theirs] = await Promise.all([
      startExtraApiServer({ name: 'upgrade-ours' }),
      startExtraApiServer({ name: 'upgrade-go' }),
    ]);
    oursClient = clientFor(ours.kubeconfig);
    theirsClient = clientFor(theirs.kubeconfig);
    const dir = mkdtempSync(join(tmpdir(), 'upgrade-repo-'));
    repo = { base: dir, configPath: writeCapiConfig(dir) };
    env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), XDG_CACHE_HOME: join(dir, 'cache') };
  });
  afterAll(async () => {
    await Promise.all([ours?.stop(), theirs?.stop()]);
  });

  it('initialises one cluster with each tool; each inventory reads the same', async () => {
    expect(go, 'the Go clusterctl reference binary is required (scripts/setup-go-clusterctl.sh)').toBeDefined();
    const a = await cli(ours, 'init', ...pinned);
    expect(a.exitCode, a.stderr).toBe(0);
    const b = await goCli(theirs, 'init', ...pinned);
    expect(b.exitCode, b.stderr).toBe(0);
    const strip = (ps: Awaited<ReturnType<typeof listInstalledProviders>>) => ps.map((p) => ({ ...p }));
    expect(strip(await listInstalledProviders(oursClient))).toEqual(strip(await listInstalledProviders(theirsClient)));
    const labelsOf = async (c: KubeClient) =>
      (await c.list('clusterctl.cluster.x-k8s.io/v1alpha3', 'Provider')).map((p) => [
        p.metadata.name,
        p.metadata.labels,
      ]);
    expect(await labelsOf(oursClient)).toEqual(await labelsOf(theirsClient));
  });

  it('prints the same upgrade plan as the Go tool, on either cluster', async () => {
    for (const server of [ours, theirs]) {
      const mine = await cli(server, 'upgrade', 'plan');
      const reference = await goCli(server, 'upgrade', 'plan');
      expect(mine.exitCode, mine.stderr).toBe(0);
      expect(reference.exitCode, reference.stderr).toBe(0);
      expect(mine.stdout).toBe(reference.stdout);
    }
    const json = JSON.parse((await cli(ours, 'upgrade', 'plan', '-o', 'json')).stdout) as {
      plans: { providers: { name: string; nextVersion: string }[] }[];
    };
    expect(
      json.plans[0]!.providers.map((p: { name: string; nextVersion: string }) => [p.name, p.nextVersion]),
    ).toContainEqual(['cluster-api', 'v1.13.5']);
  });

  it('applies the plan; the Go tool then sees an up-to-date cluster too', async () => {
    const applied = await cli(ours, 'upgrade', 'apply', '--contract', 'v1beta2');
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect((await listInstalledProviders(oursClient)).map((p) => p.version)).toEqual([
      'v1.13.5',
      'v1.13.5',
      'v1.13.5',
      'v1.13.5',
    ]);
    const mine = await cli(ours, 'upgrade', 'plan');
    const reference = await goCli(ours, 'upgrade', 'plan');
    expect(mine.stdout).toBe(reference.stdout);
    expect(mine.stdout).toContain('Already up to date');
  });

  it('rejects --contract together with provider versions, and versions missing from apply', async () => {
    const both = await cli(ours, 'upgrade', 'apply', '--contract', 'v1beta2', '--core', 'cluster-api:v1.13.5');
    expect(both.exitCode).toBe(2);
    const noVersion = await cli(ours, 'upgrade', 'apply', '-i', 'docker');
    expect(noVersion.exitCode).toBe(2);
    expect(noVersion.stderr).toContain('docker:v');
  });

  it('deletes a provider the Go tool installed, keeping CRDs and the namespace', async () => {
    const result = await cli(theirs, 'delete', '--infrastructure', 'docker');
    expect(result.exitCode, result.stderr).toBe(0);
    expect((await listInstalledProviders(theirsClient)).map((p) => p.name)).toEqual([
      'cluster-api',
      'bootstrap-kubeadm',
      'control-plane-kubeadm',
    ]);
    expect(
      await theirsClient.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'capd-controller-manager',
        namespace: 'capd-system',
      }),
    ).toBeUndefined();
    expect(
      await theirsClient.get({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: 'dockerclusters.infrastructure.cluster.x-k8s.io',
      }),
    ).toBeDefined();
    const plan = await goCli(theirs, 'upgrade', 'plan');
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).not.toContain('docker');
  });

  it('plans and applies a cert-manager upgrade when clusterctl.yaml asks for a newer version', async () => {
    const dir = join(repo.base, 'cert-manager', 'v1.22.0');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'cert-manager.yaml'),
      fixtureCertManager('v1.22.0')
        .map((o) => stringify(o))
        .join('---\n'),
    );
    const config = writeCapiConfig(join(repo.base, 'cm'), undefined, {
      certManager: { url: join(dir, 'cert-manager.yaml'), version: 'v1.22.0' },
    });
    const args = ['upgrade', 'plan', '--config', config, '--kubeconfig', theirs.kubeconfigPath];
    const mine = await runClusterctl(args, { env });
    const reference = await runGoClusterctl(go!, args, { env });
    expect(mine.stdout.split('\n')[0]).toBe('Cert-Manager will be upgraded from "v1.21.1" to "v1.22.0"');
    expect(mine.stdout).toBe(reference.stdout);
    const applied = await runClusterctl(
      ['upgrade', 'apply', '--contract', 'v1beta2', '--config', config, '--kubeconfig', theirs.kubeconfigPath],
      { env },
    );
    expect(applied.exitCode, applied.stderr).toBe(0);
    const deployment = await theirsClient.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'cert-manager',
      namespace: 'cert-manager',
    });
    expect(deployment?.metadata.annotations?.['cert-manager.clusterctl.cluster.x-k8s.io/version']).toBe('v1.22.0');
    const after = await runClusterctl(args, { env });
    expect(after.stdout.split('\n')[0]).toBe('Cert-Manager is already up to date');
  });

  it('deletes everything with --all --include-crd --include-namespace, leaving cert-manager', async () => {
    const misuse = await cli(ours, 'delete', '--all', '-i', 'docker');
    expect(misuse.exitCode).toBe(2);
    const none = await cli(ours, 'delete');
    expect(none.exitCode).toBe(2);
    const result = await cli(ours, 'delete', '--all', '--include-crd', '--include-namespace');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await listInstalledProviders(oursClient)).toEqual([]);
    expect(
      await oursClient.get({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: 'clusters.cluster.x-k8s.io',
      }),
    ).toBeUndefined();
    expect(
      await oursClient.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'cert-manager',
        namespace: 'cert-manager',
      }),
    ).toBeDefined();
    expect(
      await oursClient.get({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: 'providers.clusterctl.cluster.x-k8s.io',
      }),
    ).toBeDefined();
  });
});
