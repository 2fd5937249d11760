/** The pure provisioning checks: what the spinner and the timeout error say at each stage of a cluster coming up. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../types.js';
import { clusterGap, kubeconfigSecretGap, machinesGap } from './provisioning.js';

function cluster(status: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: 'mgmt', namespace: 'default' },
    spec,
    status,
  };
}

function machine(name: string, node?: string, clusterName = 'mgmt'): KubeObject {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Machine',
    metadata: { name, namespace: 'default', labels: { 'cluster.x-k8s.io/cluster-name': clusterName } },
    status: node ? { nodeRef: { name: node } } : {},
  };
}

const ready = {
  initialization: { infrastructureProvisioned: true, controlPlaneInitialized: true },
  conditions: [{ type: 'ControlPlaneInitialized', status: 'True' }],
};

describe('clusterGap', () => {
  it('names a missing Cluster', () => {
    expect(clusterGap(undefined, 'default', 'mgmt')?.message).toBe(
      'Cluster default/mgmt does not exist on the bootstrap cluster',
    );
  });

  it('waits for the infrastructure first, quoting the InfrastructureReady condition', () => {
    const gap = clusterGap(
      cluster({ conditions: [{ type: 'InfrastructureReady', status: 'False', reason: 'Provisioning' }] }),
      'default',
      'mgmt',
    );
    expect(gap?.waitingFor).toBe('the infrastructure (status.initialization.infrastructureProvisioned)');
    expect(gap?.message).toContain('condition InfrastructureReady: False, reason Provisioning');
  });

  it('then for the control plane, and only asks for controlPlaneInitialized when there is a controlPlaneRef', () => {
    const noCp = cluster({ initialization: { infrastructureProvisioned: true } });
    expect(clusterGap(noCp, 'default', 'mgmt')?.waitingFor).toBe('condition ControlPlaneInitialized');
    const conditionOnly = {
      initialization: { infrastructureProvisioned: true },
      conditions: [{ type: 'ControlPlaneInitialized', status: 'True' }],
    };
    expect(clusterGap(cluster(conditionOnly), 'default', 'mgmt')).toBeUndefined();
    expect(
      clusterGap(cluster(conditionOnly, { controlPlaneRef: { kind: 'KubeadmControlPlane' } }), 'default', 'mgmt')
        ?.waitingFor,
    ).toBe('status.initialization.controlPlaneInitialized');
    expect(
      clusterGap(cluster(ready, { controlPlaneRef: { kind: 'KubeadmControlPlane' } }), 'default', 'mgmt'),
    ).toBeUndefined();
  });
});

describe('kubeconfigSecretGap', () => {
  it('names the Secret while it is missing', () => {
    expect(kubeconfigSecretGap(false, 'default', 'mgmt')?.waitingFor).toBe('Secret mgmt-kubeconfig');
    expect(kubeconfigSecretGap(true, 'default', 'mgmt')).toBeUndefined();
  });
});

describe('machinesGap', () => {
  it('counts only this cluster’s Machines and names the first without a node', () => {
    const gap = machinesGap(
      [machine('a', 'n1'), machine('b'), machine('other', undefined, 'second')],
      'default',
      'mgmt',
      2,
    );
    expect(gap?.waitingFor).toBe('Machines with a node (1/2)');
    expect(gap?.message).toBe(
      'Cluster default/mgmt: Machine default/b has no status.nodeRef (1 of 2 Machines have a node)',
    );
  });

  it('waits until as many Machines as the template asks for exist', () => {
    expect(machinesGap([machine('a', 'n1')], 'default', 'mgmt', 3)?.message).toBe(
      'Cluster default/mgmt: 1 of 3 Machines exist (1 of 3 Machines have a node)',
    );
    expect(machinesGap([machine('a', 'n1'), machine('b', 'n2')], 'default', 'mgmt', 2)).toBeUndefined();
  });
});
