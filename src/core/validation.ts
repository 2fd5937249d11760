/**
 * Input checks shared by several commands, with the wording of the Go tool so that scripts matching
 * on error text keep working. Kubernetes' DNS-1123 messages are reproduced exactly (they come from
 * k8s.io/apimachinery's validation package), as is the way clusterctl joins several of them ("; ").
 * Every failure is a ClusterctlError INVALID_ARGUMENT whose hint names the flag and the value given.
 */
import { ClusterctlError } from '../errors.js';

// ---------------------------------------------------------------------------------------------
// Kubernetes name rules (k8s.io/apimachinery/pkg/util/validation)
// ---------------------------------------------------------------------------------------------

const labelPattern = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const subdomainPattern = `${labelPattern}(\\.${labelPattern})*`;
const labelRegExp = new RegExp(`^${labelPattern}$`);
const subdomainRegExp = new RegExp(`^${subdomainPattern}$`);

const dns1123LabelMaxLength = 63;
const dns1123SubdomainMaxLength = 253;

/** Kubernetes' "regex" error text: the message, optional examples, then the pattern. */
function regexError(message: string, pattern: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${pattern}')`;
  // Kubernetes builds "'a', " for each example and joins them with " or ", which leaves a double
  // space before "or"; keep it, since it is what users see from the Go tool.
  const quoted = examples.map((e) => `'${e}', `).join(' or ');
  return `${message} (e.g. ${quoted}regex used for validation is '${pattern}')`;
}

function maxLengthError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** Length in bytes, as Go's len() counts it. */
function byteLength(value: string): number {
  return new TextEncoder().encode(value).length;
}

/** The problems Kubernetes reports for a DNS-1123 label (empty when valid). */
export function dns1123LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > dns1123LabelMaxLength) errors.push(maxLengthError(dns1123LabelMaxLength));
  if (!labelRegExp.test(value)) {
    if (subdomainRegExp.test(value)) {
      // A valid subdomain that is not a valid label: the length was checked above, so it has dots.
      errors.push('must not contain dots');
    } else {
      errors.push(
        regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          labelPattern,
          'my-name',
          '123-abc',
        ),
      );
    }
  }
  return errors;
}

/** The problems Kubernetes reports for a DNS-1123 subdomain (empty when valid). */
export function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > dns1123SubdomainMaxLength) errors.push(maxLengthError(dns1123SubdomainMaxLength));
  if (!subdomainRegExp.test(value)) {
    errors.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        subdomainPattern,
        'example.com',
      ),
    );
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Versions and integers
// ---------------------------------------------------------------------------------------------

// Go's \s is [\t\n\f\r ] and its '.' stops only at '\n'.
const versionRegExp = /^[\t\n\f\r ]*v?([0-9]+(?:\.[0-9]+)*)([^\n]*)$/;
const versionExtraRegExp =
  /^(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?[\t\n\f\r ]*$/;
const maxUint64 = 18446744073709551615n;

function isUint64(text: string): boolean {
  return /^[0-9]+$/.test(text) && BigInt(text) <= maxUint64;
}

/**
 * True when `value` is a semantic version the way Kubernetes' `version.ParseSemantic` accepts it
 * (which is what clusterctl uses for --kubernetes-version): an optional leading `v`, exactly three
 * numeric components without leading zeros, then an optional pre-release and build metadata.
 */
export function isKubernetesSemver(value: string): boolean {
  const parts = versionRegExp.exec(value);
  if (!parts) return false;
  const numbers = parts[1] ?? '';
  const extra = parts[2] ?? '';
  const components = numbers.split('.');
  if (components.length !== 3) return false;
  for (const component of components) {
    if (component.startsWith('0') && component !== '0') return false;
    if (!isUint64(component)) return false;
  }
  if (extra === '') return true;
  const extraParts = versionExtraRegExp.exec(extra);
  if (!extraParts) return false;
  for (const identifier of (extraParts[1] ?? '').split('.')) {
    if (isUint64(identifier) && identifier.startsWith('0') && identifier !== '0') return false;
  }
  return true;
}

const minInt64 = -(2n ** 63n);
const maxInt64 = 2n ** 63n - 1n;

/**
 * Go's `strconv.ParseInt(text, 10, 64)`: an optional sign then decimal digits, nothing else (no
 * spaces, no underscores), within the int64 range. Returns undefined when Go would fail.
 */
export function parseGoInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < minInt64 || value > maxInt64 ? undefined : value;
}

/**
 * Parses an integer flag value as Go's pflag Int64 does (strconv.ParseInt with base 0: a sign, then
 * decimal, `0x` hex, `0o`/leading-`0` octal or `0b` binary digits, `_` between digits after a
 * prefix). Go's message on failure: `invalid argument "V" for "--flag" flag: strconv.ParseInt:
 * parsing "V": invalid syntax` (or `value out of range` beyond int64).
 */
export function parseInt64Flag(flag: string, value: string): bigint {
  const fail = (why: string): ClusterctlError =>
    invalid(
      `invalid argument ${JSON.stringify(value)} for ${JSON.stringify(flag)} flag: strconv.ParseInt: parsing ${JSON.stringify(value)}: ${why}`,
      `Pass a whole number between ${minInt64} and ${maxInt64}, e.g. ${flag} 3.`,
    );
  const match =
    /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])+|[1-9](?:_?[0-9])*|0)$/.exec(
      value,
    );
  if (match === null) throw fail('invalid syntax');
  const digits = (match[2] ?? '').replaceAll('_', '');
  const literal = /^0[0-7]/.test(digits) ? `0o${digits.slice(1)}` : digits;
  const parsed = match[1] === '-' ? -BigInt(literal) : BigInt(literal);
  if (parsed < minInt64 || parsed > maxInt64) throw fail('value out of range');
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// Checks for generate cluster (the order and wording of clusterctl's templateOptionsToVariables)
// ---------------------------------------------------------------------------------------------

function invalid(message: string, hint: string): ClusterctlError {
  return new ClusterctlError('INVALID_ARGUMENT', message, { hint });
}

/** The target namespace must be a DNS-1123 label. */
export function validateTargetNamespace(namespace: string): void {
  const errors = dns1123LabelErrors(namespace);
  if (errors.length === 0) return;
  throw invalid(
    `invalid target-namespace: ${errors.join('; ')}`,
    `--target-namespace (-n) was ${JSON.stringify(namespace)}; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit.`,
  );
}

/** The cluster name must be a DNS-1123 subdomain. */
export function validateClusterName(name: string): void {
  const errors = dns1123SubdomainErrors(name);
  if (errors.length === 0) return;
  throw invalid(
    `invalid cluster name: ${errors.join('; ')}`,
    `The cluster name argument was ${JSON.stringify(name)}; use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit.`,
  );
}

/** --kubernetes-version must be a semantic version (`v` optional). An empty value means "not given". */
export function validateKubernetesVersion(version: string): void {
  if (version === '' || isKubernetesSemver(version)) return;
  throw invalid(
    'invalid KubernetesVersion. Please use a semantic version number',
    `--kubernetes-version was ${JSON.stringify(version)}; use a version such as v1.33.1.`,
  );
}

/** Where a machine count came from, for the hint. */
export type MachineCountSource = 'flag' | 'variable';

/** Control plane machines: at least 1. */
export function validateControlPlaneMachineCount(count: bigint | number, source: MachineCountSource = 'flag'): void {
  if (BigInt(count) >= 1n) return;
  throw invalid(
    'invalid ControlPlaneMachineCount. Please use a number greater or equal than 1',
    source === 'flag'
      ? `--control-plane-machine-count was ${count}; use 1 or more.`
      : `CONTROL_PLANE_MACHINE_COUNT was ${count}; set it to 1 or more, or pass --control-plane-machine-count.`,
  );
}

/** Worker machines: at least 0. */
export function validateWorkerMachineCount(count: bigint | number, source: MachineCountSource = 'flag'): void {
  if (BigInt(count) >= 0n) return;
  throw invalid(
    'invalid WorkerMachineCount. Please use a number greater or equal than 0',
    source === 'flag'
      ? `--worker-machine-count was ${count}; use 0 or more.`
      : `WORKER_MACHINE_COUNT was ${count}; set it to 0 or more, or pass --worker-machine-count.`,
  );
}

/**
 * Reads a machine count variable (environment or clusterctl.yaml) the way clusterctl does: it must
 * parse as a Go int64, else "invalid value for <NAME> set".
 */
export function parseMachineCountVariable(name: string, value: string): bigint {
  const parsed = parseGoInt64(value);
  if (parsed !== undefined) return parsed;
  throw invalid(
    `invalid value for ${name} set`,
    `${name} is ${JSON.stringify(value)}; set it to a whole number, or pass the matching --*-machine-count flag.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Provider references
// ---------------------------------------------------------------------------------------------

export interface ProviderRef {
  name: string;
  /** Empty when not given. */
  version: string;
}

/**
 * Parses `name[:version]` as clusterctl does: lowercased, at most one `:`, neither part empty, and
 * the name a DNS-1123 label.
 */
export function parseProviderRef(ref: string): ProviderRef {
  const parts = ref.toLowerCase().split(':');
  const hint = 'Write the provider as name[:version], e.g. aws or aws:v2.9.0.';
  if (parts.length > 2) {
    throw invalid(
      `invalid provider name ${JSON.stringify(ref)}. Provider name should be in the form name[:version]`,
      hint,
    );
  }
  const name = parts[0] ?? '';
  if (name === '') {
    throw invalid(
      `invalid provider name ${JSON.stringify(ref)}. Provider name should be in the form name[:version] and name cannot be empty`,
      hint,
    );
  }
  const errors = dns1123LabelErrors(name);
  if (errors.length > 0) {
    throw invalid(
      `invalid provider name ${JSON.stringify(ref)}. Provider name should be in the form name[:version] and the name should be valid: ${errors.join('; ')}`,
      hint,
    );
  }
  const version = parts[1];
  if (version === '') {
    throw invalid(
      `invalid provider name ${JSON.stringify(ref)}. Provider name should be in the form name[:version] and version cannot be empty`,
      hint,
    );
  }
  return { name, version: version ?? '' };
}
