import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ClusterctlError } from '../../errors.js';
import type { KubeObject } from '../../types.js';
import {
  addCommonLabels,
  addNamespaceIfMissing,
  crdNameError,
  fixImages,
  fixTargetNamespace,
  formatProviderDescription,
  inspectComponents,
  inspectImages,
  inspectTargetNamespace,
  isNamespacedKind,
  processComponents,
  sortComponents,
  sortedUniqueImages,
  splitProviderUrl,
  validateCrdNames,
} from './components.js';
import { thrown as catchError } from '../../../test/harness/errors.js';

function parse(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

const fixtures = import.meta.glob<string>('../../../test/fixtures/components/*.yaml', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const fixture = (name: string): string => fixtures[`../../../test/fixtures/components/${name}`]!;

const provider = { name: 'sample', type: 'InfrastructureProvider', version: 'v1.2.0' } as const;

/** A provider manifest shaped like a kubebuilder release: every kind clusterctl rewrites. */
const providerManifest = fixture('provider-manifest.yaml');

/**
 * What clusterctl v1.13 (repository.NewComponents) produces from providerManifest with
 * -n capx-custom and the image override `all: {repository: myorg.io/mirror}`: object for object,
 * including the zero values its Go structs add (strategy, resources, status...).
 */
const expectedCustomNamespace = fixture('expected-custom-namespace.yaml');

const mirror = (_component: string, image: string): string =>
  image.replace(/^registry\.k8s\.io\/capx\//, 'myorg.io/mirror/');

describe('processComponents', () => {
  it('processes a realistic provider manifest exactly like clusterctl', () => {
    const input = parse(providerManifest);
    const snapshot = structuredClone(input);
    const result = processComponents(input, { provider, targetNamespace: 'capx-custom', imageOverride: mirror });

    expect(result.objects).toEqual(parse(expectedCustomNamespace));
    expect(result.images).toEqual([
      'myorg.io/mirror/capx-controller:v1.2.0',
      'myorg.io/mirror/capx-init:v1.2.0',
      'myorg.io/mirror/capx-agent:v1.2.0',
    ]);
    expect(result.targetNamespace).toBe('capx-custom');
    expect(result.manifestLabel).toBe('infrastructure-sample');
    expect(input).toEqual(snapshot); // the input is left alone
  });

  it('rewrites every reference to the old namespace', () => {
    const { objects } = processComponents(parse(providerManifest), { provider, targetNamespace: 'capx-custom' });
    const byKind = (kind: string): KubeObject => objects.find((o) => o.kind === kind)!;

    expect(byKind('Namespace').metadata.name).toBe('capx-custom');
    for (const obj of objects) {
      if (isNamespacedKind(obj.kind)) expect(obj.metadata.namespace, obj.kind).toBe('capx-custom');
      else expect(obj.metadata.namespace, obj.kind).toBeUndefined();
    }
    expect(byKind('RoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'capx-manager', namespace: 'capx-custom' },
    ]);
    expect(byKind('ClusterRoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'capx-manager', namespace: 'capx-custom' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' },
    ]);
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const webhook = byKind(kind);
      expect(webhook.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBe('capx-custom/capx-serving-cert');
      expect(
        (webhook.webhooks as { clientConfig: { service: { namespace: string } } }[])[0]?.clientConfig.service.namespace,
      ).toBe('capx-custom');
    }
    const crd = byKind('CustomResourceDefinition');
    expect(crd.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBe('capx-custom/capx-serving-cert');
    expect(crd).toMatchObject({
      spec: { conversion: { webhook: { clientConfig: { service: { namespace: 'capx-custom' } } } } },
    });
    expect(byKind('Certificate')).toMatchObject({
      spec: {
        dnsNames: ['capx-webhook-service.capx-custom.svc', 'capx-webhook-service.capx-custom.svc.cluster.local'],
      },
    });
  });

  it('labels every object with the clusterctl and provider labels', () => {
    const { objects } = processComponents(parse(providerManifest), {
      provider: { ...provider, type: 'CoreProvider', name: 'cluster-api' },
    });
    for (const obj of objects) {
      expect(obj.metadata.labels).toMatchObject({
        'clusterctl.cluster.x-k8s.io': '',
        'cluster.x-k8s.io/provider': 'cluster-api',
      });
    }
  });

  it('defaults the target namespace to the Namespace of the manifest', () => {
    const result = processComponents(parse(providerManifest), { provider });
    expect(result.targetNamespace).toBe('capx-system');
    expect(result.objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'capx-system' } });
    expect(result.objects.find((o) => o.kind === 'Certificate')).toMatchObject({
      spec: {
        dnsNames: ['capx-webhook-service.capx-system.svc', 'capx-webhook-service.capx-system.svc.cluster.local'],
      },
    });
    expect(result.images).toEqual([
      'registry.k8s.io/capx/capx-controller:v1.2.0',
      'registry.k8s.io/capx/capx-init:v1.2.0',
      'registry.k8s.io/capx/capx-agent:v1.2.0',
    ]);
  });

  it('adds a Namespace object when the manifest has none', () => {
    const result = processComponents(parse('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: z\n'), {
      provider,
      targetNamespace: 'target',
    });
    expect(result.objects.map((o) => [o.kind, o.metadata.name, o.metadata.namespace])).toEqual([
      ['Namespace', 'target', undefined],
      ['ConfigMap', 'a', 'target'],
    ]);
    expect(result.objects[0]?.apiVersion).toBe('v1');
  });

  it("fails when the namespace can't be defaulted, naming the provider and the flag", () => {
    const error = catchError(() =>
      processComponents(parse('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n'), { provider }),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe("target namespace can't be defaulted. Please specify a target namespace");
    expect(error.hint).toContain('infrastructure-sample');
    expect(error.hint).toContain('-n/--target-namespace');
  });

  it('fails on two Namespace objects even when a target namespace is given', () => {
    const twoNamespaces =
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n';
    const error = catchError(() => processComponents(parse(twoNamespaces), { provider, targetNamespace: 'x' }));
    expect(error.code).toBe('INVALID_YAML');
    expect(error.message).toBe(
      'failed to detect default target namespace: Invalid manifest. There should be no more than one resource with Kind Namespace in the provider components yaml',
    );
    expect(error.hint).toContain('a, b');
  });

  it('wraps namespace rewrite errors like clusterctl', () => {
    const manifest =
      'apiVersion: admissionregistration.k8s.io/v1beta2\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: v\n';
    const error = catchError(() => processComponents(parse(manifest), { provider, targetNamespace: 'x' }));
    expect(error.message).toBe(
      'failed to set the TargetNamespace on the components: failed to patch v1beta2 MutatingWebhookConfiguration',
    );
  });

  it('puts the error of an image override in context', () => {
    const error = catchError(() =>
      processComponents(parse(providerManifest), {
        provider,
        imageOverride: () => {
          throw new ClusterctlError('INVALID_CONFIG', 'bad image');
        },
      }),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toBe(
      'failed to apply image overrides: failed to fix image for container manager in Deployment capx-system/capx-controller-manager: bad image',
    );
  });
});

describe('inspectTargetNamespace', () => {
  it.each([
    ['the Namespace object', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: foo\n', 'foo'],
    ['nothing without one', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: foo\n', ''],
  ])('returns %s', (_name, manifest, expected) => {
    expect(inspectTargetNamespace(parse(manifest))).toBe(expected);
  });
});

describe('addNamespaceIfMissing', () => {
  it("doesn't add a Namespace if one exists", () => {
    const objects = parse('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: foo\n');
    expect(addNamespaceIfMissing(objects, 'foo')).toEqual(objects);
  });

  it('adds a Namespace if none exists', () => {
    expect(addNamespaceIfMissing([], 'bar')).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bar' } },
    ]);
  });
});

/**
 * The CRD conversion-webhook case of fixTargetNamespace for one apiextensions version: v1beta1 keeps
 * the client config at spec.conversion.webhookClientConfig, v1 at spec.conversion.webhook.clientConfig
 * (and Go's v1 structs add `versions` and `conversionReviewVersions` as null).
 */
function crdConversionCase(version: 'v1beta1' | 'v1'): [string, string, unknown] {
  const v1 = version === 'v1';
  const clientConfigYaml = (indent: string): string[] =>
    [
      'caBundle: Cg==',
      'service:',
      '  name: capa-webhook-service',
      '  namespace: capi-webhook-system',
      '  path: /convert',
    ].map((line) => indent + line);
  const clientConfig = {
    caBundle: 'Cg==',
    service: { name: 'capa-webhook-service', namespace: 'bar', path: '/convert' },
  };
  return [
    `fixes ${version} CRD conversion webhooks`,
    [
      `apiVersion: apiextensions.k8s.io/${version}`,
      'kind: CustomResourceDefinition',
      'metadata:',
      '  annotations:',
      '    cert-manager.io/inject-ca-from: capi-webhook-system/capm3-serving-cert',
      '  name: aCoolName',
      'spec:',
      '  conversion:',
      '    strategy: Webhook',
      ...(v1
        ? ['    webhook:', '      clientConfig:', ...clientConfigYaml('        ')]
        : ['    webhookClientConfig:', ...clientConfigYaml('      ')]),
    ].join('\n'),
    {
      apiVersion: `apiextensions.k8s.io/${version}`,
      kind: 'CustomResourceDefinition',
      metadata: { annotations: { 'cert-manager.io/inject-ca-from': 'bar/capm3-serving-cert' }, name: 'aCoolName' },
      spec: {
        group: '',
        names: { kind: '', plural: '' },
        scope: '',
        ...(v1 ? { versions: null } : {}),
        conversion: v1
          ? { strategy: 'Webhook', webhook: { conversionReviewVersions: null, clientConfig } }
          : { strategy: 'Webhook', webhookClientConfig: clientConfig },
      },
      status: { acceptedNames: { kind: '', plural: '' }, conditions: null, storedVersions: null },
    },
  ];
}

describe('fixTargetNamespace', () => {
  // Expected objects checked against clusterctl's fixTargetNamespace (Go structs add the zero values).
  it.each<[string, string, unknown]>([
    [
      'renames the Namespace object',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: foo\n',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bar' } },
    ],
    [
      'moves namespaced objects',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: capa-controller-manager-metrics-service\n  namespace: capa-system\n',
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'capa-controller-manager-metrics-service', namespace: 'bar' },
      },
    ],
    [
      'ignores cluster-scoped objects',
      'kind: ClusterRole\nmetadata:\n  name: r\n',
      { kind: 'ClusterRole', metadata: { name: 'r' } },
    ],
    [
      'fixes v1beta1 webhook configurations',
      [
        'apiVersion: admissionregistration.k8s.io/v1beta1',
        'kind: MutatingWebhookConfiguration',
        'metadata:',
        '  annotations:',
        '    cert-manager.io/inject-ca-from: capi-webhook-system/capm3-serving-cert',
        '  name: capm3-mutating-webhook-configuration',
        'webhooks:',
        '- clientConfig:',
        '    caBundle: Cg==',
        '    service:',
        '      name: capm3-webhook-service',
        '      namespace: capi-webhook-system',
        '      path: /mutate-infrastructure-cluster-x-k8s-io-v1alpha4-metal3cluster',
      ].join('\n'),
      {
        apiVersion: 'admissionregistration.k8s.io/v1beta1',
        kind: 'MutatingWebhookConfiguration',
        metadata: {
          annotations: { 'cert-manager.io/inject-ca-from': 'bar/capm3-serving-cert' },
          name: 'capm3-mutating-webhook-configuration',
        },
        webhooks: [
          {
            name: '',
            clientConfig: {
              caBundle: 'Cg==',
              service: {
                name: 'capm3-webhook-service',
                namespace: 'bar',
                path: '/mutate-infrastructure-cluster-x-k8s-io-v1alpha4-metal3cluster',
              },
            },
          },
        ],
      },
    ],
    [
      'fixes v1 webhook configurations',
      [
        'apiVersion: admissionregistration.k8s.io/v1',
        'kind: ValidatingWebhookConfiguration',
        'metadata:',
        '  annotations:',
        '    cert-manager.io/inject-ca-from: old/cert',
        '  name: v',
        'webhooks:',
        '- clientConfig:',
        '    service:',
        '      name: s',
        '      namespace: old',
        '- name: by-url',
        '  clientConfig:',
        '    url: https://example.com/validate',
        '  sideEffects: None',
        '  admissionReviewVersions: [v1]',
      ].join('\n'),
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { annotations: { 'cert-manager.io/inject-ca-from': 'bar/cert' }, name: 'v' },
        webhooks: [
          {
            name: '',
            clientConfig: { service: { name: 's', namespace: 'bar' } },
            sideEffects: null,
            admissionReviewVersions: null,
          },
          {
            name: 'by-url',
            clientConfig: { url: 'https://example.com/validate' },
            sideEffects: 'None',
            admissionReviewVersions: ['v1'],
          },
        ],
      },
    ],
    crdConversionCase('v1beta1'),
    crdConversionCase('v1'),
    [
      'sets binding subjects that have a namespace',
      [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: ClusterRoleBinding',
        'metadata:',
        '  name: foo',
        'roleRef:',
        '  apiGroup: rbac.authorization.k8s.io',
        '  kind: ClusterRole',
        '  name: bar',
        'subjects:',
        '- kind: ServiceAccount',
        '  name: baz',
        '  namespace: baz',
        '- kind: User',
        '  name: qux',
      ].join('\n'),
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'foo' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'bar' },
        subjects: [
          { kind: 'ServiceAccount', name: 'baz', namespace: 'bar' },
          { kind: 'User', name: 'qux' },
        ],
      },
    ],
    [
      'replaces the first .<old>. of Certificate DNS names',
      [
        'apiVersion: cert-manager.io/v1',
        'kind: Certificate',
        'metadata:',
        '  name: c',
        '  namespace: old',
        'spec:',
        '  dnsNames:',
        '  - svc.old.svc',
        '  - old.old.svc',
        '  - svc.old.old.svc',
        '  - other.example.com',
      ].join('\n'),
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'c', namespace: 'bar' },
        spec: { dnsNames: ['svc.bar.svc', 'old.bar.svc', 'svc.bar.old.svc', 'other.example.com'] },
      },
    ],
  ])('%s', (_name, manifest, expected) => {
    expect(fixTargetNamespace(parse(manifest), 'bar')).toEqual([expected]);
  });

  it('rewrites ".." in DNS names of a Certificate that had no namespace (as clusterctl does)', () => {
    const [cert] = fixTargetNamespace(
      parse(
        'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: c\nspec:\n  dnsNames: [a..b, s.x.svc]\n',
      ),
      'y',
    );
    expect(cert?.spec).toEqual({ dnsNames: ['a.y.b', 's.x.svc'] });
  });

  it.each([
    [
      'a webhook of an unknown version',
      'apiVersion: admissionregistration.k8s.io/v1beta2\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: v\n',
      'failed to patch v1beta2 ValidatingWebhookConfiguration',
    ],
    [
      'a CRD of an unknown version',
      'apiVersion: apiextensions.k8s.io/v1beta2\nkind: CustomResourceDefinition\nmetadata:\n  name: c\n',
      'failed to patch v1beta2 CustomResourceDefinition',
    ],
    [
      'a malformed inject-ca-from',
      'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: v\n  annotations:\n    cert-manager.io/inject-ca-from: a/b/c\n',
      'object ValidatingWebhookConfiguration v does not have a correct value for cert-manager.io/inject-ca-from',
    ],
    [
      'DNS names that are not strings',
      'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: c\nspec:\n  dnsNames: [1]\n',
      'failed to get .spec.dnsNames from Certificate bar/c: it must be a list of strings',
    ],
    [
      'a binding of an older RBAC version',
      'apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: RoleBinding\nmetadata:\n  name: rb\n',
      'RoleBinding bar/rb: apiVersion "rbac.authorization.k8s.io/v1beta1" is not supported for kind RoleBinding',
    ],
  ])('fails on %s', (_name, manifest, message) => {
    const error = catchError(() => fixTargetNamespace(parse(manifest), 'bar'));
    expect(error.code).toBe('INVALID_YAML');
    expect(error.message).toBe(message);
  });
});

describe('addCommonLabels', () => {
  it('adds the labels, keeping others and overwriting the provider label', () => {
    const objects = parse(
      'kind: ClusterRole\nmetadata:\n  name: r\n  labels:\n    a: b\n    cluster.x-k8s.io/provider: other\n',
    );
    expect(addCommonLabels(objects, 'infrastructure-provider')).toEqual([
      {
        kind: 'ClusterRole',
        metadata: {
          name: 'r',
          labels: { a: 'b', 'clusterctl.cluster.x-k8s.io': '', 'cluster.x-k8s.io/provider': 'infrastructure-provider' },
        },
      },
    ]);
  });

  it('replaces labels that are not all strings, as Go reads them as absent', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { x: true } } },
    ] as unknown as KubeObject[];
    expect(addCommonLabels(objects, 'cluster-api')[0]?.metadata.labels).toEqual({
      'clusterctl.cluster.x-k8s.io': '',
      'cluster.x-k8s.io/provider': 'cluster-api',
    });
  });
});

describe('sortComponents', () => {
  const named = (kind: string, apiVersion: string, name: string): KubeObject => ({
    apiVersion,
    kind,
    metadata: { name },
  });

  it('puts the Namespace first, then cert-manager objects in the order Go leaves them', () => {
    const sorted = sortComponents([
      named('CustomResourceDefinition', 'apiextensions.k8s.io/v1', 'crd'),
      named('Certificate', 'cert-manager.io/v1', 'cert'),
      named('Deployment', 'apps/v1', 'deploy'),
      named('Issuer', 'cert-manager.io/v1', 'issuer'),
      named('Namespace', 'v1', 'ns'),
    ]);
    expect(sorted.map((o) => o.metadata.name)).toEqual(['ns', 'issuer', 'cert', 'crd', 'deploy']);
  });

  it('matches Go sort.SliceStable beyond one insertion-sort block (46 objects)', () => {
    const order = [
      'c0',
      'sa1',
      'i2',
      'sa3',
      'sa4',
      'c5',
      'c6',
      'sa7',
      'c8',
      'c9',
      'sa10',
      'sa11',
      'sa12',
      'sa13',
      'sa14',
      'c15',
      'sa16',
      'old',
      'sa17',
      'sa18',
      'sa19',
      'sa20',
      'c21',
      'sa22',
      'sa23',
      'i24',
      'c25',
      'sa26',
      'sa27',
      'sa28',
      'sa29',
      'sa30',
      'sa31',
      'i32',
      'sa33',
      'cm34',
      'sa35',
      'sa36',
      'c37',
      'c38',
      'c39',
      'sa40',
      'cm41',
      'sa42',
      'i43',
      'sa44',
    ];
    const objects = order.map((name) => {
      if (name === 'old') return named('Namespace', 'v1', name);
      if (name.startsWith('c') && !name.startsWith('cm')) return named('Certificate', 'cert-manager.io/v1', name);
      if (name.startsWith('i')) return named('Issuer', 'cert-manager.io/v1', name);
      return named(name.startsWith('cm') ? 'ConfigMap' : 'ServiceAccount', 'v1', name);
    });
    // Checked against clusterctl's NewComponents on the same objects: the Namespace, the cert-manager
    // objects in the order Go's sort leaves them, then every other object in its input order.
    const others = order.filter((name) => name.startsWith('sa') || name.startsWith('cm'));
    expect(sortComponents(objects).map((o) => o.metadata.name)).toEqual([
      'old',
      'i43',
      'c39',
      'c38',
      'c37',
      'i32',
      'c25',
      'i24',
      'c21',
      'c15',
      'c9',
      'c8',
      'c6',
      'c5',
      'i2',
      'c0',
      ...others,
    ]);
  });
});

describe('images', () => {
  const deployment = (containers: object[], initContainers?: object[]): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: { template: { spec: { containers, ...(initContainers ? { initContainers } : {}) } } },
  });

  it.each<[string, KubeObject[], string[]]>([
    [
      'controller without the RBAC proxy',
      [deployment([{ name: 'manager', image: 'gcr.io/k8s-staging-cluster-api/cluster-api-controller:master' }])],
      ['gcr.io/k8s-staging-cluster-api/cluster-api-controller:master'],
    ],
    [
      'controller with the RBAC proxy',
      [
        deployment([
          { name: 'manager', image: 'gcr.io/k8s-staging-cluster-api/cluster-api-controller:master' },
          { name: 'kube-rbac-proxy', image: 'gcr.io/kubebuilder/kube-rbac-proxy:v0.4.1' },
        ]),
      ],
      ['gcr.io/k8s-staging-cluster-api/cluster-api-controller:master', 'gcr.io/kubebuilder/kube-rbac-proxy:v0.4.1'],
    ],
    [
      'controller with an init container',
      [
        deployment(
          [{ name: 'manager', image: 'gcr.io/k8s-staging-cluster-api/cluster-api-controller:master' }],
          [{ name: 'manager', image: 'gcr.io/k8s-staging-cluster-api/cluster-api-controller:init' }],
        ),
      ],
      [
        'gcr.io/k8s-staging-cluster-api/cluster-api-controller:master',
        'gcr.io/k8s-staging-cluster-api/cluster-api-controller:init',
      ],
    ],
    [
      'daemon sets too, duplicates kept, other kinds ignored',
      [
        deployment([{ name: 'a', image: 'x/a:1' }]),
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: { name: 'ds' },
          spec: { template: { spec: { containers: [{ name: 'b', image: 'x/a:1' }] } } },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'ss' },
          spec: { template: { spec: { containers: [{ name: 'c', image: 'x/c:1' }] } } },
        },
      ],
      ['x/a:1', 'x/a:1'],
    ],
  ])('inspectImages: %s', (_name, objects, expected) => {
    expect(inspectImages(objects)).toEqual(expected);
  });

  it('fixImages alters container and init container images of the component', () => {
    const calls: string[] = [];
    const fixed = fixImages(
      [deployment([{ name: 'c', image: 'container-image' }], [{ name: 'i', image: 'init-container-image' }])],
      'infrastructure-sample',
      (component, image) => {
        calls.push(component);
        return `foo-${image}`;
      },
    );
    expect(inspectImages(fixed)).toEqual(['foo-container-image', 'foo-init-container-image']);
    expect(calls).toEqual(['infrastructure-sample', 'infrastructure-sample']);
    // The Go round trip adds the zero values of the Deployment struct.
    expect(fixed[0]).toMatchObject({ spec: { strategy: {} }, status: {} });
  });

  it('sortedUniqueImages sorts and de-duplicates (init list-images)', () => {
    expect(sortedUniqueImages(['b:1', 'a:2', 'b:1', 'a:10'])).toEqual(['a:10', 'a:2', 'b:1']);
  });
});

describe('generate provider --describe', () => {
  it.each([
    [
      'https://github.com/kubernetes-sigs/cluster-api/releases/latest/core-components.yaml',
      { baseUrl: 'https://github.com/kubernetes-sigs/cluster-api/releases/', file: 'core-components.yaml' },
    ],
    [
      '/repo/infrastructure-docker/v1.14.0/components.yaml',
      { baseUrl: '/repo/infrastructure-docker/', file: 'components.yaml' },
    ],
    ['components.yaml', { baseUrl: '', file: 'components.yaml' }],
  ])('splitProviderUrl(%s)', (url, expected) => {
    expect(splitProviderUrl(url)).toEqual(expected);
  });

  it('prints the Go layout byte for byte', () => {
    const processed = processComponents(parse(providerManifest), { provider, targetNamespace: 'other' });
    const description = inspectComponents(processed, {
      url: '/tmp/repo/infrastructure-sample/v1.2.0/infrastructure-components.yaml',
      variables: ['SECRET', 'EXP_FOO', { name: 'SA_NAME' }, 'EXP_FOO'],
    });
    expect(formatProviderDescription(description)).toBe(
      [
        'Name:               sample',
        'Type:               InfrastructureProvider',
        'URL:                /tmp/repo/infrastructure-sample/',
        'Version:            v1.2.0',
        'File:               infrastructure-components.yaml',
        'TargetNamespace:    other',
        'Variables:',
        '  - EXP_FOO',
        '  - SA_NAME',
        '  - SECRET',
        'Images:',
        '  - registry.k8s.io/capx/capx-controller:v1.2.0',
        '  - registry.k8s.io/capx/capx-init:v1.2.0',
        '  - registry.k8s.io/capx/capx-agent:v1.2.0',
        '',
        '',
      ].join('\n'),
    );
  });

  it('omits the empty Variables and Images sections', () => {
    const text = formatProviderDescription({
      name: 'p',
      type: 'AddonProvider',
      url: 'https://example.com/',
      version: 'v0.1.0',
      file: 'addon-components.yaml',
      targetNamespace: 'p-system',
      variables: [],
      images: [],
    });
    expect(text).toBe(
      'Name:               p\nType:               AddonProvider\nURL:                https://example.com/\nVersion:            v0.1.0\nFile:               addon-components.yaml\nTargetNamespace:    p-system\n\n',
    );
  });
});

describe('CRD name preflight check', () => {
  const crd = (name: string, group: string, kind: string, annotations?: Record<string, string>): KubeObject => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { group, names: { kind } },
  });

  it.each([
    ['dockermachines.infrastructure.cluster.x-k8s.io', 'infrastructure.cluster.x-k8s.io', 'DockerMachine'],
    ['clusterclasses.cluster.x-k8s.io', 'cluster.x-k8s.io', 'ClusterClass'],
    [
      'awsclusterroleidentities.infrastructure.cluster.x-k8s.io',
      'infrastructure.cluster.x-k8s.io',
      'AWSClusterRoleIdentity',
    ],
    ['ipaddresses.ipam.cluster.x-k8s.io', 'ipam.cluster.x-k8s.io', 'IPAddress'],
    // Pluralised like the Go tool (flect), which leaves this kind unchanged.
    ['metal3data.infrastructure.cluster.x-k8s.io', 'infrastructure.cluster.x-k8s.io', 'Metal3Data'],
  ])('accepts %s', (name, group, kind) => {
    expect(crdNameError(crd(name, group, kind))).toBeUndefined();
  });

  it('rejects a wrong name, naming the expected one and the annotation', () => {
    const error = crdNameError(
      crd('metal3datas.infrastructure.cluster.x-k8s.io', 'infrastructure.cluster.x-k8s.io', 'Metal3Data'),
    );
    expect(error?.code).toBe('INVALID_YAML');
    expect(error?.message).toContain('"metal3datas.infrastructure.cluster.x-k8s.io"');
    expect(error?.message).toContain('"metal3data.infrastructure.cluster.x-k8s.io"');
    expect(error?.hint).toContain('clusterctl.cluster.x-k8s.io/skip-crd-name-preflight-check');
    expect(() => validateCrdNames([crd('x.y', 'y', 'Z')])).toThrow(ClusterctlError);
  });

  it('skips CRDs carrying the annotation, and other kinds', () => {
    const annotated = crd('wrong.example.com', 'example.com', 'Thing', {
      'clusterctl.cluster.x-k8s.io/skip-crd-name-preflight-check': '',
    });
    expect(() =>
      validateCrdNames([annotated, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }]),
    ).not.toThrow();
  });

  it('cannot read CRDs of an unknown version', () => {
    const error = crdNameError({ ...crd('a.b', 'b', 'A'), apiVersion: 'apiextensions.k8s.io/v2' });
    expect(error?.message).toBe(
      'failed to read group and kind from CustomResourceDefinition: failed to read v2 CustomResourceDefinition "a.b"',
    );
  });
});
