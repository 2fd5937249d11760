/**
 * The environment `create management-cluster` runs in on these machines: a bin folder with the
 * kind (and docker) stand-ins, the variables that point the stand-in at the shared etcd and the
 * API-server binaries, the command line of a docker-provider flow, and a watcher that hands the
 * bootstrap cluster to the simulated provider as soon as its kubeconfig is written.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { findBinaries } from './binaries.js';
import { repoRoot } from './cli.js';
import type { SimulatedProvider } from './simulated-provider.js';

const standinDir = join(repoRoot, 'test', 'harness', 'kind-standin');

/** A folder holding only the given stand-ins (`kind`, `docker`). */
export function standinBin(dir: string, tools: string[]): string {
  mkdirSync(dir, { recursive: true });
  for (const tool of tools) symlinkSync(join(standinDir, tool), join(dir, tool));
  return dir;
}

/** Variables for the CLI (and, through it, the kind stand-in) with everything under `home`. */
export function standinEnv(home: string, path: string, etcdUrl: string): Record<string, string> {
  return {
    PATH: path,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_STATE_HOME: join(home, 'state'),
    KIND_STANDIN_HOME: join(home, 'kind'),
    KIND_STANDIN_ETCD_URL: etcdUrl,
    KIND_STANDIN_OWNER_PID: String(process.pid),
    KIND_STANDIN_CONTROLLER_MANAGER: '0',
    KUBEBUILDER_ASSETS: findBinaries().dir,
    CLUSTERCTL_DISABLE_VERSIONCHECK: 'true',
  };
}

/** Where the CLI keeps the bootstrap cluster's kubeconfig for cluster `name` (state folder under `home`). */
export function bootstrapKubeconfigPath(home: string, name: string): string {
  return join(home, 'state', 'clusterctl-ts', 'bootstrap', `${name}.bootstrap.kubeconfig`);
}

/** `create management-cluster NAME` with the fixture docker provider: 1 control plane, 2 workers. */
export function flowArgs(name: string, configPath: string, kubeconfigOut: string, ...extra: string[]): string[] {
  return [
    'create',
    'management-cluster',
    name,
    '-i',
    'docker',
    '--kubernetes-version',
    'v1.35.0',
    '--worker-machine-count',
    '2',
    '--config',
    configPath,
    '--kubeconfig-out',
    kubeconfigOut,
    ...extra,
  ];
}

/** Points the simulator at the bootstrap cluster whenever the kubeconfig file (re)appears; returns a stop function. */
export function watchKubeconfigFile(sim: SimulatedProvider, path: string): () => void {
  let watched = '';
  const timer = setInterval(() => {
    if (!existsSync(path)) return;
    const text = readFileSync(path, 'utf8');
    if (text === watched) return;
    if (watched) sim.unwatch(watched);
    watched = text;
    try {
      sim.watch(text);
    } catch {
      // kind delete emptied the file: nothing left to watch.
    }
  }, 200);
  return () => clearInterval(timer);
}
