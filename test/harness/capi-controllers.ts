/**
 * The real Cluster API v1.13.5 controllers as plain processes against a harness API server (no
 * containers): core, kubeadm bootstrap, kubeadm control plane and the docker provider (CAPD) with
 * its in-memory backend, built by scripts/setup-capi.sh. `init` installs the providers' webhooks
 * and conversion webhooks pointing at in-cluster Services that do not exist here; like envtest,
 * this module issues one CA and a serving certificate for 127.0.0.1 and points every webhook of
 * each provider at its manager's port. CAPD's in-memory backend binds fixed ports (19000, and
 * 20000-30000 for the workload clusters), so only one CAPD runs per host: a lock file serialises
 * them across test files, workers and `npm run apiserver -- up --capi`.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../../src/core/ports.js';
import type { KubeObject } from '../../src/types.js';
import { freePort, spawnLogged, startWatchdog, stopProcess, tail, type Spawned } from './apiserver.js';
import { cacheRoot } from './binaries.js';
import { createCertificateAuthority, issueCertificate } from './certs.js';

export const capiVersion = 'v1.13.5';

/** The managers, by the `cluster.x-k8s.io/provider` label of the objects `init` installs. */
export const capiManagers = [
  { provider: 'cluster-api', binary: 'cluster-api-manager' },
  { provider: 'bootstrap-kubeadm', binary: 'kubeadm-bootstrap-manager' },
  { provider: 'control-plane-kubeadm', binary: 'kubeadm-control-plane-manager' },
  { provider: 'infrastructure-docker', binary: 'capd-manager' },
] as const;

export type CapiProvider = (typeof capiManagers)[number]['provider'];

const providerLabel = 'cluster.x-k8s.io/provider';
const capdProvider: CapiProvider = 'infrastructure-docker';

/** The folder holding the four managers, or an error that says how to get them. */
export function findCapiBinaries(env: NodeJS.ProcessEnv = process.env): string {
  const dirs = [env.CLUSTERCTL_TS_CAPI_BIN_DIR, join(cacheRoot(env), 'capi', capiVersion)];
  for (const dir of dirs) {
    if (dir && capiManagers.every((m) => existsSync(join(dir, m.binary)))) return dir;
  }
  throw new Error(
    `the Cluster API ${capiVersion} managers (${capiManagers.map((m) => m.binary).join(', ')}) were not found in ` +
      `${env.CLUSTERCTL_TS_CAPI_BIN_DIR ? '$CLUSTERCTL_TS_CAPI_BIN_DIR or ' : ''}${dirs[1]}. Run 'npm run setup:capi' ` +
      `(builds them with 'go' from the Go module proxy), or set CLUSTERCTL_TS_CAPI_BIN_DIR to a folder holding them.`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------------------------------------
// One CAPD per host
// ------------------------------------------------------------------------------------------------

export function capdLockPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'capd.lock');
}

export interface CapdLock {
  /** Records the process that now holds the ports (the CAPD manager itself). */
  handOver(pid: number): void;
  release(): void;
}

/**
 * Takes the host-wide CAPD lock: a file holding the pid of the process that owns CAPD's fixed
 * ports. A lock whose process is gone is stale and taken over. Waits up to `timeoutMs` for a live one.
 */
export async function acquireCapdLock(timeoutMs = 15 * 60_000): Promise<CapdLock> {
  const path = capdLockPath();
  mkdirSync(join(path, '..'), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      let holder = process.pid;
      return {
        handOver(pid: number) {
          holder = pid;
          writeFileSync(path, String(pid));
        },
        release() {
          try {
            if (readFileSync(path, 'utf8').trim() === String(holder)) unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    let age = 0;
    try {
      holder = Number(readFileSync(path, 'utf8').trim());
      age = Date.now() - statSync(path).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    // A lock being written is empty for an instant; one that stays unreadable, or whose holder is gone, is stale.
    const valid = Number.isInteger(holder) && holder > 0;
    if ((!valid && age > 2000) || (valid && !alive(holder))) rmSync(path, { force: true });
    else if (!valid) await sleep(100);
    else if (Date.now() > deadline) {
      throw new Error(
        `another docker provider (CAPD) with the in-memory backend is running on this host (pid ${holder}, recorded in ` +
          `${path}); it binds the fixed ports 19000 and 20000-30000, so only one can run at a time. Stop it ` +
          `(e.g. 'npm run -s apiserver -- down DIR' for a server started with --capi) and try again.`,
      );
    } else await sleep(1000);
  }
}

// ------------------------------------------------------------------------------------------------
// Webhooks pointed at 127.0.0.1
// ------------------------------------------------------------------------------------------------

interface ClientConfig {
  url?: string;
  caBundle?: string;
  service?: { name: string; namespace: string; path?: string; port?: number };
}

function localClientConfig(config: ClientConfig | undefined, port: number, caBundle: string, defaultPath: string) {
  const path = config?.service?.path ?? (config?.url ? new URL(config.url).pathname : defaultPath);
  return { url: `https://127.0.0.1:${port}${path}`, caBundle };
}

function withoutCaInjection(obj: KubeObject): KubeObject {
  const annotations = { ...obj.metadata.annotations };
  delete annotations['cert-manager.io/inject-ca-from'];
  delete annotations['cert-manager.io/inject-ca-from-secret'];
  return { ...obj, metadata: { ...obj.metadata, annotations } };
}

/**
 * Points every conversion webhook and every validating/mutating webhook of one provider at
 * https://127.0.0.1:<port><the Service's path>, trusting `caPem`. Returns how many objects changed.
 */
export async function pointWebhooksAt(
  client: KubeClient,
  provider: string,
  port: number,
  caPem: string,
): Promise<number> {
  const caBundle = Buffer.from(caPem).toString('base64');
  const labelSelector = `${providerLabel}=${provider}`;
  let changed = 0;
  for (const crd of await client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition', { labelSelector })) {
    const spec = crd.spec as { conversion?: { strategy?: string; webhook?: { clientConfig?: ClientConfig } } };
    if (spec.conversion?.strategy !== 'Webhook') continue;
    const updated = withoutCaInjection(crd);
    updated.spec = {
      ...spec,
      conversion: {
        ...spec.conversion,
        webhook: {
          ...spec.conversion.webhook,
          clientConfig: localClientConfig(spec.conversion.webhook?.clientConfig, port, caBundle, '/convert'),
        },
      },
    };
    await client.replace(updated);
    changed++;
  }
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    for (const config of await client.list('admissionregistration.k8s.io/v1', kind, { labelSelector })) {
      const updated = withoutCaInjection(config) as KubeObject & { webhooks?: { clientConfig?: ClientConfig }[] };
      updated.webhooks = (updated.webhooks ?? []).map((w) => ({
        ...w,
        clientConfig: localClientConfig(w.clientConfig, port, caBundle, '/'),
      }));
      await client.replace(updated);
      changed++;
    }
  }
  return changed;
}

// ------------------------------------------------------------------------------------------------
// The managers
// ------------------------------------------------------------------------------------------------

export interface RunningManager {
  readonly provider: CapiProvider;
  readonly binary: string;
  readonly webhookPort: number;
  readonly log: string;
  readonly pid: number;
}

export interface CapiControllers {
  readonly dir: string;
  /** The managers currently running. */
  readonly managers: readonly RunningManager[];
  /** How many webhook objects were pointed at the managers. */
  readonly webhookObjects: number;
  /** The CA that signed the managers' serving certificate (the webhooks' caBundle). */
  readonly caCert: string;
  /** Last lines of every manager's log, for failure reports. */
  logTail(lines?: number): string;
  /** A bookmark in every log: the returned function gives what was logged since (per-test logs). */
  markLogs(): () => string;
  /** Stops one manager (e.g. the source's CAPD before a move's target starts its own). */
  stopManager(provider: CapiProvider): Promise<void>;
  /**
   * Starts a stopped (or not yet started) manager, pointing its provider's webhooks back at it first
   * (the docker provider restores its workload clusters when it starts).
   */
  startManager(provider: CapiProvider): Promise<void>;
  stop(): Promise<void>;
}

export interface StartCapiControllersOptions {
  /** The management cluster's admin kubeconfig file. */
  kubeconfigPath: string;
  /** A client for the same cluster (to rewrite the webhooks). */
  client: KubeClient;
  /** Keeps certificates and logs; a temporary folder when absent. */
  dir?: string;
  /** Which providers' webhooks to serve (default: each of the four that `init` installed). */
  providers?: readonly CapiProvider[];
  /** Which of them to start now (default: all); the others wait for `startManager`. */
  startNow?: readonly CapiProvider[];
  /** Keep running after this process exits (`npm run apiserver -- up --capi`). */
  detached?: boolean;
  binDir?: string;
  /** How long to wait for another CAPD on this host to stop (default 15 min). */
  capdLockTimeoutMs?: number;
  /**
   * Webhooks only: the managers' controllers reconcile only objects labelled
   * `cluster.x-k8s.io/watch-filter=<this value>` (`--watch-filter`), which the test never sets, so
   * they leave the test's objects (and the status the test wrote) alone while their webhook servers
   * answer every admission and conversion request of the cluster. (`--namespace` would not do: it
   * narrows the managers' cache, and the webhooks that read other objects, such as the Cluster
   * webhook reading its ClusterClass, then fail.)
   */
  watchFilter?: string;
  /**
   * More flags for every manager, e.g. `--watch-filter=<value>`: the controllers then reconcile only
   * objects labelled `cluster.x-k8s.io/watch-filter=<value>` while the webhooks serve everything.
   */
  extraArgs?: readonly string[];
}

const readyTimeoutMs = 120_000;

/** True once something accepts a TLS handshake on 127.0.0.1:port (the webhook server is up). */
function tlsAnswers(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', timeout: 2000 }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function installedProviders(client: KubeClient): Promise<Set<string>> {
  const labels = new Set<string>();
  const crds = await client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {
    labelSelector: providerLabel,
  });
  for (const crd of crds) labels.add(crd.metadata.labels?.[providerLabel] ?? '');
  return labels;
}

export async function startCapiControllers(options: StartCapiControllersOptions): Promise<CapiControllers> {
  const binDir = options.binDir ?? findCapiBinaries();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'clusterctl-ts-capi-'));
  const detached = options.detached ?? false;
  mkdirSync(dir, { recursive: true });
  const certDir = join(dir, 'webhook-certs');
  mkdirSync(certDir, { recursive: true });
  const ca = await createCertificateAuthority('capi-webhooks-ca');
  const serving = await issueCertificate(ca, {
    commonName: 'capi-webhooks',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    usage: 'server',
  });
  writeFileSync(join(certDir, 'tls.crt'), serving.cert);
  writeFileSync(join(certDir, 'tls.key'), serving.key, { mode: 0o600 });
  writeFileSync(join(certDir, 'ca.crt'), ca.cert);

  let wanted = options.providers;
  if (!wanted) {
    const installed = await installedProviders(options.client);
    wanted = capiManagers.map((m) => m.provider).filter((p) => installed.has(p));
    if (wanted.length === 0)
      throw new Error(
        `no Cluster API provider is installed on the cluster of ${options.kubeconfigPath}; run 'clusterctl init' first`,
      );
  }
  const ports = new Map<CapiProvider, number>();
  let webhookObjects = 0;
  for (const provider of wanted) {
    const port = await freePort();
    ports.set(provider, port);
    webhookObjects += await pointWebhooksAt(options.client, provider, port, ca.cert);
  }

  const running = new Map<CapiProvider, { manager: RunningManager; proc: Spawned; lock?: CapdLock }>();

  const start = async (provider: CapiProvider): Promise<void> => {
    const spec = capiManagers.find((m) => m.provider === provider)!;
    const port = ports.get(provider)!;
    const lock = provider === capdProvider ? await acquireCapdLock(options.capdLockTimeoutMs) : undefined;
    const log = join(dir, `${spec.binary}.log`);
    const proc = spawnLogged(
      join(binDir, spec.binary),
      [
        `--kubeconfig=${options.kubeconfigPath}`,
        `--webhook-port=${port}`,
        `--webhook-cert-dir=${certDir}`,
        '--health-addr=0',
        '--diagnostics-address=0',
        '--leader-elect=false',
        '--feature-gates=ClusterTopology=true',
        ...(options.watchFilter ? [`--watch-filter=${options.watchFilter}`] : []),
        ...(options.extraArgs ?? []),
      ],
      log,
      detached,
      { POD_IP: '127.0.0.1' },
    );
    const pid = proc.child.pid ?? 0;
    lock?.handOver(pid);
    if (!detached) startWatchdog(process.pid, [pid], undefined);
    const deadline = Date.now() + readyTimeoutMs;
    while (!(await tlsAnswers(port, ca.cert))) {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null || Date.now() > deadline) {
        await stopProcess(proc);
        lock?.release();
        throw new Error(
          `the ${provider} manager (${spec.binary}) ${proc.child.exitCode !== null ? `exited with code ${proc.child.exitCode}` : `did not serve its webhooks on 127.0.0.1:${port} within ${readyTimeoutMs / 1000}s`}. Last log lines:\n${tail(log, 40)}`,
        );
      }
      await sleep(200);
    }
    running.set(provider, { manager: { provider, binary: spec.binary, webhookPort: port, log, pid }, proc, lock });
  };

  const stopOne = async (provider: CapiProvider): Promise<void> => {
    const entry = running.get(provider);
    if (!entry) return;
    running.delete(provider);
    await stopProcess(entry.proc);
    entry.lock?.release();
  };

  const stopAll = async () => {
    for (const provider of [...running.keys()].reverse()) await stopOne(provider);
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (const provider of wanted) if (!options.startNow || options.startNow.includes(provider)) await start(provider);
  } catch (error) {
    await stopAll();
    throw error;
  }

  const logs = () => capiManagers.map((m) => ({ binary: m.binary, path: join(dir, `${m.binary}.log`) }));
  return {
    dir,
    webhookObjects,
    caCert: ca.cert,
    get managers() {
      return [...running.values()].map((r) => r.manager);
    },
    logTail(lines = 40) {
      return logs()
        .filter((l) => existsSync(l.path))
        .map((l) => `--- ${l.binary} (last ${lines} lines) ---\n${tail(l.path, lines)}`)
        .join('\n');
    },
    markLogs() {
      const offsets = new Map(logs().map((l) => [l.path, existsSync(l.path) ? statSync(l.path).size : 0]));
      return () =>
        logs()
          .filter((l) => existsSync(l.path))
          .map(
            (l) =>
              `--- ${l.binary} ---\n${readFileSync(l.path)
                .subarray(offsets.get(l.path) ?? 0)
                .toString('utf8')}`,
          )
          .join('\n');
    },
    stopManager: stopOne,
    async startManager(provider) {
      if (!ports.has(provider)) throw new Error(`the ${provider} provider's webhooks were not set up on this cluster`);
      if (running.has(provider)) return;
      await pointWebhooksAt(options.client, provider, ports.get(provider)!, ca.cert);
      await start(provider);
    },
    stop: stopAll,
  };
}
