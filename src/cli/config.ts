/** Builds the clusterctl configuration from --config, the environment and the home folder. */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createConfig, type ClusterctlConfig } from '../config/index.js';
import type { ProviderConfig } from '../types.js';
import type { CliContext } from './context.js';
import { packageRoot } from './package-info.js';

export async function loadConfig(ctx: CliContext): Promise<ClusterctlConfig> {
  return createConfig({
    configPath: ctx.global.config,
    env: ctx.env,
    homeDir: ctx.io.homeDir,
    cwd: ctx.io.cwd,
    builtInProvidersPath: join(packageRoot, 'providers.yaml'),
    builtInProviders: prebuiltProviders(),
    reporter: ctx.reporter,
    // Ctrl-C stops a --config download at once (reading ctx.signal starts listening: URLs only).
    ...(/^https?:\/\//i.test(ctx.global.config ?? '') ? { signal: ctx.signal } : {}),
  });
}

/**
 * The built-in provider list as the build wrote it (dist/providers.json, checked and converted from
 * providers.yaml by scripts/bundle.mjs): parsing the YAML costs ~30 ms of every command that reads
 * the configuration. Undefined when absent or older than providers.yaml (then the YAML is read).
 */
function prebuiltProviders(): ProviderConfig[] | undefined {
  const json = join(packageRoot, 'dist', 'providers.json');
  try {
    if (statSync(json).mtimeMs < statSync(join(packageRoot, 'providers.yaml')).mtimeMs) return undefined;
    return JSON.parse(readFileSync(json, 'utf8')) as ProviderConfig[];
  } catch {
    return undefined;
  }
}

/**
 * clusterctl-ts extension: a provider URL given as a relative path (`./repo/...`) is resolved
 * against the folder of the clusterctl.yaml that declares it. The Go tool accepts absolute paths only.
 */
export function resolveProviderUrl(provider: ProviderConfig, config: ClusterctlConfig): ProviderConfig {
  const url = provider.url;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || isAbsolute(url)) return provider;
  const file = config.file;
  if (!file || /^https?:\/\//i.test(file)) return provider;
  return { ...provider, url: resolve(dirname(file.replace(/^file:\/\//, '')), url) };
}
