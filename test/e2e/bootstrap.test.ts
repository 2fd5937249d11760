/**
 * `clusterctl create management-cluster` (alias `bootstrap`) end to end, through the built CLI:
 * the kind stand-in on PATH plays kind (each kind cluster a real API server), the simulated
 * provider plays the controllers (each workload cluster another real API server), and the real
 * move carries everything to the workload cluster. Also: a kill at the start of every step with
 * a re-run that finishes without duplicates, the wait step timing out on an unmet condition, an
 * existing bootstrap cluster instead of kind, and missing tools.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { listInstalledProviders } from '../../src/core/cluster/inventory.js';
import type { KubeClient } from '../../src/core/ports.js';
import { parseDocuments } from '../../src/core/yaml/documents.js';
import type { ApiServer } from '../harness/apiserver.js';
import { clusterctlBin, repoRoot, runClusterctl, type CliResult } from '../harness/cli.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';
import { startSimulatedProvider, type SimulatedProvider } from '../harness/simulated-provider.js';
import {
  bootstrapKubeconfigPath,
  flowArgs as standinFlowArgs,
  standinBin,
  standinEnv,
  watchKubeconfigFile,
} from '../harness/standins.js';
import { writeProviderRepository } from '../fixtures/provider-repo.js';

const capi = 'cluster.x-k8s.io/v1beta2';

describe('clusterctl create management-cluster', () => {
  let dir: string;
  let repo: { configPath: string };
  let toolsBin: string;
  const sims: SimulatedProvider[] = [];
  const servers: ApiServer[] = [];

  /** A bin folder holding only the given stand-ins (and nothing else from PATH). */
  const binWith = (name: string, tools: string[]) => standinBin(join(dir, name), tools);

  /** Everything one scenario needs: its own home, state and kind folders. */
  function scenario(name: string, path = `${toolsBin}:/usr/bin:/bin`) {
    const home = join(dir, name);
    mkdirSync(home, { recursive: true });
    const env = standinEnv(home, path, inject('sharedEtcdUrl') ?? '');
    return {
      home,
      env,
      stateDir: join(home, 'state', 'clusterctl-ts', 'bootstrap'),
      bootstrapKubeconfig: bootstrapKubeconfigPath(home, 'mgmt'),
      kubeconfigOut: join(home, 'mgmt.kubeconfig'),
      kindClusters: () =>
        existsSync(join(home, 'kind', 'clusters')) ? readdirSync(join(home, 'kind', 'clusters')) : [],
    };
  }

  const flowArgs = (name: string, out: string, ...extra: string[]) =>
    standinFlowArgs(name, repo.configPath, out, '--wait-timeout', '90s', ...extra);

  /** Starts a simulator that begins watching the bootstrap cluster as soon as its kubeconfig appears. */
  function simulator(kubeconfigPath: string, options: Parameters<typeof startSimulatedProvider>[0] = {}) {
    const sim = startSimulatedProvider(options);
    sims.push(sim);
    return { sim, stop: watchKubeconfigFile(sim, kubeconfigPath) };
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bootstrap-e2e-'));
    repo = writeProviderRepository(join(dir, 'repo'), [{ version: 'v1.14.0' }], '', { webhooks: false });
    toolsBin = binWith('tools-bin', ['kind', 'docker']);
  });
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.stop()));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  async function expectSelfManaged(kubeconfigPath: string, name: string, sim: SimulatedProvider): Promise<KubeClient> {
    const target = clientFor(readFileSync(kubeconfigPath, 'utf8'));
    const clusters = await target.list(capi, 'Cluster', { namespace: 'default' });
    expect(clusters.map((c) => c.metadata.name)).toEqual([name]);
    const machines = await target.list(capi, 'Machine', { namespace: 'default' });
    // 1 control plane + 2 workers, once each.
    expect(machines).toHaveLength(3);
    expect(await target.list(capi, 'MachineSet', { namespace: 'default' })).toHaveLength(1);
    expect((await listInstalledProviders(target)).map((p) => `${p.name}@${p.version}`)).toEqual([
      'cluster-api@v1.14.0',
      'bootstrap-kubeadm@v1.14.0',
      'control-plane-kubeadm@v1.14.0',
      'infrastructure-docker@v1.14.0',
    ]);
    expect(
      await target.get({ apiVersion: 'v1', kind: 'Secret', name: `${name}-kubeconfig`, namespace: 'default' }),
    ).toBeDefined();
    // The workload cluster's own API server is the one the kubeconfig points at, and has a Node per Machine.
    expect(sim.workloadClusters.size).toBe(1);
    const nodes = await target.list('v1', 'Node');
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual(machines.map((m) => m.metadata.name).sort());
    return target;
  }

  it('refuses to start without kind, or without the container runtime kind needs, before creating anything (exit 3)', async () => {
    const noKind = scenario('no-kind', `${binWith('docker-only', ['docker'])}:/usr/bin:/bin`);
    const r = await runClusterctl(flowArgs('mgmt', noKind.kubeconfigOut), { env: noKind.env });
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr).toContain('kind was not found on PATH');
    expect(r.stderr).toContain('go install sigs.k8s.io/kind@v0.32.0');
    expect(r.stderr).toContain('--bootstrap-kubeconfig');
    expect(existsSync(noKind.stateDir)).toBe(false);
    expect(existsSync(noKind.kubeconfigOut)).toBe(false);

    const noDocker = scenario('no-docker', `${binWith('kind-only', ['kind'])}:/usr/bin:/bin`);
    const d = await runClusterctl(flowArgs('mgmt', noDocker.kubeconfigOut), { env: noDocker.env });
    expect(d.exitCode, d.stderr).toBe(3);
    expect(d.stderr).toContain('docker was not found on PATH');
    expect(d.stderr).toContain('KIND_EXPERIMENTAL_PROVIDER');
    expect(noDocker.kindClusters()).toEqual([]);
    expect(existsSync(noDocker.stateDir)).toBe(false);

    const podman = await runClusterctl(flowArgs('mgmt', noDocker.kubeconfigOut), {
      env: { ...noDocker.env, KIND_EXPERIMENTAL_PROVIDER: 'podman' },
    });
    expect(podman.exitCode).toBe(3);
    expect(podman.stderr).toContain('podman was not found on PATH');
  });

  it(
    'runs the whole flow: kind, init, workload cluster, wait, kubeconfig, init, move, verify, delete',
    { timeout: 300_000 },
    async () => {
      const s = scenario('whole');
      const { sim, stop } = simulator(s.bootstrapKubeconfig);
      const r = await runClusterctl(flowArgs('mgmt', s.kubeconfigOut), { env: s.env, timeoutMs: 240_000 });
      stop();
      expect(r.exitCode, `${r.stderr}\n${[...sim.errors.values()].join('\n')}`).toBe(0);
      // Plain progress lines (not a TTY): one start and one done line per step, in order.
      const done = r.stderr.split('\n').filter((l) => l.startsWith('✓ ['));
      expect(done.map((l) => /^✓ \[(\d)\/9\]/.exec(l)?.[1])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
      expect(r.stderr).toContain('[1/9] Creating the bootstrap cluster (kind cluster mgmt-bootstrap)');
      expect(r.stderr).toContain('[7/9] Moving the Cluster API objects to mgmt');
      expect(r.stdout).toContain('Management cluster default/mgmt is ready and manages itself.');
      expect(r.stdout).toContain(`Kubeconfig: ${s.kubeconfigOut}`);
      expect(r.stdout).toMatch(/wait-provisioned\s+done\s+\d+\.\ds/);
      // No credentials in the output.
      expect(r.stderr + r.stdout).not.toMatch(/client-key-data|BEGIN [A-Z ]*PRIVATE KEY/);

      const target = await expectSelfManaged(s.kubeconfigOut, 'mgmt', sim);
      // It really manages: a second workload cluster applied to it gets provisioned (a third API server).
      const generated = await runClusterctl(
        [
          'generate',
          'cluster',
          'second',
          '-i',
          'docker',
          '--kubernetes-version',
          'v1.35.0',
          '-n',
          'default',
          '--config',
          repo.configPath,
          '--kubeconfig',
          s.kubeconfigOut,
        ],
        { env: s.env },
      );
      expect(generated.exitCode, generated.stderr).toBe(0);
      for (const obj of parseDocuments(generated.stdout, 'generate cluster second'))
        await target.apply(obj, { fieldManager: 'e2e', force: true });
      for (let i = 0; i < 150; i++) {
        if (await target.get({ apiVersion: 'v1', kind: 'Secret', name: 'second-kubeconfig', namespace: 'default' }))
          break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect([...sim.workloadClusters.keys()].sort()).toEqual(['default/mgmt', 'default/second']);
      // The kind cluster is gone, with its kubeconfig entries.
      expect(s.kindClusters()).toEqual([]);
      const bootstrapKubeconfig = readFileSync(s.bootstrapKubeconfig, 'utf8');
      expect(bootstrapKubeconfig).not.toContain('kind-mgmt-bootstrap');
      const state = JSON.parse(readFileSync(join(s.stateDir, 'mgmt.json'), 'utf8')) as { completedAt?: string };
      expect(state.completedAt).toBeDefined();

      // Running it again changes nothing.
      const again = await runClusterctl(flowArgs('mgmt', s.kubeconfigOut), { env: s.env });
      expect(again.exitCode, again.stderr).toBe(0);
      expect(again.stderr).toContain('was already created');
      expect(s.kindClusters()).toEqual([]);
    },
  );

  /** Runs the CLI with -o json; kills it (SIGKILL, or the given signal) once step `killAt` has started. */
  function runUntilStep(
    args: string[],
    env: Record<string, string>,
    killAt: number,
    signal: NodeJS.Signals = 'SIGKILL',
  ): Promise<CliResult & { started: string[]; killed: boolean }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [clusterctlBin, ...args, '-o', 'json'], {
        env: { ...env, NO_COLOR: '1', CLUSTERCTL_DISABLE_VERSIONCHECK: 'true' },
        cwd: repoRoot,
        stdio: 'pipe',
      });
      let stdout = '';
      let stderr = '';
      let buffered = '';
      let killed = false;
      const started: string[] = [];
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
        buffered += c;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          let event: { task?: string; state?: string };
          try {
            event = JSON.parse(line) as typeof event;
          } catch {
            continue;
          }
          const step = /^\[(\d+)\/\d+\]/.exec(event.task ?? '')?.[1];
          if (event.state === 'start' && step) {
            started.push(step);
            // The first step at or after killAt (a quick step may have finished before the last kill landed).
            if (Number(step) >= killAt && !killed) {
              killed = true;
              child.kill(signal);
            }
          }
        }
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
      child.on('error', reject);
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        resolve({ stdout, stderr, exitCode: code ?? (sig ? 128 : -1), started, killed });
      });
      child.stdin.end();
    });
  }

  it('resumes after a kill in each step and finishes without duplicates', { timeout: 300_000 }, async () => {
    const s = scenario('resume');
    const { sim, stop } = simulator(s.bootstrapKubeconfig);
    const args = flowArgs('mgmt', s.kubeconfigOut);
    for (let step = 1; step <= 9; step++) {
      // Ctrl-C once (the wait step): the command stops cleanly with exit 130; the others are killed outright.
      const signal = step === 4 ? 'SIGINT' : 'SIGKILL';
      const run = await runUntilStep(args, s.env, step, signal);
      expect(run.killed, `step ${step} never started:\n${run.stderr}`).toBe(true);
      // Each run starts with the step the previous one was killed in (or the next one, if that kill
      // landed just after the step had finished).
      expect([String(Math.max(1, step - 1)), String(step)]).toContain(run.started[0]);
      if (signal === 'SIGINT') {
        expect(run.exitCode, run.stderr).toBe(130);
        expect(run.stderr).toContain('Re-run the same command to continue');
      }
      if (step > 1) expect(run.stderr).toContain('Resuming the creation of management cluster mgmt');
    }
    const last = await runClusterctl(args, { env: s.env, timeoutMs: 240_000 });
    stop();
    expect(last.exitCode, `${last.stderr}\n${[...sim.errors.values()].join('\n')}`).toBe(0);
    expect(last.stderr).toContain('"delete-bootstrap-cluster" was interrupted and runs again');
    expect(last.stderr).toContain('(done in an earlier run)');
    await expectSelfManaged(s.kubeconfigOut, 'mgmt', sim);
    expect(s.kindClusters()).toEqual([]);
  });

  it(
    'uses an existing bootstrap cluster instead of kind; a wait that times out names the unmet condition, and a re-run continues',
    { timeout: 300_000 },
    async () => {
      const existing = await startExtraApiServer({ name: 'bootstrap-existing' });
      servers.push(existing);
      // No kind and no docker anywhere on PATH: neither is needed with --bootstrap-kubeconfig.
      const s = scenario('existing', `${binWith('empty-bin', [])}:${dirname(process.execPath)}`);
      const { sim, stop } = simulator(existing.kubeconfigPath, { withhold: 'ControlPlaneInitialized' });
      const args = [
        ...flowArgs('mgmt', s.kubeconfigOut, '--bootstrap-kubeconfig', existing.kubeconfigPath),
        '--wait-timeout',
        '6s',
      ];
      // On a busy machine the simulator may not have set the earlier conditions within 6 s: then the
      // wait names one of those. Each re-run continues the wait (state, not time) until the only
      // condition left unmet is the withheld one.
      const outputs: string[] = [];
      let timedOut = await runClusterctl(args, { env: s.env, timeoutMs: 240_000 });
      for (let run = 1; ; run++) {
        outputs.push(timedOut.stderr);
        expect(timedOut.exitCode, timedOut.stderr).toBe(8);
        expect(timedOut.stderr).toMatch(
          /timed out after 6\.0s waiting for the workload cluster to be provisioned: Cluster default\/mgmt: \S/,
        );
        if (timedOut.stderr.includes('condition ControlPlaneInitialized is not True') || run >= 10) break;
        timedOut = await runClusterctl(args, { env: s.env, timeoutMs: 240_000 });
      }
      expect(timedOut.stderr).toContain(
        'timed out after 6.0s waiting for the workload cluster to be provisioned: Cluster default/mgmt: condition ControlPlaneInitialized is not True',
      );
      expect(timedOut.stderr).toContain('reason WaitingForControlPlaneInitialization');
      expect(timedOut.stderr).toContain('Left behind:');
      expect(timedOut.stderr).toContain('Re-run the same command to continue from "wait-provisioned"');
      expect(timedOut.stderr).not.toContain('kind cluster');
      expect(outputs[0]).toContain('[1/7] Installing the providers on the bootstrap cluster');

      sim.setWithhold(undefined);
      const resumed = await runClusterctl(args, { env: s.env, timeoutMs: 240_000 });
      stop();
      expect(resumed.exitCode, `${resumed.stderr}\n${[...sim.errors.values()].join('\n')}`).toBe(0);
      expect(resumed.stderr).toContain(
        '✓ [1/7] Installing the providers on the bootstrap cluster (done in an earlier run)',
      );
      expect(resumed.stdout).toContain('was left as it was, without the moved objects');
      await expectSelfManaged(s.kubeconfigOut, 'mgmt', sim);
      // The existing cluster is still there, without the workload cluster's objects but with its providers.
      const source = clientFor(existing.kubeconfig);
      expect(await source.list(capi, 'Cluster', { namespace: 'default' })).toEqual([]);
      expect(await source.list(capi, 'Machine', { namespace: 'default' })).toEqual([]);
      expect((await listInstalledProviders(source)).length).toBe(4);
    },
  );
});
