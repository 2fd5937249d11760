/**
 * describeCluster (the library call) against a real API server: the tree as data, and the number
 * of API calls, which must not grow with the number of machines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCluster } from '../../src/core/describe.js';
import type { KubeClient } from '../../src/core/ports.js';
import type { DescribeNode } from '../../src/core/tree/types.js';
import type { ApiServer } from '../harness/apiserver.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';
import { createDescribeCluster, installDescribeCrds } from '../fixtures/describe-cluster.js';

/** The same client, counting calls per method (e.g. `list Machine`, `get`). */
function counting(client: KubeClient): { client: KubeClient; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const key = prop === 'list' ? `list ${String(args[1])}` : String(prop);
        calls.set(key, (calls.get(key) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { client: wrapped, calls };
}

function count(node: DescribeNode, kind: string): number {
  return (node.kind === kind ? 1 : 0) + node.children.reduce((n, c) => n + count(c, kind), 0);
}

describe('describeCluster on a real API server', () => {
  let server: ApiServer;
  let client: KubeClient;
  beforeAll(async () => {
    server = await startExtraApiServer({ name: 'describe-calls', controllerManager: false });
    client = clientFor(server.kubeconfig);
    await installDescribeCrds(client);
    for (const ns of ['small', 'large'])
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await createDescribeCluster(client, { name: 'c', namespace: 'small', cpReplicas: 1, workerReplicas: 2 });
    await createDescribeCluster(client, {
      name: 'c',
      namespace: 'large',
      cpReplicas: 3,
      workerReplicas: 60,
      notReadyWorkers: 2,
      concurrency: 16,
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reads a cluster of 63 machines with as many calls as one of 3, every machine a row', async () => {
    const small = counting(client);
    const smallTree = await describeCluster(
      { client: small.client },
      { clusterName: 'c', namespace: 'small', grouping: false },
    );
    const large = counting(client);
    const largeTree = await describeCluster(
      { client: large.client },
      { clusterName: 'c', namespace: 'large', grouping: false },
    );
    expect(count(smallTree.tree, 'Machine')).toBe(3);
    expect(count(largeTree.tree, 'Machine')).toBe(63);
    // Two not-ready machines show their (not ready) DockerMachine; everything else echoes and is hidden.
    expect(count(largeTree.tree, 'DockerMachine')).toBe(2);
    const total = (calls: Map<string, number>) => [...calls.values()].reduce((a, b) => a + b, 0);
    // Machines' DockerMachines and KubeadmConfigs: a few GETs for a small cluster, one LIST each for a large one.
    expect(large.calls.get('list DockerMachine')).toBe(1);
    expect(large.calls.get('list KubeadmConfig')).toBe(1);
    expect(large.calls.get('list Machine')).toBe(1);
    expect(total(large.calls)).toBeLessThanOrEqual(20);
    expect(total(large.calls)).toBeLessThanOrEqual(total(small.calls) + 2);
  });

  it('groups the same cluster into three rows under the control plane and machine deployment', async () => {
    const result = await describeCluster({ client }, { clusterName: 'c', namespace: 'large' });
    const cp = result.tree.children.find((c) => c.metaName === 'ControlPlane')!;
    expect(cp.children.map((c) => c.displayName)).toEqual(['3 Machines...']);
    const md = result.tree.children.find((c) => c.displayName === 'Workers')!.children[0]!;
    expect(md.children.map((c) => [c.displayName, c.ready, c.condition?.status])).toEqual([
      ['2 Machines...', '0', 'False'],
      ['58 Machines...', '58', 'True'],
    ]);
  });
});
