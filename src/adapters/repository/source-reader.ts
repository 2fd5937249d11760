/**
 * Reads the `--from` source of `generate cluster` / `generate yaml`: `-` (stdin), a file path or
 * `file://` URL, an https URL, a GitHub blob URL (through the contents API) or a GitHub release
 * download URL. Plain http is refused.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterctlError, httpStatusErrorCode, isClusterctlError } from '../../errors.js';
import { githubApiError, githubHost, resolveGitHubEndpoints, type GitHubEndpoints } from './github.js';
import { createHttpClient, displayUrl, responseJson, type HttpClient } from './http.js';

export interface ReadSourceDeps {
  http?: HttpClient | undefined;
  /** Sent to the GitHub API only. */
  githubToken?: string | undefined;
  endpoints?: Partial<GitHubEndpoints> | undefined;
  /** For relative paths; default the process working directory. */
  cwd?: string | undefined;
  /** The standard input, for `-`. */
  stdin?: AsyncIterable<Uint8Array | string> | undefined;
  signal?: AbortSignal | undefined;
}

const githubFormsHint =
  'a GitHub URL must have one of the forms https://github.com/{owner}/{repository}/blob/{branch}/{path-to-file} or https://github.com/{owner}/{repository}/releases/download/{tag}/{asset-file-name}';

/**
 * The largest `--from` source read (64 MiB; templates are kilobytes). Larger input is refused
 * before it is read, naming the limit; generate refuses templates above its own, smaller limit.
 */
export const maxSourceBytes = 64 * 1024 * 1024;

function sourceTooLarge(what: string, size: number): ClusterctlError {
  return new ClusterctlError(
    'INVALID_ARGUMENT',
    `${what} is ${(size / 1024 / 1024).toFixed(1)} MiB, more than the ${maxSourceBytes / 1024 / 1024} MiB limit for a --from source`,
    { hint: 'Check the --from value: it must name a cluster template or YAML file.' },
  );
}

async function readStream(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    total += bytes.length;
    if (total > maxSourceBytes) throw sourceTooLarge('the standard input', total);
    chunks.push(bytes);
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

async function readLocal(path: string): Promise<Uint8Array> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ClusterctlError('NOT_FOUND', `failed to read file ${JSON.stringify(path)}: no such file`, {
      hint: 'check the --from path',
      cause: error,
    });
  }
  if (info.isDirectory()) {
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid path: file ${JSON.stringify(path)} is actually a directory`);
  }
  if (info.size > maxSourceBytes) throw sourceTooLarge(`the file ${JSON.stringify(path)}`, info.size);
  return new Uint8Array(await readFile(path));
}

function decodeBase64(content: string): Uint8Array {
  return new Uint8Array(Buffer.from(content.replace(/\s+/g, ''), 'base64'));
}

/** Reads the content named by `from`. */
export async function readSource(from: string, deps: ReadSourceDeps = {}): Promise<Uint8Array> {
  if (from === '') throw new ClusterctlError('INVALID_ARGUMENT', 'missing --from value');
  if (from === '-') {
    if (!deps.stdin) throw new ClusterctlError('INVALID_ARGUMENT', 'reading from stdin ("-") is not available here');
    return readStream(deps.stdin);
  }
  const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(from) && !/^[A-Za-z]:[\\/]/.test(from);
  if (!hasScheme) return readLocal(isAbsolute(from) ? from : resolve(deps.cwd ?? process.cwd(), from));

  let url: URL;
  try {
    url = new URL(from);
  } catch {
    throw new ClusterctlError('INVALID_ARGUMENT', `failed to parse ${JSON.stringify(from)} as a URL`);
  }
  if (url.protocol === 'file:') return readLocal(fileURLToPath(url));
  if (url.protocol !== 'https:') {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `unable to read content from ${JSON.stringify(from)}: only GitHub, https URLs and the local file system are supported`,
      {
        hint:
          url.protocol === 'http:'
            ? 'use https:// instead of http://'
            : 'pass a file path, an https URL or - for stdin',
      },
    );
  }
  const http = deps.http ?? createHttpClient();
  if (url.host === githubHost) return readGitHub(url, http, deps);

  const response = await http.get(from, { signal: deps.signal });
  if (response.status !== 200) {
    throw new ClusterctlError(
      httpStatusErrorCode(response.status),
      `failed to get file ${displayUrl(from)}: got HTTP ${response.status}`,
    );
  }
  return response.body;
}

// long-function: the blob and release-download URL forms share the parsed slug, endpoints and headers (split candidate).
async function readGitHub(url: URL, http: HttpClient, deps: ReadSourceDeps): Promise<Uint8Array> {
  const parts = url.pathname.replace(/^\//, '').split('/').map(decodeURIComponent);
  if (parts.length < 5) {
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid GitHub url ${JSON.stringify(url.toString())}`, {
      hint: githubFormsHint,
    });
  }
  const [owner = '', repo = '', linkType = ''] = parts;
  const slug = `${owner}/${repo}`;
  const { api, web } = resolveGitHubEndpoints(deps.endpoints);
  const token = deps.githubToken;
  const apiHeaders = (accept = 'application/vnd.github+json'): Record<string, string> => ({
    accept,
    'x-github-api-version': '2022-11-28',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  const signal = deps.signal;

  if (linkType === 'blob') {
    const branch = parts[3] ?? '';
    const path = parts.slice(4).join('/');
    const what = `reading ${path} at ${branch} from ${slug}`;
    const contentsUrl = `${api}/repos/${slug}/contents/${path.split('/').map(encodeURIComponent).join('/')}?ref=${encodeURIComponent(branch)}`;
    const response = await http.get(contentsUrl, { headers: apiHeaders(), signal });
    if (response.status !== 200) throw githubApiError(response, what, Boolean(token));
    const body = responseJson(response) as {
      type?: unknown;
      encoding?: unknown;
      content?: unknown;
      download_url?: unknown;
    };
    if (body.type !== undefined && body.type !== 'file') {
      throw new ClusterctlError('INVALID_ARGUMENT', `${url.toString()} does not point to a file`);
    }
    if (body.encoding === 'base64' && typeof body.content === 'string') return decodeBase64(body.content);
    // Files over 1 MB come without inline content: fetch the raw download URL instead.
    if (typeof body.download_url === 'string') {
      const raw = await http.get(body.download_url, {
        signal,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      if (raw.status === 200) return raw.body;
      throw githubApiError(raw, what, Boolean(token));
    }
    throw new ClusterctlError('INTERNAL', `invalid encoding detected for ${url.toString()}: only base64 is supported`);
  }

  if (linkType === 'releases' && parts[3] === 'download' && parts.length >= 6) {
    const tag = parts[4] ?? '';
    const assetName = parts.slice(5).join('/');
    const what = `reading release ${tag} of ${slug}`;
    const download = await http.get(`${web}${url.pathname}`, { signal });
    if (download.status === 200) return download.body;
    const release = await http.get(`${api}/repos/${slug}/releases/tags/${encodeURIComponent(tag)}`, {
      headers: apiHeaders(),
      signal,
    });
    if (release.status !== 200) {
      const error = githubApiError(release, what, Boolean(token));
      if (isClusterctlError(error) && error.code === 'NOT_FOUND') {
        throw new ClusterctlError('NOT_FOUND', `failed to get release ${tag} from the ${slug} repository`, {
          hint: `check the tag on ${web}/${slug}/releases`,
        });
      }
      throw error;
    }
    const assets = (responseJson(release) as { assets?: { id?: unknown; name?: unknown }[] }).assets ?? [];
    const asset = assets.find((a) => a.name === assetName && typeof a.id === 'number');
    if (!asset) {
      throw new ClusterctlError('NOT_FOUND', `release ${tag} of ${slug} has no file ${JSON.stringify(assetName)}`);
    }
    const content = await http.get(`${api}/repos/${slug}/releases/assets/${String(asset.id)}`, {
      headers: apiHeaders('application/octet-stream'),
      signal,
    });
    if (content.status !== 200)
      throw githubApiError(content, `downloading ${assetName} from ${slug} ${tag}`, Boolean(token));
    return content.body;
  }

  throw new ClusterctlError('INVALID_ARGUMENT', `unknown GitHub url ${JSON.stringify(url.toString())}`, {
    hint: githubFormsHint,
  });
}
