/**
 * The KubeClient port over HTTPS. Authentication and TLS come from @kubernetes/client-node's
 * kubeconfig handling (client certs, bearer tokens, exec plugins, insecure-skip-tls-verify,
 * tls-server-name); bodies are plain JSON so custom resources and CRD schemas reach the server
 * exactly as written (client-node's typed serializer drops unknown keys). One keep-alive agent per
 * client; idempotent calls are retried a bounded number of times on transient failures.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, request, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import { ClusterctlError } from '../../errors.js';
import type { ApiResource, KubeClient, ListOptions, PatchType, ServerVersion, WriteOptions } from '../../core/ports.js';
import { describeRef, type KubeObject, type ObjectRef } from '../../types.js';
import { loadKubeconfig, type LoadKubeconfigOptions } from './kubeconfig.js';

const defaultFieldManager = 'clusterctl';
const patchContentTypes: Record<PatchType | 'apply', string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface KubeClientOptions {
  /** Connect timeout (ms); an unreachable server fails within this. Default 5000. */
  connectTimeoutMs?: number;
  /** Whole-request timeout (ms). Default 30000. */
  requestTimeoutMs?: number;
  /** Attempts for idempotent calls on transient errors. Default 3. */
  attempts?: number;
  /** Max parallel connections. Default 32. */
  maxSockets?: number;
  userAgent?: string;
}

interface HttpResult {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

interface Status {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { message?: string; field?: string }[] };
}

function parseStatus(body: string): Status | undefined {
  try {
    const parsed = JSON.parse(body) as Status;
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The fields an update was refused for because they cannot change once set: the API server's
 * validation says "field is immutable" (Deployment/StatefulSet selectors, Job templates, ...),
 * "may not change once set" (Service clusterIPs) or "cannot change" (binding roleRefs).
 */
function immutableFields(status: Status | undefined): string[] {
  const fields = (status?.details?.causes ?? [])
    .filter((c) => /field is immutable|may not change once set|cannot change/.test(c.message ?? ''))
    .map((c) => c.field ?? '')
    .filter(Boolean);
  return [...new Set(fields)];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const transientCodes = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNREFUSED', 'ESOCKETTIMEDOUT']);

export async function createKubeClient(options: LoadKubeconfigOptions & KubeClientOptions): Promise<KubeClient> {
  const loaded = await loadKubeconfig(options);
  return createKubeClientFromConfig(loaded.kubeConfig, {
    ...options,
    contextName: loaded.context,
    namespace: loaded.namespace,
  });
}

export function createKubeClientFromConfig(
  kc: KubeConfig,
  options: KubeClientOptions & { contextName?: string; namespace?: string } = {},
): KubeClient {
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new ClusterctlError('KUBECONFIG', `the kubeconfig has no cluster for context "${kc.getCurrentContext()}"`);
  const server = cluster.server.replace(/\/+$/, '');
  const context = options.contextName ?? kc.getCurrentContext();
  const userName = kc.getCurrentUser()?.name ?? '(none)';
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const attempts = options.attempts ?? 6;
  const isHttp = server.startsWith('http:');
  let agent: Agent | undefined;
  const discovery = new Map<string, Promise<ApiResource[]>>();

  async function requestOptions(): Promise<RequestOptions> {
    const opts: RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(opts);
    if (!agent && !isHttp) {
      // Reuse one keep-alive agent with the TLS material client-node derived from the kubeconfig.
      const given = opts.agent as (Agent & { options?: Record<string, unknown> }) | undefined;
      const tls = given?.options ?? {};
      const proxied = given && given.constructor.name !== 'Agent';
      agent = proxied
        ? given
        : new Agent({
            ca: tls.ca as string | undefined,
            cert: tls.cert as string | undefined,
            key: tls.key as string | undefined,
            rejectUnauthorized: tls.rejectUnauthorized,
            servername: tls.servername,
            keepAlive: true,
            maxSockets: options.maxSockets ?? 32,
          });
    }
    opts.agent = isHttp ? undefined : agent;
    return opts;
  }

  function networkError(error: NodeJS.ErrnoException, what: string): ClusterctlError {
    const code = error.code ?? '';
    if (
      /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|DEPTH_ZERO|HOSTNAME|ALTNAME/.test(code) ||
      /certificate/i.test(error.message)
    ) {
      return new ClusterctlError(
        'UNREACHABLE',
        `TLS verification of the API server ${server} (context "${context}") failed while trying to ${what}: ${error.message}`,
        {
          hint: 'Check certificate-authority(-data) and tls-server-name for this cluster in the kubeconfig; TLS is verified unless the kubeconfig sets insecure-skip-tls-verify.',
          cause: error,
        },
      );
    }
    return new ClusterctlError(
      'UNREACHABLE',
      `cannot reach the Kubernetes API server ${server} (context "${context}") to ${what}: ${code || error.message}`,
      {
        hint: 'Check that the cluster is running and reachable from here, and that --kubeconfig / --kubeconfig-context select the right cluster.',
        cause: error,
      },
    );
  }

  function send(
    method: string,
    path: string,
    body: string | undefined,
    contentType: string | undefined,
    opts: RequestOptions,
  ): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const url = new URL(server + path);
      const headers: Record<string, string | string[] | number> = {
        ...(opts.headers as Record<string, string>),
        Accept: 'application/json',
        'User-Agent': options.userAgent ?? 'clusterctl-ts',
      };
      if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
      if (body !== undefined) {
        headers['Content-Type'] = contentType ?? 'application/json';
        headers['Content-Length'] = Buffer.byteLength(body);
      }
      const fn = isHttp ? httpRequest : request;
      const req = fn(url, { method, headers, agent: opts.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
        );
        res.on('error', reject);
      });
      const connectTimer = setTimeout(() => {
        const err = new Error(`no connection after ${connectTimeoutMs / 1000}s`) as NodeJS.ErrnoException;
        err.code = 'ETIMEDOUT';
        req.destroy(err);
      }, connectTimeoutMs);
      req.on('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connectTimer);
        else socket.once(isHttp ? 'connect' : 'secureConnect', () => clearTimeout(connectTimer));
      });
      req.setTimeout(requestTimeoutMs, () => {
        const err = new Error(`no answer after ${requestTimeoutMs / 1000}s`) as NodeJS.ErrnoException;
        err.code = 'ETIMEDOUT';
        req.destroy(err);
      });
      req.on('error', (e) => {
        clearTimeout(connectTimer);
        reject(e);
      });
      req.on('close', () => clearTimeout(connectTimer));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  async function call(
    method: string,
    path: string,
    what: string,
    body?: unknown,
    contentType?: string,
  ): Promise<HttpResult> {
    const idempotent =
      method === 'GET' || method === 'PUT' || method === 'DELETE' || contentType === patchContentTypes.apply;
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    let lastError: unknown;
    for (let attempt = 1; attempt <= (idempotent ? attempts : 1); attempt++) {
      let opts: RequestOptions;
      try {
        opts = await requestOptions();
      } catch (error) {
        throw new ClusterctlError(
          'UNAUTHORIZED',
          `could not obtain credentials for user "${userName}" (context "${context}"): ${error instanceof Error ? error.message : String(error)}`,
          {
            hint: 'Check the user entry of the kubeconfig (exec plugin, token file, client certificate files).',
            cause: error,
          },
        );
      }
      try {
        const res = await send(method, path, payload, contentType, opts);
        if ((res.status === 429 || res.status >= 500) && idempotent && attempt < attempts) {
          // A just-established CRD answers 503 "Retry-After: 1" for a moment; its storage is usually
          // ready well before that, so poll sooner (bounded by the attempt count).
          const retryAfter = Number(res.headers['retry-after']);
          const asked =
            Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 5) * 1000 : 250 * 2 ** attempt;
          await sleep(res.status === 503 ? Math.min(asked, 100 * attempt) : asked);
          continue;
        }
        return res;
      } catch (error) {
        lastError = error;
        const e = error as NodeJS.ErrnoException;
        const connectFailure = e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH';
        if (!idempotent || !transientCodes.has(e.code ?? '') || connectFailure || attempt === attempts) {
          throw networkError(e, what);
        }
        await sleep(250 * 2 ** attempt);
      }
    }
    throw networkError(lastError as NodeJS.ErrnoException, what);
  }

  function httpError(res: HttpResult, what: string): ClusterctlError {
    const status = parseStatus(res.body);
    const message = status?.message ?? (res.body.trim().slice(0, 300) || `HTTP ${res.status}`);
    switch (res.status) {
      case 401:
        return new ClusterctlError(
          'UNAUTHORIZED',
          `the API server ${server} rejected the credentials of user "${userName}" (context "${context}") while trying to ${what}`,
          {
            hint: 'The client certificate, token or exec plugin of this kubeconfig user is not accepted: refresh the credentials or pick another context with --kubeconfig-context.',
          },
        );
      case 403:
        if (/admission webhook|AdmissionPolicy|denied (the )?request/i.test(message)) {
          return new ClusterctlError('REJECTED', `the API server refused to ${what}: ${message}`, {
            hint: 'An admission webhook or policy denied the request; fix the object or the policy named above.',
          });
        }
        if (/because it is being terminated/.test(message)) {
          return new ClusterctlError('CONFLICT', `could not ${what}: ${message}`, {
            hint: 'The namespace is being deleted; wait until it is gone (kubectl get ns) and re-run.',
          });
        }
        return new ClusterctlError(
          'FORBIDDEN',
          `user "${userName}" (context "${context}") is not allowed to ${what}: ${message}`,
          {
            hint: 'Use a kubeconfig user with cluster-admin rights on the management cluster, or ask an administrator to grant the permission named above.',
          },
        );
      case 404:
        return new ClusterctlError('NOT_FOUND', `could not ${what}: ${message}`);
      case 409:
        return new ClusterctlError('CONFLICT', `could not ${what}: ${message}`, {
          hint: 'Another writer changed or created the object at the same time; re-run the command.',
          reason: status?.reason,
        });
      case 400:
      case 422: {
        const immutable = immutableFields(status);
        if (immutable.length > 0) {
          return new ClusterctlError(
            'IMMUTABLE_FIELD',
            `could not ${what}: the object already exists and its ${immutable.join(', ')} cannot be changed (the API server answered: ${message})`,
            {
              hint: 'The existing object was created with a different value of that field (by another version or another tool); delete it and re-run the command.',
            },
          );
        }
        const causes = status?.details?.causes?.map((c) => c.message).filter(Boolean) ?? [];
        return new ClusterctlError(
          'REJECTED',
          `the API server rejected the request to ${what}: ${message}${causes.length > 1 ? ` (${causes.join('; ')})` : ''}`,
          {
            hint: /webhook|AdmissionPolicy|denied/i.test(message)
              ? 'An admission policy or webhook of this cluster denied the object: change the object or ask the cluster administrator to allow it, then re-run.'
              : 'Fix the object definition named above.',
          },
        );
      }
      default:
        if (/failed calling webhook/i.test(message)) {
          return new ClusterctlError('REJECTED', `could not ${what}: ${message}`, {
            hint: 'The admission or conversion webhook named above is not reachable: check that the provider controller that serves it is running (kubectl get pods -A) and that cert-manager has issued its certificate.',
          });
        }
        return new ClusterctlError(
          'INTERNAL',
          `the API server ${server} answered HTTP ${res.status} to ${what}: ${message}`,
        );
    }
  }

  async function json<T>(method: string, path: string, what: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await call(method, path, what, body, contentType);
    if (res.status >= 200 && res.status < 300) return JSON.parse(res.body) as T;
    throw httpError(res, what);
  }

  function groupVersionPath(apiVersion: string): string {
    return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  }

  async function resources(apiVersion: string, options?: { refresh?: boolean }): Promise<ApiResource[]> {
    if (options?.refresh) discovery.delete(apiVersion);
    let pending = discovery.get(apiVersion);
    if (!pending) {
      pending = (async () => {
        const res = await call('GET', groupVersionPath(apiVersion), `discover the resources of ${apiVersion}`);
        if (res.status === 404) return [];
        if (res.status !== 200) throw httpError(res, `discover the resources of ${apiVersion}`);
        const list = JSON.parse(res.body) as {
          resources: {
            name: string;
            kind: string;
            namespaced: boolean;
            verbs: string[];
            storageVersionHash?: string;
          }[];
        };
        return list.resources
          .filter((r) => !r.name.includes('/'))
          .map((r) => ({
            apiVersion,
            kind: r.kind,
            name: r.name,
            namespaced: r.namespaced,
            verbs: r.verbs,
            storageVersionHash: r.storageVersionHash,
          }));
      })();
      discovery.set(apiVersion, pending);
      pending.catch(() => discovery.delete(apiVersion));
    }
    return pending;
  }

  async function serverResources(): Promise<ApiResource[]> {
    const groups = await json<{ groups: { preferredVersion?: { groupVersion: string } }[] }>(
      'GET',
      '/apis',
      'discover the API groups',
    );
    const versions = [
      'v1',
      ...groups.groups.map((g) => g.preferredVersion?.groupVersion).filter((v): v is string => Boolean(v)),
    ];
    const lists = await Promise.all(versions.map((v) => resources(v)));
    return lists.flat();
  }

  async function resourceFor(apiVersion: string, kind: string): Promise<ApiResource> {
    let found = (await resources(apiVersion)).find((r) => r.kind === kind);
    if (!found) {
      // A CRD may have been created since the list was cached.
      discovery.delete(apiVersion);
      found = (await resources(apiVersion)).find((r) => r.kind === kind);
    }
    if (!found) {
      throw new ClusterctlError('NOT_FOUND', `the API server ${server} does not serve kind ${kind} in ${apiVersion}`, {
        hint: 'Install the provider (or CRD) that defines this kind first, e.g. with clusterctl init.',
      });
    }
    return found;
  }

  async function objectPath(
    ref: { apiVersion: string; kind: string; namespace?: string | undefined; name?: string | undefined },
    forList = false,
  ): Promise<string> {
    const resource = await resourceFor(ref.apiVersion, ref.kind);
    let path = groupVersionPath(ref.apiVersion);
    if (resource.namespaced && ref.namespace) path += `/namespaces/${encodeURIComponent(ref.namespace)}`;
    else if (resource.namespaced && !forList) {
      throw new ClusterctlError(
        'INVALID_ARGUMENT',
        `${ref.kind} ${ref.name ?? ''} is namespaced but no namespace was given`,
      );
    }
    path += `/${resource.name}`;
    if (ref.name) path += `/${encodeURIComponent(ref.name)}`;
    return path;
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

  return {
    server,
    context,
    currentNamespace: options.namespace ?? kc.getContextObject(context)?.namespace ?? 'default',

    async serverVersion(): Promise<ServerVersion> {
      return json<ServerVersion>('GET', '/version', 'read the server version');
    },
    resources,
    serverResources,
    resourceFor,

    async get(ref) {
      const what = `get ${describeRef(ref)}`;
      const res = await call('GET', await objectPath(ref), what);
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw httpError(res, what);
      return JSON.parse(res.body) as KubeObject;
    },

    async list(apiVersion, kind, listOptions: ListOptions = {}) {
      const base = await objectPath({ apiVersion, kind, namespace: listOptions.namespace }, true);
      const items: KubeObject[] = [];
      let cont: string | undefined;
      do {
        const page = await json<{ items: KubeObject[]; metadata?: { continue?: string } }>(
          'GET',
          base +
            query({
              labelSelector: listOptions.labelSelector,
              fieldSelector: listOptions.fieldSelector,
              limit: String(listOptions.pageSize ?? 500),
              continue: cont,
            }),
          `list ${kind} (${apiVersion})${listOptions.namespace ? ` in namespace ${listOptions.namespace}` : ''}`,
        );
        // Lists omit apiVersion/kind on items; restore them so objects can be written back as-is.
        for (const item of page.items) items.push({ ...item, apiVersion, kind });
        cont = page.metadata?.continue || undefined;
      } while (cont);
      return items;
    },

    async create(obj, writeOptions) {
      const ref = refOfObj(obj);
      const path = await objectPath({ ...ref, name: undefined }, false);
      return json<KubeObject>('POST', path + writeQuery(writeOptions), `create ${describeRef(ref)}`, obj);
    },

    async replace(obj, writeOptions) {
      const ref = refOfObj(obj);
      return json<KubeObject>(
        'PUT',
        (await objectPath(ref)) + writeQuery(writeOptions),
        `update ${describeRef(ref)}`,
        obj,
      );
    },

    async apply(obj, applyOptions) {
      const ref = refOfObj(obj);
      const extra = { force: applyOptions?.force === false ? undefined : 'true' };
      return json<KubeObject>(
        'PATCH',
        (await objectPath(ref)) + writeQuery(applyOptions, extra),
        `apply ${describeRef(ref)}`,
        obj,
        patchContentTypes.apply,
      );
    },

    async patch(ref, patch, type, writeOptions) {
      return json<KubeObject>(
        'PATCH',
        (await objectPath(ref)) + writeQuery(writeOptions),
        `patch ${describeRef(ref)}`,
        patch,
        patchContentTypes[type],
      );
    },

    async replaceStatus(obj) {
      const ref = refOfObj(obj);
      return json<KubeObject>(
        'PUT',
        `${await objectPath(ref)}/status`,
        `update the status of ${describeRef(ref)}`,
        obj,
      );
    },

    async delete(ref, deleteOptions) {
      const what = `delete ${describeRef(ref)}`;
      const body = deleteOptions?.propagationPolicy
        ? { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: deleteOptions.propagationPolicy }
        : undefined;
      const res = await call('DELETE', await objectPath(ref), what, body);
      if (res.status === 404) return false;
      if (res.status >= 200 && res.status < 300) return true;
      throw httpError(res, what);
    },
  };
}
