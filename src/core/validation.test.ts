import { describe, expect, it } from 'vitest';
import {
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  isKubernetesSemver,
  parseGoInt64,
  parseInt64Flag,
  parseMachineCountVariable,
  parseProviderRef,
  validateClusterName,
  validateControlPlaneMachineCount,
  validateKubernetesVersion,
  validateTargetNamespace,
  validateWorkerMachineCount,
} from './validation.js';
import { thrown as catchError } from '../../test/harness/errors.js';

const labelRegexMessage =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const subdomainRegexMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('DNS-1123 names (messages as Kubernetes words them)', () => {
  // Expected values checked against k8s.io/apimachinery's IsDNS1123Label / IsDNS1123Subdomain.
  it.each([
    ['ns1', [], []],
    ['a-b', [], []],
    ['123-abc', [], []],
    ['', [labelRegexMessage], [subdomainRegexMessage]],
    ['A', [labelRegexMessage], [subdomainRegexMessage]],
    ['-a', [labelRegexMessage], [subdomainRegexMessage]],
    ['a-', [labelRegexMessage], [subdomainRegexMessage]],
    ['my_name', [labelRegexMessage], [subdomainRegexMessage]],
    ['a.b', ['must not contain dots'], []],
    ['a..b', [labelRegexMessage], [subdomainRegexMessage]],
    ['x'.repeat(63), [], []],
    ['x'.repeat(64), ['must be no more than 63 characters'], []],
    ['x'.repeat(254), ['must be no more than 63 characters'], ['must be no more than 253 characters']],
    ['ü', [labelRegexMessage], [subdomainRegexMessage]],
  ])('%j', (value, label, subdomain) => {
    expect(dns1123LabelErrors(value)).toEqual(label);
    expect(dns1123SubdomainErrors(value)).toEqual(subdomain);
  });

  it('reports both the length and the dots for a long dotted label', () => {
    expect(dns1123LabelErrors(`${'x'.repeat(64)}.b`)).toEqual([
      'must be no more than 63 characters',
      'must not contain dots',
    ]);
  });

  it('counts bytes, not characters, for the length', () => {
    expect(dns1123LabelErrors('é'.repeat(40))).toEqual(['must be no more than 63 characters', labelRegexMessage]);
  });
});

describe('isKubernetesSemver (k8s version.ParseSemantic)', () => {
  const valid = [
    'v1.2.3',
    '1.2.3',
    '0.0.0',
    'v1.2.3-alpha.1',
    'v1.2.3-rc.0+abc',
    ' v1.2.3',
    '\tv1.2.3',
    'v1.2.3 ',
    'v18446744073709551615.0.0',
  ];
  const invalid = [
    'v1.2',
    '1.2.3.4',
    'v01.2.3',
    'v1.02.3',
    'V1.2.3',
    'v1.2.3-alpha.01',
    'v1.2.3-',
    'v1.2.3\n',
    'v1.2.3-a_b',
    'v18446744073709551616.0.0',
    'latest',
    '',
  ];
  it.each([...valid.map((value) => [value, true] as const), ...invalid.map((value) => [value, false] as const)])(
    '%j -> %s',
    (value, ok) => {
      expect(isKubernetesSemver(value)).toBe(ok);
    },
  );
});

describe('parseGoInt64 (strconv.ParseInt base 10)', () => {
  /** Rows for texts that do not parse. */
  const rejected = (...texts: string[]): [string, undefined][] => texts.map((text) => [text, undefined]);
  it.each([
    ['0', 0n],
    ['3', 3n],
    ['+3', 3n],
    ['-1', -1n],
    ['9223372036854775807', 9223372036854775807n],
    ...rejected('9223372036854775808', ' 3', '3.0', '1_000', '', '0x10'),
  ])('%j', (text, expected) => {
    expect(parseGoInt64(text)).toBe(expected);
  });
});

describe('parseInt64Flag (pflag Int64: strconv.ParseInt base 0)', () => {
  it('reads the forms Go accepts', () => {
    expect(parseInt64Flag('--n', '3')).toBe(3n);
    expect(parseInt64Flag('--n', '+3')).toBe(3n);
    expect(parseInt64Flag('--n', '-2')).toBe(-2n);
    expect(parseInt64Flag('--n', '0x10')).toBe(16n);
    expect(parseInt64Flag('--n', '010')).toBe(8n);
    expect(parseInt64Flag('--n', '0b11')).toBe(3n);
    expect(parseInt64Flag('--n', '1_000')).toBe(1000n);
    expect(parseInt64Flag('--n', '9223372036854775807')).toBe(9223372036854775807n);
  });

  it('refuses what Go refuses, with its words (it rendered replicas: 1e+20 before)', () => {
    const big = catchError(() => parseInt64Flag('--worker-machine-count', '99999999999999999999'));
    expect(big.message).toBe(
      'invalid argument "99999999999999999999" for "--worker-machine-count" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range',
    );
    expect(big.exitCode).toBe(2);
    for (const bad of ['', ' 3', '1.5', '1e3', 'three', '08', '1__0', '_1', '0x']) {
      expect(catchError(() => parseInt64Flag('--n', bad)).message).toContain(': invalid syntax');
    }
  });
});

describe('generate cluster argument checks', () => {
  it('rejects an invalid target namespace naming the flag and value', () => {
    const error = catchError(() => validateTargetNamespace('My_NS'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(`invalid target-namespace: ${labelRegexMessage}`);
    expect(error.hint).toContain('--target-namespace');
    expect(error.hint).toContain('"My_NS"');
  });

  it('rejects an invalid cluster name', () => {
    const error = catchError(() => validateClusterName('Bad_Name'));
    expect(error.message).toBe(`invalid cluster name: ${subdomainRegexMessage}`);
    expect(error.hint).toContain('"Bad_Name"');
  });

  it('joins several problems with "; " like clusterctl', () => {
    const error = catchError(() => validateTargetNamespace(`${'x'.repeat(64)}.b`));
    expect(error.message).toBe('invalid target-namespace: must be no more than 63 characters; must not contain dots');
  });

  it('accepts a dotted cluster name', () => {
    expect(() => validateClusterName('my.cluster-1')).not.toThrow();
  });

  it('checks the Kubernetes version only when given', () => {
    expect(() => validateKubernetesVersion('')).not.toThrow();
    expect(() => validateKubernetesVersion('1.33.1')).not.toThrow();
    const error = catchError(() => validateKubernetesVersion('1.33'));
    expect(error.message).toBe('invalid KubernetesVersion. Please use a semantic version number');
    expect(error.hint).toContain('--kubernetes-version was "1.33"');
  });

  it.each([
    [1, true],
    [3n, true],
    [0, false],
    [-1n, false],
  ])('control plane machine count %s', (count, ok) => {
    if (ok) expect(() => validateControlPlaneMachineCount(count)).not.toThrow();
    else {
      const error = catchError(() => validateControlPlaneMachineCount(count));
      expect(error.message).toBe('invalid ControlPlaneMachineCount. Please use a number greater or equal than 1');
      expect(error.hint).toContain(`--control-plane-machine-count was ${count}`);
    }
  });

  it.each([
    [0, true],
    [5n, true],
    [-1, false],
  ])('worker machine count %s', (count, ok) => {
    if (ok) expect(() => validateWorkerMachineCount(count)).not.toThrow();
    else {
      const error = catchError(() => validateWorkerMachineCount(count, 'variable'));
      expect(error.message).toBe('invalid WorkerMachineCount. Please use a number greater or equal than 0');
      expect(error.hint).toContain('WORKER_MACHINE_COUNT was -1');
    }
  });

  it('parses machine count variables like Go and names the variable when it cannot', () => {
    expect(parseMachineCountVariable('WORKER_MACHINE_COUNT', '7')).toBe(7n);
    const error = catchError(() => parseMachineCountVariable('CONTROL_PLANE_MACHINE_COUNT', 'three'));
    expect(error.message).toBe('invalid value for CONTROL_PLANE_MACHINE_COUNT set');
    expect(error.hint).toContain('"three"');
  });
});

describe('parseProviderRef (name[:version])', () => {
  it.each([
    ['aws', { name: 'aws', version: '' }],
    ['aws:v2.9.0', { name: 'aws', version: 'v2.9.0' }],
    ['AWS:V2.9.0', { name: 'aws', version: 'v2.9.0' }],
  ])('%s', (ref, expected) => {
    expect(parseProviderRef(ref)).toEqual(expected);
  });

  it.each([
    ['a:b:c', 'invalid provider name "a:b:c". Provider name should be in the form name[:version]'],
    [':v1', 'invalid provider name ":v1". Provider name should be in the form name[:version] and name cannot be empty'],
    [
      'aws:',
      'invalid provider name "aws:". Provider name should be in the form name[:version] and version cannot be empty',
    ],
    [
      'a_b',
      `invalid provider name "a_b". Provider name should be in the form name[:version] and the name should be valid: ${labelRegexMessage}`,
    ],
  ])('rejects %s', (ref, message) => {
    const error = catchError(() => parseProviderRef(ref));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(message);
  });
});
