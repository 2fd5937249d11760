/**
 * Management clusters for tests that write Cluster API objects themselves (move, describe): a
 * harness API server per name, on which our own `init` installed the real Cluster API providers
 * from ../shared/fixtures/capi-repo (CRDs with their structural schemas, defaulting and validation,
 * conversion webhooks, webhook configurations), and the real managers serving every admission and
 * conversion webhook of those clusters.
 *
 * The managers' controllers reconcile only objects with a watch-filter label no test sets
 * (`--watch-filter`), so the objects a test writes, and the status it writes as the controllers
 * would, are left as they are: what is
 * real here is what the API server and the providers' webhooks accept, default and convert.
 * Provisioning by the controllers is covered by real-capi.test.ts.
 *
 * The docker provider's manager (CAPD) binds fixed host ports, so one CAPD runs per host (a lock,
 * capi-controllers.ts): it runs for the first cluster, and the docker webhooks of the other clusters
 * point at it (its validation, defaulting and conversion read nothing from the cluster).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeClient } from '../../src/core/ports.js';
import type { ApiServer } from './apiserver.js';
import { capiVersion, pointWebhooksAt, startCapiControllers, type CapiControllers } from './capi-controllers.js';
import { initRealProviders, writeCapiConfig } from './capi-management.js';
import { clientFor, startExtraApiServer } from './index.js';

/**
 * How long to wait for the host's CAPD: the files that need one run one after another (real-capi,
 * move, move-safety, move-go-parity, describe), so the last may wait for all the others.
 */
export const capdWaitMs = 40 * 60_000;

/** A beforeAll timeout that covers the wait for CAPD plus the set-up itself. */
export const webhookSetupTimeoutMs = capdWaitMs + 10 * 60_000;

/** The `cluster.x-k8s.io/watch-filter` value the managers' controllers reconcile: no test sets it. */
export const idleWatchFilter = 'capi-controllers-idle';

export interface WebhookServedCluster {
  readonly server: ApiServer;
  readonly client: KubeClient;
  readonly controllers: CapiControllers;
}

export interface WebhookServedClusters {
  readonly clusters: WebhookServedCluster[];
  /** The clusterctl.yaml naming the local repository. */
  readonly configPath: string;
  /** Last lines of every manager's log, for failure reports. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export interface WebhookServedOptions {
  /** One API server per name. */
  names: string[];
  /** Certificates, logs, the clusterctl.yaml and the CLI's HOME. */
  dir: string;
  /** The providers' release (default v1.13.5; the managers are always v1.13.5). */
  version?: string;
}

/**
 * Serves the webhooks of the real providers already installed on `servers` (by either tool's
 * `init`): the managers with idle controllers, one CAPD for all (see above). The first server's
 * cluster gets every manager.
 */
export async function serveRealWebhooks(
  servers: ApiServer[],
  dir: string,
  capdLockTimeoutMs = capdWaitMs,
): Promise<WebhookServedCluster[]> {
  const clusters: WebhookServedCluster[] = [];
  try {
    for (const [i, server] of servers.entries()) {
      const client = clientFor(server.kubeconfig);
      const first = clusters[0];
      const controllers = await startCapiControllers({
        kubeconfigPath: server.kubeconfigPath,
        client,
        dir: join(dir, `controllers-${i}`),
        watchFilter: idleWatchFilter,
        capdLockTimeoutMs,
        ...(first ? { providers: ['cluster-api', 'bootstrap-kubeadm', 'control-plane-kubeadm'] as const } : {}),
      });
      clusters.push({ server, client, controllers });
      if (first) {
        const capd = first.controllers.managers.find((m) => m.provider === 'infrastructure-docker')!;
        await pointWebhooksAt(client, 'infrastructure-docker', capd.webhookPort, first.controllers.caCert);
      }
    }
  } catch (error) {
    await stopControllers(clusters);
    throw error;
  }
  return clusters;
}

/** Stops the managers serveRealWebhooks started (the docker provider's last). */
export async function stopControllers(clusters: readonly WebhookServedCluster[]): Promise<void> {
  for (const c of [...clusters].reverse()) await c.controllers.stop();
}

/** Starts the API servers, installs the real providers with our `init` and serves their webhooks. */
export async function startWebhookServedClusters(options: WebhookServedOptions): Promise<WebhookServedClusters> {
  mkdirSync(options.dir, { recursive: true });
  const configPath = writeCapiConfig(options.dir);
  const servers = await Promise.all(options.names.map((name) => startExtraApiServer({ name })));
  let clusters: WebhookServedCluster[] = [];
  const stop = async () => {
    await stopControllers(clusters);
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    await Promise.all(
      servers.map((server, i) =>
        initRealProviders(server, configPath, join(options.dir, `home-${i}`), options.version ?? capiVersion),
      ),
    );
    clusters = await serveRealWebhooks(servers, options.dir);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    clusters,
    configPath,
    logTail: (lines) => clusters.map((c) => c.controllers.logTail(lines)).join('\n'),
    stop,
  };
}
