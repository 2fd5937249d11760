/**
 * Credentials and TLS material of the kubeconfig's current user and cluster, from
 * @kubernetes/client-node (client certificates, bearer tokens, token files, exec plugins with their
 * cached tokens, basic auth, insecure-skip-tls-verify, tls-server-name), and the proxy for the
 * cluster: its `proxy-url` when set (as kubectl), else HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { RequestOptions } from 'node:https';
import { ClusterctlError } from '../../errors.js';
import { proxySettingsFromEnv, type ProxyEnv, type ProxySettings } from '../net/proxy.js';
import type { TlsMaterial } from '../net/transport.js';
import type { ApiTarget } from './errors.js';

export interface Credentials {
  tls: TlsMaterial;
  headers: Record<string, string>;
}

function credentialError(target: ApiTarget, error: unknown): ClusterctlError {
  return new ClusterctlError(
    'UNAUTHORIZED',
    `could not obtain credentials for user "${target.user}" (context "${target.context}"): ${error instanceof Error ? error.message : String(error)}`,
    {
      hint: 'Check the user entry of the kubeconfig (exec plugin, token file, client certificate files).',
      cause: error,
    },
  );
}

function stringHeaders(opts: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(opts.headers ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') headers[key] = String(value);
  }
  return headers;
}

/** TLS material and headers of the current user and cluster, read once for a client's transport. */
export async function readCredentials(kc: KubeConfig, target: ApiTarget): Promise<Credentials> {
  const opts: RequestOptions = { headers: {} };
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (error) {
    throw credentialError(target, error);
  }
  const headers = stringHeaders(opts);
  if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return {
    tls: {
      ca: opts.ca as string | Buffer | undefined,
      cert: opts.cert as string | Buffer | undefined,
      key: opts.key as string | Buffer | undefined,
      rejectUnauthorized: opts.rejectUnauthorized,
      servername: opts.servername,
    },
    headers,
  };
}

/**
 * The request headers of the current user. Credentials an exec plugin or an auth provider gives
 * are asked for on every request (they rotate; the plugins cache them); static ones (a token, a
 * token file, read when the kubeconfig is loaded, basic auth, client certificates) once per client,
 * since reading them builds an agent and decodes or re-reads the TLS material (~15 us of CPU).
 */
export function authHeaders(kc: KubeConfig, target: ApiTarget): () => Promise<Record<string, string>> {
  const user = kc.getCurrentUser();
  const rotating = Boolean(user?.exec || user?.authProvider);
  let cached: Promise<Record<string, string>> | undefined;
  const read = () => readCredentials(kc, target).then((c) => c.headers);
  return () => {
    if (rotating) return read();
    if (!cached) {
      cached = read();
      cached.catch(() => (cached = undefined));
    }
    return cached;
  };
}

/** The cluster's `proxy-url`, else the proxy variables of the environment. */
export function clusterProxy(kc: KubeConfig, env: ProxyEnv | undefined): ProxySettings | undefined {
  const proxyUrl = kc.getCurrentCluster()?.proxyUrl;
  if (proxyUrl) {
    if (!/^https?:\/\//i.test(proxyUrl)) {
      throw new ClusterctlError(
        'KUBECONFIG',
        `the proxy-url ${proxyUrl} of cluster "${kc.getCurrentCluster()?.name}" is not supported`,
        {
          hint: 'Use an http:// or https:// proxy-url, or remove it and set HTTPS_PROXY.',
        },
      );
    }
    return { ...proxySettingsFromEnv({ HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl }), proxyAll: true };
  }
  return env ? proxySettingsFromEnv(env) : undefined;
}
