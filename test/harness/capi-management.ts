/**
 * A management cluster with the real Cluster API: a harness API server on which our own `init`
 * installed core, kubeadm bootstrap, kubeadm control plane and the docker provider v1.13.5 from the
 * release files in ../shared/fixtures/capi-repo (a local repository, named in a clusterctl.yaml),
 * and the four managers running against it (capi-controllers.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeClient } from '../../src/core/ports.js';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClientFromConfig } from '../../src/adapters/kube/client.js';
import type { ApiServer } from './apiserver.js';
import { capiVersion, startCapiControllers, type CapiControllers, type CapiProvider } from './capi-controllers.js';
import { repoRoot, runClusterctl, type CliResult } from './cli.js';

/** The release files of the real providers (and a cert-manager stand-in: CRDs only, nothing runs). */
export function capiRepoPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLUSTERCTL_TS_CAPI_REPO ?? join(repoRoot, '..', 'shared', 'fixtures', 'capi-repo');
}

/**
 * Writes a clusterctl.yaml that takes the four providers and cert-manager from the local repository
 * (`certManager`: another cert-manager release, e.g. a test's newer one; `extra`: appended as is).
 */
export function writeCapiConfig(
  dir: string,
  repo = capiRepoPath(),
  options: { certManager?: { url: string; version: string }; extra?: string } = {},
): string {
  if (!existsSync(join(repo, 'cluster-api')))
    throw new Error(
      `the Cluster API release files were not found in ${repo}; set CLUSTERCTL_TS_CAPI_REPO to a local repository ` +
        `(cluster-api/, bootstrap-kubeadm/, control-plane-kubeadm/, infrastructure-docker/, cert-manager/)`,
    );
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'clusterctl.yaml');
  writeFileSync(
    path,
    [
      'providers:',
      `  - {name: cluster-api, type: CoreProvider, url: ${repo}/cluster-api/latest/core-components.yaml}`,
      `  - {name: kubeadm, type: BootstrapProvider, url: ${repo}/bootstrap-kubeadm/latest/bootstrap-components.yaml}`,
      `  - {name: kubeadm, type: ControlPlaneProvider, url: ${repo}/control-plane-kubeadm/latest/control-plane-components.yaml}`,
      `  - {name: docker, type: InfrastructureProvider, url: ${repo}/infrastructure-docker/latest/infrastructure-components-development.yaml}`,
      'cert-manager:',
      `  url: ${options.certManager?.url ?? `${repo}/cert-manager/v1.21.1/cert-manager.yaml`}`,
      `  version: ${options.certManager?.version ?? 'v1.21.1'}`,
      '',
    ].join('\n') + (options.extra ?? ''),
  );
  return path;
}

/** `clusterctl init` flags that install the four real providers at one version. */
export function capiInitArgs(version = capiVersion): string[] {
  return [
    '--core',
    `cluster-api:${version}`,
    '--bootstrap',
    `kubeadm:${version}`,
    '--control-plane',
    `kubeadm:${version}`,
    '--infrastructure',
    `docker:${version}`,
  ];
}

/** The small in-memory workload cluster the real-CAPI tests create: 1 control plane machine, 2 workers. */
export const inMemoryClusterArgs = [
  '--flavor',
  'in-memory',
  '--kubernetes-version',
  'v1.35.0',
  '--control-plane-machine-count',
  '1',
  '--worker-machine-count',
  '2',
] as const;

/**
 * Our own `init` of the four real providers at `version` on `server` (CRDs with their schemas,
 * webhook configurations, conversion webhooks, Deployments: what a user's cluster holds). Nothing
 * runs: start the managers with startCapiControllers when a test writes Cluster API objects.
 */
export async function initRealProviders(
  server: ApiServer,
  configPath: string,
  home: string,
  version = capiVersion,
): Promise<CliResult> {
  const init = await runClusterctl(
    ['init', ...capiInitArgs(version), '--config', configPath, '--kubeconfig', server.kubeconfigPath],
    { env: { ...cliHome(home), CLUSTER_TOPOLOGY: 'true' }, timeoutMs: 600_000 },
  );
  if (init.exitCode !== 0)
    throw new Error(`clusterctl init failed (exit ${init.exitCode}):\n${init.stderr}${init.stdout}`);
  return init;
}

/** A private HOME/XDG for the CLI, so no user configuration leaks into a run. */
export function cliHome(dir: string): Record<string, string> {
  return { HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), XDG_CACHE_HOME: join(dir, 'cache') };
}

export interface CapiManagementCluster {
  readonly server: ApiServer;
  readonly client: KubeClient;
  /** The clusterctl.yaml naming the local repository. */
  readonly configPath: string;
  readonly controllers: CapiControllers;
  /** What our `init` printed. */
  readonly init: CliResult;
  stop(): Promise<void>;
}

export interface StartCapiManagementOptions {
  /** Data folder (certificates, logs, config); temporary when absent. */
  dir: string;
  /** The API server (tests: an extra one on the shared etcd; `apiserver up`: a detached one). */
  server: ApiServer;
  /** Another clusterctl.yaml instead of the local repository (`apiserver up --capi --config FILE`). */
  configPath?: string;
  detached?: boolean;
  capdLockTimeoutMs?: number;
  /** Managers to start now (default: all); see StartCapiControllersOptions.startNow. */
  startNow?: readonly CapiProvider[];
}

/**
 * Installs the providers on `server` with our `init` and starts their controllers. `stop()` stops
 * the controllers and the server.
 */
export async function startCapiManagementCluster(options: StartCapiManagementOptions): Promise<CapiManagementCluster> {
  const { server } = options;
  try {
    const configPath = options.configPath ?? writeCapiConfig(options.dir);
    const init = await initRealProviders(server, configPath, join(options.dir, 'home'));
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig);
    const client = createKubeClientFromConfig(kc);
    const controllers = await startCapiControllers({
      kubeconfigPath: server.kubeconfigPath,
      client,
      dir: join(options.dir, 'controllers'),
      detached: options.detached ?? false,
      ...(options.capdLockTimeoutMs !== undefined ? { capdLockTimeoutMs: options.capdLockTimeoutMs } : {}),
      ...(options.startNow ? { startNow: options.startNow } : {}),
    });
    return {
      server,
      client,
      configPath,
      controllers,
      init,
      async stop() {
        await controllers.stop();
        await server.stop();
      },
    };
  } catch (error) {
    if (!options.detached) await server.stop();
    throw error;
  }
}
