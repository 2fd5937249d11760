/**
 * oci:// repositories and `clusterctl publish` against a real registry (CNCF distribution, TLS from
 * a test CA, bearer-token auth) and the real oras CLI, with the real Cluster API v1.13.5 releases of
 * ../shared/fixtures/capi-repo. Every other repository is unreachable in these runs.
 */
import { readFileSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClusterctl } from '../harness/cli.js';
import { blobDataPath, registryBinaries, sha256, startHangingServer, startRegistry } from '../harness/registry.js';
import type { TestRegistry } from '../harness/registry.js';
import {
  capiRepo,
  createTestHome,
  writeLocalConfig,
  writeRegistryConfig,
  type TestHome,
} from '../harness/registry-fixture.js';

const dockerRelease = join(capiRepo, 'infrastructure-docker', 'v1.13.5');

interface Published {
  name: string;
  type: string;
  version: string;
  digest: string;
  url: string;
}

describe('oci:// repositories and clusterctl publish (token auth, TLS)', () => {
  let registry: TestRegistry;
  let home: TestHome;
  let localConfig: string;
  let published: Published[];
  const orasIn = (cwd: string | undefined, ...args: string[]) =>
    execa(registryBinaries().oras, [...args, '--ca-file', registry.caFile, '--registry-config', home.dockerConfig], {
      cwd,
      reject: false,
    });
  const oras = (...args: string[]) => orasIn(undefined, ...args);

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'token' });
    home = createTestHome({ host: registry.host, user: registry.user, password: registry.password });
    localConfig = writeLocalConfig(home, `registry-ca-file: ${registry.caFile}\n`);
    const result = await runClusterctl(
      ['publish', '-i', 'docker', '--to', `oci://${registry.host}/capi`, '-o', 'json', '--config', localConfig],
      { env: home.env },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    published = JSON.parse(result.stdout) as Published[];
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('publishes each release as one artifact per provider and prints what to put in clusterctl.yaml', async () => {
    expect(published.map((p) => [p.name, p.type, p.version, p.url])).toEqual([
      ['cluster-api', 'CoreProvider', 'v1.13.5', `oci://${registry.host}/capi/cluster-api`],
      ['kubeadm', 'BootstrapProvider', 'v1.13.5', `oci://${registry.host}/capi/bootstrap-kubeadm`],
      ['kubeadm', 'ControlPlaneProvider', 'v1.13.5', `oci://${registry.host}/capi/control-plane-kubeadm`],
      ['docker', 'InfrastructureProvider', 'v1.13.5', `oci://${registry.host}/capi/infrastructure-docker`],
      ['cert-manager', 'CertManager', 'v1.21.1', `oci://${registry.host}/capi/cert-manager`],
    ]);
    // The digest printed is the one the registry serves for the tag (oras asks the registry itself).
    for (const p of published) {
      const manifest = await oras('manifest', 'fetch', `${p.url.replace('oci://', '')}:${p.version}`);
      expect(manifest.exitCode, manifest.stderr).toBe(0);
      expect(sha256(manifest.stdout)).toBe(p.digest);
      const parsed = JSON.parse(manifest.stdout) as { artifactType: string; layers: { mediaType: string }[] };
      expect(parsed.artifactType).toBe('application/vnd.acme.config');
      expect(new Set(parsed.layers.map((l) => l.mediaType))).toEqual(new Set(['application/vnd.test.file']));
    }
  });

  it('writes artifacts that oras pull reads back byte for byte, under the names the operator looks for', async () => {
    const out = mkdtempSync(join(tmpdir(), 'oras-pull-'));
    const pulled = await oras('pull', '-o', out, `${registry.host}/capi/infrastructure-docker:v1.13.5`);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toContain('metadata.yaml');
    expect(files).toContain('infrastructure-components.yaml');
    expect(files).toContain('cluster-template-development.yaml');
    expect(readFileSync(join(out, 'infrastructure-components.yaml'))).toEqual(
      readFileSync(join(dockerRelease, 'infrastructure-components-development.yaml')),
    );
    expect(readFileSync(join(out, 'metadata.yaml'))).toEqual(readFileSync(join(dockerRelease, 'metadata.yaml')));
    expect(files.length).toBe(readdirSync(dockerRelease).length);
  });

  it('publishing the same releases again gives the same digests (no timestamps)', async () => {
    const again = await runClusterctl(
      ['publish', '-i', 'docker', '--to', `oci://${registry.host}/capi`, '-o', 'json', '--config', localConfig],
      { env: home.env },
    );
    expect(again.exitCode, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as Published[]).map((p) => p.digest)).toEqual(published.map((p) => p.digest));
  });

  it('generate provider and generate cluster from the registry equal those from the local folder', async () => {
    const fromRegistry = writeRegistryConfig(
      home,
      `oci://${registry.host}/capi`,
      `registry-ca-file: ${registry.caFile}\n`,
    );
    for (const args of [
      ['generate', 'provider', '-i', 'docker'],
      ['generate', 'provider', '--core', 'cluster-api'],
      [
        'generate',
        'cluster',
        'c1',
        '-i',
        'docker',
        '--flavor',
        'development',
        '--kubernetes-version',
        'v1.35.0',
        '-n',
        'ns1',
      ],
    ]) {
      const local = await runClusterctl([...args, '--config', localConfig], { env: home.env });
      const oci = await runClusterctl([...args, '--config', fromRegistry], { env: home.env });
      expect(local.exitCode, local.stderr).toBe(0);
      expect(oci.exitCode, oci.stderr).toBe(0);
      expect(oci.stdout).toBe(local.stdout);
    }
    // Files are cached by digest, private to the user.
    const blobs = join(home.env.XDG_CACHE_HOME ?? '', 'clusterctl-ts', 'oci', 'blobs', 'sha256');
    expect(statSync(blobs).mode & 0o777).toBe(0o700);
    const cached = readdirSync(blobs);
    expect(cached.length).toBeGreaterThan(0);
    for (const file of cached) {
      expect(statSync(join(blobs, file)).mode & 0o777).toBe(0o600);
      expect(sha256(readFileSync(join(blobs, file)))).toBe(`sha256:${file}`);
    }
    const repos = await runClusterctl(['config', 'repositories', '-o', 'json', '--config', fromRegistry], {
      env: home.env,
    });
    const docker = (
      JSON.parse(repos.stdout) as { Name: string; ProviderType: string; URL: string; File: string }[]
    ).find((r) => r.Name === 'docker');
    expect(docker).toEqual({
      Name: 'docker',
      ProviderType: 'InfrastructureProvider',
      URL: `oci://${registry.host}/capi/infrastructure-docker`,
      File: 'infrastructure-components.yaml',
    });
  }, 180_000);

  it('reads what oras pushes, in both of the operator layouts (plain and fully named files)', async () => {
    // The plain form, as `oras push REF metadata.yaml infrastructure-components.yaml` writes it (oras's
    // default layer media type, not the plugin's).
    const release = mkdtempSync(join(tmpdir(), 'oras-plain-'));
    for (const [to, from] of [
      ['metadata.yaml', 'metadata.yaml'],
      ['infrastructure-components.yaml', 'infrastructure-components-development.yaml'],
      ['cluster-template.yaml', 'cluster-template.yaml'],
    ] as const) {
      writeFileSync(join(release, to), readFileSync(join(dockerRelease, from)));
    }
    const plain = await orasIn(
      release,
      'push',
      `${registry.host}/oras/infrastructure-docker:v1.13.5`,
      'metadata.yaml',
      'infrastructure-components.yaml',
      'cluster-template.yaml',
    );
    expect(plain.exitCode, plain.stderr).toBe(0);
    // The multi-provider form: <type>-<name>-<version>-{metadata,components}.yaml.
    const staged = mkdtempSync(join(tmpdir(), 'oras-push-'));
    writeFileSync(
      join(staged, 'infrastructure-docker-v1.13.5-metadata.yaml'),
      readFileSync(join(dockerRelease, 'metadata.yaml')),
    );
    writeFileSync(
      join(staged, 'infrastructure-docker-v1.13.5-components.yaml'),
      readFileSync(join(dockerRelease, 'infrastructure-components-development.yaml')),
    );
    const full = await orasIn(
      staged,
      'push',
      `${registry.host}/multi/providers:v1.13.5`,
      'infrastructure-docker-v1.13.5-metadata.yaml',
      'infrastructure-docker-v1.13.5-components.yaml',
    );
    expect(full.exitCode, full.stderr).toBe(0);

    const expected = await runClusterctl(['generate', 'provider', '-i', 'docker', '--config', localConfig], {
      env: home.env,
    });
    for (const url of [`oci://${registry.host}/oras/infrastructure-docker`, `oci://${registry.host}/multi/providers`]) {
      const config = join(home.dir, 'oras.yaml');
      writeFileSync(
        config,
        `providers:\n  - name: docker\n    type: InfrastructureProvider\n    url: ${url}\nregistry-ca-file: ${registry.caFile}\n`,
      );
      const result = await runClusterctl(['generate', 'provider', '-i', 'docker', '--config', config], {
        env: home.env,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toBe(expected.stdout);
    }
  });

  it('names the version and lists the tags when a version is not in the registry', async () => {
    const config = writeRegistryConfig(home, `oci://${registry.host}/capi`, `registry-ca-file: ${registry.caFile}\n`);
    const result = await runClusterctl(['generate', 'provider', '-i', 'docker:v1.99.0', '--config', config], {
      env: home.env,
    });
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toContain('v1.99.0');
    expect(result.stderr).toContain('v1.13.5');
  });

  it('names the artifact, the missing file and what it holds when a file is missing', async () => {
    const pushed = await orasIn(
      dockerRelease,
      'push',
      `${registry.host}/partial/infrastructure-docker:v1.13.5`,
      'metadata.yaml',
    );
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    const config = join(home.dir, 'partial.yaml');
    writeFileSync(
      config,
      `providers:\n  - name: docker\n    type: InfrastructureProvider\n    url: oci://${registry.host}/partial/infrastructure-docker\nregistry-ca-file: ${registry.caFile}\n`,
    );
    const result = await runClusterctl(['generate', 'provider', '-i', 'docker', '--config', config], {
      env: home.env,
    });
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toContain(`oci://${registry.host}/partial/infrastructure-docker:v1.13.5`);
    expect(result.stderr).toContain('infrastructure-components.yaml');
    expect(result.stderr).toContain('it holds metadata.yaml');
  });

  it('refuses wrong credentials with 401, naming the registry and how to log in', async () => {
    const wrong = createTestHome({ host: registry.host, user: registry.user, password: 'wrong-password' });
    const config = writeRegistryConfig(wrong, `oci://${registry.host}/capi`, `registry-ca-file: ${registry.caFile}\n`);
    const result = await runClusterctl(['generate', 'provider', '-i', 'docker', '--config', config], {
      env: wrong.env,
    });
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain(registry.host);
    expect(result.stderr).toContain('HTTP 401');
    expect(result.stderr).toContain(`docker login ${registry.host}`);
    expect(result.stderr).not.toContain('wrong-password');
    const anonymous = createTestHome();
    const push = await runClusterctl(
      ['publish', '-i', 'docker', '--to', `oci://${registry.host}/capi`, '--config', writeLocalConfig(anonymous)],
      { env: { ...anonymous.env, REGISTRY_CA_FILE: registry.caFile } },
    );
    expect(push.exitCode).toBe(5);
    expect(push.stderr).toContain('without a login');
  });

  it('refuses an untrusted certificate and names the CA setting', async () => {
    const config = writeRegistryConfig(home, `oci://${registry.host}/capi`, '', 'no-ca.yaml');
    const result = await runClusterctl(['generate', 'provider', '-i', 'docker', '--config', config], {
      env: home.env,
    });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain('registry-ca-file');
  });
});

describe('oci:// repositories against a registry that misbehaves', () => {
  it('refuses a blob whose content does not match its digest, and uses nothing', async () => {
    const registry = await startRegistry({ auth: 'none' });
    try {
      const home = createTestHome();
      const local = writeLocalConfig(home, `registry-ca-file: ${registry.caFile}\n`);
      const pushed = await runClusterctl(
        ['publish', '-i', 'docker', '--to', `oci://${registry.host}/capi`, '--no-cert-manager', '--config', local],
        { env: home.env },
      );
      expect(pushed.exitCode, pushed.stderr).toBe(0);
      // Alter the stored metadata.yaml behind the registry's back: it still serves it under the old digest.
      const digest = sha256(readFileSync(join(dockerRelease, 'metadata.yaml')));
      writeFileSync(blobDataPath(registry, digest), 'releaseSeries: []\n# tampered\n');
      const config = writeRegistryConfig(home, `oci://${registry.host}/capi`, `registry-ca-file: ${registry.caFile}\n`);
      const result = await runClusterctl(['generate', 'provider', '-i', 'docker', '--config', config], {
        env: { ...home.env, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'oci-cache-')) },
      });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('does not match its digest');
      expect(result.stderr).toContain(digest);
      expect(result.stdout).toBe('');
    } finally {
      await registry.stop();
    }
  });

  it('uses plain HTTP only when asked: publish --insecure, registry-insecure for reads', async () => {
    const registry = await startRegistry({ auth: 'none', plainHttp: true });
    try {
      const home = createTestHome();
      const local = writeLocalConfig(home);
      const to = ['--to', `oci://${registry.host}/plain`, '--no-cert-manager', '--config', local];
      const refused = await runClusterctl(['publish', '-i', 'docker', ...to], { env: home.env });
      expect(refused.exitCode).toBe(4);
      expect(refused.stderr).toContain('--insecure');
      const pushed = await runClusterctl(['publish', '-i', 'docker', '--insecure', ...to], { env: home.env });
      expect(pushed.exitCode, pushed.stderr).toBe(0);
      const expected = await runClusterctl(['generate', 'provider', '-i', 'docker', '--config', local], {
        env: home.env,
      });
      const secure = writeRegistryConfig(home, `oci://${registry.host}/plain`);
      const read = ['generate', 'provider', '-i', 'docker'];
      const notAsked = await runClusterctl([...read, '--config', secure], { env: home.env });
      expect(notAsked.exitCode).toBe(4);
      expect(notAsked.stderr).toContain('registry-insecure');
      const insecure = writeRegistryConfig(
        home,
        `oci://${registry.host}/plain`,
        `registry-insecure: ${registry.host}\n`,
        'insecure.yaml',
      );
      const result = await runClusterctl([...read, '--config', insecure], { env: home.env });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toBe(expected.stdout);
    } finally {
      await registry.stop();
    }
  }, 120_000);

  it('gives up on a registry that never answers within the time limit, naming it', async () => {
    const hanging = await startHangingServer();
    try {
      const home = createTestHome();
      const config = writeRegistryConfig(home, `oci://${hanging.host}/capi`);
      const started = Date.now();
      const result = await runClusterctl(['generate', 'provider', '-i', 'docker', '--config', config], {
        env: home.env,
      });
      const elapsed = Date.now() - started;
      expect(result.exitCode).toBe(4);
      expect(result.stderr).toContain(`the registry ${hanging.host} did not answer within 10s`);
      expect(elapsed).toBeLessThan(30_000);
    } finally {
      await hanging.stop();
    }
  });
});
