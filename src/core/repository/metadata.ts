/**
 * A provider release's `metadata.yaml`: which Cluster API contract each release series (major.minor)
 * implements. Parsing, validation, series lookup and the contract check clusterctl runs before it
 * installs or upgrades a provider.
 */
import { parse as parseSemverStrict, type SemVer } from 'semver';
import { parse as parseYaml } from 'yaml';
import { ClusterctlError, failingAs } from '../../errors.js';

/** The file every provider release publishes next to its components. */
export const metadataFile = 'metadata.yaml';
/** The only apiVersion clusterctl accepts in metadata.yaml. */
const metadataApiVersion = 'clusterctl.cluster.x-k8s.io/v1alpha3';
const metadataKind = 'Metadata';
/** The Cluster API contract this clusterctl implements. */
export const currentContract = 'v1beta2';

export interface ReleaseSeries {
  major: number;
  minor: number;
  /** The Cluster API contract of the series, e.g. `v1beta2`. */
  contract: string;
}

export interface ProviderMetadata {
  apiVersion: string;
  /** `Metadata`, or empty: some providers publish the file without a kind. */
  kind: string;
  releaseSeries: ReleaseSeries[];
}

/**
 * The contracts a provider may implement next to a core provider implementing `contract`: the
 * contract itself, and for v1beta2 also v1beta1 (kept until v1beta1 reaches end of life).
 */
export function compatibleContracts(contract: string = currentContract): string[] {
  return contract === 'v1beta2' ? ['v1beta2', 'v1beta1'] : [contract];
}

/** A semantic version with an optional leading `v` (`v1.2.3`, `1.2.3-rc.0`), else null. */
function parseSemver(version: string): SemVer | null {
  return /^v?\d/.test(version) ? parseSemverStrict(version) : null;
}

function toText(content: string | Uint8Array): string {
  return typeof content === 'string' ? content : new TextDecoder().decode(content);
}

function invalid(providerLabel: string, reason: string): ClusterctlError {
  return new ClusterctlError('INVALID_YAML', `invalid provider metadata for ${providerLabel}: ${reason}`, {
    hint: `the ${metadataFile} of this release is malformed; pick another version, or put a corrected copy in the overrides folder`,
  });
}

function toInteger(value: unknown, field: string, index: number, providerLabel: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  throw invalid(
    providerLabel,
    `releaseSeries[${index}].${field} must be a non-negative integer, got ${JSON.stringify(value)}`,
  );
}

/**
 * Parses and validates metadata.yaml: the apiVersion must be exactly
 * `clusterctl.cluster.x-k8s.io/v1alpha3`, the kind `Metadata` or empty, and there must be at least
 * one release series. Errors are INVALID_YAML and name the provider.
 */
export function parseMetadata(content: string | Uint8Array, providerLabel: string): ProviderMetadata {
  const doc = failingAs<unknown>('INVALID_YAML', `error decoding ${metadataFile} for provider ${providerLabel}`, () =>
    parseYaml(toText(content)),
  );
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw invalid(providerLabel, `${metadataFile} is not a YAML mapping`);
  }
  const raw = doc as Record<string, unknown>;
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : '';
  if (apiVersion !== metadataApiVersion) {
    throw invalid(
      providerLabel,
      `unexpected apiVersion ${JSON.stringify(apiVersion)} (expected "${metadataApiVersion}")`,
    );
  }
  const kind = typeof raw.kind === 'string' ? raw.kind : '';
  if (kind !== metadataKind && kind !== '') {
    throw invalid(providerLabel, `unexpected kind ${JSON.stringify(kind)} (expected "${metadataKind}")`);
  }
  const rawSeries = raw.releaseSeries ?? [];
  if (!Array.isArray(rawSeries)) {
    throw invalid(providerLabel, 'releaseSeries must be a list');
  }
  const releaseSeries = rawSeries.map((entry: unknown, index): ReleaseSeries => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw invalid(providerLabel, `releaseSeries[${index}] must be a mapping with major, minor and contract`);
    }
    const series = entry as Record<string, unknown>;
    const contract = series.contract ?? '';
    if (typeof contract !== 'string') {
      throw invalid(providerLabel, `releaseSeries[${index}].contract must be a string`);
    }
    return {
      major: toInteger(series.major, 'major', index, providerLabel),
      minor: toInteger(series.minor, 'minor', index, providerLabel),
      contract,
    };
  });
  if (releaseSeries.length === 0) {
    throw invalid(providerLabel, `releaseSeries is empty in ${metadataFile}`);
  }
  return { apiVersion, kind, releaseSeries };
}

/** The series whose major.minor matches the version, or undefined (also for a non-semver version). */
export function releaseSeriesForVersion(metadata: ProviderMetadata, version: string): ReleaseSeries | undefined {
  const parsed = parseSemver(version);
  if (!parsed) return undefined;
  return metadata.releaseSeries.find((s) => s.major === parsed.major && s.minor === parsed.minor);
}

/** The newest series (by major.minor; the later entry wins a tie) implementing the contract. */
export function releaseSeriesForContract(metadata: ProviderMetadata, contract: string): ReleaseSeries | undefined {
  let newest: ReleaseSeries | undefined;
  for (const series of metadata.releaseSeries) {
    if (series.contract !== contract) continue;
    if (!newest || series.major > newest.major || (series.major === newest.major && series.minor >= newest.minor)) {
      newest = series;
    }
  }
  return newest;
}

export interface ContractCheckOptions {
  /** The contract of this clusterctl (or of the core provider); default v1beta2. */
  contract?: string;
}

/**
 * The contract check for one provider version: its metadata must have a series for the version's
 * major.minor, and that series must implement a contract compatible with `contract`. Returns the
 * series' contract.
 */
export function checkProviderContract(
  metadata: ProviderMetadata,
  version: string,
  providerLabel: string,
  options: ContractCheckOptions = {},
): string {
  if (!parseSemver(version)) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `invalid version ${JSON.stringify(version)} for the provider ${providerLabel}: not a semantic version`,
    );
  }
  const series = releaseSeriesForVersion(metadata, version);
  if (!series) {
    const available = metadata.releaseSeries.map((s) => `${s.major}.${s.minor}`).join(', ');
    throw new ClusterctlError(
      'INVALID_YAML',
      `invalid provider metadata: version ${version} for the provider ${providerLabel} does not match any release series; available series: [${available}]`,
      {
        hint: `the release's ${metadataFile} was not updated for this version, or the repository URL is stale; pick a version of one of the available series`,
      },
    );
  }
  const contract = options.contract ?? currentContract;
  const compatible = compatibleContracts(contract);
  if (!compatible.includes(series.contract)) {
    throw new ClusterctlError(
      'UNSUPPORTED',
      `current version of clusterctl is only compatible with providers implementing the ${compatible.join(', ')} contract versions, detected contract version ${series.contract} for provider ${providerLabel}`,
      { hint: `pick a version of ${providerLabel} whose release series implements ${compatible.join(' or ')}` },
    );
  }
  return series.contract;
}
