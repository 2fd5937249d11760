/**
 * Release resolution: which version `latest` means for a provider repository.
 *
 * Versions are sorted newest first with stable releases ahead of pre-releases; the first of the top
 * five whose metadata.yaml exists wins. When that release's metadata says the newest series for the
 * current contract is an older major.minor, the newest patch of that series is used instead.
 * Pre-releases are only picked when no stable release qualifies (or when named explicitly).
 */
import { compare, parse as parseSemverStrict, type SemVer } from 'semver';
import { ClusterctlError, isClusterctlError, wrapError } from '../../errors.js';
import type { VersionReader } from '../ports.js';
import { currentContract, metadataFile, parseMetadata, releaseSeriesForContract } from './metadata.js';

/** How many of the newest versions are probed for a metadata.yaml before giving up. */
const maxProbedVersions = 5;

const noValidVersionMessage = 'failed to find releases tagged with a valid semantic version number';

/** A semantic version with an optional leading `v` (`v1.2.3`, `1.2.3-rc.0+build`), else null. */
export function parseSemver(version: string): SemVer | null {
  return /^v?\d/.test(version) ? parseSemverStrict(version) : null;
}

/** Orders two versions newest first, stable releases ahead of any pre-release. */
function newestFirst(a: SemVer, b: SemVer): number {
  const aPre = a.prerelease.length > 0;
  const bPre = b.prerelease.length > 0;
  if (aPre !== bPre) return aPre ? 1 : -1;
  return compare(b, a);
}

/**
 * The semver versions of a list, newest first (stable before pre-release); anything that is not a
 * semantic version is dropped. The original spelling of each version is kept.
 */
export function sortVersionsNewestFirst(versions: readonly string[]): string[] {
  const parsed: { raw: string; sv: SemVer }[] = [];
  for (const raw of versions) {
    const sv = parseSemver(raw);
    if (sv) parsed.push({ raw, sv });
  }
  return parsed.sort((a, b) => newestFirst(a.sv, b.sv)).map((p) => p.raw);
}

export interface LatestPatchOptions {
  major?: number | undefined;
  minor?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * The newest release (optionally within one major.minor) that has a metadata.yaml, probing at most
 * the five newest candidates; a missing metadata.yaml (NOT_FOUND) moves on to the next candidate,
 * any other error stops the search.
 */
export async function latestPatchRelease(reader: VersionReader, options: LatestPatchOptions = {}): Promise<string> {
  let versions: string[];
  try {
    versions = await reader.getVersions(options.signal);
  } catch (error) {
    throw wrapError(error, 'failed to get repository versions');
  }
  const candidates = sortVersionsNewestFirst(versions).filter((raw) => {
    const sv = parseSemver(raw);
    if (!sv) return false;
    if (options.major !== undefined && sv.major !== options.major) return false;
    if (options.minor !== undefined && sv.minor !== options.minor) return false;
    return true;
  });
  if (candidates.length === 0) throw noValidVersion(options);

  for (const version of candidates.slice(0, maxProbedVersions)) {
    try {
      await reader.getFile(version, metadataFile, options.signal);
      return version;
    } catch (error) {
      if (isClusterctlError(error) && error.code === 'NOT_FOUND') continue;
      throw error;
    }
  }
  throw noValidVersion(options);
}

export interface LatestContractOptions {
  /** The contract the release must implement; default v1beta2. */
  contract?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * What `latest` resolves to: the newest release (see latestPatchRelease); when its metadata.yaml
 * names an older major.minor as the newest series for the contract, the newest patch of that series.
 * If the metadata cannot be read or parsed (other than NOT_FOUND) the newest release is used as is.
 */
export async function latestContractRelease(
  reader: VersionReader,
  options: LatestContractOptions = {},
): Promise<string> {
  const latest = await latestPatchRelease(reader, { signal: options.signal });
  let content: Uint8Array;
  try {
    content = await reader.getFile(latest, metadataFile, options.signal);
  } catch (error) {
    if (isClusterctlError(error) && (error.code === 'NOT_FOUND' || error.code === 'INTERRUPTED')) throw error;
    return latest;
  }
  let series;
  try {
    series = releaseSeriesForContract(parseMetadata(content, 'provider'), options.contract ?? currentContract);
  } catch {
    // A malformed metadata.yaml does not block resolution; the contract check reports it later.
    return latest;
  }
  if (!series) return latest;
  const sv = parseSemver(latest);
  if (!sv || (sv.major === series.major && sv.minor === series.minor)) return latest;
  return latestPatchRelease(reader, { major: series.major, minor: series.minor, signal: options.signal });
}

function noValidVersion(options: LatestPatchOptions): ClusterctlError {
  const scope =
    options.major !== undefined && options.minor !== undefined ? ` (series ${options.major}.${options.minor})` : '';
  return new ClusterctlError('NOT_FOUND', `${noValidVersionMessage}${scope}`, {
    hint: `the repository has no release with a ${metadataFile} among its ${maxProbedVersions} newest versions; name a version explicitly (provider:vX.Y.Z)`,
  });
}
