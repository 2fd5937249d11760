/**
 * A real OCI registry for tests: the CNCF distribution registry (built by scripts/setup-registry.sh
 * from the Go module proxy) on 127.0.0.1, with TLS from a throwaway harness CA, and optionally
 *   - `auth: 'htpasswd'`: the registry's own basic auth (bcrypt htpasswd file), or
 *   - `auth: 'token'`: the distribution spec's bearer-token flow, the registry verifying JWTs signed
 *     by a small token service run here (the part a real deployment gets from Harbor, GitLab, ...).
 * Also the oras CLI from the same setup, and a TCP server that accepts and never answers.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheRoot } from './binaries.js';
import { createCertificateAuthority, issueCertificate } from './certs.js';

export interface RegistryBinaries {
  registry: string;
  oras: string;
  htpasswd: string;
}

/** Builds (first time) or finds the registry binaries with scripts/setup-registry.sh. */
export function registryBinaries(): RegistryBinaries {
  const fixed = join(cacheRoot(), 'registry', 'distribution-v3.1.2-oras-v1.3.6');
  const dir = existsSync(join(fixed, 'registry'))
    ? fixed
    : execFileSync('bash', [join(import.meta.dirname, '../../scripts/setup-registry.sh')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }).trim();
  return { registry: join(dir, 'registry'), oras: join(dir, 'oras'), htpasswd: join(dir, 'bcrypt-htpasswd') };
}

/** The Cluster API Operator's kubectl plugin v0.29.0 (built by scripts/setup-registry.sh). */
export function operatorPlugin(): string {
  const path = join(cacheRoot(), 'operator-plugin', 'v0.29.0', 'plugin');
  if (!existsSync(path)) {
    execFileSync('bash', [join(import.meta.dirname, '../../scripts/setup-registry.sh')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return path;
}

export interface RegistryOptions {
  auth?: 'none' | 'htpasswd' | 'token' | undefined;
  /** Plain HTTP instead of TLS. */
  plainHttp?: boolean | undefined;
  /** The login accepted by htpasswd/token auth; default capi / a random password. */
  user?: string | undefined;
  password?: string | undefined;
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`. */
  host: string;
  /** The CA that signed the registry's certificate (PEM file). */
  caFile: string;
  user: string;
  password: string;
  /** The registry's storage root (filesystem driver). */
  dataDir: string;
  dir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** The token service of the bearer flow: checks the basic login, grants what is asked. */
async function startTokenService(options: {
  cert: string;
  key: string;
  signingCert: string;
  signingKey: string;
  issuer: string;
  service: string;
  user: string;
  password: string;
}): Promise<{ server: HttpsServer; realm: string; requests: number }> {
  const signingKey = createPrivateKey(options.signingKey);
  const x5c = Buffer.from(options.signingCert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const state = { requests: 0 };
  const server = createHttpsServer({ cert: options.cert, key: options.key }, (req, res) => {
    state.requests++;
    const url = new URL(req.url ?? '/', 'https://localhost');
    const authorization = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
    if (authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad login' }] }));
      return;
    }
    const access = url.searchParams.getAll('scope').flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      return type && name && actions ? [{ type, name, actions: actions.split(',') }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'ES256', typ: 'JWT', x5c: [x5c.toString('base64')] };
    const claims = {
      iss: options.issuer,
      sub: options.user,
      aud: options.service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), { key: signingKey, dsaEncoding: 'ieee-p1363' });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: `${input}.${b64url(signature)}`, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    server,
    realm: `https://127.0.0.1:${port}/token`,
    get requests() {
      return state.requests;
    },
  };
}

async function waitForRegistry(url: string, child: ChildProcess, log: () => string, caPem: string | undefined) {
  const request = url.startsWith('https') ? httpsRequest : httpRequest;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the registry exited (${child.exitCode}):\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = request(`${url}/v2/`, { ...(caPem ? { ca: caPem } : {}), timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200 || res.statusCode === 401);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the registry did not start within 60s:\n${log()}`);
}

export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const bins = registryBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'ctl-registry-'));
  const ca = await createCertificateAuthority('clusterctl-ts registry test CA');
  const serving = await issueCertificate(ca, {
    commonName: '127.0.0.1',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    usage: 'server',
  });
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, ca.cert);
  await writeFile(join(dir, 'tls.crt'), serving.cert);
  await writeFile(join(dir, 'tls.key'), serving.key);
  const user = options.user ?? 'capi';
  const password = options.password ?? randomBytes(9).toString('base64url');
  const port = await freePort();
  const dataDir = join(dir, 'data');
  const auth = options.auth ?? 'none';
  let token: Awaited<ReturnType<typeof startTokenService>> | undefined;
  let authConfig = '';
  if (auth === 'htpasswd') {
    const line = execFileSync(bins.htpasswd, [user], { input: `${password}\n`, encoding: 'utf8' });
    await writeFile(join(dir, 'htpasswd'), line);
    authConfig = `auth:\n  htpasswd:\n    realm: clusterctl-ts-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth === 'token') {
    const signer = await issueCertificate(ca, { commonName: 'token-signer', usage: 'both' });
    token = await startTokenService({
      cert: serving.cert,
      key: serving.key,
      signingCert: signer.cert,
      signingKey: signer.key,
      issuer: 'clusterctl-ts-test-issuer',
      service: 'clusterctl-ts-test-registry',
      user,
      password,
    });
    authConfig = [
      'auth:',
      '  token:',
      `    realm: ${token.realm}`,
      '    service: clusterctl-ts-test-registry',
      '    issuer: clusterctl-ts-test-issuer',
      `    rootcertbundle: ${caFile}`,
      '',
    ].join('\n');
  }
  const tls = options.plainHttp
    ? ''
    : `  tls:\n    certificate: ${join(dir, 'tls.crt')}\n    key: ${join(dir, 'tls.key')}\n`;
  const config = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${dataDir}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: clusterctl-ts-test-secret',
    tls.trimEnd(),
    authConfig.trimEnd(),
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
  await writeFile(join(dir, 'config.yml'), `${config}\n`);
  const child = spawn(bins.registry, ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', OTEL_SDK_DISABLED: 'true' },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
  const host = `127.0.0.1:${port}`;
  try {
    await waitForRegistry(`${options.plainHttp ? 'http' : 'https'}://${host}`, child, () => output, ca.cert);
  } catch (error) {
    child.kill('SIGKILL');
    token?.server.close();
    throw error;
  }
  return {
    host,
    caFile,
    user,
    password,
    dataDir,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      token?.server.closeAllConnections();
      token?.server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Path of a blob's data file in the registry's filesystem storage (to corrupt it in tests). */
export function blobDataPath(registry: TestRegistry, digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  return join(registry.dataDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}

export function sha256(content: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/** A TCP server that accepts connections and never answers (a hanging registry). */
export async function startHangingServer(): Promise<{ host: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
