/**
 * `clusterctl alpha rollout pause|resume|restart` on a real API server with the real Cluster API
 * v1.13.5 CRDs of MachineDeployment and KubeadmControlPlane, side by side with the Go clusterctl:
 * the same objects, the same effects, the same error messages.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { waitForCrdEstablished } from '../../src/core/cluster/inventory.js';
import type { KubeClient } from '../../src/core/ports.js';
import { parseDocuments } from '../../src/core/yaml/documents.js';
import type { KubeObject } from '../../src/types.js';
import type { ApiServer } from '../harness/apiserver.js';
import { repoRoot, runClusterctl, type CliResult } from '../harness/cli.js';
import { goClusterctlPath, runGoClusterctl } from '../harness/go-clusterctl.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';

const capiRepo = join(repoRoot, '..', 'shared', 'fixtures', 'capi-repo');

/** The real v1.13.5 CRD of a kind, served without its conversion webhook (only v1beta2 is used). */
function realCrd(file: string, kind: string): KubeObject {
  const text = readFileSync(join(capiRepo, file), 'utf8');
  const crd = parseDocuments(text, file).find(
    (o) => o.kind === 'CustomResourceDefinition' && (o.spec as { names: { kind: string } }).names.kind === kind,
  );
  if (!crd) throw new Error(`${kind} CRD not found in ${file}`);
  const spec = crd.spec as Record<string, unknown>;
  delete spec.conversion;
  return { ...crd, metadata: { name: crd.metadata.name } };
}

const ns = 'fleet';
const ref = (apiGroup: string, kind: string, name: string) => ({ apiGroup, kind, name });

function machineDeployment(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'MachineDeployment',
    metadata: { name, namespace: ns },
    spec: {
      clusterName: 'c1',
      selector: { matchLabels: { pool: 'workers' } },
      template: {
        metadata: { labels: { pool: 'workers' } },
        spec: {
          clusterName: 'c1',
          bootstrap: { configRef: ref('bootstrap.cluster.x-k8s.io', 'KubeadmConfigTemplate', 'md') },
          infrastructureRef: ref('infrastructure.cluster.x-k8s.io', 'DockerMachineTemplate', 'md'),
        },
      },
      ...spec,
    },
  };
}

function controlPlane(name: string, extra: { annotations?: Record<string, string>; spec?: object } = {}): KubeObject {
  return {
    apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
    kind: 'KubeadmControlPlane',
    metadata: { name, namespace: ns, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      version: 'v1.35.0',
      machineTemplate: {
        spec: { infrastructureRef: ref('infrastructure.cluster.x-k8s.io', 'DockerMachineTemplate', 'cp') },
      },
      ...extra.spec,
    },
  };
}

/** The first line of an error, without the tool's own decorations. */
function errorLine(result: CliResult): string {
  return (result.stderr.split('\n').find((l) => l.startsWith('Error: ')) ?? '').trim();
}

describe('alpha rollout on the real v1.13.5 CRDs, beside the Go clusterctl', { timeout: 180_000 }, () => {
  const go = goClusterctlPath();
  let server: ApiServer;
  let client: KubeClient;

  beforeAll(async () => {
    server = await startExtraApiServer({ name: 'rollout' });
    client = clientFor(server.kubeconfig);
    const crds = [
      realCrd('cluster-api/v1.13.5/core-components.yaml', 'MachineDeployment'),
      realCrd('control-plane-kubeadm/v1.13.5/control-plane-components.yaml', 'KubeadmControlPlane'),
    ];
    for (const crd of crds) await client.create(crd);
    for (const crd of crds) await waitForCrdEstablished(client, crd.metadata.name!);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  const ours = (args: string[]) => runClusterctl(['alpha', 'rollout', ...args, '--kubeconfig', server.kubeconfigPath]);
  const theirs = (args: string[]) => {
    expect(go, 'the Go clusterctl reference binary is required; npm test builds it').toBeDefined();
    const home = mkdtempSync(join(tmpdir(), 'go-rollout-home-'));
    return runGoClusterctl(go!, ['alpha', 'rollout', ...args, '--kubeconfig', server.kubeconfigPath], {
      env: { HOME: home },
    });
  };
  const get = async (kind: 'MachineDeployment' | 'KubeadmControlPlane', name: string) => {
    const apiVersion =
      kind === 'MachineDeployment' ? 'cluster.x-k8s.io/v1beta2' : 'controlplane.cluster.x-k8s.io/v1beta2';
    const obj = await client.get({ apiVersion, kind, name, namespace: ns });
    if (!obj) throw new Error(`${kind} ${name} is gone`);
    return obj as KubeObject & { spec: { paused?: boolean; rollout?: { after?: string } } };
  };

  it('pause, resume and restart change a MachineDeployment as the Go tool does, printing nothing', async () => {
    for (const name of ['md-ours', 'md-go']) await client.create(machineDeployment(name));
    for (const action of ['pause', 'resume']) {
      const a = await ours([action, 'machinedeployment/md-ours', '-n', ns]);
      const b = await theirs([action, 'MachineDeployment/md-go', '-n', ns]);
      expect([a.exitCode, a.stdout, a.stderr]).toEqual([0, '', '']);
      expect([b.exitCode, b.stdout]).toEqual([0, '']);
      expect((await get('MachineDeployment', 'md-ours')).spec.paused).toBe(action === 'pause');
      expect((await get('MachineDeployment', 'md-ours')).spec).toEqual((await get('MachineDeployment', 'md-go')).spec);
    }
    const before = Date.now() - 1000;
    const a = await ours(['restart', 'machinedeployment/md-ours', '-n', ns]);
    const b = await theirs(['restart', 'machinedeployment/md-go', '-n', ns]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    for (const name of ['md-ours', 'md-go']) {
      const after = (await get('MachineDeployment', name)).spec.rollout?.after ?? '';
      expect(after).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(after)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(after)).toBeLessThanOrEqual(Date.now());
    }
  });

  it('pause, resume and restart a KubeadmControlPlane through its paused annotation, as the Go tool does', async () => {
    for (const name of ['kcp-ours', 'kcp-go']) await client.create(controlPlane(name));
    const annotations = async (name: string) => (await get('KubeadmControlPlane', name)).metadata.annotations ?? {};
    await ours(['pause', 'kubeadmcontrolplane/kcp-ours', '-n', ns]);
    await theirs(['pause', 'kubeadmcontrolplane/kcp-go', '-n', ns]);
    expect(await annotations('kcp-ours')).toEqual({ 'cluster.x-k8s.io/paused': 'true' });
    expect(await annotations('kcp-go')).toEqual({ 'cluster.x-k8s.io/paused': 'true' });
    // restart refuses a paused control plane, in the same words
    const a = await ours(['restart', 'kubeadmcontrolplane/kcp-ours', '-n', ns]);
    const b = await theirs(['restart', 'kubeadmcontrolplane/kcp-go', '-n', ns]);
    expect(errorLine(a)).toBe(errorLine(b).replace('kcp-go', 'kcp-ours'));
    expect([a.exitCode, b.exitCode]).toEqual([7, 1]);
    await ours(['resume', 'kubeadmcontrolplane/kcp-ours', '-n', ns]);
    await theirs(['resume', 'kubeadmcontrolplane/kcp-go', '-n', ns]);
    expect(await annotations('kcp-ours')).toEqual({});
    expect(await annotations('kcp-go')).toEqual({});
    expect((await ours(['restart', 'kubeadmcontrolplane/kcp-ours', '-n', ns])).exitCode).toBe(0);
    expect((await get('KubeadmControlPlane', 'kcp-ours')).spec.rollout?.after).toMatch(/Z$/);
  });

  it('refuses what the Go tool refuses, with its message and a documented exit code', async () => {
    await client.create(machineDeployment('md-paused', { paused: true }));
    await client.create(machineDeployment('md-later', { rollout: { after: '2999-01-01T00:00:00Z' } }));
    const cases: { args: string[]; exitCode: number }[] = [
      { args: ['pause', 'machinedeployment/md-paused'], exitCode: 7 },
      { args: ['resume', 'machinedeployment/md-later'], exitCode: 7 },
      { args: ['restart', 'machinedeployment/md-paused'], exitCode: 7 },
      { args: ['restart', 'machinedeployment/md-later'], exitCode: 7 },
      { args: ['pause', 'machinedeployment/nope'], exitCode: 6 },
      { args: ['restart', 'machineset/md-later'], exitCode: 2 },
      { args: ['pause', 'machinesets/md-later'], exitCode: 2 },
      { args: ['resume', 'cluster/c1'], exitCode: 2 },
      { args: ['pause'], exitCode: 2 },
      { args: ['pause', 'md-later'], exitCode: 2 },
      { args: ['pause', 'machinedeployment/a/b'], exitCode: 2 },
      { args: ['pause', 'machinedeployment/'], exitCode: 2 },
      { args: ['pause', 'machinedeployment', 'machinedeployment/md-later'], exitCode: 2 },
    ];
    for (const { args, exitCode } of cases) {
      const a = await ours([...args, '-n', ns]);
      const b = await theirs([...args, '-n', ns]);
      expect({ args, line: errorLine(a), code: a.exitCode }).toEqual({
        args,
        line: errorLine(b).replace(/\s+$/, ''),
        code: exitCode,
      });
      expect(b.exitCode).toBe(1);
    }
    // nothing was changed by the refusals
    expect((await get('MachineDeployment', 'md-paused')).spec.paused).toBe(true);
    expect((await get('MachineDeployment', 'md-later')).spec.rollout?.after).toBe('2999-01-01T00:00:00Z');
  });

  it('uses the kubeconfig context namespace without -n, and handles several objects in order', async () => {
    for (const name of ['md-a', 'md-b']) await client.create(machineDeployment(name));
    const kubeconfig = parse(server.kubeconfig) as { contexts: { context: { namespace?: string } }[] };
    for (const c of kubeconfig.contexts) c.context.namespace = ns;
    const path = join(mkdtempSync(join(tmpdir(), 'rollout-kc-')), 'config');
    writeFileSync(path, stringify(kubeconfig));
    const result = await runClusterctl([
      'alpha',
      'rollout',
      'pause',
      'machinedeployment/md-a',
      'MachineDeployment/md-b',
      '--kubeconfig',
      path,
    ]);
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect((await get('MachineDeployment', 'md-a')).spec.paused).toBe(true);
    expect((await get('MachineDeployment', 'md-b')).spec.paused).toBe(true);
    // the first failure stops the command and says what was already changed
    const partial = await runClusterctl([
      'alpha',
      'rollout',
      'resume',
      'machinedeployment/md-a',
      'machinedeployment/nope',
      'machinedeployment/md-b',
      '--kubeconfig',
      path,
    ]);
    expect(partial.exitCode).toBe(6);
    expect(partial.stderr).toContain('1 object(s) were changed before this failure (machinedeployment/md-a)');
    expect((await get('MachineDeployment', 'md-a')).spec.paused).toBe(false);
    expect((await get('MachineDeployment', 'md-b')).spec.paused).toBe(true);
  });
});
