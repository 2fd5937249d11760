import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestContractRelease } from '../../core/repository/versions.js';
import type { Reporter } from '../../core/ports.js';
import { createLocalRepository, parseLocalUrl } from './local.js';
import { createRepository, createRepositoryForUrl, type RepositoryConfig } from './index.js';
import type { ProviderConfig } from '../../types.js';
import { failure } from '../../../test/harness/errors.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/repositories/', import.meta.url));
const local = join(fixtures, 'local');

const config: RepositoryConfig = {
  env: {},
  githubToken: undefined,
  gitlabToken: undefined,
  overridesFolder: join(fixtures, 'no-overrides-here'),
  cacheDir: join(fixtures, 'no-cache-used'),
};
const deps = { resolveLatest: latestContractRelease };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
/** Opens a provider's repository from its configured URL, as clusterctl does for a provider entry. */
const openProvider = (name: string, type: ProviderConfig['type'], url: string) =>
  createRepository({ name, type, url }, config, deps);

describe('local repository', () => {
  it('parses the layout', () => {
    expect(
      parseLocalUrl('/base/dir/infrastructure-docker/v1.14.0/infrastructure-components.yaml', 'infrastructure-docker'),
    ).toEqual({
      path: '/base/dir/infrastructure-docker/v1.14.0/infrastructure-components.yaml',
      basePath: '/base/dir',
      label: 'infrastructure-docker',
      version: 'v1.14.0',
      componentsPath: 'infrastructure-components.yaml',
    });
    expect(parseLocalUrl('file:///r/cluster-api/latest/core-components.yaml', 'cluster-api').basePath).toBe('/r');
  });

  it.each([
    ['./cluster-api/latest/core-components.yaml', 'cluster-api', /must be an absolute path/],
    ['/r/cluster-api/main/core-components.yaml', 'cluster-api', /invalid version "main"/],
    ['/r/infrastructure-aws/v1.0.0/c.yaml', 'infrastructure-docker', /must contain provider "infrastructure-docker"/],
    ['/v1.0.0/c.yaml', 'x', /too few folders/],
  ])('rejects %s', (url, label, message) => {
    expect(() => parseLocalUrl(url, label)).toThrow(message);
  });

  it('lists semver folders only', async () => {
    const repo = createLocalRepository(join(local, 'cluster-api', 'latest', 'core-components.yaml'), {
      label: 'cluster-api',
    });
    expect((await repo.getVersions()).sort()).toEqual(['v1.13.2', 'v1.14.0', 'v1.15.0-rc.1']);
    expect(repo.defaultVersion()).toBe('latest');
    expect(repo.componentsPath()).toBe('core-components.yaml');
    expect(repo.cacheKey).toBeUndefined();
  });

  it('reads files and reports missing ones as NOT_FOUND', async () => {
    const repo = createLocalRepository(join(local, 'cluster-api', 'v1.14.0', 'core-components.yaml'), {
      label: 'cluster-api',
    });
    expect(text(await repo.getFile('v1.14.0', 'metadata.yaml'))).toContain('minor: 14');
    const error = await failure(repo.getFile('v1.14.0', 'cluster-template.yaml'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('cluster-template.yaml');
    expect(error.message).toContain('v1.14.0');
    expect((await failure(repo.getFile('v9.9.9', 'metadata.yaml'))).code).toBe('NOT_FOUND');
    expect((await failure(repo.getFile('v1.14.0', '.'))).code).toBe('INVALID_ARGUMENT');
  });

  it('resolves latest to the newest stable release with metadata', async () => {
    const repo = await createRepository(
      { name: 'cluster-api', type: 'CoreProvider', url: join(local, 'cluster-api', 'latest', 'core-components.yaml') },
      config,
      deps,
    );
    expect(repo.defaultVersion()).toBe('v1.14.0');
    expect(repo.urlVersion).toBe('latest');
    expect(repo.kind).toBe('local');
    expect(text(await repo.getFile('latest', 'core-components.yaml'))).toContain(
      'image: registry.k8s.io/cluster-api/cluster-api-controller:v1.14.0',
    );
    expect(text(await repo.getFile('v1.13.2', 'core-components.yaml'))).toContain('cluster-api-controller:v1.13.2');
  });

  it('falls back to the newest series of the current contract', async () => {
    const repo = await openProvider(
      'legacy',
      'InfrastructureProvider',
      `file://${join(local, 'infrastructure-legacy', 'latest', 'infrastructure-components.yaml')}`,
    );
    expect(repo.defaultVersion()).toBe('v2.1.1');
  });

  it('keeps an explicit version', async () => {
    const repo = await openProvider(
      'docker',
      'InfrastructureProvider',
      join(local, 'infrastructure-docker', 'v1.14.0', 'infrastructure-components-development.yaml'),
    );
    expect(repo.defaultVersion()).toBe('v1.14.0');
    expect(text(await repo.getFile('', 'cluster-template-development.yaml'))).toContain('development');
  });

  it('fails with the provider and URL in the message when the label does not match', async () => {
    const error = await failure(
      openProvider('aws', 'InfrastructureProvider', join(local, 'cluster-api', 'latest', 'core-components.yaml')),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('failed to get repository client for the InfrastructureProvider with name aws');
    expect(error.message).toContain('infrastructure-aws');
  });

  it('reads the overrides folder first and reports it at debug level', async () => {
    const lines: string[] = [];
    const reporter: Reporter = {
      info: () => undefined,
      warn: () => undefined,
      debug: (level, message, fields) => lines.push(`${level} ${message} ${JSON.stringify(fields)}`),
      task: () => ({ update: () => undefined, succeed: () => undefined, fail: () => undefined, warn: () => undefined }),
    };
    const repo = await createRepository(
      { name: 'cluster-api', type: 'CoreProvider', url: join(local, 'cluster-api', 'latest', 'core-components.yaml') },
      { ...config, overridesFolder: join(fixtures, 'overrides') },
      { ...deps, reporter },
    );
    expect(text(await repo.getFile('v1.14.0', 'core-components.yaml'))).toContain('capi-overridden');
    expect(text(await repo.getFile('latest', 'core-components.yaml'))).toContain('capi-overridden');
    expect(lines).toContain('1 Using {"override":"core-components.yaml","provider":"cluster-api","version":"v1.14.0"}');
    // files the override folder does not have come from the repository
    expect(text(await repo.getFile('v1.14.0', 'metadata.yaml'))).toContain('minor: 14');
    expect(text(await repo.getFile('v1.13.2', 'core-components.yaml'))).toContain('capi-system');
  });

  it('opens cert-manager-style URLs with a custom label', async () => {
    const repo = await createRepositoryForUrl(
      join(local, 'cluster-api', 'v1.13.2', 'core-components.yaml'),
      'cluster-api',
      config,
      deps,
    );
    expect(repo.label).toBe('cluster-api');
    expect(repo.defaultVersion()).toBe('v1.13.2');
  });
});

const sharedRepo = '/work/shared/fixtures/capi-repo';
describe.runIf(existsSync(sharedRepo))('shared capi-repo fixture (read in place)', () => {
  it('resolves the core provider and reads its files', async () => {
    const repo = await openProvider(
      'cluster-api',
      'CoreProvider',
      join(sharedRepo, 'cluster-api', 'latest', 'core-components.yaml'),
    );
    expect(repo.defaultVersion()).toMatch(/^v1\.\d+\.\d+$/);
    expect(text(await repo.getFile(repo.defaultVersion(), 'metadata.yaml'))).toContain(
      'clusterctl.cluster.x-k8s.io/v1alpha3',
    );
  });
});
