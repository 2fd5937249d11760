/** The OpenProviderRepository port of core/repository/template-source.ts, from the CLI's provider services. */
import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenedRepository } from '../../adapters/repository/index.js';
import type { OpenProviderRepository } from '../../core/ports.js';
import type { ProviderServices } from '../providers.js';

/** The files of one release of a local repository (for the "template not found" hint); undefined elsewhere. */
async function listReleaseFiles(repo: OpenedRepository, version: string): Promise<string[] | undefined> {
  if (repo.kind !== 'local') return undefined;
  try {
    const path = repo.url.startsWith('file://') ? fileURLToPath(repo.url) : repo.url;
    const base = dirname(dirname(path));
    return await readdir(`${base}/${version}`);
  } catch {
    // Only a hint: a folder that cannot be listed leaves it out.
    return undefined;
  }
}

export function templateRepositories(services: ProviderServices): OpenProviderRepository {
  return async (name, type) => {
    const repo = await services.openRepository(name, type);
    return {
      label: repo.label,
      url: repo.url,
      defaultVersion: () => repo.defaultVersion(),
      rootPath: () => repo.rootPath(),
      componentsPath: () => repo.componentsPath(),
      getVersions: (signal) => repo.getVersions(signal),
      getFile: (version, path, signal) => repo.getFile(version, path, signal),
      listReleaseFiles: (version) => listReleaseFiles(repo, version),
    };
  };
}
