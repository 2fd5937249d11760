/**
 * Finds kube-apiserver, kube-controller-manager and etcd: $KUBEBUILDER_ASSETS first (the envtest
 * convention), then the cache folder that `npm run setup:apiserver` fills.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const kubernetesVersion = process.env.CLUSTERCTL_TS_K8S_VERSION ?? '1.35.4';

export interface ControlPlaneBinaries {
  dir: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  etcd: string;
}

function inDir(dir: string): ControlPlaneBinaries | undefined {
  const found = {
    dir,
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubeControllerManager: join(dir, 'kube-controller-manager'),
    etcd: join(dir, 'etcd'),
  };
  return [found.kubeApiserver, found.kubeControllerManager, found.etcd].every((p) => existsSync(p)) ? found : undefined;
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLUSTERCTL_TS_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'clusterctl-ts');
}

export function findBinaries(env: NodeJS.ProcessEnv = process.env): ControlPlaneBinaries {
  const candidates = [env.KUBEBUILDER_ASSETS, join(cacheRoot(env), 'apiserver', `v${kubernetesVersion}`)];
  for (const dir of candidates) {
    if (!dir) continue;
    const found = inDir(dir);
    if (found) return found;
  }
  throw new Error(
    `kube-apiserver, kube-controller-manager and etcd were not found in $KUBEBUILDER_ASSETS or ${candidates[1]}. ` +
      `Run 'npm run setup:apiserver' (builds them with 'go' from the Go module proxy), or set KUBEBUILDER_ASSETS ` +
      `to a folder that holds the three binaries.`,
  );
}
