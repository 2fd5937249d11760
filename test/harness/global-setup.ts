/**
 * vitest global setup: one shared etcd and one shared kube-apiserver (+ controller manager) for
 * the whole run. Test files isolate themselves by namespace (see `testNamespace`); files that need
 * more servers (move, pivot) start their own on the shared etcd with `startExtraApiServer`.
 * CLUSTERCTL_TS_UNIT_ONLY=1 starts nothing (pure unit-test runs).
 */
import type { TestProject } from 'vitest/node';
import { startApiServer, startEtcd, type ApiServer, type Etcd } from './apiserver.js';

declare module 'vitest' {
  export interface ProvidedContext {
    sharedApiServer: {
      url: string;
      kubeconfigPath: string;
      kubeconfig: string;
      /** A user without any RBAC binding (for 403 tests). */
      restrictedKubeconfig: string;
      dir: string;
    } | null;
    sharedEtcdUrl: string | null;
  }
}

let etcd: Etcd | undefined;
let server: ApiServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (process.env.CLUSTERCTL_TS_UNIT_ONLY === '1') {
    project.provide('sharedApiServer', null);
    project.provide('sharedEtcdUrl', null);
    return;
  }
  const started = Date.now();
  etcd = await startEtcd();
  server = await startApiServer({ name: 'shared', etcd });
  process.env.CLUSTERCTL_TS_SHARED_APISERVER_READY_MS = String(Date.now() - started);
  const restrictedKubeconfig = await server.kubeconfigFor({ name: 'viewer' }, 'shared-viewer');
  project.provide('sharedApiServer', {
    url: server.url,
    kubeconfigPath: server.kubeconfigPath,
    kubeconfig: server.kubeconfig,
    restrictedKubeconfig,
    dir: server.dir,
  });
  project.provide('sharedEtcdUrl', etcd.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  await etcd?.stop();
}
