/** Shared domain types. A leaf module: it imports nothing from the project. */

export const providerTypes = [
  'CoreProvider',
  'BootstrapProvider',
  'ControlPlaneProvider',
  'InfrastructureProvider',
  'IPAMProvider',
  'RuntimeExtensionProvider',
  'AddonProvider',
] as const;
export type ProviderType = (typeof providerTypes)[number];

/** The order clusterctl installs, lists and upgrades providers in. */
export function providerTypeOrder(type: ProviderType): number {
  return providerTypes.indexOf(type);
}

/** Prefix of the manifest label (`cluster.x-k8s.io/provider`) for each provider type. */
const providerLabelPrefix: Record<ProviderType, string> = {
  CoreProvider: '',
  BootstrapProvider: 'bootstrap-',
  ControlPlaneProvider: 'control-plane-',
  InfrastructureProvider: 'infrastructure-',
  IPAMProvider: 'ipam-',
  RuntimeExtensionProvider: 'runtime-extension-',
  AddonProvider: 'addon-',
};

/** `cluster-api` for the core provider, else `<type prefix><name>` (e.g. `infrastructure-docker`). */
export function manifestLabel(name: string, type: ProviderType): string {
  return type === 'CoreProvider' ? 'cluster-api' : `${providerLabelPrefix[type]}${name}`;
}

/** One entry of the provider list (built-in providers.yaml plus clusterctl.yaml `providers:`). */
export interface ProviderConfig {
  name: string;
  type: ProviderType;
  url: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object, kept as plain JSON so it reaches the server exactly as written. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Identifies one object. `namespace` is absent for cluster-scoped kinds. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
}

export function describeRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

export function refOf(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace,
  };
}

export const Labels = {
  /** Marks every object clusterctl installed. */
  clusterctl: 'clusterctl.cluster.x-k8s.io',
  /** Core objects of clusterctl itself: `inventory` or `cert-manager`. */
  clusterctlCore: 'clusterctl.cluster.x-k8s.io/core',
  /** The provider manifest label, e.g. `infrastructure-docker`. */
  provider: 'cluster.x-k8s.io/provider',
  move: 'clusterctl.cluster.x-k8s.io/move',
  moveHierarchy: 'clusterctl.cluster.x-k8s.io/move-hierarchy',
} as const;

export const Annotations = {
  paused: 'cluster.x-k8s.io/paused',
  blockMove: 'clusterctl.cluster.x-k8s.io/block-move',
  deleteForMove: 'clusterctl.cluster.x-k8s.io/delete-for-move',
  skipCrdNamePreflight: 'clusterctl.cluster.x-k8s.io/skip-crd-name-preflight-check',
  certManagerVersion: 'cert-manager.clusterctl.cluster.x-k8s.io/version',
} as const;
