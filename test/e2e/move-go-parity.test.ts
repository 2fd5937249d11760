/**
 * move next to the Go clusterctl v1.13.5 on identical data: the same end state on the target, and
 * backup folders that each tool can restore from the other. The three clusters hold the real
 * Cluster API v1.13.5 providers (our `init` from ../shared/fixtures/capi-repo) with their webhooks
 * served by the real managers, controllers idle (capi-webhooks.ts).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/core/ports.js';
import type { KubeObject } from '../../src/types.js';
import type { ApiServer } from '../harness/apiserver.js';
import { runClusterctl } from '../harness/cli.js';
import { goClusterctlPath, runGoClusterctl } from '../harness/go-clusterctl.js';
import { clientFor, uniqueName } from '../harness/index.js';
import { moveWithBothTools } from '../harness/move-parity.js';
import {
  startWebhookServedClusters,
  webhookSetupTimeoutMs,
  type WebhookServedClusters,
} from '../harness/capi-webhooks.js';
import { capiV, createClusterClass, createClusterObjects, snapshotNamespace } from '../fixtures/capi-objects.js';

/** What must be equal after a move: everything but server-assigned identity and timestamps. */
function normalise(o: KubeObject): unknown {
  const md = { ...o.metadata };
  delete md.uid;
  delete md.resourceVersion;
  delete md.creationTimestamp;
  delete md.generation;
  delete md.namespace;
  md.ownerReferences = (md.ownerReferences ?? []).map((r) => ({ ...r, uid: '' }));
  // Both tools restore the source's managedFields, whose ownerReference keys name the source UIDs.
  md.managedFields = JSON.parse(
    JSON.stringify((md.managedFields ?? []).map((f) => ({ ...(f as Record<string, unknown>), time: '' }))).replace(
      /k:\{\\"uid\\":\\"[0-9a-f-]+\\"\}/g,
      'k:{uid}',
    ),
  ) as unknown[];
  return { ...o, metadata: md };
}

async function populate(client: KubeClient, ns: string): Promise<void> {
  await createClusterClass(client, ns, 'quick');
  await createClusterObjects(client, ns, 'alpha', { className: 'quick' });
  await createClusterObjects(client, ns, 'beta', { controlPlaneMachines: 3, workers: 1 });
  await client.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'forced', namespace: ns, labels: { 'clusterctl.cluster.x-k8s.io/move': '' } },
    data: { a: 'b' },
  });
}

describe('move: same results as the Go clusterctl', { timeout: 180_000 }, () => {
  const go = goClusterctlPath();
  let a: ApiServer;
  let b: ApiServer;
  let c: ApiServer;
  let ca: KubeClient;
  let cb: KubeClient;
  const env = { CLUSTERCTL_TS_STATE_DIR: mkdtempSync(join(tmpdir(), 'move-parity-state-')) };

  let mgmt: WebhookServedClusters;

  beforeAll(async () => {
    mgmt = await startWebhookServedClusters({
      names: ['parity-a', 'parity-b', 'parity-c'],
      dir: mkdtempSync(join(tmpdir(), 'move-parity-capi-')),
    });
    [a, b, c] = mgmt.clusters.map((m) => m.server) as [ApiServer, ApiServer, ApiServer];
    [ca, cb] = mgmt.clusters.map((m) => m.client) as [KubeClient, KubeClient];
  }, webhookSetupTimeoutMs);
  afterAll(async () => {
    await mgmt?.stop();
  });

  it('leaves the target exactly as the Go tool does (objects, owners, labels, annotations, managedFields)', async () => {
    expect(go, 'the Go clusterctl reference binary is required (scripts/setup-go-clusterctl.sh)').toBeDefined();
    const { goTarget, oursTarget, goSource, oursSource } = await moveWithBothTools({
      go: go!,
      prefix: 'parity',
      sourceKubeconfig: a.kubeconfigPath,
      targetKubeconfig: b.kubeconfigPath,
      populate: (ns) => populate(ca, ns),
      snapshot: (cluster, ns) => snapshotNamespace(cluster === 'source' ? ca : cb, ns),
      run: { env },
    });
    expect(goTarget.size).toBeGreaterThan(40);
    expect([...oursTarget.keys()].sort()).toEqual([...goTarget.keys()].sort());
    for (const [key, theirsObj] of goTarget) {
      expect(normalise(oursTarget.get(key)!), key).toEqual(normalise(theirsObj));
    }
    expect([...oursSource.keys()].sort()).toEqual([...goSource.keys()].sort());
  });

  it("writes backups in the Go tool's file format, and each tool restores the other's", async () => {
    expect(go).toBeDefined();
    const ns = uniqueName('backup');
    await populate(ca, ns);
    const goDir = mkdtempSync(join(tmpdir(), 'go-backup-'));
    const ourDir = mkdtempSync(join(tmpdir(), 'our-backup-'));
    const theirs = await runGoClusterctl(go!, [
      'move',
      '-n',
      ns,
      '--kubeconfig',
      a.kubeconfigPath,
      '--to-directory',
      goDir,
    ]);
    expect(theirs.exitCode, theirs.stderr).toBe(0);
    const ours = await runClusterctl(['move', '-n', ns, '--kubeconfig', a.kubeconfigPath, '--to-directory', ourDir], {
      env,
    });
    expect(ours.exitCode, ours.stderr).toBe(0);
    const files = readdirSync(goDir).sort();
    expect(readdirSync(ourDir).sort()).toEqual(files);
    let identical = 0;
    for (const f of files) {
      const g = readFileSync(join(goDir, f), 'utf8');
      const o = readFileSync(join(ourDir, f), 'utf8');
      if (g === o) identical++;
      const strip = (text: string) => {
        const obj = JSON.parse(text) as KubeObject;
        delete obj.metadata.resourceVersion;
        delete obj.metadata.managedFields;
        delete obj.metadata.generation;
        return obj;
      };
      expect(strip(o), f).toEqual(strip(g));
      expect(o.endsWith('}\n'), f).toBe(true);
    }
    // Objects the pause does not touch are written byte for byte as the Go tool writes them.
    expect(identical).toBeGreaterThan(files.length / 2);

    const goRestores = await runGoClusterctl(go!, [
      'move',
      '--from-directory',
      ourDir,
      '--to-kubeconfig',
      b.kubeconfigPath,
    ]);
    expect(goRestores.exitCode, goRestores.stderr).toBe(0);
    const weRestore = await runClusterctl(['move', '--from-directory', goDir, '--to-kubeconfig', c.kubeconfigPath], {
      env,
    });
    expect(weRestore.exitCode, weRestore.stderr).toBe(0);
    const [onB, onC] = await Promise.all([snapshotNamespace(cb, ns), snapshotNamespace(clientFor(c.kubeconfig), ns)]);
    expect(onB.size).toBe(files.length);
    expect([...onC.keys()].sort()).toEqual([...onB.keys()].sort());
    for (const [key, obj] of onB) {
      const mine = onC.get(key)!;
      expect(mine.spec ?? null, key).toEqual(obj.spec ?? null);
      expect(
        (mine.metadata.ownerReferences ?? []).map((r) => `${r.kind}/${r.name}`),
        key,
      ).toEqual((obj.metadata.ownerReferences ?? []).map((r) => `${r.kind}/${r.name}`));
    }
    for (const cl of await clientFor(c.kubeconfig).list(capiV, 'Cluster', { namespace: ns }))
      expect((cl.spec as { paused?: boolean }).paused, cl.metadata.name).toBeUndefined();
  });
});
