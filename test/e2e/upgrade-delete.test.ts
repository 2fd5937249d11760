/**
 * upgrade plan/apply and delete end to end, and interoperability with the Go clusterctl: each tool
 * reads the inventory the other wrote, and both print the same upgrade plan.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
import { fixtureCertManager, pinnedInitFlags, writeProviderRepository } from '../fixtures/provider-repo.js';

const pinned = pinnedInitFlags;

describe('upgrade and delete, with the Go clusterctl as the reference', () => {
  const go = goClusterctlPath();
  let ours: ApiServer;
  let theirs: ApiServer;
  let oursClient: KubeClient;
  let theirsClient: KubeClient;
  let repo: { base: string; configPath: string };
  let env: Record<string, string>;
  const cli = (server: ApiServer, ...args: string[]) =>
    runClusterctl([...args, '--config', repo.configPath, '--kubeconfig', server.kubeconfigPath], { env });
  const goCli = (server: ApiServer, ...args: string[]) =>
    runGoClusterctl(go!, [...args, '--config', repo.configPath, '--kubeconfig', server.kubeconfigPath], { env });

  beforeAll(async () => {
    [ours, theirs] = await Promise.all([
      startExtraApiServer({ name: 'upgrade-ours' }),
      startExtraApiServer({ name: 'upgrade-go' }),
    ]);
    oursClient = clientFor(ours.kubeconfig);
    theirsClient = clientFor(theirs.kubeconfig);
    const dir = mkdtempSync(join(tmpdir(), 'upgrade-repo-'));
    repo = writeProviderRepository(dir, [{ version: 'v1.13.0' }, { version: 'v1.13.1' }]);
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
    ).toContainEqual(['cluster-api', 'v1.13.1']);
  });

  it('applies the plan; the Go tool then sees an up-to-date cluster too', async () => {
    const applied = await cli(ours, 'upgrade', 'apply', '--contract', 'v1beta2');
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect((await listInstalledProviders(oursClient)).map((p) => p.version)).toEqual([
      'v1.13.1',
      'v1.13.1',
      'v1.13.1',
      'v1.13.1',
    ]);
    const mine = await cli(ours, 'upgrade', 'plan');
    const reference = await goCli(ours, 'upgrade', 'plan');
    expect(mine.stdout).toBe(reference.stdout);
    expect(mine.stdout).toContain('Already up to date');
  });

  it('rejects --contract together with provider versions, and versions missing from apply', async () => {
    const both = await cli(ours, 'upgrade', 'apply', '--contract', 'v1beta2', '--core', 'cluster-api:v1.13.1');
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
    const config = join(repo.base, 'clusterctl-cm.yaml');
    writeFileSync(config, readFileSync(repo.configPath, 'utf8').replace(/v1\.21\.1/g, 'v1.22.0'));
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
