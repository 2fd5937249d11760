/**
 * Real control planes for tests: etcd + kube-apiserver (+ kube-controller-manager for namespace
 * deletion and garbage collection) started as plain processes on free 127.0.0.1 ports, like
 * controller-runtime's envtest. Several can run at once; they may share one etcd (one key prefix
 * each). Every process is stopped when its owner process dies (a watchdog), and `stop()` removes
 * the data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { findBinaries, type ControlPlaneBinaries } from './binaries.js';
import { createCertificateAuthority, issueCertificate, type CertificateAuthority, type KeyPairPem } from './certs.js';

const startTimeoutMs = Number(process.env.CLUSTERCTL_TS_APISERVER_START_TIMEOUT ?? 90_000);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not allocate a port'));
      });
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function tail(path: string, lines = 25): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface Spawned {
  child: ChildProcess;
  log: string;
  exited: Promise<number | null>;
}

/** Child environment without proxies: webhook and aggregated-API calls must stay on this machine. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(https?|all|no)_proxy$/i.test(k)) env[k] = v;
  }
  return env;
}

export function spawnLogged(
  binary: string,
  args: string[],
  log: string,
  detached: boolean,
  extraEnv: Record<string, string> = {},
): Spawned {
  const fd = openSync(log, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', fd, fd], detached, env: { ...childEnv(), ...extraEnv } });
  closeSync(fd);
  if (detached) child.unref();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', () => undefined);
  return { child, log, exited };
}

/** Kills the given pids once `owner` is gone (covers crashed test workers). */
export function startWatchdog(owner: number, pids: number[], dir: string | undefined): void {
  const list = pids.join(' ');
  const cleanup = dir ? `; rm -rf '${dir.replace(/'/g, "'\\''")}'` : '';
  const script = `while kill -0 ${owner} 2>/dev/null; do sleep 1; done; kill -TERM ${list} 2>/dev/null; sleep 3; kill -KILL ${list} 2>/dev/null${cleanup}`;
  const child = spawn('bash', ['-c', script], { stdio: 'ignore', detached: true });
  child.unref();
}

export async function stopProcess(p: Spawned | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const done = await Promise.race([p.exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!done) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
}

// ------------------------------------------------------------------------------------------------
// etcd
// ------------------------------------------------------------------------------------------------

export interface Etcd {
  readonly url: string;
  readonly dir: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  binaries?: ControlPlaneBinaries;
  dir?: string;
  /** Keep running after this process exits (for `npm run apiserver -- up`). */
  detached?: boolean;
}

export async function startEtcd(options: StartEtcdOptions = {}): Promise<Etcd> {
  const binaries = options.binaries ?? findBinaries();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'clusterctl-ts-etcd-'));
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${clientPort}`;
    const proc = spawnLogged(
      binaries.etcd,
      [
        `--data-dir=${join(dir, 'data')}`,
        `--listen-client-urls=${url}`,
        `--advertise-client-urls=${url}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
        '--quota-backend-bytes=4294967296',
      ],
      join(dir, 'etcd.log'),
      options.detached ?? false,
    );
    const deadline = Date.now() + 30_000;
    let ready = false;
    while (Date.now() < deadline && proc.child.exitCode === null) {
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) {
          ready = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    if (ready) {
      if (!options.detached) startWatchdog(process.pid, [proc.child.pid ?? 0], undefined);
      return {
        url,
        dir,
        pid: proc.child.pid ?? 0,
        stop: async () => {
          await stopProcess(proc);
          if (!options.dir) rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stopProcess(proc);
    const log = tail(join(dir, 'etcd.log'));
    if (attempt < 3 && /address already in use/.test(log)) continue;
    throw new Error(`etcd did not become healthy at ${url} within 30s. Last log lines:\n${log}`);
  }
}

// ------------------------------------------------------------------------------------------------
// kube-apiserver (+ kube-controller-manager)
// ------------------------------------------------------------------------------------------------

export interface KubeconfigUser {
  name: string;
  groups?: string[];
}

export interface ApiServer {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Admin (system:masters) kubeconfig, written to `kubeconfigPath`. */
  readonly kubeconfig: string;
  readonly kubeconfigPath: string;
  /** Signs the serving certificate and every client certificate the server accepts. */
  readonly ca: CertificateAuthority;
  readonly pids: number[];
  /** A kubeconfig for another user (client certificate signed by the cluster CA). */
  kubeconfigFor(user: KubeconfigUser, contextName?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface StartApiServerOptions {
  name?: string;
  binaries?: ControlPlaneBinaries;
  /** Data folder; a temporary one (removed on stop) when absent. */
  dir?: string;
  /** Share this etcd (each API server gets its own key prefix); otherwise a private etcd is started. */
  etcd?: Etcd;
  /** Run kube-controller-manager with the namespace and garbage-collector controllers (default true). */
  controllerManager?: boolean;
  /** Use this CA for serving and client certificates (the simulated provider passes `<cluster>-ca`). */
  ca?: CertificateAuthority;
  /** Keep running after this process exits (for `npm run apiserver -- up`). */
  detached?: boolean;
  /** Context/cluster/user name in the written kubeconfig (default: name). */
  contextName?: string;
}

export function buildKubeconfig(opts: {
  name: string;
  server: string;
  caCert: string;
  user: string;
  client: KeyPairPem;
  namespace?: string;
}): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: opts.name, cluster: { server: opts.server, 'certificate-authority-data': b64(opts.caCert) } }],
    users: [
      {
        name: opts.user,
        user: { 'client-certificate-data': b64(opts.client.cert), 'client-key-data': b64(opts.client.key) },
      },
    ],
    contexts: [
      {
        name: opts.name,
        context: { cluster: opts.name, user: opts.user, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
      },
    ],
    'current-context': opts.name,
    preferences: {},
  });
}

async function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function httpsGetAuthed(url: string, ca: string, client: KeyPairPem): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, cert: client.cert, key: client.key, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

let counter = 0;

export async function startApiServer(options: StartApiServerOptions = {}): Promise<ApiServer> {
  const binaries = options.binaries ?? findBinaries();
  const name = options.name ?? `envtest-${process.pid}-${++counter}`;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), `clusterctl-ts-${name}-`));
  mkdirSync(dir, { recursive: true });
  const detached = options.detached ?? false;
  const ownEtcd = options.etcd ? undefined : await startEtcd({ binaries, dir: join(dir, 'etcd'), detached });
  const etcd = options.etcd ?? ownEtcd!;
  const ca = options.ca ?? (await createCertificateAuthority(`${name}-ca`));
  const certDir = join(dir, 'certs');
  mkdirSync(certDir, { recursive: true });
  const serving = await issueCertificate(ca, {
    commonName: 'kube-apiserver',
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    ipAddresses: ['127.0.0.1', '10.0.0.1'],
    usage: 'server',
  });
  const admin = await issueCertificate(ca, { commonName: 'admin', organizations: ['system:masters'], usage: 'client' });
  const sa = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(join(certDir, 'ca.crt'), ca.cert);
  writeFileSync(join(certDir, 'apiserver.crt'), serving.cert);
  writeFileSync(join(certDir, 'apiserver.key'), serving.key, { mode: 0o600 });
  writeFileSync(join(certDir, 'sa.pub'), sa.publicKey);
  writeFileSync(join(certDir, 'sa.key'), sa.privateKey, { mode: 0o600 });

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const url = `https://127.0.0.1:${port}`;
    const contextName = options.contextName ?? name;
    const kubeconfig = buildKubeconfig({
      name: contextName,
      server: url,
      caCert: ca.cert,
      user: 'admin',
      client: admin,
    });
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
    const apiserverLog = join(dir, 'kube-apiserver.log');
    const apiserver = spawnLogged(
      binaries.kubeApiserver,
      [
        `--etcd-servers=${etcd.url}`,
        `--etcd-prefix=/${name}`,
        `--cert-dir=${certDir}`,
        `--tls-cert-file=${join(certDir, 'apiserver.crt')}`,
        `--tls-private-key-file=${join(certDir, 'apiserver.key')}`,
        `--client-ca-file=${join(certDir, 'ca.crt')}`,
        `--secure-port=${port}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        '--service-cluster-ip-range=10.0.0.0/24',
        '--allow-privileged=true',
        '--authorization-mode=RBAC',
        '--disable-admission-plugins=ServiceAccount',
        `--service-account-issuer=${url}/`,
        `--service-account-key-file=${join(certDir, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(certDir, 'sa.key')}`,
        '--endpoint-reconciler-type=none',
        '--v=0',
      ],
      apiserverLog,
      detached,
    );
    const deadline = Date.now() + startTimeoutMs;
    let ready = false;
    while (Date.now() < deadline && apiserver.child.exitCode === null) {
      try {
        const res = await httpsGet(`${url}/readyz`, ca.cert);
        if (res.status === 200) {
          ready = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    // The default namespace appears shortly after /readyz.
    while (ready && Date.now() < deadline) {
      try {
        if ((await httpsGetAuthed(`${url}/api/v1/namespaces/default`, ca.cert, admin)) === 200) break;
      } catch {
        // retry
      }
      await sleep(100);
    }
    if (!ready) {
      await stopProcess(apiserver);
      const log = tail(apiserverLog);
      if (attempt < 3 && /address already in use/.test(log)) continue;
      await ownEtcd?.stop();
      throw new Error(
        `kube-apiserver did not become ready at ${url} within ${startTimeoutMs / 1000}s. Last log lines:\n${log}`,
      );
    }

    let controllerManager: Spawned | undefined;
    if (options.controllerManager ?? true) {
      const kcmKubeconfig = join(dir, 'kube-controller-manager.kubeconfig');
      writeFileSync(kcmKubeconfig, kubeconfig, { mode: 0o600 });
      controllerManager = spawnLogged(
        binaries.kubeControllerManager,
        [
          `--kubeconfig=${kcmKubeconfig}`,
          '--controllers=namespace,garbagecollector',
          '--leader-elect=false',
          '--secure-port=0',
          '--use-service-account-credentials=false',
          '--concurrent-gc-syncs=5',
          '--v=0',
        ],
        join(dir, 'kube-controller-manager.log'),
        detached,
      );
    }
    const pids = [apiserver.child.pid, controllerManager?.child.pid, ownEtcd?.pid].filter(
      (p): p is number => typeof p === 'number' && p > 0,
    );
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ name, url, pids, kubeconfig: kubeconfigPath }, null, 2));
    if (!detached) startWatchdog(process.pid, pids, options.dir ? undefined : dir);

    let stopped = false;
    return {
      name,
      url,
      port,
      dir,
      kubeconfig,
      kubeconfigPath,
      ca,
      pids,
      async kubeconfigFor(user: KubeconfigUser, ctx?: string) {
        const client = await issueCertificate(ca, {
          commonName: user.name,
          organizations: user.groups ?? [],
          usage: 'client',
        });
        return buildKubeconfig({
          name: ctx ?? `${contextName}-${user.name}`,
          server: url,
          caCert: ca.cert,
          user: user.name,
          client,
        });
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopProcess(controllerManager);
        await stopProcess(apiserver);
        await ownEtcd?.stop();
        if (!options.dir) rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** Stops the processes recorded in DIR/state.json (servers started with `detached`). */
export async function stopDetached(dir: string): Promise<boolean> {
  const statePath = join(dir, 'state.json');
  if (!existsSync(statePath)) return false;
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as { pids: number[] };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const pid of state.pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (state.pids.some(alive) && Date.now() < deadline) await sleep(100);
  for (const pid of state.pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}
