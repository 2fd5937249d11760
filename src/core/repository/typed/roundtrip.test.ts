import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { hasTypedSchema, readsAsZero, roundTripTyped, TypedConversionError } from './roundtrip.js';

type Json = Record<string, unknown>;
const parse = (text: string): Json => parseDocument(text).toJS() as Json;

describe('roundTripTyped', () => {
  // Each expected object is what clusterctl's scheme.Convert (to the Go struct and back) returns
  // for the input, checked against k8s.io/apimachinery v0.35.4.
  it.each<[string, string, unknown]>([
    [
      'adds the fields a DaemonSet struct always writes',
      `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: registry.example.com/agent:v1
`,
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent' },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: {
            metadata: { labels: { app: 'agent' } },
            spec: { containers: [{ image: 'registry.example.com/agent:v1', name: 'agent', resources: {} }] },
          },
          updateStrategy: {},
        },
        status: { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
      },
    ],
    [
      'drops unknown fields and empty lists, adds zero values, normalises quantities and timestamps',
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: manager
  namespace: system
  creationTimestamp: "2024-01-02T03:04:05.123+02:00"
  annotations: {}
  somethingUnknown: dropped
spec:
  replicas: 0
  unknownSpecField: dropped
  selector:
    matchLabels: {control-plane: controller-manager}
  template:
    spec:
      nodeSelector: {}
      containers:
      - name: manager
        image: registry.example.com/manager:v1
        args: []
        ports:
        - containerPort: 9443
          name: webhook-server
        livenessProbe:
          httpGet:
            path: /healthz
            port: healthz
        resources:
          limits:
            cpu: 1000m
            memory: 1024Mi
          requests:
            cpu: 0.5
            memory: 64Mi
`,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { creationTimestamp: '2024-01-02T01:04:05Z', name: 'manager', namespace: 'system' },
        spec: {
          replicas: 0,
          selector: { matchLabels: { 'control-plane': 'controller-manager' } },
          strategy: {},
          template: {
            metadata: {},
            spec: {
              containers: [
                {
                  image: 'registry.example.com/manager:v1',
                  livenessProbe: { httpGet: { path: '/healthz', port: 'healthz' } },
                  name: 'manager',
                  ports: [{ containerPort: 9443, name: 'webhook-server' }],
                  resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '64Mi' } },
                },
              ],
            },
          },
        },
        status: {},
      },
    ],
    [
      'keeps CRD schema unions the way Go writes them',
      `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.com
spec:
  group: example.com
  names: {kind: Thing, plural: things}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
    schema:
      openAPIV3Schema:
        type: object
        required: []
        properties:
          closed: {type: object, additionalProperties: false}
          open: {type: object, additionalProperties: true}
          strings: {type: object, additionalProperties: {type: string}}
          tuple: {type: array, items: [{type: string}, {type: integer}]}
          empty: {type: array, items: []}
          withDefault: {type: object, default: {x: 1, y: [1, 2.5, z], n: null}}
          choice: {type: string, enum: [a, null]}
          deps: {type: object, dependencies: {p: [q, r], s: {type: object}}}
          extra: {type: string, notAKeyword: 1}
`,
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'things.example.com' },
        spec: {
          group: 'example.com',
          names: { kind: 'Thing', plural: 'things' },
          scope: 'Namespaced',
          versions: [
            {
              name: 'v1',
              schema: {
                openAPIV3Schema: {
                  properties: {
                    choice: { enum: ['a', null], type: 'string' },
                    closed: { additionalProperties: false, type: 'object' },
                    deps: { dependencies: { p: ['q', 'r'], s: { type: 'object' } }, type: 'object' },
                    empty: { items: null, type: 'array' },
                    extra: { type: 'string' },
                    open: { additionalProperties: true, type: 'object' },
                    strings: { additionalProperties: { type: 'string' }, type: 'object' },
                    tuple: { items: [{ type: 'string' }, { type: 'integer' }], type: 'array' },
                    withDefault: { default: { n: null, x: 1, y: [1, 2.5, 'z'] }, type: 'object' },
                  },
                  type: 'object',
                },
              },
              served: true,
              storage: true,
              subresources: { status: {} },
            },
          ],
        },
        status: { acceptedNames: { kind: '', plural: '' }, conditions: null, storedVersions: null },
      },
    ],
    [
      'writes nil pointers and required fields of webhooks',
      `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: checks
webhooks:
- clientConfig:
    caBundle: ""
    service: {name: webhook, namespace: system}
`,
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'checks' },
        webhooks: [
          {
            admissionReviewVersions: null,
            clientConfig: { service: { name: 'webhook', namespace: 'system' } },
            name: '',
            sideEffects: null,
          },
        ],
      },
    ],
    [
      'fills in a missing roleRef',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: binding
`,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'binding' },
        roleRef: { apiGroup: '', kind: '', name: '' },
      },
    ],
  ])('%s', (_name, input, expected) => {
    expect(roundTripTyped(parse(input))).toEqual(expected);
  });

  it('returns undefined for kinds clusterctl does not convert', () => {
    expect(roundTripTyped({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toBeUndefined();
    expect(hasTypedSchema('apps/v1', 'Deployment')).toBe(true);
    expect(hasTypedSchema('extensions/v1beta1', 'Deployment')).toBe(false);
  });

  it.each<[string, Json, string]>([
    [
      'a string where Go wants an integer',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: '1' } },
      'cannot convert string to an integer (at spec.replicas)',
    ],
    [
      'a fraction where Go wants an integer',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1.5 } },
      'cannot convert float64 to an integer (at spec.replicas)',
    ],
    [
      'a label that is not a string',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: { a: 1 } } },
      'cannot convert int64 to string (at metadata.labels.a)',
    ],
    [
      'a bad quantity',
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'd' },
        spec: { template: { spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1K' } } }] } } },
      },
      "unable to parse quantity's suffix (at spec.template.spec.containers[0].resources.limits.cpu)",
    ],
    [
      'bad base64',
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'c' },
        spec: { conversion: { webhook: { clientConfig: { caBundle: 'Cg' } } } },
      },
      'illegal base64 data in "Cg" (at spec.conversion.webhook.clientConfig.caBundle)',
    ],
    [
      'a string for additionalProperties',
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'c' },
        spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { additionalProperties: 'x' } } }] },
      },
      'boolean or JSON schema expected (at spec.versions[0].schema.openAPIV3Schema.additionalProperties)',
    ],
  ])('fails like Go on %s', (_name, input, message) => {
    expect(() => roundTripTyped(input)).toThrow(TypedConversionError);
    expect(() => roundTripTyped(input)).toThrow(message);
  });

  it('does not modify its input', () => {
    const input = parse('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  unknown: 1\n');
    const copy = structuredClone(input);
    roundTripTyped(input);
    expect(input).toEqual(copy);
  });
});

describe('roundTripTyped on Clusters', () => {
  const v1beta1 = (nodeDrainTimeout: unknown) => ({
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'Cluster',
    metadata: { name: 'c' },
    spec: { topology: { class: 'quick', version: 'v1.34.0', controlPlane: { nodeDrainTimeout } } },
  });
  const drainTimeout = (out: unknown) =>
    (out as { spec: { topology: { controlPlane: { nodeDrainTimeout: unknown } } } }).spec.topology.controlPlane
      .nodeDrainTimeout;

  // metav1.Duration reads Go's time.ParseDuration syntax and writes time.Duration.String().
  it.each([
    ['10m', '10m0s'],
    ['90s', '1m30s'],
    ['1h2m3.5s', '1h2m3.5s'],
    ['1.5ms', '1.5ms'],
    ['1500ns', '1.5\u00b5s'],
    ['0', '0s'],
    ['-1m', '-1m0s'],
    ['+2h', '2h0m0s'],
    ['.5s', '500ms'],
    ['3ns', '3ns'],
  ])('writes the duration %s as %s', (input, output) => {
    expect(drainTimeout(roundTripTyped(v1beta1(input)))).toBe(output);
  });

  it.each(['', '10', '1d', 'ten minutes', '1.s.', '-', 's', '99999999999h'])('refuses the duration %j', (input) => {
    expect(() => roundTripTyped(v1beta1(input))).toThrow('time: invalid duration');
  });

  it('refuses a number where a duration string goes, naming the field and the type', () => {
    let caught: TypedConversionError | undefined;
    try {
      roundTripTyped(v1beta1(600));
    } catch (error) {
      caught = error as TypedConversionError;
    }
    expect(caught).toBeInstanceOf(TypedConversionError);
    expect(caught?.field).toBe('spec.topology.controlPlane.nodeDrainTimeout');
    expect(caught?.expected).toBe('a duration string such as "10m" or "90s"');
    expect(caught?.found).toBe('a number');
  });
});

describe('readsAsZero', () => {
  it.each<[unknown, boolean]>([
    [undefined, true],
    [null, true],
    [{}, true],
    [{ class: 'quick' }, true], // not a field of the v1beta2 Topology
    [{ classRef: { name: '' }, version: '' }, true],
    [{ classRef: { name: 'quick' } }, false],
    [{ controlPlane: { replicas: 0 } }, false], // a pointer that is set
    [{ variables: [] }, false], // an empty list is not a nil one
    [{ controlPlane: { metadata: { labels: {} } } }, false],
    [{ controlPlane: { metadata: { labels: null } } }, true],
  ])('%j as a v1beta2 Topology: %s', (value, zero) => {
    expect(readsAsZero(value, 'cluster/v1beta2.Topology')).toBe(zero);
  });
});
