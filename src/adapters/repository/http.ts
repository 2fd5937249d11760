/**
 * The one HTTP GET every repository call goes through: the shared transport (src/adapters/net:
 * connect limit, whole-request deadline, a 64 MiB body cap, HTTPS_PROXY/HTTP_PROXY/NO_PROXY), a time
 * limit for the response headers, redirects followed, a bounded retry with exponential backoff for
 * network errors and 5xx answers, and translation of network failures into ClusterctlError
 * 'UNREACHABLE' naming the URL. (An injected `fetch` replaces the transport, for tests.)
 *
 * A host that could not be reached at all is remembered by the client, so later calls to it fail at
 * once instead of waiting for the same timeout again (offline runs fail in seconds).
 */
import { ClusterctlError } from '../../errors.js';
import { silentReporter, type Reporter } from '../../core/ports.js';
import { sleep } from '../../core/sleep.js';
import { proxySettingsFromEnv, type ProxyEnv } from '../net/proxy.js';
import { createTransport, formatBytes, TransportError, type Transport } from '../net/transport.js';

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The final URL (after redirects). */
  url: string;
  body: Uint8Array;
}

export interface HttpGetOptions {
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
}

export interface HttpClient {
  /**
   * GETs a URL. Any HTTP status is returned (callers decide what 404 means); network failures and
   * timeouts throw UNREACHABLE, a caller abort throws INTERRUPTED.
   */
  get(url: string, options?: HttpGetOptions): Promise<HttpResponse>;
}

export interface HttpClientOptions {
  fetch?: typeof globalThis.fetch | undefined;
  /** Time allowed until the response headers arrive; default 10 s. */
  connectTimeoutMs?: number | undefined;
  /** Time allowed for one whole attempt, body included; default 30 s. */
  totalTimeoutMs?: number | undefined;
  /** Extra attempts after the first for network errors and 5xx; default 2. */
  retries?: number | undefined;
  /** First backoff; doubles each retry; default 500 ms. */
  backoffMs?: number | undefined;
  reporter?: Reporter | undefined;
  /** Appended to UNREACHABLE errors (e.g. how to work offline). */
  unreachableHint?: string | undefined;
  userAgent?: string | undefined;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY come from here (no proxy when absent). */
  proxyEnv?: ProxyEnv | undefined;
  /** Largest body accepted; default 64 MiB. */
  maxBodyBytes?: number | undefined;
  /**
   * Aborts every download of this client at once (the CLI passes its Ctrl-C signal); a GET's own
   * signal applies as well. When the reason is a ClusterctlError, it is what the aborted GET throws.
   */
  signal?: AbortSignal | undefined;
}

export const defaultConnectTimeoutMs = 10_000;
export const defaultTotalTimeoutMs = 30_000;
export const defaultRetries = 2;
export const defaultBackoffMs = 500;
export const defaultUserAgent = 'clusterctl-ts';
export const defaultMaxDownloadBytes = 64 * 1024 * 1024;
const maxRedirects = 10;

export const defaultUnreachableHint =
  'check the network connection and proxy settings; to work offline, point the provider at a local repository ' +
  '(a providers entry with a file path URL in clusterctl.yaml) or put the release files in the overrides folder';

const retryableStatus = new Set([500, 502, 503, 504]);

/** A URL without userinfo, for messages. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** The Node error code and message behind a failed fetch (`ECONNREFUSED connect ...`). */
export function describeNetworkError(error: unknown): string {
  const seen = new Set<unknown>();
  let current: unknown = error;
  let best = error instanceof Error ? error.message : String(error);
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string') {
      return current.message.includes(code) ? current.message : `${code}: ${current.message}`;
    }
    if (current instanceof AggregateError && current.errors.length > 0) {
      current = current.errors[0];
      continue;
    }
    if (current.message && current.message !== 'fetch failed') best = current.message;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return best;
}

type AttemptResult =
  { ok: true; response: HttpResponse } | { ok: false; kind: 'timeout' | 'network'; reason: string; cause: unknown };

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

// long-function: closure factory: get/redirect/retry helpers share the agents and options.
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const doFetch = options.fetch ?? globalThis.fetch;
  const connectTimeoutMs = options.connectTimeoutMs ?? defaultConnectTimeoutMs;
  const totalTimeoutMs = options.totalTimeoutMs ?? defaultTotalTimeoutMs;
  const retries = Math.max(0, options.retries ?? defaultRetries);
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const reporter = options.reporter ?? silentReporter;
  const hint = options.unreachableHint ?? defaultUnreachableHint;
  const userAgent = options.userAgent ?? defaultUserAgent;
  /** Origins that could not be reached in this run, with the reason. */
  const unreachable = new Map<string, string>();

  /** The error of an aborted GET: the abort's own reason when it is one of ours (Ctrl-C names the command). */
  const interrupted = (url: string, cause: unknown, signal: AbortSignal | undefined) => {
    const reason: unknown = signal?.reason;
    if (reason instanceof ClusterctlError) return reason;
    return new ClusterctlError('INTERRUPTED', `request to ${displayUrl(url)} interrupted`, { cause });
  };

  let transport: Transport | undefined;
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxDownloadBytes;

  /** One attempt through the transport, following redirects (credentials stay with their origin). */
  async function transportAttempt(url: string, get: HttpGetOptions): Promise<AttemptResult> {
    transport ??= createTransport({
      connectTimeoutMs,
      deadlineMs: totalTimeoutMs,
      maxBodyBytes,
      proxy: options.proxyEnv ? proxySettingsFromEnv(options.proxyEnv) : undefined,
    });
    let current = new URL(url);
    let headers: Record<string, string> = { 'user-agent': userAgent, ...get.headers };
    try {
      for (let hop = 0; ; hop++) {
        const res = await transport.send({
          url: current,
          headers,
          signal: get.signal,
          answerTimeoutMs: connectTimeoutMs,
        });
        const location = res.headers.location;
        if (res.status >= 300 && res.status < 400 && location && hop < maxRedirects) {
          const next = new URL(location, current);
          if (next.origin !== current.origin) {
            headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
          }
          current = next;
          continue;
        }
        const responseHeaders = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (Array.isArray(v)) for (const item of v) responseHeaders.append(k, item);
          else if (v !== undefined) responseHeaders.set(k, v);
        }
        return {
          ok: true,
          response: {
            status: res.status,
            headers: responseHeaders,
            url: current.toString(),
            body: new Uint8Array(res.body),
          },
        };
      }
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      if (error.kind === 'ABORTED') throw interrupted(url, error, get.signal);
      if (error.kind === 'TOO_LARGE') {
        throw new ClusterctlError(
          'INVALID_ARGUMENT',
          `the download of ${displayUrl(url)} is larger than the ${formatBytes(maxBodyBytes)} limit`,
          {
            hint: 'Check the URL: provider components, templates and metadata are far smaller than this.',
            cause: error,
          },
        );
      }
      const timeout =
        error.kind === 'NO_ANSWER' ||
        error.kind === 'DEADLINE' ||
        error.kind === 'CONNECT_TIMEOUT' ||
        error.kind === 'TLS_TIMEOUT';
      return { ok: false, kind: timeout ? 'timeout' : 'network', reason: error.message, cause: error };
    }
  }

  async function attempt(url: string, get: HttpGetOptions): Promise<AttemptResult> {
    if (!options.fetch) return transportAttempt(url, get);
    const controller = new AbortController();
    let timedOut: 'connect' | 'total' | undefined;
    const onCallerAbort = () => controller.abort(get.signal?.reason);
    get.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const connectTimer = setTimeout(() => {
      timedOut = 'connect';
      controller.abort();
    }, connectTimeoutMs);
    const totalTimer = setTimeout(() => {
      timedOut = 'total';
      controller.abort();
    }, totalTimeoutMs);
    try {
      const response = await doFetch(url, {
        headers: { 'user-agent': userAgent, ...get.headers },
        signal: controller.signal,
        redirect: 'follow',
      });
      clearTimeout(connectTimer);
      const body = new Uint8Array(await response.arrayBuffer());
      return {
        ok: true,
        response: { status: response.status, headers: response.headers, url: response.url || url, body },
      };
    } catch (error) {
      if (get.signal?.aborted) throw interrupted(url, error, get.signal);
      if (timedOut) {
        const limit = timedOut === 'connect' ? connectTimeoutMs : totalTimeoutMs;
        const what = timedOut === 'connect' ? 'no answer' : 'the download did not complete';
        return { ok: false, kind: 'timeout', reason: `${what} within ${formatMs(limit)}`, cause: error };
      }
      return { ok: false, kind: 'network', reason: describeNetworkError(error), cause: error };
    } finally {
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      get.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return {
    async get(url, callerOptions = {}) {
      const signals = [callerOptions.signal, options.signal].filter((x): x is AbortSignal => x !== undefined);
      const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
      const get: HttpGetOptions = { ...callerOptions, signal };
      const origin = originOf(url);
      const known = unreachable.get(origin);
      if (known !== undefined) {
        throw new ClusterctlError(
          'UNREACHABLE',
          `cannot reach ${displayUrl(url)}: ${origin} did not answer earlier in this run (${known})`,
          { hint },
        );
      }
      let last: AttemptResult | undefined;
      for (let i = 0; i <= retries; i++) {
        if (i > 0) {
          const delay = backoffMs * 2 ** (i - 1);
          reporter.debug(5, 'Retrying request', { url: displayUrl(url), attempt: i + 1, delayMs: delay });
          try {
            await sleep(delay, get.signal);
          } catch (error) {
            throw interrupted(url, error, get.signal);
          }
        }
        last = await attempt(url, get);
        if (last.ok) {
          reporter.debug(6, 'GET', { url: displayUrl(url), status: last.response.status });
          if (retryableStatus.has(last.response.status) && i < retries) continue;
          return last.response;
        }
        reporter.debug(5, 'Request failed', { url: displayUrl(url), error: last.reason });
        // A timeout already cost its full wait: do not pay it again.
        if (last.kind === 'timeout') break;
      }
      if (!last || last.ok) throw new ClusterctlError('INTERNAL', `no response for ${displayUrl(url)}`);
      unreachable.set(origin, last.reason);
      throw new ClusterctlError('UNREACHABLE', `cannot reach ${displayUrl(url)}: ${last.reason}`, {
        hint,
        cause: last.cause,
      });
    },
  };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export function responseText(response: HttpResponse): string {
  return new TextDecoder().decode(response.body);
}

/** Parses a JSON body; INTERNAL naming the URL when it is not JSON. */
export function responseJson(response: HttpResponse): unknown {
  try {
    return JSON.parse(responseText(response)) as unknown;
  } catch (error) {
    throw new ClusterctlError('INTERNAL', `unexpected answer from ${displayUrl(response.url)}: not JSON`, {
      cause: error,
    });
  }
}
