/** Shared shapes of the repository adapters. */
import type { ProviderRepository } from '../../core/ports.js';

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
