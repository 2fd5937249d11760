/**
 * ConfigMap sources (`configmap://NAMESPACE[/VERSION][?selector=...]`) on real API servers: the real
 * Cluster API v1.12.11 and v1.13.5 releases of ../shared/fixtures/capi-repo are published into
 * ConfigMaps of the management cluster, then `init`, `upgrade`, `generate` and `init list-images`
 * read them with every other repository unreachable; what they install must equal what `init`
 * installs from the local release folders. ConfigMaps written by hand as the Cluster API Operator's
 * docs and code lay them out are read too, and broken ones fail with the README's exit codes.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/core/ports.js';
import type { KubeObject } from '../../src/types.js';
import type { ApiServer } from '../harness/apiserver.js';
import { runClusterctl } from '../harness/cli.js';
import { clientFor, sharedApiServer, testNamespace } from '../harness/index.js';
import { operatorPlugin, startRegistry } from '../harness/registry.js';
import {
  capiRepo,
  createTestHome,
  initAndUpgrade,
  installed,
  serverPool,
  writeConfigMapConfig,
  writeLocalConfig,
  type TestHome,
} from '../harness/registry-fixture.js';

const oldReleases = ['--core', 'cluster-api:v1.12.11', '-b', 'kubeadm:v1.12.11', '-c', 'kubeadm:v1.12.11'];
const oldDocker = ['-i', 'docker:v1.12.11'];

function dockerFile(version: string, file: string): string {
  return readFileSync(join(capiRepo, 'infrastructure-docker', version, file), 'utf8');
}

describe('init, upgrade and generate from ConfigMaps in the management cluster', () => {
  let home: TestHome;
  let fromLocal: string;
  let fromConfigMaps: string;
  let expected: Record<string, string[]>;
  const pool = serverPool(() => home);
  const { start, cli } = pool;
  /** Publishes v1.12.11 and v1.13.5 (and cert-manager) into configmap://capi-releases of a server. */
  const publishAll = async (server: ApiServer) => {
    const to = ['--to', 'configmap://capi-releases'];
    const old = await cli(server, fromLocal, 'publish', ...oldReleases, ...oldDocker, '--no-cert-manager', ...to);
    expect(old.exitCode, old.stderr).toBe(0);
    const current = await cli(server, fromLocal, 'publish', '-i', 'docker', ...to, '-o', 'json');
    expect(current.exitCode, current.stderr).toBe(0);
    return JSON.parse(current.stdout) as { name: string; type: string; version: string; url: string }[];
  };

  beforeAll(async () => {
    home = createTestHome();
    fromLocal = writeLocalConfig(home);
    fromConfigMaps = writeConfigMapConfig(home, 'capi-releases');
    const local = await start('cm-local');
    const result = await cli(local, fromLocal, 'init', '-i', 'docker');
    expect(result.exitCode, result.stderr).toBe(0);
    expected = await installed(clientFor(local.kubeconfig));
    expect(expected.providers).toHaveLength(4);
  }, 400_000);
  afterAll(async () => {
    await pool.stopAll();
  });

  it('publish writes the operator layout; init from the ConfigMaps alone installs what init from the folder installs', async () => {
    const server = await start('cm-init');
    const published = await publishAll(server);
    // -o json names what to put in clusterctl.yaml.
    expect(published.map((p) => `${p.name} ${p.type} ${p.version} ${p.url}`)).toEqual([
      'cluster-api CoreProvider v1.13.5 configmap://capi-releases',
      'kubeadm BootstrapProvider v1.13.5 configmap://capi-releases',
      'kubeadm ControlPlaneProvider v1.13.5 configmap://capi-releases',
      'docker InfrastructureProvider v1.13.5 configmap://capi-releases',
      'cert-manager CertManager v1.21.1 configmap://capi-releases',
    ]);
    // The layout of internal/controller/manifests_downloader.go (TemplateManifestsConfigMap,
    // ProviderLabels, needToCompress): core's 1.1 MB components are gzipped, docker's are not.
    const client = clientFor(server.kubeconfig);
    const cms = (await client.list('v1', 'ConfigMap', { namespace: 'capi-releases' })) as (KubeObject & {
      data?: Record<string, string>;
      binaryData?: Record<string, string>;
    })[];
    const core = cms.find((c) => c.metadata.name === 'core-cluster-api-v1.13.5');
    expect(core?.metadata.labels).toEqual({
      'provider.cluster.x-k8s.io/version': 'v1.13.5',
      'provider.cluster.x-k8s.io/type': 'core',
      'provider.cluster.x-k8s.io/name': 'cluster-api',
      'managed-by.operator.cluster.x-k8s.io': 'true',
    });
    expect(core?.metadata.annotations?.['provider.cluster.x-k8s.io/compressed']).toBe('true');
    expect(core?.data?.components).toBeUndefined();
    expect(core?.binaryData?.components?.length).toBeGreaterThan(1000);
    const docker = cms.find((c) => c.metadata.name === 'infrastructure-docker-v1.13.5');
    expect(docker?.metadata.annotations?.['provider.cluster.x-k8s.io/compressed']).toBeUndefined();
    expect(docker?.data?.components).toBe(dockerFile('v1.13.5', 'infrastructure-components-development.yaml'));
    expect(docker?.data?.metadata).toBe(dockerFile('v1.13.5', 'metadata.yaml'));
    expect(docker?.data?.['cluster-template-development.yaml']).toBeDefined();
    expect(cms.map((c) => c.metadata.name).sort()).toEqual([
      'bootstrap-kubeadm-v1.12.11',
      'bootstrap-kubeadm-v1.13.5',
      'cert-manager-v1.21.1',
      'control-plane-kubeadm-v1.12.11',
      'control-plane-kubeadm-v1.13.5',
      'core-cluster-api-v1.12.11',
      'core-cluster-api-v1.13.5',
      'infrastructure-docker-v1.12.11',
      'infrastructure-docker-v1.13.5',
    ]);

    const result = await cli(server, fromConfigMaps, 'init', '-i', 'docker');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await installed(client)).toEqual(expected);

    for (const args of [
      ['init', 'list-images', '-i', 'docker'],
      ['generate', 'provider', '-i', 'docker'],
      ['generate', 'cluster', 'c1', '--flavor', 'development', '--kubernetes-version', 'v1.33.0', '-i', 'docker'],
    ]) {
      const ours = await cli(server, fromConfigMaps, ...args);
      const local = await cli(server, fromLocal, ...args);
      expect(ours.exitCode, ours.stderr).toBe(0);
      expect(ours.stdout, args.join(' ')).toBe(local.stdout);
      expect(ours.stdout).toMatch(/capd-manager|DockerCluster/);
    }
    const repos = await cli(server, fromConfigMaps, 'config', 'repositories');
    expect(repos.stdout).toMatch(/docker\s+InfrastructureProvider\s+configmap:\/\/capi-releases\s+components/);
  }, 400_000);

  it('upgrades from v1.12.11 to v1.13.5 with the versions read from the ConfigMaps', async () => {
    const server = await start('cm-upgrade');
    await publishAll(server);
    expect(await initAndUpgrade(pool, server, fromConfigMaps, [...oldReleases, ...oldDocker])).toEqual(expected);
  }, 400_000);
});

describe('ConfigMaps laid out by hand as the Cluster API Operator reads them, and broken ones', () => {
  let home: TestHome;
  let client: KubeClient;
  let fromLocal: string;
  const kubeconfig = () => sharedApiServer().kubeconfigPath;
  const cli = (config: string, ...args: string[]) =>
    runClusterctl([...args, '--config', config, '--kubeconfig', kubeconfig()], { env: home.env, timeoutMs: 120_000 });
  /** clusterctl.yaml whose docker provider reads `url`. */
  const dockerFrom = (url: string, name: string) => {
    const path = join(home.dir, name);
    writeFileSync(path, `providers:\n  - name: docker\n    type: InfrastructureProvider\n    url: "${url}"\n`);
    return path;
  };
  const configMap = (namespace: string, name: string, extra: Partial<KubeObject> & Record<string, unknown>) =>
    client.create({ apiVersion: 'v1', kind: 'ConfigMap', ...extra, metadata: { namespace, name, ...extra.metadata } });

  beforeAll(() => {
    home = createTestHome();
    fromLocal = writeLocalConfig(home);
    client = clientFor(sharedApiServer().kubeconfig);
  });

  it('reads plain and gzip-compressed ConfigMaps selected by a custom label, versions from the name or the version label', async () => {
    // As docs/book/src/03_topics/02_configuration/01_air-gapped-environtment.md lays them out (name =
    // version, a `provider-components` label for fetchConfig.selector, data.components and
    // data.metadata; the compressed variant gzips components into binaryData with the annotation
    // provider.cluster.x-k8s.io/compressed: "true"), and as internal/controller/phase_load.go
    // (configmapRepository, getComponentsData) reads them: the provider.cluster.x-k8s.io/version
    // label wins over the name.
    const ns = await testNamespace(client, 'cm-hand');
    const labels = { 'provider-components': 'docker' };
    await configMap(ns, 'v1.13.5', {
      metadata: { labels },
      data: {
        components: dockerFile('v1.13.5', 'infrastructure-components-development.yaml'),
        metadata: dockerFile('v1.13.5', 'metadata.yaml'),
      },
    });
    const components = Buffer.from(dockerFile('v1.12.11', 'infrastructure-components-development.yaml'));
    await configMap(ns, 'docker-previous', {
      metadata: {
        labels: { ...labels, 'provider.cluster.x-k8s.io/version': 'v1.12.11' },
        annotations: { 'provider.cluster.x-k8s.io/compressed': 'true' },
      },
      data: { metadata: dockerFile('v1.12.11', 'metadata.yaml') },
      binaryData: { components: gzipSync(components).toString('base64') },
    });
    // Another provider's ConfigMap in the same namespace is not selected.
    await configMap(ns, 'v9.0.0', { metadata: { labels: { 'provider-components': 'other' } }, data: {} });

    const hand = dockerFrom(`configmap://${ns}?selector=provider-components=docker`, 'hand.yaml');
    const local: Record<string, string> = {};
    for (const version of [':v1.13.5', ':v1.12.11', '']) {
      const ours = await cli(hand, 'generate', 'provider', '-i', `docker${version}`);
      expect(ours.exitCode, ours.stderr).toBe(0);
      if (version !== '') {
        const fromFolder = await cli(fromLocal, 'generate', 'provider', '-i', `docker${version}`);
        expect(fromFolder.exitCode, fromFolder.stderr).toBe(0);
        local[version] = fromFolder.stdout;
      }
      // Without a version, the newest (v1.13.5) is used.
      expect(ours.stdout, version).toBe(local[version || ':v1.13.5']);
    }
    expect(local[':v1.12.11']).not.toBe(local[':v1.13.5']);
    // A version in the URL pins it.
    const pinned = dockerFrom(`configmap://${ns}/v1.12.11?selector=provider-components=docker`, 'pinned.yaml');
    const old = await cli(pinned, 'generate', 'provider', '-i', 'docker');
    expect(old.exitCode, old.stderr).toBe(0);
    expect(old.stdout).toBe(local[':v1.12.11']);
  }, 400_000);

  it("reads the ConfigMaps that the operator's own preload writes from our OCI artifacts", async () => {
    // The Cluster API Operator's kubectl plugin v0.29.0 (`preload`, which runs the controller's
    // OCIConfigMap / TemplateManifestsConfigMap) turns what `clusterctl publish` pushed into ConfigMaps;
    // created as they are, they are read with the default selector (the operator's labels).
    const registry = await startRegistry({ auth: 'none', plainHttp: true });
    try {
      const to = ['--to', `oci://${registry.host}/capi`, '--insecure', '--no-cert-manager'];
      const pushed = await runClusterctl(['publish', '-i', 'docker', ...to, '--config', fromLocal], { env: home.env });
      expect(pushed.exitCode, pushed.stderr).toBe(0);
      const ns = await testNamespace(client, 'cm-preload');
      const preloaded: KubeObject[] = [];
      for (const [flag, ref, label] of [
        ['--core', 'cluster-api', 'cluster-api'],
        ['-i', 'docker', 'infrastructure-docker'],
      ] as const) {
        const { stdout } = await promisify(execFile)(
          operatorPlugin(),
          ['preload', flag, `${ref}:${ns}:v1.13.5`, '-u', `http://${registry.host}/capi/${label}`],
          { env: { ...home.env, PATH: process.env.PATH ?? '' }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
        );
        preloaded.push(...parseAllDocuments(stdout).map((d) => d.toJS() as KubeObject));
      }
      expect(preloaded.map((c) => c.metadata.name)).toEqual([
        'core-cluster-api-v1.13.5',
        'infrastructure-docker-v1.13.5',
      ]);
      // The operator gzipped core's 1.1 MB of components, as our publish does.
      expect(preloaded[0]?.metadata.annotations?.['provider.cluster.x-k8s.io/compressed']).toBe('true');
      for (const cm of preloaded) await client.create(cm);

      const config = join(home.dir, 'preloaded.yaml');
      writeFileSync(
        config,
        `providers:\n  - {name: cluster-api, type: CoreProvider, url: "configmap://${ns}"}\n` +
          `  - {name: docker, type: InfrastructureProvider, url: "configmap://${ns}"}\n`,
      );
      for (const args of [
        ['--core', 'cluster-api'],
        ['-i', 'docker'],
      ]) {
        const ours = await cli(config, 'generate', 'provider', ...args);
        const local = await cli(fromLocal, 'generate', 'provider', ...args);
        expect(ours.exitCode, ours.stderr).toBe(0);
        expect(ours.stdout, args.join(' ')).toBe(local.stdout);
      }
    } finally {
      await registry.stop();
    }
  }, 300_000);

  it('fails with a clear message and the README exit code on broken ConfigMaps', async () => {
    const ns = await testNamespace(client, 'cm-bad');
    const metadata = dockerFile('v1.13.5', 'metadata.yaml');
    const components = dockerFile('v1.13.5', 'infrastructure-components-development.yaml');
    await configMap(ns, 'docker-latest', {
      metadata: { labels: { case: 'no-version' } },
      data: { metadata, components },
    });
    await configMap(ns, 'v1.13.5', { metadata: { labels: { case: 'no-components' } }, data: { metadata } });
    await configMap(ns, 'v1.13.4', { metadata: { labels: { case: 'no-metadata' } }, data: { components } });
    await configMap(ns, 'v1.13.3', {
      metadata: { labels: { case: 'corrupt' }, annotations: { 'provider.cluster.x-k8s.io/compressed': 'true' } },
      data: { metadata },
      binaryData: { components: Buffer.from('this is not gzip').toString('base64') },
    });
    await configMap(ns, 'v1.13.2', { metadata: { labels: { case: 'good' } }, data: { metadata, components } });
    const run = (selector: string, ref = 'docker') =>
      cli(
        dockerFrom(`configmap://${ns}?selector=${selector}`, `bad-${selector}.yaml`),
        'generate',
        'provider',
        '-i',
        ref,
      );

    const noVersion = await run('case=no-version');
    expect(noVersion.exitCode).toBe(2);
    expect(noVersion.stderr).toContain(`ConfigMap ${ns}/docker-latest has no version`);
    expect(noVersion.stderr).toContain('provider.cluster.x-k8s.io/version=');

    const missingVersion = await run('case=good', 'docker:v1.13.9');
    expect(missingVersion.exitCode).toBe(6);
    expect(missingVersion.stderr).toMatch(/v1\.13\.9.*v1\.13\.2/s);

    const noComponents = await run('case=no-components');
    expect(noComponents.exitCode).toBe(6);
    expect(noComponents.stderr).toContain(`ConfigMap ${ns}/v1.13.5 has no components`);

    const noMetadata = await run('case=no-metadata');
    expect(noMetadata.exitCode).toBe(6);
    expect(noMetadata.stderr).toContain(`ConfigMap ${ns}/v1.13.4 has no "metadata" key in data`);

    const corrupt = await run('case=corrupt');
    expect(corrupt.exitCode).toBe(2);
    expect(corrupt.stderr).toContain(`ConfigMap ${ns}/v1.13.3 is annotated provider.cluster.x-k8s.io/compressed=true`);
    expect(corrupt.stderr).toContain('not valid gzip');

    const none = await run('case=nothing');
    expect(none.exitCode).toBe(6);
    expect(none.stderr).toContain(`no ConfigMap in namespace ${ns} has the labels case=nothing`);

    const good = await run('case=good');
    expect(good.exitCode, good.stderr).toBe(0);
  }, 400_000);
});
