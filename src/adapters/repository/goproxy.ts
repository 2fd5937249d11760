/**
 * Version listing through a Go module proxy (GOPROXY), which answers without GitHub's API rate
 * limit: `<proxy>/<module>[/vN]/@v/list`, for N = 2, 3, ... until the proxy says the major version
 * does not exist.
 */
import { valid as validSemver } from 'semver';
import { ClusterctlError } from '../../errors.js';
import { displayUrl, responseText, type HttpClient } from './http.js';

export const defaultGoProxy = 'https://proxy.golang.org';
/** Upper bound of major versions probed, so a misbehaving proxy cannot loop forever. */
const maxMajorVersion = 100;

/**
 * The proxy base URL from a GOPROXY value, or undefined when the proxy is disabled (`off` or
 * `direct` before any URL). Unset or empty means the public proxy. Lists separated by ',' or '|'
 * use their first entry; a bare host gets `https://`.
 */
export function parseGoProxy(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return defaultGoProxy;
  for (const rawEntry of value.split(/[,|]/)) {
    let entry = rawEntry.trim();
    if (entry === '') continue;
    if (entry === 'off' || entry === 'direct') return undefined;
    if (/[.:/]/.test(entry) && !entry.includes(':/') && !entry.startsWith('/')) entry = `https://${entry}`;
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ClusterctlError('INVALID_CONFIG', `invalid GOPROXY entry ${JSON.stringify(entry)}`, {
        hint: 'set GOPROXY to a proxy URL (e.g. https://proxy.golang.org), or to off to use the GitHub API',
      });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  }
  return undefined;
}

/** Go's module path escaping: each upper-case letter becomes '!' plus its lower case. */
export function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/**
 * All release versions of a module (`github.com/<owner>/<repo>`) the proxy knows, `v`-prefixed,
 * oldest first. Throws NOT_FOUND when there are none, UNREACHABLE when the proxy fails.
 */
export async function listGoProxyVersions(
  http: HttpClient,
  proxy: string,
  modulePath: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const found = new Set<string>();
  for (let major = 1; major <= maxMajorVersion; major++) {
    const suffix = major > 1 ? `/v${major}` : '';
    const url = `${proxy}/${escapeModulePath(modulePath)}${suffix}/@v/list`;
    const response = await http.get(url, { signal });
    if (response.status === 404 || response.status === 410) break;
    if (response.status !== 200) {
      throw new ClusterctlError(
        'UNREACHABLE',
        `failed to get versions from ${displayUrl(url)}: HTTP ${response.status}`,
      );
    }
    for (const line of responseText(response).split('\n')) {
      const version = line.trim().replace(/\+incompatible$/, '');
      const normalized = version === '' ? null : validSemver(version);
      if (normalized) found.add(`v${normalized}`);
    }
  }
  if (found.size === 0) {
    throw new ClusterctlError('NOT_FOUND', `no versions found for go module ${JSON.stringify(modulePath)} on ${proxy}`);
  }
  return [...found];
}
