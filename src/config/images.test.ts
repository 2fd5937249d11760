import { describe, expect, it } from 'vitest';
import { applyImageOverride, parseImageOverrides, parseImageReference, type ImageMeta } from './images.js';

describe('parseImageReference', () => {
  it.each([
    [
      'registry.k8s.io/cluster-api/cluster-api-controller:v1.10.6',
      'registry.k8s.io/cluster-api',
      'cluster-api-controller',
      'v1.10.6',
      '',
    ],
    ['quay.io/jetstack/cert-manager-cainjector:v1.1.0', 'quay.io/jetstack', 'cert-manager-cainjector', 'v1.1.0', ''],
    ['localhost:5000/foo', 'localhost:5000', 'foo', '', ''],
    ['localhost/foo:1', 'localhost', 'foo', '1', ''],
    ['docker.io/library/nginx:1.25', 'docker.io/library', 'nginx', '1.25', ''],
    [
      'gcr.io/a/b/c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      'gcr.io/a/b',
      'c',
      '',
      'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    ],
  ])('splits %s', (image, repository, name, tag, digest) => {
    expect(parseImageReference(image)).toEqual({ repository, name, tag, digest });
  });

  it.each([
    ['nginx:1.0', /must be canonical/],
    ['myorg/foo:1', /must be canonical/],
    ['docker.io/nginx', /must be canonical/],
    ['index.docker.io/library/nginx', /must be canonical/],
    ['any', /must be canonical/],
    ['invalid:invalid:invalid', /invalid reference format/],
    ['registry.k8s.io/Foo:1', /must be lowercase/],
    ['', /at least one component/],
  ])('rejects %s', (image, reason) => {
    expect(() => parseImageReference(image)).toThrow(reason);
  });
});

describe('applyImageOverride', () => {
  const capi = 'registry.k8s.io/cluster-api/cluster-api-controller:v1.10.6';
  const cainjector = 'quay.io/jetstack/cert-manager-cainjector:v1.1.0';
  const webhook = 'quay.io/jetstack/cert-manager-webhook:v1.1.0';
  /** A cert-manager case with one rule at each level: the cainjector image, the cert-manager component, all. */
  const threeLevels = (
    name: string,
    [imageRule, componentRule, allRule]: [ImageMeta, ImageMeta, ImageMeta],
    image: string,
    expected: string,
  ): [string, Record<string, ImageMeta>, string, string, string] => [
    name,
    { 'cert-manager/cert-manager-cainjector': imageRule, 'cert-manager': componentRule, all: allRule },
    'cert-manager',
    image,
    expected,
  ];

  it.each([
    ['no rules', {}, 'any', cainjector, cainjector],
    [
      'component/image rule',
      { 'cert-manager/cert-manager-cainjector': { repository: 'foo.io', tag: 'foo' } },
      'cert-manager',
      cainjector,
      'foo.io/cert-manager-cainjector:foo',
    ],
    [
      'component/image rule, other image',
      { 'cert-manager/cert-manager-cainjector': { repository: 'foo.io', tag: 'foo' } },
      'cert-manager',
      webhook,
      webhook,
    ],
    [
      'component rule',
      { 'cert-manager': { repository: 'foo.io', tag: 'foo' } },
      'cert-manager',
      cainjector,
      'foo.io/cert-manager-cainjector:foo',
    ],
    [
      'most specific wins',
      {
        'cert-manager/cert-manager-cainjector': { repository: 'foo.io', tag: 'foo' },
        'cert-manager': { repository: 'bar.io', tag: 'bar' },
      },
      'cert-manager',
      cainjector,
      'foo.io/cert-manager-cainjector:foo',
    ],
    threeLevels(
      'fields merge across levels',
      [{ repository: 'foo.io' }, { tag: 'bar' }, { repository: 'baz.io', tag: 'baz' }],
      cainjector,
      'foo.io/cert-manager-cainjector:bar',
    ),
    threeLevels(
      'component beats all for other images',
      [{ repository: 'foo.io', tag: 'foo' }, { repository: 'bar.io' }, { repository: 'baz.io', tag: 'baz' }],
      webhook,
      'bar.io/cert-manager-webhook:baz',
    ),
    [
      'all',
      { all: { repository: 'foo.io', tag: 'foo' } },
      'cert-manager',
      cainjector,
      'foo.io/cert-manager-cainjector:foo',
    ],
    ['other component untouched', { 'cert-manager': { repository: 'foo.io' } }, 'cluster-api', capi, capi],
    [
      'name only',
      { 'cluster-api/cluster-api-controller': { name: 'custom' } },
      'cluster-api',
      capi,
      'registry.k8s.io/cluster-api/custom:v1.10.6',
    ],
    [
      'all.repository + cluster-api.name',
      { all: { repository: 'myorg.io/local-repo' }, 'cluster-api': { name: 'mirrored' } },
      'cluster-api',
      capi,
      'myorg.io/local-repo/mirrored:v1.10.6',
    ],
    [
      'repository, name and tag',
      { 'cluster-api/cluster-api-controller': { repository: 'myorg.io/mirror/', name: 'custom', tag: 'v1.5.0' } },
      'cluster-api',
      capi,
      'myorg.io/mirror/custom:v1.5.0',
    ],
    [
      'digest kept',
      { all: { repository: 'myorg.io' } },
      'cluster-api',
      'registry.k8s.io/x/y@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      'myorg.io/y@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    ],
  ])('%s', (_, rules, component, image, expected) => {
    expect(applyImageOverride(parseImageOverrides(rules, 'test.yaml'), component, image)).toBe(expected);
  });

  it('needs a fully qualified image even without rules', () => {
    expect(() => applyImageOverride({}, 'any', 'any')).toThrow(/couldn't parse image name "any"/);
  });

  it('matches keys case-insensitively, as keys of the config file are', () => {
    const rules = parseImageOverrides({ 'Cluster-API': { tag: 'x' } }, 'test.yaml');
    expect(applyImageOverride(rules, 'cluster-api', capi)).toBe('registry.k8s.io/cluster-api/cluster-api-controller:x');
  });

  it('rejects malformed rules naming the key and the file', () => {
    expect(() => parseImageOverrides(['a'], '/home/u/clusterctl.yaml')).toThrow(
      /"images" key of \/home\/u\/clusterctl.yaml/,
    );
    expect(() => parseImageOverrides({ all: 'x' }, 'f.yaml')).toThrow(/images.all in f.yaml/);
    expect(() => parseImageOverrides({ all: { tag: ['x'] } }, 'f.yaml')).toThrow(/images.all.tag in f.yaml/);
  });
});
