import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConfig, maxConfigFileBytes } from './load.js';
import { failure } from '../../test/harness/errors.js';
import { startLocalHttpServer, type LocalHttpServer } from '../../test/harness/local-http.js';

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'clusterctl-ts-config-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function write(path: string, text: string): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

describe('createConfig: file discovery', () => {
  it('works without any config file', async () => {
    const c = await createConfig({ env: {}, homeDir: home, platform: 'linux' });
    expect(c.file).toBeUndefined();
    expect(c.configDir).toBe(join(home, '.config', 'cluster-api'));
    expect(c.cacheDir).toBe(join(home, '.cache', 'clusterctl-ts'));
    expect(c.overridesFolder).toBe(join(home, '.config', 'cluster-api', 'overrides'));
    // Go clusterctl v1.13.5 ships 63 built-in providers.
    expect(c.providers().length).toBe(63);
  });

  it('reads $XDG_CONFIG_HOME/cluster-api/clusterctl.yaml before ~/.cluster-api', async () => {
    const xdg = join(home, 'xdg');
    const file = await write(join(xdg, 'cluster-api', 'clusterctl.yaml'), 'WHERE: xdg');
    await write(join(home, '.cluster-api', 'clusterctl.yaml'), 'WHERE: legacy');
    const c = await createConfig({ env: { XDG_CONFIG_HOME: xdg }, homeDir: home, platform: 'linux' });
    expect(c.file).toBe(file);
    expect(c.variable('WHERE')).toBe('xdg');
  });

  it('accepts clusterctl.yml and falls back to ~/.cluster-api', async () => {
    const file = await write(join(home, '.cluster-api', 'clusterctl.yml'), 'WHERE: legacy');
    const c = await createConfig({ env: {}, homeDir: home, platform: 'linux' });
    expect(c.file).toBe(file);
    expect(c.variable('WHERE')).toBe('legacy');
  });

  it('uses the legacy overrides folder when only that exists', async () => {
    await mkdir(join(home, '.cluster-api', 'overrides'), { recursive: true });
    const c = await createConfig({ env: {}, homeDir: home, platform: 'linux' });
    expect(c.overridesFolder).toBe(join(home, '.cluster-api', 'overrides'));
    await mkdir(join(home, '.config', 'cluster-api', 'overrides'), { recursive: true });
    const d = await createConfig({ env: {}, homeDir: home, platform: 'linux' });
    expect(d.overridesFolder).toBe(join(home, '.config', 'cluster-api', 'overrides'));
  });

  it('follows XDG_CACHE_HOME, CLUSTERCTL_TS_CACHE_DIR and the macOS folders', async () => {
    expect((await createConfig({ env: { XDG_CACHE_HOME: '/c' }, homeDir: home, platform: 'linux' })).cacheDir).toBe(
      join('/c', 'clusterctl-ts'),
    );
    expect((await createConfig({ env: { CLUSTERCTL_TS_CACHE_DIR: '/x' }, homeDir: home })).cacheDir).toBe('/x');
    const mac = await createConfig({ env: {}, homeDir: home, platform: 'darwin' });
    expect(mac.configDir).toBe(join(home, 'Library', 'Application Support', 'cluster-api'));
  });

  it('passes CLI overrides through', async () => {
    const c = await createConfig({ env: { FOO: 'env' }, homeDir: home, overrides: { FOO: 'flag' } });
    expect(c.variable('FOO')).toBe('flag');
  });
});

describe('createConfig: --config', () => {
  it('reads an explicit path, relative to cwd, or a file:// URL', async () => {
    const file = await write(join(home, 'conf', 'my.yaml'), 'WHERE: explicit');
    await write(join(home, '.cluster-api', 'clusterctl.yaml'), 'WHERE: legacy');
    const c = await createConfig({ configPath: 'conf/my.yaml', cwd: home, env: {}, homeDir: home });
    expect(c.file).toBe(file);
    expect(c.variable('WHERE')).toBe('explicit');
    const u = await createConfig({ configPath: `file://${file}`, env: {}, homeDir: home });
    expect(u.variable('WHERE')).toBe('explicit');
  });

  it('fails when an explicit path does not exist or is a folder', async () => {
    const missing = join(home, 'nope.yaml');
    const error = await failure(createConfig({ configPath: missing, env: {}, homeDir: home }));
    // README exit-code table: a file that is not there is "not found" (6)
    expect(error.code).toBe('NOT_FOUND');
    expect(error.exitCode).toBe(6);
    expect(error.message).toContain(missing);
    expect(error.hint).toContain('--config');
    expect((await failure(createConfig({ configPath: home, env: {}, homeDir: home }))).message).toContain(
      'is a directory',
    );
  });

  it('refuses a file above the size limit before reading it, naming the limit', async () => {
    const file = join(home, 'huge.yaml');
    await writeFile(file, '');
    await truncate(file, maxConfigFileBytes + 1);
    const started = Date.now();
    const error = await failure(createConfig({ configPath: file, env: {}, homeDir: home }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(file);
    expect(error.message).toContain('16 MiB limit');
  });

  it('reports a broken file with its path', async () => {
    const file = await write(join(home, 'bad.yaml'), 'a: [');
    const error = await failure(createConfig({ configPath: file, env: {}, homeDir: home }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(file);
  });

  describe('from a URL', () => {
    let server: LocalHttpServer;
    let base: string;
    beforeAll(async () => {
      server = await startLocalHttpServer((req, res) => {
        if (req.url === '/clusterctl.yaml') {
          res.writeHead(200);
          res.end('WHERE: remote\n');
        } else if (req.url === '/endless.yaml') {
          // No Content-Length: the size is known only by reading, which must stop at the cap.
          res.writeHead(200, { 'Content-Type': 'text/yaml' });
          const chunk = Buffer.alloc(1024 * 1024, '#');
          const pump = () => {
            while (!res.destroyed && res.write(chunk));
            if (!res.destroyed) res.once('drain', pump);
          };
          pump();
        } else if (req.url === '/silent.yaml') {
          // Accepts the request and never answers.
        } else {
          res.writeHead(404);
          res.end();
        }
      });
      base = server.origin;
    });
    afterAll(() => server.stop());

    it('stops reading a download at the 16 MiB limit, naming the URL and the limit', async () => {
      const started = Date.now();
      const error = await failure(createConfig({ configPath: `${base}/endless.yaml`, env: {}, homeDir: home }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toBe(`the clusterctl config file ${base}/endless.yaml is more than the 16 MiB limit`);
      expect(Date.now() - started).toBeLessThan(20_000);
    });

    it('gives up on a server that never answers within 10 s, naming the URL', async () => {
      const started = Date.now();
      const error = await failure(createConfig({ configPath: `${base}/silent.yaml`, env: {}, homeDir: home }));
      expect(error.code).toBe('UNREACHABLE');
      expect(error.message).toContain(`${base}/silent.yaml`);
      expect(error.message).toMatch(/no answer within 10s/);
      expect(error.hint).toMatch(/proxy settings/);
      expect(Date.now() - started).toBeLessThan(20_000);
    }, 40_000);

    it('downloads it', async () => {
      const c = await createConfig({ configPath: `${base}/clusterctl.yaml`, env: {}, homeDir: home });
      expect(c.file).toBe(`${base}/clusterctl.yaml`);
      expect(c.variable('WHERE')).toBe('remote');
    });

    it('names the URL when it is missing or unreachable', async () => {
      const missing = await failure(createConfig({ configPath: `${base}/nope.yaml`, env: {}, homeDir: home }));
      expect(missing.code).toBe('NOT_FOUND');
      expect(missing.message).toContain(`${base}/nope.yaml`);
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as AddressInfo).port;
      await new Promise((resolve) => probe.close(resolve));
      const started = Date.now();
      const closed = await failure(
        createConfig({ configPath: `http://127.0.0.1:${port}/c.yaml`, env: {}, homeDir: home }),
      );
      expect(closed.code).toBe('UNREACHABLE');
      expect(closed.message).toContain(`http://127.0.0.1:${port}/c.yaml`);
      expect(closed.message).toContain('ECONNREFUSED');
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });
});
