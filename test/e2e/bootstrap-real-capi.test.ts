/**
 * `clusterctl create management-cluster` against the real Cluster API v1.13.5 controllers.
 *
 * Real: the bootstrap cluster is a harness API server (passed with --bootstrap-kubeconfig) on which
 * our own `init` installed the real core, kubeadm and docker providers from ../shared/fixtures/capi-repo,
 * with their four managers running (test/harness/capi-management.ts; the docker provider's in-memory
 * backend). The command generates the in-memory flavor, applies it through the providers' webhooks,
 * and its wait step ends on the status the controllers write. `get-kubeconfig` writes the kubeconfig
 * the control plane controller stored, which points at the in-memory workload API server.
 *
 * Stand-in: that in-memory API server cannot hold CRDs, so the pivot cannot happen on it (the command
 * stops there with a clear error and keeps its state). The test then points the written kubeconfig at
 * a second, empty harness API server and re-runs the command: its own init installs the real
 * providers there, and the move fails clearly since nothing runs their webhooks yet (no kubelet
 * here). Once the harness runs their managers, a re-run continues with move and verify. After the
 * docker provider swap (one in-memory backend per host), the moved cluster is Available again under
 * the target's controllers.
 *
 * Runs one test after another: the docker provider's in-memory backend binds fixed ports (host lock).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listInstalledProviders } from '../../src/core/cluster/inventory.js';
import type { KubeClient } from '../../src/core/ports.js';
import type { KubeObject } from '../../src/types.js';
import type { ApiServer } from '../harness/apiserver.js';
import {
  capiVersion,
  pointWebhooksAt,
  startCapiControllers,
  type CapiControllers,
} from '../harness/capi-controllers.js';
import {
  capiInitArgs,
  inMemoryClusterArgs,
  cliHome,
  startCapiManagementCluster,
  type CapiManagementCluster,
} from '../harness/capi-management.js';
import { runClusterctl, type CliResult } from '../harness/cli.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';

const capi = 'cluster.x-k8s.io/v1beta2';
const namespace = 'default';
const name = 'mgmt';
const provisionTimeoutMs = 8 * 60_000;
const clusterRef = { apiVersion: capi, kind: 'Cluster', name, namespace };

type Condition = { type: string; status?: string; reason?: string };
const condition = (obj: KubeObject | undefined, type: string): Condition | undefined =>
  (obj?.status as { conditions?: Condition[] } | undefined)?.conditions?.find((c) => c.type === type);

/** Polls until the Cluster on `client` reports Available=True (the controllers' own verdict). */
async function waitAvailable(client: KubeClient, what: string): Promise<KubeObject> {
  const deadline = Date.now() + provisionTimeoutMs;
  for (;;) {
    const cluster = await client.get(clusterRef);
    if (condition(cluster, 'Available')?.status === 'True') return cluster!;
    if (Date.now() > deadline)
      throw new Error(`${what}: not Available after ${provisionTimeoutMs / 1000}s: ${JSON.stringify(cluster?.status)}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

describe('clusterctl create management-cluster with the real Cluster API controllers', () => {
  let dir: string;
  let env: Record<string, string>;
  let bootstrap: CapiManagementCluster;
  let kubeconfigOut: string;
  let first: CliResult;

  const args = () => [
    'create',
    'management-cluster',
    name,
    ...capiInitArgs(),
    ...inMemoryClusterArgs,
    '--config',
    bootstrap.configPath,
    '--bootstrap-kubeconfig',
    bootstrap.server.kubeconfigPath,
    '--kubeconfig-out',
    kubeconfigOut,
    '--wait-timeout',
    `${provisionTimeoutMs / 1000}s`,
  ];
  const create = () => runClusterctl(args(), { env, timeoutMs: provisionTimeoutMs + 240_000 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bootstrap-real-capi-'));
    env = {
      ...cliHome(join(dir, 'cli-home')),
      XDG_STATE_HOME: join(dir, 'cli-home', 'state'),
      CLUSTER_TOPOLOGY: 'true',
    };
    kubeconfigOut = join(dir, `${name}.kubeconfig`);
    const server = await startExtraApiServer({ name: 'bootstrap-real-capi' });
    bootstrap = await startCapiManagementCluster({ dir: join(dir, 'bootstrap'), server });
  }, 20 * 60_000);
  afterAll(async () => {
    await bootstrap?.stop();
  });
  beforeEach((ctx) => {
    const since = bootstrap.controllers.markLogs();
    ctx.onTestFailed(() => {
      process.stderr.write(`controller logs during "${ctx.task.name}":\n${since().slice(-60_000)}\n`);
    });
  });

  it(
    'waits on the status the real controllers write, writes the kubeconfig they stored, and stops clearly at the pivot onto the in-memory workload API server',
    async () => {
      first = await create();
      const out = `${first.stderr}\n${first.stdout}`;
      // Steps 1-5 of 7 (no kind): init finds the providers the harness installed, the workload cluster
      // is created through the real webhooks, and the wait ends on controller-written status.
      for (const step of [1, 2, 3, 4]) expect(first.stderr, out).toMatch(new RegExp(`✓ \\[${step}/7\\] `));
      expect(first.stderr).toContain(`[3/7] Waiting for the workload cluster ${namespace}/${name} to be provisioned`);
      const cluster = await bootstrap.client.get(clusterRef);
      const status = cluster?.status as { initialization?: Record<string, boolean> } | undefined;
      expect(status?.initialization).toMatchObject({ infrastructureProvisioned: true, controlPlaneInitialized: true });
      expect(condition(cluster, 'ControlPlaneInitialized')?.status).toBe('True');
      const machines = await bootstrap.client.list(capi, 'Machine', { namespace });
      expect(machines).toHaveLength(3);
      for (const m of machines) expect((m.status as { nodeRef?: { name?: string } }).nodeRef?.name).toBeTruthy();
      // The kubeconfig is the one the kubeadm control plane controller stored: the in-memory API server.
      expect(readFileSync(kubeconfigOut, 'utf8')).toMatch(/server: https:\/\/127\.0\.0\.1:\d+/);
      // The controllers then report the cluster Available on their own.
      await waitAvailable(bootstrap.client, 'the workload cluster on the bootstrap cluster');

      // The in-memory workload API server serves no CRDs: init there fails, naming the cluster, and
      // the run keeps its state to continue.
      expect(first.exitCode, out).toBe(1);
      expect(first.stderr).toContain('[5/7] Installing the same providers on mgmt');
      // It names the cluster, its kubeconfig and what is wrong with its server (it was a bare
      // "could not read the server version: 404: Page Not Found").
      expect(first.stderr).toContain(
        `Error: installing the providers on the new cluster mgmt (kubeconfig ${kubeconfigOut})`,
      );
      expect(first.stderr).toMatch(
        /the server https:\/\/127\.0\.0\.1:\d+ \(context "[^"]+"\) is not a full Kubernetes API server: it answers 404 Not Found to GET \/version/,
      );
      expect(first.stderr).toContain('in-memory infrastructure provider cannot become management clusters');
      expect(first.stderr).toContain('Re-run the same command to continue from "init-workload-cluster"');
      expect(first.stderr).not.toMatch(/client-key-data|BEGIN [A-Z ]*PRIVATE KEY/);
    },
    provisionTimeoutMs + 300_000,
  );

  describe('the pivot, onto a stand-in for the workload cluster', () => {
    let server: ApiServer;
    let targetClient: KubeClient;
    let controllers: CapiControllers | undefined;

    beforeAll(async () => {
      server = await startExtraApiServer({ name: 'bootstrap-real-capi-target' });
      targetClient = clientFor(server.kubeconfig);
    }, 5 * 60_000);
    afterAll(async () => {
      await controllers?.stop();
      await server?.stop();
    });

    it(
      "installs the providers on it with the command's own init; the move fails clearly while their controllers are not running, leaving a way on and a way back",
      async () => {
        expect(first, 'the first run').toBeDefined();
        writeFileSync(kubeconfigOut, server.kubeconfig, { mode: 0o600 });
        const run = await create();
        const out = `${run.stderr}\n${run.stdout}`;
        expect(run.stderr, out).toContain('Resuming the creation of management cluster mgmt');
        expect(run.stderr, out).toMatch(/✓ \[5\/7\] Installing the same providers on mgmt \(\d/);
        expect((await listInstalledProviders(targetClient)).map((p) => `${p.name}@${p.version}`).sort()).toEqual([
          `bootstrap-kubeadm@${capiVersion}`,
          `cluster-api@${capiVersion}`,
          `control-plane-kubeadm@${capiVersion}`,
          `infrastructure-docker@${capiVersion}`,
        ]);
        // Nothing answers the providers' webhooks on the new cluster yet (no kubelet runs their Pods).
        expect(run.exitCode, out).not.toBe(0);
        expect(run.stderr, out).toMatch(/failed calling webhook "[a-z.-]+\.x-k8s\.io"/);
        expect(run.stderr, out).toContain('check that the provider controller that serves it is running');
        // The move's journal keeps the bootstrap cluster's cluster paused: continue this command, or
        // roll the move back first (this command has no --rollback flag; it was suggested before).
        const cluster = await bootstrap.client.get(clusterRef);
        expect((cluster?.spec as { paused?: boolean } | undefined)?.paused, out).toBe(true);
        expect(run.stderr, out).toContain('Re-run the same command to continue from "move"');
        expect(run.stderr, out).not.toContain('add --rollback');
        expect(run.stderr, out).toContain(
          `to clean up instead: clusterctl move --rollback --kubeconfig ${bootstrap.server.kubeconfigPath} --to-kubeconfig ${kubeconfigOut} -n ${namespace} && kubectl`,
        );
      },
      provisionTimeoutMs,
    );

    it(
      'continues, once the controllers run there, with move (checked on both clusters) and verify; the target then runs the cluster',
      async () => {
        const before = await bootstrap.client.list(capi, 'Machine', { namespace });
        // The managers of the providers our init installed there (the docker provider's only after the
        // swap: until then the bootstrap cluster's answers its webhooks).
        controllers = await startCapiControllers({
          kubeconfigPath: server.kubeconfigPath,
          client: targetClient,
          dir: join(dir, 'target-controllers'),
          startNow: ['cluster-api', 'bootstrap-kubeadm', 'control-plane-kubeadm'],
        });
        const sourceCapd = bootstrap.controllers.managers.find((m) => m.provider === 'infrastructure-docker')!;
        await pointWebhooksAt(
          targetClient,
          'infrastructure-docker',
          sourceCapd.webhookPort,
          bootstrap.controllers.caCert,
        );
        const resumed = await create();
        expect(resumed.exitCode, `${resumed.stderr}\n${resumed.stdout}`).toBe(0);
        expect(resumed.stderr).toContain('✓ [5/7] Installing the same providers on mgmt (done in an earlier run)');
        expect(resumed.stdout).toContain(`Management cluster ${namespace}/${name} is ready and manages itself.`);
        expect(resumed.stdout).toContain('was left as it was, without the moved objects');

        // Everything of the cluster is on the target, unpaused; nothing of it is left on the bootstrap cluster.
        expect(await bootstrap.client.get(clusterRef)).toBeUndefined();
        expect(await bootstrap.client.list(capi, 'Machine', { namespace })).toEqual([]);
        const moved = await targetClient.get(clusterRef);
        expect((moved?.spec as { paused?: boolean } | undefined)?.paused).not.toBe(true);
        const machines = await targetClient.list(capi, 'Machine', { namespace });
        expect(machines.map((m) => m.metadata.name).sort()).toEqual(before.map((m) => m.metadata.name).sort());

        // The docker provider swap (one in-memory backend per host): the target's controllers take over.
        await bootstrap.controllers.stopManager('infrastructure-docker');
        await controllers.startManager('infrastructure-docker');
        await waitAvailable(targetClient, 'the moved cluster on the target');
      },
      provisionTimeoutMs + 300_000,
    );
  });
});
