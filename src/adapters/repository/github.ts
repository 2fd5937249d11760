/**
 * Providers published as GitHub releases:
 * `https://github.com/{owner}/{repo}/releases/{latest|tag}/{components file}`.
 *
 * Versions come from the Go module proxy when GOPROXY allows it (no API rate limit), else from the
 * releases API (100 per page, tags that are not semantic versions dropped). Files are downloaded from
 * `github.com/{owner}/{repo}/releases/download/{tag}/{file}`, falling back to the API's release
 * assets. The base URLs are injectable so tests can point them at a local server.
 */
import { ClusterctlError, isClusterctlError } from '../../errors.js';
import { silentReporter, type Reporter } from '../../core/ports.js';
import { listGoProxyVersions } from './goproxy.js';
import { displayUrl, responseJson, type HttpClient, type HttpResponse } from './http.js';
import { invalidRepositoryUrl, parseRepositoryUrl, type RepositorySource } from './repository.js';

export interface GitHubEndpoints {
  /** The web host serving release downloads; default https://github.com. */
  web: string;
  /** The REST API; default https://api.github.com. */
  api: string;
}

export const defaultGitHubEndpoints: GitHubEndpoints = { web: 'https://github.com', api: 'https://api.github.com' };

export const githubHost = 'github.com';
const githubHostUrl = `https://${githubHost}`;
const releasesPerPage = 100;
const maxReleasePages = 100;

export interface GitHubUrlParts {
  owner: string;
  repo: string;
  /** `latest` or a tag. */
  version: string;
  /** The folder of the components file inside the release (`.` for none). */
  rootPath: string;
  componentsPath: string;
}

const urlFormHint =
  'a GitHub provider URL has the form https://github.com/{owner}/{repository}/releases/{latest|version-tag}/{components file}';

/** Splits a GitHub release URL; INVALID_CONFIG when it does not have the expected form. */
export function parseGitHubUrl(url: string): GitHubUrlParts {
  const parsed = parseRepositoryUrl('GitHub', url, urlFormHint);
  if (parsed.protocol !== 'https:' || parsed.host !== githubHost) {
    throw new ClusterctlError(
      'INVALID_CONFIG',
      `invalid url ${JSON.stringify(url)}: a GitHub repository url should start with https://github.com`,
      {
        hint: urlFormHint,
      },
    );
  }
  const parts = parsed.pathname.replace(/^\//, '').split('/').map(decodeURIComponent);
  if (parts.length < 5 || parts[2] !== 'releases' || parts.slice(0, 5).some((p) => p === ''))
    throw invalidRepositoryUrl('GitHub', url, urlFormHint);
  const [owner = '', repo = '', , version = ''] = parts;
  const path = parts.slice(4).join('/');
  const slash = path.lastIndexOf('/');
  return {
    owner,
    repo,
    version,
    rootPath: slash < 0 ? '.' : path.slice(0, slash),
    componentsPath: slash < 0 ? path : path.slice(slash + 1),
  };
}

interface ReleaseAsset {
  id: number;
  name: string;
}

interface Release {
  tag: string;
  assets: ReleaseAsset[];
}

export interface GitHubRepositoryOptions {
  http: HttpClient;
  token?: string | undefined;
  endpoints?: Partial<GitHubEndpoints> | undefined;
  /** The Go proxy base URL, or undefined to use the GitHub API only (GOPROXY=off/direct). */
  goproxy?: string | undefined;
  reporter?: Reporter | undefined;
}

/** Endpoints with defaults for unset (or empty) values, without trailing slashes. */
export function resolveGitHubEndpoints(endpoints: Partial<GitHubEndpoints> | undefined): GitHubEndpoints {
  const pick = (value: string | undefined, fallback: string) => (value ? value : fallback).replace(/\/+$/, '');
  return {
    web: pick(endpoints?.web, defaultGitHubEndpoints.web),
    api: pick(endpoints?.api, defaultGitHubEndpoints.api),
  };
}

/**
 * Endpoint overrides from the environment (`CLUSTERCTL_TS_GITHUB_URL`, `CLUSTERCTL_TS_GITHUB_API_URL`),
 * so whole-command tests can point the CLI at a local stand-in.
 */
export function githubEndpointsFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<GitHubEndpoints> {
  const pick = (value: string | undefined) => (value !== undefined && value.trim() !== '' ? value.trim() : undefined);
  return { web: pick(env.CLUSTERCTL_TS_GITHUB_URL), api: pick(env.CLUSTERCTL_TS_GITHUB_API_URL) };
}

/** The `next` URL of a GitHub Link header. */
export function nextPageUrl(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}

function rateLimitReset(response: HttpResponse): string | undefined {
  const reset = response.headers.get('x-ratelimit-reset');
  if (reset && /^\d+$/.test(reset)) return new Date(Number(reset) * 1000).toISOString();
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter && /^\d+$/.test(retryAfter)) return `${retryAfter}s from now`;
  return undefined;
}

function apiMessage(response: HttpResponse): string {
  try {
    const body = responseJson(response) as { message?: unknown };
    return typeof body.message === 'string' ? body.message : '';
  } catch {
    return '';
  }
}

/**
 * Turns a failed GitHub API answer into a ClusterctlError: RATE_LIMITED (with the reset time and
 * the token hint), UNAUTHORIZED, FORBIDDEN, NOT_FOUND or UNREACHABLE.
 */
export function githubApiError(response: HttpResponse, what: string, hasToken: boolean): ClusterctlError {
  const message = apiMessage(response);
  const { status } = response;
  if (
    (status === 403 || status === 429) &&
    (response.headers.get('x-ratelimit-remaining') === '0' || /rate limit/i.test(message))
  ) {
    const reset = rateLimitReset(response);
    return new ClusterctlError(
      'RATE_LIMITED',
      `GitHub API rate limit reached while ${what}${reset ? `; the limit resets at ${reset}` : ''}`,
      {
        hint: hasToken
          ? 'wait until the limit resets, or use a token with a higher limit in GITHUB_TOKEN'
          : 'set GITHUB_TOKEN (or github-token in clusterctl.yaml) to a GitHub personal access token: it raises the limit from 60 to 5000 requests per hour; keeping GOPROXY enabled also avoids most API calls',
      },
    );
  }
  if (status === 401) {
    return new ClusterctlError(
      'UNAUTHORIZED',
      `GitHub rejected the token while ${what}${message ? `: ${message}` : ''}`,
      {
        hint: 'check GITHUB_TOKEN (or github-token in clusterctl.yaml): it is wrong or expired',
      },
    );
  }
  if (status === 403) {
    return new ClusterctlError('FORBIDDEN', `GitHub refused access while ${what}${message ? `: ${message}` : ''}`, {
      hint: 'check that GITHUB_TOKEN has access to the repository',
    });
  }
  if (status === 404) {
    return new ClusterctlError('NOT_FOUND', `not found while ${what}`);
  }
  return new ClusterctlError(
    'UNREACHABLE',
    `GitHub answered HTTP ${status} while ${what}${message ? `: ${message}` : ''}`,
    {
      hint: 'GitHub may be having problems; retry later',
    },
  );
}

// long-function: closure factory: the repository methods share the release and file caches.
export function createGitHubRepository(url: string, options: GitHubRepositoryOptions): RepositorySource {
  const parts = parseGitHubUrl(url);
  const { owner, repo } = parts;
  const slug = `${owner}/${repo}`;
  const { web, api } = resolveGitHubEndpoints(options.endpoints);
  const { http, token, goproxy } = options;
  const reporter = options.reporter ?? silentReporter;
  const releases = new Map<string, Promise<Release>>();

  const apiHeaders = (accept = 'application/vnd.github+json'): Record<string, string> => ({
    accept,
    'x-github-api-version': '2022-11-28',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });

  async function apiGet(path: string, what: string, signal?: AbortSignal, accept?: string): Promise<HttpResponse> {
    const response = await http.get(path.startsWith('http') ? path : `${api}${path}`, {
      headers: apiHeaders(accept),
      signal,
    });
    if (response.status !== 200) throw githubApiError(response, what, Boolean(token));
    return response;
  }

  async function listReleaseTags(signal?: AbortSignal): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = `${api}/repos/${slug}/releases?per_page=${releasesPerPage}`;
    for (let page = 0; next && page < maxReleasePages; page++) {
      let response: HttpResponse;
      try {
        response = await apiGet(next, `listing the releases of ${slug}`, signal);
      } catch (error) {
        if (isClusterctlError(error) && error.code === 'NOT_FOUND') {
          throw new ClusterctlError('NOT_FOUND', `the GitHub repository ${slug} does not exist (or is private)`, {
            hint: `check the provider URL ${url}; for a private repository set GITHUB_TOKEN`,
          });
        }
        throw error;
      }
      const body = responseJson(response);
      if (!Array.isArray(body)) {
        throw new ClusterctlError(
          'INTERNAL',
          `unexpected answer from ${displayUrl(response.url)}: not a list of releases`,
        );
      }
      for (const release of body as { tag_name?: unknown }[]) {
        if (typeof release.tag_name === 'string') tags.push(release.tag_name);
      }
      next = nextPageUrl(response.headers.get('link'));
    }
    return tags;
  }

  function getRelease(tag: string, signal?: AbortSignal): Promise<Release> {
    let pending = releases.get(tag);
    if (!pending) {
      pending = (async () => {
        try {
          const response = await apiGet(
            `/repos/${slug}/releases/tags/${encodeURIComponent(tag)}`,
            `reading release ${tag} of ${slug}`,
            signal,
          );
          const body = responseJson(response) as { tag_name?: unknown; assets?: unknown };
          const assets = Array.isArray(body.assets) ? (body.assets as { id?: unknown; name?: unknown }[]) : [];
          return {
            tag: typeof body.tag_name === 'string' ? body.tag_name : tag,
            assets: assets
              .filter((a) => typeof a.id === 'number' && typeof a.name === 'string')
              .map((a) => ({ id: a.id as number, name: a.name as string })),
          };
        } catch (error) {
          if (isClusterctlError(error) && error.code === 'NOT_FOUND') {
            throw new ClusterctlError('NOT_FOUND', `release ${tag} not found in the GitHub repository ${slug}`, {
              hint: `check the version on ${web}/${slug}/releases; a release that was just tagged may not be published yet (retry later, or set GOPROXY=off to resolve the current stable release from the GitHub API)`,
            });
          }
          throw error;
        }
      })();
      releases.set(tag, pending);
      pending.catch(() => releases.delete(tag));
    }
    return pending;
  }

  async function downloadAsset(version: string, file: string, signal?: AbortSignal): Promise<Uint8Array> {
    const release = await getRelease(version, signal);
    const assetName = parts.rootPath === '.' ? file : `${parts.rootPath}/${file}`;
    const asset = release.assets.find((a) => a.name === assetName);
    if (!asset) {
      throw new ClusterctlError('NOT_FOUND', `release ${version} of ${slug} has no file ${JSON.stringify(assetName)}`, {
        hint: `check the file name and the version on ${web}/${slug}/releases/tag/${version}`,
      });
    }
    const response = await apiGet(
      `/repos/${slug}/releases/assets/${asset.id}`,
      `downloading ${assetName} from release ${version} of ${slug}`,
      signal,
      'application/octet-stream',
    );
    return response.body;
  }

  return {
    kind: 'github',
    url,
    cacheKey: `github.com/${owner}/${repo}`,
    defaultVersion: () => parts.version,
    rootPath: () => `${githubHostUrl}/${slug}/releases`,
    componentsPath: () => parts.componentsPath,

    async getVersions(signal) {
      if (goproxy) {
        try {
          return await listGoProxyVersions(http, goproxy, `github.com/${owner}/${repo}`, signal);
        } catch (error) {
          if (isClusterctlError(error) && error.code === 'INTERRUPTED') throw error;
          reporter.debug(5, 'Listing versions through the Go proxy failed, falling back to the GitHub API', {
            repository: slug,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      const tags = await listReleaseTags(signal);
      return tags.filter((tag) => isSemverTag(tag));
    },

    async getFile(version, file, signal) {
      if (goproxy) {
        const downloadUrl = `${web}/${slug}/releases/download/${encodeURIComponent(version)}/${file
          .split('/')
          .map(encodeURIComponent)
          .join('/')}`;
        try {
          const response = await http.get(downloadUrl, { signal });
          if (response.status === 200) return response.body;
          if (response.status === 404 && !token) {
            // Without a token the API sees exactly what the download URL sees: save the API call.
            throw new ClusterctlError(
              'NOT_FOUND',
              `release ${version} of ${slug} has no file ${JSON.stringify(file)}`,
              {
                hint: `check the version and the file name on ${web}/${slug}/releases`,
              },
            );
          }
          reporter.debug(5, 'Downloading the release file failed, falling back to the GitHub API', {
            url: displayUrl(downloadUrl),
            status: response.status,
          });
        } catch (error) {
          if (isClusterctlError(error) && (error.code === 'NOT_FOUND' || error.code === 'INTERRUPTED')) throw error;
          reporter.debug(5, 'Downloading the release file failed, falling back to the GitHub API', {
            url: displayUrl(downloadUrl),
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      return downloadAsset(version, file, signal);
    },
  };
}

/** Release tags kept from the API listing: semantic versions with an optional leading `v`. */
function isSemverTag(tag: string): boolean {
  return /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.test(
    tag,
  );
}
