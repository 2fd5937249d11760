/**
 * The overrides layer: `<overridesFolder>/<provider-label>/<version>/<file>` is read before the
 * repository for every file (components, metadata.yaml, cluster templates, ClusterClasses). Versions
 * still come from the repository itself.
 */
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { ClusterctlError } from '../../errors.js';
import { silentReporter, type Reporter } from '../../core/ports.js';
import type { ProviderRepository } from '../../core/ports.js';

export interface OverridesOptions {
  folder: string;
  /** The provider's manifest label (or `cert-manager`). */
  label: string;
  reporter?: Reporter | undefined;
}

/** The override path of one file of one version. */
export function overridePath(folder: string, label: string, version: string, file: string): string {
  return join(folder, label, version, ...file.split(posix.sep));
}

/** Reads an override file; undefined when there is none. */
export async function readOverride(
  options: OverridesOptions,
  version: string,
  file: string,
): Promise<Uint8Array | undefined> {
  const { reporter = silentReporter, folder, label } = options;
  const path = overridePath(folder, label, version, file);
  reporter.debug(5, 'Potential override file', { searchFile: path, provider: label, version });
  try {
    const content = new Uint8Array(await readFile(path));
    reporter.debug(1, 'Using', { override: file, provider: label, version });
    return content;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ClusterctlError('INTERNAL', `failed to read local override ${path}: ${(error as Error).message}`, {
      hint: 'fix the permissions of the overrides folder, or remove the file',
      cause: error,
    });
  }
}

export function withOverrides<R extends ProviderRepository>(repository: R, options: OverridesOptions): R {
  return {
    ...repository,
    async getFile(version, file, signal) {
      const override = await readOverride(options, version, file);
      return override ?? repository.getFile(version, file, signal);
    },
  };
}
