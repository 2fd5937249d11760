/**
 * The on-disk repository cache (the Go tool has none), so a second run needs no network:
 *
 *   <cacheDir>/repositories/<key>/versions.json                 version list, fresh for 1 hour
 *   <cacheDir>/repositories/<key>/releases/<version>/<file>     release files, kept forever
 *   <cacheDir>/repositories/<key>/missing/<version>/<file>.json "no such file" answers, fresh for 1 hour
 *
 * When the repository cannot be reached (or rate-limits) and an expired version list exists, the
 * expired list is used with a warning. Cache writes are best-effort: a failure is logged and ignored.
 */
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ClusterctlError, isClusterctlError, type ErrorCode } from '../../errors.js';
import { silentReporter, type Reporter } from '../../core/ports.js';
import type { RepositorySource } from './repository.js';
import { writePrivateFile } from '../state/private-file.js';

export const defaultVersionsTtlMs = 60 * 60 * 1000;

export interface RepositoryCacheOptions {
  /** The cache root (ClusterctlConfig.cacheDir). */
  dir: string;
  /** How long a version list (and a "not found" answer) is trusted; default 1 hour. */
  ttlMs?: number | undefined;
  now?: (() => number) | undefined;
  reporter?: Reporter | undefined;
}

interface VersionsEntry {
  fetchedAt: number;
  versions: string[];
}

interface MissingEntry {
  fetchedAt: number;
  message: string;
  hint?: string | undefined;
}

/** Codes after which an expired version list is better than nothing. */
const offlineCodes = new Set<ErrorCode>(['UNREACHABLE', 'RATE_LIMITED', 'TIMEOUT']);

/** One path segment that cannot escape its folder. */
function safeSegment(value: string): string {
  const encoded = encodeURIComponent(value);
  return encoded === '.' || encoded === '..' || encoded === '' ? `%${encoded || 'empty'}` : encoded;
}

function cacheKeyPath(key: string): string[] {
  return key.split('/').map(safeSegment);
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function readBytes(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    return undefined;
  }
}

/**
 * Writes atomically (an exclusively created temp file renamed into place) so a concurrent run never
 * reads half a file; files 0600 in 0700 folders, since private repositories' files are cached too.
 */
async function writeAtomic(cacheDir: string, path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // A cache folder made by an older version may be 0755: closing the top closes everything below.
  await chmod(cacheDir, 0o700);
  await writePrivateFile(path, content);
}

/** Wraps a remote repository with the disk cache; repositories without a cacheKey pass through. */
export function withDiskCache(repository: RepositorySource, options: RepositoryCacheOptions): RepositorySource {
  if (repository.cacheKey === undefined) return repository;
  const root = join(options.dir, 'repositories', ...cacheKeyPath(repository.cacheKey));
  const ttlMs = options.ttlMs ?? defaultVersionsTtlMs;
  const now = options.now ?? Date.now;
  const reporter = options.reporter ?? silentReporter;
  const versionsPath = join(root, 'versions.json');
  const filePath = (version: string, file: string) => join(root, 'releases', safeSegment(version), safeSegment(file));
  const missingPath = (version: string, file: string) =>
    join(root, 'missing', safeSegment(version), `${safeSegment(file)}.json`);

  const store = async (path: string, content: string | Uint8Array) => {
    try {
      await writeAtomic(options.dir, path, content);
    } catch (error) {
      reporter.debug(5, 'Could not write the repository cache', { path, error: (error as Error).message });
    }
  };

  return {
    ...repository,

    async getVersions(signal) {
      const cached = await readJson<VersionsEntry>(versionsPath);
      const valid = cached && Array.isArray(cached.versions) && typeof cached.fetchedAt === 'number';
      if (valid && now() - cached.fetchedAt < ttlMs) {
        reporter.debug(5, 'Using cached versions', { repository: repository.cacheKey, file: versionsPath });
        return [...cached.versions];
      }
      try {
        const versions = await repository.getVersions(signal);
        await store(versionsPath, JSON.stringify({ fetchedAt: now(), versions } satisfies VersionsEntry));
        return versions;
      } catch (error) {
        if (valid && isClusterctlError(error) && offlineCodes.has(error.code)) {
          reporter.warn(
            `Using the version list of ${repository.cacheKey} cached at ${new Date(cached.fetchedAt).toISOString()}: ${error.message}`,
          );
          return [...cached.versions];
        }
        throw error;
      }
    },

    async getFile(version, file, signal) {
      const path = filePath(version, file);
      const hit = await readBytes(path);
      if (hit) {
        reporter.debug(5, 'Using cached file', { file, version, path });
        return hit;
      }
      const missing = await readJson<MissingEntry>(missingPath(version, file));
      if (missing && typeof missing.fetchedAt === 'number' && now() - missing.fetchedAt < ttlMs) {
        throw new ClusterctlError('NOT_FOUND', missing.message, { hint: missing.hint });
      }
      try {
        const content = await repository.getFile(version, file, signal);
        await store(path, content);
        return content;
      } catch (error) {
        if (isClusterctlError(error) && error.code === 'NOT_FOUND') {
          await store(
            missingPath(version, file),
            JSON.stringify({ fetchedAt: now(), message: error.message, hint: error.hint } satisfies MissingEntry),
          );
        }
        throw error;
      }
    },
  };
}
