/**
 * `clusterctl describe cluster` end to end: the built CLI against a real API server holding a
 * realistic cluster (KCP with 3 control plane machines, MD → MS → 3 machines, a MachinePool, an
 * orphan machine, a ClusterResourceSetBinding, a machine being deleted), compared byte for byte
 * with the Go clusterctl v1.13.5 on the same cluster. Condition transition times lie days in the
 * past, so SINCE reads the same for both tools.
 *
 * The first block keeps the project's permissive CRDs (describe-cluster.ts) on purpose: its corner
 * clusters carry what the real v1.13.5 CRDs refuse (conditions without lastTransitionTime or
 * message, `status.v1beta2` on a provider object), which clusters upgraded from older contracts
 * and other providers' objects do hold, and both tools must print alike. The
 * same realistic cluster on the real providers and webhooks is the last block; a cluster written
 * by the real controllers is described beside the Go tool in real-capi.test.ts.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryCrd } from '../../src/core/cluster/inventory.js';
import type { KubeClient } from '../../src/core/ports.js';
import type { DescribeResult, DescribeNode } from '../../src/core/tree/types.js';
import { freePort, type ApiServer } from '../harness/apiserver.js';
import { runClusterctl, type CliResult } from '../harness/cli.js';
import { goClusterctlPath } from '../harness/go-clusterctl.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';
import { createDescribeCluster, createEdgeClusters, installDescribeCrds } from '../fixtures/describe-cluster.js';
import { capiInitArgs, cliHome, writeCapiConfig } from '../harness/capi-management.js';
import {
  serveRealWebhooks,
  stopControllers,
  webhookSetupTimeoutMs,
  type WebhookServedCluster,
} from '../harness/capi-webhooks.js';

/**
 * Runs the Go clusterctl. Its `--v1beta2=false` table is written to file descriptor 0 (stdin),
 * not stdout: stdin is a read-write file here, and what lands there is read back as its output.
 */
export function runGo(binary: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const dir = mkdtempSync(join(tmpdir(), 'go-describe-'));
  const stdinPath = join(dir, 'stdin');
  writeFileSync(stdinPath, '');
  const fd = openSync(stdinPath, 'r+');
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      env: { PATH: process.env.PATH ?? '', HOME: dir, CLUSTERCTL_DISABLE_VERSIONCHECK: 'true', ...env },
      stdio: [fd, 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      resolve({ stdout: stdout + readFileSync(stdinPath, 'utf8'), stderr, exitCode: code ?? -1 });
    });
  });
}

function names(node: DescribeNode): string[] {
  return [node.displayName, ...node.children.flatMap(names)];
}

describe('clusterctl describe cluster', () => {
  const go = goClusterctlPath();
  let server: ApiServer;
  let client: KubeClient;
  const ns = 'fleet';
  const ours = (...args: string[]) =>
    runClusterctl(['describe', 'cluster', ...args, '--kubeconfig', server.kubeconfigPath]);
  const theirs = (...args: string[]) =>
    runGo(go!, ['describe', 'cluster', ...args, '--kubeconfig', server.kubeconfigPath]);

  beforeAll(async () => {
    server = await startExtraApiServer({ name: 'describe' });
    client = clientFor(server.kubeconfig);
    await installDescribeCrds(client);
    await client.create(inventoryCrd());
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await createDescribeCluster(client, {
      name: 'prod',
      namespace: ns,
      cpReplicas: 3,
      workerReplicas: 3,
      notReadyWorkers: 1,
      machinePoolReplicas: 2,
      orphanMachine: true,
      resourceSets: ['calico', 'csi'],
      deletingWorker: true,
    });
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'corners' } });
    await createEdgeClusters(client, 'corners');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('prints the tree a user expects: control plane group, workers, the failing machine and its infrastructure', async () => {
    const result = await ours('prod', '-n', ns);
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME +REPLICAS AVAILABLE READY UP TO DATE STATUS +REASON +SINCE MESSAGE/);
    expect(lines[1]).toMatch(/^Cluster\/prod +8\/8 +7 +7 +8 +True +Available +10d/);
    expect(result.stdout).toMatch(/├─ControlPlane - KubeadmControlPlane\/prod-cp +3\/3 +3 +3 +3 +True +Available/);
    expect(result.stdout).toMatch(
      /│ └─3 Machines\.\.\. +3 +3 +3 +True +Ready +10d +See prod-cp-a0, prod-cp-b1, \.\.\./,
    );
    expect(result.stdout).toMatch(
      /Machine\/prod-md-0-7f9c8-w0000 +1 +0 +0 +1 +False +NotReady +2d1h +\* NodeHealthy: Waiting/,
    );
    expect(result.stdout).toMatch(/\n {2}│ {3}│ +\* InfrastructureReady: 0 of 2 completed/);
    expect(result.stdout).toMatch(
      /└─MachineInfrastructure - DockerMachine\/prod-md-0-7f9c8-w0000 +False +ContainerProvisioning/,
    );
    expect(result.stdout).toMatch(/└─Other +\n +└─Machine\/prod-orphan/);
    expect(result.stdout).not.toContain('\u001b[');
  });

  const combinations: string[][] = [
    [],
    ['--show-machinesets'],
    ['--show-resourcesets'],
    ['--show-templates'],
    ['--echo'],
    ['--grouping=false'],
    ['--show-conditions', 'all'],
    ['--show-conditions', 'all+'],
    ['--show-conditions', 'KubeadmControlPlane,Machine/prod-orphan,cluster+'],
    ['--v1beta2=false'],
    ['--v1beta2=false', '--show-conditions', 'all', '--grouping=false'],
    [
      '--show-machinesets',
      '--show-resourcesets',
      '--show-templates',
      '--echo',
      '--grouping=false',
      '--show-conditions',
      'all+',
    ],
  ];
  it.each(combinations.map((c) => [c.join(' ') || '(no flags)', c]))(
    'prints exactly what the Go clusterctl prints: %s',
    async (_label, flags) => {
      expect(go, 'the Go clusterctl reference binary is required (scripts/setup-go-clusterctl.sh)').toBeDefined();
      const [mine, reference] = await Promise.all([
        ours('prod', '-n', ns, ...flags),
        theirs('prod', '-n', ns, ...flags),
      ]);
      expect(reference.exitCode, reference.stderr).toBe(0);
      expect(mine.exitCode, mine.stderr).toBe(0);
      expect(mine.stdout.length).toBeGreaterThan(500);
      expect(mine.stdout).toBe(reference.stdout);
    },
  );

  const corners = ['broken', 'legacy', 'empty'].flatMap((cluster) =>
    [
      [],
      ['--show-conditions', 'all'],
      ['--show-templates', '--grouping=false'],
      ['--v1beta2=false', '--show-conditions', 'all+'],
    ].map((flags) => [`${cluster} ${flags.join(' ') || '(no flags)'}`, cluster, flags] as const),
  );
  it.each(corners)('matches the Go clusterctl on a corner case: %s', async (_label, cluster, flags) => {
    const [mine, reference] = await Promise.all([
      ours(cluster, '-n', 'corners', ...flags),
      theirs(cluster, '-n', 'corners', ...flags),
    ]);
    expect(reference.exitCode, reference.stderr).toBe(0);
    expect(mine.exitCode, mine.stderr).toBe(0);
    expect(mine.stdout).toContain(`Cluster/${cluster}`);
    expect(mine.stdout).toBe(reference.stdout);
  });

  it('warns that --v1beta2 is deprecated, as the Go tool does', async () => {
    const result = await ours('prod', '-n', ns, '--v1beta2=false');
    expect(result.stderr).toContain('Flag --v1beta2 has been deprecated');
    expect(result.stdout).toMatch(/^NAME +READY SEVERITY REASON +SINCE MESSAGE/);
    expect(result.stdout).toMatch(
      /Machine\/prod-orphan +False Error +ContainerProvisioningFailed +25h +failed to create container/,
    );
  });

  it('uses the context namespace when -n is absent', async () => {
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'describe-ns-')), 'kubeconfig');
    writeFileSync(kubeconfig, server.kubeconfig.replace(/\n( +)user: (\S+)/, `\n$1user: $2\n$1namespace: ${ns}`));
    const result = await runClusterctl(['describe', 'cluster', 'prod', '--kubeconfig', kubeconfig]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Cluster/prod');
  });

  it('prints the same tree as data with -o json and -o yaml', async () => {
    const json = await ours('prod', '-n', ns, '-o', 'json');
    expect(json.exitCode, json.stderr).toBe(0);
    const data = JSON.parse(json.stdout) as DescribeResult;
    expect(data.conditionsVersion).toBe('v1beta2');
    expect(data.cluster).toEqual({ namespace: ns, name: 'prod' });
    expect(data.tree.kind).toBe('Cluster');
    expect(data.tree.replicas).toBe('8/8');
    const cp = data.tree.children.find((c) => c.metaName === 'ControlPlane')!;
    expect(cp.children[0]!.group?.items).toEqual(['prod-cp-a0', 'prod-cp-b1', 'prod-cp-c2']);
    expect(cp.children[0]!.name).toBe('');
    expect(names(data.tree)).toContain('Workers');
    const text = await ours('prod', '-n', ns);
    // Every row of the table is a node of the data.
    for (const name of names(data.tree)) expect(text.stdout).toContain(name);
    const yaml = await ours('prod', '-n', ns, '-o', 'yaml');
    expect(parse(yaml.stdout)).toEqual(data);
  });

  it('colours with -c (not when NO_COLOR is set) and never into a pipe by default', async () => {
    const env = { NO_COLOR: undefined };
    const forced = await runClusterctl(
      ['describe', 'cluster', 'prod', '-n', ns, '-c', '--kubeconfig', server.kubeconfigPath],
      { env },
    );
    expect(forced.stdout).toContain('\u001b[32mTrue');
    const piped = await runClusterctl(
      ['describe', 'cluster', 'prod', '-n', ns, '--kubeconfig', server.kubeconfigPath],
      { env },
    );
    expect(piped.stdout).not.toContain('\u001b[');
    const noColor = await runClusterctl(
      ['describe', 'cluster', 'prod', '-n', ns, '-c', '--kubeconfig', server.kubeconfigPath],
      {
        env: { NO_COLOR: '1' },
      },
    );
    expect(noColor.stdout).not.toContain('\u001b[');
    const off = await runClusterctl(
      ['describe', 'cluster', 'prod', '-n', ns, '--color=false', '--kubeconfig', server.kubeconfigPath],
      {
        env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
      },
    );
    expect(off.stdout).not.toContain('\u001b[');
  });

  it('names a missing cluster and its namespace (exit 6)', async () => {
    const result = await ours('staging', '-n', ns);
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toContain('clusters.cluster.x-k8s.io "staging" not found in namespace "fleet"');
    expect(result.stderr).toContain('Hint:');
    expect(result.stdout).toBe('');
    const reference = await theirs('staging', '-n', ns);
    expect(reference.exitCode).toBe(1);
    expect(reference.stderr).toContain('clusters.cluster.x-k8s.io "staging" not found');
  });

  it('rejects a missing name, several names, whitespace in --show-conditions and bad -o (exit 2)', async () => {
    const none = await ours();
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('please specify a cluster name');
    const two = await ours('a', 'b');
    expect(two.exitCode).toBe(2);
    expect(two.stderr).toContain('please specify a cluster name');
    const spaces = await ours('prod', '-n', ns, '--show-conditions', 'Machine, Cluster');
    expect(spaces.exitCode).toBe(2);
    expect(spaces.stderr).toContain('--show-conditions "Machine, Cluster"');
    const output = await ours('prod', '-n', ns, '-o', 'table');
    expect(output.exitCode).toBe(2);
    const bool = await ours('prod', '-n', ns, '--grouping=maybe');
    expect(bool.exitCode).toBe(2);
    expect(bool.stderr).toContain('--grouping');
  });

  it('fails within seconds with the URL when the server is unreachable (exit 4)', async () => {
    const port = await freePort();
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'describe-down-')), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      server.kubeconfig.replace(/server: https:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${port}`),
    );
    const started = Date.now();
    const result = await runClusterctl(['describe', 'cluster', 'prod', '-n', ns, '--kubeconfig', kubeconfig]);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('clusterctl describe cluster on a cluster without Cluster API', () => {
  it('says Cluster API is missing (exit 6)', async () => {
    const server = await startExtraApiServer({ name: 'describe-plain', controllerManager: false });
    try {
      const result = await runClusterctl(['describe', 'cluster', 'prod', '--kubeconfig', server.kubeconfigPath]);
      expect(result.exitCode).toBe(6);
      expect(result.stderr).toContain('Cluster API is not installed');
    } finally {
      await server.stop();
    }
  });
});

/**
 * Interoperability (issue 4): one management cluster initialised by our `init`, one by the Go
 * tool's, both with the real Cluster API v1.13.5 providers of ../shared/fixtures/capi-repo and their
 * webhooks served by the real managers (controllers idle: the status is the fixture's); a Cluster
 * created in each; both tools' `describe` agree on both.
 */
describe('describe on clusters initialised by either tool', { timeout: 300_000 }, () => {
  const go = goClusterctlPath();
  let oursServer: ApiServer;
  let goServer: ApiServer;
  let configPath: string;
  let dir: string;
  let env: Record<string, string>;
  let served: WebhookServedCluster[] = [];
  let initOurs: CliResult;
  let initGo: CliResult;
  const withRepo = (server: ApiServer, args: string[]) => [
    ...args,
    '--config',
    configPath,
    '--kubeconfig',
    server.kubeconfigPath,
  ];

  // Both inits and the webhook set-up happen here: the managers wait for the host's one CAPD, which
  // the other real-provider files may hold for many minutes.
  beforeAll(async () => {
    expect(go, 'the Go clusterctl reference binary is required (scripts/setup-go-clusterctl.sh)').toBeDefined();
    [oursServer, goServer] = await Promise.all([
      startExtraApiServer({ name: 'describe-init-ours' }),
      startExtraApiServer({ name: 'describe-init-go' }),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'describe-repo-'));
    configPath = writeCapiConfig(dir);
    env = cliHome(dir);
    [initOurs, initGo] = await Promise.all([
      runClusterctl(withRepo(oursServer, ['init', ...capiInitArgs()]), { env, timeoutMs: 240_000 }),
      runGo(go!, withRepo(goServer, ['init', ...capiInitArgs()]), env),
    ]);
    if (initOurs.exitCode === 0 && initGo.exitCode === 0)
      served = await serveRealWebhooks([oursServer, goServer], join(dir, 'webhooks'));
  }, webhookSetupTimeoutMs);
  afterAll(async () => {
    await stopControllers(served);
    await Promise.all([oursServer?.stop(), goServer?.stop()]);
  });

  /** Writes the fixture cluster (what the controllers would leave) through the real webhooks. */
  async function provisionCluster(client: KubeClient): Promise<void> {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    await createDescribeCluster(client, {
      name: 'dev',
      namespace: 'team-a',
      cpReplicas: 3,
      workerReplicas: 2,
      notReadyWorkers: 1,
      machinePoolReplicas: 1,
    });
  }

  async function compareOn(server: ApiServer, flags: string[]): Promise<string> {
    const args = ['describe', 'cluster', 'dev', '-n', 'team-a', ...flags];
    const [mine, reference] = await Promise.all([
      runClusterctl(withRepo(server, args), { env }),
      runGo(go!, withRepo(server, args), env),
    ]);
    expect(reference.exitCode, reference.stderr).toBe(0);
    expect(mine.exitCode, mine.stderr).toBe(0);
    expect(mine.stdout).toBe(reference.stdout);
    return mine.stdout;
  }

  it('initialises one management cluster with each tool and describes both alike', async () => {
    expect(initOurs.exitCode, initOurs.stderr).toBe(0);
    expect(initGo.exitCode, initGo.stderr).toBe(0);
    expect(initOurs.stderr).toContain('Installed infrastructure-docker v1.13.5');
    for (const c of served) await provisionCluster(c.client);

    const outputs: string[] = [];
    for (const server of [oursServer, goServer]) {
      const text = await compareOn(server, []);
      expect(text).toMatch(/ControlPlane - KubeadmControlPlane\/dev-cp +3\/3/);
      expect(text).toMatch(/MachinePool\/dev-mp-0/);
      await compareOn(server, ['--show-templates', '--show-machinesets', '--grouping=false']);
      await compareOn(server, ['--v1beta2=false', '--show-conditions', 'all']);
      outputs.push(text);
    }
    // The same cluster objects on either management cluster read the same.
    expect(outputs[0]).toBe(outputs[1]);

    // Provider CRDs without their contract labels (a provider released without them): neither tool
    // can read the provider objects, and both show every machine under Other.
    for (const c of served) {
      for (const crd of await c.client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition')) {
        const provider = crd.metadata.labels?.['cluster.x-k8s.io/provider'];
        if (!provider || provider === 'cluster-api' || provider === 'cert-manager') continue;
        await c.client.patch(
          { apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name! },
          { metadata: { labels: { 'cluster.x-k8s.io/v1beta1': null, 'cluster.x-k8s.io/v1beta2': null } } },
          'merge',
        );
      }
    }
    for (const server of [oursServer, goServer]) {
      const text = await compareOn(server, []);
      expect(text).toContain('Other');
      expect(text).not.toContain('KubeadmControlPlane');
    }
  });
});
