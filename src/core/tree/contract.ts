/**
 * Cluster API contract helpers: which API version of a provider kind to read, from the contract
 * labels on its CRD (`cluster.x-k8s.io/v1beta2: v1beta1_v1beta2`), as the Go tool resolves
 * contract-versioned references.
 */

/** The contract this clusterctl speaks, then the ones it still accepts, newest first. */
export const compatibleContracts = ['v1beta2', 'v1beta1'] as const;

const kubeVersion = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

function parseKubeVersion(v: string): [number, number, number] | undefined {
  const m = kubeVersion.exec(v);
  if (!m) return undefined;
  const type = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
  return [type, Number(m[1]), type === 2 ? 0 : Number(m[3])];
}

/** Kubernetes-aware order of API versions: v1alpha1 < v1beta1 < v1beta2 < v1 < v2. */
export function compareKubeVersions(a: string, b: string): number {
  if (a === b) return 0;
  const pa = parseKubeVersion(a);
  const pb = parseKubeVersion(b);
  if (!pa && !pb) return a < b ? 1 : -1;
  if (!pa) return -1;
  if (!pb) return 1;
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

export interface ContractVersions {
  contract: string;
  /** The newest API version served for that contract. */
  apiVersion: string;
}

/** The newest compatible contract named in the labels of a CRD, and its newest API version. */
export function latestContractVersion(labels: Record<string, string> | undefined): ContractVersions | undefined {
  for (const contract of compatibleContracts) {
    const value = labels?.[`cluster.x-k8s.io/${contract}`];
    if (!value) continue;
    const versions = value.split('_').sort(compareKubeVersions);
    return { contract, apiVersion: versions[versions.length - 1]! };
  }
  return undefined;
}

/** The contract an API version of a kind belongs to (from its CRD labels), newest contract first. */
export function contractForVersion(labels: Record<string, string> | undefined, version: string): string | undefined {
  const keys = Object.keys(labels ?? {})
    .filter((k) => k.startsWith('cluster.x-k8s.io/'))
    .sort()
    .reverse();
  for (const key of keys) {
    if (labels![key]!.split('_').includes(version)) return key.slice('cluster.x-k8s.io/'.length);
  }
  return undefined;
}
