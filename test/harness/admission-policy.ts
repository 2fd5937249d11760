/** A ValidatingAdmissionPolicy and its binding on a real API server, scoped to labelled objects. */
import type { KubeClient } from '../../src/core/ports.js';

export interface AdmissionPolicyOptions {
  name: string;
  /** Only objects with this label (value `yes`) are checked. */
  label: string;
  apiGroup: string;
  resource: string;
  operations: string[];
  /** CEL that must hold; otherwise `message`. */
  expression: string;
  message: string;
  actions: ('Deny' | 'Warn' | 'Audit')[];
}

const admissionApi = 'admissionregistration.k8s.io/v1';

export async function createAdmissionPolicy(client: KubeClient, o: AdmissionPolicyOptions): Promise<void> {
  const rule = { apiGroups: [o.apiGroup], apiVersions: ['v1'], operations: o.operations, resources: [o.resource] };
  await client.create({
    apiVersion: admissionApi,
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: o.name },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { objectSelector: { matchLabels: { [o.label]: 'yes' } }, resourceRules: [rule] },
      validations: [{ expression: o.expression, message: o.message }],
    },
  });
  await client.create({
    apiVersion: admissionApi,
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: o.name },
    spec: { policyName: o.name, validationActions: o.actions },
  });
}

export async function deleteAdmissionPolicy(client: KubeClient, name: string): Promise<void> {
  for (const kind of ['ValidatingAdmissionPolicyBinding', 'ValidatingAdmissionPolicy']) {
    await client.delete({ apiVersion: admissionApi, kind, name }).catch(() => false);
  }
}
