/**
 * The library entry of clusterctl-ts: every operation, typed, for Node programs.
 */
export * from './errors.js';
export * from './types.js';
export type * from './core/ports.js';
export { silentReporter } from './core/ports.js';
export { getVersionInfo, type VersionInfo } from './core/version.js';
export { createKubeClient, createKubeClientFromConfig, type KubeClientOptions } from './adapters/kube/client.js';
export { loadKubeconfig, type LoadKubeconfigOptions, type LoadedKubeconfig } from './adapters/kube/kubeconfig.js';
