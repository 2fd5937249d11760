/// <reference types="vite/client" />
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ClusterctlError } from '../../errors.js';
import type { KubeObject } from '../../types.js';
import { parseDocuments } from '../yaml/documents.js';
import { inspectVariables, type TemplateVariable } from '../yaml/envsubst.js';
import {
  addClusterClassIfMissing,
  clusterClassFileName,
  clusterClassRefs,
  clusterTemplateVariables,
  formatClusterTemplateVariables,
  formatYamlVariables,
  goQuote,
  mergeTemplates,
  newClusterTemplate,
  setTargetNamespace,
  templateFileName,
  templateFlavors,
  templateNotFoundError,
  variableMapOf,
  type ClusterClassDeps,
  type ClusterClassRef,
  type ClusterTemplate,
} from './templates.js';

function parse(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

async function catchError(fn: () => unknown): Promise<ClusterctlError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ClusterctlError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

const variable = (name: string, def?: string): TemplateVariable => ({
  name,
  default: def,
  required: def === undefined || def === '',
});

describe('template files and flavors', () => {
  // No flavor and an empty one both mean the default template.
  const noFlavor = [undefined, ''].map((flavor): [string | undefined, string] => [flavor, 'cluster-template.yaml']);
  it.each([
    ...noFlavor,
    ['ipv6', 'cluster-template-ipv6.yaml'],
    ['topology-runtimesdk', 'cluster-template-topology-runtimesdk.yaml'],
  ])('flavor %j -> %s', (flavor, file) => {
    expect(templateFileName(flavor)).toBe(file);
  });

  it('names ClusterClass files', () => {
    expect(clusterClassFileName('quick-start')).toBe('clusterclass-quick-start.yaml');
  });

  it('lists the flavors of a release, the default first', () => {
    expect(
      templateFlavors([
        'metadata.yaml',
        'infrastructure-components.yaml',
        'cluster-template-ipv6.yaml',
        'cluster-template.yaml',
        'clusterclass-quick-start.yaml',
        'templates/cluster-template-development.yaml',
        'cluster-template-ipv6.yml',
      ]),
    ).toEqual(['', 'development', 'ipv6']);
  });

  it('words the missing-template error like clusterctl and lists what exists', () => {
    const error = templateNotFoundError({
      flavor: 'nope',
      providerLabel: 'infrastructure-docker',
      version: 'v1.14.0',
      availableFiles: ['cluster-template.yaml', 'cluster-template-ipv6.yaml'],
    });
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe(
      'failed to read "cluster-template-nope.yaml" from provider\'s repository "infrastructure-docker"',
    );
    expect(error.hint).toBe('Flavors available in infrastructure-docker v1.14.0: (default, no --flavor), ipv6.');
    expect(
      templateNotFoundError({ providerLabel: 'infrastructure-x', version: 'v1.0.0', availableFiles: [] }).hint,
    ).toContain('has no cluster templates');
  });
});

const clusterTemplate = [
  'apiVersion: cluster.x-k8s.io/v1beta2',
  'kind: Cluster',
  'metadata:',
  '  name: c1',
  '  namespace: default',
  'spec:',
  '  topology:',
  '    classRef:',
  '      name: quick-start',
  '    version: v1.33.0',
  '---',
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: c1-secret',
  '---',
  'apiVersion: rbac.authorization.k8s.io/v1',
  'kind: RoleBinding',
  'metadata:',
  '  name: rb',
  '  namespace: other',
  'subjects:',
  '- kind: ServiceAccount',
  '  name: sa',
  '  namespace: other',
  '---',
  'apiVersion: cert-manager.io/v1',
  'kind: Certificate',
  'metadata:',
  '  name: c',
  '  namespace: other',
  'spec:',
  '  dnsNames: [svc.other.svc]',
  '---',
  'apiVersion: rbac.authorization.k8s.io/v1',
  'kind: ClusterRole',
  'metadata:',
  '  name: cr',
].join('\n');

describe('newClusterTemplate', () => {
  it('moves namespaced objects into the target namespace, like clusterctl NewTemplate', () => {
    const template = newClusterTemplate({
      variables: [variable('NAMESPACE', 'foo'), variable('CLUSTER_NAME'), variable('SECRET_VALUE', '"x"')],
      objects: parse(clusterTemplate),
      targetNamespace: 'ns1',
    });
    expect(template.targetNamespace).toBe('ns1');
    expect(template.variables).toEqual(['CLUSTER_NAME', 'NAMESPACE', 'SECRET_VALUE']);
    expect(template.variableMap).toEqual({ NAMESPACE: 'foo', CLUSTER_NAME: null, SECRET_VALUE: '"x"' });
    expect(template.objects.map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['Cluster', 'ns1'],
      ['Secret', 'ns1'],
      ['RoleBinding', 'ns1'],
      ['Certificate', 'ns1'],
      ['ClusterRole', undefined],
    ]);
    // Checked against clusterctl: the RoleBinding passes through its Go struct, the Certificate does not.
    expect(template.objects[2]).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'rb', namespace: 'ns1' },
      roleRef: { apiGroup: '', kind: '', name: '' },
      subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'ns1' }],
    });
    expect(template.objects[3]?.spec).toEqual({ dnsNames: ['svc.ns1.svc'] });
  });

  it('leaves objects alone without a target namespace, and has none when listing variables', () => {
    const objects = parse(clusterTemplate);
    expect(newClusterTemplate({ variables: [], objects, targetNamespace: '' }).objects).toEqual(objects);
    expect(newClusterTemplate({ variables: [variable('A')], targetNamespace: 'ns1' }).objects).toEqual([]);
  });

  it('treats an empty default as required and keeps the first occurrence', () => {
    expect(variableMapOf([variable('A', ''), variable('B', 'x'), variable('B', 'y')])).toEqual({ A: null, B: 'x' });
  });

  it('puts namespace errors in context', async () => {
    const error = await catchError(() =>
      setTargetNamespace(
        parse('apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\nsubjects: 1\n'),
        'x',
      ),
    );
    expect(error.message).toMatch(/^failed to set the TargetNamespace in the template: RoleBinding x\/rb: /);
  });
});

describe('mergeTemplates', () => {
  const t = (namespace: string, variableMap: Record<string, string | null>, names: string[]): ClusterTemplate => ({
    variables: Object.keys(variableMap).sort(),
    variableMap,
    targetNamespace: namespace,
    objects: names.map((name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } })),
  });

  it('concatenates objects and takes each default from the first template that has one', () => {
    const merged = mergeTemplates([
      t('ns1', { A: 'class', B: null, C: null }, ['class']),
      undefined,
      t('ns1', { A: 'tpl', B: 'tpl', D: 'd' }, ['tpl']),
    ]);
    expect(merged).toEqual({
      variables: ['A', 'B', 'C', 'D'],
      variableMap: { A: 'class', B: 'tpl', C: null, D: 'd' },
      targetNamespace: 'ns1',
      objects: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'class', namespace: 'ns1' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tpl', namespace: 'ns1' } },
      ],
    });
  });

  it('has no namespace when the templates target different ones (as clusterctl v1.13+)', () => {
    expect(mergeTemplates([t('shared', {}, ['a']), t('ns1', {}, ['b'])])?.targetNamespace).toBe('');
  });

  it('returns undefined for nothing to merge', () => {
    expect(mergeTemplates([])).toBeUndefined();
    expect(mergeTemplates([undefined])).toBeUndefined();
  });
});

describe('clusterClassRefs', () => {
  const cluster = (apiVersion: string, topology: unknown, namespace = 'ns1'): KubeObject => ({
    apiVersion,
    kind: 'Cluster',
    metadata: { name: 'c', namespace },
    spec: topology === undefined ? {} : { topology },
  });

  it.each<[string, KubeObject, ClusterClassRef[]]>([
    [
      'v1beta2 classRef',
      cluster('cluster.x-k8s.io/v1beta2', { classRef: { name: 'qs' }, version: 'v1.33.0' }),
      [{ name: 'qs', namespace: 'ns1' }],
    ],
    [
      'v1beta2 classRef with namespace',
      cluster('cluster.x-k8s.io/v1beta2', { classRef: { name: 'qs', namespace: 'shared' } }),
      [{ name: 'qs', namespace: 'shared' }],
    ],
    [
      'v1beta1 class',
      cluster('cluster.x-k8s.io/v1beta1', { class: 'qs', version: 'v1.33.0' }),
      [{ name: 'qs', namespace: 'ns1' }],
    ],
    [
      'v1beta1 classNamespace',
      cluster('cluster.x-k8s.io/v1beta1', { class: 'qs', classNamespace: 'shared' }),
      [{ name: 'qs', namespace: 'shared' }],
    ],
    ['v1beta1 empty topology still counts', cluster('cluster.x-k8s.io/v1beta1', {}), [{ name: '', namespace: 'ns1' }]],
    ['no topology', cluster('cluster.x-k8s.io/v1beta2', undefined), []],
    ['a zero v1beta2 topology', cluster('cluster.x-k8s.io/v1beta2', { classRef: { name: '' }, version: '' }), []],
    ['an older API version', cluster('cluster.x-k8s.io/v1alpha4', { class: 'qs' }), []],
    ['a Cluster of another group', cluster('example.com/v1', { class: 'qs' }), []],
  ])('%s', (_name, obj, expected) => {
    expect(clusterClassRefs([obj])).toEqual(expected);
  });

  it('returns one entry per Cluster, in order, duplicates included', () => {
    const a = cluster('cluster.x-k8s.io/v1beta2', { classRef: { name: 'a' } });
    const b = cluster('cluster.x-k8s.io/v1beta2', { classRef: { name: 'b' } });
    expect(clusterClassRefs([a, b, a]).map((r) => r.name)).toEqual(['a', 'b', 'a']);
  });
});

interface ClusterConvertCase {
  yaml: string;
  classes?: string[];
  error?: string;
}

// What clusterctl v1.13.5's clusterClassNamesFromTemplate finds in each rendered template (its scheme
// conversion of every v1beta2/v1beta1 Cluster, then the topology test), or the error it stops with;
// recorded from the real Go packages by scripts/go-oracles (npm run oracles).
const recordedClusterCases = Object.values(
  import.meta.glob<ClusterConvertCase[]>('../../../test/fixtures/go-oracles/cluster-convert.json', {
    import: 'default',
    eager: true,
  }),
)[0]!;

describe('clusterClassRefs beside Go (recorded)', () => {
  it('has the recorded cases, accepted and refused', () => {
    expect(recordedClusterCases.filter((c) => c.error === undefined).length).toBeGreaterThan(15);
    expect(recordedClusterCases.filter((c) => c.error !== undefined).length).toBeGreaterThan(15);
  });

  it.each(
    recordedClusterCases.map(
      (c) => [c.yaml.replace(/^apiVersion: cluster\.x-k8s\.io\//, '').replace(/\s+/g, ' '), c] as const,
    ),
  )('%s', (_name, recorded) => {
    const objects = parseDocuments(recorded.yaml, 'template');
    if (recorded.error !== undefined) {
      let caught: unknown;
      try {
        clusterClassRefs(objects);
      } catch (error) {
        caught = error;
      }
      expect(caught, `Go refuses: ${recorded.error}`).toBeInstanceOf(ClusterctlError);
      expect((caught as ClusterctlError).code).toBe('INVALID_YAML');
      expect((caught as ClusterctlError).exitCode).toBe(2);
      return;
    }
    const refs = clusterClassRefs(objects).map((r) => `${r.namespace}/${r.name}`);
    expect(refs).toEqual(recorded.classes ?? []);
  });

  it('names the Cluster, the field, the type Go wants and the fix', () => {
    const objects = parseDocuments(
      'apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1, namespace: ns}\n' +
        'spec: {clusterNetwork: {pods: {cidrBlocks: 10.0.0.0/16}}}\n',
    );
    expect(() => clusterClassRefs(objects)).toThrow(
      'failed to read Cluster ns/c1 (cluster.x-k8s.io/v1beta2) from the template: ' +
        "spec.clusterNetwork.pods.cidrBlocks is a string, but Go's Cluster type wants a list of strings there.",
    );
    try {
      clusterClassRefs(objects);
    } catch (error) {
      expect((error as ClusterctlError).hint).toContain('cidrBlocks: ["${VARIABLE}"]');
    }
  });

  it.each([
    ['spec: {clusterNetwork: {apiServerPort: "6443"}}', 'apiServerPort is a string', 'a whole number'],
    ['spec: {paused: "true"}', 'paused is a string', 'true or false'],
    ['spec: {clusterNetwork: {serviceDomain: 42}}', 'serviceDomain is a number', 'Quote the value'],
    ['spec: {topology: {classRef: {name: quick}, variables: {a: 1}}}', 'variables is a mapping', 'as a YAML list'],
    ['metadata: {name: c1, labels: {team: 7}}', 'metadata.labels.team is a number', 'Quote the value'],
  ])('explains %s', (body, message, hint) => {
    const text = body.startsWith('metadata')
      ? `apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\n${body}\n`
      : `apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: c1}\n${body}\n`;
    let caught: ClusterctlError | undefined;
    try {
      clusterClassRefs(parseDocuments(text));
    } catch (error) {
      caught = error as ClusterctlError;
    }
    expect(caught?.message).toContain(message);
    expect(caught?.hint).toContain(hint);
  });
});

describe('setTargetNamespace on objects Go reads into its types', () => {
  it('says what the type wants and how to fix the template', () => {
    const binding = parseDocuments(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\n' +
        'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "y"}\nsubjects: me\n',
    );
    let caught: ClusterctlError | undefined;
    try {
      setTargetNamespace(binding, 'ns1');
    } catch (error) {
      caught = error as ClusterctlError;
    }
    expect(caught?.exitCode).toBe(2);
    expect(caught?.message).toBe(
      'failed to set the TargetNamespace in the template: ClusterRoleBinding x: cannot restore slice from string ' +
        "(at subjects); subjects is a string, but Go's type wants a list of mappings there",
    );
    expect(caught?.hint).toBe('Write subjects as a YAML list in the template (one "- " item per entry).');
  });
});

describe('addClusterClassIfMissing', () => {
  const template = (): ClusterTemplate =>
    newClusterTemplate({
      variables: [variable('CLUSTER_NAME'), variable('WORKERS', '1')],
      objects: parse(clusterTemplate),
      targetNamespace: 'ns1',
    });
  const classObjects = parse(
    'apiVersion: cluster.x-k8s.io/v1beta2\nkind: ClusterClass\nmetadata:\n  name: quick-start\n---\napiVersion: infrastructure.cluster.x-k8s.io/v1beta2\nkind: DockerClusterTemplate\nmetadata:\n  name: quick-start-cluster\n  namespace: anything\n',
  );
  const fetchClass: ClusterClassDeps['fetchClass'] = () =>
    Promise.resolve({
      variables: [variable('WORKERS', '3'), variable('CLASS_ONLY', 'x')],
      objects: classObjects,
    });

  it('renders the ClusterClass before the template objects, in the target namespace', async () => {
    const result = await addClusterClassIfMissing(template(), { fetchClass });
    expect(result.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}`)).toEqual([
      'ClusterClass/ns1',
      'DockerClusterTemplate/ns1',
      'Cluster/ns1',
      'Secret/ns1',
      'RoleBinding/ns1',
      'Certificate/ns1',
      'ClusterRole/',
    ]);
    expect(result.variables).toEqual(['CLASS_ONLY', 'CLUSTER_NAME', 'WORKERS']);
    // The class comes first, so its default wins for a variable both define.
    expect(result.variableMap).toEqual({ WORKERS: '3', CLASS_ONLY: 'x', CLUSTER_NAME: null });
    expect(result.targetNamespace).toBe('ns1');
  });

  it('returns the template unchanged when no Cluster uses a class', async () => {
    const plain = newClusterTemplate({
      variables: [],
      objects: parse('apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n'),
      targetNamespace: 'ns1',
    });
    expect(await addClusterClassIfMissing(plain, { fetchClass: () => Promise.reject(new Error('not called')) })).toBe(
      plain,
    );
  });

  it('skips a class that already exists in the cluster', async () => {
    const asked: ClusterClassRef[] = [];
    const result = await addClusterClassIfMissing(template(), {
      fetchClass: () => Promise.reject(new Error('not called')),
      cluster: {
        classExists: (ref) => {
          asked.push(ref);
          return Promise.resolve(true);
        },
        objectExists: () => Promise.resolve(false),
      },
    });
    expect(asked).toEqual([{ name: 'quick-start', namespace: 'ns1' }]);
    expect(result.objects[0]?.kind).toBe('Cluster');
  });

  it('fails when an object of a missing class already exists', async () => {
    const error = await catchError(() =>
      addClusterClassIfMissing(template(), {
        fetchClass,
        cluster: {
          classExists: () => Promise.resolve(false),
          objectExists: (obj) => Promise.resolve(obj.kind === 'DockerClusterTemplate'),
        },
      }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe(
      'ns1/quick-start-cluster(infrastructure.cluster.x-k8s.io/v1beta2, Kind=DockerClusterTemplate) already exists in the cluster',
    );
  });

  it('puts fetch errors in context', async () => {
    const error = await catchError(() =>
      addClusterClassIfMissing(template(), {
        fetchClass: () =>
          Promise.reject(new ClusterctlError('NOT_FOUND', 'failed to read "clusterclass-quick-start.yaml"')),
      }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe(
      'failed to get the cluster class template for "ns1/quick-start": failed to read "clusterclass-quick-start.yaml"',
    );
  });

  it('a class in another namespace leaves the result without a single namespace', async () => {
    const shared = newClusterTemplate({
      variables: [],
      objects: parse(
        'apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  topology:\n    classRef:\n      name: qs\n      namespace: shared\n',
      ),
      targetNamespace: 'ns1',
    });
    const result = await addClusterClassIfMissing(shared, { fetchClass });
    expect(result.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}`)).toEqual([
      'ClusterClass/shared',
      'DockerClusterTemplate/shared',
      'Cluster/ns1',
    ]);
    expect(result.targetNamespace).toBe('');
  });
});

describe('clusterTemplateVariables (generate cluster precedence)', () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];

  it('sets NAMESPACE and CLUSTER_NAME from the options, ignoring the environment', () => {
    const { values, lookup } = clusterTemplateVariables({
      clusterName: 'c1',
      targetNamespace: 'ns1',
      lookup: env({ NAMESPACE: 'from-env', CLUSTER_NAME: 'env-name', OTHER: 'o' }),
    });
    expect(values).toEqual({
      NAMESPACE: 'ns1',
      CLUSTER_NAME: 'c1',
      CONTROL_PLANE_MACHINE_COUNT: '1',
      WORKER_MACHINE_COUNT: '0',
    });
    expect(lookup('NAMESPACE')).toBe('ns1');
    expect(lookup('OTHER')).toBe('o');
    expect(lookup('KUBERNETES_VERSION')).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, Record<string, string>, Record<string, string>]>([
    [
      'flags win over variables',
      { kubernetesVersion: 'v1.33.1', controlPlaneMachineCount: 3, workerMachineCount: 0 },
      { KUBERNETES_VERSION: 'v1.30.0', CONTROL_PLANE_MACHINE_COUNT: '5', WORKER_MACHINE_COUNT: '7' },
      { KUBERNETES_VERSION: 'v1.33.1', CONTROL_PLANE_MACHINE_COUNT: '3', WORKER_MACHINE_COUNT: '0' },
    ],
    [
      'variables apply without flags',
      {},
      { KUBERNETES_VERSION: 'v1.30.0', CONTROL_PLANE_MACHINE_COUNT: '5', WORKER_MACHINE_COUNT: '7' },
      { KUBERNETES_VERSION: 'v1.30.0', CONTROL_PLANE_MACHINE_COUNT: '5', WORKER_MACHINE_COUNT: '7' },
    ],
    ['defaults are 1 and 0', {}, {}, { CONTROL_PLANE_MACHINE_COUNT: '1', WORKER_MACHINE_COUNT: '0' }],
  ])('%s', (_name, flags, vars, expected) => {
    const { lookup } = clusterTemplateVariables({
      clusterName: 'c1',
      targetNamespace: 'ns1',
      ...flags,
      lookup: env(vars),
    });
    for (const [name, value] of Object.entries(expected)) expect(lookup(name), name).toBe(value);
  });

  it.each([
    ['an invalid namespace', { targetNamespace: 'NS' }, {}, /^invalid target-namespace: /],
    ['an invalid cluster name', { clusterName: 'C_1' }, {}, /^invalid cluster name: /],
    [
      'an invalid Kubernetes version',
      { kubernetesVersion: '1.33' },
      {},
      /^invalid KubernetesVersion\. Please use a semantic version number$/,
    ],
    ['a control plane count of 0', { controlPlaneMachineCount: 0 }, {}, /^invalid ControlPlaneMachineCount\. /],
    ['a negative worker count', { workerMachineCount: -1 }, {}, /^invalid WorkerMachineCount\. /],
    [
      'a non-numeric count variable',
      {},
      { CONTROL_PLANE_MACHINE_COUNT: 'three' },
      /^invalid value for CONTROL_PLANE_MACHINE_COUNT set$/,
    ],
    ['a zero count variable', {}, { CONTROL_PLANE_MACHINE_COUNT: '0' }, /^invalid ControlPlaneMachineCount\. /],
  ])('rejects %s', async (_name, flags, vars, message) => {
    const error = await catchError(() =>
      clusterTemplateVariables({
        clusterName: 'c1',
        targetNamespace: 'ns1',
        ...flags,
        lookup: env(vars),
      }),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
  });
});

describe('--list-variables', () => {
  // The expected texts are the Go binary's output (clusterctl v1.13.5) for the same template and options.
  const template =
    'a: ${CLUSTER_NAME}\nb: ${NAMESPACE}\nc: ${KUBERNETES_VERSION:=v1.30.0}\nd: ${CONTROL_PLANE_MACHINE_COUNT}\ne: ${WORKER_MACHINE_COUNT:=5}\nf: ${A_VERY_LONG_VARIABLE_NAME_FOR_ALIGNMENT:="quoted"}\ng: ${REQ_ONE}\nh: ${REQ_TWO:=}\ni: ${OPT:=x y}\nj: ${TABBED:=a\tb}\nk: ${\u00dcNI:=\u00fc}\nl: ${Z:="}\nm: ${B_VAR:=<b>}\n';
  it.each<[string, string, Record<string, unknown>, Record<string, string>, string]>([
    [
      'defaults',
      template,
      {},
      {},
      'Required Variables:\n  - REQ_ONE\n  - REQ_TWO\n\nOptional Variables:\n  - A_VERY_LONG_VARIABLE_NAME_FOR_ALIGNMENT  (defaults to "quoted")\n  - B_VAR                                    (defaults to "<b>")\n  - CLUSTER_NAME                             (defaults to mycluster)\n  - CONTROL_PLANE_MACHINE_COUNT              (defaults to 1)\n  - KUBERNETES_VERSION                       (defaults to "v1.30.0")\n  - NAMESPACE                                (defaults to ns1)\n  - OPT                                      (defaults to "x y")\n  - TABBED                                   (defaults to "a\\tb")\n  - WORKER_MACHINE_COUNT                     (defaults to 0)\n  - Z                                        (defaults to ")\n  - \u00dcNI                                      (defaults to "\u00fc")\n\n',
    ],
    [
      'flag and environment values',
      template,
      { controlPlaneMachineCount: 3 },
      { WORKER_MACHINE_COUNT: '7', KUBERNETES_VERSION: '' },
      'Required Variables:\n  - REQ_ONE\n  - REQ_TWO\n\nOptional Variables:\n  - A_VERY_LONG_VARIABLE_NAME_FOR_ALIGNMENT  (defaults to "quoted")\n  - B_VAR                                    (defaults to "<b>")\n  - CLUSTER_NAME                             (defaults to mycluster)\n  - CONTROL_PLANE_MACHINE_COUNT              (defaults to 3)\n  - KUBERNETES_VERSION                       (defaults to )\n  - NAMESPACE                                (defaults to ns1)\n  - OPT                                      (defaults to "x y")\n  - TABBED                                   (defaults to "a\\tb")\n  - WORKER_MACHINE_COUNT                     (defaults to 7)\n  - Z                                        (defaults to ")\n  - \u00dcNI                                      (defaults to "\u00fc")\n\n',
    ],
    [
      'version and worker flags',
      template,
      { kubernetesVersion: 'v1.31.1', workerMachineCount: 2 },
      {},
      'Required Variables:\n  - REQ_ONE\n  - REQ_TWO\n\nOptional Variables:\n  - A_VERY_LONG_VARIABLE_NAME_FOR_ALIGNMENT  (defaults to "quoted")\n  - B_VAR                                    (defaults to "<b>")\n  - CLUSTER_NAME                             (defaults to mycluster)\n  - CONTROL_PLANE_MACHINE_COUNT              (defaults to 1)\n  - KUBERNETES_VERSION                       (defaults to v1.31.1)\n  - NAMESPACE                                (defaults to ns1)\n  - OPT                                      (defaults to "x y")\n  - TABBED                                   (defaults to "a\\tb")\n  - WORKER_MACHINE_COUNT                     (defaults to 2)\n  - Z                                        (defaults to ")\n  - \u00dcNI                                      (defaults to "\u00fc")\n\n',
    ],
    ['only required', 'a: ${ONLY_REQ}\n', {}, {}, 'Required Variables:\n  - ONLY_REQ\n\n'],
    ['no variables', 'a: 1\n', {}, {}, '\n'],
    [
      'Go quoting of defaults',
      'a: ${Q:=a"b}\nb: ${BS:=a\\\\b}\nc: ${NB:=a\u00a0b}\nd: ${EMO:=\ud83d\ude00}\ne: ${CTL:=a\u0001b}\n',
      {},
      {},
      '\nOptional Variables:\n  - BS   (defaults to "a\\\\\\\\b")\n  - CTL  (defaults to "a\\x01b")\n  - EMO  (defaults to "\ud83d\ude00")\n  - NB   (defaults to "a\\u00a0b")\n  - Q    (defaults to "a\\"b")\n\n',
    ],
  ])('%s', (_name, text, options, env, expected) => {
    const variableMap = variableMapOf(inspectVariables(text));
    const out = formatClusterTemplateVariables(variableMap, {
      clusterName: 'mycluster',
      targetNamespace: 'ns1',
      ...options,
      env: (n) => env[n],
    });
    expect(out).toBe(expected);
  });

  it('says where NAMESPACE comes from without -n', () => {
    const out = formatClusterTemplateVariables({ NAMESPACE: null }, { clusterName: 'c', env: () => undefined });
    expect(out).toBe(
      '\nOptional Variables:\n  - NAMESPACE  (defaults to current Namespace in the KubeConfig file)\n\n',
    );
  });

  it.each([
    ['plain', '"plain"'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['a\tb\n', '"a\\tb\\n"'],
    ['a\u00a0b', '"a\\u00a0b"'],
    ['\u0001', '"\\x01"'],
    ['ü😀', '"ü😀"'],
  ])('goQuote(%j)', (value, quoted) => {
    expect(goQuote(value)).toBe(quoted);
  });

  it('generate yaml lists names or prints an empty line', () => {
    expect(formatYamlVariables(['VAR1', 'VAR2', 'VAR3'])).toBe('Variables:\n  - VAR1\n  - VAR2\n  - VAR3\n');
    expect(formatYamlVariables([])).toBe('\n');
  });
});
