/**
 * Provider repositories (the ProviderRepository port) built from a provider URL:
 * GitHub releases, GitLab generic packages, a local folder, an OCI registry or ConfigMaps in the
 * management cluster, with (outermost first)
 *   1. the overrides layer (`<overridesFolder>/<label>/<version>/<file>`),
 *   2. an in-process memo (one download per file per run, shared across repositories),
 *   3. the on-disk cache (`<cacheDir>/repositories`, skipped with CLUSTERCTL_TS_NO_CACHE=1),
 *   4. the repository itself.
 * `latest` in the URL is resolved when the repository is opened, with the resolver passed in deps
 * (core/repository/versions.ts latestContractRelease), so adapters stay free of domain rules.
 */
import { ClusterctlError, wrapError } from '../../errors.js';
import {
  silentReporter,
  type KubeClient,
  type ProviderRepository,
  type Reporter,
  type VersionReader,
} from '../../core/ports.js';
import { manifestLabel, type ProviderConfig } from '../../types.js';
import { withDiskCache } from './cache.js';
import { createConfigMapRepository } from './configmap.js';
import { createGitHubRepository, githubEndpointsFromEnv, githubHost } from './github.js';
import { createGitLabRepository, isGitLabUrl } from './gitlab.js';
import { parseGoProxy } from './goproxy.js';
import { createHttpClient, defaultUnreachableHint, type HttpClient } from './http.js';
import { createLocalRepository } from './local.js';
import { createOciRepository, parseOciUrl } from './oci.js';
import { registryAccess } from './oci-config.js';
import { withOverrides } from './overrides.js';
import { latestVersionTag, type RepositoryKind, type RepositorySource } from './repository.js';

export { withDiskCache, defaultVersionsTtlMs, type RepositoryCacheOptions } from './cache.js';
export {
  createGitHubRepository,
  defaultGitHubEndpoints,
  githubApiError,
  githubEndpointsFromEnv,
  parseGitHubUrl,
  type GitHubEndpoints,
  type GitHubRepositoryOptions,
  type GitHubUrlParts,
} from './github.js';
export { createGitLabRepository, parseGitLabUrl, type GitLabRepositoryOptions, type GitLabUrlParts } from './gitlab.js';
export { defaultGoProxy, escapeModulePath, listGoProxyVersions, parseGoProxy } from './goproxy.js';
export {
  createHttpClient,
  defaultConnectTimeoutMs,
  defaultTotalTimeoutMs,
  type HttpClient,
  type HttpClientOptions,
  type HttpResponse,
} from './http.js';
export { createLocalRepository, parseLocalUrl, type LocalUrlParts } from './local.js';
export { overridePath, readOverride, withOverrides, type OverridesOptions } from './overrides.js';
export { readSource, type ReadSourceDeps } from './source-reader.js';
export type { RepositoryKind, RepositorySource } from './repository.js';

/** What the repositories need from the configuration (ClusterctlConfig satisfies it). */
export interface RepositoryConfig {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly githubToken: string | undefined;
  readonly gitlabToken: string | undefined;
  readonly overridesFolder: string;
  readonly cacheDir: string;
  /** A clusterctl variable (registry-ca-file, registry-insecure for oci:// URLs). */
  variable?: ((name: string) => string | undefined) | undefined;
}

/** Base URLs of the remote services; tests point them at a local server. */
export interface RepositoryEndpoints {
  /** Default https://github.com (env CLUSTERCTL_TS_GITHUB_URL). */
  githubWeb?: string | undefined;
  /** Default https://api.github.com (env CLUSTERCTL_TS_GITHUB_API_URL). */
  githubApi?: string | undefined;
  /** The Go proxy; default from GOPROXY; null disables it. */
  goproxy?: string | null | undefined;
  /** Replaces `https://{gitlab host}` for GitLab requests. */
  gitlab?: string | undefined;
}

/** Resolves `latest` for a repository (pass core's latestContractRelease). */
export type LatestResolver = (reader: VersionReader, options: { signal?: AbortSignal | undefined }) => Promise<string>;

/** Per-run memo of versions and files, shared by every repository created with it. */
export interface RepositoryMemo {
  readonly versions: Map<string, Promise<string[]>>;
  readonly files: Map<string, Promise<Uint8Array>>;
}

export function createRepositoryMemo(): RepositoryMemo {
  return { versions: new Map(), files: new Map() };
}

export interface RepositoryDeps {
  resolveLatest: LatestResolver;
  /** Default: createHttpClient with the reporter (10 s connect, 30 s total, 2 retries). */
  http?: HttpClient | undefined;
  reporter?: Reporter | undefined;
  endpoints?: RepositoryEndpoints | undefined;
  /** Skip the disk cache; default from CLUSTERCTL_TS_NO_CACHE. */
  noCache?: boolean | undefined;
  cacheTtlMs?: number | undefined;
  now?: (() => number) | undefined;
  memo?: RepositoryMemo | undefined;
  signal?: AbortSignal | undefined;
  /** The management cluster, for configmap:// URLs (created on first use). */
  kube?: (() => Promise<KubeClient>) | undefined;
}

/** A repository ready for use: `defaultVersion()` is resolved; `latest`/'' map to it in getFile. */
export interface OpenedRepository extends ProviderRepository {
  readonly kind: RepositoryKind;
  readonly url: string;
  /** The manifest label used for the overrides layer and local layout. */
  readonly label: string;
  /** The version written in the URL (`latest` or a tag). */
  readonly urlVersion: string;
  /** The files of a release, for repositories that can list them (OCI artifacts, ConfigMaps). */
  listFiles?: ((version: string) => Promise<string[]>) | undefined;
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes'].includes(value.trim().toLowerCase());
}

/** Builds the bare repository for a URL (no cache, overrides or `latest` resolution). */
export function createRepositorySource(
  url: string,
  label: string,
  config: RepositoryConfig,
  deps: Pick<RepositoryDeps, 'http' | 'reporter' | 'endpoints' | 'kube' | 'signal'> & { http: HttpClient },
): RepositorySource {
  const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(url) && !/^[A-Za-z]:[\\/]/.test(url);
  if (!hasScheme || /^file:/i.test(url)) return createLocalRepository(url, { label });

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ClusterctlError('INVALID_CONFIG', `failed to parse repository url ${JSON.stringify(url)}`);
  }
  // --- oci:// (OCI artifacts in the Cluster API Operator's layout; see oci.ts) ---
  if (parsed.protocol === 'oci:') {
    const { host, repository } = parseOciUrl(url);
    const access = registryAccess(config, host, repository, { reporter: deps.reporter });
    return createOciRepository(url, { ...access, signal: deps.signal, label });
  }
  // --- configmap:// (ConfigMaps in the management cluster, as the Cluster API Operator reads them) ---
  if (parsed.protocol === 'configmap:') return createConfigMapRepository(url, { label, kube: deps.kube });
  if (parsed.protocol === 'https:') {
    if (parsed.host === githubHost) {
      const env = config.env;
      const goproxy =
        deps.endpoints?.goproxy === null ? undefined : (deps.endpoints?.goproxy ?? parseGoProxy(env.GOPROXY));
      const fromEnv = githubEndpointsFromEnv(env);
      return createGitHubRepository(url, {
        http: deps.http,
        token: config.githubToken,
        goproxy,
        reporter: deps.reporter,
        endpoints: {
          web: deps.endpoints?.githubWeb ?? fromEnv.web,
          api: deps.endpoints?.githubApi ?? fromEnv.api,
        },
      });
    }
    if (isGitLabUrl(parsed)) {
      return createGitLabRepository(url, {
        http: deps.http,
        token: config.gitlabToken,
        origin: deps.endpoints?.gitlab,
      });
    }
    throw new ClusterctlError(
      'INVALID_CONFIG',
      `invalid provider url ${JSON.stringify(url)}: only GitHub and GitLab are supported for the https scheme`,
      {
        hint: 'use https://github.com/{owner}/{repo}/releases/{version}/{file}, a GitLab package registry URL, or a local path',
      },
    );
  }
  throw new ClusterctlError(
    'INVALID_CONFIG',
    `invalid provider url ${JSON.stringify(url)}: there is no provider repository implementation for the ${JSON.stringify(parsed.protocol.replace(/:$/, ''))} scheme`,
    {
      hint: 'use an https GitHub or GitLab URL, an oci://HOST/PATH registry URL, a configmap://NAMESPACE URL, or a local path',
    },
  );
}

function withMemo(source: RepositorySource, memo: RepositoryMemo): RepositorySource {
  const key = source.cacheKey ?? source.url;
  const remember = <T>(map: Map<string, Promise<T>>, id: string, load: () => Promise<T>): Promise<T> => {
    let pending = map.get(id);
    if (!pending) {
      pending = load();
      map.set(id, pending);
      pending.catch(() => map.delete(id));
    }
    return pending;
  };
  return {
    ...source,
    getVersions: (signal) => remember(memo.versions, key, () => source.getVersions(signal)).then((v) => [...v]),
    getFile: (version, file, signal) =>
      remember(memo.files, `${key}\u0000${version}\u0000${file}`, () => source.getFile(version, file, signal)),
  };
}

/**
 * Opens the repository of a URL with a given label (a provider's manifest label, or `cert-manager`
 * for cert-manager's URL).
 */
export async function createRepositoryForUrl(
  url: string,
  label: string,
  config: RepositoryConfig,
  deps: RepositoryDeps,
): Promise<OpenedRepository> {
  const reporter = deps.reporter ?? silentReporter;
  const http =
    deps.http ??
    createHttpClient({
      reporter,
      proxyEnv: config.env,
      unreachableHint: `${defaultUnreachableHint} (${config.overridesFolder})`,
      signal: deps.signal,
    });
  const source = createRepositorySource(url, label, config, {
    http,
    reporter,
    endpoints: deps.endpoints,
    kube: deps.kube,
    signal: deps.signal,
  });
  const noCache = deps.noCache ?? truthy(config.env.CLUSTERCTL_TS_NO_CACHE);
  const cached = noCache
    ? source
    : withDiskCache(source, { dir: config.cacheDir, ttlMs: deps.cacheTtlMs, now: deps.now, reporter });
  const reader = withMemo(cached, deps.memo ?? createRepositoryMemo());

  const urlVersion = source.defaultVersion();
  let defaultVersion = urlVersion;
  // cert-manager releases carry no metadata.yaml: its version is always explicit (cert-manager.version).
  if (urlVersion === latestVersionTag && source.kind !== 'gitlab' && label !== 'cert-manager') {
    try {
      defaultVersion = await deps.resolveLatest(reader, { signal: deps.signal });
    } catch (error) {
      throw wrapError(error, `failed to get the latest release of ${label} from ${url}`);
    }
  }
  const overridden = withOverrides(reader, { folder: config.overridesFolder, label, reporter });
  const versionFor = (version: string) => (version === latestVersionTag || version === '' ? defaultVersion : version);
  const lister = (source as { listFiles?: (version: string) => Promise<string[]> }).listFiles;
  return {
    listFiles: lister ? (version) => lister(versionFor(version)) : undefined,
    kind: source.kind,
    url,
    label,
    urlVersion,
    defaultVersion: () => defaultVersion,
    rootPath: () => source.rootPath(),
    componentsPath: () => source.componentsPath(),
    getVersions: (signal) => reader.getVersions(signal),
    getFile: (version, file, signal) => overridden.getFile(versionFor(version), file, signal),
  };
}

/** Opens the repository of a configured provider (see createRepositoryForUrl). */
export function createRepository(
  provider: ProviderConfig,
  config: RepositoryConfig,
  deps: RepositoryDeps,
): Promise<OpenedRepository> {
  return createRepositoryForUrl(provider.url, manifestLabel(provider.name, provider.type), config, deps).catch(
    (error: unknown) => {
      throw wrapError(error, `failed to get repository client for the ${provider.type} with name ${provider.name}`);
    },
  );
}
