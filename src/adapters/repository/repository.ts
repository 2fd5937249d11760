/** Shared shapes of the repository adapters. */
import type { ProviderRepository } from '../../core/ports.js';
import { ClusterctlError } from '../../errors.js';

export type RepositoryKind = 'github' | 'gitlab' | 'local' | 'oci' | 'configmap';

/**
 * A repository as read from its URL, before `latest` is resolved: `defaultVersion()` is the version
 * written in the URL (`latest` or a tag).
 */
export interface RepositorySource extends ProviderRepository {
  readonly kind: RepositoryKind;
  /** The provider URL this repository was created from. */
  readonly url: string;
  /** A path-like key for the on-disk cache; undefined when the repository must not be cached. */
  readonly cacheKey: string | undefined;
}

export const latestVersionTag = 'latest';

/** INVALID_CONFIG for a provider URL that does not have its repository's form (`hint` gives the form). */
export function invalidRepositoryUrl(host: string, url: string, hint: string): ClusterctlError {
  return new ClusterctlError('INVALID_CONFIG', `invalid ${host} repository url ${JSON.stringify(url)}`, { hint });
}

/** Parses a provider URL; invalidRepositoryUrl when it is not a URL at all. */
export function parseRepositoryUrl(host: string, url: string, hint: string): URL {
  try {
    return new URL(url);
  } catch {
    throw invalidRepositoryUrl(host, url, hint);
  }
}
