/**
 * What a user does with the real Cluster API v1.13.5 controllers (core, kubeadm bootstrap, kubeadm
 * control plane and the docker provider's in-memory backend, run as processes by the harness): our
 * `init` installs the real providers, `generate cluster --flavor in-memory` piped to kubectl apply
 * is provisioned by the controllers until the Cluster is Available, then `describe cluster` (byte
 * for byte the Go clusterctl's output on this controller-written status), `get kubeconfig` (kubectl
 * against the in-memory workload API server), and a validation webhook's answer as our tool reports it.
 *
 * The docker provider's in-memory backend binds fixed ports, so only one runs per host: the harness
 * takes a host-wide lock (capi-controllers.ts), and this file runs its tests one after another.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClusterctlError } from '../../src/errors.js';
import type { KubeObject } from '../../src/types.js';
import { pointWebhooksAt } from '../harness/capi-controllers.js';
import { capdWaitMs, webhookSetupTimeoutMs } from '../harness/capi-webhooks.js';
import {
  cliHome,
  inMemoryClusterArgs,
  startCapiManagementCluster,
  type CapiManagementCluster,
} from '../harness/capi-management.js';
import { runClusterctl, type CliResult } from '../harness/cli.js';
import { goClusterctlPath, runGoClusterctl, runProcess } from '../harness/go-clusterctl.js';
import { startExtraApiServer } from '../harness/index.js';

const kubectl = '/usr/bin/kubectl';
const namespace = 'default';
const provisionTimeoutMs = 6 * 60_000;

function run(binary: string, args: string[], input = ''): Promise<CliResult> {
  return runProcess(binary, args, { env: { PATH: process.env.PATH ?? '', HOME: tmpdir() }, input });
}

function condition(obj: KubeObject | undefined, type: string): { status?: string; reason?: string } | undefined {
  const conditions = (obj?.status as { conditions?: { type: string; status?: string; reason?: string }[] } | undefined)
    ?.conditions;
  return conditions?.find((c) => c.type === type);
}

describe('the real Cluster API v1.13.5 controllers', () => {
  let dir: string;
  let mgmt: CapiManagementCluster;
  let env: Record<string, string>;
  const ours = (...args: string[]) =>
    runClusterctl([...args, '--kubeconfig', mgmt.server.kubeconfigPath], { env, timeoutMs: 120_000 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'real-capi-'));
    env = cliHome(join(dir, 'cli-home'));
    const server = await startExtraApiServer({ name: 'real-capi' });
    mgmt = await startCapiManagementCluster({ dir, server, capdLockTimeoutMs: capdWaitMs });
  }, webhookSetupTimeoutMs);
  afterAll(async () => {
    await mgmt?.stop();
  });
  beforeEach((ctx) => {
    // Per-test controller logs, printed when the test fails.
    const since = mgmt.controllers.markLogs();
    ctx.onTestFailed(() => {
      const text = since();
      process.stderr.write(`controller logs during "${ctx.task.name}":\n${text.slice(-60_000)}\n`);
    });
  });

  it('installs the real providers with our init and serves every webhook from the managers', async () => {
    expect(mgmt.init.stderr).toContain('Installed infrastructure-docker v1.13.5 in namespace capd-system');
    expect(mgmt.controllers.managers.map((m) => m.provider)).toEqual([
      'cluster-api',
      'bootstrap-kubeadm',
      'control-plane-kubeadm',
      'infrastructure-docker',
    ]);
    // 30 CRDs with conversion webhooks + a validating and a mutating configuration per provider.
    expect(mgmt.controllers.webhookObjects).toBe(37);
    const providers = await mgmt.client.list('clusterctl.cluster.x-k8s.io/v1alpha3', 'Provider');
    expect(providers.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort()).toEqual([
      'capd-system/infrastructure-docker',
      'capi-kubeadm-bootstrap-system/bootstrap-kubeadm',
      'capi-kubeadm-control-plane-system/control-plane-kubeadm',
      'capi-system/cluster-api',
    ]);
  });

  it(
    'provisions a generated in-memory cluster until the controllers report it Available',
    async () => {
      const generated = await ours(
        'generate',
        'cluster',
        'c1',
        '--infrastructure',
        'docker',
        ...inMemoryClusterArgs,
        '--config',
        mgmt.configPath,
      );
      expect(generated.stderr).toBe('');
      expect(generated.exitCode).toBe(0);
      const applied = await run(
        kubectl,
        ['--kubeconfig', mgmt.server.kubeconfigPath, 'apply', '-f', '-'],
        generated.stdout,
      );
      expect(applied.stderr).toBe('');
      expect(applied.stdout).toContain('cluster.cluster.x-k8s.io/c1 created');

      const ref = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', name: 'c1', namespace };
      const deadline = Date.now() + provisionTimeoutMs;
      let cluster = await mgmt.client.get(ref);
      while (condition(cluster, 'Available')?.status !== 'True') {
        if (Date.now() > deadline)
          throw new Error(
            `Cluster c1 not Available after ${provisionTimeoutMs / 1000}s: ${JSON.stringify(cluster?.status)}`,
          );
        await new Promise((r) => setTimeout(r, 2000));
        cluster = await mgmt.client.get(ref);
      }
      const machines = await mgmt.client.list('cluster.x-k8s.io/v1beta2', 'Machine', { namespace });
      expect(machines).toHaveLength(3);
      for (const m of machines) expect((m.status as { nodeRef?: { name: string } }).nodeRef?.name).toBeTruthy();
      // The v1beta1 view is served through the core manager's conversion webhook.
      const v1beta1 = await run(kubectl, [
        '--kubeconfig',
        mgmt.server.kubeconfigPath,
        'get',
        'clusters.v1beta1.cluster.x-k8s.io',
        '-n',
        namespace,
        '-o',
        'name',
      ]);
      expect(v1beta1.exitCode).toBe(0);
      expect(v1beta1.stdout).toBe('cluster.cluster.x-k8s.io/c1\n');
    },
    provisionTimeoutMs + 120_000,
  );

  it('describes the controller-written cluster byte for byte like the Go clusterctl', async () => {
    const go = goClusterctlPath();
    expect(go, 'the Go clusterctl (npm run setup:go-clusterctl)').toBeDefined();
    for (const flags of [
      [],
      ['--show-conditions', 'all'],
      ['--grouping=false', '--show-machinesets', '--show-templates', '--echo'],
      ['--show-conditions', 'KubeadmControlPlane,Machine+', '--show-resourcesets'],
    ]) {
      const args = ['describe', 'cluster', 'c1', '-n', namespace, ...flags];
      // SINCE columns are relative times at one-second resolution, and node starts slower than the
      // Go binary (by a varying amount on a loaded machine): offset the two starts a little more each
      // attempt, either way, and take the first attempt where the outputs are byte-identical.
      let pair: [CliResult, CliResult] | undefined;
      for (let attempt = 0; attempt < 12; attempt++) {
        const offset = (attempt % 2 === 0 ? 1 : -1) * Math.ceil(attempt / 2) * 400;
        const later = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
        pair = await Promise.all([
          later(-offset).then(() => ours(...args)),
          later(offset).then(() =>
            runGoClusterctl(go!, [...args, '--kubeconfig', mgmt.server.kubeconfigPath], { env }),
          ),
        ]);
        if (pair[0].stdout === pair[1].stdout) break;
      }
      const [mine, theirs] = pair!;
      expect(theirs.exitCode).toBe(0);
      expect(mine.exitCode).toBe(0);
      // When no attempt read the clock at the same second, only the SINCE ages may differ.
      const ages = (text: string) => text.replace(/\b\d+(m\d+)?s\b/g, 'AGE').replace(/ +/g, ' ');
      if (mine.stdout !== theirs.stdout)
        expect(ages(mine.stdout), `describe ${flags.join(' ')}`).toBe(ages(theirs.stdout));
      expect(mine.stdout).toMatch(/^Cluster\/c1 /m);
    }
  });

  it('gets the workload kubeconfig, and kubectl lists the nodes of the in-memory workload cluster', async () => {
    const result = await ours('get', 'kubeconfig', 'c1', '-n', namespace);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('server: https://127.0.0.1:');
    const path = join(dir, 'c1.kubeconfig');
    writeFileSync(path, result.stdout, { mode: 0o600 });
    const nodes = await run(kubectl, ['--kubeconfig', path, 'get', 'nodes', '-o', 'name']);
    expect(nodes.stderr).toBe('');
    expect(nodes.exitCode).toBe(0);
    const names = nodes.stdout.trim().split('\n');
    expect(names).toHaveLength(3);
    const machines = await mgmt.client.list('cluster.x-k8s.io/v1beta2', 'Machine', { namespace });
    expect(names.sort()).toEqual(
      machines.map((m) => `node/${(m.status as { nodeRef: { name: string } }).nodeRef.name}`).sort(),
    );
  });

  it("reports the Cluster validation webhook's rejection clearly", async () => {
    const bad: KubeObject = {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { name: 'bad-cidr', namespace },
      spec: { clusterNetwork: { pods: { cidrBlocks: ['10.0.0.0/33'] } } },
    };
    const error = await mgmt.client.apply(bad, { dryRun: true, force: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ClusterctlError);
    const e = error as ClusterctlError;
    expect(e.code).toBe('REJECTED');
    expect(e.message).toContain('bad-cidr');
    expect(e.message).toContain('admission webhook "validation.cluster.cluster.x-k8s.io" denied the request');
    expect(e.message).toContain('10.0.0.0/33');
    expect(e.hint).toMatch(/webhook/);
    expect(await mgmt.client.get({ apiVersion: bad.apiVersion, kind: 'Cluster', name: 'bad-cidr', namespace })).toBe(
      undefined,
    );
  });

  it('plans no upgrade for the installed v1.13.5 providers, like the Go clusterctl', async () => {
    const go = goClusterctlPath();
    const args = ['upgrade', 'plan', '--config', mgmt.configPath];
    const [mine, theirs] = await Promise.all([
      ours(...args),
      runGoClusterctl(go!, [...args, '--kubeconfig', mgmt.server.kubeconfigPath], { env }),
    ]);
    expect(theirs.exitCode).toBe(0);
    expect(mine.exitCode).toBe(0);
    expect(mine.stdout).toBe(theirs.stdout);
    expect(mine.stdout).toContain('You are already up to date!');
  });

  describe('move to a second management cluster with the controllers running on both sides', () => {
    let target: CapiManagementCluster;
    const clusterRef = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', name: 'c1', namespace };

    beforeAll(async () => {
      const server = await startExtraApiServer({ name: 'real-capi-target' });
      // The target's docker provider may only start once the source's has exited (fixed ports).
      target = await startCapiManagementCluster({
        dir: join(dir, 'target'),
        server,
        startNow: ['cluster-api', 'bootstrap-kubeadm', 'control-plane-kubeadm'],
      });
    }, 20 * 60_000);
    afterAll(async () => {
      await target?.stop();
    });

    it(
      'moves the provisioned cluster, and after the docker provider swap the target reports it Available',
      async () => {
        const before = await mgmt.client.list('cluster.x-k8s.io/v1beta2', 'Machine', { namespace });
        // One docker provider per host: until the swap, the source's CAPD also answers the target's
        // docker webhooks (same binary; it defaults and validates the Dev* objects being created).
        const sourceCapd = mgmt.controllers.managers.find((m) => m.provider === 'infrastructure-docker')!;
        await pointWebhooksAt(target.client, 'infrastructure-docker', sourceCapd.webhookPort, mgmt.controllers.caCert);
        const result = await ours('move', '--to-kubeconfig', target.server.kubeconfigPath, '-n', namespace);
        expect(result.stderr).not.toMatch(/Error|error:/);
        expect(result.exitCode).toBe(0);
        // Nothing of the cluster is left on the source; the target has every machine, unpaused.
        expect(await mgmt.client.get(clusterRef)).toBeUndefined();
        const moved = await target.client.get(clusterRef);
        expect((moved?.spec as { paused?: boolean } | undefined)?.paused).not.toBe(true);
        const machines = await target.client.list('cluster.x-k8s.io/v1beta2', 'Machine', { namespace });
        expect(machines.map((m) => m.metadata.name).sort()).toEqual(before.map((m) => m.metadata.name).sort());

        await mgmt.controllers.stopManager('infrastructure-docker');
        await target.controllers.startManager('infrastructure-docker');
        const deadline = Date.now() + provisionTimeoutMs;
        let cluster = await target.client.get(clusterRef);
        while (condition(cluster, 'Available')?.status !== 'True') {
          if (Date.now() > deadline)
            throw new Error(
              `moved Cluster c1 not Available after ${provisionTimeoutMs / 1000}s: ${JSON.stringify(cluster?.status)}`,
            );
          await new Promise((r) => setTimeout(r, 2000));
          cluster = await target.client.get(clusterRef);
        }
      },
      provisionTimeoutMs + 180_000,
    );

    it('deletes every provider from the target with delete --all', async () => {
      const result = await runClusterctl(
        ['delete', '--all', '--config', target.configPath, '--kubeconfig', target.server.kubeconfigPath],
        { env, timeoutMs: 300_000 },
      );
      expect(result.exitCode).toBe(0);
      expect(await target.client.list('clusterctl.cluster.x-k8s.io/v1alpha3', 'Provider')).toEqual([]);
      // The providers' controllers' Deployments are gone; their namespaces stay without --include-namespace.
      for (const ns of ['capi-system', 'capd-system'])
        expect(await target.client.list('apps/v1', 'Deployment', { namespace: ns })).toEqual([]);
      // The CRDs (and so the moved cluster's objects) stay: delete --all keeps them without --include-crd.
      expect(await target.client.get(clusterRef)).toBeDefined();
    });
  });
});
