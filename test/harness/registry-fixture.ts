/**
 * What the OCI e2e tests share: a home folder with a docker login for a test registry, and
 * clusterctl.yaml files that point the providers at the real Cluster API v1.13.5 release folders of
 * ../shared/fixtures/capi-repo or at a registry, with every other repository unreachable.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

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
