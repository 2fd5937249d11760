/**
 * Providers published to a GitLab generic package registry:
 * `https://gitlab.{domain}/api/v4/projects/{project slug}/packages/generic/{package}/{version}/{file}`.
 * The only version known is the one in the URL; the access token is sent as a Bearer token.
 */
import { ClusterctlError } from '../../errors.js';
import { displayUrl, type HttpClient } from './http.js';
import { invalidRepositoryUrl, parseRepositoryUrl, type RepositorySource } from './repository.js';

const gitlabHostPrefix = 'gitlab.';
const gitlabPackagesApiPrefix = '/api/v4/projects/';

export interface GitLabUrlParts {
  host: string;
  /** The project slug as written in the URL (URL-encoded, e.g. `group%2Fproject`). */
  projectSlug: string;
  packageName: string;
  version: string;
  componentsPath: string;
}

const urlFormHint =
  'a GitLab provider URL has the form https://gitlab.{domain}/api/v4/projects/{projectSlug}/packages/generic/{packageName}/{version}/{components file}';

/** True for URLs clusterctl routes to the GitLab repository (https, gitlab.* host, packages API). */
export function isGitLabUrl(url: URL): boolean {
  return (
    url.protocol === 'https:' &&
    url.host.startsWith(gitlabHostPrefix) &&
    url.pathname.startsWith(gitlabPackagesApiPrefix)
  );
}

export function parseGitLabUrl(url: string): GitLabUrlParts {
  const parsed = parseRepositoryUrl('GitLab', url, urlFormHint);
  const parts = parsed.pathname.replace(/^\//, '').split('/');
  if (
    parsed.protocol !== 'https:' ||
    parts.length !== 9 ||
    !parsed.pathname.startsWith(gitlabPackagesApiPrefix) ||
    parts[4] !== 'packages' ||
    parts[5] !== 'generic'
  )
    throw invalidRepositoryUrl('GitLab', url, urlFormHint);
  return {
    host: parsed.host,
    projectSlug: parts[3] ?? '',
    packageName: parts[6] ?? '',
    version: parts[7] ?? '',
    componentsPath: decodeURIComponent(parts[8] ?? ''),
  };
}

export interface GitLabRepositoryOptions {
  http: HttpClient;
  token?: string | undefined;
  /** Replaces `https://{host}` for requests (tests point it at a local server). */
  origin?: string | undefined;
}

export function createGitLabRepository(url: string, options: GitLabRepositoryOptions): RepositorySource {
  const parts = parseGitLabUrl(url);
  const origin = (options.origin ?? `https://${parts.host}`).replace(/\/+$/, '');
  const base = `${origin}/api/v4/projects/${parts.projectSlug}/packages/generic/${parts.packageName}`;
  const { http, token } = options;
  return {
    kind: 'gitlab',
    url,
    cacheKey: `${parts.host}/${decodeURIComponent(parts.projectSlug)}/${parts.packageName}`,
    defaultVersion: () => parts.version,
    rootPath: () => `https://${parts.host}/api/v4/projects/${parts.projectSlug}/packages/generic/${parts.packageName}`,
    componentsPath: () => parts.componentsPath,
    getVersions: () => Promise.resolve([parts.version]),
    async getFile(version, file, signal) {
      const fileUrl = `${base}/${encodeURIComponent(version)}/${file.split('/').map(encodeURIComponent).join('/')}`;
      const response = await http.get(fileUrl, {
        signal,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const what = `file ${JSON.stringify(file)} with version ${JSON.stringify(version)} from ${displayUrl(fileUrl)}`;
      if (response.status === 200) return response.body;
      if (response.status === 401 || response.status === 403) {
        throw new ClusterctlError(
          'UNAUTHORIZED',
          `failed to get ${what}: unauthorized access (HTTP ${response.status})`,
          {
            hint: 'set GITLAB_ACCESS_TOKEN (or gitlab-access-token in clusterctl.yaml) to a token with read access to the package registry',
          },
        );
      }
      if (response.status === 404) {
        throw new ClusterctlError('NOT_FOUND', `failed to get ${what}: not found`, {
          hint: 'check the package name, version and file name in the provider URL',
        });
      }
      throw new ClusterctlError('UNREACHABLE', `failed to get ${what}: HTTP ${response.status}`);
    },
  };
}
