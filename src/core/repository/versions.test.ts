import { describe, expect, it } from 'vitest';
import { ClusterctlError } from '../../errors.js';
import type { VersionReader } from '../ports.js';
import { latestContractRelease, latestPatchRelease, sortVersionsNewestFirst } from './versions.js';

function metadata(series: [number, number, string][]): string {
  return [
    'apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3',
    'kind: Metadata',
    'releaseSeries:',
    ...series.map(([major, minor, contract]) => `  - {major: ${major}, minor: ${minor}, contract: ${contract}}`),
  ].join('\n');
}

/** An in-memory repository: version -> file -> content; records every getFile. */
function memoryReader(files: Record<string, Record<string, string>>, extraVersions: string[] = []) {
  const reads: string[] = [];
  const reader: VersionReader = {
    getVersions: () => Promise.resolve([...Object.keys(files), ...extraVersions]),
    getFile(version, path) {
      reads.push(`${version}/${path}`);
      const content = files[version]?.[path];
      if (content === undefined) {
        return Promise.reject(new ClusterctlError('NOT_FOUND', `no ${path} in ${version}`));
      }
      return Promise.resolve(new TextEncoder().encode(content));
    },
  };
  return { reader, reads };
}

const v1beta2 = (major: number, minor: number) => ({ 'metadata.yaml': metadata([[major, minor, 'v1beta2']]) });

describe('sortVersionsNewestFirst', () => {
  it('puts stable releases first, newest first, and drops non-semver', () => {
    expect(
      sortVersionsNewestFirst([
        'v1.2.0',
        'v1.10.0',
        'v2.0.0-rc.1',
        'latest',
        'v1.9.9',
        '1.11.0',
        'v2.0.0-alpha.0',
        'v1.2',
      ]),
    ).toEqual(['1.11.0', 'v1.10.0', 'v1.9.9', 'v1.2.0', 'v2.0.0-rc.1', 'v2.0.0-alpha.0']);
  });
});

describe('latestPatchRelease', () => {
  it('takes the newest stable release with a metadata.yaml', async () => {
    const { reader } = memoryReader({ 'v1.0.0': v1beta2(1, 0), 'v1.1.0': v1beta2(1, 1), 'v2.0.0-rc.0': v1beta2(2, 0) });
    await expect(latestPatchRelease(reader)).resolves.toBe('v1.1.0');
  });

  it('uses a pre-release only when there is nothing else', async () => {
    const { reader } = memoryReader({ 'v2.0.0-rc.0': v1beta2(2, 0), 'v2.0.0-beta.1': v1beta2(2, 0) });
    await expect(latestPatchRelease(reader)).resolves.toBe('v2.0.0-rc.0');
  });

  it('skips releases without metadata.yaml, probing at most five', async () => {
    const files: Record<string, Record<string, string>> = {};
    for (let i = 0; i < 7; i++) files[`v1.${i}.0`] = {};
    files['v1.0.0'] = v1beta2(1, 0);
    const { reader, reads } = memoryReader(files);
    const error = await latestPatchRelease(reader).catch((e: unknown) => e as ClusterctlError);
    expect(error).toBeInstanceOf(ClusterctlError);
    expect((error as ClusterctlError).message).toContain(
      'failed to find releases tagged with a valid semantic version number',
    );
    expect(reads).toEqual(['v1.6.0', 'v1.5.0', 'v1.4.0', 'v1.3.0', 'v1.2.0'].map((v) => `${v}/metadata.yaml`));
  });

  it('finds one among the top five', async () => {
    const { reader } = memoryReader({ 'v1.0.0': v1beta2(1, 0), 'v1.1.0': {}, 'v1.2.0': {} });
    await expect(latestPatchRelease(reader)).resolves.toBe('v1.0.0');
  });

  it('filters by major.minor', async () => {
    const { reader } = memoryReader({ 'v1.0.0': v1beta2(1, 0), 'v1.0.3': v1beta2(1, 0), 'v1.1.0': v1beta2(1, 1) });
    await expect(latestPatchRelease(reader, { major: 1, minor: 0 })).resolves.toBe('v1.0.3');
  });

  it('fails with NOT_FOUND when no version is semver', async () => {
    const { reader } = memoryReader({}, ['latest', 'main']);
    await expect(latestPatchRelease(reader)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stops on errors other than NOT_FOUND', async () => {
    const reader: VersionReader = {
      getVersions: () => Promise.resolve(['v1.0.0', 'v1.1.0']),
      getFile: () => Promise.reject(new ClusterctlError('RATE_LIMITED', 'slow down')),
    };
    await expect(latestPatchRelease(reader)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('adds context to version listing errors', async () => {
    const reader: VersionReader = {
      getVersions: () => Promise.reject(new ClusterctlError('UNREACHABLE', 'cannot reach https://x')),
      getFile: () => Promise.reject(new Error('unused')),
    };
    await expect(latestPatchRelease(reader)).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: 'failed to get repository versions: cannot reach https://x',
    });
  });
});

describe('latestContractRelease', () => {
  it('returns the newest release when it implements the contract', async () => {
    const { reader } = memoryReader({
      'v1.13.2': v1beta2(1, 13),
      'v1.14.0': {
        'metadata.yaml': metadata([
          [1, 13, 'v1beta2'],
          [1, 14, 'v1beta2'],
        ]),
      },
    });
    await expect(latestContractRelease(reader)).resolves.toBe('v1.14.0');
  });

  it('falls back to the latest patch of the newest series of the contract', async () => {
    const newest = metadata([
      [2, 1, 'v1beta2'],
      [3, 0, 'v1beta3'],
    ]);
    const { reader } = memoryReader({
      'v3.0.0': { 'metadata.yaml': newest },
      'v2.1.0': { 'metadata.yaml': newest },
      'v2.1.1': { 'metadata.yaml': newest },
      'v2.1.2': {},
      'v2.0.9': { 'metadata.yaml': newest },
    });
    await expect(latestContractRelease(reader)).resolves.toBe('v2.1.1');
  });

  it('keeps the newest release when its metadata names no series for the contract', async () => {
    const { reader } = memoryReader({ 'v0.5.0': { 'metadata.yaml': metadata([[0, 5, 'v1beta3']]) } });
    await expect(latestContractRelease(reader)).resolves.toBe('v0.5.0');
  });

  it('keeps the newest release when its metadata is malformed', async () => {
    const { reader } = memoryReader({ 'v0.5.0': { 'metadata.yaml': 'kind: Other' } });
    await expect(latestContractRelease(reader)).resolves.toBe('v0.5.0');
  });

  it('honours another contract', async () => {
    const both = metadata([
      [1, 0, 'v1beta1'],
      [2, 0, 'v1beta2'],
    ]);
    const { reader } = memoryReader({ 'v1.0.4': { 'metadata.yaml': both }, 'v2.0.0': { 'metadata.yaml': both } });
    await expect(latestContractRelease(reader, { contract: 'v1beta1' })).resolves.toBe('v1.0.4');
  });
});
