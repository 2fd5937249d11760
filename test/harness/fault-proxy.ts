/**
 * Network faults on loopback, for tests of timeouts and retries against real API servers.
 *
 * - `startFaultProxy(upstream)`: a TCP proxy in front of a real server whose mode can change at any
 *   time: `pass` (forward bytes), `refuse` (nothing listens: connection refused; open connections
 *   are cut, as when the server is killed), `reset` (accept, then reset), `stall` (accept TCP and
 *   never send a byte: a TLS handshake never completes). `setUpstream` points it at a server
 *   restarted on another port.
 * - `startSilentTlsServer` / `startDripTlsServer`: TLS servers (certificate from a test CA) that
 *   never answer a request, or answer with one byte every `intervalMs`.
 * - `startHttpFaultProxy(kubeconfig)`: an HTTPS proxy that forwards API requests and can answer an
 *   error instead of the server, before or after the server applied the request.
 * - `startBlackhole()`: a port whose connects are never answered (a full accept queue that is never
 *   drained: the kernel drops further SYNs). Uses python3, which Debian machines have.
 */
import { spawn } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { parse } from 'yaml';
import { createCertificateAuthority, issueCertificate, type KeyPairPem } from './certs.js';

export type FaultMode = 'pass' | 'refuse' | 'reset' | 'stall';

export interface FaultProxy {
  readonly port: number;
  readonly mode: FaultMode;
  /** Connections accepted since start (all modes but refuse). */
  readonly accepted: number;
  setMode(mode: FaultMode): Promise<void>;
  /** Forwards new connections to another server (one restarted on another port). */
  setUpstream(upstream: { host: string; port: number }): void;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}

export async function startFaultProxy(upstream: { host: string; port: number }): Promise<FaultProxy> {
  let mode: FaultMode = 'pass';
  let accepted = 0;
  let target = upstream;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    accepted++;
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    if (mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    if (mode === 'stall') return;
    const backend = createConnection(target);
    open.add(backend);
    backend.on('close', () => open.delete(backend));
    backend.on('error', () => client.destroy());
    client.on('close', () => backend.destroy());
    backend.on('close', () => client.destroy());
    client.pipe(backend);
    backend.pipe(client);
  });
  const port = await listen(server, 0);
  const cutAll = () => {
    for (const s of open) s.resetAndDestroy();
    open.clear();
  };
  return {
    port,
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    async setMode(next) {
      if (next !== 'pass') cutAll();
      if (next === 'refuse') await closeServer(server);
      else if (!server.listening) await listen(server, port);
      mode = next;
    },
    setUpstream(next) {
      target = next;
    },
    async close() {
      cutAll();
      await closeServer(server);
    },
  };
}

export interface StubServer {
  readonly port: number;
  /** Requests received. */
  readonly requests: number;
  close(): Promise<void>;
}

async function startTlsStub(pair: KeyPairPem, onRequest: (res: ServerResponse) => void): Promise<StubServer> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = createHttpsServer({ cert: pair.cert, key: pair.key }, (_req, res) => {
    requests++;
    onRequest(res);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server, 0);
  return {
    port,
    get requests() {
      return requests;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await closeServer(server);
    },
  };
}

/** Completes TLS, reads the request, never answers. */
export function startSilentTlsServer(pair: KeyPairPem): Promise<StubServer> {
  return startTlsStub(pair, () => undefined);
}

/** Answers 200 with a body sent one byte every `intervalMs` (never finishing within a test). */
export function startDripTlsServer(pair: KeyPairPem, intervalMs: number): Promise<StubServer> {
  return startTlsStub(pair, (res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{');
    const timer = setInterval(() => res.write(' '), intervalMs);
    res.on('close', () => clearInterval(timer));
  });
}

export interface Blackhole {
  readonly port: number;
  stop(): void;
}

const blackholeScript = `
import socket, sys, time
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(0)
port = s.getsockname()[1]
fill = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(('127.0.0.1', port))
    except BlockingIOError:
        pass
    fill.append(c)
print(port, flush=True)
sys.stdin.read()
`;

/** A port whose connects hang until the client gives up; stopped with stop() or when the test process exits. */
export function startBlackhole(): Promise<Blackhole> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', blackholeScript], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.on('error', reject);
    child.stdout.once('data', (data: Buffer) => {
      resolve({ port: Number(data.toString().trim()), stop: () => child.kill() });
    });
  });
}

/** What the HTTP fault proxy does with one request. */
export type HttpFault =
  | 'pass'
  /** Forwards the request, then answers `status` instead of the server's answer (a write applied, its answer lost). */
  | { after: number }
  /** Answers `status` without forwarding (the server never saw it). */
  | { instead: number };

export interface ProxiedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
}

export interface HttpFaultProxy {
  readonly url: string;
  /** The CA that signed the proxy's serving certificate. */
  readonly caCert: string;
  /** Requests received, in order. */
  readonly requests: ProxiedRequest[];
  /** Decides each request's fate (default: pass everything). */
  fault: (request: ProxiedRequest) => HttpFault;
  close(): Promise<void>;
}

/**
 * An HTTPS proxy that speaks HTTP (unlike startFaultProxy, which only moves bytes): it forwards
 * each request to the real API server of `upstreamKubeconfig` with that kubeconfig's client
 * certificate, and can answer an error in place of the server's answer, before or after the
 * server applied the request. Clients reach it with the proxy's CA; their own credentials are ignored.
 */
export async function startHttpFaultProxy(upstreamKubeconfig: string): Promise<HttpFaultProxy> {
  const doc = parse(upstreamKubeconfig) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const b64 = (s: string) => Buffer.from(s, 'base64').toString();
  const upstream = new URL(doc.clusters[0]!.cluster.server);
  const tls = {
    ca: b64(doc.clusters[0]!.cluster['certificate-authority-data']),
    cert: b64(doc.users[0]!.user['client-certificate-data']),
    key: b64(doc.users[0]!.user['client-key-data']),
  };
  const ca = await createCertificateAuthority('http-fault-proxy');
  const pair = await issueCertificate(ca, {
    commonName: 'http-fault-proxy-server',
    ipAddresses: ['127.0.0.1'],
    usage: 'server',
  });
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const state = { fault: (_r: ProxiedRequest): HttpFault => 'pass' };
  const failWith = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code: status }));
  };
  const server = createHttpsServer({ cert: pair.cert, key: pair.key }, (req, res) => {
    const seen = { method: req.method ?? 'GET', path: req.url ?? '/', contentType: req.headers['content-type'] };
    requests.push(seen);
    const fault = state.fault(seen);
    if (fault !== 'pass' && 'instead' in fault) {
      req.resume();
      return failWith(res, fault.instead, 'fault injected by the test before the server saw the request');
    }
    const headers = { ...req.headers, host: upstream.host };
    delete headers.authorization;
    const out = httpsRequest(
      { host: upstream.hostname, port: upstream.port, method: seen.method, path: seen.path, headers, ...tls },
      (answer) => {
        if (fault !== 'pass') {
          answer.resume();
          answer.on('end', () =>
            failWith(res, fault.after, 'fault injected by the test after the server applied the request'),
          );
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server, 0);
  return {
    url: `https://127.0.0.1:${port}`,
    caCert: ca.cert,
    requests,
    get fault() {
      return state.fault;
    },
    set fault(f) {
      state.fault = f;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await closeServer(server);
    },
  };
}
