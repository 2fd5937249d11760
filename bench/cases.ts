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
}

export function benchCases(root: string, _work: string, etcd: Etcd): BenchCase[] {
  const repoDir = mkdtempSync(join(tmpdir(), 'bench-repo-'));
  const repo = writeProviderRepository(repoDir, [{ version: 'v1.13.0' }, { version: 'v1.13.1' }]);
  const offline = join(root, 'templates', 'offline', 'clusterctl.yaml');
  return [
    { name: 'version -o short (process start)', prepare: () => Promise.resolve({ args: ['version', '-o', 'short'] }) },
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
  let ready: Promise<{ kubeconfigPath: string; stop: () => Promise<void> }> | undefined;
  const server = () =>
    (ready ??= (async () => {
      const s = await startApiServer({ etcd, controllerManager: false });
      const kc = new KubeConfig();
      kc.loadFromString(s.kubeconfig);
      const client = createKubeClientFromConfig(kc);
      await installDescribeCrds(client);
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
      await createDescribeCluster(client, {
        name: 'big',
        namespace: 'bench',
        cpReplicas: 3,
        workerReplicas: 997,
        notReadyWorkers: 5,
        concurrency: 32,
      });
      return s;
    })());
  const args = async (...flags: string[]) => ({
    args: ['describe', 'cluster', 'big', '-n', 'bench', ...flags, '--kubeconfig', (await server()).kubeconfigPath],
  });
  let cases = 2;
  const teardown = async () => {
    if (--cases === 0 && ready) await (await ready).stop();
  };
  return [
    { name: 'describe cluster, 1,000 machines (grouped)', prepare: () => args(), teardown },
    {
      name: 'describe cluster, 1,000 machines, --grouping=false',
      prepare: () => args('--grouping=false'),
      teardown,
      runs: 3,
    },
  ];
}
