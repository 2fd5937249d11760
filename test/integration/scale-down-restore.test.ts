/**
 * upgrade apply's scale-down: when the controllers do not stop in time, their replicas are given
 * back; when giving them back fails, the error says so and names the command that does it, instead
 * of claiming "the controllers were scaled back up" (issue 11). A ValidatingAdmissionPolicy on the
 * real API server refuses the restore.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaleDownDeployments } from '../../src/core/cluster/scale-down.js';
import type { KubeClient } from '../../src/core/ports.js';
import { ClusterctlError } from '../../src/errors.js';
import type { KubeObject } from '../../src/types.js';
import { createAdmissionPolicy, deleteAdmissionPolicy } from '../harness/admission-policy.js';
import { clientFor, sharedApiServer, testNamespace, uniqueName } from '../harness/index.js';

const policyName = uniqueName('deny-restore');
const label = uniqueName('restore-test');

function deployment(name: string, namespace: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { [label]: 'yes' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'example.com/c:v1' }] },
      },
    },
  };
}

describe('scale-down restore', () => {
  let client: KubeClient;
  let namespace: string;
  beforeAll(async () => {
    client = clientFor(sharedApiServer().kubeconfig);
    namespace = await testNamespace(client, 'restore');
  });
  afterAll(() => deleteAdmissionPolicy(client, policyName));

  async function stuckDeployment(name: string): Promise<KubeObject> {
    await client.create(deployment(name, namespace));
    const created = (await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace }))!;
    // No deployment controller runs in the harness: the pods "still run" as long as status says so.
    return client.replaceStatus({ ...created, status: { replicas: 2 } });
  }

  it('says the controllers were scaled back up only when they were', async () => {
    const d = await stuckDeployment('ok');
    const error = await scaleDownDeployments(client, [d], { timeoutMs: 300, pollMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterctlError);
    expect((error as ClusterctlError).message).toMatch(/nothing was upgraded and the controllers were scaled back up$/);
    const live = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ok', namespace });
    expect((live?.spec as { replicas: number }).replicas).toBe(2);
  });

  it('reports a failed restore, naming the Deployment and the command that scales it back', async () => {
    const d = await stuckDeployment('refused');
    await createAdmissionPolicy(client, {
      name: policyName,
      label,
      apiGroup: 'apps',
      resource: 'deployments',
      operations: ['UPDATE'],
      expression: 'object.spec.replicas == 0',
      message: 'scaling up is frozen',
      actions: ['Deny'],
    });
    // Wait until the API server enforces the policy (it loads policies asynchronously).
    const probe = await stuckDeployment('probe');
    for (;;) {
      const refused = await client
        .patch(
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'probe', namespace },
          { spec: { replicas: 3 } },
          'merge',
        )
        .then(() => false)
        .catch(() => true);
      if (refused) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(probe.metadata.name).toBe('probe');

    const error = await scaleDownDeployments(client, [d], { timeoutMs: 300, pollMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterctlError);
    const { message, hint, code } = error as ClusterctlError;
    expect(code).toBe('TIMEOUT');
    expect(message).not.toContain('scaled back up');
    expect(message).toContain(`restoring the replicas of 1 of the 1 controllers scaled down failed`);
    expect(message).toContain(`Deployment ${namespace}/refused`);
    expect(message).toContain('scaling up is frozen');
    expect(hint).toContain(`kubectl scale deployment -n ${namespace} refused --replicas=2`);
  });
});
