/**
 * Which cluster a client reaches, by identity rather than by kubeconfig names or URLs: a move must
 * never treat one cluster as both its source and its target.
 */
import { ClusterctlError } from '../../errors.js';
import type { ObjectRef } from '../../types.js';
import type { KubeClient } from '../ports.js';

const crdApiVersion = 'apiextensions.k8s.io/v1';

/**
 * Which cluster an API client reaches, whatever the kubeconfig calls it: the UID of the
 * `kube-system` namespace (created once with the cluster, the same through every URL, context and
 * user). A user who may not read that namespace still reads the CRD clusters.cluster.x-k8s.io
 * (move's own checks need it on both sides), whose UID is just as stable while Cluster API is
 * installed; both are read, so two users with different rights still compare.
 */
export interface ClusterIdentity {
  /** The stable key (journals): `kube-system:<uid>`, else `crd:<uid>`. */
  id: string;
  kubeSystemUid?: string | undefined;
  clusterCrdUid?: string | undefined;
}

async function uidOf(client: KubeClient, ref: ObjectRef): Promise<string | undefined> {
  try {
    return (await client.get(ref))?.metadata.uid;
  } catch (error) {
    if (error instanceof ClusterctlError && error.code === 'FORBIDDEN') return undefined;
    throw error;
  }
}

export async function clusterIdentity(client: KubeClient): Promise<ClusterIdentity> {
  const [kubeSystemUid, clusterCrdUid] = await Promise.all([
    uidOf(client, { apiVersion: 'v1', kind: 'Namespace', name: 'kube-system' }),
    uidOf(client, { apiVersion: crdApiVersion, kind: 'CustomResourceDefinition', name: 'clusters.cluster.x-k8s.io' }),
  ]);
  const id = kubeSystemUid ? `kube-system:${kubeSystemUid}` : clusterCrdUid ? `crd:${clusterCrdUid}` : undefined;
  if (!id) {
    throw new ClusterctlError(
      'FORBIDDEN',
      `cannot tell which cluster ${client.server} (context "${client.context}") is: neither the Namespace kube-system nor the CustomResourceDefinition clusters.cluster.x-k8s.io can be read`,
      { hint: 'Use a kubeconfig whose user may get namespaces or CustomResourceDefinitions on that cluster.' },
    );
  }
  return { id, kubeSystemUid, clusterCrdUid };
}

export function sameCluster(a: ClusterIdentity, b: ClusterIdentity): boolean {
  return (
    (a.kubeSystemUid !== undefined && a.kubeSystemUid === b.kubeSystemUid) ||
    (a.clusterCrdUid !== undefined && a.clusterCrdUid === b.clusterCrdUid)
  );
}

/** Refuses, before anything is written, a move whose source and target are one cluster. */
export async function checkDistinctClusters(
  source: KubeClient,
  target: KubeClient,
): Promise<{ source: ClusterIdentity; target: ClusterIdentity }> {
  const [s, t] = await Promise.all([clusterIdentity(source), clusterIdentity(target)]);
  if (sameCluster(s, t)) {
    const basis =
      s.kubeSystemUid === t.kubeSystemUid && s.kubeSystemUid
        ? 'kube-system namespace'
        : 'clusters.cluster.x-k8s.io CRD';
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `the source and the target are the same cluster: ${source.server} (context "${source.context}") and ${target.server} (context "${target.context}") have the same ${basis} UID`,
      {
        hint: 'Point --to-kubeconfig (and --to-kubeconfig-context) at the new management cluster; moving a cluster onto itself would delete its objects.',
      },
    );
  }
  return { source: s, target: t };
}
