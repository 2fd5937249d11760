/**
 * Checks every cluster command runs first: the server is reachable and new enough, and (for the
 * strict commands) Cluster API is installed with the contract this clusterctl supports.
 */
import semver from 'semver';
import { ClusterctlError } from '../../errors.js';
import type { KubeClient, ServerVersion } from '../ports.js';

export const currentContract = 'v1beta2';
const minimumKubernetesVersion = '1.20.0';

interface CrdVersion {
  name: string;
  storage?: boolean;
}

/** The storage version of clusters.cluster.x-k8s.io, or undefined when Cluster API is absent. */
async function clusterApiStorageVersion(client: KubeClient): Promise<string | undefined> {
  const crd = await client.get({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: 'clusters.cluster.x-k8s.io',
  });
  if (!crd) return undefined;
  const versions = ((crd.spec as { versions?: CrdVersion[] } | undefined)?.versions ?? []).filter((v) => v.storage);
  return versions[0]?.name;
}

export interface ManagementClusterCheck {
  /** Strict commands (delete, move, describe, get kubeconfig) need Cluster API with the v1beta2 contract. */
  strict: boolean;
  /** upgrade also accepts v1beta1 management clusters. */
  allowV1beta1?: boolean;
}

/**
 * The server's version. A server that answers 404 to GET /version is no full Kubernetes API server
 * (e.g. the fake workload API servers of Cluster API's in-memory provider, which hold no CRDs).
 */
async function serverVersionOf(client: KubeClient): Promise<ServerVersion> {
  try {
    return await client.serverVersion();
  } catch (error) {
    if (!(error instanceof ClusterctlError) || error.code !== 'NOT_FOUND') throw error;
    throw new ClusterctlError(
      'UNSUPPORTED',
      `the server ${client.server} (context "${client.context}") is not a full Kubernetes API server: it answers 404 Not Found to GET /version, so it cannot hold Cluster API's CustomResourceDefinitions`,
      {
        hint: 'Point the kubeconfig at a Kubernetes API server (check the server URL and any proxy in front of it); the workload clusters of an in-memory infrastructure provider cannot become management clusters.',
        cause: error,
      },
    );
  }
}

export async function checkManagementCluster(client: KubeClient, check: ManagementClusterCheck): Promise<void> {
  const version = await serverVersionOf(client);
  const parsed = semver.coerce(version.gitVersion);
  if (parsed && semver.lt(parsed, minimumKubernetesVersion)) {
    throw new ClusterctlError(
      'UNSUPPORTED',
      `unsupported management cluster server version: ${version.gitVersion} (the API server ${client.server} must run Kubernetes >= v${minimumKubernetesVersion})`,
      { hint: 'Upgrade the management cluster, or point --kubeconfig at another one.' },
    );
  }
  if (!check.strict) return;
  const storage = await clusterApiStorageVersion(client);
  if (storage === undefined) {
    throw new ClusterctlError(
      'NOT_FOUND',
      `Cluster API is not installed on the cluster ${client.server} (context "${client.context}"): the CustomResourceDefinition clusters.cluster.x-k8s.io does not exist`,
      {
        hint: 'Turn it into a management cluster with "clusterctl init", or select the management cluster with --kubeconfig / --kubeconfig-context.',
      },
    );
  }
  if (storage !== currentContract && !(check.allowV1beta1 && storage === 'v1beta1')) {
    throw new ClusterctlError(
      'UNSUPPORTED',
      `this version of clusterctl could be used only with "${currentContract}" management clusters, "${storage}" detected`,
      {
        hint: 'Upgrade the management cluster with "clusterctl upgrade apply", or use a clusterctl release that supports this contract.',
      },
    );
  }
}

/** The cluster `generate cluster` reads installed providers and ClusterClasses from, when there is one. */
export interface OptionalManagementCluster {
  client?: KubeClient;
  currentNamespace?: string;
  /** True when the cluster is a Cluster API management cluster. */
  capi: boolean;
}

/**
 * Finds the management cluster a command may use but does not need: no cluster when no kubeconfig
 * connects, or when the cluster has no Cluster API, unless the user named the kubeconfig
 * (`explicit`), whose failures are then reported (except a cluster without Cluster API).
 */
export async function findOptionalManagementCluster(
  connect: () => Promise<KubeClient>,
  explicit: boolean,
): Promise<OptionalManagementCluster> {
  let client: KubeClient;
  try {
    client = await connect();
  } catch (error) {
    if (explicit) throw error;
    return { capi: false };
  }
  try {
    await checkManagementCluster(client, { strict: true });
    return { client, currentNamespace: client.currentNamespace, capi: true };
  } catch (error) {
    if (explicit && !(error instanceof ClusterctlError && error.code === 'NOT_FOUND')) throw error;
    return { client, currentNamespace: client.currentNamespace, capi: false };
  }
}
