/**
 * clusterctl.yaml + environment + CLI overrides -> a typed ClusterctlConfig. Pure: the loader
 * (load.ts) finds and reads the file; this module only interprets text and records.
 *
 * Variable lookup follows clusterctl: a CLI override first, then the environment variable named by
 * the key upper-cased with '-' turned into '_' (an empty value counts as set), then the config file
 * (keys are case-insensitive). Errors in `providers`, `images` or `cert-manager` surface when those
 * values are first used, as in clusterctl, so unrelated commands still run.
 */
import { isMap, isScalar, isSeq, parseDocument, YAMLError, type Node as YamlNode } from 'yaml';
import { isStackOverflow, nestingLimitMessage } from '../core/yaml/documents.js';
import { ClusterctlError, failingAs } from '../errors.js';
import type { ProviderConfig, ProviderType } from '../types.js';
import { expandEnv } from './expand.js';
import { applyImageOverride, parseImageOverrides, type ImageOverrides } from './images.js';
import { mergeProviders, parseUserProviders } from './providers.js';

export const certManagerDefaultVersion = 'v1.21.1';
export const certManagerDefaultUrl = `https://github.com/cert-manager/cert-manager/releases/${certManagerDefaultVersion}/cert-manager.yaml`;
export const certManagerDefaultTimeout = '10m';
const certManagerDefaultTimeoutMs = 10 * 60 * 1000;

/** Well-known keys of clusterctl.yaml. */
export const ConfigKeys = {
  providers: 'providers',
  certManager: 'cert-manager',
  images: 'images',
  overridesFolder: 'overridesFolder',
  githubToken: 'github-token',
  gitlabToken: 'gitlab-access-token',
  logLevel: 'CLUSTERCTL_LOG_LEVEL',
} as const;

export interface CertManagerConfig {
  /** The cert-manager components URL, `${VAR}`-expanded from the OS environment. */
  url: string;
  version: string;
  /** The timeout as written (a Go duration such as `10m`). */
  timeout: string;
  /** The timeout in milliseconds; 10 minutes when the written value is not a valid duration. */
  timeoutMs: number;
  /** False when `timeout` was not a valid duration (callers may warn, as clusterctl does). */
  timeoutValid: boolean;
  /** cert-manager is installed by someone else: init neither installs nor upgrades it. */
  externallyProvisioned: boolean;
}

export interface ClusterctlConfig {
  /** The config file in use (path or URL), undefined when there is none. */
  readonly file: string | undefined;
  /** `$XDG_CONFIG_HOME/cluster-api`. */
  readonly configDir: string;
  /** `$XDG_CACHE_HOME/clusterctl-ts`: the repository cache. */
  readonly cacheDir: string;
  /** The overrides layer: `overridesFolder`/OVERRIDESFOLDER, else `<configDir>/overrides`. */
  readonly overridesFolder: string;
  /** The environment the config was built from (adapters read GOPROXY and friends from it). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `github-token` / GITHUB_TOKEN; undefined when unset or empty. */
  readonly githubToken: string | undefined;
  /** `gitlab-access-token` / GITLAB_ACCESS_TOKEN; undefined when unset or empty. */
  readonly gitlabToken: string | undefined;

  /** Built-in providers merged with the config file's, sorted by type order then name. */
  providers(): ProviderConfig[];
  /** One provider's configuration; NOT_FOUND naming the name and type otherwise. */
  getProvider(name: string, type: ProviderType): ProviderConfig;
  /** A variable: CLI override > env (KEY upper-cased, '-' -> '_') > config file (case-insensitive). */
  variable(name: string): string | undefined;
  certManager(): CertManagerConfig;
  /** The `images:` rules. */
  imageOverrides(): ImageOverrides;
  /** Applies the image override rules to one image of a component (manifest label or `cert-manager`). */
  imageOverride(component: string, image: string): string;
  /** CLUSTERCTL_LOG_LEVEL from env or config; undefined when unset; INVALID_CONFIG if not an integer. */
  logLevel(): number | undefined;
  /** A copy with more CLI overrides (e.g. NAMESPACE, CLUSTER_NAME set by generate). */
  withOverrides(values: Readonly<Record<string, string>>): ClusterctlConfig;
}

export interface ConfigInput {
  /** The config file text; undefined when there is no config file. */
  text?: string | undefined;
  /** The path or URL of the config file, for messages. */
  file?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** CLI overrides (highest precedence). */
  overrides?: Readonly<Record<string, string>> | undefined;
  builtInProviders: readonly ProviderConfig[];
  configDir: string;
  cacheDir: string;
  /** The overrides folder used when neither `overridesFolder` nor OVERRIDESFOLDER is set. */
  defaultOverridesFolder: string;
}

/**
 * Refuses a mapping that defines a key twice, as go-yaml does ("mapping key ... already defined").
 * One Set per mapping keeps it linear: the yaml library's own `uniqueKeys` check compares every key
 * with every earlier one (a 10 MB file took 36 s).
 */
function checkDuplicateKeys(root: YamlNode | null, source: string, lineOf: (offset: number) => number): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    } else if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          const name = String(key.value);
          if (name !== '<<' && seen.has(name)) {
            throw new ClusterctlError(
              'INVALID_CONFIG',
              `failed to parse the clusterctl config file ${source} (line ${lineOf(key.range?.[0] ?? 0)}): mapping key ${JSON.stringify(name)} already defined`,
              { hint: `remove one of the two ${JSON.stringify(name)} entries from ${source}` },
            );
          }
          seen.add(name);
        }
        stack.push(pair.value);
      }
    }
  }
}

function lineFinder(text: string): (offset: number) => number {
  return (offset) => {
    let line = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    return line;
  };
}

/** Parses config file text into top-level values keyed by lower-cased key. */
export function parseConfigText(text: string, source: string): Map<string, unknown> {
  let doc: unknown;
  const parseError = (message: string, cause?: unknown, line?: number): ClusterctlError =>
    new ClusterctlError(
      'INVALID_CONFIG',
      `failed to parse the clusterctl config file ${source}${line ? ` (line ${line})` : ''}: ${message}`,
      { hint: `fix the YAML syntax of ${source}`, cause },
    );
  try {
    const parsed = parseDocument(text, { merge: true, uniqueKeys: false });
    const [first] = parsed.errors;
    if (first) throw first;
    checkDuplicateKeys(parsed.contents, source, lineFinder(text));
    doc = parsed.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof ClusterctlError) throw error;
    if (isStackOverflow(error)) throw parseError(nestingLimitMessage, error);
    const line = error instanceof YAMLError ? error.linePos?.[0]?.line : undefined;
    const head = (error as Error).message.split('\n')[0] ?? '';
    throw parseError(/call stack/i.test(head) ? nestingLimitMessage : head, error, line);
  }
  const values = new Map<string, unknown>();
  if (doc === null || doc === undefined) return values;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ClusterctlError(
      'INVALID_CONFIG',
      `the clusterctl config file ${source} must be a YAML mapping of keys to values`,
      { hint: `see https://cluster-api.sigs.k8s.io/clusterctl/configuration for the format of ${source}` },
    );
  }
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) values.set(key.toLowerCase(), value);
  return values;
}

/** The environment variable clusterctl reads for a key: upper case, '-' replaced by '_'. */
export function envNameFor(key: string): string {
  return key.toUpperCase().replaceAll('-', '_');
}

function scalarToString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // clusterctl turns lists and mappings into an empty string
  return '';
}

const durationUnitsMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Parses a Go duration (`10m`, `1h30m`, `90s`, `1.5h`, `0`) into milliseconds; undefined if invalid. */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0' || s === '+0' || s === '-0') return 0;
  const match = /^([+-]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (!match) return undefined;
  const [, sign = '', body = ''] = match;
  let total = 0;
  for (const part of body.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (durationUnitsMs[part[2] ?? ''] ?? 0);
  }
  return sign === '-' ? -total : total;
}

/** Go's strconv.ParseBool. */
function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** Builds the typed configuration. Throws INVALID_CONFIG only for a malformed file. */
export function parseConfig(input: ConfigInput): ClusterctlConfig {
  const source = input.file ?? 'the clusterctl config file';
  const fileValues = input.text === undefined ? new Map<string, unknown>() : parseConfigText(input.text, source);
  return buildConfig(input, fileValues, source, lowerKeys(input.overrides ?? {}));
}

function lowerKeys(values: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(values)) out.set(key.toLowerCase(), value);
  return out;
}

// long-function: closure factory: the config object's methods share the memoised providers, images and cert-manager sections.
function buildConfig(
  input: ConfigInput,
  fileValues: ReadonlyMap<string, unknown>,
  source: string,
  overrides: ReadonlyMap<string, string>,
): ClusterctlConfig {
  const env = input.env;
  const expandFromEnv = (text: string) => expandEnv(text, env);

  const variable = (name: string): string | undefined => {
    const lower = name.toLowerCase();
    const override = overrides.get(lower);
    if (override !== undefined) return override;
    const fromEnv = env[envNameFor(name)];
    if (fromEnv !== undefined) return fromEnv;
    return scalarToString(fileValues.get(lower));
  };

  const nonEmpty = (value: string | undefined) => (value !== undefined && value !== '' ? value : undefined);

  let overridesFolder = input.defaultOverridesFolder;
  const configuredFolder = variable(ConfigKeys.overridesFolder);
  if (configuredFolder !== undefined && configuredFolder.trim() !== '') {
    overridesFolder = failingAs(
      'INVALID_CONFIG',
      `unable to evaluate overridesFolder ${JSON.stringify(configuredFolder)}`,
      () => expandFromEnv(configuredFolder),
    );
  }

  let providersMemo: ProviderConfig[] | undefined;
  let imagesMemo: ImageOverrides | undefined;
  let certManagerMemo: CertManagerConfig | undefined;

  const config: ClusterctlConfig = {
    file: input.file,
    configDir: input.configDir,
    cacheDir: input.cacheDir,
    overridesFolder,
    env,
    githubToken: nonEmpty(variable(ConfigKeys.githubToken)),
    gitlabToken: nonEmpty(variable(ConfigKeys.gitlabToken)),

    providers() {
      providersMemo ??= mergeProviders(
        input.builtInProviders,
        parseUserProviders(fileValues.get('providers'), source, expandFromEnv),
      );
      return providersMemo.map((p) => ({ ...p }));
    },

    getProvider(name, type) {
      const found = config.providers().find((p) => p.name === name && p.type === type);
      if (!found) {
        throw new ClusterctlError('NOT_FOUND', `failed to get configuration for the ${type} with name ${name}`, {
          hint: `check the provider name (clusterctl config repositories lists the known ones) or add it to the providers list in ${input.file ?? `${input.configDir}/clusterctl.yaml`}`,
        });
      }
      return found;
    },

    variable,

    certManager() {
      certManagerMemo ??= readCertManager(fileValues.get('cert-manager'), source, expandFromEnv);
      return { ...certManagerMemo };
    },

    imageOverrides() {
      imagesMemo ??= parseImageOverrides(fileValues.get('images'), source);
      return imagesMemo;
    },

    imageOverride(component, image) {
      return applyImageOverride(config.imageOverrides(), component, image);
    },

    logLevel() {
      const raw = variable(ConfigKeys.logLevel);
      if (raw === undefined || raw === '') return undefined;
      if (!/^[+-]?\d+$/.test(raw.trim())) {
        throw new ClusterctlError(
          'INVALID_CONFIG',
          `failed to convert CLUSTERCTL_LOG_LEVEL ${JSON.stringify(raw)} to an integer`,
          { hint: 'set CLUSTERCTL_LOG_LEVEL (environment or clusterctl.yaml) to a whole number such as 5, or pass -v' },
        );
      }
      return Number.parseInt(raw.trim(), 10);
    },

    withOverrides(values) {
      const merged = new Map(overrides);
      for (const [key, value] of lowerKeys(values)) merged.set(key, value);
      return buildConfig(input, fileValues, source, merged);
    },
  };
  return config;
}

function readCertManager(raw: unknown, source: string, expand: (text: string) => string): CertManagerConfig {
  const hint = `fix the "cert-manager" key in ${source}; it takes url, version, timeout and externallyProvisioned`;
  let fields: Record<string, unknown> = {};
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ClusterctlError(
        'INVALID_CONFIG',
        `failed to read the "cert-manager" key of ${source}: expected a mapping`,
        {
          hint,
        },
      );
    }
    fields = raw as Record<string, unknown>;
  }
  const text = (key: string): string => {
    const value = Object.entries(fields).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    if (value === undefined || value === null) return '';
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new ClusterctlError('INVALID_CONFIG', `failed to read cert-manager.${key} in ${source}: expected a string`, {
      hint,
    });
  };

  const rawUrl = text('url') || certManagerDefaultUrl;
  const url = failingAs(
    'INVALID_CONFIG',
    `unable to evaluate cert-manager.url ${JSON.stringify(rawUrl)} in ${source}`,
    () => expand(rawUrl),
    hint,
  );
  const version = text('version') || certManagerDefaultVersion;
  const timeout = text('timeout') || certManagerDefaultTimeout;
  const parsedTimeout = parseGoDuration(timeout);
  const timeoutValid = parsedTimeout !== undefined;

  let externallyProvisioned = false;
  const rawExternal = text('externallyProvisioned');
  if (rawExternal !== '') {
    const parsed = parseGoBool(rawExternal);
    if (parsed === undefined) {
      throw new ClusterctlError(
        'INVALID_CONFIG',
        `invalid cert-manager.externallyProvisioned ${JSON.stringify(rawExternal)} in ${source}: expected true or false`,
        { hint },
      );
    }
    externallyProvisioned = parsed;
  }
  return {
    url,
    version,
    timeout,
    timeoutMs: parsedTimeout ?? certManagerDefaultTimeoutMs,
    timeoutValid,
    externallyProvisioned,
  };
}
