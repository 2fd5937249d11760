/**
 * Air-gapped init and upgrade: the real Cluster API v1.12.11 and v1.13.5 releases are published to a
 * real registry (distribution, TLS, htpasswd basic auth), then `init` and `upgrade` run on real API
 * servers with the registry as the only reachable repository. What they install must equal what
 * `init` installs from the local release folders.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/core/ports.js';
import type { KubeObject } from '../../src/types.js';
import type { ApiServer } from '../harness/apiserver.js';
import { runClusterctl } from '../harness/cli.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { createTestHome, writeLocalConfig, writeRegistryConfig, type TestHome } from '../harness/registry-fixture.js';

/** The v1.12.11 release of the four providers, as init/publish flags. */
const oldReleases = [
  '--core',
  'cluster-api:v1.12.11',
  '-b',
  'kubeadm:v1.12.11',
  '-c',
  'kubeadm:v1.12.11',
  '-i',
  'docker:v1.12.11',
];

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** What init installed, as a user would compare it: providers, CRDs, Deployments, webhooks. */
async function installed(client: KubeClient): Promise<Record<string, string[]>> {
  const providers = await client.list('clusterctl.cluster.x-k8s.io/v1alpha3', 'Provider');
  const crds = await client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
  const deployments = await client.list('apps/v1', 'Deployment');
  const webhooks = await client.list('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration');
  const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  return {
    providers: providers
      .map((p) => {
        const o = p as KubeObject & { type?: string; version?: string; providerName?: string };
        return `${key(p)} ${o.type} ${o.providerName} ${o.version}`;
      })
      .sort(),
    crds: crds.map((c) => `${key(c)} ${hash(c.spec)}`).sort(),
    deployments: deployments
      .map((d) => `${key(d)} ${hash((d.spec as { template?: unknown } | undefined)?.template)}`)
      .sort(),
    webhooks: webhooks.map((w) => `${key(w)} ${hash((w as { webhooks?: unknown }).webhooks)}`).sort(),
  };
}

describe('init and upgrade from a registry alone (basic auth, TLS)', () => {
  let registry: TestRegistry;
  let home: TestHome;
  let fromRegistry: string;
  let fromLocal: string;
  let expected: Record<string, string[]>;
  const servers: ApiServer[] = [];
  const start = async (name: string) => {
    const server = await startExtraApiServer({ name });
    servers.push(server);
    return server;
  };
  const cli = (server: ApiServer, config: string, ...args: string[]) =>
    runClusterctl([...args, '--config', config, '--kubeconfig', server.kubeconfigPath], {
      env: home.env,
      timeoutMs: 240_000,
    });

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    home = createTestHome({ host: registry.host, user: registry.user, password: registry.password });
    fromLocal = writeLocalConfig(home, `registry-ca-file: ${registry.caFile}\n`);
    fromRegistry = writeRegistryConfig(home, `oci://${registry.host}/mirror`, `registry-ca-file: ${registry.caFile}\n`);
    const to = ['--to', `oci://${registry.host}/mirror`, '--config', fromLocal];
    const old = await runClusterctl(['publish', ...oldReleases, '--no-cert-manager', ...to], { env: home.env });
    expect(old.exitCode, old.stderr).toBe(0);
    const current = await runClusterctl(['publish', '-i', 'docker', ...to], { env: home.env });
    expect(current.exitCode, current.stderr).toBe(0);
    expect(current.stdout).toContain(`url: oci://${registry.host}/mirror/infrastructure-docker`);

    const local = await start('oci-local');
    const result = await cli(local, fromLocal, 'init', '-i', 'docker');
    expect(result.exitCode, result.stderr).toBe(0);
    expected = await installed(clientFor(local.kubeconfig));
    expect(expected.providers).toHaveLength(4);
  }, 600_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await registry?.stop();
  });

  it('init from the registry installs exactly what init from the local folder installs', async () => {
    const server = await start('oci-registry');
    const result = await cli(server, fromRegistry, 'init', '-i', 'docker');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await installed(clientFor(server.kubeconfig))).toEqual(expected);
    const images = await cli(server, fromRegistry, 'init', 'list-images', '-i', 'docker');
    const localImages = await cli(server, fromLocal, 'init', 'list-images', '-i', 'docker');
    expect(images.exitCode, images.stderr).toBe(0);
    expect(images.stdout).toBe(localImages.stdout);
    expect(images.stdout).toContain('capd-manager');
  }, 300_000);

  it('upgrades from v1.12.11 to v1.13.5 with versions read from the registry tags', async () => {
    const server = await start('oci-upgrade');
    const init = await cli(server, fromRegistry, 'init', ...oldReleases);
    expect(init.exitCode, init.stderr).toBe(0);
    const plan = await cli(server, fromRegistry, 'upgrade', 'plan');
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(
      /infrastructure-docker\s+capd-system\s+InfrastructureProvider\s+v1\.12\.11\s+v1\.13\.5/,
    );
    const apply = await cli(server, fromRegistry, 'upgrade', 'apply', '--contract', 'v1beta2');
    expect(apply.exitCode, apply.stderr).toBe(0);
    expect(await installed(clientFor(server.kubeconfig))).toEqual(expected);
  }, 400_000);
});
