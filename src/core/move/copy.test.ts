import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../types.js';
import { copyForTarget } from '../cluster/mover.js';
import { newNode, type GraphNode, type ObjectGraph } from '../cluster/object-graph.js';

function nodeOf(obj: KubeObject): GraphNode {
  const n = newNode({
    uid: obj.metadata.uid!,
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name!,
    namespace: obj.metadata.namespace ?? '',
  });
  n.object = obj;
  n.virtual = false;
  return n;
}

describe('copyForTarget (the object written to the other cluster)', () => {
  const cluster: KubeObject = {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: 'c1', namespace: 'ns', uid: 'uid-cluster' },
  };
  const machine: KubeObject = {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Machine',
    metadata: {
      name: 'm1',
      namespace: 'ns',
      uid: 'uid-machine',
      resourceVersion: '42',
      creationTimestamp: '2026-01-01T00:00:00Z',
      generation: 3,
      labels: { 'cluster.x-k8s.io/cluster-name': 'c1' },
      ownerReferences: [
        { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', name: 'c1', uid: 'uid-cluster', controller: true },
      ],
      managedFields: [{ manager: 'capi', operation: 'Update' }],
    },
    spec: { clusterName: 'c1', bootstrap: { dataSecretName: 's' } },
  };

  it('drops the server-owned fields and points owners at the new UIDs, leaving the object read from the source as it was', () => {
    const read = structuredClone(machine);
    const graph: ObjectGraph = { nodes: new Map(), types: [], namespace: 'ns' };
    const owner = nodeOf(cluster);
    const n = nodeOf(read);
    n.owners.set(owner.uid, { controller: true });
    graph.nodes.set(owner.uid, owner);
    graph.nodes.set(n.uid, n);

    const copy = copyForTarget(n, graph, new Map([['uid-cluster', 'uid-cluster-on-target']]));
    // What backup/restore and writeCopy do to a copy must not reach the object read from the source.
    delete copy.metadata.managedFields;
    copy.metadata.labels = { other: 'x' };

    expect(copy.metadata).toEqual({
      name: 'm1',
      namespace: 'ns',
      labels: { other: 'x' },
      ownerReferences: [
        {
          apiVersion: 'cluster.x-k8s.io/v1beta2',
          kind: 'Cluster',
          name: 'c1',
          uid: 'uid-cluster-on-target',
          controller: true,
        },
      ],
    });
    expect(copy.spec).toEqual(machine.spec);
    expect(read).toEqual(machine);
  });
});
