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
 * - `startBlackhole()`: a port whose connects are never answered (a full accept queue that is never
 *   drained: the kernel drops further SYNs). Uses python3, which Debian machines have.
 */
import { spawn } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { KeyPairPem } from './certs.js';

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
