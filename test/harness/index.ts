/** What tests import: the shared API server, namespaces for isolation, extra servers. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createKubeClientFromConfig } from '../../src/adapters/kube/client.js';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeClient } from '../../src/core/ports.js';
import { startApiServer, type ApiServer, type StartApiServerOptions } from './apiserver.js';

export interface SharedApiServer {
  url: string;
  kubeconfigPath: string;
  kubeconfig: string;
  restrictedKubeconfig: string;
  dir: string;
}

export function sharedApiServer(): SharedApiServer {
  const shared = inject('sharedApiServer');
  if (!shared) {
    throw new Error(
      'this test needs the shared API server, but CLUSTERCTL_TS_UNIT_ONLY=1 disabled it; run it with npm test',
    );
  }
  return shared;
}

export function clientFor(kubeconfig: string, context?: string): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  if (context) kc.setCurrentContext(context);
  return createKubeClientFromConfig(kc);
}

/** A fresh namespace name, unique per test run. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Creates a namespace on the shared server; returns its name. */
export async function testNamespace(client: KubeClient, prefix = 'test'): Promise<string> {
  const name = uniqueName(prefix);
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/** Another API server on the shared etcd (its own key prefix): for move sources/targets. */
export async function startExtraApiServer(options: Omit<StartApiServerOptions, 'etcd'> = {}): Promise<ApiServer> {
  const etcdUrl = inject('sharedEtcdUrl');
  return startApiServer({
    ...options,
    name: options.name ?? uniqueName('extra'),
    ...(etcdUrl ? { etcd: { url: etcdUrl, dir: '', pid: 0, stop: () => Promise.resolve() } } : {}),
  });
}
