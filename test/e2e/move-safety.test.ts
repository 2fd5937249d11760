/**
 * `clusterctl move` safety on real API servers: what must never be lost, whatever the kubeconfigs
 * call the clusters, and whatever state a journal or a backup folder is in.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { KubeClient } from '../../src/core/ports.js';
import type { ApiServer } from '../harness/apiserver.js';
import { runClusterctl } from '../harness/cli.js';
import { clientFor, startExtraApiServer, uniqueName } from '../harness/index.js';
import { createOnTarget, namespaceEnsurer } from '../../src/core/cluster/mover.js';
import { newNode } from '../../src/core/cluster/object-graph.js';
import { capiV, createClusters, ensureNamespace, installCapi, snapshotNamespace } from '../fixtures/capi-objects.js';

interface KubeconfigDoc {
  clusters: { name: string; cluster: { server: string } }[];
  users: { name: string }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
}

/** The same server under other context/cluster/user names, reached through `localhost`. */
function aliasKubeconfig(kubeconfig: string, alias: string): string {
  const doc = parse(kubeconfig) as KubeconfigDoc;
  const cluster = doc.clusters[0]!;
  cluster.name = `${alias}-cluster`;
  cluster.cluster.server = cluster.cluster.server.replace('127.0.0.1', 'localhost');
  doc.users[0]!.name = `${alias}-user`;
  doc.contexts[0]!.name = alias;
  doc.contexts[0]!.context = { cluster: `${alias}-cluster`, user: `${alias}-user` };
  doc['current-context'] = alias;
  return stringify(doc);
}

describe('clusterctl move safety', { timeout: 180_000 }, () => {
  let a: ApiServer;
  let ca: KubeClient;
  let stateDir: string;
  let aliasPath: string;
  const env = () => ({ CLUSTERCTL_TS_STATE_DIR: stateDir });

  beforeAll(async () => {
    a = await startExtraApiServer({ name: 'safety-a' });
    ca = clientFor(a.kubeconfig);
    await installCapi(ca);
    stateDir = mkdtempSync(join(tmpdir(), 'move-safety-state-'));
    aliasPath = join(mkdtempSync(join(tmpdir(), 'move-alias-')), 'alias.kubeconfig');
    writeFileSync(aliasPath, aliasKubeconfig(a.kubeconfig, 'other-name'), { mode: 0o600 });
  });
  afterAll(async () => {
    await a?.stop();
  });

  it('refuses to move a namespace onto the same cluster reached under other names and another URL, changing nothing', async () => {
    const ns = uniqueName('self');
    await createClusters(ca, ns, 2, { workers: 1 });
    const before = await snapshotNamespace(ca, ns);
    expect(clientFor(readFileAlias()).server).not.toBe(ca.server);

    for (const [from, to] of [
      [a.kubeconfigPath, aliasPath],
      [aliasPath, a.kubeconfigPath],
    ] as const) {
      for (const extra of [[], ['--rollback']]) {
        const result = await runClusterctl(['move', '-n', ns, '--kubeconfig', from, '--to-kubeconfig', to, ...extra], {
          env: env(),
          timeoutMs: 120_000,
        });
        expect(result.exitCode, result.stderr).toBe(2);
        expect(result.stderr).toContain('the source and the target are the same cluster');
        expect(result.stderr).toContain('kube-system');
      }
    }
    // Nothing deleted, nothing paused, no journal left.
    const after = await snapshotNamespace(ca, ns);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, obj] of after) expect(obj.metadata.uid, key).toBe(before.get(key)!.metadata.uid);
    for (const c of await ca.list(capiV, 'Cluster', { namespace: ns }))
      expect((c.spec as { paused?: boolean }).paused).toBeUndefined();
    expect(readdirSafe(join(stateDir, 'move'))).toEqual([]);
  });

  it('never updates an object on the target that carries the UID of the object being copied', async () => {
    const ns = uniqueName('sameuid');
    await ensureNamespace(ca, ns);
    const original = await ca.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'precious', namespace: ns, labels: { keep: 'me' } },
      data: { key: 'c2VjcmV0' },
    });
    const node = newNode({
      uid: original.metadata.uid!,
      apiVersion: 'v1',
      kind: 'Secret',
      name: 'precious',
      namespace: ns,
    });
    node.virtual = false;
    node.object = original;
    const copy = structuredClone(original);
    delete copy.metadata.uid;
    delete copy.metadata.resourceVersion;
    copy.metadata.labels = {};
    await expect(createOnTarget(ca, node, copy, namespaceEnsurer(ca))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('has the UID of the object being copied') as unknown as string,
    });
    const after = await ca.get({ apiVersion: 'v1', kind: 'Secret', name: 'precious', namespace: ns });
    expect(after?.metadata.resourceVersion).toBe(original.metadata.resourceVersion);
    expect(after?.metadata.labels).toEqual({ keep: 'me' });
  });

  function readFileAlias(): string {
    return aliasKubeconfig(a.kubeconfig, 'other-name');
  }
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
