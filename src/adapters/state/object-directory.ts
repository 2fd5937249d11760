/**
 * A backup folder for `move --to-directory` / `--from-directory` (files written 0600).
 *
 * Optional encryption with age (the `age-encryption` package, by the format's author: files open
 * with the standard `age`/`rage` CLIs and sops, X25519 recipients, audited noble/scure primitives,
 * no native code). Encrypted files are ASCII-armored and named `<file>.age`; reading decrypts them
 * transparently, so the move code never sees ciphertext. The package is loaded only when used.
 */
import { chmod, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClusterctlError } from '../../errors.js';
import type { ObjectDirectory } from '../../core/ports.js';

export interface DirectoryCrypto {
  /** age recipients (`age1...`) to encrypt every written file to. */
  recipients?: string[];
  /** age identities (`AGE-SECRET-KEY-1...`) to decrypt `.age` files. */
  identities?: string[];
}

const ageSuffix = '.age';

/**
 * `--encrypt-with` / `--decrypt-with`: an `age1...` recipient, or a file of recipients or
 * identities (one per line, `#` comments), as the age CLI reads them. An identity file also
 * encrypts (to its own recipient), so one key file serves both directions.
 */
export async function loadAgeKeys(value: string, flag: string): Promise<DirectoryCrypto> {
  const age = await import('age-encryption');
  if (value.startsWith('age1')) return { recipients: [value] };
  let text: string;
  try {
    text = await readFile(value, 'utf8');
  } catch {
    throw new ClusterctlError(
      'NOT_FOUND',
      `${flag} "${value}" is neither an age recipient (age1...) nor a readable key file`,
      {
        hint: 'Create a key with age-keygen -o key.txt (or pass a recipient age1...), then pass --encrypt-with key.txt.',
      },
    );
  }
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const identities = lines.filter((l) => l.startsWith('AGE-SECRET-KEY-'));
  const recipients = lines.filter((l) => l.startsWith('age1'));
  for (const id of identities) recipients.push(await age.identityToRecipient(id));
  if (recipients.length === 0) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `the key file ${value} given with ${flag} has no age recipient or identity`,
      {
        hint: 'It should hold AGE-SECRET-KEY-1... lines (age-keygen) or age1... recipients.',
      },
    );
  }
  return { recipients, identities };
}

// long-function: closure factory: read/write/remove share the folder, keys and index.
export async function openObjectDirectory(
  path: string,
  flag: '--to-directory' | '--from-directory',
  crypto: DirectoryCrypto = {},
): Promise<ObjectDirectory> {
  let isDir = false;
  let exists = false;
  try {
    isDir = (await stat(path)).isDirectory();
    exists = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (exists && !isDir) {
    throw new ClusterctlError('INVALID_ARGUMENT', `"${path}" given with ${flag} is a file, not a directory`, {
      hint:
        flag === '--to-directory'
          ? 'Give a folder for the backup files (mkdir -m 700 <dir>), not an existing file.'
          : 'Give the folder a previous move --to-directory wrote, not one of its files.',
    });
  }
  if (!isDir) {
    throw new ClusterctlError('NOT_FOUND', `the directory "${path}" given with ${flag} does not exist`, {
      hint:
        flag === '--to-directory'
          ? `Create it first (mkdir -m 700 ${path}).`
          : 'Give the folder a previous move --to-directory wrote.',
    });
  }
  const age = crypto.recipients?.length || crypto.identities?.length ? await import('age-encryption') : undefined;
  return {
    path,
    async list() {
      const entries = await readdir(path, { withFileTypes: true });
      return entries
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort();
    },
    async read(name) {
      const text = await readFile(join(path, name), 'utf8');
      if (!name.endsWith(ageSuffix)) return text;
      if (!age || !crypto.identities?.length) {
        throw new ClusterctlError('INVALID_ARGUMENT', `${join(path, name)} is encrypted with age`, {
          hint: 'Pass the key file it was encrypted to with --decrypt-with <key file>.',
        });
      }
      const decrypter = new age.Decrypter();
      for (const id of crypto.identities) decrypter.addIdentity(id);
      try {
        return await decrypter.decrypt(age.armor.decode(text), 'text');
      } catch (error) {
        // age says "no identity matched" only for a wrong key; every other failure (armor, header,
        // MAC, payload) means the file itself is damaged.
        if (error instanceof Error && /no identity matched/.test(error.message)) {
          throw new ClusterctlError(
            'UNAUTHORIZED',
            `${join(path, name)} cannot be decrypted with the key given with --decrypt-with`,
            {
              hint: 'Use the identity (AGE-SECRET-KEY-1...) whose recipient the backup was encrypted to.',
            },
          );
        }
        throw new ClusterctlError(
          'INVALID_ARGUMENT',
          `${join(path, name)} is corrupt: it is not a readable age file (${error instanceof Error ? error.message : String(error)})`,
          {
            hint: 'The file was changed or truncated after the backup was written; restore it from another copy of the backup. Nothing was restored.',
          },
        );
      }
    },
    async write(name, content) {
      let file = join(path, name);
      let data: string | Uint8Array = content;
      if (age && crypto.recipients?.length) {
        const encrypter = new age.Encrypter();
        for (const r of crypto.recipients) encrypter.addRecipient(r);
        data = age.armor.encode(await encrypter.encrypt(content));
        file += ageSuffix;
      }
      // Replace, so an existing file's looser mode is not kept.
      await rm(file, { force: true });
      await writeFile(file, data, { mode: 0o600 });
      await chmod(file, 0o600);
    },
  };
}
