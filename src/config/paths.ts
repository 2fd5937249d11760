/**
 * Where clusterctl-ts keeps its files: the config folder (`$XDG_CONFIG_HOME/cluster-api`, as
 * clusterctl), the legacy `~/.cluster-api`, and the cache (`$XDG_CACHE_HOME/clusterctl-ts`).
 */
import { join } from 'node:path';

const configFolderName = 'cluster-api';
const legacyConfigFolderName = '.cluster-api';
const cacheFolderName = 'clusterctl-ts';
export const overridesFolderName = 'overrides';

export interface PathOptions {
  env: Record<string, string | undefined>;
  homeDir: string;
  platform?: NodeJS.Platform | undefined;
}

export interface ConfigPaths {
  /** `$XDG_CONFIG_HOME/cluster-api` (Linux default `~/.config/cluster-api`). */
  configDir: string;
  /** `~/.cluster-api`, searched after configDir. */
  legacyDir: string;
  /** `$CLUSTERCTL_TS_CACHE_DIR`, else `$XDG_CACHE_HOME/clusterctl-ts` (Linux default `~/.cache/clusterctl-ts`). */
  cacheDir: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/** The XDG config home the way clusterctl's xdg library computes it for each OS. */
function xdgConfigHome(options: PathOptions): string {
  const { env, homeDir } = options;
  const fromEnv = nonEmpty(env.XDG_CONFIG_HOME);
  if (fromEnv) return fromEnv;
  switch (options.platform ?? process.platform) {
    case 'darwin':
      return join(homeDir, 'Library', 'Application Support');
    case 'win32':
      return nonEmpty(env.LOCALAPPDATA) ?? join(homeDir, 'AppData', 'Local');
    default:
      return join(homeDir, '.config');
  }
}

function xdgCacheHome(options: PathOptions): string {
  const { env, homeDir } = options;
  const fromEnv = nonEmpty(env.XDG_CACHE_HOME);
  if (fromEnv) return fromEnv;
  switch (options.platform ?? process.platform) {
    case 'darwin':
      return join(homeDir, 'Library', 'Caches');
    case 'win32':
      return join(nonEmpty(env.LOCALAPPDATA) ?? join(homeDir, 'AppData', 'Local'), 'cache');
    default:
      return join(homeDir, '.cache');
  }
}

export function resolveConfigPaths(options: PathOptions): ConfigPaths {
  return {
    configDir: join(xdgConfigHome(options), configFolderName),
    legacyDir: join(options.homeDir, legacyConfigFolderName),
    cacheDir: nonEmpty(options.env.CLUSTERCTL_TS_CACHE_DIR) ?? join(xdgCacheHome(options), cacheFolderName),
  };
}
