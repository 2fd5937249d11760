/**
 * A small client for the OCI distribution API (/v2/...) of one registry host, on node:http(s) so
 * that a private CA can be trusted per registry:
 *
 * - HTTPS by default; plain HTTP only when the caller says the registry is insecure.
 * - Authentication as the distribution spec describes it: a request answered 401 with
 *   `WWW-Authenticate: Bearer realm=..,service=..,scope=..` gets a token from the realm (anonymously,
 *   with basic credentials, or by exchanging an identity token with an OAuth2 POST) and is sent
 *   again with it; `WWW-Authenticate: Basic` is answered with the login. Tokens are kept per scope.
 * - Time limits (10 s until the response headers, 30 s for the whole exchange) and bounded retries
 *   (2, with backoff) for network errors and 5xx answers on GET/HEAD; a timeout is not retried,
 *   so a hanging registry fails in about 10 s, naming it.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ClusterctlError } from '../../errors.js';
import { silentReporter, type Reporter } from '../../core/ports.js';
import { sleep } from '../../core/sleep.js';
import type { RegistryCredential } from './oci-auth.js';
import { describeNetworkError } from './http.js';

export interface RegistryClientOptions {
  /** `host[:port]`. */
  host: string;
  /** Plain HTTP instead of HTTPS. */
  insecure?: boolean | undefined;
  /** PEM bundle trusted for this registry (in addition to the system roots). */
  ca?: string | undefined;
  /** Where `ca` came from, for messages. */
  caSource?: string | undefined;
  /** The login for this registry, looked up lazily (only when the registry asks for one). */
  credential?: (() => Promise<RegistryCredential | undefined>) | undefined;
  connectTimeoutMs?: number | undefined;
  totalTimeoutMs?: number | undefined;
  retries?: number | undefined;
  backoffMs?: number | undefined;
  reporter?: Reporter | undefined;
  userAgent?: string | undefined;
  /** Aborts every request without a signal of its own (the CLI passes its Ctrl-C signal). */
  signal?: AbortSignal | undefined;
}

/** The error of an aborted request: the abort's own reason when it is one of ours (Ctrl-C names the command). */
function interruptedError(host: string, signal: AbortSignal | undefined): ClusterctlError {
  const reason: unknown = signal?.reason;
  if (reason instanceof ClusterctlError) return reason;
  return new ClusterctlError('INTERRUPTED', `request to the registry ${host} interrupted`, { cause: reason });
}

export interface RegistryResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

export interface RegistryRequest {
  /** The repository path the request is about (for the token scope). */
  repository: string;
  /** `pull` or `pull,push`. */
  actions: string;
  headers?: Record<string, string> | undefined;
  body?: Uint8Array | undefined;
  signal?: AbortSignal | undefined;
}

export interface RegistryClient {
  readonly host: string;
  readonly baseUrl: string;
  /** Sends a request to a path (`/v2/...`) or an absolute URL (upload locations); handles auth. */
  request(method: string, pathOrUrl: string, options: RegistryRequest): Promise<RegistryResponse>;
}

export const registryConnectTimeoutMs = 10_000;
export const registryTotalTimeoutMs = 30_000;

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  signal: AbortSignal | undefined;
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses one `WWW-Authenticate` value (`Bearer realm="..",service="..",scope=".."`). */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const m of (match[2] ?? '').matchAll(re)) {
    params[(m[1] ?? '').toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return { scheme: (match[1] ?? '').toLowerCase(), params };
}

function basic(credential: RegistryCredential): string {
  return `Basic ${Buffer.from(`${credential.username ?? ''}:${credential.password ?? ''}`).toString('base64')}`;
}

const tlsHintCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

// long-function: closure factory: short request/auth/retry helpers share the token cache and options.
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const host = options.host;
  const scheme = options.insecure ? 'http' : 'https';
  const baseUrl = `${scheme}://${host}`;
  const connectTimeoutMs = options.connectTimeoutMs ?? registryConnectTimeoutMs;
  const totalTimeoutMs = options.totalTimeoutMs ?? registryTotalTimeoutMs;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 500;
  const reporter = options.reporter ?? silentReporter;
  const userAgent = options.userAgent ?? 'clusterctl-ts';
  /** Authorization header per scope (`repository:name:actions`), or per host for basic auth. */
  const authorizations = new Map<string, string>();
  let basicAuthorization: string | undefined;
  let credentialPromise: Promise<RegistryCredential | undefined> | undefined;
  const credential = () => (credentialPromise ??= options.credential?.() ?? Promise.resolve(undefined));

  function networkError(method: string, url: string, error: unknown, timedOut: string | undefined): ClusterctlError {
    if (timedOut) {
      return new ClusterctlError(
        'UNREACHABLE',
        `the registry ${host} did not answer within ${timedOut} (${method} ${new URL(url).pathname})`,
        {
          hint: `check that ${host} is up and reachable from this machine (proxy, firewall); the registry is named in the oci:// URL of clusterctl.yaml or --to`,
          cause: error,
        },
      );
    }
    const code = (error as NodeJS.ErrnoException).code ?? '';
    let hint = `check the registry address ${host} and the network connection`;
    if (tlsHintCodes.has(code)) {
      hint = `trust the registry's certificate authority: registry-ca-file: /path/ca.pem in clusterctl.yaml (or REGISTRY_CA_FILE; publish --registry-ca-file)${options.caSource ? `; now ${options.caSource}` : ''}`;
    } else if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(String(error))) {
      hint = `${host} may be a plain-HTTP registry: publish with --insecure, or list it in registry-insecure (REGISTRY_INSECURE) to read from it`;
    }
    return new ClusterctlError('UNREACHABLE', `cannot reach the registry ${host}: ${describeNetworkError(error)}`, {
      hint,
      cause: error,
    });
  }

  function send({ method, url, headers, body, signal }: Call): Promise<RegistryResponse> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const doRequest = target.protocol === 'http:' ? httpRequest : httpsRequest;
      let timedOut: string | undefined;
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(totalTimer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const req = doRequest(
        target,
        {
          method,
          headers: {
            'user-agent': userAgent,
            ...(body ? { 'content-length': String(body.byteLength) } : {}),
            ...headers,
          },
          ...(target.protocol === 'https:' && options.ca ? { ca: options.ca } : {}),
        },
        (res) => {
          clearTimeout(connectTimer);
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => finish(() => reject(networkError(method, url, error, timedOut))));
          res.on('end', () =>
            finish(() =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: new Uint8Array(Buffer.concat(chunks)),
              }),
            ),
          );
        },
      );
      const connectTimer = setTimeout(() => {
        timedOut = `${connectTimeoutMs / 1000}s`;
        req.destroy(new Error('timeout'));
      }, connectTimeoutMs);
      const totalTimer = setTimeout(() => {
        timedOut = `${totalTimeoutMs / 1000}s`;
        req.destroy(new Error('timeout'));
      }, totalTimeoutMs);
      const onAbort = () => {
        req.destroy();
        finish(() => reject(interruptedError(host, signal)));
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => finish(() => reject(networkError(method, url, error, timedOut))));
      req.end(body ? Buffer.from(body) : undefined);
    });
  }

  /** Waits before retry `attempt + 1`; an interrupt ends the wait like an interrupted request. */
  async function backOff(attempt: number, { url, signal }: Call): Promise<void> {
    try {
      await sleep(backoffMs * 2 ** attempt, signal);
    } catch (error) {
      if (!signal?.aborted) throw error;
      throw interruptedError(new URL(url).host, signal);
    }
  }

  /** One exchange with retries for network errors and 5xx on idempotent methods. */
  async function exchange(call: Call): Promise<RegistryResponse> {
    const { method, url } = call;
    const idempotent = method === 'GET' || method === 'HEAD';
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await send(call);
        reporter.debug(6, 'Registry request', { method, url, status: response.status });
        if (idempotent && response.status >= 500 && attempt < retries) {
          await backOff(attempt, call);
          continue;
        }
        return response;
      } catch (error) {
        const retryable =
          idempotent &&
          attempt < retries &&
          error instanceof ClusterctlError &&
          error.code === 'UNREACHABLE' &&
          !/did not answer within/.test(error.message);
        if (!retryable) throw error;
        reporter.debug(5, 'Retrying registry request', { method, url, attempt: attempt + 2 });
        await backOff(attempt, call);
      }
    }
  }

  function denied(status: number, repository: string, actions: string, login: RegistryCredential | undefined) {
    const what = actions.includes('push') ? 'push to' : 'read';
    const who = login ? `with the login from ${login.source}` : 'without a login';
    return new ClusterctlError(
      status === 403 ? 'FORBIDDEN' : 'UNAUTHORIZED',
      `the registry ${host} refused to let us ${what} ${host}/${repository} ${who} (HTTP ${status})`,
      {
        hint: login
          ? `check the user name and password or token for ${host} (docker login ${host}, podman login ${host} or oras login ${host} update ${login.source.replace(/ \(.*$/, '')}), and that this account may ${what} ${repository}`
          : `log in first: docker login ${host} (or podman login / oras login); clusterctl reads ~/.docker/config.json, $DOCKER_CONFIG and REGISTRY_AUTH_FILE`,
      },
    );
  }

  async function fetchToken(
    challenge: Challenge,
    repository: string,
    actions: string,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm) throw new ClusterctlError('UNAUTHORIZED', `the registry ${host} asked for a token but named no realm`);
    const service = challenge.params.service;
    const scope = challenge.params.scope ?? `repository:${repository}:${actions}`;
    const login = await credential();
    let response: RegistryResponse;
    if (login?.identityToken) {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: login.identityToken,
        client_id: 'clusterctl-ts',
        scope,
        ...(service ? { service } : {}),
      });
      response = await exchange({
        method: 'POST',
        url: realm,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new TextEncoder().encode(form.toString()),
        signal,
      });
    } else {
      const url = new URL(realm);
      if (service) url.searchParams.set('service', service);
      for (const s of scope.split(' ')) url.searchParams.append('scope', s);
      response = await exchange({
        method: 'GET',
        url: url.toString(),
        headers: login ? { authorization: basic(login) } : {},
        body: undefined,
        signal,
      });
    }
    if (response.status === 401 || response.status === 403) throw denied(response.status, repository, actions, login);
    if (response.status !== 200) {
      throw new ClusterctlError(
        'UNAUTHORIZED',
        `the token service ${new URL(realm).host} of the registry ${host} answered HTTP ${response.status}`,
        { hint: `check that ${realm} is reachable and that the login for ${host} is valid` },
      );
    }
    let token: unknown;
    try {
      const parsed = JSON.parse(new TextDecoder().decode(response.body)) as { token?: unknown; access_token?: unknown };
      token = parsed.token ?? parsed.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || !token) {
      throw new ClusterctlError('UNAUTHORIZED', `the token service of the registry ${host} answered without a token`);
    }
    return `Bearer ${token}`;
  }

  return {
    host,
    baseUrl,
    async request(method, pathOrUrl, options_) {
      const req = { ...options_, signal: options_.signal ?? options.signal };
      const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${baseUrl}${pathOrUrl}`;
      const scopeKey = `repository:${req.repository}:${req.actions}`;
      const withAuth = () => {
        const authorization = authorizations.get(scopeKey) ?? basicAuthorization;
        return { ...req.headers, ...(authorization ? { authorization } : {}) };
      };
      const call = () => exchange({ method, url, headers: withAuth(), body: req.body, signal: req.signal });
      let response = await call();
      if (response.status === 401) {
        const challenge = parseChallenge(headerValue(response.headers, 'www-authenticate'));
        if (challenge?.scheme === 'bearer') {
          authorizations.set(scopeKey, await fetchToken(challenge, req.repository, req.actions, req.signal));
        } else if (challenge?.scheme === 'basic') {
          const login = await credential();
          if (!login?.username && !login?.password) throw denied(401, req.repository, req.actions, login);
          basicAuthorization = basic(login);
        } else {
          throw denied(401, req.repository, req.actions, await credential());
        }
        response = await call();
      }
      if (response.status === 401 || response.status === 403) {
        throw denied(response.status, req.repository, req.actions, await credential());
      }
      return response;
    },
  };
}

/** The first value of a response header. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
