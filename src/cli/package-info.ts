/** Facts about the installed package (version, bundled files), read relative to this module. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root (holds package.json, providers.yaml, templates/): the nearest folder above this
 * module with clusterctl-ts's package.json (this module runs from dist/cli/ or from the dist/ bundle).
 */
export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'clusterctl-ts') return dir;
    } catch {
      // no package.json here
    }
    if (dirname(dir) === dir) return join(start, '..', '..');
  }
}

let cachedVersion: string | undefined;
export function packageVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
  return cachedVersion;
}
