import { describe, expect, it } from 'vitest';
import { latestContractRelease } from '../../core/repository/versions.js';
import { createRepository, createRepositorySource } from './index.js';
import { createHttpClient } from './http.js';

const config = { env: {}, githubToken: undefined, gitlabToken: undefined, overridesFolder: '/o', cacheDir: '/c' };
const http = createHttpClient();

describe('repository factory', () => {
  it.each([
    ['https://github.com/o/r/releases/latest/c.yaml', 'github'],
    ['https://gitlab.example.com/api/v4/projects/p/packages/generic/pkg/v1.0.0/c.yaml', 'gitlab'],
    ['/abs/infrastructure-x/v1.0.0/c.yaml', 'local'],
    ['file:///abs/infrastructure-x/latest/c.yaml', 'local'],
  ])('%s is a %s repository', (url, kind) => {
    expect(createRepositorySource(url, 'infrastructure-x', config, { http }).kind).toBe(kind);
  });

  it.each([
    ['https://example.com/o/r/releases/latest/c.yaml', /only GitHub and GitLab are supported for the https scheme/],
    ['http://github.com/o/r/releases/latest/c.yaml', /no provider repository implementation for the "http" scheme/],
    ['./infrastructure-x/v1.0.0/c.yaml', /must be an absolute path/],
    ['my-aws-infrastructure-components.yaml', /must be an absolute path/],
  ])('rejects %s', async (url, message) => {
    const error = await createRepository({ name: 'x', type: 'InfrastructureProvider', url }, config, {
      resolveLatest: latestContractRelease,
    }).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(
      'failed to get repository client for the InfrastructureProvider with name x',
    );
  });
});
