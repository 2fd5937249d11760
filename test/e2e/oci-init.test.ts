/**
 * Air-gapped init and upgrade: the real Cluster API v1.12.11 and v1.13.5 releases are published to a
 * real registry (distribution, TLS, htpasswd basic auth), then `init` and `upgrade` run on real API
 * servers with the registry as the only reachable repository. What they install must equal what
 * `init` installs from the local release folders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClusterctl } from '../harness/cli.js';
import { clientFor } from '../harness/index.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import {
  createTestHome,
  initAndUpgrade,
  installed,
  serverPool,
  writeLocalConfig,
  writeRegistryConfig,
  type TestHome,
} from '../harness/registry-fixture.js';

/** The v1.12.11 release of the four providers, as init/publish flags. */
const oldReleases = [
  '--core',
  'cluster-api:v1.12.11',
  '-b',
  'kubeadm:v1.12.11',
  '-c',
  'kubeadm:v1.12.11',
  '-i',
  'docker:v1.12.11',
];

describe('init and upgrade from a registry alone (basic auth, TLS)', () => {
  let registry: TestRegistry;
  let home: TestHome;
  let fromRegistry: string;
  let fromLocal: string;
  let expected: Record<string, string[]>;
  const pool = serverPool(() => home);
  const { start, cli } = pool;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    home = createTestHome({ host: registry.host, user: registry.user, password: registry.password });
    fromLocal = writeLocalConfig(home, `registry-ca-file: ${registry.caFile}\n`);
    fromRegistry = writeRegistryConfig(home, `oci://${registry.host}/mirror`, `registry-ca-file: ${registry.caFile}\n`);
    const to = ['--to', `oci://${registry.host}/mirror`, '--config', fromLocal];
    const old = await runClusterctl(['publish', ...oldReleases, '--no-cert-manager', ...to], { env: home.env });
    expect(old.exitCode, old.stderr).toBe(0);
    const current = await runClusterctl(['publish', '-i', 'docker', ...to], { env: home.env });
    expect(current.exitCode, current.stderr).toBe(0);
    expect(current.stdout).toContain(`url: oci://${registry.host}/mirror/infrastructure-docker`);

    const local = await start('oci-local');
    const result = await cli(local, fromLocal, 'init', '-i', 'docker');
    expect(result.exitCode, result.stderr).toBe(0);
    expected = await installed(clientFor(local.kubeconfig));
    expect(expected.providers).toHaveLength(4);
  }, 600_000);
  afterAll(async () => {
    await pool.stopAll();
    await registry?.stop();
  });

  it('init from the registry installs exactly what init from the local folder installs', async () => {
    const server = await start('oci-registry');
    const result = await cli(server, fromRegistry, 'init', '-i', 'docker');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await installed(clientFor(server.kubeconfig))).toEqual(expected);
    const images = await cli(server, fromRegistry, 'init', 'list-images', '-i', 'docker');
    const localImages = await cli(server, fromLocal, 'init', 'list-images', '-i', 'docker');
    expect(images.exitCode, images.stderr).toBe(0);
    expect(images.stdout).toBe(localImages.stdout);
    expect(images.stdout).toContain('capd-manager');
  }, 300_000);

  it('upgrades from v1.12.11 to v1.13.5 with versions read from the registry tags', async () => {
    const server = await start('oci-upgrade');
    expect(await initAndUpgrade(pool, server, fromRegistry, [...oldReleases])).toEqual(expected);
  }, 400_000);
});
