/**
 * API server warnings (HTTP `Warning: 299 - "..."` headers) reach the user as the Go tool prints
 * them, `[API Server Warning] <text>` on stderr, and move's --hide-api-warnings filters them
 * (default: finalizer-name and deprecation notices hidden; all; none). A ValidatingAdmissionPolicy
 * with validationActions [Warn] on the real API server produces the warning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClientFromConfig } from '../../src/adapters/kube/client.js';
import { parseWarnings } from '../../src/adapters/kube/request.js';
import { apiWarningPrinter } from '../../src/cli/kube.js';
import type { CliContext } from '../../src/cli/context.js';
import type { KubeClient } from '../../src/core/ports.js';
import { KubeConfig } from '@kubernetes/client-node';
import { createAdmissionPolicy, deleteAdmissionPolicy } from '../harness/admission-policy.js';
import { clientFor, sharedApiServer, testNamespace, uniqueName } from '../harness/index.js';

const policyName = uniqueName('warn-policy');
const label = uniqueName('warned');

describe('API server warnings', () => {
  let admin: KubeClient;
  let namespace: string;
  beforeAll(async () => {
    admin = clientFor(sharedApiServer().kubeconfig);
    namespace = await testNamespace(admin, 'warn');
    await createAdmissionPolicy(admin, {
      name: policyName,
      label,
      apiGroup: '',
      resource: 'configmaps',
      operations: ['CREATE', 'UPDATE'],
      expression: "!has(object.data) || !('legacy' in object.data)",
      message: 'the legacy key is deprecated, "use" modern',
      actions: ['Warn'],
    });
  });
  afterAll(() => deleteAdmissionPolicy(admin, policyName));

  it('hands each warning of a real API server to onWarning, text intact', async () => {
    const warnings: string[] = [];
    const kc = new KubeConfig();
    kc.loadFromString(sharedApiServer().kubeconfig);
    const client = createKubeClientFromConfig(kc, { onWarning: (w) => warnings.push(w) });
    // The API server loads policies asynchronously: write until the warning comes.
    for (let i = 0; warnings.length === 0; i++) {
      await client.apply({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'old-style', namespace, labels: { [label]: 'yes' } },
        data: { legacy: String(i) },
      });
      if (warnings.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(warnings[0]).toContain('the legacy key is deprecated, "use" modern');
  });

  it('parses RFC 7234 warning headers as client-go does (code 299 only, escaped quotes, several per header)', () => {
    expect(parseWarnings('299 - "a \\"quoted\\" text", 299 - "second"')).toEqual(['a "quoted" text', 'second']);
    expect(parseWarnings(['199 - "misc"', '299 - "kept" "Wed, 02 Dec 2026 10:00:00 GMT"'])).toEqual(['kept']);
    expect(parseWarnings(undefined)).toEqual([]);
  });

  it('prints [API Server Warning] lines, filtered by --hide-api-warnings as the Go tool', () => {
    const lines: string[] = [];
    const newCtx = () => ({ reporter: { info: (m: string) => lines.push(m) } }) as unknown as CliContext;
    const finalizer =
      'metadata.finalizers: "cluster.cluster.x-k8s.io": prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers';
    const deprecation = 'cluster.x-k8s.io/v1beta1 Cluster is deprecated; use cluster.x-k8s.io/v1beta2 Cluster';
    const other = 'spec.foo: unknown field';
    for (const mode of ['default', 'none', 'all', undefined] as const) {
      const print = apiWarningPrinter(newCtx(), mode);
      for (const w of [finalizer, deprecation, other]) print(w);
    }
    expect(lines).toEqual([
      `[API Server Warning] ${other}`,
      `[API Server Warning] ${finalizer}`,
      `[API Server Warning] ${deprecation}`,
      `[API Server Warning] ${other}`,
      `[API Server Warning] ${finalizer}`,
      `[API Server Warning] ${deprecation}`,
      `[API Server Warning] ${other}`,
    ]);
  });

  it('prints each warning text once per command, also when both clients of a move get it', () => {
    const lines: string[] = [];
    const ctx = { reporter: { info: (m: string) => lines.push(m) } } as unknown as CliContext;
    const source = apiWarningPrinter(ctx, 'default');
    const target = apiWarningPrinter(ctx, 'default');
    const notice = 'infrastructure.cluster.x-k8s.io/v1beta2 DockerCluster is deprecated';
    for (let i = 0; i < 5; i++) {
      source(notice);
      target(notice);
    }
    target('infrastructure.cluster.x-k8s.io/v1beta2 DockerMachine is deprecated');
    expect(lines).toEqual([
      `[API Server Warning] ${notice}`,
      '[API Server Warning] infrastructure.cluster.x-k8s.io/v1beta2 DockerMachine is deprecated',
    ]);
    // Another command (another context) prints it again.
    apiWarningPrinter({ reporter: ctx.reporter } as unknown as CliContext, undefined)(notice);
    expect(lines).toHaveLength(3);
  });
});
