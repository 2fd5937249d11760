/**
 * Registry settings from clusterctl.yaml and the environment (a variable `registry-ca-file` is also
 * read as REGISTRY_CA_FILE, as every clusterctl variable is):
 *
 *   registry-ca-file    a PEM file of certificate authorities to trust for every registry
 *   registry-insecure   `true` for plain HTTP to every registry, or a comma/space separated list of
 *                       `host[:port]` reached over plain HTTP (never the default)
 *
 * Logins come from the docker/podman config files (oci-auth.ts).
 */
import { readFileSync } from 'node:fs';
import { ClusterctlError } from '../../errors.js';
import type { Reporter } from '../../core/ports.js';
import { lookupRegistryCredential } from './oci-auth.js';
import type { OciAccess } from './oci.js';

export const registryCaFileKey = 'registry-ca-file';
export const registryInsecureKey = 'registry-insecure';

export interface RegistrySettingsSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cacheDir: string;
  /** ClusterctlConfig.variable; when absent only the environment is read. */
  variable?: ((name: string) => string | undefined) | undefined;
}

function setting(config: RegistrySettingsSource, key: string): string | undefined {
  const value = config.variable ? config.variable(key) : config.env[key.toUpperCase().replace(/-/g, '_')];
  return value?.trim() ? value.trim() : undefined;
}

/** True when `host` is to be reached over plain HTTP according to registry-insecure. */
export function isInsecureRegistry(config: RegistrySettingsSource, host: string): boolean {
  const value = setting(config, registryInsecureKey);
  if (!value) return false;
  if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
  return value
    .split(/[\s,]+/)
    .map((h) => h.trim().toLowerCase())
    .includes(host.toLowerCase());
}

/** Reads a CA bundle file; INVALID_CONFIG naming it when unreadable or not PEM. */
export function readCaFile(path: string, source: string): { pem: string; source: string } {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ClusterctlError('INVALID_CONFIG', `cannot read the registry CA file ${path} (${source})`, {
      hint: `point ${source} at a readable PEM file of certificate authorities`,
      cause: error,
    });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ClusterctlError('INVALID_CONFIG', `the registry CA file ${path} (${source}) holds no PEM certificate`, {
      hint: `point ${source} at a PEM file of certificate authorities`,
    });
  }
  return { pem, source: `${path} from ${source}` };
}

export interface RegistryAccessOverrides {
  caFile?: string | undefined;
  insecure?: boolean | undefined;
  reporter?: Reporter | undefined;
}

/** Everything a registry client for `host` needs, from the config and explicit overrides (flags). */
export function registryAccess(
  config: RegistrySettingsSource,
  host: string,
  repository: string,
  overrides: RegistryAccessOverrides = {},
): OciAccess {
  const caFile = overrides.caFile ?? setting(config, registryCaFileKey);
  const caSource = overrides.caFile ? '--registry-ca-file' : `${registryCaFileKey} / REGISTRY_CA_FILE`;
  return {
    cacheDir: config.cacheDir,
    ca: caFile ? readCaFile(caFile, caSource) : undefined,
    insecure: overrides.insecure || isInsecureRegistry(config, host),
    credential: () => lookupRegistryCredential(host, repository, { env: config.env }),
    reporter: overrides.reporter,
  };
}
