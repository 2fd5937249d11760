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

/** Per-OS folders of one XDG kind when its variable is unset: macOS, then Windows (under %LOCALAPPDATA%). */
interface XdgDefaults {
  variable: 'XDG_CONFIG_HOME' | 'XDG_CACHE_HOME';
  darwin: string[];
  /** Below %LOCALAPPDATA% (itself `~/AppData/Local` when unset). */
  windows: string[];
  other: string[];
}

const xdgConfig: XdgDefaults = {
  variable: 'XDG_CONFIG_HOME',
  darwin: ['Library', 'Application Support'],
  windows: [],
  other: ['.config'],
};
const xdgCache: XdgDefaults = {
  variable: 'XDG_CACHE_HOME',
  darwin: ['Library', 'Caches'],
  windows: ['cache'],
  other: ['.cache'],
};

/** An XDG home the way clusterctl's xdg library computes it for each OS. */
function xdgHome(options: PathOptions, defaults: XdgDefaults): string {
  const { env, homeDir } = options;
  const fromEnv = nonEmpty(env[defaults.variable]);
  if (fromEnv) return fromEnv;
  switch (options.platform ?? process.platform) {
    case 'darwin':
      return join(homeDir, ...defaults.darwin);
    case 'win32':
      return join(nonEmpty(env.LOCALAPPDATA) ?? join(homeDir, 'AppData', 'Local'), ...defaults.windows);
    default:
      return join(homeDir, ...defaults.other);
  }
}

export function resolveConfigPaths(options: PathOptions): ConfigPaths {
  return {
    configDir: join(xdgHome(options, xdgConfig), configFolderName),
    legacyDir: join(options.homeDir, legacyConfigFolderName),
    cacheDir: nonEmpty(options.env.CLUSTERCTL_TS_CACHE_DIR) ?? join(xdgHome(options, xdgCache), cacheFolderName),
  };
}
