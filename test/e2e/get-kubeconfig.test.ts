/** `clusterctl get kubeconfig` end to end: the built CLI against a real API server. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../harness/apiserver.js';
import { buildKubeconfig, freePort } from '../harness/apiserver.js';
import { createCertificateAuthority, issueCertificate } from '../harness/certs.js';
import { runClusterctl } from '../harness/cli.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';
import { coreCrds } from '../fixtures/capi-crds.js';
import type { KubeClient } from '../../src/core/ports.js';

async function waitForCrds(client: KubeClient, names: string[]): Promise<void> {
  for (const name of names) {
    for (let i = 0; ; i++) {
      const crd = await client.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
      const conds = (crd?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
      if (conds.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (i > 100) throw new Error(`CRD ${name} not established`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('clusterctl get kubeconfig', () => {
  let server: ApiServer;
  let client: KubeClient;
  const workloadKubeconfig =
    'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\ncurrent-context: ""\n# token: s3cr3t-value-that-must-not-leak\n';

  beforeAll(async () => {
    server = await startExtraApiServer({ name: 'get-kubeconfig' });
    client = clientFor(server.kubeconfig);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('explains that Cluster API is missing on a plain cluster', async () => {
    const result = await runClusterctl(['get', 'kubeconfig', 'foo', '--kubeconfig', server.kubeconfigPath]);
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toContain('Cluster API is not installed');
    expect(result.stderr).toContain('clusterctl init');
    expect(result.stdout).toBe('');
  });

  it('prints the kubeconfig stored in <name>-kubeconfig, and names a missing one', async () => {
    const crds = coreCrds();
    for (const crd of crds) await client.create(crd);
    await waitForCrds(
      client,
      crds.map((c) => c.metadata.name!),
    );
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fleet' } });
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'cluster.x-k8s.io/secret',
      metadata: { name: 'prod-kubeconfig', namespace: 'fleet', labels: { 'cluster.x-k8s.io/cluster-name': 'prod' } },
      data: { value: Buffer.from(workloadKubeconfig).toString('base64') },
    });

    const ok = await runClusterctl(['get', 'kubeconfig', 'prod', '-n', 'fleet', '--kubeconfig', server.kubeconfigPath]);
    expect(ok.stderr).toBe('');
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toBe(`${workloadKubeconfig}\n`);

    const missing = await runClusterctl([
      'get',
      'kubeconfig',
      'staging',
      '-n',
      'fleet',
      '--kubeconfig',
      server.kubeconfigPath,
    ]);
    expect(missing.exitCode).toBe(6);
    expect(missing.stderr).toContain('"staging-kubeconfig" not found in namespace "fleet"');

    // The context namespace is the default namespace, as in kubectl.
    const inDefault = await runClusterctl(['get', 'kubeconfig', 'prod', '--kubeconfig', server.kubeconfigPath]);
    expect(inDefault.exitCode).toBe(6);
    expect(inDefault.stderr).toContain('not found in namespace "default"');
    expect(inDefault.stderr).not.toContain('s3cr3t');
  });

  it('refuses a v1beta1 management cluster like the Go tool', async () => {
    const crd = await client.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'clusters.cluster.x-k8s.io',
    });
    const spec = crd!.spec as { versions: { name: string; storage: boolean }[] };
    for (const v of spec.versions) v.storage = v.name === 'v1beta1';
    await client.replace(crd!);
    const result = await runClusterctl([
      'get',
      'kubeconfig',
      'prod',
      '-n',
      'fleet',
      '--kubeconfig',
      server.kubeconfigPath,
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'this version of clusterctl could be used only with "v1beta2" management clusters, "v1beta1" detected',
    );
    for (const v of spec.versions) v.storage = v.name === 'v1beta2';
    const fresh = await client.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'clusters.cluster.x-k8s.io',
    });
    await client.replace({ ...fresh!, spec });
  });

  it('fails fast with the server URL when the management cluster is unreachable', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    const ca = await createCertificateAuthority('gone');
    const cert = await issueCertificate(ca, { commonName: 'admin', usage: 'client' });
    writeFileSync(
      join(dir, 'config'),
      buildKubeconfig({
        name: 'gone',
        server: `https://127.0.0.1:${port}`,
        caCert: ca.cert,
        user: 'admin',
        client: cert,
      }),
    );
    const result = await runClusterctl(['get', 'kubeconfig', 'prod', '--kubeconfig', join(dir, 'config')]);
    expect(result.exitCode).toBe(4);
    // Fast means bounded by the first-contact budget, not the 60 s outage wait (a state, not a clock:
    // the wall time on a loaded machine says nothing).
    const waited = /\(retried for (\d+)s\)/.exec(result.stderr);
    expect(waited, result.stderr).not.toBeNull();
    expect(Number(waited![1])).toBeLessThan(30);
    expect(result.stderr).toContain(`cannot reach the Kubernetes API server https://127.0.0.1:${port}`);
    expect(result.stderr).toContain('Hint:');
    expect(result.stderr).not.toMatch(/BEGIN|client-key-data/);
  });

  it('reads KUBECONFIG with several files and honours --kubeconfig-context', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    const other = join(dir, 'other');
    writeFileSync(other, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
    const env = { KUBECONFIG: `${join(dir, 'missing')}:${other}:${server.kubeconfigPath}` };
    const ok = await runClusterctl(
      ['get', 'kubeconfig', 'prod', '-n', 'fleet', '--kubeconfig-context', 'get-kubeconfig'],
      { env },
    );
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe(`${workloadKubeconfig}\n`);
    const wrong = await runClusterctl(['get', 'kubeconfig', 'prod', '--kubeconfig-context', 'nope'], { env });
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain('context "nope" does not exist');
    expect(wrong.stderr).toContain('get-kubeconfig');
  });

  it('merges the kubeconfig into a file as a new context (--merge, --context-name), never printing it', async () => {
    // A workload kubeconfig that really works: this API server's own admin kubeconfig.
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'cluster.x-k8s.io/secret',
      metadata: { name: 'live-kubeconfig', namespace: 'fleet' },
      data: { value: Buffer.from(server.kubeconfig).toString('base64') },
    });
    const dir = mkdtempSync(join(tmpdir(), 'merge-'));
    const file = join(dir, 'nested', 'config');
    const first = await runClusterctl([
      'get',
      'kubeconfig',
      'live',
      '-n',
      'fleet',
      '--kubeconfig',
      server.kubeconfigPath,
      '--merge',
      file,
      '--context-name',
      'live-admin',
    ]);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    expect(first.stderr).toContain(`Added context "live-admin" in ${file}`);
    expect(first.stderr + first.stdout).not.toMatch(/client-key-data|BEGIN/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const ns = execFileSync(
      'kubectl',
      ['--kubeconfig', file, '--context', 'live-admin', 'get', 'ns', 'default', '-o', 'name'],
      { encoding: 'utf8' },
    );
    expect(ns.trim()).toBe('namespace/default');

    // An existing file keeps its contexts and current context; a re-merge updates in place.
    const existing = join(dir, 'existing');
    writeFileSync(
      existing,
      'apiVersion: v1\nkind: Config\ncurrent-context: mine\nclusters:\n- name: mine\n  cluster: {server: "https://10.0.0.1"}\nusers:\n- name: mine\n  user: {token: x}\ncontexts:\n- name: mine\n  context: {cluster: mine, user: mine}\n',
    );
    const env = { KUBECONFIG: `${join(dir, 'absent')}:${existing}` };
    const viaEnv = await runClusterctl(
      ['get', 'kubeconfig', 'live', '-n', 'fleet', '--kubeconfig', server.kubeconfigPath, '--merge'],
      { env },
    );
    expect(viaEnv.exitCode, viaEnv.stderr).toBe(0);
    const again = await runClusterctl(
      ['get', 'kubeconfig', 'live', '-n', 'fleet', '--kubeconfig', server.kubeconfigPath, '--merge'],
      { env },
    );
    expect(again.stderr).toContain('Updated context "get-kubeconfig"');
    const doc = parse(readFileSync(existing, 'utf8')) as {
      'current-context': string;
      contexts: { name: string }[];
      users: { name: string }[];
    };
    expect(doc['current-context']).toBe('mine');
    expect(doc.contexts.map((c) => c.name)).toEqual(['mine', 'get-kubeconfig']);
    expect(doc.users.map((u) => u.name)).toEqual(['mine', 'get-kubeconfig']);

    // A Secret that is not a kubeconfig: a clear error that does not quote it.
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'junk-kubeconfig', namespace: 'fleet' },
      data: { value: Buffer.from('token: s3cr3t-junk\n- [').toString('base64') },
    });
    const junk = await runClusterctl([
      'get',
      'kubeconfig',
      'junk',
      '-n',
      'fleet',
      '--kubeconfig',
      server.kubeconfigPath,
      '--merge',
      join(dir, 'j'),
    ]);
    expect(junk.exitCode).toBe(2);
    expect(junk.stderr).toContain('the kubeconfig in Secret fleet/junk-kubeconfig is not valid YAML');
    expect(junk.stderr).not.toContain('s3cr3t');
  });

  it('asks for the cluster name', async () => {
    const result = await runClusterctl(['get', 'kubeconfig', '--kubeconfig', server.kubeconfigPath]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/missing required argument 'name'/);
  });
});
