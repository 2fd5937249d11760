import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lookupRegistryCredential } from './oci-auth.js';
import { parseChallenge } from './oci-client.js';
import { buildArtifactManifest, candidateTitles, parseOciUrl, sha256Digest } from './oci.js';
import { isInsecureRegistry } from './oci-config.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function home(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oci-auth-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

/** Writes an executable shell script, one command a line. */
function writeScript(path: string, lines: string[]): void {
  writeFileSync(path, ['#!/bin/sh', ...lines, ''].join('\n'));
  chmodSync(path, 0o755);
}

describe('oci:// URLs', () => {
  it('splits host, port, repository and tag', () => {
    expect(parseOciUrl('oci://Registry.example:5000/capi/infrastructure-docker')).toEqual({
      host: 'registry.example:5000',
      repository: 'capi/infrastructure-docker',
      tag: undefined,
    });
    expect(parseOciUrl('oci://r.example/a/b:v1.13.5')).toEqual({
      host: 'r.example',
      repository: 'a/b',
      tag: 'v1.13.5',
    });
  });

  it('refuses URLs without a repository or with an invalid path, naming the form', () => {
    expect(() => parseOciUrl('oci://r.example')).toThrow(/needs a registry host and a repository path/);
    expect(() => parseOciUrl('oci://r.example/Upper/Case')).toThrow(/not a valid repository path/);
    expect(() => parseOciUrl('oci://r.example/a:bad tag')).toThrow(/not a valid tag/);
  });
});

describe('the operator layout', () => {
  it('looks for components and metadata under the operator names first', () => {
    expect(
      candidateTitles(
        'infrastructure-components.yaml',
        'infrastructure-docker',
        'v1.0.0',
        'infrastructure-components.yaml',
      ),
    ).toEqual(['infrastructure-docker-v1.0.0-components.yaml', 'infrastructure-components.yaml', 'components.yaml']);
    expect(candidateTitles('metadata.yaml', 'cluster-api', 'v1.0.0', 'core-components.yaml')).toEqual([
      'core-cluster-api-v1.0.0-metadata.yaml',
      'metadata.yaml',
    ]);
    expect(candidateTitles('cluster-template.yaml', 'infrastructure-docker', 'v1', 'x')).toEqual([
      'cluster-template.yaml',
    ]);
  });

  it("writes the plugin's manifest: artifact type, empty config, titled layers", () => {
    const content = new TextEncoder().encode('a: 1\n');
    const { manifest } = buildArtifactManifest([{ name: 'metadata.yaml', content }]);
    expect(manifest.artifactType).toBe('application/vnd.acme.config');
    expect(manifest.config).toMatchObject({ mediaType: 'application/vnd.oci.empty.v1+json', size: 2 });
    expect(manifest.config.digest).toBe(sha256Digest(new TextEncoder().encode('{}')));
    expect(manifest.layers).toEqual([
      {
        mediaType: 'application/vnd.test.file',
        digest: sha256Digest(content),
        size: 5,
        annotations: { 'org.opencontainers.image.title': 'metadata.yaml' },
      },
    ]);
  });
});

describe('WWW-Authenticate challenges', () => {
  it('parses bearer realm, service and scope, quoted or not', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull' },
    });
    expect(parseChallenge('Basic realm=test')).toEqual({ scheme: 'basic', params: { realm: 'test' } });
    expect(parseChallenge(undefined)).toBeUndefined();
  });
});

describe('registry logins from docker and podman config files', () => {
  it('reads base64 auth from ~/.docker/config.json, matching URL-style keys', async () => {
    const dir = home({
      '.docker/config.json': { auths: { 'https://r.example:5000/v1/': { auth: b64('me:pw:with:colons') } } },
    });
    const found = await lookupRegistryCredential('r.example:5000', 'capi/x', { env: {}, homeDir: dir });
    expect(found).toMatchObject({ username: 'me', password: 'pw:with:colons' });
    expect(found?.source).toContain('config.json');
    expect(await lookupRegistryCredential('other.example', 'capi/x', { env: {}, homeDir: dir })).toBeUndefined();
  });

  it('prefers REGISTRY_AUTH_FILE, and the longest podman-style host/namespace key', async () => {
    const dir = home({
      'auth.json': { auths: { 'r.example': { auth: b64('host:1') }, 'r.example/capi': { auth: b64('ns:2') } } },
      'docker/config.json': { auths: { 'r.example': { auth: b64('docker:3') } } },
    });
    const env = { REGISTRY_AUTH_FILE: join(dir, 'auth.json'), DOCKER_CONFIG: join(dir, 'docker') };
    expect(await lookupRegistryCredential('r.example', 'capi/x', { env, homeDir: dir })).toMatchObject({
      username: 'ns',
    });
    expect(await lookupRegistryCredential('r.example', 'other/x', { env, homeDir: dir })).toMatchObject({
      username: 'host',
    });
    expect(
      await lookupRegistryCredential('r.example', 'other/x', {
        env: { DOCKER_CONFIG: env.DOCKER_CONFIG },
        homeDir: dir,
      }),
    ).toMatchObject({ username: 'docker' });
  });

  it('runs docker-credential-<helper> get from credHelpers and credsStore', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'oci-helper-'));
    const helper = join(bin, 'docker-credential-test');
    // A real helper program: reads the server on stdin, answers JSON, or "not found" with exit 1.
    writeScript(helper, [
      'read server',
      'if [ "$server" = "known.example" ]; then echo \'{"ServerURL":"known.example","Username":"<token>","Secret":"refresh-123"}\'; else echo "credentials not found in native keychain"; exit 1; fi',
    ]);
    const dir = home({ '.docker/config.json': { credHelpers: { 'known.example': 'test' }, credsStore: 'test' } });
    const path = `${bin}:${process.env.PATH ?? ''}`;
    const previous = process.env.PATH;
    process.env.PATH = path;
    try {
      expect(await lookupRegistryCredential('known.example', 'a', { env: {}, homeDir: dir })).toMatchObject({
        identityToken: 'refresh-123',
      });
      expect(await lookupRegistryCredential('unknown.example', 'a', { env: {}, homeDir: dir })).toBeUndefined();
      const missing = home({ '.docker/config.json': { credHelpers: { 'x.example': 'absent' } } });
      await expect(lookupRegistryCredential('x.example', 'a', { env: {}, homeDir: missing })).rejects.toThrow(
        /docker-credential-absent .* is not on PATH/,
      );
    } finally {
      process.env.PATH = previous;
    }
  });

  it('names the file when it is not JSON', async () => {
    const dir = home({ '.docker/config.json': '{not json' });
    await expect(lookupRegistryCredential('r.example', 'a', { env: {}, homeDir: dir })).rejects.toThrow(
      /config\.json is not valid JSON/,
    );
  });
});

describe('registry-insecure', () => {
  it('is off by default, and on for all registries or for the listed hosts', () => {
    const config = (value?: string) => ({ env: {}, cacheDir: '/c', variable: () => value });
    expect(isInsecureRegistry(config(), 'r:5000')).toBe(false);
    expect(isInsecureRegistry(config('true'), 'r:5000')).toBe(true);
    expect(isInsecureRegistry(config('a.example, r:5000'), 'r:5000')).toBe(true);
    expect(isInsecureRegistry(config('a.example'), 'r:5000')).toBe(false);
  });
});
