/**
 * Provider components processing: what `clusterctl init` and `clusterctl generate provider` do to a
 * provider's components YAML once it has been fetched, variable-substituted and parsed. The steps and
 * their order follow clusterctl (client/repository/components.go):
 *   1. image overrides on Deployment/DaemonSet (init)containers, then the list of images;
 *   2. the target namespace: the option, else the single Namespace object of the manifest;
 *   3. the Namespace object is added if missing and renamed, every namespaced object moved into the
 *      target namespace, and the references to the old namespace rewritten (binding subjects, webhook
 *      services, CRD conversion webhooks, cert-manager CA injection, Certificate DNS names);
 *   4. the common clusterctl labels;
 *   5. a stable sort putting the Namespace first and cert-manager objects next.
 * Like the Go tool, Deployments, DaemonSets, (Cluster)RoleBindings, webhook configurations and CRDs
 * pass through their Go API struct on the way, which drops unknown fields and adds zero values (see
 * ./typed/roundtrip.ts); the output is therefore the same as clusterctl's, object for object.
 *
 * Pure: inputs are parsed objects, nothing is read or written, and the input array is not modified.
 */
import { ClusterctlError } from '../../errors.js';
import { Annotations, Labels, manifestLabel, type KubeObject, type ProviderType } from '../../types.js';
import { expectedCrdName } from './pluralize.js';
import { goSliceStable } from './stable-sort.js';
import { roundTripTyped, TypedConversionError } from './typed/roundtrip.js';

/** Kinds that are never namespaced (clusterctl's fixed list; every other kind counts as namespaced). */
const clusterScopedKinds: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'PodSecurityPolicy',
  'CertificateSigningRequest',
  'ClusterRoleBinding',
  'ClusterRole',
  'VolumeAttachment',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'CustomResourceDefinition',
  'PriorityClass',
  'RuntimeClass',
]);

/** clusterctl's rule for "namespaced": any kind not in {@link clusterScopedKinds}. */
export function isNamespacedKind(kind: string): boolean {
  return !clusterScopedKinds.has(kind);
}

const injectCaFromAnnotation = 'cert-manager.io/inject-ca-from';
const certManagerGroup = 'cert-manager.io';

// ---------------------------------------------------------------------------------------------
// Small helpers on plain JSON objects
// ---------------------------------------------------------------------------------------------

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `path`, or undefined when any step is missing or not an object. */
function objectAt(root: unknown, ...path: string[]): JsonObject | undefined {
  let current: unknown = root;
  for (const key of path) {
    if (!isJsonObject(current)) return undefined;
    current = current[key];
  }
  return isJsonObject(current) ? current : undefined;
}

/** The group of an apiVersion as Go's ParseGroupVersion reads it ("" for the core group or a malformed value). */
export function apiGroupOf(apiVersion: string): string {
  const parts = apiVersion.split('/');
  return parts.length === 2 ? (parts[0] ?? '') : '';
}

/** The version part of an apiVersion ("" when malformed). */
export function apiVersionOf(apiVersion: string): string {
  const parts = apiVersion.split('/');
  if (parts.length === 1) return apiVersion;
  return parts.length === 2 ? (parts[1] ?? '') : '';
}

function describeObject(obj: KubeObject): string {
  const name = obj.metadata.name ?? '';
  return obj.metadata.namespace ? `${obj.kind} ${obj.metadata.namespace}/${name}` : `${obj.kind} ${name}`;
}

/**
 * Passes an object through its Go API struct, as clusterctl does before rewriting it.
 * @throws ClusterctlError INVALID_YAML naming the object when Go would fail the conversion.
 */
function roundTrip(obj: KubeObject, context?: string): KubeObject {
  const prefix = context === undefined ? '' : `${context}: `;
  let converted: KubeObject | undefined;
  try {
    converted = roundTripTyped(obj);
  } catch (error) {
    if (!(error instanceof TypedConversionError)) throw error;
    throw new ClusterctlError('INVALID_YAML', `${prefix}${describeObject(obj)}: ${error.message}`, {
      hint: 'Fix the field in the provider manifest (or in the override file in the overrides folder).',
      cause: error,
    });
  }
  if (converted === undefined) {
    throw new ClusterctlError(
      'INVALID_YAML',
      `${prefix}${describeObject(obj)}: apiVersion ${JSON.stringify(obj.apiVersion)} is not supported for kind ${obj.kind}`,
      { hint: 'clusterctl converts this kind only in its current API version; update the provider manifest.' },
    );
  }
  if (!isJsonObject(converted.metadata)) converted.metadata = {};
  return converted;
}

// ---------------------------------------------------------------------------------------------
// 1. Images
// ---------------------------------------------------------------------------------------------

const workloadKinds = new Set(['Deployment', 'DaemonSet']);

function podSpecOf(obj: KubeObject): JsonObject | undefined {
  return objectAt(obj, 'spec', 'template', 'spec');
}

function containerLists(podSpec: JsonObject | undefined): JsonObject[][] {
  if (!podSpec) return [];
  return ['containers', 'initContainers'].map((key) => {
    const list = podSpec[key];
    return Array.isArray(list) ? list.filter(isJsonObject) : [];
  });
}

/** Rewrites one image; returns the new value (Go's image override for a component). */
export type ImageOverride = (component: string, image: string) => string;

/**
 * Applies image overrides to Deployment and DaemonSet containers and init containers (each such
 * object also passes through its Go struct, as in clusterctl). `component` is the provider's
 * manifest label (or `cert-manager`).
 */
export function fixImages(objects: readonly KubeObject[], component: string, override: ImageOverride): KubeObject[] {
  return objects.map((obj) => {
    if (!workloadKinds.has(obj.kind)) return obj;
    const converted = roundTrip(obj, 'failed to apply image overrides');
    for (const containers of containerLists(podSpecOf(converted))) {
      for (const container of containers) {
        const current = typeof container.image === 'string' ? container.image : '';
        let image: string;
        try {
          image = override(component, current);
        } catch (error) {
          const base =
            error instanceof ClusterctlError
              ? error
              : new ClusterctlError('INVALID_CONFIG', String(error), { cause: error });
          throw base.withContext(
            `failed to apply image overrides: failed to fix image for container ${typeof container.name === 'string' ? container.name : ''} in ${describeObject(obj)}`,
          );
        }
        if (image === '') delete container.image;
        else container.image = image;
      }
    }
    return converted;
  });
}

/** The images of Deployment/DaemonSet containers then init containers, in manifest order (duplicates kept, as in clusterctl). */
export function inspectImages(objects: readonly KubeObject[]): string[] {
  const images: string[] = [];
  for (const obj of objects) {
    if (!workloadKinds.has(obj.kind)) continue;
    for (const containers of containerLists(podSpecOf(obj))) {
      for (const container of containers) images.push(typeof container.image === 'string' ? container.image : '');
    }
  }
  return images;
}

/** Sorted, without duplicates (what `init list-images` prints across providers). */
export function sortedUniqueImages(images: Iterable<string>): string[] {
  return [...new Set(images)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// 2-3. Target namespace
// ---------------------------------------------------------------------------------------------

/**
 * The name of the manifest's Namespace object ("" when there is none).
 * @throws ClusterctlError INVALID_YAML when there is more than one.
 */
export function inspectTargetNamespace(objects: readonly KubeObject[]): string {
  let namespace = '';
  for (const obj of objects) {
    if (obj.kind !== 'Namespace') continue;
    if (namespace !== '') {
      const names = objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name ?? '');
      throw new ClusterctlError(
        'INVALID_YAML',
        'failed to detect default target namespace: Invalid manifest. There should be no more than one resource with Kind Namespace in the provider components yaml',
        {
          hint: `The manifest defines the Namespaces ${names.join(', ')}; a provider's components must define at most one.`,
        },
      );
    }
    namespace = obj.metadata.name ?? '';
  }
  return namespace;
}

/** Appends a Namespace object named `namespace` when the manifest has none. */
export function addNamespaceIfMissing(objects: readonly KubeObject[], namespace: string): KubeObject[] {
  if (objects.some((o) => o.kind === 'Namespace')) return [...objects];
  return [...objects, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }];
}

function fixBindingSubjects(obj: KubeObject, namespace: string): void {
  const subjects = obj.subjects;
  if (!Array.isArray(subjects)) return;
  for (const subject of subjects) {
    if (isJsonObject(subject) && typeof subject.namespace === 'string' && subject.namespace !== '') {
      subject.namespace = namespace;
    }
  }
}

function fixInjectCaFrom(obj: KubeObject, namespace: string): void {
  const value = stringMap(obj.metadata.annotations)?.[injectCaFromAnnotation];
  if (value === undefined) return;
  const parts = value.split('/');
  if (parts.length !== 2) {
    throw new ClusterctlError(
      'INVALID_YAML',
      `object ${obj.kind} ${obj.metadata.name ?? ''} does not have a correct value for ${injectCaFromAnnotation}`,
      { hint: `The annotation must be <namespace>/<certificate name>; it is ${JSON.stringify(value)}.` },
    );
  }
  obj.metadata.annotations = {
    ...obj.metadata.annotations,
    [injectCaFromAnnotation]: `${namespace}/${parts[1] ?? ''}`,
  };
}

function fixWebhookServices(obj: KubeObject, namespace: string): void {
  const webhooks = obj.webhooks;
  if (!Array.isArray(webhooks)) return;
  for (const webhook of webhooks) {
    const service = objectAt(webhook, 'clientConfig', 'service');
    if (service) service.namespace = namespace;
  }
}

function fixCrdConversionService(obj: KubeObject, namespace: string): void {
  const service =
    apiVersionOf(obj.apiVersion) === 'v1beta1'
      ? objectAt(obj, 'spec', 'conversion', 'webhookClientConfig', 'service')
      : objectAt(obj, 'spec', 'conversion', 'webhook', 'clientConfig', 'service');
  if (service) service.namespace = namespace;
}

function fixCertificateDnsNames(obj: KubeObject, originalNamespace: string, namespace: string): void {
  const spec = objectAt(obj, 'spec');
  if (!spec || !('dnsNames' in spec) || spec.dnsNames === undefined) return;
  const dnsNames = spec.dnsNames;
  if (!Array.isArray(dnsNames) || !dnsNames.every((n): n is string => typeof n === 'string')) {
    throw new ClusterctlError(
      'INVALID_YAML',
      `failed to get .spec.dnsNames from Certificate ${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}: it must be a list of strings`,
      { hint: 'Fix the Certificate in the provider manifest.' },
    );
  }
  // Service DNS names look like <service>.<namespace>.svc[.cluster.local]: replace the first
  // occurrence of the old namespace between dots.
  const from = `.${originalNamespace}.`;
  const to = `.${namespace}.`;
  spec.dnsNames = dnsNames.map((name) => {
    const at = name.indexOf(from);
    return at < 0 ? name : name.slice(0, at) + to + name.slice(at + from.length);
  });
}

const convertedKinds = new Set([
  'ClusterRoleBinding',
  'RoleBinding',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'CustomResourceDefinition',
]);

/**
 * Moves every namespaced object into `namespace` and rewrites the references to the previous one,
 * as clusterctl's fixTargetNamespace does for both provider components and cluster templates:
 * renames Namespace objects; sets metadata.namespace on namespaced kinds; sets the namespace of
 * (Cluster)RoleBinding subjects that have one; rewrites webhook and CRD conversion service
 * namespaces and the cert-manager inject-ca-from annotation; and replaces the first `.<old>.` in
 * Certificate DNS names. Returns new objects; the input is not modified.
 * @throws ClusterctlError INVALID_YAML naming the object when one cannot be rewritten.
 */
export function fixTargetNamespace(objects: readonly KubeObject[], namespace: string): KubeObject[] {
  return objects.map((input) => {
    // Kinds that pass through their Go struct come out as new objects anyway: copy only what is
    // changed before the conversion (metadata); copy everything else in full.
    let obj: KubeObject = convertedKinds.has(input.kind)
      ? { ...input, metadata: isJsonObject(input.metadata) ? structuredClone(input.metadata) : {} }
      : structuredClone(input);
    if (!isJsonObject(obj.metadata)) obj.metadata = {};
    if (obj.kind === 'Namespace') obj.metadata.name = namespace;
    const originalNamespace = obj.metadata.namespace ?? '';
    if (isNamespacedKind(obj.kind)) obj.metadata.namespace = namespace;

    switch (obj.kind) {
      case 'ClusterRoleBinding':
      case 'RoleBinding':
        obj = roundTrip(obj);
        fixBindingSubjects(obj, namespace);
        break;
      case 'MutatingWebhookConfiguration':
      case 'ValidatingWebhookConfiguration':
      case 'CustomResourceDefinition': {
        fixInjectCaFrom(obj, namespace);
        const version = apiVersionOf(obj.apiVersion);
        if (version !== 'v1' && version !== 'v1beta1') {
          throw new ClusterctlError('INVALID_YAML', `failed to patch ${version} ${obj.kind}`, {
            hint: `${describeObject(obj)} uses apiVersion ${obj.apiVersion}; clusterctl handles only v1 and v1beta1.`,
          });
        }
        obj = roundTrip(obj);
        if (obj.kind === 'CustomResourceDefinition') fixCrdConversionService(obj, namespace);
        else fixWebhookServices(obj, namespace);
        break;
      }
      case 'Certificate':
        fixCertificateDnsNames(obj, originalNamespace, namespace);
        break;
    }
    return obj;
  });
}

// ---------------------------------------------------------------------------------------------
// 4-5. Labels and order
// ---------------------------------------------------------------------------------------------

/** The labels clusterctl puts on every object of a provider. */
function commonLabels(label: string): Record<string, string> {
  return { [Labels.clusterctl]: '', [Labels.provider]: label };
}

/**
 * A string map from metadata the way Go's unstructured accessors read it: a map holding any
 * non-string value reads as absent.
 */
function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isJsonObject(value)) return undefined;
  return Object.values(value).every((v) => typeof v === 'string') ? (value as Record<string, string>) : undefined;
}

/**
 * Adds the common labels (overwriting those two keys) to every object. As in clusterctl, labels
 * that are not all strings are dropped and replaced by the common ones.
 */
export function addCommonLabels(objects: readonly KubeObject[], label: string): KubeObject[] {
  return objects.map((obj) => ({
    ...obj,
    metadata: { ...obj.metadata, labels: { ...stringMap(obj.metadata.labels), ...commonLabels(label) } },
  }));
}

/**
 * Orders components for creation: Namespace objects first, then cert-manager.io objects (so that
 * Certificates exist before the webhooks and CRDs that need their CA), the rest in manifest order.
 * This is clusterctl's comparator run through Go's stable sort, whose exact placement (including
 * how cert-manager objects are reordered among themselves) is reproduced.
 */
export function sortComponents(objects: readonly KubeObject[]): KubeObject[] {
  return goSliceStable([...objects], (a, b) => {
    if (a.kind === 'Namespace') return true;
    if (b.kind === 'Namespace') return false;
    return apiGroupOf(a.apiVersion) === certManagerGroup;
  });
}

// ---------------------------------------------------------------------------------------------
// The pipeline
// ---------------------------------------------------------------------------------------------

export interface ComponentsProvider {
  name: string;
  type: ProviderType;
  version: string;
}

export interface ProcessComponentsOptions {
  provider: ComponentsProvider;
  /** -n/--target-namespace; when empty the manifest's Namespace object decides. */
  targetNamespace?: string | undefined;
  /** Image overrides from clusterctl.yaml; identity when omitted. */
  imageOverride?: ImageOverride | undefined;
}

export interface ProcessedComponents extends ComponentsProvider {
  /** `cluster-api`, `infrastructure-docker`... */
  manifestLabel: string;
  targetNamespace: string;
  /** The objects to apply, in creation order. */
  objects: KubeObject[];
  /** Images of Deployments and DaemonSets after overrides, in manifest order (duplicates kept). */
  images: string[];
}

/**
 * Runs clusterctl's component processing on already substituted and parsed objects.
 * @throws ClusterctlError INVALID_YAML for an invalid manifest (two Namespaces, an object that cannot
 *   be converted or rewritten), INVALID_ARGUMENT when no target namespace can be found, or the
 *   error of `imageOverride` with context.
 */
export function processComponents(
  objects: readonly KubeObject[],
  options: ProcessComponentsOptions,
): ProcessedComponents {
  const { provider } = options;
  const label = manifestLabel(provider.name, provider.type);
  const override = options.imageOverride ?? ((_component: string, image: string) => image);

  let objs = fixImages(objects, label, override);
  const images = inspectImages(objs);

  const defaultNamespace = inspectTargetNamespace(objs);
  const targetNamespace = options.targetNamespace || defaultNamespace;
  if (targetNamespace === '') {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      "target namespace can't be defaulted. Please specify a target namespace",
      {
        hint: `The components of the ${label} provider (${provider.version}) define no Namespace; pass -n/--target-namespace.`,
      },
    );
  }

  objs = addNamespaceIfMissing(objs, targetNamespace);
  try {
    objs = fixTargetNamespace(objs, targetNamespace);
  } catch (error) {
    if (error instanceof ClusterctlError)
      throw error.withContext('failed to set the TargetNamespace on the components');
    throw error;
  }
  objs = addCommonLabels(objs, label);
  objs = sortComponents(objs);

  return { ...provider, manifestLabel: label, targetNamespace, objects: objs, images };
}

// ---------------------------------------------------------------------------------------------
// generate provider --describe
// ---------------------------------------------------------------------------------------------

/** What `clusterctl generate provider --describe` prints. */
export interface ProviderDescription {
  name: string;
  type: ProviderType;
  /** The provider URL without the version directory and file, e.g. `https://github.com/o/r/releases/`. */
  url: string;
  version: string;
  /** The components file name, e.g. `core-components.yaml`. */
  file: string;
  targetNamespace: string;
  /** Variable names of the raw components, sorted. */
  variables: string[];
  images: string[];
}

/**
 * Splits a provider URL as Go's filepath.Split does twice: the file name, and the directory above
 * the version directory (`.../releases/latest/core-components.yaml` gives `.../releases/` and
 * `core-components.yaml`).
 */
export function splitProviderUrl(url: string): { baseUrl: string; file: string } {
  const slash = url.lastIndexOf('/');
  const dir = url.slice(0, slash + 1);
  const file = url.slice(slash + 1);
  const trimmed = dir.endsWith('/') ? dir.slice(0, -1) : dir;
  return { baseUrl: trimmed.slice(0, trimmed.lastIndexOf('/') + 1), file };
}

/**
 * The --describe data for processed components. `url` is the provider's configured URL;
 * `variables` are the variables of the raw YAML (names or inspected variables).
 */
export function inspectComponents(
  components: ProcessedComponents,
  details: { url: string; variables: ReadonlyArray<string | { name: string }> },
): ProviderDescription {
  const { baseUrl, file } = splitProviderUrl(details.url);
  const names = new Set(details.variables.map((v) => (typeof v === 'string' ? v : v.name)));
  return {
    name: components.name,
    type: components.type,
    url: baseUrl,
    version: components.version,
    file,
    targetNamespace: components.targetNamespace,
    variables: [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    images: [...components.images],
  };
}

/** The text of `generate provider --describe`, byte for byte as clusterctl prints it. */
export function formatProviderDescription(d: ProviderDescription): string {
  const lines = [
    `Name:               ${d.name}`,
    `Type:               ${d.type}`,
    `URL:                ${d.url}`,
    `Version:            ${d.version}`,
    `File:               ${d.file}`,
    `TargetNamespace:    ${d.targetNamespace}`,
  ];
  if (d.variables.length > 0) lines.push('Variables:', ...d.variables.map((v) => `  - ${v}`));
  if (d.images.length > 0) lines.push('Images:', ...d.images.map((i) => `  - ${i}`));
  return `${lines.join('\n')}\n\n`;
}

// ---------------------------------------------------------------------------------------------
// CRD name preflight check (init)
// ---------------------------------------------------------------------------------------------

/**
 * The problem with a CRD's name, if any: Cluster API requires `<plural of lowercased kind>.<group>`
 * (pluralised like the Go tool) unless the CRD carries the skip annotation. Non-CRD objects pass.
 */
export function crdNameError(obj: KubeObject): ClusterctlError | undefined {
  if (obj.kind !== 'CustomResourceDefinition') return undefined;
  const version = apiVersionOf(obj.apiVersion);
  if (version !== 'v1' && version !== 'v1beta1') {
    return new ClusterctlError(
      'INVALID_YAML',
      `failed to read group and kind from CustomResourceDefinition: failed to read ${version} CustomResourceDefinition ${JSON.stringify(obj.metadata.name ?? '')}`,
      { hint: 'Provider CRDs must use apiextensions.k8s.io/v1.' },
    );
  }
  if (obj.metadata.annotations?.[Annotations.skipCrdNamePreflight] !== undefined) return undefined;
  const spec = objectAt(obj, 'spec');
  const group = typeof spec?.group === 'string' ? spec.group : '';
  const names = objectAt(spec, 'names');
  const kind = typeof names?.kind === 'string' ? names.kind : '';
  const expected = expectedCrdName(group, kind);
  const name = obj.metadata.name ?? '';
  if (name === expected) return undefined;
  return new ClusterctlError(
    'INVALID_YAML',
    `CRD name ${JSON.stringify(name)} is invalid for a CRD referenced in a core Cluster API CRD: it should be ${JSON.stringify(expected)}`,
    {
      hint:
        `Rename the CRD to ${expected} in the provider. If no core Cluster API object references it, annotate the ` +
        `CRD with ${Annotations.skipCrdNamePreflight} to skip this check.`,
    },
  );
}

/** Fails on the first CRD whose name breaks the rule (see {@link crdNameError}). */
export function validateCrdNames(objects: readonly KubeObject[]): void {
  for (const obj of objects) {
    const error = crdNameError(obj);
    if (error) throw error;
  }
}
