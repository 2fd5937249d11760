import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestContractRelease } from '../../core/repository/versions.js';
import type { ClusterctlError } from '../../errors.js';
import { parseGitLabUrl } from './gitlab.js';
import { createRepository } from './index.js';
import { startLocalHttpServer, type LocalHttpServer } from '../../../test/harness/local-http.js';

const url =
  'https://gitlab.example.com/api/v4/projects/group%2Fproject/packages/generic/capi-acme/v0.3.0/infrastructure-components.yaml';
let server: LocalHttpServer;
let origin: string;
const seen: { path: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  server = await startLocalHttpServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (req.headers.authorization === 'Bearer wrong') {
      res.writeHead(401);
      res.end();
    } else if (
      req.url === '/api/v4/projects/group%2Fproject/packages/generic/capi-acme/v0.3.0/infrastructure-components.yaml'
    ) {
      res.writeHead(200);
      res.end('kind: Namespace\n');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  origin = server.origin;
});
afterAll(() => server.stop());

const config = (token?: string) => ({
  env: { CLUSTERCTL_TS_NO_CACHE: '1' },
  githubToken: undefined,
  gitlabToken: token,
  overridesFolder: '/nonexistent-overrides',
  cacheDir: '/nonexistent-cache',
});
const provider = { name: 'acme', type: 'InfrastructureProvider' as const, url };

describe('GitLab repository', () => {
  it('parses package registry URLs', () => {
    expect(parseGitLabUrl(url)).toEqual({
      host: 'gitlab.example.com',
      projectSlug: 'group%2Fproject',
      packageName: 'capi-acme',
      version: 'v0.3.0',
      componentsPath: 'infrastructure-components.yaml',
    });
    expect(() => parseGitLabUrl('https://gitlab.example.com/api/v4/projects/p/packages/maven/x/v1/c.yaml')).toThrow(
      /GitLab/,
    );
  });

  it('knows only the version in its URL and sends the token as Bearer', async () => {
    const repo = await createRepository(provider, config('glpat'), {
      resolveLatest: latestContractRelease,
      endpoints: { gitlab: origin },
    });
    expect(repo.kind).toBe('gitlab');
    expect(repo.defaultVersion()).toBe('v0.3.0');
    expect(await repo.getVersions()).toEqual(['v0.3.0']);
    expect(new TextDecoder().decode(await repo.getFile('v0.3.0', 'infrastructure-components.yaml'))).toBe(
      'kind: Namespace\n',
    );
    expect(seen.at(-1)?.authorization).toBe('Bearer glpat');
  });

  it('maps 401 and 404', async () => {
    const bad = await createRepository(provider, config('wrong'), {
      resolveLatest: latestContractRelease,
      endpoints: { gitlab: origin },
    });
    await expect(bad.getFile('v0.3.0', 'infrastructure-components.yaml')).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const repo = await createRepository(provider, config(), {
      resolveLatest: latestContractRelease,
      endpoints: { gitlab: origin },
    });
    const error = await repo.getFile('v0.3.0', 'metadata.yaml').catch((e: unknown) => e as ClusterctlError);
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    expect((error as ClusterctlError).message).toContain('metadata.yaml');
  });
});
