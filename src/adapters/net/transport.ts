/**
 * One HTTP(S) request with hard limits, used by both HTTP stacks (the Kubernetes API client and the
 * provider repositories):
 * - a connect limit covering TCP connect, the proxy's CONNECT and the TLS handshake (a server
 *   that accepts TCP and never finishes TLS is caught here);
 * - a whole-request deadline, from the first byte sent to the last byte of the body (not an idle
 *   timeout: a server that drips one byte every few seconds is cut off too);
 * - a cap on the response body size;
 * - HTTPS_PROXY / HTTP_PROXY / NO_PROXY through `proxy.ts` (CONNECT tunnels for https targets,
 *   absolute-URI requests for http targets);
 * - an AbortSignal whose listener is removed when the request ends (no listener per call is left).
 * Failures are TransportErrors with a code the callers classify (retry or not) and a message
 * naming the limit.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type ClientRequestArgs,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { PassThrough, type Duplex } from 'node:stream';
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { displayProxy, proxyFor, type ProxySettings } from './proxy.js';

export interface TlsMaterial {
  ca?: string | Buffer | undefined;
  cert?: string | Buffer | undefined;
  key?: string | Buffer | undefined;
  rejectUnauthorized?: boolean | undefined;
  servername?: string | undefined;
}

export interface TransportOptions {
  tls?: TlsMaterial | undefined;
  /** TCP connect + proxy CONNECT + TLS handshake. Default 10 s. */
  connectTimeoutMs?: number | undefined;
  /** The whole request, body included. Default 30 s. */
  deadlineMs?: number | undefined;
  /** Largest response body accepted. Default 64 MiB. */
  maxBodyBytes?: number | undefined;
  maxSockets?: number | undefined;
  proxy?: ProxySettings | undefined;
}

export interface TransportRequest {
  url: URL;
  method?: string | undefined;
  headers?: Record<string, string | number> | undefined;
  body?: string | Buffer | undefined;
  signal?: AbortSignal | undefined;
  /** Limit until the response headers arrive (a server that accepts and never answers). */
  answerTimeoutMs?: number | undefined;
}

export interface TransportResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type TransportErrorCode =
  'CONNECT_TIMEOUT' | 'TLS_TIMEOUT' | 'DEADLINE' | 'NO_ANSWER' | 'TOO_LARGE' | 'PROXY' | 'ABORTED' | 'NETWORK';

export class TransportError extends Error {
  readonly kind: TransportErrorCode;
  /** The Node error code behind a NETWORK failure (ECONNREFUSED, ECONNRESET, a TLS code, ...). */
  readonly code: string | undefined;
  /** True when the request may have reached the server (a retry of a write may meet its effect). */
  readonly sent: boolean;
  constructor(kind: TransportErrorCode, message: string, options: { code?: string; sent: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransportError';
    this.kind = kind;
    this.code = options.code;
    this.sent = options.sent;
  }
}

export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

export const defaultConnectTimeoutMs = 10_000;
export const defaultDeadlineMs = 30_000;
export const defaultMaxBodyBytes = 64 * 1024 * 1024;

/** `64 MiB`, `512 KiB`, `100 bytes`: a size limit for messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / 1024 / 1024} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** An https agent that reaches its targets through an HTTP CONNECT tunnel of a proxy. */
class TunnelAgent extends HttpsAgent {
  constructor(
    private readonly proxy: URL,
    options: ConstructorParameters<typeof HttpsAgent>[0],
  ) {
    super(options);
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | null | undefined {
    const done = callback ?? (() => undefined);
    const target = `${String(options.host)}:${String(options.port)}`;
    const headers: Record<string, string> = { Host: target };
    if (this.proxy.username) {
      const user = `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`;
      headers['Proxy-Authorization'] = `Basic ${Buffer.from(user).toString('base64')}`;
    }
    const connectRequest = (this.proxy.protocol === 'https:' ? httpsRequest : httpRequest)({
      host: this.proxy.hostname,
      port: this.proxy.port || (this.proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers,
      agent: false,
    });
    connectRequest.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        const error = new TransportError(
          'PROXY',
          `the proxy ${displayProxy(this.proxy)} refused the tunnel to ${target}: HTTP ${res.statusCode ?? 0}`,
          { sent: false },
        );
        done(error, socket);
        return;
      }
      // https.Agent's own createConnection does the TLS handshake over the tunnel.
      const tls = (HttpsAgent.prototype as unknown as { createConnection: (o: object) => Socket }).createConnection;
      done(null, tls.call(this, { ...options, socket }));
    });
    connectRequest.once('error', (error: NodeJS.ErrnoException) =>
      done(
        new TransportError(
          'PROXY',
          `cannot reach the proxy ${displayProxy(this.proxy)} for ${target}: ${error.code ?? error.message}`,
          { code: error.code, sent: false, cause: error },
        ),
        new PassThrough(),
      ),
    );
    connectRequest.end();
    return undefined;
  }
}

function tlsEstablished(socket: Socket): boolean {
  // TLSSocket has no public "handshake done" flag (getProtocol() answers before the handshake);
  // `_secureEstablished` has been set on completion since Node 0.x.
  const tls = socket as Partial<TLSSocket> & { _secureEstablished?: boolean };
  if (tls.encrypted !== true) return !socket.connecting;
  return tls._secureEstablished === true;
}

interface ConnectionState {
  /** The connection (and TLS) is up: the request may reach the server. */
  connected: boolean;
  /**
   * The whole request was handed to the operating system. Until then the server cannot have all of
   * it (it would wait for the rest of the body), so a failure before this point is safe to retry.
   */
  written: boolean;
  tcpConnected: boolean;
  settled: boolean;
}

/** Where the request goes and its path: the proxy with an absolute URI for http through a proxy. */
function requestTarget(
  url: URL,
  proxy: URL | undefined,
  headers: Record<string, string | number>,
): { target: URL; path: string } {
  if (!proxy || url.protocol === 'https:') return { target: url, path: `${url.pathname}${url.search}` };
  if (proxy.username) {
    const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers['Proxy-Authorization'] = `Basic ${Buffer.from(user).toString('base64')}`;
  }
  return { target: proxy, path: url.href };
}

interface LimitSettings {
  connectTimeoutMs: number;
  deadlineMs: number;
  answerTimeoutMs: number | undefined;
  isHttps: boolean;
  proxy: URL | undefined;
  signal: AbortSignal | undefined;
}

/** The connect limit, the deadline, the header wait and the abort listener of one request. */
function armLimits(settings: LimitSettings, state: ConnectionState, fail: (error: TransportError) => void) {
  const via = settings.proxy ? ` through the proxy ${displayProxy(settings.proxy)}` : '';
  const failAfter = (kind: TransportErrorCode, text: () => string, ms: number | undefined) =>
    ms === undefined
      ? undefined
      : setTimeout(() => fail(new TransportError(kind, `${text()}${via}`, { sent: state.connected })), ms);
  const connectTimer = setTimeout(() => {
    const tls = state.tcpConnected && settings.isHttps;
    const limit = seconds(settings.connectTimeoutMs);
    const text = tls ? `the TLS handshake did not complete within ${limit}` : `no connection within ${limit}`;
    fail(new TransportError(tls ? 'TLS_TIMEOUT' : 'CONNECT_TIMEOUT', `${text}${via}`, { sent: false }));
  }, settings.connectTimeoutMs);
  const deadlineTimer = failAfter(
    'DEADLINE',
    () => `no complete answer within ${seconds(settings.deadlineMs)}`,
    settings.deadlineMs,
  );
  const answerTimer = failAfter(
    'NO_ANSWER',
    () => `no answer within ${seconds(settings.answerTimeoutMs ?? 0)}`,
    settings.answerTimeoutMs,
  );
  const onAbort = () => fail(new TransportError('ABORTED', 'the request was interrupted', { sent: state.connected }));
  settings.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    connected: () => {
      state.connected = true;
      clearTimeout(connectTimer);
    },
    answered: () => clearTimeout(answerTimer),
    cleanup: () => {
      clearTimeout(connectTimer);
      clearTimeout(deadlineTimer);
      clearTimeout(answerTimer);
      settings.signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Marks the connection up once TCP (http) or the TLS handshake (https) completes. */
function watchConnection(
  socket: Socket,
  isHttps: boolean,
  tunnelled: boolean,
  state: ConnectionState,
  established: () => void,
): void {
  if (isHttps ? tlsEstablished(socket) : !socket.connecting) {
    state.tcpConnected = true;
    established();
    return;
  }
  socket.once('connect', () => (state.tcpConnected = true));
  socket.once(isHttps ? 'secureConnect' : 'connect', established);
  // Through a proxy tunnel the TCP leg is already up when the TLS socket appears.
  if (tunnelled) state.tcpConnected = true;
}

/** Reads a response body up to `maxBodyBytes`. */
function collectBody(
  res: IncomingMessage,
  maxBodyBytes: number,
  fail: (error: TransportError) => void,
  done: (body: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBodyBytes) {
      const text = `the answer is larger than the ${formatBytes(maxBodyBytes)} limit`;
      fail(new TransportError('TOO_LARGE', text, { sent: true }));
      return;
    }
    chunks.push(chunk);
  });
  res.on('end', () => done(Buffer.concat(chunks)));
  res.on('error', (error: NodeJS.ErrnoException) =>
    fail(new TransportError('NETWORK', error.message, { code: error.code, sent: true, cause: error })),
  );
}

/**
 * One TLS context for every connection of a transport: without it each new connection parses the
 * CA, certificate and key again (~1.3 ms of CPU each; a move opens dozens). Material Node cannot
 * read is left to the connection, which reports it as before.
 */
function sharedSecureContext(tls: TlsMaterial | undefined): SecureContext | undefined {
  if (!tls || (tls.ca === undefined && tls.cert === undefined && tls.key === undefined)) return undefined;
  try {
    return createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
  } catch {
    return undefined;
  }
}

/** Creates a transport; agents (keep-alive) are shared by all requests made through it. */
// long-function: closure factory: the request helpers share the keep-alive agents and proxy settings.
export function createTransport(options: TransportOptions = {}): Transport {
  const connectTimeoutMs = options.connectTimeoutMs ?? defaultConnectTimeoutMs;
  const deadlineMs = options.deadlineMs ?? defaultDeadlineMs;
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const agentOptions = {
    ...options.tls,
    secureContext: sharedSecureContext(options.tls),
    keepAlive: true,
    maxSockets: options.maxSockets ?? 32,
  };
  const agents = new Map<string, HttpAgent>();

  function agentFor(url: URL, proxy: URL | undefined): HttpAgent {
    const key = `${url.protocol}|${proxy?.href ?? ''}`;
    let agent = agents.get(key);
    if (agent === undefined) {
      if (url.protocol === 'https:')
        agent = proxy ? new TunnelAgent(proxy, agentOptions) : new HttpsAgent(agentOptions);
      else agent = new HttpAgent({ keepAlive: true, maxSockets: agentOptions.maxSockets });
      agents.set(key, agent);
    }
    return agent;
  }

  function send(req: TransportRequest): Promise<TransportResponse> {
    return new Promise((resolve, reject) => {
      if (req.signal?.aborted) {
        reject(new TransportError('ABORTED', 'the request was interrupted', { sent: false }));
        return;
      }
      const { url } = req;
      const proxy = proxyFor(url, options.proxy);
      const isHttps = url.protocol === 'https:';
      const state: ConnectionState = { connected: false, written: false, tcpConnected: false, settled: false };
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body);
      const { target, path } = requestTarget(url, proxy, headers);
      const fail = (error: TransportError) => {
        if (state.settled) return;
        state.settled = true;
        limits.cleanup();
        clientRequest.destroy();
        reject(error);
      };
      const limits = armLimits(
        { connectTimeoutMs, deadlineMs, answerTimeoutMs: req.answerTimeoutMs, isHttps, proxy, signal: req.signal },
        state,
        fail,
      );
      const requestFn = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const clientRequest: ClientRequest = requestFn(
        target,
        { method: req.method ?? 'GET', headers, agent: agentFor(url, proxy), path },
        (res) => {
          limits.answered();
          collectBody(res, maxBodyBytes, fail, (body) => {
            if (state.settled) return;
            state.settled = true;
            limits.cleanup();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          });
        },
      );
      clientRequest.on('socket', (socket: Socket) =>
        watchConnection(socket, isHttps, Boolean(proxy && isHttps), state, limits.connected),
      );
      clientRequest.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof TransportError) {
          fail(error);
          return;
        }
        const code = error.code ?? '';
        const via = proxy ? ` through the proxy ${displayProxy(proxy)}` : '';
        const text = `${code && !error.message.includes(code) ? `${code}: ` : ''}${error.message}${via}`;
        // A connection lost while the request was still being written: the server has not got it all.
        const sent = state.connected && state.written;
        fail(new TransportError('NETWORK', text, { code: error.code, sent, cause: error }));
      });
      clientRequest.on('finish', () => (state.written = true));
      if (req.body !== undefined) clientRequest.write(req.body);
      clientRequest.end();
    });
  }

  return {
    send,
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}
