/**
 * What the OCI e2e tests share: a home folder with a docker login for a test registry, and
 * clusterctl.yaml files that point the providers at the real Cluster API v1.13.5 release folders of
 * ../shared/fixtures/capi-repo or at a registry, with every other repository unreachable.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../../src/core/ports.js';
import type { KubeObject } from '../../src/types.js';
import type { ApiServer } from './apiserver.js';
import { repoRoot, runClusterctl } from './cli.js';
import { clientFor, startExtraApiServer } from './index.js';

export const capiRepo = join(repoRoot, '..', 'shared', 'fixtures', 'capi-repo');

export const capiProviders = [
  { name: 'cluster-api', type: 'CoreProvider', label: 'cluster-api', file: 'core-components.yaml' },
  { name: 'kubeadm', type: 'BootstrapProvider', label: 'bootstrap-kubeadm', file: 'bootstrap-components.yaml' },
  {
    name: 'kubeadm',
    type: 'ControlPlaneProvider',
    label: 'control-plane-kubeadm',
    file: 'control-plane-components.yaml',
  },
  {
    name: 'docker',
    type: 'InfrastructureProvider',
    label: 'infrastructure-docker',
    file: 'infrastructure-components-development.yaml',
  },
] as const;

export interface TestHome {
  dir: string;
  env: Record<string, string>;
  dockerConfig: string;
}

/** A fresh HOME/XDG folder set; with a login, ~/.docker/config.json holds it (base64 user:password). */
export function createTestHome(login?: { host: string; user: string; password: string }): TestHome {
  const dir = mkdtempSync(join(tmpdir(), 'oci-home-'));
  mkdirSync(join(dir, '.docker'), { recursive: true });
  const dockerConfig = join(dir, '.docker', 'config.json');
  const auths = login
    ? { [login.host]: { auth: Buffer.from(`${login.user}:${login.password}`).toString('base64') } }
    : {};
  writeFileSync(dockerConfig, JSON.stringify({ auths }));
  return {
    dir,
    dockerConfig,
    env: {
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'xdg'),
      XDG_CACHE_HOME: join(dir, 'cache'),
      // Nothing but the registry may be used: GitHub and the Go proxy point at a closed port.
      CLUSTERCTL_TS_GITHUB_URL: 'http://127.0.0.1:9',
      CLUSTERCTL_TS_GITHUB_API_URL: 'http://127.0.0.1:9',
      GOPROXY: 'off',
    },
  };
}

/** clusterctl.yaml for the local capi-repo v1.13.5 releases. */
export function writeLocalConfig(home: TestHome, extra = ''): string {
  const lines = ['providers:'];
  for (const p of capiProviders) {
    lines.push(`  - name: ${p.name}`, `    type: ${p.type}`, `    url: ${join(capiRepo, p.label, 'v1.13.5', p.file)}`);
  }
  lines.push('cert-manager:', `  url: ${join(capiRepo, 'cert-manager', 'v1.21.1', 'cert-manager.yaml')}`);
  lines.push('  version: v1.21.1');
  const path = join(home.dir, 'local.yaml');
  writeFileSync(path, `${lines.join('\n')}\n${extra}`);
  return path;
}

/** clusterctl.yaml reading the four providers and cert-manager from `oci://host/path/<label>`. */
export function writeRegistryConfig(home: TestHome, base: string, extra = '', name = 'registry.yaml'): string {
  const lines = ['providers:'];
  for (const p of capiProviders) {
    lines.push(`  - name: ${p.name}`, `    type: ${p.type}`, `    url: ${base}/${p.label}`);
  }
  lines.push('cert-manager:', `  url: ${base}/cert-manager`, '  version: v1.21.1');
  const path = join(home.dir, name);
  writeFileSync(path, `${lines.join('\n')}\n${extra}`);
  return path;
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** What init installed, as a user would compare it: providers, CRDs, Deployments, webhooks. */
export async function installed(client: KubeClient): Promise<Record<string, string[]>> {
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

/** clusterctl.yaml reading the four providers and cert-manager from ConfigMaps (`configmap://NAMESPACE`). */
export function writeConfigMapConfig(home: TestHome, namespace: string, name = 'configmaps.yaml'): string {
  const lines = ['providers:'];
  for (const p of capiProviders) {
    lines.push(`  - name: ${p.name}`, `    type: ${p.type}`, `    url: configmap://${namespace}`);
  }
  lines.push('cert-manager:', `  url: configmap://${namespace}`, '  version: v1.21.1');
  const path = join(home.dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Extra API servers for one describe block, and clusterctl run against one of them with the test home. */
export function serverPool(home: () => TestHome) {
  const servers: ApiServer[] = [];
  return {
    start: async (name: string): Promise<ApiServer> => {
      const server = await startExtraApiServer({ name });
      servers.push(server);
      return server;
    },
    cli: (server: ApiServer, config: string, ...args: string[]) =>
      runClusterctl([...args, '--config', config, '--kubeconfig', server.kubeconfigPath], {
        env: home().env,
        timeoutMs: 240_000,
      }),
    stopAll: () => Promise.all(servers.map((s) => s.stop())),
  };
}

/**
 * `init` with the old releases, `upgrade plan` naming v1.13.5 for CAPD, `upgrade apply`; returns what
 * is installed afterwards (compare it with `installed` after an init of v1.13.5).
 */
export async function initAndUpgrade(
  pool: ReturnType<typeof serverPool>,
  server: ApiServer,
  config: string,
  initArgs: string[],
): Promise<Record<string, string[]>> {
  const init = await pool.cli(server, config, 'init', ...initArgs);
  expect(init.exitCode, init.stderr).toBe(0);
  const plan = await pool.cli(server, config, 'upgrade', 'plan');
  expect(plan.exitCode, plan.stderr).toBe(0);
  expect(plan.stdout).toMatch(/infrastructure-docker\s+capd-system\s+InfrastructureProvider\s+v1\.12\.11\s+v1\.13\.5/);
  const apply = await pool.cli(server, config, 'upgrade', 'apply', '--contract', 'v1beta2');
  expect(apply.exitCode, apply.stderr).toBe(0);
  return installed(clientFor(server.kubeconfig));
}
