/** Facts about the installed package (version, bundled files), read relative to this module. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (holds package.json, providers.yaml, templates/). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let cachedVersion: string | undefined;
export function packageVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
  return cachedVersion;
}
