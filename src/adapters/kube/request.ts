/**
 * The one retry layer of the Kubernetes client: every call goes through `call`, which sends one
 * request through the transport (connect limit, whole-request deadline, size cap, proxy) and
 * decides whether to try again.
 *
 * - Retried: refused or reset connections, HTTP 429 and 502/503/504 (honouring Retry-After), and,
 *   once the server has answered this client, connect timeouts. A server that answered before is
 *   given `outageMs` (default 60 s) to come back, with one progress line through the Reporter
 *   naming the server and what failed; before the first answer, only `firstContactMs` (2 s), so a
 *   wrong or stopped server fails fast. HTTP 500 gets a few quick attempts.
 * - Never retried: deadline overruns (the call already waited its full time), TLS and DNS errors.
 * - Requests not safe to repeat (`repeatable: false`: JSON patches, which may append to lists, and
 *   creates with generateName, which make a new object each time) are sent again only when the
 *   server cannot have applied them: the connection failed before the request was sent, or the
 *   server answered 429 (rejected before processing). A 5xx may come after the write was applied
 *   (a webhook, an aggregated server or a proxy failing on the way back), so it ends the call.
 * - After one call exhausted its outage time, later calls make a single attempt until one succeeds,
 *   so a caller that retries on its own adds at most one attempt per try, never another full wait.
 * - A create retried after an attempt that may have been applied (connection lost after sending,
 *   or a 5xx), and answered AlreadyExists, is marked `retriedCreate`: the client then returns the
 *   existing object only when it is the one that attempt made (client.ts `madeByThisCall`).
 */
import type { Reporter } from '../../core/ports.js';
import { sleep } from '../../core/sleep.js';
import { ClusterctlError } from '../../errors.js';
import { TransportError, type Transport } from '../net/transport.js';
import { networkError, type ApiTarget, type HttpResult } from './errors.js';

export interface RetryPolicy {
  /** How long a call waits for a server that answered before to come back. Default 60 s. */
  outageMs: number;
  /** How long refused/reset connections are retried before the server ever answered. Default 2 s. */
  firstContactMs: number;
  /** Attempts for HTTP 500. Default 3. */
  internalErrorAttempts: number;
  /** First backoff; doubles up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  outageMs: 60_000,
  firstContactMs: 2_000,
  internalErrorAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
};

export interface CallRequest {
  method: string;
  path: string;
  /** What the call does, for messages ("get Deployment capi-system/x"). */
  what: string;
  body?: string | undefined;
  contentType?: string | undefined;
  /** False when repeating a request that may have reached the server could apply it twice. */
  repeatable?: boolean | undefined;
}

export interface Requester {
  call(request: CallRequest): Promise<HttpResult & { retriedCreate?: boolean }>;
}

export interface RequesterDeps {
  target: ApiTarget;
  transport: () => Promise<Transport>;
  headers: () => Promise<Record<string, string>>;
  reporter: Reporter;
  policy: RetryPolicy;
  signal?: AbortSignal | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

const refusedCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** Parses RFC 7234 Warning headers (`299 - "text"`), as client-go does; only code 299 is kept. */
export function parseWarnings(header: string | string[] | undefined): string[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const out: string[] = [];
  for (const value of values) {
    for (const m of value.matchAll(/(\d{3}) +\S+ +"((?:[^"\\]|\\.)*)"/g)) {
      if (m[1] === '299' && m[2]) out.push(m[2].replace(/\\(.)/g, '$1'));
    }
  }
  return out;
}

/** The shared sleep; an interrupted wait ends like an interrupted request. */
async function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, signal);
  } catch (error) {
    if (signal?.aborted) throw new TransportError('ABORTED', 'the request was interrupted', { sent: false });
    throw error;
  }
}

function retryAfterMs(res: HttpResult): number | undefined {
  const raw = res.headers['retry-after'];
  const seconds = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 10) * 1000 : undefined;
}

// long-function: closure factory: the retry layer's helpers share the outage state.
export function createRequester(deps: RequesterDeps): Requester {
  const { target, policy, reporter } = deps;
  /** The server answered this client at least once. */
  let reached = false;
  /** A call ran out of outage time: single attempts until the next success. */
  let exhausted = false;
  /** When the current outage was first reported (undefined: none reported). */
  let reportedSince: number | undefined;

  function recovered(): void {
    reached = true;
    exhausted = false;
    if (reportedSince !== undefined) {
      reporter.info(
        `The API server ${target.server} answers again (after ${Math.round((Date.now() - reportedSince) / 1000)}s)`,
      );
      reportedSince = undefined;
    }
  }

  function announce(reason: string, budgetMs: number): void {
    if (reportedSince !== undefined) return;
    reportedSince = Date.now();
    reporter.warn(
      `Waiting for the API server ${target.server} (context "${target.context}"): ${reason}; retrying for up to ${Math.round(budgetMs / 1000)}s`,
    );
  }

  /** The delay before the next attempt after an error, or undefined to give up. */
  function errorDelay(error: TransportError, attempt: number, repeatable: boolean): number | undefined {
    if (error.sent && !repeatable) return undefined;
    const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
    if (error.kind === 'NETWORK' && refusedCodes.has(error.code ?? '')) return backoff;
    if (error.kind === 'PROXY' && error.code !== undefined && refusedCodes.has(error.code)) return backoff;
    if ((error.kind === 'CONNECT_TIMEOUT' || error.kind === 'TLS_TIMEOUT') && reached) return backoff;
    return undefined;
  }

  function statusDelay(res: HttpResult, attempt: number, repeatable: boolean): number | undefined {
    const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
    if (res.status === 429) return retryAfterMs(res) ?? backoff;
    if (!repeatable) return undefined;
    if (res.status === 500) return attempt < policy.internalErrorAttempts ? backoff : undefined;
    if (res.status === 503) {
      // A just-established CRD answers 503 "Retry-After: 1" for a moment; poll sooner.
      return Math.min(retryAfterMs(res) ?? backoff, 100 * attempt);
    }
    if (res.status === 502 || res.status === 504) return retryAfterMs(res) ?? backoff;
    return undefined;
  }

  async function once(request: CallRequest): Promise<HttpResult> {
    const transport = await deps.transport();
    const headers: Record<string, string> = { ...(await deps.headers()), Accept: 'application/json' };
    if (request.body !== undefined) headers['Content-Type'] = request.contentType ?? 'application/json';
    const res = await transport.send({
      url: new URL(target.server + request.path),
      method: request.method,
      headers,
      body: request.body,
      signal: deps.signal,
    });
    const warnings = parseWarnings(res.headers.warning);
    if (warnings.length > 0 && deps.onWarning) for (const w of warnings) deps.onWarning(w);
    return { status: res.status, headers: res.headers, body: res.body.toString('utf8') };
  }

  /** The error of a failed call; after an abort, the caller's reason when it is a ClusterctlError. */
  function failed(error: TransportError, what: string, waitedMs = 0): ClusterctlError {
    const reason: unknown = deps.signal?.reason;
    if (error.kind === 'ABORTED' && reason instanceof ClusterctlError) return reason;
    return networkError(target, error, what, waitedMs);
  }

  return {
    async call(request) {
      const started = Date.now();
      const repeatable = request.repeatable ?? true;
      let ambiguous = false;
      for (let attempt = 1; ; attempt++) {
        let delay: number | undefined;
        let reason: string;
        let failure: TransportError | undefined;
        let result: HttpResult | undefined;
        try {
          result = await once(request);
          recovered();
          if (result.status === 409 && request.method === 'POST' && ambiguous && /AlreadyExists/.test(result.body)) {
            return { ...result, retriedCreate: true };
          }
          delay = statusDelay(result, attempt, repeatable);
          if (delay === undefined) return result;
          // A create answered 5xx may have been applied: an AlreadyExists on the retry may be its own.
          if (result.status >= 500) ambiguous = true;
          reason = `it answered HTTP ${result.status}`;
        } catch (error) {
          if (!(error instanceof TransportError)) throw error;
          failure = error;
          if (error.sent) ambiguous = true;
          delay = errorDelay(error, attempt, repeatable);
          if (delay === undefined) throw failed(error, request.what, Date.now() - started);
          reason = error.message;
        }
        const budget = exhausted ? 0 : reached ? policy.outageMs : policy.firstContactMs;
        const elapsed = Date.now() - started;
        delay = Math.min(delay, budget - elapsed);
        if (delay <= 0) {
          if (reached) exhausted = true;
          if (failure) throw failed(failure, request.what, elapsed);
          return result!;
        }
        if (elapsed + delay >= 1000 || attempt >= 3) announce(reason, budget);
        reporter.debug(5, 'Retrying API request', {
          server: target.server,
          what: request.what,
          attempt,
          reason,
          delayMs: delay,
        });
        try {
          await abortableSleep(delay, deps.signal);
        } catch (error) {
          throw failed(error as TransportError, request.what);
        }
      }
    },
  };
}
