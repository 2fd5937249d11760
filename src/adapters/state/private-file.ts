/** Files only their owner may read (state, journals, kubeconfigs), written atomically. */
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `text` to `path` with mode 0600 (its folder 0700 when created) through a temporary file
 * renamed over the old one, so a kill never leaves half a file and an older, looser mode is not kept.
 */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
