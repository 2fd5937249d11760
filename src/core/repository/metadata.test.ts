import { describe, expect, it } from 'vitest';
import {
  checkProviderContract,
  compatibleContracts,
  parseMetadata,
  releaseSeriesForContract,
  releaseSeriesForVersion,
  type ProviderMetadata,
} from './metadata.js';
import { thrown as errorOf } from '../../../test/harness/errors.js';

const valid = `
apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3
kind: Metadata
releaseSeries:
  - major: 1
    minor: 13
    contract: v1beta2
  - major: 1
    minor: 14
    contract: v1beta2
  - major: 0
    minor: 4
    contract: v1alpha4
`;

describe('parseMetadata', () => {
  it('parses a valid file', () => {
    const m = parseMetadata(new TextEncoder().encode(valid), 'cluster-api');
    expect(m.kind).toBe('Metadata');
    expect(m.releaseSeries).toEqual([
      { major: 1, minor: 13, contract: 'v1beta2' },
      { major: 1, minor: 14, contract: 'v1beta2' },
      { major: 0, minor: 4, contract: 'v1alpha4' },
    ]);
  });

  it('accepts an empty kind', () => {
    const text = valid.replace('kind: Metadata\n', '');
    expect(parseMetadata(text, 'cluster-api').kind).toBe('');
  });

  it.each([
    [
      'wrong apiVersion',
      valid.replace('v1alpha3', 'v1alpha4'),
      /unexpected apiVersion "clusterctl.cluster.x-k8s.io\/v1alpha4"/,
    ],
    ['missing apiVersion', valid.replace(/apiVersion:.*\n/, ''), /unexpected apiVersion ""/],
    ['wrong kind', valid.replace('kind: Metadata', 'kind: Other'), /unexpected kind "Other"/],
    [
      'empty series',
      'apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3\nkind: Metadata\nreleaseSeries: []\n',
      /releaseSeries is empty/,
    ],
    ['no series', 'apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3\n', /releaseSeries is empty/],
    ['not a mapping', '- a\n- b\n', /not a YAML mapping/],
    ['bad major', valid.replace('major: 0', 'major: x'), /releaseSeries\[2\]\.major/],
    ['broken YAML', 'apiVersion: [', /error decoding metadata.yaml for provider infrastructure-x/],
  ])('rejects %s', (_, text, message) => {
    const error = errorOf(() => parseMetadata(text, 'infrastructure-x'));
    expect(error.code).toBe('INVALID_YAML');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('infrastructure-x');
  });
});

describe('release series', () => {
  const m = parseMetadata(valid, 'cluster-api');

  it('finds the series of a version by major.minor', () => {
    expect(releaseSeriesForVersion(m, 'v1.14.3')).toEqual({ major: 1, minor: 14, contract: 'v1beta2' });
    expect(releaseSeriesForVersion(m, '1.13.0-rc.1')).toEqual({ major: 1, minor: 13, contract: 'v1beta2' });
    expect(releaseSeriesForVersion(m, 'v1.15.0')).toBeUndefined();
    expect(releaseSeriesForVersion(m, 'latest')).toBeUndefined();
  });

  it('picks the newest series of a contract', () => {
    expect(releaseSeriesForContract(m, 'v1beta2')).toEqual({ major: 1, minor: 14, contract: 'v1beta2' });
    expect(releaseSeriesForContract(m, 'v1alpha4')).toEqual({ major: 0, minor: 4, contract: 'v1alpha4' });
    expect(releaseSeriesForContract(m, 'v1beta1')).toBeUndefined();
  });

  it('does not depend on the order of the series', () => {
    const reversed: ProviderMetadata = { ...m, releaseSeries: [...m.releaseSeries].reverse() };
    expect(releaseSeriesForContract(reversed, 'v1beta2')).toEqual({ major: 1, minor: 14, contract: 'v1beta2' });
  });
});

describe('checkProviderContract', () => {
  const m = parseMetadata(
    valid + '  - major: 2\n    minor: 0\n    contract: v1beta1\n  - major: 3\n    minor: 0\n    contract: v1beta3\n',
    'infrastructure-x',
  );

  it('knows the compatible contracts', () => {
    expect(compatibleContracts()).toEqual(['v1beta2', 'v1beta1']);
    expect(compatibleContracts('v1beta3')).toEqual(['v1beta3']);
  });

  it('accepts v1beta2 and v1beta1 series', () => {
    expect(checkProviderContract(m, 'v1.14.0', 'infrastructure-x')).toBe('v1beta2');
    expect(checkProviderContract(m, 'v2.0.1', 'infrastructure-x')).toBe('v1beta1');
  });

  it('lists the available series when the version has none', () => {
    const error = errorOf(() => checkProviderContract(m, 'v1.15.0', 'infrastructure-x'));
    expect(error.message).toContain(
      'version v1.15.0 for the provider infrastructure-x does not match any release series',
    );
    expect(error.message).toContain('available series: [1.13, 1.14, 0.4, 2.0, 3.0]');
  });

  it('rejects an incompatible contract', () => {
    const error = errorOf(() => checkProviderContract(m, 'v3.0.0', 'infrastructure-x'));
    expect(error.code).toBe('UNSUPPORTED');
    expect(error.message).toContain('v1beta2, v1beta1 contract versions, detected contract version v1beta3');
    expect(errorOf(() => checkProviderContract(m, 'v0.4.0', 'infrastructure-x')).message).toContain('v1alpha4');
  });

  it('rejects a non-semver version', () => {
    expect(errorOf(() => checkProviderContract(m, 'main', 'infrastructure-x')).code).toBe('INVALID_ARGUMENT');
  });
});
