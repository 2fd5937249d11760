/**
 * Provider releases stored in ConfigMaps of the management cluster, as the Cluster API Operator
 * reads them: `configmap://NAMESPACE[/VERSION][?selector=LABEL_SELECTOR]`.
 *
 * The layout follows sigs.k8s.io/cluster-api-operator v0.29 (internal/controller/phase_load.go
 * `configmapRepository` and `getComponentsData`, which read `spec.fetchConfig.selector`;
 * internal/controller/manifests_downloader.go `TemplateManifestsConfigMap`, `ProviderLabels` and
 * `needToCompress`, which write them, also used by `kubectl operator preload`; api/v1alpha2/
 * provider_types.go for the names; docs/book/src/03_topics/02_configuration/01_air-gapped-environtment.md):
 *
 * - one ConfigMap per release, found by a label selector in one namespace (the operator's docs use
 *   `provider-components: azure`; the operator's own ConfigMaps carry
 *   `provider.cluster.x-k8s.io/type`, `provider.cluster.x-k8s.io/name`,
 *   `provider.cluster.x-k8s.io/version` and `managed-by.operator.cluster.x-k8s.io: "true"`);
 * - the version is the `provider.cluster.x-k8s.io/version` label, else the ConfigMap's name; it must
 *   be a semantic version;
 * - `data.metadata` holds metadata.yaml and `data.components` the components YAML; when the
 *   annotation `provider.cluster.x-k8s.io/compressed: "true"` is set, the components are gzip in
 *   `binaryData.components` instead (the operator compresses when metadata + components exceed 1 MiB,
 *   the Kubernetes limit for a ConfigMap).
 *
 * The operator's layout has no cluster templates; we keep them as extra data keys named by their file
 * (`cluster-template.yaml`), which the operator ignores. Without `?selector=`, a provider URL selects
 * the operator's own labels for that provider (type and name), so what the operator caches or
 * `kubectl operator preload` writes is read as is. The ConfigMaps are read from the cluster of
 * --kubeconfig / --kubeconfig-context, once per run; they are not cached on disk.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parse as parseSemver } from 'semver';
import { ClusterctlError, wrapError } from '../../errors.js';
import type { KubeClient } from '../../core/ports.js';
import type { KubeObject } from '../../types.js';
import { latestVersionTag, type RepositorySource } from './repository.js';

/** The Cluster API Operator's ConfigMap layout: its labels, annotation and data keys. */
const layout = {
  versionLabel: 'provider.cluster.x-k8s.io/version',
  typeLabel: 'provider.cluster.x-k8s.io/type',
  nameLabel: 'provider.cluster.x-k8s.io/name',
  managedLabel: 'managed-by.operator.cluster.x-k8s.io',
  compressedAnnotation: 'provider.cluster.x-k8s.io/compressed',
  metadataKey: 'metadata',
  componentsKey: 'components',
  /** The Kubernetes limit on a ConfigMap's data (and the operator's compression threshold). */
  maxBytes: 1024 * 1024,
} as const;

const urlHint =
  'a ConfigMap provider URL has the form configmap://NAMESPACE[/VERSION][?selector=LABEL_SELECTOR], e.g. configmap://capi-system?selector=provider-components=docker';

export interface ConfigMapUrlParts {
  namespace: string;
  /** `latest` or a semantic version. */
  version: string;
  /** The label selector given in the URL, undefined for the operator's default labels. */
  selector: string | undefined;
}

function isVersion(value: string): boolean {
  return /^v?\d/.test(value) && parseSemver(value) !== null;
}

export function parseConfigMapUrl(url: string): ConfigMapUrlParts {
  const bad = (why: string) =>
    new ClusterctlError('INVALID_CONFIG', `invalid ConfigMap url ${JSON.stringify(url)}: ${why}`, { hint: urlHint });
  const m = /^configmap:\/\/([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?$/i.exec(url.trim());
  if (!m) throw bad('it needs a namespace');
  const namespace = m[1] ?? '';
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw bad(`${JSON.stringify(namespace)} is not a namespace name`);
  }
  const version = (m[2] ?? '').replace(/\/+$/, '') || latestVersionTag;
  if (version !== latestVersionTag && !isVersion(version)) {
    throw bad(`${JSON.stringify(version)} is neither "latest" nor a semantic version`);
  }
  let selector: string | undefined;
  for (const [key, value] of new URLSearchParams(m[3] ?? '')) {
    if (key !== 'selector') throw bad(`unknown parameter ${JSON.stringify(key)} (only "selector" is known)`);
    if (value.trim() === '') throw bad('the selector is empty');
    selector = value.trim();
  }
  return { namespace, version, selector };
}

/** The operator's provider type (`GetType()` of its provider kinds) and name for a manifest label. */
export function operatorProviderOf(label: string): { type: string; name: string } {
  if (label === 'cluster-api') return { type: 'core', name: 'cluster-api' };
  if (label === 'cert-manager') return { type: 'cert-manager', name: 'cert-manager' };
  const prefixes: [string, string][] = [
    ['bootstrap-', 'bootstrap'],
    ['control-plane-', 'control-plane'],
    ['infrastructure-', 'infrastructure'],
    ['ipam-', 'ipam'],
    ['runtime-extension-', 'runtimeextension'],
    ['addon-', 'addon'],
  ];
  for (const [prefix, type] of prefixes) {
    if (label.startsWith(prefix)) return { type, name: label.slice(prefix.length) };
  }
  return { type: label, name: label };
}

/** The selector the operator would use for a provider, minus the version (every version is listed). */
export function defaultSelector(label: string): string {
  const { type, name } = operatorProviderOf(label);
  return `${layout.typeLabel}=${type},${layout.nameLabel}=${name}`;
}

/** The canonical URL of a ConfigMap source (the selector spelled out), used as its identity. */
export function configMapSourceUrl(namespace: string, selector: string, version = latestVersionTag): string {
  return `configmap://${namespace}${version === latestVersionTag ? '' : `/${version}`}?selector=${selector}`;
}

interface ConfigMapObject extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

interface Release {
  version: string;
  configMap: ConfigMapObject;
}

function where(cm: KubeObject): string {
  return `ConfigMap ${cm.metadata.namespace ?? ''}/${cm.metadata.name ?? ''}`;
}

/** The version of one ConfigMap by the operator's rule: the version label, else the name. */
function versionOf(cm: KubeObject): string {
  const label = cm.metadata.labels?.[layout.versionLabel];
  const version = label ?? cm.metadata.name ?? '';
  if (!isVersion(version)) {
    throw new ClusterctlError(
      'INVALID_CONFIG',
      `${where(cm)} has no version: ${label !== undefined ? `its label ${layout.versionLabel}=${JSON.stringify(label)}` : `its name (there is no ${layout.versionLabel} label)`} is not a semantic version`,
      {
        hint: `Label it with the release it holds (kubectl label configmap -n ${cm.metadata.namespace ?? ''} ${cm.metadata.name ?? ''} ${layout.versionLabel}=v1.2.3), or remove it from the selector's matches.`,
      },
    );
  }
  return version;
}

/** The components of a ConfigMap, gunzipped when the operator's annotation says they are compressed. */
function componentsOf(cm: ConfigMapObject): Uint8Array {
  const compressed = cm.metadata.annotations?.[layout.compressedAnnotation] === 'true';
  const text = compressed ? cm.binaryData?.[layout.componentsKey] : cm.data?.[layout.componentsKey];
  if (text === undefined) {
    throw new ClusterctlError(
      'NOT_FOUND',
      `${where(cm)} has no components: ${compressed ? `it is annotated ${layout.compressedAnnotation}=true but binaryData has no "${layout.componentsKey}" key` : `data has no "${layout.componentsKey}" key`}`,
      {
        hint: `Put the components YAML under data.${layout.componentsKey} (or gzip it under binaryData.${layout.componentsKey} with the annotation ${layout.compressedAnnotation}: "true"); clusterctl publish --to configmap://NAMESPACE writes it so.`,
      },
    );
  }
  if (!compressed) return new TextEncoder().encode(text);
  try {
    return new Uint8Array(gunzipSync(Buffer.from(text, 'base64')));
  } catch (error) {
    throw new ClusterctlError(
      'INVALID_CONFIG',
      `${where(cm)} is annotated ${layout.compressedAnnotation}=true but binaryData.${layout.componentsKey} is not valid gzip (${(error as Error).message})`,
      {
        hint: `Write it again from the release (gzip -c components.yaml, or clusterctl publish --to configmap://${cm.metadata.namespace ?? 'NAMESPACE'}), or remove the annotation if the data is plain.`,
        cause: error,
      },
    );
  }
}

function missingKey(cm: ConfigMapObject, key: string): ClusterctlError {
  return new ClusterctlError('NOT_FOUND', `${where(cm)} has no "${key}" key in data`, {
    hint:
      key === layout.metadataKey
        ? `Put the release's metadata.yaml under data.${layout.metadataKey}, as the Cluster API Operator expects, or remove the ConfigMap from the selector's matches.`
        : `It holds ${Object.keys(cm.data ?? {}).join(', ') || 'no data keys'}.`,
  });
}

export interface ConfigMapRepositoryOptions {
  /** The manifest label (`infrastructure-docker`, `cluster-api`, `cert-manager`). */
  label: string;
  /** The management cluster's client, created on first use. */
  kube: (() => Promise<KubeClient>) | undefined;
}

/** The releases the selected ConfigMaps hold, one per version (a second ConfigMap for one version is refused). */
async function listReleases(
  url: string,
  options: ConfigMapRepositoryOptions,
  namespace: string,
  selector: string,
  described: string,
): Promise<Release[]> {
  if (!options.kube) {
    throw new ClusterctlError('UNSUPPORTED', `${url} needs a management cluster to read ConfigMaps from`, {
      hint: 'use this URL with a command that reaches the management cluster (--kubeconfig)',
    });
  }
  let items: KubeObject[];
  try {
    const kube = await options.kube();
    items = await kube.list('v1', 'ConfigMap', { namespace, labelSelector: selector });
  } catch (error) {
    throw wrapError(error, `failed to list ${described}`);
  }
  if (items.length === 0) {
    throw new ClusterctlError('NOT_FOUND', `no ConfigMap in namespace ${namespace} has the labels ${selector}`, {
      hint: `Publish the releases there first (clusterctl publish --to configmap://${namespace}), or fix the namespace or ?selector= of the URL (kubectl get configmaps -n ${namespace} --show-labels).`,
    });
  }
  const releases: Release[] = [];
  for (const cm of items as ConfigMapObject[]) {
    const version = versionOf(cm);
    // As the operator, every selected release must carry its metadata (cert-manager's have none).
    if (options.label !== 'cert-manager' && cm.data?.[layout.metadataKey] === undefined)
      throw missingKey(cm, layout.metadataKey);
    const twin = releases.find((r) => r.version === version);
    if (twin) {
      throw new ClusterctlError(
        'CONFLICT',
        `${where(twin.configMap)} and ${where(cm)} both hold version ${version} of ${described}`,
        { hint: 'Delete one of them, or narrow the ?selector= of the provider URL.' },
      );
    }
    releases.push({ version, configMap: cm });
  }
  return releases;
}

export function createConfigMapRepository(
  url: string,
  options: ConfigMapRepositoryOptions,
): RepositorySource & { readonly kind: 'configmap'; listFiles(version: string): Promise<string[]> } {
  const parts = parseConfigMapUrl(url);
  const selector = parts.selector ?? defaultSelector(options.label);
  const source = configMapSourceUrl(parts.namespace, selector, parts.version);
  const described = `the ConfigMaps in namespace ${parts.namespace} with labels ${selector}`;
  let listing: Promise<Release[]> | undefined;

  const releases = () => (listing ??= listReleases(url, options, parts.namespace, selector, described));

  async function release(version: string): Promise<ConfigMapObject> {
    const all = await releases();
    const found = all.find((r) => r.version === version);
    if (!found) {
      const versions = all.map((r) => r.version).join(', ');
      throw new ClusterctlError('NOT_FOUND', `version ${version} is not among ${described}: they hold ${versions}`, {
        hint: `Publish it there (clusterctl publish ... --to configmap://${parts.namespace}), or pick one of ${versions}.`,
      });
    }
    return found.configMap;
  }

  const componentsPath = 'components.yaml';
  return {
    kind: 'configmap',
    url: source,
    cacheKey: undefined,
    defaultVersion: () => parts.version,
    rootPath: () => `configmap://${parts.namespace}`,
    componentsPath: () => componentsPath,
    async getVersions() {
      const versions = (await releases()).map((r) => r.version);
      return parts.version === latestVersionTag ? versions : versions.filter((v) => v === parts.version);
    },
    async listFiles(version) {
      const cm = await release(version);
      return Object.keys({ ...cm.data, ...cm.binaryData }).filter(
        (k) => k !== layout.metadataKey && k !== layout.componentsKey,
      );
    },
    async getFile(version, file) {
      const cm = await release(version);
      if (file === componentsPath) return componentsOf(cm);
      const key = file === 'metadata.yaml' ? layout.metadataKey : file;
      const text = cm.data?.[key];
      if (text === undefined) throw missingKey(cm, key);
      return new TextEncoder().encode(text);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Writing (clusterctl publish --to configmap://NAMESPACE)
// ---------------------------------------------------------------------------------------------

export interface ConfigMapFile {
  name: string;
  content: Uint8Array;
}

export interface ReleaseConfigMapInput {
  namespace: string;
  label: string;
  version: string;
  /** metadata.yaml (absent for cert-manager), the components file, and any templates. */
  metadata: Uint8Array | undefined;
  components: Uint8Array;
  extra: readonly ConfigMapFile[];
}

/**
 * One release as the operator writes it (TemplateManifestsConfigMap): named
 * `<type>-<name>-<version>`, labelled with ProviderLabels, metadata and components under data, the
 * components gzipped into binaryData with the compressed annotation when everything exceeds 1 MiB.
 */
export function releaseConfigMap(input: ReleaseConfigMapInput): KubeObject {
  const { type, name } = operatorProviderOf(input.label);
  const cmName = (type === name ? `${name}-${input.version}` : `${type}-${name}-${input.version}`).toLowerCase();
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(cmName) || !/^[A-Za-z0-9._-]{1,63}$/.test(input.version)) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `version ${input.version} of ${input.label} cannot name a ConfigMap (${cmName}) or be a label value`,
      { hint: 'publish it to an OCI registry instead (--to oci://HOST/PATH)' },
    );
  }
  const decoder = new TextDecoder();
  const data: Record<string, string> = {};
  if (input.metadata) data[layout.metadataKey] = decoder.decode(input.metadata);
  for (const file of input.extra) data[file.name] = decoder.decode(file.content);
  const size = (values: Iterable<string | Uint8Array>) => {
    let total = 0;
    for (const v of values) total += typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength;
    return total;
  };
  const plain = size([...Object.values(data), input.components]);
  const compress = plain > layout.maxBytes;
  const annotations: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  let stored = plain;
  if (compress) {
    const gz = gzipSync(input.components);
    binaryData[layout.componentsKey] = gz.toString('base64');
    annotations[layout.compressedAnnotation] = 'true';
    stored = size([...Object.values(data), gz]);
  } else {
    data[layout.componentsKey] = decoder.decode(input.components);
  }
  if (stored > layout.maxBytes) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `${input.label} ${input.version} does not fit in a ConfigMap: ${(stored / 1024 / 1024).toFixed(2)} MiB${compress ? ' with the components gzipped' : ''}, more than the 1 MiB Kubernetes allows`,
      { hint: 'publish it to an OCI registry instead (--to oci://HOST/PATH)' },
    );
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: cmName,
      namespace: input.namespace,
      labels: {
        [layout.versionLabel]: input.version,
        [layout.typeLabel]: type,
        [layout.nameLabel]: name,
        [layout.managedLabel]: 'true',
      },
      ...(compress ? { annotations } : {}),
    },
    data,
    ...(compress ? { binaryData } : {}),
  };
}

/** `sha256:<hex>` of the components, what publish reports for a ConfigMap. */
export function componentsDigest(components: Uint8Array): string {
  return `sha256:${createHash('sha256').update(components).digest('hex')}`;
}

/** Writes a release ConfigMap (server-side apply, so publishing again updates it), creating the namespace. */
export async function writeReleaseConfigMap(kube: KubeClient, configMap: KubeObject): Promise<void> {
  const namespace = configMap.metadata.namespace ?? '';
  const ref = `ConfigMap ${namespace}/${configMap.metadata.name ?? ''}`;
  try {
    const ns = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
    if (!ns) await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    await kube.apply(configMap, { force: true, fieldManager: 'clusterctl' });
  } catch (error) {
    throw wrapError(error, `failed to write ${ref}`);
  }
}
