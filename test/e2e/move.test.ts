/**
 * `clusterctl move` end to end: the built CLI between real API servers (each on the shared etcd,
 * each with its own garbage collector), and the library for crash-at-every-step resume tests.
 *
 * Both clusters hold the real Cluster API v1.13.5 providers, installed by our own `init` from
 * ../shared/fixtures/capi-repo, with every admission and conversion webhook served by the real
 * managers (capi-webhooks.ts): each object the move writes passes the real schemas, defaulting
 * and validation. The controllers stay idle, so the status the fixtures write (as the controllers
 * would) is what the move sees; status is never moved, and markProvisioned plays the controllers
 * on the side that received a move before it moves again.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMoveJournalStore } from '../../src/adapters/state/move-journal.js';
import { move } from '../../src/core/move/index.js';
import { silentReporter, type KubeClient, type Reporter } from '../../src/core/ports.js';
import type { KubeObject } from '../../src/types.js';
import type { ApiServer } from '../harness/apiserver.js';
import { clusterctlBin, runClusterctl } from '../harness/cli.js';
import { clientFor, startExtraApiServer, uniqueName } from '../harness/index.js';
import {
  startWebhookServedClusters,
  webhookSetupTimeoutMs,
  type WebhookServedClusters,
} from '../harness/capi-webhooks.js';
import { crdFor } from '../fixtures/capi-crds.js';
import { waitForCrdEstablished } from '../../src/core/cluster/inventory.js';
import {
  capiV,
  createClusterClass,
  createClusterObjects,
  createClusters,
  ensureNamespace,
  markProvisioned,
  snapshotNamespace,
} from '../fixtures/capi-objects.js';

const perCluster = 22;

/** Runs the built CLI and sends it SIGINT once its stderr matches `when` (as Ctrl-C would). */
function runAndInterrupt(
  args: string[],
  env: Record<string, string>,
  when: RegExp,
): Promise<{ stderr: string; exitCode: number; interrupted: boolean }> {
  const home = mkdtempSync(join(tmpdir(), 'clusterctl-home-'));
  const child = spawn(process.execPath, [clusterctlBin, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      NO_COLOR: '1',
      CLUSTERCTL_DISABLE_VERSIONCHECK: 'true',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let interrupted = false;
  const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (!interrupted && when.test(stderr)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      resolve({ stderr, exitCode: code ?? -1, interrupted });
    });
  });
}

/**
 * Waits until the API server enforces a new admission policy (it loads policies asynchronously):
 * a dry-run create of a worker Machine of c1 in `namespace` is refused with the policy's message.
 */
async function waitUntilEnforced(client: KubeClient, namespace: string): Promise<void> {
  await ensureNamespace(client, namespace);
  const probe: KubeObject = {
    apiVersion: capiV,
    kind: 'Machine',
    metadata: { name: 'c1-md-probe', namespace },
    // Valid for the real v1.13.5 schema, so only the policy can refuse it.
    spec: {
      clusterName: 'c1',
      version: 'v1.35.0',
      bootstrap: { dataSecretName: 'none' },
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DockerMachine', name: 'c1-md-probe' },
    },
  };
  for (let attempt = 0; ; attempt++) {
    const message = await client.create(probe, { dryRun: true }).then(
      () => 'admitted',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    if (message.includes('machines of c1 are not welcome here')) return;
    if (attempt >= 600) throw new Error(`the admission policy is still not enforced: ${message}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('clusterctl move between real API servers', { timeout: 180_000 }, () => {
  let a: ApiServer;
  let b: ApiServer;
  let ca: KubeClient;
  let cb: KubeClient;
  let stateDir: string;
  let mgmt: WebhookServedClusters;
  const env = () => ({ CLUSTERCTL_TS_STATE_DIR: stateDir });

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'move-state-'));
    mgmt = await startWebhookServedClusters({ names: ['move-a', 'move-b'], dir: join(stateDir, 'capi') });
    [a, b] = mgmt.clusters.map((c) => c.server) as [ApiServer, ApiServer];
    [ca, cb] = mgmt.clusters.map((c) => c.client) as [KubeClient, KubeClient];
  }, webhookSetupTimeoutMs);
  afterAll(async () => {
    await mgmt?.stop();
  });

  const moveCli = (ns: string, from: ApiServer, to: ApiServer, ...extra: string[]) =>
    runClusterctl(
      ['move', '-n', ns, '--kubeconfig', from.kubeconfigPath, '--to-kubeconfig', to.kubeconfigPath, ...extra],
      {
        env: env(),
        timeoutMs: 120_000,
      },
    );

  function expectOwnersResolve(objects: Map<string, KubeObject>): void {
    const uids = new Set([...objects.values()].map((o) => o.metadata.uid));
    for (const o of objects.values()) {
      for (const ref of o.metadata.ownerReferences ?? []) {
        expect(
          uids.has(ref.uid),
          `${o.kind}/${o.metadata.name} owner ${ref.kind}/${ref.name} resolves on the target`,
        ).toBe(true);
      }
    }
  }

  it('moves every cluster of a namespace, rewrites owner UIDs, unpauses on the target and empties the source', async () => {
    const ns = uniqueName('fleet');
    await createClusters(ca, ns, 3);
    await ca.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'unrelated', namespace: ns } });
    const before = await snapshotNamespace(ca, ns);
    expect(before.size).toBe(3 * perCluster + 1);

    const result = await moveCli(ns, a, b);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Moved 66 objects \(3 clusters\) in [\d.]+s/);
    expect(result.stderr).toContain('Machine 9');

    const after = await snapshotNamespace(cb, ns);
    expect([...after.keys()].sort()).toEqual([...before.keys()].filter((k) => k !== 'Secret/unrelated').sort());
    expectOwnersResolve(after);
    for (const [key, obj] of after) {
      const old = before.get(key)!;
      expect(obj.metadata.uid).not.toBe(old.metadata.uid);
      expect(obj.spec ?? null).toEqual(old.spec ?? null);
      expect(obj.metadata.labels).toEqual(old.metadata.labels);
      if (obj.kind === 'Cluster') expect((obj.spec as { paused?: boolean }).paused).toBeUndefined();
      if (obj.kind === 'Secret') expect(obj.data).toEqual(old.data);
    }
    const left = await snapshotNamespace(ca, ns);
    expect([...left.keys()]).toEqual(['Secret/unrelated']);
    // A finished move leaves no journal behind.
    expect(readdirSync(join(stateDir, 'move'))).toEqual([]);
  });

  it('prints a dry-run plan (text and JSON) without touching either cluster', async () => {
    const ns = uniqueName('dry');
    await createClusters(ca, ns, 2);
    // A provider object that no Cluster owns: clusterctl silently leaves it behind; we say so.
    await ca.create({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'DockerMachine',
      metadata: { name: 'stray', namespace: ns },
      spec: {},
    });
    const text = await runClusterctl(['move', '--dry-run', '-n', ns, '--kubeconfig', a.kubeconfigPath], { env: env() });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Move plan for namespace "${ns}" (dry run: nothing was changed)`);
    expect(text.stdout).toContain('44 objects in 6 groups: 2 clusters, 0 ClusterClasses');
    expect(text.stdout).toMatch(/Group 1 \(2 objects, created in parallel\)\n {2}Cluster .*\/c0\n {2}Cluster .*\/c1\n/);
    expect(text.stdout).toContain(`Not moved:\n  DockerMachine ${ns}/stray: it belongs to no Cluster`);
    const json = await runClusterctl(['move', '--dry-run', '-n', ns, '--kubeconfig', a.kubeconfigPath, '-o', 'json'], {
      env: env(),
    });
    expect(json.exitCode, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      dryRun: boolean;
      plan: { groups: { kind: string; name: string }[][]; objectCount: number };
    };
    expect(parsed.dryRun).toBe(true);
    expect(parsed.plan.objectCount).toBe(44);
    expect(parsed.plan.groups[0]!.map((o) => o.kind)).toEqual(['Cluster', 'Cluster']);
    expect((parsed.plan as unknown as { leftBehind: { name: string }[] }).leftBehind.map((o) => o.name)).toEqual([
      'stray',
    ]);
    const clusters = await ca.list(capiV, 'Cluster', { namespace: ns });
    expect(clusters.map((c) => (c.spec as { paused?: boolean }).paused)).toEqual([undefined, undefined]);
    expect(await snapshotNamespace(cb, ns)).toEqual(new Map());
  });

  it('moves only the clusters named with --cluster, copying their shared ClusterClass', async () => {
    const ns = uniqueName('some');
    await createClusterClass(ca, ns, 'quick');
    await createClusterObjects(ca, ns, 'keep', { className: 'quick' });
    await createClusterObjects(ca, ns, 'go', { className: 'quick' });
    const result = await moveCli(ns, a, b, '--cluster', 'go');
    expect(result.exitCode, result.stderr).toBe(0);
    const target = await snapshotNamespace(cb, ns);
    expect(target.has('Cluster/go')).toBe(true);
    expect(target.has('Cluster/keep')).toBe(false);
    expect(target.has('ClusterClass/quick')).toBe(true);
    expect(target.has('DockerMachineTemplate/quick-worker')).toBe(true);
    expect(target.has('Secret/go-kubeconfig')).toBe(true);
    expect(target.has('Secret/keep-kubeconfig')).toBe(false);
    const source = await snapshotNamespace(ca, ns);
    expect(source.has('Cluster/keep')).toBe(true);
    expect(source.has('Cluster/go')).toBe(false);
    expect(source.has('ClusterClass/quick')).toBe(true);
    // The class kept on the source is usable again: not left paused.
    expect(source.get('ClusterClass/quick')!.metadata.annotations?.['cluster.x-k8s.io/paused']).toBeUndefined();
    const unknown = await moveCli(ns, a, b, '--cluster', 'nope');
    expect(unknown.exitCode).toBe(6);
    expect(unknown.stderr).toContain('cluster "nope" not found');
  });

  it('refuses clusters that are still provisioning, or paused, naming each one', async () => {
    const ns = uniqueName('early');
    await createClusterObjects(ca, ns, 'young', { provisioned: false, workers: 1 });
    const result = await moveCli(ns, a, b);
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toContain(`infrastructure of Cluster ${ns}/young is still being provisioned`);
    expect(result.stderr).toContain(`Machine ${ns}/young-md-0-abcde-0 is still provisioning its node`);
    expect((await snapshotNamespace(cb, ns)).size).toBe(0);

    const ns2 = uniqueName('paused');
    await createClusterObjects(ca, ns2, 'held', { workers: 0 });
    await ca.patch(
      { apiVersion: capiV, kind: 'Cluster', name: 'held', namespace: ns2 },
      { spec: { paused: true } },
      'merge',
    );
    const paused = await moveCli(ns2, a, b);
    expect(paused.exitCode).toBe(7);
    expect(paused.stderr).toContain(`Cluster ${ns2}/held is paused`);
  });

  it('refuses a target without the providers, before changing anything', async () => {
    const bare = await startExtraApiServer({ name: 'move-bare' });
    try {
      const ns = uniqueName('noprov');
      await createClusters(ca, ns, 1, { workers: 0 });
      // The real core and control plane v1.13.5 with an older bootstrap provider, and no infrastructure.
      const init = await runClusterctl(
        [
          'init',
          '--core',
          'cluster-api:v1.13.5',
          '-b',
          'kubeadm:v1.12.11',
          '-c',
          'kubeadm:v1.13.5',
          '--config',
          mgmt.configPath,
          '--kubeconfig',
          bare.kubeconfigPath,
        ],
        { env: { ...env(), HOME: join(stateDir, 'bare-home') }, timeoutMs: 300_000 },
      );
      expect(init.exitCode, init.stderr).toBe(0);
      const result = await moveCli(ns, a, bare);
      expect(result.exitCode, result.stderr).toBe(6);
      expect(result.stderr).toContain('provider infrastructure-docker is not installed on the target cluster');
      expect(result.stderr).toContain(
        'provider bootstrap-kubeadm on the target cluster is older than on the source (source: v1.13.5, target: v1.12.11)',
      );
      const cluster = await ca.get({ apiVersion: capiV, kind: 'Cluster', name: 'c0', namespace: ns });
      expect((cluster?.spec as { paused?: boolean }).paused).toBeUndefined();
    } finally {
      await bare.stop();
    }
  });

  it('round-trips through --to-directory and --from-directory (0600 JSON files, clusters unpaused)', async () => {
    const ns = uniqueName('backup');
    await createClusters(ca, ns, 2, { workers: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'move-backup-'));
    const save = await runClusterctl(['move', '-n', ns, '--kubeconfig', a.kubeconfigPath, '--to-directory', dir], {
      env: env(),
    });
    expect(save.exitCode, save.stderr).toBe(0);
    expect(save.stderr).toContain("contains the clusters' Secrets");
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2 * 18);
    expect(files).toContain(`Cluster_${ns}_c0.yaml`);
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(join(dir, `Cluster_${ns}_c0.yaml`), 'utf8')) as KubeObject;
    expect((saved.spec as { paused?: boolean }).paused).toBe(true);
    expect(saved.status).toBeDefined();
    // The source is unchanged and unpaused.
    const source = await ca.get({ apiVersion: capiV, kind: 'Cluster', name: 'c0', namespace: ns });
    expect((source?.spec as { paused?: boolean }).paused).toBeUndefined();

    const restore = await runClusterctl(['move', '--from-directory', dir, '--to-kubeconfig', b.kubeconfigPath], {
      env: env(),
    });
    expect(restore.exitCode, restore.stderr).toBe(0);
    const restored = await snapshotNamespace(cb, ns);
    expect(restored.size).toBe(2 * 18);
    expectOwnersResolve(restored);
    expect((restored.get('Cluster/c0')!.spec as { paused?: boolean }).paused).toBeUndefined();
    // A second restore finds everything there and changes nothing.
    const again = await runClusterctl(['move', '--from-directory', dir, '--to-kubeconfig', b.kubeconfigPath], {
      env: env(),
    });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain('Restored 0 objects (36 already there)');
  });

  it('encrypts a backup with age (--encrypt-with) and restores it only with the key (--decrypt-with)', async () => {
    const ns = uniqueName('sealed');
    await createClusters(ca, ns, 1, { workers: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'move-sealed-'));
    const keyFile = join(mkdtempSync(join(tmpdir(), 'age-key-')), 'key.txt');
    const age = await import('age-encryption');
    writeFileSync(keyFile, `# created by the test\n${await age.generateIdentity()}\n`, { mode: 0o600 });
    const save = await runClusterctl(
      ['move', '-n', ns, '--kubeconfig', a.kubeconfigPath, '--to-directory', dir, '--encrypt-with', keyFile],
      { env: env() },
    );
    expect(save.exitCode, save.stderr).toBe(0);
    const files = readdirSync(dir);
    expect(files).toHaveLength(18);
    expect(files.every((f) => f.endsWith('.yaml.age'))).toBe(true);
    const kubeconfigFile = readFileSync(join(dir, `Secret_${ns}_c0-kubeconfig.yaml.age`), 'utf8');
    expect(kubeconfigFile.startsWith('-----BEGIN AGE ENCRYPTED FILE-----')).toBe(true);
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8')).not.toContain(ns);

    const noKey = await runClusterctl(['move', '--from-directory', dir, '--to-kubeconfig', b.kubeconfigPath], {
      env: env(),
    });
    expect(noKey.exitCode).toBe(2);
    expect(noKey.stderr).toContain('is encrypted with age');
    expect(noKey.stderr).toContain('--decrypt-with');
    const otherKey = join(dirname(keyFile), 'other.txt');
    writeFileSync(otherKey, `${await age.generateIdentity()}\n`);
    const wrong = await runClusterctl(
      ['move', '--from-directory', dir, '--to-kubeconfig', b.kubeconfigPath, '--decrypt-with', otherKey],
      { env: env() },
    );
    expect(wrong.exitCode).toBe(5);
    expect((await snapshotNamespace(cb, ns)).size).toBe(0);
    const restore = await runClusterctl(
      ['move', '--from-directory', dir, '--to-kubeconfig', b.kubeconfigPath, '--decrypt-with', keyFile],
      { env: env() },
    );
    expect(restore.exitCode, restore.stderr).toBe(0);
    const restored = await snapshotNamespace(cb, ns);
    expect(restored.size).toBe(18);
    expect(
      Buffer.from((restored.get('Secret/c0-kubeconfig')!.data as { value: string }).value, 'base64').toString(),
    ).toContain('kubeconfig of c0');
  });

  it('says there is nothing to move in an empty namespace, and prints the result as YAML with -o yaml', async () => {
    const empty = uniqueName('empty');
    await ensureNamespace(ca, empty);
    const nothing = await moveCli(empty, a, b);
    expect(nothing.exitCode, nothing.stderr).toBe(0);
    expect(nothing.stderr).toContain(`Nothing to move: namespace "${empty}"`);
    expect(nothing.stdout).toBe('');

    const ns = uniqueName('yaml');
    await createClusters(ca, ns, 1, { workers: 0 });
    const result = await moveCli(ns, a, b, '-o', 'yaml');
    expect(result.exitCode, result.stderr).toBe(0);
    const parsed = parse(result.stdout) as {
      dryRun: boolean;
      resumed: boolean;
      created: number;
      deleted: number;
      perKind: Record<string, number>;
    };
    expect(parsed).toMatchObject({ dryRun: false, resumed: false, created: 14, deleted: 14 });
    expect(parsed.perKind).toMatchObject({ Cluster: 1, Machine: 1, Secret: 6 });
  });

  it('rejects bad values of --concurrency, --hide-api-warnings and -o before touching anything', async () => {
    const ns = uniqueName('badflags');
    await createClusters(ca, ns, 1, { workers: 0 });
    for (const [flag, value, text] of [
      ['--concurrency', '0', 'invalid --concurrency 0'],
      ['--concurrency', 'many', 'invalid --concurrency "many"'],
      ['--hide-api-warnings', 'some', 'invalid --hide-api-warnings "some"'],
      ['-o', 'xml', 'invalid output format "xml"'],
    ] as const) {
      const bad = await moveCli(ns, a, b, flag, value);
      expect(bad.exitCode, `${flag} ${value}: ${bad.stderr}`).toBe(2);
      expect(bad.stderr).toContain(text);
    }
    const cluster = await ca.get({ apiVersion: capiV, kind: 'Cluster', name: 'c0', namespace: ns });
    expect((cluster?.spec as { paused?: boolean }).paused).toBeUndefined();
    expect((await snapshotNamespace(cb, ns)).size).toBe(0);
  });

  it('rejects flag combinations the Go tool rejects', async () => {
    const none = await runClusterctl(['move', '--kubeconfig', a.kubeconfigPath], { env: env() });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('please specify a target cluster using the --to-kubeconfig flag');
    const both = await runClusterctl(['move', '--to-directory', '/tmp', '--to-kubeconfig', b.kubeconfigPath], {
      env: env(),
    });
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('--to-directory and --to-kubeconfig cannot be used together');
    const fromKube = await runClusterctl(['move', '--from-directory', '/tmp', '--kubeconfig', a.kubeconfigPath], {
      env: env(),
    });
    expect(fromKube.exitCode).toBe(2);
    const missingDir = await runClusterctl(
      ['move', '--to-directory', '/nonexistent/dir', '--kubeconfig', a.kubeconfigPath],
      { env: env() },
    );
    expect(missingDir.exitCode).toBe(6);
    expect(missingDir.stderr).toContain('mkdir');
  });

  describe('failures midway', () => {
    const steps = [
      'paused',
      'created-group-0',
      'created-group-2',
      'created',
      'deleted-group-4',
      'deleted-group-1',
      'deleted',
      'unpaused',
    ];
    it.each(steps)('a crash right after "%s" is finished by running the same move again', async (crashAt) => {
      const ns = uniqueName('crash');
      await createClusters(ca, ns, 2, { workers: 1 });
      const before = await snapshotNamespace(ca, ns);
      const journal = createMoveJournalStore(join(stateDir, `lib-${ns}`));
      const crash = new Error(`simulated crash after ${crashAt}`);
      await expect(
        move(
          {
            source: ca,
            target: cb,
            journal,
            onStep: (s) => {
              if (s === crashAt) throw crash;
            },
          },
          { namespace: ns },
        ),
      ).rejects.toThrow(/simulated crash/);
      const resumed = await move({ source: ca, target: cb, journal }, { namespace: ns });
      expect(resumed.resumed).toBe(true);
      const after = await snapshotNamespace(cb, ns);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      expectOwnersResolve(after);
      expect((await snapshotNamespace(ca, ns)).size).toBe(0);
      for (const c of await cb.list(capiV, 'Cluster', { namespace: ns }))
        expect((c.spec as { paused?: boolean }).paused).toBeUndefined();
    });

    it.each(['created-group-1', 'deleted-group-3'])(
      '--rollback after a crash at "%s" restores the source exactly and empties the target',
      async (crashAt) => {
        const ns = uniqueName('undo');
        await createClusters(ca, ns, 2, { workers: 1 });
        const before = await snapshotNamespace(ca, ns);
        const journal = createMoveJournalStore(join(stateDir, `undo-${ns}`));
        await expect(
          move(
            {
              source: ca,
              target: cb,
              journal,
              onStep: (s) => {
                if (s === crashAt) throw new Error('simulated crash');
              },
            },
            { namespace: ns },
          ),
        ).rejects.toThrow(/simulated crash/);
        if (crashAt.startsWith('deleted')) expect((await snapshotNamespace(ca, ns)).size).toBeLessThan(before.size);
        const undone = await move({ source: ca, target: cb, journal }, { namespace: ns, rollback: true });
        expect(undone.rolledBack).toBe(true);
        const source = await snapshotNamespace(ca, ns);
        expect([...source.keys()].sort()).toEqual([...before.keys()].sort());
        expectOwnersResolve(source);
        for (const [key, obj] of source) {
          expect(obj.spec ?? null, key).toEqual(before.get(key)!.spec ?? null);
          if (obj.kind === 'Secret') expect(obj.data, key).toEqual(before.get(key)!.data);
        }
        for (const c of await ca.list(capiV, 'Cluster', { namespace: ns }))
          expect((c.spec as { paused?: boolean }).paused).toBeUndefined();
        expect((await snapshotNamespace(cb, ns)).size).toBe(0);
        // The journal is gone: the same move now starts afresh and succeeds.
        await markProvisioned(ca, ns);
        const again = await move({ source: ca, target: cb, journal }, { namespace: ns });
        expect(again.resumed).toBe(false);
        expect((await snapshotNamespace(cb, ns)).size).toBe(before.size);
      },
    );

    it('a webhook-like rejection on the target stops the move; --rollback returns everything to the source', async () => {
      const ns = uniqueName('reject');
      await createClusters(ca, ns, 2, { workers: 1 });
      const before = await snapshotNamespace(ca, ns);
      // Admission on the target refuses the worker Machines of c1 (a ValidatingAdmissionPolicy: a real admission rejection).
      const policy = uniqueName('deny-machines');
      await cb.create({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: policy },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              { apiGroups: ['cluster.x-k8s.io'], apiVersions: ['*'], operations: ['CREATE'], resources: ['machines'] },
            ],
          },
          validations: [
            { expression: `!object.metadata.name.startsWith('c1-md')`, message: 'machines of c1 are not welcome here' },
          ],
        },
      });
      await cb.create({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: policy },
        spec: {
          policyName: policy,
          validationActions: ['Deny'],
          matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } },
        },
      });
      try {
        await waitUntilEnforced(cb, ns);
        const failed = await moveCli(ns, a, b);
        expect(failed.exitCode, failed.stderr).toBe(1);
        expect(failed.stderr).toContain('machines of c1 are not welcome here');
        expect(failed.stderr).toContain('The move journal is');
        expect(failed.stderr).toContain('--rollback');
        // The source still has everything, paused.
        const paused = await ca.list(capiV, 'Cluster', { namespace: ns });
        expect(paused.map((c) => (c.spec as { paused?: boolean }).paused)).toEqual([true, true]);

        const rollback = await moveCli(ns, a, b, '--rollback');
        expect(rollback.exitCode, rollback.stderr).toBe(0);
        expect(rollback.stderr).toContain('Rolled back');
        const source = await snapshotNamespace(ca, ns);
        expect([...source.keys()].sort()).toEqual([...before.keys()].sort());
        for (const c of await ca.list(capiV, 'Cluster', { namespace: ns }))
          expect((c.spec as { paused?: boolean }).paused).toBeUndefined();
        expect((await snapshotNamespace(cb, ns)).size).toBe(0);
        const nothing = await moveCli(ns, a, b, '--rollback');
        expect(nothing.exitCode).toBe(6);
      } finally {
        await cb.delete({
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicyBinding',
          name: policy,
        });
        await cb.delete({
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicy',
          name: policy,
        });
      }
    });

    it('survives SIGKILL at random points: a re-run completes, nothing lost or duplicated', async () => {
      const ns = uniqueName('kill');
      await createClusters(ca, ns, 4, { workers: 2 });
      const expected = [...(await snapshotNamespace(ca, ns)).keys()].sort();
      let [from, to] = [a, b];
      const rounds = 10;
      for (let round = 0; round < rounds; round++) {
        const delay = 150 + Math.floor(Math.random() * 1200);
        const killed = await runClusterctl(
          ['move', '-n', ns, '--kubeconfig', from.kubeconfigPath, '--to-kubeconfig', to.kubeconfigPath],
          { env: env(), killAfterMs: delay },
        );
        const finish = await moveCli(ns, from, to);
        expect(
          finish.exitCode,
          `round ${round} (killed after ${delay} ms, exit ${killed.exitCode}): ${finish.stderr}`,
        ).toBe(0);
        const target = await snapshotNamespace(clientFor(to.kubeconfig), ns);
        expect([...target.keys()].sort(), `round ${round}`).toEqual(expected);
        expectOwnersResolve(target);
        expect((await snapshotNamespace(clientFor(from.kubeconfig), ns)).size, `round ${round}`).toBe(0);
        await markProvisioned(clientFor(to.kubeconfig), ns);
        [from, to] = [to, from];
      }
    });
  });

  it('stops on Ctrl-C (SIGINT) with exit 130 and the journal; the same command finishes the move', async () => {
    const ns = uniqueName('sigint');
    await createClusters(ca, ns, 10, { workers: 2 });
    const expected = [...(await snapshotNamespace(ca, ns)).keys()].sort();
    // One object at a time keeps the move running well past the signal (260 objects, 4 calls each).
    // Ctrl-C once objects are being created (whenever that is on a busy machine), not after a fixed time.
    const stopped = await runAndInterrupt(
      ['move', '-n', ns, '--kubeconfig', a.kubeconfigPath, '--to-kubeconfig', b.kubeconfigPath, '--concurrency', '1'],
      env(),
      /Creating objects on the target \(\d+\/|Creating \d+ objects on the target/,
    );
    expect(stopped.interrupted, stopped.stderr).toBe(true);
    expect(stopped.exitCode, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain('move interrupted');
    expect(stopped.stderr).toMatch(/The move journal is .*\.jsonl/);
    expect(stopped.stderr.match(/Re-run the same command/g)).toHaveLength(1);
    const finish = await moveCli(ns, a, b);
    expect(finish.exitCode, finish.stderr).toBe(0);
    expect([...(await snapshotNamespace(cb, ns)).keys()].sort()).toEqual(expected);
    expect((await snapshotNamespace(ca, ns)).size).toBe(0);
  });

  it('copies global identities with their secrets and never deletes them; moves ClusterResourceSets with their bindings', async () => {
    const ns = uniqueName('ident');
    await createClusters(ca, ns, 1, { workers: 0 });
    // The docker provider has no global identity kind, and ../shared/fixtures/capi-repo holds no
    // provider that has one (AWS and Azure do): a hand-written cluster-wide CRD with the
    // move-hierarchy label stands in for one, on both clusters, as such a provider would install it.
    const identityCrd = crdFor({
      group: 'infrastructure.cluster.x-k8s.io',
      kind: 'DockerClusterIdentity',
      namespaced: false,
      provider: 'infrastructure-docker',
      extraLabels: { 'clusterctl.cluster.x-k8s.io/move-hierarchy': '' },
    });
    for (const client of [ca, cb]) {
      if (!(await client.get({ ...identityCrd, name: identityCrd.metadata.name! }))) await client.create(identityCrd);
      await waitForCrdEstablished(client, identityCrd.metadata.name!);
    }
    const idName = uniqueName('identity');
    const identity = await ca.create({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'DockerClusterIdentity',
      metadata: { name: idName },
      spec: {},
    });
    const owner = { apiVersion: identity.apiVersion, kind: identity.kind, name: idName, uid: identity.metadata.uid! };
    await ca.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${idName}-credentials`, namespace: 'capd-system', ownerReferences: [owner] },
      data: { key: 'c2VjcmV0' },
    });
    const crs = await ca.create({
      apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
      kind: 'ClusterResourceSet',
      metadata: { name: 'cni', namespace: ns },
      spec: {
        clusterSelector: { matchLabels: { cni: 'calico' } },
        resources: [{ kind: 'ConfigMap', name: 'cni-manifests' }],
      },
    });
    const crsOwner = { apiVersion: crs.apiVersion, kind: crs.kind, name: 'cni', uid: crs.metadata.uid! };
    await ca.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cni-manifests', namespace: ns, ownerReferences: [crsOwner] },
      data: { 'cni.yaml': 'kind: List' },
    });
    await ca.create({
      apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
      kind: 'ClusterResourceSetBinding',
      metadata: { name: 'c0', namespace: ns, ownerReferences: [crsOwner] },
      spec: { clusterName: 'c0' },
    });

    const result = await moveCli(ns, a, b);
    expect(result.exitCode, result.stderr).toBe(0);
    const id = { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'DockerClusterIdentity', name: idName };
    const secretRef = { apiVersion: 'v1', kind: 'Secret', name: `${idName}-credentials`, namespace: 'capd-system' };
    const [idOnTarget, secretOnTarget] = await Promise.all([cb.get(id), cb.get(secretRef)]);
    expect(idOnTarget).toBeDefined();
    expect(secretOnTarget?.metadata.ownerReferences?.[0]?.uid).toBe(idOnTarget?.metadata.uid);
    expect(await ca.get(id)).toBeDefined();
    expect(await ca.get(secretRef)).toBeDefined();
    const target = await snapshotNamespace(cb, ns);
    for (const key of ['ClusterResourceSet/cni', 'ConfigMap/cni-manifests', 'ClusterResourceSetBinding/c0'])
      expect(target.has(key), key).toBe(true);
    expect((await snapshotNamespace(ca, ns)).size).toBe(0);

    // A second namespace using the same identity: the target's copy is left as it is.
    const ns2 = uniqueName('ident2');
    await createClusters(ca, ns2, 1, { workers: 0 });
    await cb.patch(id, { metadata: { labels: { edited: 'on-target' } } }, 'merge');
    const second = await moveCli(ns2, a, b);
    expect(second.exitCode, second.stderr).toBe(0);
    expect((await cb.get(id))?.metadata.labels?.edited).toBe('on-target');
  });

  it('waits while an object carries the block-move annotation, and names it when the wait runs out', async () => {
    const ns = uniqueName('block');
    await createClusters(ca, ns, 1, { workers: 1 });
    const dc = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'DockerCluster',
      name: 'c0',
      namespace: ns,
    };
    await ca.patch(dc, { metadata: { annotations: { 'clusterctl.cluster.x-k8s.io/block-move': '' } } }, 'merge');
    const journal = createMoveJournalStore(join(stateDir, `block-${ns}`));
    await expect(
      move({ source: ca, target: cb, journal }, { namespace: ns, blockMoveTimeoutMs: 1500 }),
    ).rejects.toMatchObject({
      code: 'TIMEOUT',
      exitCode: 8,
      message: expect.stringContaining(`DockerCluster ${ns}/c0`) as unknown as string,
    });
    // The provider finishes its work and drops the annotation: the same move goes on from there.
    let waiting!: () => void;
    const blocked = new Promise<void>((resolve) => (waiting = resolve));
    const reporter: Reporter = {
      ...silentReporter,
      task: (text) => {
        if (/^Waiting for 1 objects annotated/.test(text)) waiting();
        return silentReporter.task(text);
      },
    };
    const moving = move({ source: ca, target: cb, journal, reporter }, { namespace: ns, blockMoveTimeoutMs: 120_000 });
    // Once the move waits on the annotation (and not before), the provider drops it.
    await Promise.race([blocked, moving]);
    await ca.patch(dc, { metadata: { annotations: { 'clusterctl.cluster.x-k8s.io/block-move': null } } }, 'merge');
    const result = await moving;
    expect(result.resumed).toBe(true);
    expect((await snapshotNamespace(cb, ns)).size).toBe(18);
    expect((await snapshotNamespace(ca, ns)).size).toBe(0);
  });

  it('moves a ClusterClass of another namespace as a copy and keeps the original', async () => {
    const ns = uniqueName('cc-user');
    const shared = uniqueName('cc-shared');
    await ensureNamespace(ca, ns);
    await createClusterClass(ca, shared, 'central');
    await createClusterObjects(ca, ns, 'tenant', { className: 'central', classNamespace: shared, workers: 0 });
    const result = await moveCli(ns, a, b);
    expect(result.exitCode, result.stderr).toBe(0);
    const sharedOnTarget = await snapshotNamespace(cb, shared);
    expect(sharedOnTarget.has('ClusterClass/central')).toBe(true);
    expect(sharedOnTarget.has('DockerClusterTemplate/central-cluster')).toBe(true);
    const sharedOnSource = await snapshotNamespace(ca, shared);
    expect(sharedOnSource.has('ClusterClass/central')).toBe(true);
    expect(
      sharedOnSource.get('ClusterClass/central')!.metadata.annotations?.['cluster.x-k8s.io/paused'],
    ).toBeUndefined();
    expect(await ca.get({ apiVersion: capiV, kind: 'Cluster', name: 'tenant', namespace: ns })).toBeUndefined();
  });
});
