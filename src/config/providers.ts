/**
 * The provider list: the built-in entries from providers.yaml at the package root, merged with the
 * `providers:` entries of clusterctl.yaml (same name and type replaces a built-in entry), validated
 * and sorted the way clusterctl lists them (by type order, then by name).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ClusterctlError, failingAs } from '../errors.js';
import { providerTypeOrder, providerTypes, type ProviderConfig, type ProviderType } from '../types.js';

/** providers.yaml at the package root (the same relative place from src/config and dist/config). */
export const builtInProvidersPath = fileURLToPath(new URL('../../providers.yaml', import.meta.url));

/** The name reserved for the core provider. */
export const coreProviderName = 'cluster-api';

const dns1123Label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelRe = new RegExp(`^${dns1123Label}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123Label}(\\.${dns1123Label})*$`);

/** What `value` must be, and the problems it has; undefined when it has none. */
function nameProblems(value: string, maxLength: number, form: RegExp, formRule: string): string | undefined {
  const problems: string[] = [];
  if (value.length > maxLength) problems.push(`must be no more than ${maxLength} characters`);
  if (!form.test(value)) problems.push(formRule);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** Why `value` is not a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.'), or undefined. */
export function dns1123SubdomainError(value: string): string | undefined {
  return nameProblems(
    value,
    253,
    dns1123SubdomainRe,
    "must be a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'my-provider')",
  );
}

/** Why `value` is not a DNS-1123 label (lowercase alphanumerics and '-', at most 63), or undefined. */
export function dns1123LabelError(value: string): string | undefined {
  return nameProblems(
    value,
    63,
    dns1123LabelRe,
    "must be a lowercase RFC 1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'my-provider')",
  );
}

export function isProviderType(value: string): value is ProviderType {
  return (providerTypes as readonly string[]).includes(value);
}

/**
 * Whether a provider URL is parseable the way Go's url.Parse sees it: no control characters, no
 * broken %-escapes, no empty scheme (a leading ':'), and a valid host when there is an authority.
 */
function urlParseError(url: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(url)) return 'invalid control character in URL';
  if (/%(?![0-9A-Fa-f]{2})/.test(url)) return 'invalid URL escape';
  if (url.startsWith(':')) return 'missing protocol scheme';
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  if (scheme) {
    try {
      new URL(url);
    } catch {
      return 'invalid host or port';
    }
  }
  return undefined;
}

/** A user-facing reason the provider entry is invalid, or undefined (checks in clusterctl's order). */
export function providerValidationError(provider: { name: string; type: string; url: string }): string | undefined {
  const { name, type, url } = provider;
  if (name === '') return 'name value cannot be empty';
  if (name !== name.toLowerCase()) return `provider name ${name} must be in lower case`;
  if ((name === coreProviderName) !== (type === 'CoreProvider')) {
    return `name ${coreProviderName} must be used with the CoreProvider type (name: ${name}, type: ${type})`;
  }
  const nameError = dns1123SubdomainError(name);
  if (nameError) return `invalid provider name: ${nameError}`;
  if (url === '') return 'provider URL value cannot be empty';
  const urlError = urlParseError(url);
  if (urlError) return `error parsing provider URL ${JSON.stringify(url)}: ${urlError}`;
  if (!isProviderType(type)) {
    return `invalid provider type ${JSON.stringify(type)}. Allowed values are [${providerTypes.join(', ')}]`;
  }
  return undefined;
}

function scalarText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return '';
}

/**
 * Reads the raw `providers:` value of a config file into provider entries, expanding `${VAR}` in
 * URLs with `expand`, and validating each one. Errors are INVALID_CONFIG naming the key and file.
 */
export function parseUserProviders(
  raw: unknown,
  source: string,
  expand: (text: string) => string = (text) => text,
): ProviderConfig[] {
  if (raw === undefined || raw === null) return [];
  const hint = `fix the "providers" list in ${source}; each entry needs a name, a type (${providerTypes.join(', ')}) and a url`;
  if (!Array.isArray(raw)) {
    throw new ClusterctlError(
      'INVALID_CONFIG',
      `failed to read the "providers" key of ${source}: expected a list of {name, type, url}, got ${typeof raw === 'object' ? 'a mapping' : JSON.stringify(raw)}`,
      { hint },
    );
  }
  return raw.map((entry: unknown, index): ProviderConfig => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new ClusterctlError(
        'INVALID_CONFIG',
        `failed to read the "providers" key of ${source}: entry #${index + 1} is not a mapping with name, type and url`,
        { hint },
      );
    }
    const fields = entry as Record<string, unknown>;
    const name = scalarText(fields.name);
    const type = scalarText(fields.type);
    const rawUrl = scalarText(fields.url);
    const url = failingAs(
      'INVALID_CONFIG',
      `unable to evaluate the url ${JSON.stringify(rawUrl)} of the providers entry #${index + 1} in ${source}`,
      () => expand(rawUrl),
      hint,
    );
    const problem = providerValidationError({ name, type, url });
    if (problem) {
      const what = name ? `the ${type || 'untyped'} provider with name ${name}` : `entry #${index + 1}`;
      throw new ClusterctlError(
        'INVALID_CONFIG',
        `error validating the "providers" key of ${source} (${what}): ${problem}`,
        { hint },
      );
    }
    return { name, type: type as ProviderType, url };
  });
}

/** clusterctl's listing order: type order (core, bootstrap, control plane, infra, ...), then name. */
export function compareProviders(a: ProviderConfig, b: ProviderConfig): number {
  const byType = providerTypeOrder(a.type) - providerTypeOrder(b.type);
  if (byType !== 0) return byType;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Built-in entries with user entries applied: same name+type replaces, anything else is added. */
export function mergeProviders(builtIn: readonly ProviderConfig[], user: readonly ProviderConfig[]): ProviderConfig[] {
  const merged = builtIn.map((p) => ({ ...p }));
  for (const provider of user) {
    let replaced = false;
    for (let i = 0; i < merged.length; i++) {
      const current = merged[i];
      if (current && current.name === provider.name && current.type === provider.type) {
        merged[i] = { ...provider };
        replaced = true;
      }
    }
    if (!replaced) merged.push({ ...provider });
  }
  return merged.sort(compareProviders);
}

/** Parses the built-in providers.yaml text (a list of {name, type, url}). */
export function parseBuiltInProviders(text: string, source: string = builtInProvidersPath): ProviderConfig[] {
  const raw = failingAs<unknown>('INTERNAL', `the built-in provider list ${source} is not valid YAML`, () =>
    parseYaml(text),
  );
  return failingAs('INTERNAL', 'the built-in provider list is broken', () => parseUserProviders(raw, source));
}

/** Reads providers.yaml from the package root. */
export async function readBuiltInProviders(path: string = builtInProvidersPath): Promise<ProviderConfig[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ClusterctlError(
      'INTERNAL',
      `cannot read the built-in provider list ${path}: ${(error as Error).message}`,
      {
        hint: 'the clusterctl-ts installation is incomplete; reinstall the package',
        cause: error,
      },
    );
  }
  return parseBuiltInProviders(text, path);
}

/**
 * Splits a provider URL into the folder part (with its trailing '/') and the file name, the two
 * columns `config repositories` prints.
 */
export function splitProviderUrl(url: string): { dir: string; file: string } {
  const slash = url.lastIndexOf('/');
  return slash < 0 ? { dir: '', file: url } : { dir: url.slice(0, slash + 1), file: url.slice(slash + 1) };
}

export interface ProviderRef {
  name: string;
  /** Undefined when the reference names no version (the repository's default is used). */
  version: string | undefined;
}

/**
 * Parses `name[:version]` as given to `--infrastructure`, `--core` and friends. The name is
 * lower-cased and must be a DNS-1123 label; at most one ':' and neither part empty.
 */
export function parseProviderRef(ref: string): ProviderRef {
  const parts = ref.split(':');
  const hint = 'use the form name[:version], e.g. docker or docker:v1.14.0';
  if (parts.length > 2) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `invalid provider name ${JSON.stringify(ref)}. Provider name should be in the form name[:version]`,
      { hint },
    );
  }
  const [rawName = '', version] = parts;
  if (rawName === '') {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `invalid provider name ${JSON.stringify(ref)}. Provider name should be in the form name[:version] and name cannot be empty`,
      { hint },
    );
  }
  const name = rawName.toLowerCase();
  const nameError = dns1123LabelError(name);
  if (nameError) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `invalid provider name ${JSON.stringify(ref)}. Provider name should be in the form name[:version] and the name should be valid: ${nameError}`,
      { hint },
    );
  }
  if (version === '') {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `invalid provider name ${JSON.stringify(ref)}. Provider name should be in the form name[:version] and version cannot be empty`,
      { hint },
    );
  }
  return { name, version };
}
