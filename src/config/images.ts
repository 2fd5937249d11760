/**
 * Image overrides (`images:` in clusterctl.yaml). An image reference is split into repository (all
 * but the last path segment), name (the last segment), tag and digest; override rules are merged
 * `all` < `<component>` < `<component>/<imageName>`, each set field replacing its part.
 *
 * Like clusterctl, references must be fully qualified (`registry.k8s.io/x/y:tag`, not `x/y:tag`).
 */
import { ClusterctlError } from '../errors.js';

export interface ImageReference {
  /** Registry and path without the last segment, e.g. `registry.k8s.io/cluster-api`. */
  repository: string;
  /** The last path segment, e.g. `cluster-api-controller`. */
  name: string;
  /** Empty when the reference has none. */
  tag: string;
  /** Empty when the reference has none, else `sha256:...`. */
  digest: string;
}

/** One override rule; an unset (or empty) field leaves that part of the image alone. */
export interface ImageMeta {
  repository?: string | undefined;
  name?: string | undefined;
  tag?: string | undefined;
}

/** Override rules by key (`all`, a component, or `component/imageName`), keys lower-cased. */
export type ImageOverrides = Readonly<Record<string, ImageMeta>>;

/** The component name used for cert-manager's images. */
export const certManagerImageComponent = 'cert-manager';
export const allImagesKey = 'all';

// The grammar of container image references (OCI distribution).
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainNameComponent}(?:\\.${domainNameComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const namePattern = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const referenceRe = new RegExp(`^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const identifierRe = /^[a-f0-9]{64}$/;
const maxNameLength = 255;

function parseError(image: string, reason: string): ClusterctlError {
  return new ClusterctlError('INVALID_ARGUMENT', `couldn't parse image name ${JSON.stringify(image)}: ${reason}`, {
    hint: 'image references must be fully qualified, e.g. registry.k8s.io/cluster-api/cluster-api-controller:v1.14.0',
  });
}

/**
 * Whether the reference is already in canonical form, i.e. names its registry explicitly: the first
 * path segment looks like a host (has '.' or ':', is `localhost`, or has upper case), it is not the
 * legacy `index.docker.io`, and a docker.io reference spells out its namespace (`docker.io/library/x`).
 */
function isCanonical(image: string): boolean {
  const slash = image.indexOf('/');
  if (slash < 0) return false;
  const first = image.slice(0, slash);
  const looksLikeHost = /[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first;
  if (!looksLikeHost) return false;
  if (first === 'index.docker.io') return false;
  if (first === 'docker.io' && !image.slice(slash + 1).includes('/')) return false;
  return true;
}

/** Splits a fully qualified image reference; INVALID_ARGUMENT when it is malformed or not canonical. */
export function parseImageReference(image: string): ImageReference {
  if (image === '') throw parseError(image, 'repository name must have at least one component');
  if (identifierRe.test(image)) throw parseError(image, 'cannot specify 64-byte hexadecimal strings');
  const match = referenceRe.exec(image);
  if (!match) {
    const lower = image.toLowerCase();
    if (lower !== image && referenceRe.test(lower)) throw parseError(image, 'repository name must be lowercase');
    throw parseError(image, 'invalid reference format');
  }
  const [, fullName = '', tag = '', digest = ''] = match;
  if (fullName.length > maxNameLength) {
    throw parseError(image, `repository name must not be more than ${maxNameLength} characters`);
  }
  if (!isCanonical(image)) throw parseError(image, 'repository name must be canonical');
  const lastSlash = fullName.lastIndexOf('/');
  return {
    repository: fullName.slice(0, lastSlash),
    name: fullName.slice(lastSlash + 1),
    tag,
    digest,
  };
}

/** `repository/name[:tag][@digest]`. */
export function formatImageReference(ref: ImageReference): string {
  let out = `${ref.repository}/${ref.name}`;
  if (ref.tag) out += `:${ref.tag}`;
  if (ref.digest) out += `@${ref.digest}`;
  return out;
}

function fieldText(value: unknown, key: string, field: string, source: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ClusterctlError('INVALID_CONFIG', `failed to read images.${key}.${field} in ${source}: expected a string`, {
    hint: `fix the "images" key in ${source}; each entry may set repository, name and tag`,
  });
}

/** Reads the raw `images:` value of a config file; INVALID_CONFIG naming the key and the file. */
export function parseImageOverrides(raw: unknown, source: string): ImageOverrides {
  if (raw === undefined || raw === null) return {};
  const hint = `fix the "images" key in ${source}; it maps all, a component or component/imageName to {repository, name, tag}`;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ClusterctlError('INVALID_CONFIG', `failed to read the "images" key of ${source}: expected a mapping`, {
      hint,
    });
  }
  const out: Record<string, ImageMeta> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === null || value === undefined) {
      out[key.toLowerCase()] = {};
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ClusterctlError(
        'INVALID_CONFIG',
        `failed to read images.${key} in ${source}: expected a mapping with repository, name and tag`,
        { hint },
      );
    }
    const fields = value as Record<string, unknown>;
    out[key.toLowerCase()] = {
      repository: fieldText(fields.repository, key, 'repository', source),
      name: fieldText(fields.name, key, 'name', source),
      tag: fieldText(fields.tag, key, 'tag', source),
    };
  }
  return out;
}

function mergeMeta(into: ImageMeta, other: ImageMeta | undefined): void {
  if (!other) return;
  if (other.repository) into.repository = other.repository;
  if (other.name) into.name = other.name;
  if (other.tag) into.tag = other.tag;
}

/**
 * The merged rule for one image of one component (`all` < component < component/imageName), or
 * undefined when there are no rules at all.
 */
export function resolveImageMeta(
  overrides: ImageOverrides,
  component: string,
  imageName: string,
): ImageMeta | undefined {
  if (Object.keys(overrides).length === 0) return undefined;
  const meta: ImageMeta = {};
  mergeMeta(meta, overrides[allImagesKey]);
  mergeMeta(meta, overrides[component.toLowerCase()]);
  mergeMeta(meta, overrides[`${component}/${imageName}`.toLowerCase()]);
  return meta;
}

/**
 * Applies the override rules to one image of a component (the provider's manifest label, or
 * `cert-manager`). The image must be fully qualified even when no rule applies.
 */
export function applyImageOverride(overrides: ImageOverrides, component: string, image: string): string {
  const ref = parseImageReference(image);
  const meta = resolveImageMeta(overrides, component, ref.name);
  if (!meta) return image;
  const out = { ...ref };
  if (meta.repository) out.repository = meta.repository.replace(/\/+$/, '');
  if (meta.name) out.name = meta.name;
  if (meta.tag) out.tag = meta.tag;
  return formatImageReference(out);
}
