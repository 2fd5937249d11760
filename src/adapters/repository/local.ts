/**
 * Providers on the local filesystem: `[file://]{basepath}/{provider-label}/{version|latest}/{file}`.
 * The path must be absolute, the label must be the provider's manifest label (e.g.
 * `infrastructure-docker`), and the version folders must be semantic versions; the folder listing
 * gives the versions.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseSemver } from 'semver';
import { ClusterctlError, failingAs } from '../../errors.js';
import { latestVersionTag, type RepositorySource } from './repository.js';

export interface LocalUrlParts {
  /** The absolute path of the components file. */
  path: string;
  basePath: string;
  label: string;
  /** `latest` or a semantic version. */
  version: string;
  componentsPath: string;
}

const layoutHint =
  'a local provider URL has the form [file://]{basepath}/{provider-label}/{version|latest}/{components file}';

function isSemverFolder(name: string): boolean {
  return /^v?\d/.test(name) && parseSemver(name) !== null;
}

/** The filesystem path of a local provider URL (`file://` URL or plain path). */
function localPathOf(url: string): string {
  if (/^file:/i.test(url)) {
    return failingAs('INVALID_CONFIG', `invalid file URL ${JSON.stringify(url)}`, () => fileURLToPath(url), layoutHint);
  }
  return url;
}

/** Splits and checks a local provider URL against the expected manifest label. */
export function parseLocalUrl(url: string, expectedLabel: string): LocalUrlParts {
  const path = localPathOf(url);
  if (!isAbsolute(path)) {
    throw new ClusterctlError('INVALID_CONFIG', `invalid path: path ${JSON.stringify(url)} must be an absolute path`, {
      hint: `${layoutHint}; use an absolute path or \${HOME}/...`,
    });
  }
  const segments = path.split(sep === '\\' ? /[\\/]/ : '/');
  if (segments.length < 4) {
    throw new ClusterctlError('INVALID_CONFIG', `invalid path ${JSON.stringify(url)}: it has too few folders`, {
      hint: layoutHint,
    });
  }
  const componentsPath = segments[segments.length - 1] ?? '';
  const version = segments[segments.length - 2] ?? '';
  const label = segments[segments.length - 3] ?? '';
  if (version !== latestVersionTag && !isSemverFolder(version)) {
    throw new ClusterctlError(
      'INVALID_CONFIG',
      `invalid version ${JSON.stringify(version)} in ${JSON.stringify(url)}: the version folder must be a semantic version (e.g. v1.2.3) or latest`,
      { hint: layoutHint },
    );
  }
  if (label !== expectedLabel) {
    throw new ClusterctlError(
      'INVALID_CONFIG',
      `invalid path: path ${JSON.stringify(url)} must contain provider ${JSON.stringify(expectedLabel)} in the format {basepath}/{provider-label}/{version}/{components file}`,
      { hint: `rename the folder ${JSON.stringify(label)} to ${JSON.stringify(expectedLabel)}` },
    );
  }
  const basePath = segments.slice(0, -3).join(sep) || sep;
  return { path, basePath, label, version, componentsPath };
}

export interface LocalRepositoryOptions {
  /** The provider's manifest label (`cluster-api`, `infrastructure-docker`, ...). */
  label: string;
}

export function createLocalRepository(url: string, options: LocalRepositoryOptions): RepositorySource {
  const parts = parseLocalUrl(url, options.label);
  const releasesPath = join(parts.basePath, parts.label);
  return {
    kind: 'local',
    url,
    cacheKey: undefined,
    defaultVersion: () => parts.version,
    rootPath: () => releasesPath,
    componentsPath: () => parts.componentsPath,

    async getVersions() {
      let entries;
      try {
        entries = await readdir(releasesPath, { withFileTypes: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new ClusterctlError(
          code === 'ENOENT' ? 'NOT_FOUND' : 'INTERNAL',
          `failed to list release directories in ${releasesPath}: ${(error as Error).message}`,
          { hint: layoutHint, cause: error },
        );
      }
      return entries.filter((e) => e.isDirectory() && isSemverFolder(e.name)).map((e) => e.name);
    },

    async getFile(version, file) {
      const target = join(releasesPath, version, ...file.split(posix.sep));
      let info;
      try {
        info = await stat(target);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new ClusterctlError(
          code === 'ENOENT' || code === 'ENOTDIR' ? 'NOT_FOUND' : 'INTERNAL',
          `failed to read file ${JSON.stringify(target)} from local release ${version}${code === 'ENOENT' ? ': no such file' : `: ${(error as Error).message}`}`,
          { cause: error },
        );
      }
      if (info.isDirectory()) {
        throw new ClusterctlError(
          'INVALID_ARGUMENT',
          `invalid path: file ${JSON.stringify(file)} is actually a directory ${JSON.stringify(target)}`,
        );
      }
      return new Uint8Array(await readFile(target));
    },
  };
}
