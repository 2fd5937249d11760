/**
 * The kind stand-in honours kind v0.32's CLI contract (test-infra.md §4): subcommands and flags,
 * `ERROR: ` messages with exit 1, logs on stderr, data on stdout, kubeconfig merging into the
 * chosen file, idempotent delete. Its clusters are real API servers.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findBinaries } from '../binaries.js';
import { repoRoot } from '../cli.js';
import { runProcess } from '../go-clusterctl.js';
import { clientFor } from '../index.js';

const kindBin = join(repoRoot, 'test', 'harness', 'kind-standin', 'kind');

interface KubeconfigDoc {
  clusters: { name: string; cluster: { server: string } }[];
  users: { name: string }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
}

// A hang bound only: each step waits for its state; under a load of 30 one kind run takes ~6 s.
describe('kind stand-in', { timeout: 400_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  const kind = (args: string[], extra: { env?: Record<string, string>; input?: string } = {}) =>
    runProcess(kindBin, args, { env: { ...env, ...extra.env }, input: extra.input });
  const names = (list: { name: string }[] | undefined) => (list ?? []).map((e) => e.name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kind-standin-'));
    env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      KIND_STANDIN_HOME: join(dir, 'kind'),
      KIND_STANDIN_ETCD_URL: inject('sharedEtcdUrl') ?? '',
      KIND_STANDIN_OWNER_PID: String(process.pid),
      KIND_STANDIN_CONTROLLER_MANAGER: '0',
      KUBEBUILDER_ASSETS: findBinaries().dir,
    };
  });
  afterAll(async () => {
    for (const name of (await kind(['get', 'clusters'])).stdout.split('\n').filter(Boolean))
      await kind(['delete', 'cluster', '--name', name]);
  });

  it('has no clusters at first: the message goes to stderr, exit 0', async () => {
    const r = await kind(['get', 'clusters']);
    expect(r).toEqual({ stdout: '', stderr: 'No kind clusters found.\n', exitCode: 0 });
  });

  it('creates a cluster, merges kind-<name> into the existing kubeconfig, makes it current, and refuses a second one', async () => {
    const kubeconfig = join(dir, 'merged.kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster: {server: "https://example.invalid"}\nusers:\n- name: other\n  user: {}\ncontexts:\n- name: other\n  context: {cluster: other, user: other}\ncurrent-context: other\n',
    );
    const created = await kind(['create', 'cluster', '--name', 'alpha', '--kubeconfig', kubeconfig, '--wait', '30s']);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toBe('');
    expect(created.stderr).toContain('Creating cluster "alpha" ...');
    expect(created.stderr).toContain('Set kubectl context to "kind-alpha"');
    const doc = parse(readFileSync(kubeconfig, 'utf8')) as KubeconfigDoc;
    expect(names(doc.clusters)).toEqual(['other', 'kind-alpha']);
    expect(names(doc.users)).toEqual(['other', 'kind-alpha']);
    expect(doc.contexts.find((c) => c.name === 'kind-alpha')?.context).toEqual({
      cluster: 'kind-alpha',
      user: 'kind-alpha',
    });
    expect(doc['current-context']).toBe('kind-alpha');
    // A real API server behind it, reachable with the merged credentials.
    const client = clientFor(readFileSync(kubeconfig, 'utf8'), 'kind-alpha');
    expect(await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'default' })).toBeDefined();

    expect((await kind(['get', 'clusters'])).stdout).toBe('alpha\n');
    const again = await kind(['create', 'cluster', '-n', 'alpha', '--kubeconfig', kubeconfig]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(
      'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "alpha"',
    );

    const printed = await kind(['get', 'kubeconfig', '-n', 'alpha']);
    expect(printed.exitCode).toBe(0);
    const own = parse(printed.stdout) as KubeconfigDoc;
    expect(own['current-context']).toBe('kind-alpha');
    expect(own.clusters[0]!.cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const internal = parse((await kind(['get', 'kubeconfig', '--name=alpha', '--internal'])).stdout) as KubeconfigDoc;
    expect(internal.clusters[0]!.cluster.server).toBe('https://alpha-control-plane:6443');

    const deleted = await kind(['delete', 'cluster', '--name', 'alpha', '--kubeconfig', kubeconfig]);
    expect(deleted.exitCode).toBe(0);
    expect(deleted.stderr).toContain('Deleting cluster "alpha" ...');
    const after = parse(readFileSync(kubeconfig, 'utf8')) as KubeconfigDoc;
    expect(names(after.clusters)).toEqual(['other']);
    expect(names(after.contexts)).toEqual(['other']);
    expect(after['current-context']).toBe('');
    await expect(client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'default' })).rejects.toThrow();
    // Idempotent, like rm -f.
    expect((await kind(['delete', 'cluster', '--name', 'alpha', '--kubeconfig', kubeconfig])).exitCode).toBe(0);
    expect((await kind(['get', 'clusters'])).stderr).toBe('No kind clusters found.\n');
  });

  it('takes the name from KIND_CLUSTER_NAME or the config on stdin, and the kubeconfig from $KUBECONFIG', async () => {
    const first = join(dir, 'missing.kubeconfig');
    const second = join(dir, 'existing.kubeconfig');
    writeFileSync(second, 'apiVersion: v1\nkind: Config\n');
    const config =
      'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: from-config\nnodes:\n- role: control-plane\n';
    const byConfig = await kind(['create', 'cluster', '--config', '-'], {
      input: config,
      env: { KUBECONFIG: `${first}:${second}` },
    });
    expect(byConfig.exitCode, byConfig.stderr).toBe(0);
    // The first existing file of $KUBECONFIG gets the entry; the missing one is not created.
    expect(existsSync(first)).toBe(false);
    expect((parse(readFileSync(second, 'utf8')) as KubeconfigDoc)['current-context']).toBe('kind-from-config');
    // KIND_CLUSTER_NAME picks the cluster when there is no --name.
    const byEnv = await kind(['get', 'kubeconfig'], { env: { KIND_CLUSTER_NAME: 'from-config' } });
    expect(byEnv.exitCode).toBe(0);
    const missing = await kind(['get', 'kubeconfig']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe(
      "ERROR: could not locate any control plane nodes for cluster named 'kind'. Use the --name option to select a different cluster\n",
    );
    expect((await kind(['delete', 'cluster', '--name', 'from-config'], { env: { KUBECONFIG: second } })).exitCode).toBe(
      0,
    );
    expect((parse(readFileSync(second, 'utf8')) as KubeconfigDoc).contexts).toEqual([]);
  });

  it('rejects bad configs, flags and durations with ERROR: and exit 1, creating nothing', async () => {
    const badConfig = await kind(['create', 'cluster', '--config', '-', '--kubeconfig', join(dir, 'x')], {
      input: 'kind: Pod\napiVersion: v1\n',
    });
    expect(badConfig.exitCode).toBe(1);
    expect(badConfig.stderr).toBe('ERROR: failed to create cluster: unknown apiVersion: v1\n');
    const badFlag = await kind(['create', 'cluster', '--nmae', 'x']);
    expect(badFlag.exitCode).toBe(1);
    expect(badFlag.stderr).toMatch(/^ERROR: unknown flag/m);
    const badWait = await kind(['create', 'cluster', '--wait', 'soon']);
    expect(badWait.exitCode).toBe(1);
    expect(badWait.stderr).toContain('invalid duration "soon"');
    const badCommand = await kind(['create', 'node']);
    expect(badCommand.exitCode).toBe(1);
    expect((await kind(['get', 'clusters'])).stderr).toBe('No kind clusters found.\n');
  });

  it('deletes a failed cluster unless --retain', async () => {
    const kubeconfig = join(dir, 'failed.kubeconfig');
    const failed = await kind(['create', 'cluster', '--name', 'broken', '--kubeconfig', kubeconfig], {
      env: { KIND_STANDIN_FAIL: 'create' },
    });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/^ERROR: failed to create cluster: /m);
    expect((await kind(['get', 'clusters'])).stdout).toBe('');
    expect(existsSync(kubeconfig)).toBe(false);
    const retained = await kind(['create', 'cluster', '--name', 'broken', '--retain', '--kubeconfig', kubeconfig], {
      env: { KIND_STANDIN_FAIL: 'create' },
    });
    expect(retained.exitCode).toBe(1);
    expect((await kind(['get', 'clusters'])).stdout).toBe('broken\n');
    expect((await kind(['delete', 'cluster', '--name', 'broken'])).exitCode).toBe(0);
    expect((await kind(['get', 'clusters'])).stdout).toBe('');
  });
});
