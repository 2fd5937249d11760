/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { ClusterctlError } from '../errors.js';
import {
  mergeProviders,
  parseProviderRef,
  parseUserProviders,
  providerValidationError,
  readBuiltInProviders,
  splitProviderUrl,
} from './providers.js';

interface RecordedProvider {
  name: string;
  type: string;
  url: string;
}

/** The built-in providers of clusterctl v1.13.5, in `config repositories` order (scripts/go-oracles). */
const goBuiltIns = Object.values(
  import.meta.glob<RecordedProvider[]>('../../test/fixtures/go-oracles/builtin-providers.json', {
    import: 'default',
    eager: true,
  }),
)[0]!;

describe('built-in providers', () => {
  it('are the entries of clusterctl v1.13.5, in the same order, none more', async () => {
    const builtIns = mergeProviders(await readBuiltInProviders(), []);
    expect(goBuiltIns.length).toBeGreaterThan(50);
    expect(builtIns.map((p) => `${p.name} ${p.type}`)).toEqual(goBuiltIns.map((p) => `${p.name} ${p.type}`));
  });

  it('has the same URLs as clusterctl v1.13.5, all GitHub release URLs pointing at latest', async () => {
    const byKey = new Map((await readBuiltInProviders()).map((p) => [`${p.name} ${p.type}`, p.url]));
    for (const p of goBuiltIns) expect(byKey.get(`${p.name} ${p.type}`), `${p.name} ${p.type}`).toBe(p.url);
    for (const url of byKey.values())
      expect(url).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/releases\/latest\/[a-z-]+\.yaml$/);
  });
});

describe('mergeProviders', () => {
  const builtIn = [
    {
      name: 'cluster-api',
      type: 'CoreProvider' as const,
      url: 'https://github.com/a/b/releases/latest/core-components.yaml',
    },
    { name: 'aws', type: 'InfrastructureProvider' as const, url: 'https://github.com/a/aws/releases/latest/x.yaml' },
    { name: 'kubeadm', type: 'BootstrapProvider' as const, url: 'https://github.com/a/b/releases/latest/b.yaml' },
  ];

  it('replaces same name+type, adds the rest, sorts by type order then name', () => {
    const merged = mergeProviders(builtIn, [
      { name: 'aws', type: 'InfrastructureProvider', url: '/repo/infrastructure-aws/v1.0.0/x.yaml' },
      { name: 'aws', type: 'BootstrapProvider', url: '/repo/bootstrap-aws/v1.0.0/b.yaml' },
      { name: 'another', type: 'BootstrapProvider', url: './b.yaml' },
    ]);
    expect(merged.map((p) => `${p.type}/${p.name}=${p.url}`)).toEqual([
      'CoreProvider/cluster-api=https://github.com/a/b/releases/latest/core-components.yaml',
      'BootstrapProvider/another=./b.yaml',
      'BootstrapProvider/aws=/repo/bootstrap-aws/v1.0.0/b.yaml',
      'BootstrapProvider/kubeadm=https://github.com/a/b/releases/latest/b.yaml',
      'InfrastructureProvider/aws=/repo/infrastructure-aws/v1.0.0/x.yaml',
    ]);
    expect(builtIn[1]?.url).toBe('https://github.com/a/aws/releases/latest/x.yaml');
  });
});

describe('provider validation', () => {
  it.each([
    [{ name: '', type: 'CoreProvider', url: 'x' }, 'name value cannot be empty'],
    [{ name: 'My-Infra', type: 'InfrastructureProvider', url: 'x' }, 'provider name My-Infra must be in lower case'],
    [
      { name: 'cluster-api', type: 'InfrastructureProvider', url: 'x' },
      'name cluster-api must be used with the CoreProvider type',
    ],
    [{ name: 'my-core', type: 'CoreProvider', url: 'x' }, 'name cluster-api must be used with the CoreProvider type'],
    [{ name: 'my_infra', type: 'InfrastructureProvider', url: 'x' }, 'invalid provider name'],
    [{ name: 'infra-', type: 'InfrastructureProvider', url: 'x' }, 'invalid provider name'],
    [{ name: 'infra', type: 'InfrastructureProvider', url: '' }, 'provider URL value cannot be empty'],
    [{ name: 'infra', type: 'InfrastructureProvider', url: 'https://%zz/x' }, 'error parsing provider URL'],
    [{ name: 'infra', type: 'InfrastructureProvider', url: ':foo' }, 'missing protocol scheme'],
    [
      { name: 'infra', type: 'InfraProvider', url: 'x' },
      'invalid provider type "InfraProvider". Allowed values are [CoreProvider, BootstrapProvider',
    ],
  ])('%o', (provider, message) => {
    expect(providerValidationError(provider)).toContain(message);
  });

  it.each([
    { name: 'my.infra', type: 'InfrastructureProvider', url: 'my-aws-infrastructure-components.yaml' },
    { name: 'in-cluster', type: 'IPAMProvider', url: './x.yaml' },
    { name: 'x', type: 'AddonProvider', url: 'https://github.com/o/r/releases/v1.0.0/addon.yaml' },
  ])('accepts %o', (provider) => {
    expect(providerValidationError(provider)).toBeUndefined();
  });

  it('names the key and the file, and expands ${VAR} in URLs', () => {
    const raw = [{ name: 'x', type: 'InfrastructureProvider', url: '${REPO}/infrastructure-x/v1.0.0/c.yaml' }];
    expect(parseUserProviders(raw, '/cfg/clusterctl.yaml', (t) => t.replace('${REPO}', '/r'))).toEqual([
      { name: 'x', type: 'InfrastructureProvider', url: '/r/infrastructure-x/v1.0.0/c.yaml' },
    ]);
    const error = (() => {
      try {
        parseUserProviders([{ name: 'X', type: 'InfrastructureProvider', url: 'u' }], '/cfg/clusterctl.yaml');
      } catch (e) {
        return e as ClusterctlError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ClusterctlError);
    expect(error?.code).toBe('INVALID_CONFIG');
    expect(error?.message).toContain('"providers" key of /cfg/clusterctl.yaml');
    expect(error?.message).toContain('provider name X must be in lower case');
    expect(() => parseUserProviders('foobar', 'f.yaml')).toThrow(/"providers" key of f.yaml: expected a list/);
    expect(() => parseUserProviders(['x'], 'f.yaml')).toThrow(/entry #1 is not a mapping/);
  });
});

describe('splitProviderUrl', () => {
  it.each([
    ['https://github.com/o/r/releases/latest/core.yaml', 'https://github.com/o/r/releases/latest/', 'core.yaml'],
    ['./bootstrap-components.yaml', './', 'bootstrap-components.yaml'],
    ['my-aws-infrastructure-components.yaml', '', 'my-aws-infrastructure-components.yaml'],
  ])('%s', (url, dir, file) => {
    expect(splitProviderUrl(url)).toEqual({ dir, file });
  });
});

describe('parseProviderRef', () => {
  it.each([
    ['docker', { name: 'docker', version: undefined }],
    ['docker:v1.14.0', { name: 'docker', version: 'v1.14.0' }],
    ['AWS:v2.0.0', { name: 'aws', version: 'v2.0.0' }],
    ['in-cluster', { name: 'in-cluster', version: undefined }],
  ])('%s', (ref, expected) => {
    expect(parseProviderRef(ref)).toEqual(expected);
  });

  it.each([
    ['a:b:c', 'should be in the form name[:version]'],
    [':v1.0.0', 'name cannot be empty'],
    ['', 'name cannot be empty'],
    ['docker:', 'version cannot be empty'],
    ['my.provider', 'the name should be valid'],
    ['my_provider', 'the name should be valid'],
    ['-docker', 'the name should be valid'],
  ])('rejects %s', (ref, message) => {
    expect(() => parseProviderRef(ref)).toThrow(message);
    try {
      parseProviderRef(ref);
    } catch (error) {
      expect((error as ClusterctlError).code).toBe('INVALID_ARGUMENT');
    }
  });
});
