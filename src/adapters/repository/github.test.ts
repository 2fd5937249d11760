import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeRelease, startFakeGitHub, type FakeGitHub } from '../../../test/harness/fake-github.js';
import { latestContractRelease } from '../../core/repository/versions.js';
import { createGitHubRepository, nextPageUrl, parseGitHubUrl } from './github.js';
import { createHttpClient } from './http.js';
import { createRepository, createRepositoryMemo, type RepositoryConfig, type RepositoryDeps } from './index.js';
import { failure } from '../../../test/harness/errors.js';

const componentsUrl =
  'https://github.com/acme/cluster-api-provider-acme/releases/latest/infrastructure-components.yaml';
const provider = { name: 'acme', type: 'InfrastructureProvider' as const, url: componentsUrl };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

let gh: FakeGitHub;
let cacheDir: string;

function acmeReleases() {
  return [
    fakeRelease('v2.0.0-rc.0', { series: [[2, 0, 'v1beta2']] }),
    fakeRelease('v1.2.0', {
      series: [
        [1, 1, 'v1beta2'],
        [1, 2, 'v1beta2'],
      ],
      components: 'acme: v1.2.0\n',
    }),
    fakeRelease('v1.1.0', { series: [[1, 1, 'v1beta2']] }),
    fakeRelease('nightly', {}),
  ];
}

beforeEach(async () => {
  gh = await startFakeGitHub({
    repositories: [{ owner: 'acme', repo: 'cluster-api-provider-acme', releases: acmeReleases() }],
  });
  cacheDir = await mkdtemp(join(tmpdir(), 'clusterctl-ts-cache-'));
});
afterEach(async () => {
  await gh.close();
  await rm(cacheDir, { recursive: true, force: true });
});

function configWith(overrides: Partial<RepositoryConfig> = {}): RepositoryConfig {
  return {
    env: {},
    githubToken: undefined,
    gitlabToken: undefined,
    overridesFolder: join(cacheDir, 'none'),
    cacheDir,
    ...overrides,
  };
}

function depsWith(overrides: Partial<RepositoryDeps> = {}): RepositoryDeps {
  return {
    resolveLatest: latestContractRelease,
    endpoints: gh.endpoints,
    http: createHttpClient({ backoffMs: 1 }),
    noCache: true,
    ...overrides,
  };
}

describe('GitHub URLs', () => {
  it('splits a release URL', () => {
    expect(parseGitHubUrl('https://github.com/o/r/releases/v1.0.0/sub/dir/c.yaml')).toEqual({
      owner: 'o',
      repo: 'r',
      version: 'v1.0.0',
      rootPath: 'sub/dir',
      componentsPath: 'c.yaml',
    });
    expect(parseGitHubUrl(componentsUrl).rootPath).toBe('.');
  });

  it.each([
    'https://github.com/o/r/tags/latest/c.yaml',
    'https://github.com/o/r/releases/latest',
    'http://github.com/o/r/releases/latest/c.yaml',
    'https://gitlab.com/o/r/releases/latest/c.yaml',
  ])('rejects %s', (url) => {
    expect(() => parseGitHubUrl(url)).toThrow(/GitHub/);
  });

  it('reads Link headers', () => {
    expect(nextPageUrl('<https://api/x?page=2>; rel="next", <https://api/x?page=5>; rel="last"')).toBe(
      'https://api/x?page=2',
    );
    expect(nextPageUrl('<https://api/x?page=1>; rel="prev"')).toBeUndefined();
    expect(nextPageUrl(null)).toBeUndefined();
  });
});

describe('GitHub repository', () => {
  it('lists versions through the Go proxy and resolves latest without the API', async () => {
    const repo = await createRepository(provider, configWith(), depsWith());
    expect(repo.defaultVersion()).toBe('v1.2.0');
    expect((await repo.getVersions()).sort()).toEqual(['v1.1.0', 'v1.2.0', 'v2.0.0-rc.0']);
    expect(text(await repo.getFile('latest', 'infrastructure-components.yaml'))).toBe('acme: v1.2.0\n');
    expect(gh.count('/api')).toBe(0);
    expect(gh.count('/goproxy')).toBeGreaterThan(0);
  });

  it('falls back to the GitHub API when the proxy fails, paging 100 at a time and dropping non-semver tags', async () => {
    const many = Array.from({ length: 150 }, (_, i) => fakeRelease(`v0.${i}.0`, { series: [[0, i, 'v1beta2']] }));
    gh.addRepository({ owner: 'acme', repo: 'many', releases: [...many, fakeRelease('not-semver')] });
    gh.failGoProxy(500);
    const repo = createGitHubRepository('https://github.com/acme/many/releases/latest/infrastructure-components.yaml', {
      http: createHttpClient({ backoffMs: 1 }),
      goproxy: gh.endpoints.goproxy,
      endpoints: { web: gh.endpoints.githubWeb, api: gh.endpoints.githubApi },
    });
    const versions = await repo.getVersions();
    expect(versions).toHaveLength(150);
    expect(versions).not.toContain('not-semver');
    const pages = gh.requests.filter((r) => r.path.startsWith('/api/repos/acme/many/releases?'));
    expect(pages.map((r) => r.path)).toEqual([
      '/api/repos/acme/many/releases?per_page=100',
      '/api/repos/acme/many/releases?per_page=100&page=2',
    ]);
  });

  it('uses only the API with GOPROXY=off, downloading assets through it, and sends the token only there', async () => {
    const repo = await createRepository(provider, configWith({ env: { GOPROXY: 'off' }, githubToken: 'ghp_secret' }), {
      ...depsWith(),
      endpoints: { githubWeb: gh.endpoints.githubWeb, githubApi: gh.endpoints.githubApi },
    });
    expect(repo.defaultVersion()).toBe('v1.2.0');
    expect(text(await repo.getFile('v1.2.0', 'infrastructure-components.yaml'))).toBe('acme: v1.2.0\n');
    expect(gh.count('/goproxy')).toBe(0);
    expect(gh.count('/web')).toBe(0);
    const api = gh.requests.filter((r) => r.path.startsWith('/api'));
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((r) => r.authorization === 'Bearer ghp_secret')).toBe(true);
    expect(
      gh.requests.some(
        (r) =>
          r.path.startsWith('/api/repos/acme/cluster-api-provider-acme/releases/assets/') &&
          r.accept === 'application/octet-stream',
      ),
    ).toBe(true);
  });

  it('falls back to the API when the download URL fails with a token (private repositories)', async () => {
    gh.addRepository({
      owner: 'acme',
      repo: 'private',
      inGoProxy: false,
      releases: [fakeRelease('v1.0.0', { series: [[1, 0, 'v1beta2']] })],
    });
    const repo = createGitHubRepository(
      'https://github.com/acme/private/releases/v1.0.0/infrastructure-components.yaml',
      {
        http: createHttpClient({ backoffMs: 1 }),
        token: 't',
        goproxy: gh.endpoints.goproxy,
        endpoints: { web: `${gh.url}/elsewhere`, api: gh.endpoints.githubApi },
      },
    );
    expect(text(await repo.getFile('v1.0.0', 'metadata.yaml'))).toContain('minor: 0');
    expect(gh.count('/elsewhere')).toBe(1);
  });

  it('reports a missing file as NOT_FOUND naming the release and the file', async () => {
    const repo = await createRepository(provider, configWith(), depsWith());
    const error = await failure(repo.getFile('v1.1.0', 'cluster-template.yaml'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('v1.1.0');
    expect(error.message).toContain('cluster-template.yaml');
    expect(error.message).toContain('acme/cluster-api-provider-acme');

    const api = await createRepository(
      provider,
      configWith({ env: { GOPROXY: 'off' } }),
      depsWith({ endpoints: { ...gh.endpoints, goproxy: null } }),
    );
    const missingRelease = await failure(api.getFile('v9.9.9', 'metadata.yaml'));
    expect(missingRelease.code).toBe('NOT_FOUND');
    expect(missingRelease.message).toContain('release v9.9.9 not found');
    const missingAsset = await failure(api.getFile('v1.1.0', 'cluster-template.yaml'));
    expect(missingAsset.message).toContain(
      'release v1.1.0 of acme/cluster-api-provider-acme has no file "cluster-template.yaml"',
    );
  });

  it('reports rate limits with the reset time and the token hint', async () => {
    gh.failGoProxy(500);
    gh.rateLimit(new Date('2030-01-02T03:04:05Z'));
    const error = await failure(createRepository(provider, configWith(), depsWith()));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toContain('rate limit');
    expect(error.message).toContain('2030-01-02T03:04:05.000Z');
    expect(error.hint).toContain('GITHUB_TOKEN');
  });

  it('reports a missing repository and a bad token', async () => {
    gh.failGoProxy(404);
    const missing = await failure(
      createRepository(
        { ...provider, url: 'https://github.com/acme/nope/releases/latest/c.yaml' },
        configWith(),
        depsWith(),
      ),
    );
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('acme/nope');
    gh.requireToken('good');
    const bad = await failure(createRepository(provider, configWith({ githubToken: 'bad' }), depsWith()));
    expect(bad.code).toBe('UNAUTHORIZED');
    expect(bad.hint).toContain('GITHUB_TOKEN');
  });

  it('fails in seconds with UNREACHABLE naming the URL when GitHub cannot be reached', async () => {
    const url = gh.url;
    await gh.close();
    const started = Date.now();
    const error = await failure(createRepository(provider, configWith(), depsWith({ http: undefined })));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toContain(url);
    expect(error.message).toContain('failed to get repository client for the InfrastructureProvider with name acme');
    expect(error.hint).toContain('overrides folder');
    gh = await startFakeGitHub();
  });

  it('shares one download per file across repositories through the memo', async () => {
    const memo = createRepositoryMemo();
    const a = await createRepository(provider, configWith(), depsWith({ memo }));
    const b = await createRepository(
      { ...provider, name: 'acme2', url: componentsUrl.replace('latest', 'v1.2.0') },
      configWith(),
      depsWith({ memo }),
    );
    await a.getFile('v1.2.0', 'infrastructure-components.yaml');
    await b.getFile('v1.2.0', 'infrastructure-components.yaml');
    expect(gh.requests.filter((r) => r.path.endsWith('/v1.2.0/infrastructure-components.yaml'))).toHaveLength(1);
  });
});

describe('repository cache', () => {
  it('serves a second run from disk with the server stopped', async () => {
    const first = await createRepository(provider, configWith(), depsWith({ noCache: false }));
    expect(first.defaultVersion()).toBe('v1.2.0');
    await first.getFile('v1.2.0', 'infrastructure-components.yaml');
    await gh.close();

    const second = await createRepository(
      provider,
      configWith(),
      depsWith({ noCache: false, http: createHttpClient({ retries: 0 }) }),
    );
    expect(second.defaultVersion()).toBe('v1.2.0');
    expect(text(await second.getFile('v1.2.0', 'infrastructure-components.yaml'))).toBe('acme: v1.2.0\n');
    gh = await startFakeGitHub();
  });

  it('refreshes versions after the TTL and falls back to the expired list when offline', async () => {
    let now = 1_000_000;
    const warnings: string[] = [];
    const reporter = {
      info: () => undefined,
      warn: (m: string) => warnings.push(m),
      debug: () => undefined,
      task: () => ({ update: () => undefined, succeed: () => undefined, fail: () => undefined, warn: () => undefined }),
    };
    const deps = depsWith({ noCache: false, now: () => now, reporter });
    await createRepository(provider, configWith(), deps);
    const proxyCalls = gh.count('/goproxy');
    await createRepository(provider, configWith(), deps);
    expect(gh.count('/goproxy')).toBe(proxyCalls);

    now += 2 * 60 * 60 * 1000;
    await createRepository(provider, configWith(), deps);
    expect(gh.count('/goproxy')).toBeGreaterThan(proxyCalls);

    now += 2 * 60 * 60 * 1000;
    await gh.close();
    const offline = await createRepository(provider, configWith(), { ...deps, http: createHttpClient({ retries: 0 }) });
    expect(offline.defaultVersion()).toBe('v1.2.0');
    expect(warnings.join('\n')).toContain('cached at');
    gh = await startFakeGitHub();
  });

  it('remembers missing files for the TTL and is skipped with CLUSTERCTL_TS_NO_CACHE=1', async () => {
    const deps = depsWith({ noCache: undefined });
    const repo = await createRepository(provider, configWith(), deps);
    await failure(repo.getFile('v1.2.0', 'nope.yaml'));
    const before = gh.requests.length;
    const again = await createRepository(provider, configWith(), deps);
    expect((await failure(again.getFile('v1.2.0', 'nope.yaml'))).code).toBe('NOT_FOUND');
    expect(gh.requests.length).toBe(before);

    const uncached = await createRepository(provider, configWith({ env: { CLUSTERCTL_TS_NO_CACHE: '1' } }), deps);
    await uncached.getFile('v1.2.0', 'infrastructure-components.yaml');
    expect(gh.requests.length).toBeGreaterThan(before);
  });
});

describe('endpoints from the environment', () => {
  it('follows CLUSTERCTL_TS_GITHUB_URL, CLUSTERCTL_TS_GITHUB_API_URL and GOPROXY', async () => {
    const repo = await createRepository(provider, configWith({ env: { ...gh.env, CLUSTERCTL_TS_NO_CACHE: '1' } }), {
      resolveLatest: latestContractRelease,
    });
    expect(repo.defaultVersion()).toBe('v1.2.0');
    expect(gh.count('/goproxy')).toBeGreaterThan(0);
    expect(gh.count('/web')).toBeGreaterThan(0);
  });
});
