/**
 * generate cluster|provider|yaml through the built CLI: the README's offline command, variables,
 * the bad inputs of issue 3, ClusterClass auto-include against a real API server, and parity with
 * the Go clusterctl on the real Cluster API v1.12/v1.13 repository in ../shared/fixtures/capi-repo.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ensureInventoryCrd, saveInstalledProvider } from '../../src/core/cluster/inventory.js';
import type { ApiServer } from '../harness/apiserver.js';
import { repoRoot, runClusterctl } from '../harness/cli.js';
import { goClusterctlPath, runGoClusterctl } from '../harness/go-clusterctl.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';
import { coreCrds } from '../fixtures/capi-crds.js';

const offline = join(repoRoot, 'templates', 'offline', 'clusterctl.yaml');
const capiRepo = join(repoRoot, '..', 'shared', 'fixtures', 'capi-repo');

function home(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'generate-'));
  return { HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), XDG_CACHE_HOME: join(dir, 'cache') };
}

describe('clusterctl generate', () => {
  it('runs the README main command offline and renders every object into the namespace', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const line = /npm ci && npx clusterctl (generate cluster [^\n`]+)/.exec(readme)?.[1];
    expect(line, 'README main command').toBeDefined();
    const args = line!.split(/\s+/);
    const result = await runClusterctl(args, { env: home(), cwd: repoRoot });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const docs = parseAllDocuments(result.stdout).map(
      (d) => d.toJS() as { kind: string; metadata: { namespace: string }; spec: { replicas?: number } },
    );
    expect(docs.map((d) => d.kind)).toEqual([
      'Cluster',
      'DockerCluster',
      'DockerMachineTemplate',
      'KubeadmControlPlane',
      'DockerMachineTemplate',
      'KubeadmConfigTemplate',
      'MachineDeployment',
    ]);
    expect(new Set(docs.map((d) => d.metadata.namespace))).toEqual(new Set(['default']));
    expect(docs.find((d) => d.kind === 'MachineDeployment')!.spec.replicas).toBe(3);
  });

  it('lists the variables with their effective values', async () => {
    const result = await runClusterctl(
      [
        'generate',
        'cluster',
        'demo',
        '-i',
        'docker',
        '-n',
        'fleet',
        '--config',
        offline,
        '--list-variables',
        '--worker-machine-count',
        '2',
      ],
      { env: home() },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      'Required Variables:\n  - KUBERNETES_VERSION\n\nOptional Variables:\n' +
        '  - CLUSTER_NAME                 (defaults to demo)\n' +
        '  - CONTROL_PLANE_MACHINE_COUNT  (defaults to 1)\n' +
        '  - NAMESPACE                    (defaults to fleet)\n' +
        '  - POD_CIDR                     (defaults to "192.168.0.0/16")\n' +
        '  - SERVICE_CIDR                 (defaults to "10.128.0.0/12")\n' +
        '  - SERVICE_DOMAIN               (defaults to "cluster.local")\n' +
        '  - WORKER_MACHINE_COUNT         (defaults to 2)\n\n',
    );
  });

  it('takes variables from the environment and clusterctl.yaml, the environment first', async () => {
    const env = home();
    const config = join(env.HOME!, 'clusterctl.yaml');
    writeFileSync(
      config,
      `${readFileSync(offline, 'utf8').replace(/url: \.\//, `url: ${join(repoRoot, 'templates', 'offline')}/`)}\nKUBERNETES_VERSION: v1.34.0\nPOD_CIDR: 10.1.0.0/16\n`,
    );
    const result = await runClusterctl(
      ['generate', 'cluster', 'demo', '-i', 'docker', '-n', 'default', '--config', config],
      { env: { ...env, POD_CIDR: '10.9.0.0/16' } },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('version: v1.34.0');
    expect(result.stdout).toContain('- 10.9.0.0/16');
  });

  it('explains every bad input with a hint and a distinct exit code', async () => {
    const env = home();
    const base = ['generate', 'cluster', 'demo', '-i', 'docker', '-n', 'default', '--config', offline];
    const cases: [string[], number, RegExp][] = [
      [base, 2, /value for variables \[KUBERNETES_VERSION\] is not set[\s\S]*Hint: .*export KUBERNETES_VERSION=/],
      [
        [...base, '--flavor', 'nope'],
        6,
        /cluster-template-nope\.yaml[\s\S]*Flavors available in infrastructure-docker v1\.13\.5/,
      ],
      [
        ['generate', 'cluster', 'demo', '-i', 'docker:v9.0.0', '-n', 'default', '--config', offline],
        6,
        /version v9\.0\.0[\s\S]*Available versions: v1\.13\.5/,
      ],
      [
        ['generate', 'cluster', 'demo', '-i', 'nope', '-n', 'default', '--config', offline],
        6,
        /unknown InfrastructureProvider "nope"[\s\S]*Known InfrastructureProviders: .*docker/,
      ],
      [
        ['generate', 'cluster', 'Bad_Name', '-i', 'docker', '-n', 'default', '--config', offline],
        2,
        /invalid cluster name/,
      ],
      [[...base, '--worker-machine-count', '-1', '--kubernetes-version', 'v1.35.0'], 2, /WorkerMachineCount/],
      [
        [...base, '--control-plane-machine-count', '0', '--kubernetes-version', 'v1.35.0'],
        2,
        /ControlPlaneMachineCount/,
      ],
      [[...base, '--kubernetes-version', '1.x'], 2, /invalid KubernetesVersion/],
      [
        ['generate', 'cluster', 'demo', '-i', 'docker', '--config', offline, '--kubernetes-version', 'v1.35.0'],
        2,
        /Cannot auto-discover target namespace/,
      ],
      [
        ['generate', 'cluster', '-i', 'docker', '-n', 'default', '--config', offline],
        2,
        /please specify a cluster name/,
      ],
    ];
    for (const [args, code, pattern] of cases) {
      const result = await runClusterctl(args, { env });
      expect(result.stderr, args.join(' ')).toMatch(pattern);
      expect(result.exitCode, args.join(' ')).toBe(code);
      expect(result.stdout).toBe('');
    }
  });

  it('names the file, line and column of malformed YAML', async () => {
    const env = home();
    const file = join(env.HOME!, 'broken.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [1, 2\n');
    const result = await runClusterctl(['generate', 'cluster', 'demo', '-n', 'default', '--from', file], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/broken\.yaml.*line \d+, column \d+/);
  });

  it('writes to a file with mode 0600 and reads templates from stdin', async () => {
    const env = home();
    const out = join(env.HOME!, 'cluster.yaml');
    const result = await runClusterctl(
      [
        'generate',
        'cluster',
        'demo',
        '-i',
        'docker',
        '-n',
        'default',
        '--kubernetes-version',
        'v1.35.0',
        '--config',
        offline,
        '--write-to',
        out,
      ],
      { env },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toContain('kind: KubeadmControlPlane');
    const yaml = await runClusterctl(['generate', 'yaml'], {
      env: { ...env, NAME: 'x' },
      input: 'name: ${NAME}\nsize: ${SIZE:=3}\n',
    });
    expect(yaml.stdout).toBe('name: x\nsize: 3\n');
    const vars = await runClusterctl(['generate', 'yaml', '--list-variables'], { env, input: 'a: ${B}\nc: ${A:-x}\n' });
    expect(vars.stdout).toBe('Variables:\n  - A\n  - B\n');
    const fromStdin = await runClusterctl(['generate', 'cluster', 'demo', '-n', 'prod', '--from', '-'], {
      env,
      input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${CLUSTER_NAME}-cfg\n',
    });
    expect(fromStdin.stdout).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo-cfg\n  namespace: prod\n');
  });

  it('fails in seconds with the URL when a GitHub repository is unreachable', async () => {
    const env = {
      ...home(),
      CLUSTERCTL_TS_GITHUB_URL: 'http://127.0.0.1:1',
      CLUSTERCTL_TS_GITHUB_API_URL: 'http://127.0.0.1:1',
      GOPROXY: 'http://127.0.0.1:1',
    };
    const started = Date.now();
    const result = await runClusterctl(
      ['generate', 'cluster', 'demo', '-i', 'docker', '-n', 'default', '--kubernetes-version', 'v1.35.0'],
      { env },
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain('127.0.0.1:1');
    expect(result.stderr).toMatch(/Hint: .*(local repository|overrides)/i);
  });

  describe('with a management cluster', () => {
    let server: ApiServer;
    beforeAll(async () => {
      server = await startExtraApiServer({ name: 'generate' });
      const client = clientFor(server.kubeconfig);
      for (const crd of coreCrds()) await client.create(crd);
      await ensureInventoryCrd(client);
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'capd-system' } });
      await saveInstalledProvider(client, {
        namespace: 'capd-system',
        providerName: 'docker',
        type: 'InfrastructureProvider',
        version: 'v1.13.5',
      });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('defaults the infrastructure provider and version from the inventory', async () => {
      const config = join(home().HOME!, 'c.yaml');
      writeFileSync(
        config,
        `providers:\n  - name: docker\n    type: InfrastructureProvider\n    url: ${join(repoRoot, 'templates', 'offline', 'infrastructure-docker', 'latest', 'infrastructure-components-development.yaml')}\n`,
      );
      let result = { exitCode: -1, stdout: '', stderr: '' };
      for (let i = 0; i < 50 && result.exitCode !== 0; i++) {
        result = await runClusterctl(
          [
            'generate',
            'cluster',
            'demo',
            '--kubernetes-version',
            'v1.35.0',
            '--config',
            config,
            '--kubeconfig',
            server.kubeconfigPath,
          ],
          { env: home() },
        );
        if (result.exitCode !== 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('kind: DockerCluster');
      expect(result.stdout).toContain('namespace: default');
    });
    it('reads the template from a ConfigMap, naming a missing one or key', async () => {
      const client = clientFor(server.kubeconfig);
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'templates' } });
      await client.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'tmpl', namespace: 'templates' },
        data: {
          template:
            'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${CLUSTER_NAME}-settings\ndata:\n  workers: "${WORKER_MACHINE_COUNT}"\n',
        },
      });
      const base = [
        'generate',
        'cluster',
        'demo',
        '-n',
        'prod',
        '--kubeconfig',
        server.kubeconfigPath,
        '--from-config-map',
        'tmpl',
      ];
      const ok = await runClusterctl(
        [...base, '--from-config-map-namespace', 'templates', '--worker-machine-count', '4'],
        { env: home() },
      );
      expect(ok.stderr).toBe('');
      expect(ok.stdout).toBe(
        'apiVersion: v1\ndata:\n  workers: "4"\nkind: ConfigMap\nmetadata:\n  name: demo-settings\n  namespace: prod\n',
      );
      const missing = await runClusterctl(base, { env: home() });
      expect(missing.exitCode).toBe(6);
      expect(missing.stderr).toContain('ConfigMap default/tmpl not found');
      const badKey = await runClusterctl(
        [...base, '--from-config-map-namespace', 'templates', '--from-config-map-key', 'nope'],
        { env: home() },
      );
      expect(badKey.exitCode).toBe(6);
      expect(badKey.stderr).toContain('has no key "nope"');
    });

    it('skips a ClusterClass that already exists in the cluster, and includes it otherwise', async () => {
      const env = {
        ...home(),
        CLUSTER_TOPOLOGY: 'true',
        CNI_RESOURCES: 'cni',
        DOCKER_POD_CIDRS: '192.168.0.0/16',
        DOCKER_SERVICE_CIDRS: '10.128.0.0/12',
        DOCKER_SERVICE_DOMAIN: 'cluster.local',
      };
      const config = join((env as Record<string, string>).HOME!, 'c.yaml');
      writeFileSync(
        config,
        `providers:\n  - name: docker\n    type: InfrastructureProvider\n    url: ${join(capiRepo, 'infrastructure-docker', 'latest', 'infrastructure-components-development.yaml')}\n`,
      );
      const args = [
        'generate',
        'cluster',
        'c1',
        '-n',
        'ns1',
        '--flavor',
        'topology',
        '--kubernetes-version',
        'v1.34.1',
        '--config',
        config,
        '--kubeconfig',
        server.kubeconfigPath,
      ];
      const withClass = await runClusterctl(args, { env });
      expect(withClass.stderr).toBe('');
      const kinds = parseAllDocuments(withClass.stdout).map((d) => (d.toJS() as { kind: string }).kind);
      expect(kinds[0]).toBe('ClusterClass');
      expect(kinds.indexOf('ClusterClass')).toBeLessThan(kinds.indexOf('Cluster'));
      const client = clientFor(server.kubeconfig);
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } });
      await client.create({
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'ClusterClass',
        metadata: { name: 'quick-start', namespace: 'ns1' },
        spec: {},
      });
      const without = await runClusterctl(args, { env });
      expect(without.stderr).toBe('');
      const after = parseAllDocuments(without.stdout).map((d) => (d.toJS() as { kind: string }).kind);
      expect(after).not.toContain('ClusterClass');
      expect(after).toContain('Cluster');
    });
  });

  const go = goClusterctlPath();
  const dockerDir = join(capiRepo, 'infrastructure-docker', 'v1.13.5');
  it('matches the Go clusterctl byte for byte on every docker flavor of Cluster API v1.13.5 (ClusterClass included)', async () => {
    expect(existsSync(dockerDir), `${dockerDir} (shared fixtures)`).toBe(true);
    expect(go, 'the Go clusterctl reference binary (scripts/setup-go-clusterctl.sh)').toBeDefined();
    const env = {
      ...home(),
      CLUSTER_TOPOLOGY: 'true',
      CNI_RESOURCES: 'cni',
      DOCKER_POD_CIDRS: '192.168.0.0/16',
      DOCKER_SERVICE_CIDRS: '10.128.0.0/12',
      DOCKER_SERVICE_DOMAIN: 'cluster.local',
      DOCKER_POD_IPV6_CIDRS: 'fd00:100:96::/48',
      DOCKER_SERVICE_IPV6_CIDRS: 'fd00:100:64::/108',
      SERVER: 'https://10.0.0.1',
      TOKEN: 'abc',
    };
    const config = join((env as Record<string, string>).HOME!, 'clusterctl.yaml');
    writeFileSync(
      config,
      `providers:\n  - name: docker\n    type: InfrastructureProvider\n    url: ${join(capiRepo, 'infrastructure-docker', 'latest', 'infrastructure-components-development.yaml')}\n`,
    );
    const flavors = readdirSync(dockerDir)
      .filter((f) => f.startsWith('cluster-template'))
      .map((f) => f.replace(/^cluster-template-?/, '').replace(/\.yaml$/, ''));
    expect(flavors.length).toBeGreaterThan(10);
    for (const flavor of flavors) {
      const args = [
        'generate',
        'cluster',
        'c1',
        '-n',
        'ns1',
        '--kubernetes-version',
        'v1.34.1',
        '--control-plane-machine-count',
        '3',
        '--worker-machine-count',
        '2',
        '--config',
        config,
        '-i',
        'docker:v1.13.5',
        ...(flavor ? ['--flavor', flavor] : []),
      ];
      const [mine, theirs] = await Promise.all([runClusterctl(args, { env }), runGoClusterctl(go!, args, { env })]);
      expect(theirs.exitCode, `${flavor}: ${theirs.stderr}`).toBe(0);
      expect(mine.stdout, `flavor ${flavor || '(default)'}`).toBe(theirs.stdout);
    }
  });

  // clusterctl reads every v1beta2/v1beta1 Cluster of a repository template into its Cluster type
  // (to find the ClusterClasses it uses) and fails on one that type cannot hold; --from files,
  // ConfigMaps and generate yaml are not read that way. Same output, or a refusal on both sides.
  describe('Clusters that Go reads into its Cluster type, beside the Go clusterctl', () => {
    const cluster = (apiVersion: string, spec: string, kind = 'Cluster') =>
      `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: \${CLUSTER_NAME}\nspec:\n${spec}`;
    const v1beta2 = 'cluster.x-k8s.io/v1beta2';
    const flavors: Record<string, string> = {
      'cidr-string': cluster(v1beta2, '  clusterNetwork:\n    pods:\n      cidrBlocks: ${POD_CIDR}\n'),
      'cidr-list': cluster(v1beta2, '  clusterNetwork:\n    pods:\n      cidrBlocks: ["${POD_CIDR}"]\n'),
      'cidr-string-topology': cluster(
        v1beta2,
        '  clusterNetwork:\n    services:\n      cidrBlocks: ${POD_CIDR}\n  topology:\n    classRef: {name: quick}\n    version: v1.34.0\n',
      ),
      'cidr-list-topology': cluster(
        v1beta2,
        '  clusterNetwork:\n    services:\n      cidrBlocks: [${POD_CIDR}]\n  topology:\n    classRef: {name: quick}\n    version: v1.34.0\n',
      ),
      'cidr-string-v1beta1': cluster(
        'cluster.x-k8s.io/v1beta1',
        '  clusterNetwork:\n    pods:\n      cidrBlocks: ${POD_CIDR}\n',
      ),
      'cidr-string-v1alpha4': cluster(
        'cluster.x-k8s.io/v1alpha4',
        '  clusterNetwork:\n    pods:\n      cidrBlocks: ${POD_CIDR}\n',
      ),
      'number-for-string': cluster(v1beta2, '  clusterNetwork:\n    serviceDomain: ${DOMAIN_NUMBER}\n'),
      'string-for-number': cluster(v1beta2, '  clusterNetwork:\n    apiServerPort: "${PORT}"\n'),
      'number-for-port': cluster(v1beta2, '  clusterNetwork:\n    apiServerPort: ${PORT}\n'),
      'string-for-bool': cluster(v1beta2, '  paused: "true"\n'),
      'unknown-fields': cluster(
        v1beta2,
        '  whatever: [1, 2]\n  clusterNetwork:\n    pods:\n      cidrBlocks: ["${POD_CIDR}"]\n      extra: x\n',
      ),
      // only fields of Go's Topology count: this one is the zero value once read, so no ClusterClass is added
      'v1beta1-style-topology-in-v1beta2': cluster(v1beta2, '  topology:\n    class: quick\n'),
      'duration-number-v1beta1': cluster(
        'cluster.x-k8s.io/v1beta1',
        '  topology:\n    class: quick\n    version: v1.34.0\n    controlPlane:\n      nodeDrainTimeout: 600\n',
      ),
      'other-kinds': `${cluster(v1beta2, '  replicas: three\n  clusterName: 5\n', 'MachineDeployment')}---\n${cluster(
        'infrastructure.cluster.x-k8s.io/v1beta2',
        '  clusterNetwork: bad\n',
      )}`,
    };
    const clusterClass = `apiVersion: cluster.x-k8s.io/v1beta2\nkind: ClusterClass\nmetadata:\n  name: quick\nspec: {}\n`;
    let env: Record<string, string>;
    let config: string;
    let release: string;

    beforeAll(() => {
      env = { ...home(), POD_CIDR: '10.0.0.0/16', DOMAIN_NUMBER: '42', PORT: '6443' };
      release = join(env.HOME!, 'repo', 'infrastructure-typed', 'v1.0.0');
      mkdirSync(release, { recursive: true });
      writeFileSync(
        join(release, 'metadata.yaml'),
        'apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3\nkind: Metadata\nreleaseSeries:\n- {major: 1, minor: 0, contract: v1beta2}\n',
      );
      writeFileSync(
        join(release, 'infrastructure-components.yaml'),
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: typed-system\n',
      );
      writeFileSync(join(release, 'clusterclass-quick.yaml'), clusterClass);
      for (const [flavor, text] of Object.entries(flavors)) {
        writeFileSync(join(release, `cluster-template-${flavor}.yaml`), text);
      }
      config = join(env.HOME!, 'clusterctl.yaml');
      writeFileSync(
        config,
        `providers:\n  - name: typed\n    type: InfrastructureProvider\n    url: ${join(release, 'infrastructure-components.yaml')}\n`,
      );
    });

    const expectSameOutcome = async (args: string[]): Promise<'rendered' | 'refused'> => {
      const [mine, theirs] = await Promise.all([runClusterctl(args, { env }), runGoClusterctl(go!, args, { env })]);
      if (theirs.exitCode === 0) {
        expect({ exitCode: mine.exitCode, stdout: mine.stdout, stderr: mine.stderr }).toEqual({
          exitCode: 0,
          stdout: theirs.stdout,
          stderr: mine.stderr,
        });
        return 'rendered';
      }
      expect(theirs.stderr, args.join(' ')).toContain('failed to convert object to Cluster');
      expect({ exitCode: mine.exitCode, stdout: mine.stdout }, `${args.join(' ')}: ${mine.stderr}`).toEqual({
        exitCode: 2,
        stdout: '',
      });
      expect(mine.stderr).toMatch(
        /^Error: failed to read Cluster ns1\/c1 \(cluster\.x-k8s\.io\/v1beta[12]\) from the template: /,
      );
      expect(mine.stderr).toMatch(/\nHint: /);
      return 'refused';
    };

    it.each([
      ['cidr-string', 'refused'],
      ['cidr-list', 'rendered'],
      ['cidr-string-topology', 'refused'],
      ['cidr-list-topology', 'rendered'],
      ['cidr-string-v1beta1', 'refused'],
      ['cidr-string-v1alpha4', 'rendered'],
      ['number-for-string', 'refused'],
      ['string-for-number', 'refused'],
      ['number-for-port', 'rendered'],
      ['string-for-bool', 'refused'],
      ['unknown-fields', 'rendered'],
      ['v1beta1-style-topology-in-v1beta2', 'rendered'],
      ['duration-number-v1beta1', 'refused'],
      ['other-kinds', 'rendered'],
    ])('repository flavor %s: %s by both', { timeout: 120_000 }, async (flavor, outcome) => {
      expect(go, 'the Go clusterctl reference binary (scripts/setup-go-clusterctl.sh)').toBeDefined();
      const base = ['generate', 'cluster', 'c1', '-n', 'ns1', '--config', config, '-i', 'typed:v1.0.0'];
      expect(await expectSameOutcome([...base, '--flavor', flavor])).toBe(outcome);
    });

    it('renders the same Cluster from --from, --list-variables and generate yaml in both (Go does not read it there)', async () => {
      expect(go).toBeDefined();
      const file = join(release, 'cluster-template-cidr-string-topology.yaml');
      const base = ['generate', 'cluster', 'c1', '-n', 'ns1', '--config', config];
      expect(await expectSameOutcome([...base, '--from', file])).toBe('rendered');
      expect(
        await expectSameOutcome([...base, '-i', 'typed:v1.0.0', '--flavor', 'cidr-string', '--list-variables']),
      ).toBe('rendered');
      env.CLUSTER_NAME = 'c1';
      expect(await expectSameOutcome(['generate', 'yaml', '--config', config, '--from', file])).toBe('rendered');
      delete env.CLUSTER_NAME;
    });

    it('names the field, the type Go wants and the fix', async () => {
      const args = ['generate', 'cluster', 'c1', '-n', 'ns1', '--config', config, '-i', 'typed:v1.0.0'];
      const result = await runClusterctl([...args, '--flavor', 'cidr-string'], { env });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(
        "spec.clusterNetwork.pods.cidrBlocks is a string, but Go's Cluster type wants a list of strings there",
      );
      expect(result.stderr).toContain('cidrBlocks: ["${VARIABLE}"]');
    });
  });

  // One test per provider (four runs of each tool), so that a busy machine slows each test down
  // instead of pushing one long test past its timeout.
  it.each([
    ['--core', 'cluster-api:v1.13.5'],
    ['-b', 'kubeadm:v1.12.11'],
    ['-c', 'kubeadm:v1.13.5'],
    ['-i', 'docker:v1.13.5'],
  ])(
    'matches the Go clusterctl byte for byte on generate provider %s %s (real v1.12/v1.13 components)',
    { timeout: 240_000 },
    async (flag, provider) => {
      expect(existsSync(capiRepo)).toBe(true);
      expect(go).toBeDefined();
      const env = home();
      const config = join(env.HOME!, 'clusterctl.yaml');
      writeFileSync(
        config,
        [
          'providers:',
          `  - {name: cluster-api, type: CoreProvider, url: ${capiRepo}/cluster-api/latest/core-components.yaml}`,
          `  - {name: kubeadm, type: BootstrapProvider, url: ${capiRepo}/bootstrap-kubeadm/latest/bootstrap-components.yaml}`,
          `  - {name: kubeadm, type: ControlPlaneProvider, url: ${capiRepo}/control-plane-kubeadm/latest/control-plane-components.yaml}`,
          `  - {name: docker, type: InfrastructureProvider, url: ${capiRepo}/infrastructure-docker/latest/infrastructure-components-development.yaml}`,
          'images:',
          '  all: {repository: myorg.io/mirror}',
          '',
        ].join('\n'),
      );
      for (const extra of [[], ['-n', 'other-ns'], ['--describe'], ['--raw']]) {
        const args = ['generate', 'provider', flag, provider, ...extra, '--config', config];
        const [mine, theirs] = await Promise.all([runClusterctl(args, { env }), runGoClusterctl(go!, args, { env })]);
        expect(theirs.exitCode, theirs.stderr).toBe(0);
        expect(mine.stdout === theirs.stdout, args.join(' ')).toBe(true);
      }
    },
  );
});
