/**
 * The provider inventory: the `providers.clusterctl.cluster.x-k8s.io` CRD (v1alpha3) and one
 * `Provider` object per installed provider, with the same names, labels and fields as the Go
 * clusterctl so either tool can read a management cluster the other initialised.
 */
import { ClusterctlError } from '../../errors.js';
import {
  Labels,
  manifestLabel,
  providerTypeOrder,
  providerTypes,
  type KubeObject,
  type ProviderType,
} from '../../types.js';
import type { KubeClient, Reporter } from '../ports.js';
import { sleep } from '../sleep.js';

const inventoryGroup = 'clusterctl.cluster.x-k8s.io';
const inventoryApiVersion = `${inventoryGroup}/v1alpha3`;
const inventoryCrdName = `providers.${inventoryGroup}`;

const stringField = (description: string) => ({ type: 'string', description });

/**
 * The inventory CRD, embedded in the package (our own descriptions; same names, labels, annotations,
 * columns and fields as the Go tool's). It carries only the inventory label: the
 * `clusterctl.cluster.x-k8s.io` label marks the kinds `move` considers, and Provider objects are never moved.
 */
export function inventoryCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: inventoryCrdName,
      labels: { [Labels.clusterctlCore]: 'inventory' },
      // The controller-tools version that generated the Go tool's copy (v1.13.5), written as it does.
      annotations: { 'controller-gen.kubebuilder.io/version': 'v0.20.0' },
    },
    spec: {
      group: inventoryGroup,
      names: {
        categories: ['cluster-api'],
        kind: 'Provider',
        listKind: 'ProviderList',
        plural: 'providers',
        singular: 'provider',
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1alpha3',
          served: true,
          storage: true,
          subresources: {},
          additionalPrinterColumns: [
            {
              name: 'Age',
              type: 'date',
              jsonPath: '.metadata.creationTimestamp',
              description: 'Time since the provider was installed',
            },
            { name: 'Type', type: 'string', jsonPath: '.type' },
            { name: 'Provider', type: 'string', jsonPath: '.providerName' },
            { name: 'Version', type: 'string', jsonPath: '.version' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'One provider installed by clusterctl.',
              properties: {
                apiVersion: stringField('The versioned schema of this object.'),
                kind: stringField('The REST resource this object represents.'),
                metadata: { type: 'object' },
                providerName: stringField('Name of the provider, e.g. aws.'),
                type: stringField('Provider type, e.g. InfrastructureProvider.'),
                version: stringField('Installed version of the provider components.'),
                watchedNamespace: stringField('Deprecated: namespace watched by the provider; empty means all.'),
              },
            },
          },
        },
      ],
    },
  };
}

export interface InstalledProvider {
  /** Object name: the manifest label, e.g. `infrastructure-docker` (`cluster-api` for core). */
  name: string;
  namespace: string;
  providerName: string;
  type: ProviderType;
  version: string;
}

export function providerObject(p: Omit<InstalledProvider, 'name'> & { name?: string }): KubeObject {
  const name = p.name ?? manifestLabel(p.providerName, p.type);
  return {
    apiVersion: inventoryApiVersion,
    kind: 'Provider',
    metadata: {
      name,
      namespace: p.namespace,
      labels: { [Labels.clusterctl]: '', [Labels.provider]: name, [Labels.clusterctlCore]: 'inventory' },
    },
    providerName: p.providerName,
    type: p.type,
    version: p.version,
  };
}

/** Polls until a CRD reports Established=True. */
export async function waitForCrdEstablished(
  client: KubeClient,
  name: string,
  timeoutMs = 60_000,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const crd = await client.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
    const conditions =
      (crd?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) {
      throw new ClusterctlError(
        'TIMEOUT',
        `the CustomResourceDefinition ${name} did not become Established within ${timeoutMs / 1000}s`,
        {
          hint: 'Check the API server health (kubectl get --raw /readyz) and re-run the command.',
        },
      );
    }
    await sleep(100, signal);
  }
}

/** Creates the inventory CRD when missing and waits until it is served. Returns true when created. */
export async function ensureInventoryCrd(client: KubeClient, reporter?: Reporter): Promise<boolean> {
  const existing = await client.get({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: inventoryCrdName,
  });
  if (existing) return false;
  reporter?.debug(1, 'Installing the clusterctl inventory CRD');
  try {
    await client.create(inventoryCrd());
  } catch (error) {
    if (!(error instanceof ClusterctlError && error.code === 'CONFLICT')) throw error;
  }
  await waitForCrdEstablished(client, inventoryCrdName);
  return true;
}

function asProvider(obj: KubeObject): InstalledProvider {
  const type = obj.type as ProviderType;
  return {
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace ?? '',
    providerName: typeof obj.providerName === 'string' ? obj.providerName : '',
    type: providerTypes.includes(type) ? type : type,
    version: typeof obj.version === 'string' ? obj.version : '',
  };
}

/** Every provider in the inventory, across namespaces, sorted by type order, name, namespace. */
export async function listInstalledProviders(client: KubeClient): Promise<InstalledProvider[]> {
  const crd = await client.get({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: inventoryCrdName,
  });
  if (!crd) return [];
  const items = await client.list(inventoryApiVersion, 'Provider');
  return items
    .map(asProvider)
    .sort(
      (a, b) =>
        providerTypeOrder(a.type) - providerTypeOrder(b.type) ||
        a.providerName.localeCompare(b.providerName) ||
        a.namespace.localeCompare(b.namespace),
    );
}

/** Creates or updates the inventory entry of one provider. */
export async function saveInstalledProvider(
  client: KubeClient,
  provider: Omit<InstalledProvider, 'name'>,
): Promise<void> {
  const desired = providerObject(provider);
  const existing = await client.get({
    apiVersion: inventoryApiVersion,
    kind: 'Provider',
    name: desired.metadata.name!,
    namespace: provider.namespace,
  });
  if (!existing) {
    await client.create(desired);
    return;
  }
  await client.replace({
    ...desired,
    metadata: { ...existing.metadata, labels: { ...existing.metadata.labels, ...desired.metadata.labels } },
  });
}

export async function deleteInstalledProvider(
  client: KubeClient,
  provider: Pick<InstalledProvider, 'name' | 'namespace'>,
): Promise<boolean> {
  return client.delete({
    apiVersion: inventoryApiVersion,
    kind: 'Provider',
    name: provider.name,
    namespace: provider.namespace,
  });
}
