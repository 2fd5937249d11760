/**
 * Interop with the Cluster API Operator's own writer: an artifact pushed by its kubectl plugin
 * (`publish -u REGISTRY/REPO:TAG -d DIR`, v0.29.0 built from the Go module proxy by
 * scripts/setup-registry.sh) into a real registry is read by our oci:// repository as a release,
 * giving the same components and templates as the local folder. (The reverse direction, the
 * operator's `preload` reading what we publish, is in configmap.test.ts.)
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClusterctl } from '../harness/cli.js';
import { operatorPlugin, startRegistry, type TestRegistry } from '../harness/registry.js';
import { capiRepo, createTestHome, writeLocalConfig, type TestHome } from '../harness/registry-fixture.js';

describe("oci:// reads what the Cluster API Operator's plugin publishes", { timeout: 300_000 }, () => {
  let registry: TestRegistry;
  let home: TestHome;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'none' });
    home = createTestHome();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('generate provider and generate cluster from the plugin-pushed artifact equal those from the local folder', async () => {
    const release = join(capiRepo, 'infrastructure-docker', 'v1.13.5');
    const staged = mkdtempSync(join(tmpdir(), 'operator-publish-'));
    copyFileSync(join(release, 'metadata.yaml'), join(staged, 'metadata.yaml'));
    copyFileSync(
      join(release, 'infrastructure-components-development.yaml'),
      join(staged, 'infrastructure-components.yaml'),
    );
    // The development flavor is a topology cluster: its ClusterClass travels with it.
    for (const file of ['cluster-template-development.yaml', 'clusterclass-quick-start.yaml'])
      copyFileSync(join(release, file), join(staged, file));
    const pushed = await execa(
      operatorPlugin(),
      ['publish', '-u', `${registry.host}/operator/infrastructure-docker:v1.13.5`, '-d', staged],
      // The plugin trusts the system roots; SSL_CERT_FILE adds the test CA (Go's crypto/x509 on Linux).
      { reject: false, env: { HOME: home.dir, SSL_CERT_FILE: registry.caFile } },
    );
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain('Added file: infrastructure-components.yaml');

    const local = writeLocalConfig(home);
    const fromRegistry = join(home.dir, 'operator.yaml');
    writeFileSync(
      fromRegistry,
      [
        'providers:',
        '  - name: docker',
        '    type: InfrastructureProvider',
        `    url: oci://${registry.host}/operator/infrastructure-docker`,
        `registry-ca-file: ${registry.caFile}`,
        '',
      ].join('\n'),
    );
    const run = (config: string, ...args: string[]) =>
      runClusterctl([...args, '--config', config], { env: { ...home.env, CLUSTER_TOPOLOGY: 'true' } });

    const expected = await run(local, 'generate', 'provider', '-i', 'docker');
    const actual = await run(fromRegistry, 'generate', 'provider', '-i', 'docker');
    expect(actual.exitCode, actual.stderr).toBe(0);
    expect(actual.stdout).toBe(expected.stdout);

    // The version comes from the registry's tag; a template pushed next to the components is found.
    const cluster = ['generate', 'cluster', 'c1', '-i', 'docker:v1.13.5', '--flavor', 'development', '-n', 'default'];
    const vars = { KUBERNETES_VERSION: 'v1.35.0', POD_SECURITY_STANDARD_ENABLED: 'false' };
    const localCluster = await runClusterctl([...cluster, '--config', local], { env: { ...home.env, ...vars } });
    const registryCluster = await runClusterctl([...cluster, '--config', fromRegistry], {
      env: { ...home.env, ...vars },
    });
    expect(localCluster.exitCode, localCluster.stderr).toBe(0);
    expect(registryCluster.exitCode, registryCluster.stderr).toBe(0);
    expect(registryCluster.stdout).toBe(localCluster.stdout);
  });
});
