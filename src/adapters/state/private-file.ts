/**
 * Files only their owner may read (state, journals, kubeconfigs, the repository cache), written
 * atomically, and read back when present.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, readlink, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { sleep } from '../../core/sleep.js';
import { ClusterctlError } from '../../errors.js';

/** Turns a failed write of `path` into a clear error naming the file and the fix. */
export function fileWriteError(path: string, error: unknown): ClusterctlError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason: Record<string, [string, string]> = {
    EISDIR: ['is a directory', 'name a file, not a folder'],
    ENOTDIR: ['is below something that is not a directory', 'check each part of the path'],
    EACCES: [
      'cannot be written: permission denied',
      'choose a file in a folder you may write to, or fix its permissions',
    ],
    EPERM: [
      'cannot be written: operation not permitted',
      'choose a file in a folder you may write to, or fix its permissions',
    ],
    EROFS: ['cannot be written: the file system is read-only', 'choose a file on a writable file system'],
    ENOSPC: ['cannot be written: no space left on the device', 'free some disk space and run the command again'],
    EDQUOT: ['cannot be written: disk quota exceeded', 'free some disk space and run the command again'],
    ELOOP: ['cannot be written: too many levels of symbolic links', 'fix the symbolic link'],
  };
  const found = code === undefined ? undefined : reason[code];
  if (found === undefined) return undefined;
  return new ClusterctlError(
    code === 'EISDIR' || code === 'ENOTDIR' ? 'INVALID_ARGUMENT' : 'REJECTED',
    `${path} ${found[0]}`,
    {
      hint: `${found[1][0]?.toUpperCase()}${found[1].slice(1)}; nothing was changed.`,
      cause: error,
    },
  );
}

/** The file a path names once its symbolic links are followed (the path itself when it is none). */
async function followLinks(path: string): Promise<string> {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    let target: string;
    try {
      target = await readlink(current);
    } catch {
      return current; // not a link (or absent): write here
    }
    current = isAbsolute(target) ? target : resolve(dirname(current), target);
  }
  throw Object.assign(new Error(`too many symbolic links at ${path}`), { code: 'ELOOP' });
}

/**
 * Creates `<file>.lock` exclusively, as client-go does before it writes a kubeconfig, so two
 * writers never interleave. Waits up to `waitMs` for another writer to finish.
 */
async function lockFile(file: string, waitMs: number): Promise<() => Promise<void>> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      await handle.close();
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() >= deadline) {
        throw new ClusterctlError('CONFLICT', `${file} is locked by another writer (${lock} exists)`, {
          hint: `Wait for the other command to finish; if none is running, remove ${lock}.`,
        });
      }
      await sleep(100);
    }
  }
}

export interface WritePrivateFileOptions {
  /** Hold `<file>.lock` while writing (kubeconfigs, which kubectl and client-go also lock). */
  lock?: boolean | undefined;
  /** How long to wait for another writer's lock (default 5 s). */
  lockWaitMs?: number | undefined;
}

/**
 * Writes `text` to `path` with mode 0600 (its folder 0700 when created) through a temporary file
 * created exclusively and renamed over the old one, so a kill never leaves half a file and an
 * older, looser mode is not kept. A symbolic link is followed: its target is written, the link
 * stays. Failures the user can fix (a folder, no space, read-only, no permission) are
 * ClusterctlErrors naming the file.
 */
export async function writePrivateFile(
  path: string,
  text: string | Uint8Array,
  options: WritePrivateFileOptions = {},
): Promise<void> {
  let target = path;
  let unlock: (() => Promise<void>) | undefined;
  let tmp: string | undefined;
  try {
    target = await followLinks(path);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    if ((await stat(target).catch(() => undefined))?.isDirectory()) {
      throw Object.assign(new Error(`${target} is a directory`), { code: 'EISDIR' });
    }
    if (options.lock) unlock = await lockFile(target, options.lockWaitMs ?? 5_000);
    tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(tmp, 0o600);
    await rename(tmp, target);
    tmp = undefined;
  } catch (error) {
    if (error instanceof ClusterctlError) throw error;
    throw fileWriteError(target, error) ?? error;
  } finally {
    if (tmp !== undefined) await rm(tmp, { force: true });
    await unlock?.();
  }
}

/** The text of a state file; undefined when it does not exist (yet). */
export async function readFileIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
