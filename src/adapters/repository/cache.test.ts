import { chmod, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RepositorySource } from './repository.js';
import { withDiskCache } from './cache.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clusterctl-ts-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const source: RepositorySource = {
  kind: 'github',
  url: 'https://github.com/acme/private/releases/latest/infrastructure-components.yaml',
  cacheKey: 'github.com/acme/private',
  defaultVersion: () => 'v1.0.0',
  rootPath: () => 'https://github.com/acme/private/releases',
  componentsPath: () => 'infrastructure-components.yaml',
  getVersions: () => Promise.resolve(['v1.0.0']),
  getFile: () => Promise.resolve(new TextEncoder().encode('kind: Secret\n')),
};

async function modes(root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const entry of await readdir(root, { recursive: true })) {
    out.set(entry, (await stat(join(root, entry))).mode & 0o777);
  }
  return out;
}

describe('the repository cache on disk', () => {
  it('writes files 0600 in 0700 folders, even under a cache folder an older version made 0755', async () => {
    const cacheDir = join(dir, 'clusterctl-ts');
    await mkdir(cacheDir, { mode: 0o755 });
    await chmod(cacheDir, 0o755);
    const cached = withDiskCache(source, { dir: cacheDir });
    await cached.getVersions();
    await cached.getFile('v1.0.0', 'infrastructure-components.yaml');
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
    const found = await modes(cacheDir);
    const files = [...found].filter(([p]) => p.endsWith('.json') || p.endsWith('.yaml'));
    expect(files.map(([p]) => p).sort()).toEqual([
      join('repositories', 'github.com', 'acme', 'private', 'releases', 'v1.0.0', 'infrastructure-components.yaml'),
      join('repositories', 'github.com', 'acme', 'private', 'versions.json'),
    ]);
    for (const [path, mode] of found)
      expect([path, mode]).toEqual([path, files.some(([p]) => p === path) ? 0o600 : 0o700]);
  });
});
