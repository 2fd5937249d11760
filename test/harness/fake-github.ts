/**
 * A local stand-in for github.com, api.github.com and the Go module proxy, for repository tests:
 * one node:http server on 127.0.0.1 (random port) with three URL prefixes:
 *
 *   <url>/web      release downloads   /{o}/{r}/releases/download/{tag}/{file}
 *   <url>/api      REST API            /repos/{o}/{r}/releases[?per_page&page], .../releases/tags/{tag},
 *                                      .../releases/assets/{id} (octet-stream -> 302 to /storage/{id}),
 *                                      .../contents/{path}?ref={branch}
 *   <url>/goproxy  Go module proxy     /github.com/{o}/{r}[/vN]/@v/list
 *
 * Switches: rate limiting (API answers 403 with x-ratelimit-remaining: 0 and x-ratelimit-reset),
 * a required token (401 otherwise), a failing Go proxy. Every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRelease {
  tag: string;
  /** Asset name -> content. */
  assets: Record<string, string | Uint8Array>;
}

export interface FakeRepository {
  owner: string;
  repo: string;
  /** Listed in this order by the API (GitHub lists newest first). */
  releases: FakeRelease[];
  /** Whether the Go proxy knows the module (default true). */
  inGoProxy?: boolean;
  /** Branch -> path -> content, for blob URLs (contents API). */
  tree?: Record<string, Record<string, string>>;
}

export interface FakeRequest {
  method: string;
  /** The path with its query, without the prefix's host. */
  path: string;
  authorization: string | undefined;
  accept: string | undefined;
}

export interface FakeGitHub {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Ready for RepositoryDeps.endpoints. */
  readonly endpoints: { githubWeb: string; githubApi: string; goproxy: string };
  /** The same endpoints as environment variables, for whole-command (CLI) tests. */
  readonly env: { CLUSTERCTL_TS_GITHUB_URL: string; CLUSTERCTL_TS_GITHUB_API_URL: string; GOPROXY: string };
  readonly requests: FakeRequest[];
  addRepository(repository: FakeRepository): void;
  /** From now on the API answers 403 rate limited, resetting at `resetAt`. */
  rateLimit(resetAt?: Date): void;
  /** From now on the Go proxy answers `status` to everything (default 500); undefined restores it. */
  failGoProxy(status?: number): void;
  /** From now on API calls need `Authorization: Bearer <token>` (401 otherwise). */
  requireToken(token: string | undefined): void;
  /** Number of recorded requests whose path starts with the prefix (e.g. '/api', '/goproxy'). */
  count(prefix: string): number;
  close(): Promise<void>;
}

function semverMajor(tag: string): number | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(tag);
  return match ? Number(match[1]) : undefined;
}

function unescapeModulePath(path: string): string {
  return path.replace(/!([a-z])/g, (_, c: string) => c.toUpperCase());
}

export async function startFakeGitHub(options: { repositories?: FakeRepository[] } = {}): Promise<FakeGitHub> {
  const repositories = new Map<string, FakeRepository>();
  const requests: FakeRequest[] = [];
  const assetsById = new Map<number, { name: string; content: string | Uint8Array }>();
  const assetIds = new Map<string, number>();
  let nextAssetId = 1000;
  let rateLimitReset: Date | undefined;
  let goProxyStatus: number | undefined;
  let requiredToken: string | undefined;

  const assetId = (repo: FakeRepository, tag: string, name: string, content: string | Uint8Array) => {
    const key = `${repo.owner}/${repo.repo}/${tag}/${name}`;
    let id = assetIds.get(key);
    if (id === undefined) {
      id = nextAssetId++;
      assetIds.set(key, id);
    }
    assetsById.set(id, { name, content });
    return id;
  };

  const addRepository = (repository: FakeRepository) => {
    repositories.set(`${repository.owner}/${repository.repo}`.toLowerCase(), repository);
    for (const release of repository.releases) {
      for (const [name, content] of Object.entries(release.assets)) assetId(repository, release.tag, name, content);
    }
  };
  for (const r of options.repositories ?? []) addRepository(r);

  const send = (
    res: ServerResponse,
    status: number,
    body: string | Uint8Array,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    send(res, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
  const notFound = (res: ServerResponse) => json(res, 404, { message: 'Not Found' });

  let baseUrl = '';

  const handleApi = (req: IncomingMessage, res: ServerResponse, url: URL, path: string) => {
    if (rateLimitReset) {
      json(
        res,
        403,
        { message: 'API rate limit exceeded for 127.0.0.1 (fake GitHub).' },
        {
          'x-ratelimit-limit': '60',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(rateLimitReset.getTime() / 1000)),
        },
      );
      return;
    }
    if (requiredToken !== undefined && req.headers.authorization !== `Bearer ${requiredToken}`) {
      json(res, 401, { message: 'Bad credentials' });
      return;
    }
    const match = /^\/repos\/([^/]+)\/([^/]+)\/(.*)$/.exec(path);
    const repo = match ? repositories.get(`${match[1]}/${match[2]}`.toLowerCase()) : undefined;
    if (!match || !repo) return notFound(res);
    const rest = match[3] ?? '';
    const apiBase = `${baseUrl}/api/repos/${repo.owner}/${repo.repo}`;

    if (rest === 'releases') {
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? '30') || 30);
      const page = Math.max(1, Number(url.searchParams.get('page') ?? '1') || 1);
      const slice = repo.releases.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < repo.releases.length) {
        headers.link = `<${apiBase}/releases?per_page=${perPage}&page=${page + 1}>; rel="next", <${apiBase}/releases?per_page=${perPage}&page=${Math.ceil(repo.releases.length / perPage)}>; rel="last"`;
      }
      json(
        res,
        200,
        slice.map((r) => ({ tag_name: r.tag, name: r.tag, draft: false })),
        headers,
      );
      return;
    }
    const tagMatch = /^releases\/tags\/(.+)$/.exec(rest);
    if (tagMatch) {
      const tag = decodeURIComponent(tagMatch[1] ?? '');
      const release = repo.releases.find((r) => r.tag === tag);
      if (!release) return notFound(res);
      json(res, 200, {
        tag_name: release.tag,
        assets: Object.entries(release.assets).map(([name, content]) => {
          const id = assetId(repo, release.tag, name, content);
          return { id, name, url: `${apiBase}/releases/assets/${id}` };
        }),
      });
      return;
    }
    const assetMatch = /^releases\/assets\/(\d+)$/.exec(rest);
    if (assetMatch) {
      const asset = assetsById.get(Number(assetMatch[1]));
      if (!asset) return notFound(res);
      if (req.headers.accept === 'application/octet-stream') {
        send(res, 302, '', { location: `${baseUrl}/storage/${assetMatch[1]}` });
      } else {
        json(res, 200, { id: Number(assetMatch[1]), name: asset.name });
      }
      return;
    }
    const contentsMatch = /^contents\/(.+)$/.exec(rest);
    if (contentsMatch) {
      const file = decodeURIComponent(contentsMatch[1] ?? '');
      const ref = url.searchParams.get('ref') ?? 'main';
      const content = repo.tree?.[ref]?.[file];
      if (content === undefined) return notFound(res);
      json(res, 200, {
        type: 'file',
        name: file.split('/').pop(),
        path: file,
        encoding: 'base64',
        content: Buffer.from(content)
          .toString('base64')
          .replace(/(.{60})/g, '$1\n'),
      });
      return;
    }
    notFound(res);
  };

  const handleWeb = (res: ServerResponse, path: string) => {
    const match = /^\/([^/]+)\/([^/]+)\/releases\/download\/([^/]+)\/(.+)$/.exec(path);
    const repo = match ? repositories.get(`${match[1]}/${match[2]}`.toLowerCase()) : undefined;
    if (!match || !repo) return send(res, 404, 'Not Found');
    const tag = decodeURIComponent(match[3] ?? '');
    const file = decodeURIComponent(match[4] ?? '');
    const content = repo.releases.find((r) => r.tag === tag)?.assets[file];
    if (content === undefined) return send(res, 404, 'Not Found');
    send(res, 200, content, { 'content-type': 'application/octet-stream' });
  };

  const handleGoProxy = (res: ServerResponse, path: string) => {
    if (goProxyStatus !== undefined) return send(res, goProxyStatus, 'proxy failure');
    const match = /^\/github\.com\/([^/]+)\/([^/]+)(?:\/v(\d+))?\/@v\/list$/.exec(path);
    if (!match) return send(res, 404, 'not found');
    const repo = repositories.get(
      `${unescapeModulePath(match[1] ?? '')}/${unescapeModulePath(match[2] ?? '')}`.toLowerCase(),
    );
    if (!repo || repo.inGoProxy === false) return send(res, 404, 'not found: module unknown');
    const major = match[3] === undefined ? undefined : Number(match[3]);
    const tags = repo.releases
      .map((r) => r.tag)
      .filter((tag) => {
        const m = semverMajor(tag);
        if (m === undefined) return false;
        return major === undefined ? m <= 1 : m === major;
      });
    if (tags.length === 0) return send(res, 404, 'not found');
    send(res, 200, tags.map((t) => (t.startsWith('v') ? t : `v${t}`)).join('\n') + '\n');
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', baseUrl);
    requests.push({
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      authorization: req.headers.authorization,
      accept: req.headers.accept,
    });
    const [, prefix = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    if (prefix === 'api') return handleApi(req, res, url, path);
    if (prefix === 'web') return handleWeb(res, path);
    if (prefix === 'goproxy') return handleGoProxy(res, path);
    if (prefix === 'storage') {
      const asset = assetsById.get(Number(rest[0]));
      return asset ? send(res, 200, asset.content, { 'content-type': 'application/octet-stream' }) : send(res, 404, '');
    }
    send(res, 404, 'Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    endpoints: { githubWeb: `${baseUrl}/web`, githubApi: `${baseUrl}/api`, goproxy: `${baseUrl}/goproxy` },
    env: {
      CLUSTERCTL_TS_GITHUB_URL: `${baseUrl}/web`,
      CLUSTERCTL_TS_GITHUB_API_URL: `${baseUrl}/api`,
      GOPROXY: `${baseUrl}/goproxy`,
    },
    requests,
    addRepository,
    rateLimit(resetAt = new Date(Date.now() + 3600_000)) {
      rateLimitReset = resetAt;
    },
    failGoProxy(status = 500) {
      goProxyStatus = status;
    },
    requireToken(token) {
      requiredToken = token;
    },
    count(prefix) {
      return requests.filter((r) => r.path.startsWith(prefix)).length;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** A release whose assets are a components file and a metadata.yaml with the given series. */
export function fakeRelease(
  tag: string,
  options: {
    components?: string;
    componentsFile?: string;
    series?: [number, number, string][];
    extra?: Record<string, string>;
  } = {},
): FakeRelease {
  const assets: Record<string, string> = {
    [options.componentsFile ?? 'infrastructure-components.yaml']:
      options.components ?? `# components of ${tag}\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: test-system\n`,
    ...options.extra,
  };
  if (options.series) {
    assets['metadata.yaml'] = [
      'apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3',
      'kind: Metadata',
      'releaseSeries:',
      ...options.series.map(
        ([major, minor, contract]) => `  - major: ${major}\n    minor: ${minor}\n    contract: ${contract}`,
      ),
      '',
    ].join('\n');
  }
  return { tag, assets };
}
