/**
 * The library entry of clusterctl-ts: every operation, typed, for Node programs. Operations take
 * their dependencies (a KubeClient, repositories, a Reporter) explicitly; the `create*` factories
 * build the real ones from a kubeconfig and a clusterctl.yaml.
 */
export * from './errors.js';
export * from './types.js';
export type * from './core/ports.js';
export { silentReporter } from './core/ports.js';
export { getVersionInfo, type VersionInfo } from './core/version.js';

// Kubernetes access
export { createKubeClient, createKubeClientFromConfig, type KubeClientOptions } from './adapters/kube/client.js';
export { loadKubeconfig, type LoadKubeconfigOptions, type LoadedKubeconfig } from './adapters/kube/kubeconfig.js';
export { checkManagementCluster } from './core/cluster/management-cluster.js';
export {
  listInstalledProviders,
  ensureInventoryCrd,
  inventoryCrd,
  type InstalledProvider,
} from './core/cluster/inventory.js';

// Configuration and repositories
export { createConfig, parseConfig, parseProviderRef, type ClusterctlConfig } from './config/index.js';
export {
  createRepository,
  createRepositoryForUrl,
  createRepositoryMemo,
  createHttpClient,
  readSource,
} from './adapters/repository/index.js';
export { parseMetadata, checkProviderContract, type ProviderMetadata } from './core/repository/metadata.js';
export { latestContractRelease } from './core/repository/versions.js';
export { processComponents, formatProviderDescription, inspectComponents } from './core/repository/components.js';

// YAML and variables
export {
  substitute,
  inspectVariables,
  processTemplate,
  type VariableLookup,
  type TemplateVariable,
} from './core/yaml/envsubst.js';
export { parseDocuments, serializeObjects } from './core/yaml/documents.js';

// Operations
export {
  init,
  planInit,
  type InitDeps,
  type InitOptions,
  type InitPlan,
  type InitResult,
  type ProviderComponents,
} from './core/init.js';
export {
  planUpgrade,
  applyUpgrade,
  formatUpgradePlan,
  planCertManagerUpgrade,
  type UpgradeDeps,
} from './core/upgrade.js';
export { deleteProviders, planDelete, type DeleteOptions, type DeletePlan } from './core/delete.js';
export {
  generateCluster,
  generateYaml,
  type GenerateClusterDeps,
  type GenerateClusterOptions,
} from './core/generate.js';
export { getKubeconfig, type GetKubeconfigOptions } from './core/get-kubeconfig.js';
export {
  rollout,
  parseRolloutTargets,
  rolloutResourceTypes,
  type RolloutAction,
  type RolloutOptions,
  type RolloutResult,
} from './core/rollout.js';
export {
  move,
  backupFileName,
  defaultMoveConcurrency,
  type MoveDeps,
  type MoveOptions,
  type MovePlan,
  type MoveResult,
  type PlannedObject,
} from './core/move/index.js';
export {
  buildObjectGraph,
  moveSequence,
  discoveryTypesFromCrds,
  type ObjectGraph,
  type GraphNode,
  type DiscoveryType,
} from './core/cluster/object-graph.js';
export { createMoveJournalStore, moveStateDir } from './adapters/state/move-journal.js';
export { openObjectDirectory, loadAgeKeys, type DirectoryCrypto } from './adapters/state/object-directory.js';
export { mergeKubeconfig, type MergeResult } from './core/kubeconfig-merge.js';
export { bootstrap } from './core/bootstrap/bootstrap.js';
export type { BootstrapDeps, BootstrapOptions, BootstrapResult } from './core/bootstrap/types.js';
export { bootstrapSteps, type BootstrapState, type BootstrapStep } from './core/bootstrap/state.js';
export { provisioningGap } from './core/bootstrap/provisioning.js';
export type { BootstrapStateStore, KindPort } from './core/ports.js';
export { createBootstrapStateStore, bootstrapStateDir } from './adapters/state/bootstrap-state.js';
export { createKindCli, findExecutable } from './adapters/process.js';
export {
  publish,
  publishRequests,
  parsePublishTarget,
  publishedConfigSnippet,
  type PublishDeps,
  type PublishOptions,
  type PublishedRelease,
} from './core/publish.js';
export {
  createOciRepository,
  createOciClient,
  pushArtifact,
  parseOciUrl,
  type OciUrlParts,
} from './adapters/repository/oci.js';
export { describeCluster, type DescribeClusterDeps, type DescribeClusterOptions } from './core/describe.js';
export type { DescribeNode, DescribeResult, TreeCondition } from './core/tree/types.js';
export { formatDescribeTree } from './ui/tree.js';
