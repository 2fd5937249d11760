import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileWriteError, writePrivateFile } from './private-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clusterctl-ts-private-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writePrivateFile', () => {
  it('writes 0600 in a new 0700 folder and leaves no temp file', async () => {
    const file = join(dir, 'new', 'config');
    await writePrivateFile(file, 'a: 1\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'new'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, 'new'))).toEqual(['config']);
  });

  it('follows a symbolic link: the target is written and the link stays (rename replaced the link)', async () => {
    await mkdir(join(dir, 'real'));
    const real = join(dir, 'real', 'config');
    await writeFile(real, 'old\n');
    const link = join(dir, 'config');
    await symlink(join('real', 'config'), link);
    await writePrivateFile(link, 'new\n');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(join('real', 'config'));
    expect(await readFile(real, 'utf8')).toBe('new\n');
  });

  it('holds <file>.lock while writing and waits for another writer, then names the lock', async () => {
    const file = join(dir, 'config');
    await writeFile(`${file}.lock`, '');
    await expect(writePrivateFile(file, 'x', { lock: true, lockWaitMs: 300 })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `${file} is locked by another writer (${file}.lock exists)`,
      hint: expect.stringContaining(`remove ${file}.lock`) as unknown,
    });
    await rm(`${file}.lock`);
    await writePrivateFile(file, 'y', { lock: true });
    expect(await readFile(file, 'utf8')).toBe('y');
    expect(await readdir(dir)).toEqual(['config']);
  });

  it('serialises concurrent locked writers: every write lands whole', async () => {
    const file = join(dir, 'config');
    const texts = Array.from({ length: 8 }, (_, i) => `${String(i).repeat(10_000)}\n`);
    await Promise.all(texts.map((t) => writePrivateFile(file, t, { lock: true })));
    expect(texts).toContain(await readFile(file, 'utf8'));
    expect(await readdir(dir)).toEqual(['config']);
  });

  it('names a directory instead of failing with a raw EISDIR', async () => {
    await expect(writePrivateFile(dir, 'x')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: `${dir} is a directory`,
    });
  });

  it('names the file and the fix for a full disk or a read-only folder', () => {
    const fault = (code: string) => Object.assign(new Error(`${code}: raw`), { code });
    expect(fileWriteError('/k/config', fault('ENOSPC'))?.message).toBe(
      '/k/config cannot be written: no space left on the device',
    );
    expect(fileWriteError('/k/config', fault('EROFS'))?.hint).toContain('writable file system');
    expect(fileWriteError('/k/config', fault('EACCES'))?.exitCode).toBe(1);
    expect(fileWriteError('/k/config', fault('EBADF'))).toBeUndefined();
  });
});
