/**
 * The KubeClient port over HTTP(S). Pieces: `auth.ts` (credentials and proxy from the kubeconfig
 * through @kubernetes/client-node), `../net/transport.ts` (one request with a connect limit, a
 * whole-request deadline, a size cap and proxy support), `request.ts` (the one retry layer),
 * `discovery.ts` (kinds to paths), `errors.ts` (answers to ClusterctlErrors). Bodies are plain JSON
 * so custom resources and CRD schemas reach the server exactly as written (client-node's typed
 * serializer drops unknown keys).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterctlError } from '../../errors.js';
import {
  silentReporter,
  type KubeClient,
  type ListOptions,
  type PatchType,
  type Reporter,
  type ServerVersion,
  type WriteOptions,
} from '../../core/ports.js';
import { describeRef, type KubeObject, type ObjectRef } from '../../types.js';
import type { ProxyEnv } from '../net/proxy.js';
import { createTransport, type Transport } from '../net/transport.js';
import { authHeaders, clusterProxy, readCredentials } from './auth.js';
import { createDiscovery, type Discovery } from './discovery.js';
import { httpError, type ApiTarget } from './errors.js';
import { loadKubeconfig, type LoadKubeconfigOptions } from './kubeconfig.js';
import { createRequester, defaultRetryPolicy, type CallRequest, type Requester, type RetryPolicy } from './request.js';

const defaultFieldManager = 'clusterctl';
const patchContentTypes: Record<PatchType | 'apply', string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface KubeClientOptions {
  /** TCP connect + TLS handshake limit (ms); an unanswered connect fails within this. Default 10000. */
  connectTimeoutMs?: number;
  /** Whole-request deadline (ms), body included. Default 30000. */
  requestTimeoutMs?: number;
  /** Largest API response accepted (bytes). Default 256 MiB. */
  maxResponseBytes?: number;
  /** Retry timings (outage ride-through); see request.ts. */
  retry?: Partial<RetryPolicy>;
  /** Max parallel connections. Default 32. */
  maxSockets?: number;
  userAgent?: string;
  /** Progress of retries ("waiting for the API server ..."). */
  reporter?: Reporter;
  /** Called with each API server warning (HTTP Warning header, code 299). */
  onWarning?: (message: string) => void;
  /** Aborts in-flight requests and retry waits. */
  signal?: AbortSignal;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY come from here (no proxy when absent). */
  proxyEnv?: ProxyEnv;
}

export const defaultMaxResponseBytes = 256 * 1024 * 1024;

export async function createKubeClient(options: LoadKubeconfigOptions & KubeClientOptions): Promise<KubeClient> {
  const loaded = await loadKubeconfig(options);
  return createKubeClientFromConfig(loaded.kubeConfig, {
    proxyEnv: options.env,
    ...options,
    contextName: loaded.context,
    namespace: loaded.namespace,
  });
}

/** The transport, built on first use: TLS material comes from an async kubeconfig read. */
function lazyTransport(kc: KubeConfig, target: ApiTarget, options: KubeClientOptions): () => Promise<Transport> {
  let pending: Promise<Transport> | undefined;
  const proxy = clusterProxy(kc, options.proxyEnv);
  return () => {
    pending ??= readCredentials(kc, target).then((credentials) =>
      createTransport({
        tls: credentials.tls,
        connectTimeoutMs: options.connectTimeoutMs,
        deadlineMs: options.requestTimeoutMs,
        maxBodyBytes: options.maxResponseBytes ?? defaultMaxResponseBytes,
        maxSockets: options.maxSockets,
        proxy,
      }),
    );
    pending.catch(() => (pending = undefined));
    return pending;
  };
}

export function createKubeClientFromConfig(
  kc: KubeConfig,
  options: KubeClientOptions & { contextName?: string; namespace?: string } = {},
): KubeClient {
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new ClusterctlError('KUBECONFIG', `the kubeconfig has no cluster for context "${kc.getCurrentContext()}"`);
  const context = options.contextName ?? kc.getCurrentContext();
  const target: ApiTarget = {
    server: cluster.server.replace(/\/+$/, ''),
    context,
    user: kc.getCurrentUser()?.name ?? '(none)',
  };
  const userAgent = options.userAgent ?? 'clusterctl-ts';
  const userHeaders = authHeaders(kc, target);
  const requester = createRequester({
    target,
    transport: lazyTransport(kc, target, options),
    headers: async () => ({ ...(await userHeaders()), 'User-Agent': userAgent }),
    reporter: options.reporter ?? silentReporter,
    policy: { ...defaultRetryPolicy, ...options.retry },
    signal: options.signal,
    onWarning: options.onWarning,
  });
  return typedClient(target, requester, createDiscovery(target, requester), {
    context,
    namespace: options.namespace ?? kc.getContextObject(context)?.namespace ?? 'default',
  });
}

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

function writeQuery(options: WriteOptions | undefined, extra: Record<string, string | undefined> = {}): string {
  return query({
    fieldManager: options?.fieldManager ?? defaultFieldManager,
    dryRun: options?.dryRun ? 'All' : undefined,
    ...extra,
  });
}

const refOfObj = (obj: KubeObject): ObjectRef => ({
  apiVersion: obj.apiVersion,
  kind: obj.kind,
  name: obj.metadata.name ?? obj.metadata.generateName ?? '',
  namespace: obj.metadata.namespace,
});

/** JSON calls over the requester: `json` expects 2xx, `optional` also accepts 404 (undefined). */
function jsonCalls(target: ApiTarget, requester: Requester) {
  const json = async <T>(request: Omit<CallRequest, 'body'> & { body?: unknown }): Promise<T> => {
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const res = await requester.call({ ...request, body });
    if (res.status >= 200 && res.status < 300) return JSON.parse(res.body) as T;
    throw httpError(target, res, request.what);
  };
  const optional = async (path: string, what: string, method: 'GET' | 'DELETE', body?: unknown) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await requester.call({ method, path, what, body: payload });
    if (res.status === 404) return undefined;
    if (res.status >= 200 && res.status < 300) return res;
    throw httpError(target, res, what);
  };
  return { json, optional };
}

type ReadMethods = Pick<KubeClient, 'serverVersion' | 'get' | 'list'>;
type WriteMethods = Pick<KubeClient, 'create' | 'replace' | 'apply' | 'patch' | 'replaceStatus' | 'delete'>;

/** The reading methods of the KubeClient. */
function readMethods(target: ApiTarget, requester: Requester, discovery: Discovery): ReadMethods {
  const { objectPath } = discovery;
  const { json, optional } = jsonCalls(target, requester);
  return {
    serverVersion: () => json<ServerVersion>({ method: 'GET', path: '/version', what: 'read the server version' }),

    async get(ref) {
      const res = await optional(await objectPath(ref), `get ${describeRef(ref)}`, 'GET');
      return res && (JSON.parse(res.body) as KubeObject);
    },

    async list(apiVersion, kind, listOptions: ListOptions = {}) {
      const base = await objectPath({ apiVersion, kind, namespace: listOptions.namespace }, true);
      const what = `list ${kind} (${apiVersion})${listOptions.namespace ? ` in namespace ${listOptions.namespace}` : ''}`;
      const items: KubeObject[] = [];
      let cont: string | undefined;
      do {
        const params = {
          labelSelector: listOptions.labelSelector,
          fieldSelector: listOptions.fieldSelector,
          limit: String(listOptions.pageSize ?? 500),
          continue: cont,
        };
        const page = await json<{ items: KubeObject[]; metadata?: { continue?: string } }>({
          method: 'GET',
          path: base + query(params),
          what,
        });
        // Lists omit apiVersion/kind on items; restore them so objects can be written back as-is.
        for (const item of page.items) items.push({ ...item, apiVersion, kind });
        cont = page.metadata?.continue || undefined;
      } while (cont);
      return items;
    },
  };
}

/** Every field of `sent` is in `live` with the same value (the server may add defaults). */
function containsAll(live: unknown, sent: unknown): boolean {
  if (Array.isArray(sent)) {
    return Array.isArray(live) && live.length === sent.length && sent.every((v, i) => containsAll(live[i], v));
  }
  if (sent !== null && typeof sent === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    const l = live as Record<string, unknown>;
    return Object.entries(sent).every(([k, v]) => containsAll(l[k], v));
  }
  return live === sent;
}

/**
 * Whether `live`, found after a create was retried and answered AlreadyExists, is the object the
 * lost attempt made: created since the call began (the server stamps whole seconds) and holding
 * the labels, annotations and fields that were sent. Otherwise it belongs to another writer.
 */
function madeByThisCall(sent: KubeObject, live: KubeObject, started: number): boolean {
  const createdAt = Date.parse(live.metadata.creationTimestamp ?? '');
  if (!(createdAt >= Math.floor(started / 1000) * 1000 - 1000)) return false;
  const fields = Object.entries(sent).filter(([key]) => key !== 'metadata' && key !== 'status');
  return (
    containsAll(live.metadata.labels ?? {}, sent.metadata.labels ?? {}) &&
    containsAll(live.metadata.annotations ?? {}, sent.metadata.annotations ?? {}) &&
    containsAll(live, Object.fromEntries(fields))
  );
}

/** The writing methods of the KubeClient. */
function writeMethods(target: ApiTarget, requester: Requester, discovery: Discovery): WriteMethods {
  const { objectPath } = discovery;
  const { json, optional } = jsonCalls(target, requester);
  return {
    async create(obj, writeOptions) {
      const ref = refOfObj(obj);
      const what = `create ${describeRef(ref)}`;
      const path = await objectPath({ ...ref, name: undefined }, false);
      const repeatable = Boolean(obj.metadata.name);
      const started = Date.now();
      const res = await requester.call({
        method: 'POST',
        path: path + writeQuery(writeOptions),
        what,
        body: JSON.stringify(obj),
        repeatable,
      });
      if (res.retriedCreate && !writeOptions?.dryRun) {
        // The earlier attempt whose answer was lost created it.
        const created = await optional(await objectPath(ref), `get ${describeRef(ref)}`, 'GET');
        const live = created && (JSON.parse(created.body) as KubeObject);
        if (live && madeByThisCall(obj, live, started)) return live;
        // Someone else's object of that name: the AlreadyExists stands.
      }
      if (res.status >= 200 && res.status < 300) return JSON.parse(res.body) as KubeObject;
      throw httpError(target, res, what);
    },

    async replace(obj, writeOptions) {
      const ref = refOfObj(obj);
      const path = (await objectPath(ref)) + writeQuery(writeOptions);
      return json<KubeObject>({ method: 'PUT', path, what: `update ${describeRef(ref)}`, body: obj });
    },

    async apply(obj, applyOptions) {
      const ref = refOfObj(obj);
      const extra = { force: applyOptions?.force === false ? undefined : 'true' };
      const path = (await objectPath(ref)) + writeQuery(applyOptions, extra);
      const contentType = patchContentTypes.apply;
      return json<KubeObject>({ method: 'PATCH', path, what: `apply ${describeRef(ref)}`, body: obj, contentType });
    },

    async patch(ref, patch, type, writeOptions) {
      const path = (await objectPath(ref)) + writeQuery(writeOptions);
      const contentType = patchContentTypes[type];
      // A JSON patch may add to lists: applying it twice is not the same as once.
      const repeatable = type !== 'json';
      return json<KubeObject>({
        method: 'PATCH',
        path,
        what: `patch ${describeRef(ref)}`,
        body: patch,
        contentType,
        repeatable,
      });
    },

    async replaceStatus(obj) {
      const ref = refOfObj(obj);
      const path = `${await objectPath(ref)}/status`;
      return json<KubeObject>({ method: 'PUT', path, what: `update the status of ${describeRef(ref)}`, body: obj });
    },

    async delete(ref, deleteOptions) {
      const body = deleteOptions?.propagationPolicy
        ? { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: deleteOptions.propagationPolicy }
        : undefined;
      return (await optional(await objectPath(ref), `delete ${describeRef(ref)}`, 'DELETE', body)) !== undefined;
    },
  };
}

/** The KubeClient over the requester and discovery. */
function typedClient(
  target: ApiTarget,
  requester: Requester,
  discovery: Discovery,
  names: { context: string; namespace: string },
): KubeClient {
  return {
    server: target.server,
    context: names.context,
    currentNamespace: names.namespace,
    resources: discovery.resources,
    serverResources: discovery.serverResources,
    resourceFor: discovery.resourceFor,
    ...readMethods(target, requester, discovery),
    ...writeMethods(target, requester, discovery),
  };
}
