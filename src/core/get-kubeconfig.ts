/** `clusterctl get kubeconfig NAME`: the workload cluster's kubeconfig from `<NAME>-kubeconfig`. */
import { ClusterctlError } from '../errors.js';
import { checkManagementCluster } from './cluster/management-cluster.js';
import type { KubeClient } from './ports.js';

export interface GetKubeconfigOptions {
  clusterName: string;
  /** Defaults to the kubeconfig context's namespace. */
  namespace?: string | undefined;
}

export interface GetKubeconfigDeps {
  client: KubeClient;
}

export async function getKubeconfig(deps: GetKubeconfigDeps, options: GetKubeconfigOptions): Promise<string> {
  const { client } = deps;
  if (!options.clusterName) {
    throw new ClusterctlError('INVALID_ARGUMENT', 'please specify a workload cluster name', {
      hint: 'Usage: clusterctl get kubeconfig NAME [-n NAMESPACE]',
    });
  }
  await checkManagementCluster(client, { strict: true });
  const namespace = options.namespace || client.currentNamespace;
  const secretName = `${options.clusterName}-kubeconfig`;
  const secret = await client.get({ apiVersion: 'v1', kind: 'Secret', name: secretName, namespace });
  if (!secret) {
    throw new ClusterctlError('NOT_FOUND', `"${secretName}" not found in namespace "${namespace}"`, {
      hint: `Check the cluster name and namespace (clusterctl describe cluster ${options.clusterName} -n ${namespace}); the Secret appears once the control plane is initialized.`,
    });
  }
  const data = (secret.data as Record<string, string> | undefined) ?? {};
  const value = data.value;
  if (value === undefined) {
    throw new ClusterctlError('NOT_FOUND', `missing key "value" in secret data of Secret ${namespace}/${secretName}`, {
      hint: 'The Secret was not written by Cluster API; check the control plane provider.',
    });
  }
  return Buffer.from(value, 'base64').toString('utf8');
}
