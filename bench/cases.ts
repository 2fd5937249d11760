/**
 * Benchmark cases: the same argv for ours and for the Go clusterctl. A case may prepare fresh
 * state for every run (e.g. a new API server for init); only the command itself is timed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type Etcd } from '../test/harness/apiserver.js';
import { writeProviderRepository } from '../test/fixtures/provider-repo.js';
import { createDescribeCluster, installDescribeCrds } from '../test/fixtures/describe-cluster.js';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClientFromConfig } from '../src/adapters/kube/client.js';

export interface PreparedRun {
  args: string[];
  /** Run node with args alone (no clusterctl): the floor of any Node.js CLI. */
  bare?: boolean;
  env?: Record<string, string>;
  cleanup?: () => Promise<void>;
}

export interface BenchCase {
  name: string;
  /** false: run ours only. */
  go?: boolean;
  /** Called before every timed run (not timed). */
  prepare: () => Promise<PreparedRun>;
  /** Called once after the case's last run. */
  teardown?: () => Promise<void>;
  /** Timed runs for this case (default: BENCH_RUNS). */
  runs?: number;
  /** false: no untimed first run (for slow cases). */
  warmup?: boolean;
  /** What issue 13 asks for: ours / Go wall time at most maxRatio, ours under maxMs and maxRssMb. */
  target?: { maxRatio?: number; maxMs?: number; maxRssMb?: number };
}

/** Start-up: within 1.5x of the Go binary. */
const startup = { maxRatio: 1.5 };

export function benchCases(root: string, _work: string, etcd: Etcd): BenchCase[] {
  const repoDir = mkdtempSync(join(tmpdir(), 'bench-repo-'));
  const repo = writeProviderRepository(repoDir, [{ version: 'v1.13.0' }, { version: 'v1.13.1' }]);
  const offline = join(root, 'templates', 'offline', 'clusterctl.yaml');
  return [
    {
      name: 'bare node -e 0 (the floor: Node.js start, no clusterctl)',
      go: false,
      prepare: () => Promise.resolve({ args: ['-e', '0'], bare: true }),
    },
    {
      name: 'version -o short (process start)',
      prepare: () => Promise.resolve({ args: ['version', '-o', 'short'] }),
      target: startup,
    },
    { name: '--help', prepare: () => Promise.resolve({ args: ['--help'] }), target: startup },
    { name: 'completion bash', prepare: () => Promise.resolve({ args: ['completion', 'bash'] }), target: startup },
    {
      name: 'generate cluster (offline docker template, 3 workers)',
      // The Go tool needs absolute provider URLs: give it the same repository through a generated config.
      prepare: () =>
        Promise.resolve({
          args: [
            'generate',
            'cluster',
            'bench',
            '--infrastructure',
            'docker:v1.13.5',
            '--kubernetes-version',
            'v1.35.0',
            '--worker-machine-count',
            '3',
            '-n',
            'default',
            '--config',
            offlineConfigFor(root, offline),
          ],
        }),
      target: startup,
    },
    ...describeCases(etcd),
    {
      name: 'init core+kubeadm+docker on a fresh API server (local repo)',
      prepare: async () => {
        const server = await startApiServer({ etcd, controllerManager: false });
        return {
          args: ['init', '-i', 'docker', '--config', repo.configPath, '--kubeconfig', server.kubeconfigPath],
          env: { HOME: repoDir },
          cleanup: () => server.stop(),
        };
      },
      target: { maxRatio: 0.8 },
    },
  ];
}

let offlineConfigPath: string | undefined;
function offlineConfigFor(root: string, _offline: string): string {
  if (offlineConfigPath) return offlineConfigPath;
  const dir = mkdtempSync(join(tmpdir(), 'bench-offline-'));
  offlineConfigPath = join(dir, 'clusterctl.yaml');
  const url = join(
    root,
    'templates',
    'offline',
    'infrastructure-docker',
    'latest',
    'infrastructure-components-development.yaml',
  );
  writeFileSync(offlineConfigPath, `providers:\n  - name: docker\n    type: InfrastructureProvider\n    url: ${url}\n`);
  return offlineConfigPath;
}

/**
 * describe cluster on a cluster with 1,000 machines (3 control plane, 997 in one MachineDeployment,
 * 5 of them not ready), each with its DockerMachine and KubeadmConfig: written once, described by
 * both tools; grouped (the default) and with --grouping=false (every machine a row, and the Go tool
 * reads each machine's infrastructure and bootstrap object one by one).
 */
function describeCases(etcd: Etcd): BenchCase[] {
  // BENCH_DESCRIBE_10K=1 adds a 10,000-machine cluster (writing it takes the API server ~15 minutes).
  const large = process.env.BENCH_DESCRIBE_10K === '1';
  let ready: Promise<{ kubeconfigPath: string; stop: () => Promise<void> }> | undefined;
  const server = () =>
    (ready ??= (async () => {
      const s = await startApiServer({ etcd, controllerManager: false });
      const kc = new KubeConfig();
      kc.loadFromString(s.kubeconfig);
      const client = createKubeClientFromConfig(kc);
      await installDescribeCrds(client);
      for (const [namespace, machines] of large
        ? ([
            ['bench', 1000],
            ['bench-10k', 10_000],
          ] as const)
        : ([['bench', 1000]] as const)) {
        await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
        await createDescribeCluster(client, {
          name: 'big',
          namespace,
          cpReplicas: 3,
          workerReplicas: machines - 3,
          notReadyWorkers: 5,
          concurrency: 32,
        });
      }
      return s;
    })());
  const args = async (namespace: string, ...flags: string[]) => ({
    args: ['describe', 'cluster', 'big', '-n', namespace, ...flags, '--kubeconfig', (await server()).kubeconfigPath],
  });
  let cases = large ? 3 : 2;
  const teardown = async () => {
    if (--cases === 0 && ready) await (await ready).stop();
  };
  const faster = { maxRatio: 1 };
  return [
    {
      name: 'describe cluster, 1,000 machines (grouped)',
      prepare: () => args('bench'),
      teardown,
      target: faster,
    },
    {
      name: 'describe cluster, 1,000 machines, --grouping=false',
      prepare: () => args('bench', '--grouping=false'),
      teardown,
      runs: 3,
      warmup: false,
      target: faster,
    },
    ...(large
      ? [
          {
            name: 'describe cluster, 10,000 machines (grouped)',
            prepare: () => args('bench-10k'),
            teardown,
            runs: 3,
            target: { maxMs: 3000, maxRssMb: 300 },
          },
        ]
      : []),
  ];
}
