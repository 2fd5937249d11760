/**
 * `clusterctl move` safety on real API servers: what must never be lost, whatever the kubeconfigs
 * call the clusters, and whatever state a journal or a backup folder is in. Both clusters hold the
 * real Cluster API v1.13.5 providers (our `init`), their webhooks served by the real managers with
 * idle controllers (capi-webhooks.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createMoveJournalStore } from '../../src/adapters/state/move-journal.js';
import { move } from '../../src/core/move/index.js';
import type { KubeClient } from '../../src/core/ports.js';
import type { ApiServer } from '../harness/apiserver.js';
import { runClusterctl } from '../harness/cli.js';
import { clientFor, uniqueName } from '../harness/index.js';
import {
  startWebhookServedClusters,
  webhookSetupTimeoutMs,
  type WebhookServedClusters,
} from '../harness/capi-webhooks.js';
import { namespaceEnsurer, writeCopy } from '../../src/core/cluster/mover.js';
import { newNode } from '../../src/core/cluster/object-graph.js';
import { capiV, createClusters, ensureNamespace, snapshotNamespace } from '../fixtures/capi-objects.js';

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
  let b: ApiServer;
  let ca: KubeClient;
  let cb: KubeClient;
  let stateDir: string;
  let aliasPath: string;
  const env = () => ({ CLUSTERCTL_TS_STATE_DIR: stateDir });

  let mgmt: WebhookServedClusters;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'move-safety-state-'));
    mgmt = await startWebhookServedClusters({ names: ['safety-a', 'safety-b'], dir: join(stateDir, 'capi') });
    [a, b] = mgmt.clusters.map((c) => c.server) as [ApiServer, ApiServer];
    [ca, cb] = mgmt.clusters.map((c) => c.client) as [KubeClient, KubeClient];
    aliasPath = join(mkdtempSync(join(tmpdir(), 'move-alias-')), 'alias.kubeconfig');
    writeFileSync(aliasPath, aliasKubeconfig(a.kubeconfig, 'other-name'), { mode: 0o600 });
  }, webhookSetupTimeoutMs);
  afterAll(async () => {
    await mgmt?.stop();
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
    await expect(writeCopy(ca, node, copy, namespaceEnsurer(ca))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('has the UID of the object being copied') as unknown as string,
    });
    const after = await ca.get({ apiVersion: 'v1', kind: 'Secret', name: 'precious', namespace: ns });
    expect(after?.metadata.resourceVersion).toBe(original.metadata.resourceVersion);
    expect(after?.metadata.labels).toEqual({ keep: 'me' });
  });

  const crashAt = (step: string) => (s: string) => {
    if (s === step) throw new Error(`simulated crash after ${step}`);
  };

  it('finds the journal of a failed move through another URL of the same target; --rollback through the first URL then refuses', async () => {
    const ns = uniqueName('twourls');
    await createClusters(ca, ns, 2, { workers: 1 });
    const before = await snapshotNamespace(ca, ns);
    const journal = createMoveJournalStore(join(stateDir, `urls-${ns}`));
    await expect(
      move({ source: ca, target: cb, journal, onStep: crashAt('created') }, { namespace: ns }),
    ).rejects.toThrow(/simulated crash/);
    // Finished through localhost and another context name: the same journal, resumed.
    const cbAlias = clientFor(aliasKubeconfig(b.kubeconfig, 'b-alias'));
    expect(cbAlias.server).not.toBe(cb.server);
    const finished = await move({ source: ca, target: cbAlias, journal }, { namespace: ns });
    expect(finished.resumed).toBe(true);
    await expect(move({ source: ca, target: cb, journal }, { namespace: ns, rollback: true })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect([...(await snapshotNamespace(cb, ns)).keys()].sort()).toEqual([...before.keys()].sort());
    expect((await snapshotNamespace(ca, ns)).size).toBe(0);
  });

  it('--rollback refuses a move that has finished even when a stale journal says otherwise', async () => {
    const ns = uniqueName('stale');
    await createClusters(ca, ns, 1, { workers: 1 });
    const dir = join(stateDir, `stale-${ns}`);
    const journal = createMoveJournalStore(dir);
    await expect(
      move({ source: ca, target: cb, journal, onStep: crashAt('deleted') }, { namespace: ns }),
    ).rejects.toThrow(/simulated crash/);
    const [file] = readdirSync(dir);
    const stale = readFileSync(join(dir, file!), 'utf8');
    await move({ source: ca, target: cb, journal }, { namespace: ns });
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(join(dir, file!), stale);
    const onTarget = await snapshotNamespace(cb, ns);
    await expect(move({ source: ca, target: cb, journal }, { namespace: ns, rollback: true })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('has finished') as unknown as string,
    });
    const after = await snapshotNamespace(cb, ns);
    expect([...after.keys()].sort()).toEqual([...onTarget.keys()].sort());
    expect((await snapshotNamespace(ca, ns)).size).toBe(0);
  });

  it('--rollback deletes the namespace the move created on the target, and keeps one that was there', async () => {
    for (const existed of [false, true]) {
      const ns = uniqueName(existed ? 'nskept' : 'nsgone');
      await createClusters(ca, ns, 1, { workers: 1 });
      if (existed) await ensureNamespace(cb, ns);
      const journal = createMoveJournalStore(join(stateDir, `ns-${ns}`));
      await expect(
        move({ source: ca, target: cb, journal, onStep: crashAt('created-group-1') }, { namespace: ns }),
      ).rejects.toThrow(/simulated crash/);
      const undone = await move({ source: ca, target: cb, journal }, { namespace: ns, rollback: true });
      expect(undone.rolledBack).toBe(true);
      const nsRef = { apiVersion: 'v1', kind: 'Namespace', name: ns };
      if (existed) {
        expect((await cb.get(nsRef))?.metadata.deletionTimestamp).toBeUndefined();
      } else {
        // Deleted by the rollback: gone, or being removed by the namespace controller (which takes
        // its time on a busy machine; its work is not the rollback's).
        const left = await cb.get(nsRef);
        expect(
          left === undefined || left.metadata.deletionTimestamp !== undefined,
          JSON.stringify(left?.metadata),
        ).toBe(true);
      }
    }
  });

  const cli = (args: string[]) => runClusterctl(['move', ...args], { env: env(), timeoutMs: 120_000 });

  it('refuses -n values that are not namespace names (exit 2), and never uses them in a path', async () => {
    const stray = uniqueName('stray');
    for (const bad of ['Bad_NS', `../../../../tmp/${stray}`]) {
      const result = await cli(['-n', bad, '--kubeconfig', a.kubeconfigPath, '--to-kubeconfig', b.kubeconfigPath]);
      expect(result.exitCode, result.stderr).toBe(2);
      expect(result.stderr).toContain(`"${bad}" is not a namespace name`);
    }
    expect(readdirSync('/tmp').filter((f) => f.startsWith(stray))).toEqual([]);
    expect(readdirSafe(join(stateDir, 'move'))).toEqual([]);
  });

  it('--to-directory naming an existing file says it is a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'move-file-')), 'backup.yaml');
    writeFileSync(file, 'not a folder\n');
    const result = await cli(['-n', 'default', '--kubeconfig', a.kubeconfigPath, '--to-directory', file]);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('is a file, not a directory');
    expect(readFileSync(file, 'utf8')).toBe('not a folder\n');
  });

  describe('restoring a backup', () => {
    let ns: string;
    let backup: string;
    let files: string[];
    beforeAll(async () => {
      ns = uniqueName('restore');
      await createClusters(ca, ns, 1, { workers: 0 });
      backup = mkdtempSync(join(tmpdir(), 'move-safety-backup-'));
      const save = await cli(['-n', ns, '--kubeconfig', a.kubeconfigPath, '--to-directory', backup]);
      expect(save.exitCode, save.stderr).toBe(0);
      files = readdirSync(backup).sort();
    });

    /** A copy of the backup with one file changed. */
    function variant(file: string, change: (o: Record<string, unknown>) => void): string {
      const dir = mkdtempSync(join(tmpdir(), 'move-safety-variant-'));
      for (const f of files) writeFileSync(join(dir, f), readFileSync(join(backup, f)));
      const obj = JSON.parse(readFileSync(join(backup, file), 'utf8')) as Record<string, unknown>;
      change(obj);
      writeFileSync(join(dir, file), JSON.stringify(obj));
      return dir;
    }
    const restore = (dir: string, ...extra: string[]) =>
      cli(['--from-directory', dir, '--to-kubeconfig', b.kubeconfigPath, ...extra]);

    it('refuses a file whose object has no kind, a traversal or invalid name or namespace, or a Cluster Go cannot read, before restoring anything', async () => {
      const cases: [string, (o: Record<string, unknown>) => void, string][] = [
        [`Cluster_${ns}_c0.yaml`, (o) => delete o.kind, 'it has no kind'],
        [`Secret_${ns}_c0-kubeconfig.yaml`, (o) => ((o.metadata as { name: string }).name = '../../etc/x'), 'its name'],
        [
          `Secret_${ns}_c0-ca.yaml`,
          (o) => ((o.metadata as { namespace: string }).namespace = '../kube-system'),
          'its namespace',
        ],
        [`Machine_${ns}_c0-cp-0.yaml`, (o) => ((o.metadata as { name: string }).name = 'Bad_Name'), 'its name'],
        [
          // As the Go tool, which reads every Cluster into its Cluster type before restoring.
          `Cluster_${ns}_c0.yaml`,
          (o) => ((o.spec as Record<string, unknown>).clusterNetwork = { pods: { cidrBlocks: '10.0.0.0/16' } }),
          "spec.clusterNetwork.pods.cidrBlocks is a string, but Go's Cluster type wants a list of strings there",
        ],
      ];
      for (const [file, change, text] of cases) {
        expect(files).toContain(file);
        const result = await restore(variant(file, change));
        expect(result.exitCode, result.stderr).toBe(2);
        expect(result.stderr).toContain(`${file} cannot be restored: ${text}`);
      }
      expect((await snapshotNamespace(cb, ns)).size).toBe(0);
    });

    it('a restore that fails midway says what is on the target and how to finish; re-running finishes it', async () => {
      const file = `Secret_${ns}_c0-kubeconfig.yaml`;
      // The API server refuses it: a TLS Secret needs tls.crt and tls.key.
      const dir = variant(file, (o) => (o.type = 'kubernetes.io/tls'));
      const failed = await restore(dir);
      expect(failed.exitCode).not.toBe(0);
      expect(failed.stderr).toMatch(/The restore stopped midway: \d+ of \d+ objects were created on /);
      expect(failed.stderr).toContain(`the restored Clusters ${ns}/c0 are paused there`);
      expect(failed.stderr).toContain('Re-run the same command to finish the restore');
      const paused = await cb.list(capiV, 'Cluster', { namespace: ns });
      expect(paused.map((c) => (c.spec as { paused?: boolean }).paused)).toEqual([true]);
      writeFileSync(join(dir, file), readFileSync(join(backup, file)));
      const finished = await restore(dir);
      expect(finished.exitCode, finished.stderr).toBe(0);
      expect((await snapshotNamespace(cb, ns)).size).toBe(files.length);
      for (const c of await cb.list(capiV, 'Cluster', { namespace: ns }))
        expect((c.spec as { paused?: boolean }).paused).toBeUndefined();
    });

    it('reports a damaged encrypted backup file as corrupt, not as a wrong key', async () => {
      const sealedNs = uniqueName('sealed');
      await createClusters(ca, sealedNs, 1, { workers: 0 });
      const dir = mkdtempSync(join(tmpdir(), 'move-safety-sealed-'));
      const keyFile = join(mkdtempSync(join(tmpdir(), 'age-key-')), 'key.txt');
      const age = await import('age-encryption');
      writeFileSync(keyFile, `${await age.generateIdentity()}\n`, { mode: 0o600 });
      const save = await cli([
        '-n',
        sealedNs,
        '--kubeconfig',
        a.kubeconfigPath,
        '--to-directory',
        dir,
        '--encrypt-with',
        keyFile,
      ]);
      expect(save.exitCode, save.stderr).toBe(0);
      const victim = join(dir, `Cluster_${sealedNs}_c0.yaml.age`);
      const lines = readFileSync(victim, 'utf8').split('\n');
      // Flip one base64 character of the encrypted payload (still valid armor).
      const i = lines.length - 3;
      const line = lines[i]!;
      lines[i] = (line[0] === 'A' ? 'B' : 'A') + line.slice(1);
      writeFileSync(victim, lines.join('\n'));
      const result = await restore(dir, '--decrypt-with', keyFile);
      expect(result.exitCode, result.stderr).toBe(2);
      expect(result.stderr).toContain(`Cluster_${sealedNs}_c0.yaml.age is corrupt`);
      expect(result.stderr).not.toContain('cannot be decrypted with the key');
      expect((await snapshotNamespace(cb, sealedNs)).size).toBe(0);
    });
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
