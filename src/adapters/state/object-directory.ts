/** A backup folder for `move --to-directory` / `--from-directory` (files written 0600). */
import { chmod, readdir, readFile, stat, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ClusterctlError } from '../../errors.js';
import type { ObjectDirectory } from '../../core/ports.js';

export async function openObjectDirectory(
  path: string,
  flag: '--to-directory' | '--from-directory',
): Promise<ObjectDirectory> {
  let isDir = false;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!isDir) {
    throw new ClusterctlError('NOT_FOUND', `the directory "${path}" given with ${flag} does not exist`, {
      hint:
        flag === '--to-directory'
          ? `Create it first (mkdir -m 700 ${path}).`
          : 'Give the folder a previous move --to-directory wrote.',
    });
  }
  return {
    path,
    async list() {
      const entries = await readdir(path, { withFileTypes: true });
      return entries
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort();
    },
    read: (name) => readFile(join(path, name), 'utf8'),
    async write(name, content) {
      const file = join(path, name);
      // Replace, so an existing file's looser mode is not kept.
      await rm(file, { force: true });
      await writeFile(file, content, { mode: 0o600 });
      await chmod(file, 0o600);
    },
  };
}
