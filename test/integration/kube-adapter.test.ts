/**
 * The kube adapter against the real shared API server: CRDs with schemas that client-node's typed
 * serializer would mangle, custom objects, read back with the machine's kubectl; and the errors a
 * user sees for an unreachable server, a wrong context and bad credentials.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, beforeAll } from 'vitest';
import { createKubeClient } from '../../src/adapters/kube/client.js';
import { ClusterctlError, ExitCode } from '../../src/errors.js';
import type { KubeClient } from '../../src/core/ports.js';
import { freePort } from '../harness/apiserver.js';
import { buildKubeconfig } from '../harness/apiserver.js';
import { createCertificateAuthority, issueCertificate } from '../harness/certs.js';
import { clientFor, sharedApiServer, testNamespace, uniqueName } from '../harness/index.js';

const group = `${uniqueName('widgets')}.example.com`;
const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${group}` },
  spec: {
    group,
    names: { kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1beta2',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  size: { 'x-kubernetes-int-or-string': true },
                  template: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
              status: { type: 'object', properties: { ready: { type: 'boolean' } } },
            },
          },
        },
      },
    ],
  },
};

function kubectl(kubeconfigPath: string, ...args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', kubeconfigPath, ...args], { encoding: 'utf8' });
}

async function expectError(promise: Promise<unknown>): Promise<ClusterctlError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ClusterctlError);
    return error as ClusterctlError;
  }
  throw new Error('expected the call to fail');
}

async function waitEstablished(client: KubeClient, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const got = await client.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
    const conditions =
      (got?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`CRD ${name} never became Established`);
}

describe('kube adapter on a real API server', () => {
  const shared = sharedApiServer();
  const client = clientFor(shared.kubeconfig);
  let namespace: string;

  beforeAll(async () => {
    namespace = await testNamespace(client, 'adapter');
    await client.create(crd);
    await waitEstablished(client, crd.metadata.name);
  });

  it('creates a CRD whose schema keeps x-kubernetes-* keys exactly as written', () => {
    const fetched = JSON.parse(
      kubectl(shared.kubeconfigPath, 'get', 'crd', crd.metadata.name, '-o', 'json'),
    ) as typeof crd;
    const props = fetched.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties;
    expect(props.size['x-kubernetes-int-or-string']).toBe(true);
    expect(props.template['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });

  it('creates, lists, patches and deletes custom objects that kubectl reads back', async () => {
    const widget = {
      apiVersion: `${group}/v1beta2`,
      kind: 'Widget',
      metadata: { name: 'w1', namespace, labels: { tier: 'gold' } },
      spec: { size: '10%', template: { anything: { nested: [1, 2] } } },
    };
    const created = await client.create(widget);
    expect(created.metadata.uid).toBeTruthy();
    const viaKubectl = JSON.parse(
      kubectl(shared.kubeconfigPath, '-n', namespace, 'get', `widgets.${group}`, 'w1', '-o', 'json'),
    );
    expect(viaKubectl.spec).toEqual(widget.spec);

    await client.create({ ...widget, metadata: { name: 'w2', namespace } });
    const gold = await client.list(widget.apiVersion, 'Widget', { namespace, labelSelector: 'tier=gold' });
    expect(gold.map((w) => w.metadata.name)).toEqual(['w1']);
    expect(gold[0]!.kind).toBe('Widget');

    await client.patch(
      { apiVersion: widget.apiVersion, kind: 'Widget', name: 'w2', namespace },
      { metadata: { labels: { tier: 'gold' } } },
      'merge',
    );
    expect((await client.list(widget.apiVersion, 'Widget', { namespace, labelSelector: 'tier=gold' })).length).toBe(2);

    const status = await client.replaceStatus({ ...created, status: { ready: true } });
    expect(status.status).toEqual({ ready: true });
    expect(
      kubectl(
        shared.kubeconfigPath,
        '-n',
        namespace,
        'get',
        `widgets.${group}`,
        'w1',
        '-o',
        'jsonpath={.status.ready}',
      ),
    ).toBe('true');

    const applied = await client.apply({ ...widget, metadata: { name: 'w3', namespace }, spec: { size: 3 } });
    expect(applied.spec).toEqual({ size: 3 });

    expect(await client.delete({ apiVersion: widget.apiVersion, kind: 'Widget', name: 'w1', namespace })).toBe(true);
    expect(await client.delete({ apiVersion: widget.apiVersion, kind: 'Widget', name: 'w1', namespace })).toBe(false);
    expect(await client.get({ apiVersion: widget.apiVersion, kind: 'Widget', name: 'w1', namespace })).toBeUndefined();
  });

  it('reports a conflict when creating an object that exists, naming it', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup', namespace }, data: { a: '1' } };
    await client.create(cm);
    const error = await expectError(client.create(cm));
    expect(error.code).toBe('CONFLICT');
    expect(error.exitCode).toBe(ExitCode.Conflict);
    expect(error.message).toContain(`ConfigMap ${namespace}/dup`);
    // Callers tell "exists" from a write race by the API reason, not by the message text.
    expect(error.reason).toBe('AlreadyExists');
    const stale = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'dup', namespace });
    await client.replace({ ...stale!, data: { a: '2' } });
    const race = await expectError(client.replace({ ...stale!, data: { a: '3' } }));
    expect(race.code).toBe('CONFLICT');
    expect(race.reason).toBe('Conflict');
  });

  it('reports a schema rejection with the field', async () => {
    const error = await expectError(
      client.create({
        apiVersion: `${group}/v1beta2`,
        kind: 'Widget',
        metadata: { name: 'bad', namespace },
        status: { ready: 'yes' },
        spec: { template: 'x' },
      }),
    );
    expect(error.code).toBe('REJECTED');
    expect(error.message).toMatch(/spec\.template/);
  });

  it('names an unknown kind clearly', async () => {
    const error = await expectError(client.list(`${group}/v1beta2`, 'Gadget', { namespace }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('Gadget');
  });

  it('fails within seconds on an unreachable server, naming the URL and giving a hint', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    const path = join(dir, 'config');
    const ca = await createCertificateAuthority('nowhere');
    const cert = await issueCertificate(ca, { commonName: 'admin', usage: 'client' });
    writeFileSync(
      path,
      buildKubeconfig({
        name: 'nowhere',
        server: `https://127.0.0.1:${port}`,
        caCert: ca.cert,
        user: 'admin',
        client: cert,
      }),
    );
    const unreachable = await createKubeClient({ kubeconfig: path, env: {}, homeDir: dir });
    const started = Date.now();
    const error = await expectError(unreachable.serverVersion());
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.code).toBe('UNREACHABLE');
    expect(error.exitCode).toBe(ExitCode.Unreachable);
    expect(error.message).toContain(`https://127.0.0.1:${port}`);
    expect(error.message).toContain('context "nowhere"');
    expect(error.hint).toMatch(/--kubeconfig/);
  });

  it('rejects a context that is not in the kubeconfig, listing the known ones', async () => {
    const error = await expectError(
      createKubeClient({ kubeconfig: shared.kubeconfigPath, context: 'no-such-context', env: {}, homeDir: tmpdir() }),
    );
    expect(error.message).toContain('context "no-such-context" does not exist');
    expect(error.hint).toContain('shared');
  });

  it('names the context and user when the server rejects the credentials (401)', async () => {
    const stranger = await createCertificateAuthority('stranger');
    const cert = await issueCertificate(stranger, { commonName: 'mallory', usage: 'client' });
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    const path = join(dir, 'config');
    const serverCa = Buffer.from(/certificate-authority-data: (\S+)/.exec(shared.kubeconfig)![1]!, 'base64').toString();
    writeFileSync(
      path,
      buildKubeconfig({ name: 'bad-creds', server: shared.url, caCert: serverCa, user: 'mallory', client: cert }),
    );
    const bad = await createKubeClient({ kubeconfig: path, env: {}, homeDir: dir });
    const error = await expectError(bad.list('v1', 'Namespace'));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.exitCode).toBe(ExitCode.Unauthorized);
    expect(error.message).toContain('user "mallory"');
    expect(error.message).toContain('context "bad-creds"');
    expect(error.message).not.toContain('BEGIN');
  });

  it('names the context and user when RBAC forbids the call (403)', async () => {
    const restricted = clientFor(shared.restrictedKubeconfig);
    const error = await expectError(restricted.list('v1', 'Secret', { namespace }));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.exitCode).toBe(ExitCode.Unauthorized);
    expect(error.message).toContain('user "viewer"');
    expect(error.message).toContain('context "shared-viewer"');
    expect(error.hint).toMatch(/cluster-admin/);
  });

  it('verifies TLS: a server certificate from another CA is refused unless the kubeconfig skips verification', async () => {
    const other = await createCertificateAuthority('other');
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    const path = join(dir, 'config');
    const cert = await issueCertificate(other, { commonName: 'admin', usage: 'client' });
    writeFileSync(
      path,
      buildKubeconfig({ name: 'wrong-ca', server: shared.url, caCert: other.cert, user: 'admin', client: cert }),
    );
    const error = await expectError(
      (await createKubeClient({ kubeconfig: path, env: {}, homeDir: dir })).serverVersion(),
    );
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toMatch(/TLS verification/);
  });
});

describe('kubeconfig authentication methods', () => {
  it('authenticates with a bearer token and with an exec credential plugin', async () => {
    const shared = sharedApiServer();
    const admin = clientFor(shared.kubeconfig);
    const namespace = await testNamespace(admin, 'auth');
    await admin.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace } });
    await admin.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'configmap-reader', namespace },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
    });
    await admin.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'robot-view', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace }],
    });
    await admin.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'visible', namespace } });
    // A short-lived ServiceAccount token (TokenRequest API) issued by the machine's kubectl.
    const token = execFileSync(
      'kubectl',
      ['--kubeconfig', shared.kubeconfigPath, '-n', namespace, 'create', 'token', 'robot'],
      {
        encoding: 'utf8',
      },
    ).trim();
    const ca = /certificate-authority-data: (\S+)/.exec(shared.kubeconfig)![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    const cluster = `clusters:\n- name: c\n  cluster:\n    server: ${shared.url}\n    certificate-authority-data: ${ca}\n`;
    const tokenPath = join(dir, 'token');
    writeFileSync(
      tokenPath,
      `apiVersion: v1\nkind: Config\n${cluster}users:\n- name: robot\n  user:\n    token: ${token}\ncontexts:\n- name: token\n  context: {cluster: c, user: robot, namespace: ${namespace}}\ncurrent-context: token\n`,
    );
    const viaToken = await createKubeClient({ kubeconfig: tokenPath, env: {}, homeDir: dir });
    expect(viaToken.currentNamespace).toBe(namespace);
    expect((await viaToken.list('v1', 'ConfigMap', { namespace })).map((c) => c.metadata.name)).toContain('visible');
    const denied = await expectError(viaToken.list('v1', 'Secret', { namespace }));
    expect(denied.code).toBe('FORBIDDEN');
    expect(denied.message).toContain('system:serviceaccount');
    expect(denied.message).not.toContain(token);

    const plugin = join(dir, 'credential-plugin.sh');
    writeFileSync(
      plugin,
      `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat ${tokenPath}.raw)"\n`,
      { mode: 0o755 },
    );
    writeFileSync(`${tokenPath}.raw`, token);
    const execPath = join(dir, 'exec');
    writeFileSync(
      execPath,
      `apiVersion: v1\nkind: Config\n${cluster}users:\n- name: plugin\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${plugin}\n      interactiveMode: Never\ncontexts:\n- name: exec\n  context: {cluster: c, user: plugin}\ncurrent-context: exec\n`,
    );
    const viaExec = await createKubeClient({ kubeconfig: execPath, env: {}, homeDir: dir });
    expect((await viaExec.list('v1', 'ConfigMap', { namespace })).map((c) => c.metadata.name)).toContain('visible');
    // The plugin's credential is asked for again on the next request (static ones are read once per
    // client): a rotated, here revoked, token is used at once.
    writeFileSync(`${tokenPath}.raw`, 'revoked-token');
    const revoked = await viaExec.list('v1', 'ConfigMap', { namespace }).catch((e: unknown) => e as Error);
    expect(revoked).toBeInstanceOf(Error);
    expect((revoked as Error).message).toContain('rejected the credentials of user "plugin"');
    expect((revoked as Error).message).not.toContain(token);
  });
});
