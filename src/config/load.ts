/**
 * Finds and reads clusterctl.yaml, then builds the typed config (config.ts).
 *
 * `--config` takes a path (which must exist), a `file://` URL, or an http(s) URL that is downloaded
 * like repository files (proxy variables, timeouts, size cap; kept in memory, never written to disk). Without it, the first
 * `clusterctl.{json,yaml,yml}` in `$XDG_CONFIG_HOME/cluster-api`, then in `~/.cluster-api`, is used;
 * having none is fine.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpResponse } from '../adapters/repository/http.js';
import { ClusterctlError, failingAs, httpStatusErrorCode } from '../errors.js';
import { silentReporter, type Reporter } from '../core/ports.js';
import type { ProviderConfig } from '../types.js';
import { parseConfig, type ClusterctlConfig } from './config.js';
import { overridesFolderName, resolveConfigPaths } from './paths.js';
import { readBuiltInProviders } from './providers.js';

const configFileBaseName = 'clusterctl';
/** Extensions searched in each folder, in clusterctl's order (among the formats we read). */
export const configFileExtensions = ['json', 'yaml', 'yml'] as const;
export const configDownloadTimeoutMs = 30_000;
/**
 * The largest clusterctl.yaml read (16 MiB). Real files are a few kilobytes; the cap makes a wrong
 * file (a disk image, a log) fail at once, naming the limit, instead of parsing for minutes.
 */
export const maxConfigFileBytes = 16 * 1024 * 1024;

function configTooLarge(source: string, size?: number): ClusterctlError {
  const what = size === undefined ? 'is' : `is ${(size / 1024 / 1024).toFixed(1)} MiB,`;
  return new ClusterctlError(
    'INVALID_CONFIG',
    `the clusterctl config file ${source} ${what} more than the ${maxConfigFileBytes / 1024 / 1024} MiB limit`,
    { hint: 'check that --config names a clusterctl.yaml; it holds providers, images and variables, never megabytes' },
  );
}

/** Reads a local config file, refusing one larger than maxConfigFileBytes before reading it. */
async function readConfigFile(path: string): Promise<string> {
  const info = await stat(path);
  if (info.isDirectory()) {
    throw new ClusterctlError('INVALID_ARGUMENT', `the clusterctl config file ${path} is a directory`, {
      hint: 'pass the path of a clusterctl.yaml file to --config',
    });
  }
  if (info.size > maxConfigFileBytes) throw configTooLarge(path, info.size);
  return readFile(path, 'utf8');
}

export interface CreateConfigOptions {
  /** `--config`: a path, `file://` URL or http(s) URL. */
  configPath?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  /** For a relative `--config` path; default the process working directory. */
  cwd?: string | undefined;
  /** CLI overrides of variables (highest precedence). */
  overrides?: Readonly<Record<string, string>> | undefined;
  platform?: NodeJS.Platform | undefined;
  /** Where providers.yaml is; default the package root. */
  builtInProvidersPath?: string | undefined;
  /** Already-loaded built-in providers (skips reading providers.yaml). */
  builtInProviders?: readonly ProviderConfig[] | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  downloadTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  reporter?: Reporter | undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The first clusterctl.{json,yaml,yml} in the folders, in order. */
export async function findDefaultConfigFile(folders: readonly string[]): Promise<string | undefined> {
  for (const folder of folders) {
    for (const ext of configFileExtensions) {
      const candidate = join(folder, `${configFileBaseName}.${ext}`);
      if (await isFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * Downloads a remote config file through the repositories' HTTP client: HTTPS_PROXY / HTTP_PROXY /
 * NO_PROXY from `env`, a 10 s limit for the answer to start and `timeoutMs` for the whole download,
 * bounded retries, and the 16 MiB cap enforced while reading. Errors name the URL.
 */
export async function downloadConfigFile(
  url: string,
  options: {
    fetch?: typeof globalThis.fetch | undefined;
    timeoutMs?: number | undefined;
    signal?: AbortSignal | undefined;
    env?: Readonly<Record<string, string | undefined>> | undefined;
  },
): Promise<string> {
  const hint = 'check the URL, your network and proxy settings, or download the file and pass its path to --config';
  // Loaded here: most commands never download their config, and start-up is most of their time.
  const [{ createHttpClient, displayUrl }, { TransportError }] = await Promise.all([
    import('../adapters/repository/http.js'),
    import('../adapters/net/transport.js'),
  ]);
  const http = createHttpClient({
    fetch: options.fetch,
    totalTimeoutMs: options.timeoutMs ?? configDownloadTimeoutMs,
    maxBodyBytes: maxConfigFileBytes,
    proxyEnv: options.env,
    unreachableHint: hint,
  });
  let response: HttpResponse;
  try {
    response = await http.get(url, { signal: options.signal });
  } catch (error) {
    if (error instanceof ClusterctlError && error.cause instanceof TransportError && error.cause.kind === 'TOO_LARGE')
      throw configTooLarge(displayUrl(url));
    if (error instanceof ClusterctlError && error.code !== 'INTERRUPTED')
      throw error.withContext('failed to download the clusterctl config file');
    throw error;
  }
  if (response.status !== 200) {
    throw new ClusterctlError(
      httpStatusErrorCode(response.status),
      `failed to download the clusterctl config file from ${displayUrl(url)}: got HTTP ${response.status}`,
      { hint },
    );
  }
  if (response.body.byteLength > maxConfigFileBytes) throw configTooLarge(displayUrl(url), response.body.byteLength);
  return new TextDecoder().decode(response.body);
}

/** Reads the explicit `--config` value: text and the name used in messages. */
async function readExplicitConfig(options: CreateConfigOptions): Promise<{ text: string; file: string }> {
  const value = options.configPath ?? '';
  if (/^https?:\/\//i.test(value)) {
    return {
      text: await downloadConfigFile(value, {
        fetch: options.fetch,
        timeoutMs: options.downloadTimeoutMs,
        signal: options.signal,
        env: options.env,
      }),
      file: value,
    };
  }
  let path = value;
  if (/^file:\/\//i.test(value)) {
    path = failingAs('INVALID_ARGUMENT', `invalid --config URL ${JSON.stringify(value)}`, () => fileURLToPath(value));
  } else if (/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(value)) {
    throw new ClusterctlError('INVALID_ARGUMENT', `unsupported --config URL ${JSON.stringify(value)}`, {
      hint: 'pass a file path, a file:// URL or an https:// URL',
    });
  }
  if (!isAbsolute(path)) path = resolve(options.cwd ?? process.cwd(), path);
  let text: string;
  try {
    text = await readConfigFile(path);
  } catch (error) {
    if (error instanceof ClusterctlError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ClusterctlError(
      code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_CONFIG',
      code === 'ENOENT'
        ? `the clusterctl config file ${path} does not exist`
        : `failed to read the clusterctl config file ${path}: ${(error as Error).message}`,
      {
        hint: 'check the --config path, or leave --config out to use $XDG_CONFIG_HOME/cluster-api/clusterctl.yaml',
        cause: error,
      },
    );
  }
  return { text, file: path };
}

/**
 * Loads the configuration: built-in providers, the config file (explicit or discovered), the
 * environment and CLI overrides.
 */
export async function createConfig(options: CreateConfigOptions): Promise<ClusterctlConfig> {
  const reporter = options.reporter ?? silentReporter;
  const paths = resolveConfigPaths({ env: options.env, homeDir: options.homeDir, platform: options.platform });

  let text: string | undefined;
  let file: string | undefined;
  if (options.configPath !== undefined && options.configPath !== '') {
    ({ text, file } = await readExplicitConfig(options));
  } else {
    file = await findDefaultConfigFile([paths.configDir, paths.legacyDir]);
    if (file) {
      try {
        text = await readConfigFile(file);
      } catch (error) {
        if (error instanceof ClusterctlError) throw error;
        throw new ClusterctlError(
          'INVALID_CONFIG',
          `failed to read the clusterctl config file ${file}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    } else {
      reporter.debug(5, 'No default config file available');
    }
  }
  if (file) reporter.debug(5, 'Using configuration', { file });

  // Overrides default: <configDir>/overrides, else ~/.cluster-api/overrides when only that exists.
  let defaultOverridesFolder = join(paths.configDir, overridesFolderName);
  if (!(await isDirectory(defaultOverridesFolder))) {
    const legacy = join(paths.legacyDir, overridesFolderName);
    if (await isDirectory(legacy)) defaultOverridesFolder = legacy;
  }

  const builtInProviders = options.builtInProviders ?? (await readBuiltInProviders(options.builtInProvidersPath));

  return parseConfig({
    text,
    file,
    env: options.env,
    overrides: options.overrides,
    builtInProviders,
    configDir: paths.configDir,
    cacheDir: paths.cacheDir,
    defaultOverridesFolder,
  });
}
