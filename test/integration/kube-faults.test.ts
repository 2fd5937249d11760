/**
 * The kube adapter under network faults (issue 11): a whole-request deadline and a connect limit
 * on every call, one bounded retry layer that rides through an API server outage with progress,
 * and no abort listener left behind per call. Faults come from test/harness/fault-proxy.ts in
 * front of the real shared API server, or from stub TLS servers.
 */
import { getEventListeners } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeClientOptions } from '../../src/adapters/kube/client.js';
import { ClusterctlError } from '../../src/errors.js';
import type { KubeClient, Reporter } from '../../src/core/ports.js';
import { createCertificateAuthority, issueCertificate } from '../harness/certs.js';
import {
  startBlackhole,
  startDripTlsServer,
  startFaultProxy,
  startHttpFaultProxy,
  startSilentTlsServer,
  type FaultProxy,
  type HttpFaultProxy,
  type ProxiedRequest,
} from '../harness/fault-proxy.js';
import { sharedApiServer, testNamespace } from '../harness/index.js';

async function failure(promise: Promise<unknown>): Promise<{ error: ClusterctlError; ms: number }> {
  const started = Date.now();
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClusterctlError) return { error, ms: Date.now() - started };
    throw error;
  }
  throw new Error('expected the call to fail');
}

function recordingReporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    debug: () => undefined,
    task: () => ({ update: () => undefined, succeed: () => undefined, fail: () => undefined, warn: () => undefined }),
  };
}

/** A kubeconfig for `server` that trusts `caCert` and presents the shared admin credentials. */
function kubeconfigFile(server: string, caCert?: string): string {
  const shared = sharedApiServer();
  const dir = mkdtempSync(join(tmpdir(), 'faults-'));
  const path = join(dir, 'config');
  let text = shared.kubeconfig.replace(/server: \S+/, `server: ${server}`);
  if (caCert) {
    text = text.replace(
      /certificate-authority-data: \S+/,
      `certificate-authority-data: ${Buffer.from(caCert).toString('base64')}`,
    );
  }
  writeFileSync(path, text);
  return path;
}

async function client(path: string, options: KubeClientOptions = {}): Promise<KubeClient> {
  return createKubeClient({ kubeconfig: path, env: {}, homeDir: tmpdir(), ...options });
}

describe.concurrent('kube adapter: waits that end', () => {
  let pair: { cert: string; key: string };
  let caCert: string;
  beforeAll(async () => {
    const ca = await createCertificateAuthority('faults');
    caCert = ca.cert;
    pair = await issueCertificate(ca, { commonName: 'stub', ipAddresses: ['127.0.0.1'], usage: 'server' });
  });

  it('an unanswered connect fails within 10 s naming the server', async () => {
    const hole = await startBlackhole();
    try {
      const url = `https://127.0.0.1:${hole.port}`;
      const { error, ms } = await failure((await client(kubeconfigFile(url))).serverVersion());
      expect(ms).toBeLessThan(12_000);
      expect(error.code).toBe('UNREACHABLE');
      expect(error.message).toContain(url);
      expect(error.message).toMatch(/no connection within 10s/);
    } finally {
      hole.stop();
    }
  });

  it('a server that accepts TCP but never completes TLS is given up within 30 s', async () => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: 1 });
    await proxy.setMode('stall');
    try {
      const url = `https://127.0.0.1:${proxy.port}`;
      const { error, ms } = await failure((await client(kubeconfigFile(url))).serverVersion());
      expect(ms).toBeLessThan(30_000);
      expect(error.message).toContain(url);
      expect(error.message).toMatch(/TLS handshake did not complete within 10s/);
    } finally {
      await proxy.close();
    }
  });

  it('a server that completes TLS and never answers is given up after the 30 s deadline', async () => {
    const stub = await startSilentTlsServer(pair);
    try {
      const url = `https://127.0.0.1:${stub.port}`;
      const { error, ms } = await failure((await client(kubeconfigFile(url, caCert))).serverVersion());
      expect(ms).toBeGreaterThanOrEqual(29_000);
      expect(ms).toBeLessThan(36_000);
      expect(stub.requests).toBe(1);
      expect(error.code).toBe('UNREACHABLE');
      expect(error.message).toContain(url);
      expect(error.message).toMatch(/no complete answer within 30s/);
    } finally {
      await stub.close();
    }
  });

  it('a server that drips a byte every 2 s is cut off at the 30 s deadline, not kept alive by the bytes', async () => {
    const stub = await startDripTlsServer(pair, 2000);
    try {
      const url = `https://127.0.0.1:${stub.port}`;
      const { error, ms } = await failure((await client(kubeconfigFile(url, caCert))).serverVersion());
      expect(ms).toBeLessThan(36_000);
      expect(error.message).toContain(url);
      expect(error.message).toMatch(/no complete answer within 30s/);
    } finally {
      await stub.close();
    }
  });
});

describe('kube adapter: outages and retries', () => {
  let proxy: FaultProxy;
  let path: string;
  beforeAll(async () => {
    const shared = new URL(sharedApiServer().url);
    proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(shared.port) });
    path = kubeconfigFile(`https://127.0.0.1:${proxy.port}`);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('rides through a 20 s outage of a server it reached before: reads and writes complete, with progress', async () => {
    const reporter = recordingReporter();
    const kube = await client(path, { reporter });
    const namespace = await testNamespace(kube, 'outage');
    await proxy.setMode('refuse');
    const outageStart = Date.now();
    const write = kube.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'during-outage', namespace },
      data: { a: 'b' },
    });
    const read = kube.list('v1', 'ConfigMap', { namespace });
    // The adapter says what it waits for before the server comes back.
    while (!reporter.lines.some((l) => l.startsWith('warn: Waiting for the API server'))) {
      await new Promise((r) => setTimeout(r, 100));
    }
    while (Date.now() - outageStart < 20_000) await new Promise((r) => setTimeout(r, 200));
    await proxy.setMode('pass');
    const created = await write;
    expect(created.metadata.name).toBe('during-outage');
    await read;
    expect((await kube.list('v1', 'ConfigMap', { namespace })).map((c) => c.metadata.name)).toContain('during-outage');
    const waiting = reporter.lines.find((l) => l.startsWith('warn: Waiting'))!;
    expect(waiting).toContain(`https://127.0.0.1:${proxy.port}`);
    expect(waiting).toMatch(/ECONNREFUSED/);
    expect(reporter.lines.some((l) => /answers again/.test(l))).toBe(true);
    // One progress line per outage, not one per retry.
    expect(reporter.lines.filter((l) => l.startsWith('warn:'))).toHaveLength(1);
  }, 90_000);

  it('rides through connections reset mid-flight', async () => {
    const kube = await client(path);
    const namespace = await testNamespace(kube, 'reset');
    await proxy.setMode('reset');
    const read = kube.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
    const accepted = proxy.accepted;
    while (proxy.accepted < accepted + 2) await new Promise((r) => setTimeout(r, 50));
    await proxy.setMode('pass');
    expect((await read)?.metadata.name).toBe(namespace);
  });

  it('bounds retries: after one call used up its outage time, the next call makes a single attempt', async () => {
    const kube = await client(path, { retry: { outageMs: 3000 } });
    await kube.serverVersion();
    await proxy.setMode('refuse');
    try {
      const first = await failure(kube.serverVersion());
      expect(first.ms).toBeGreaterThanOrEqual(2000);
      expect(first.error.code).toBe('UNREACHABLE');
      expect(first.error.message).toMatch(/retried for \ds/);
      const second = await failure(kube.serverVersion());
      expect(second.ms).toBeLessThan(1000);
    } finally {
      await proxy.setMode('pass');
    }
    // A success closes the circuit again.
    await kube.serverVersion();
  });

  it('a server never reached fails fast on refused connections (no outage wait)', async () => {
    await proxy.setMode('refuse');
    try {
      const { error, ms } = await failure((await client(path)).serverVersion());
      expect(ms).toBeLessThan(5000);
      expect(error.code).toBe('UNREACHABLE');
    } finally {
      await proxy.setMode('pass');
    }
  });

  it('leaves no abort listener behind per call (no MaxListenersExceededWarning while polling)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const controller = new AbortController();
    try {
      const kube = await client(path, { signal: controller.signal });
      for (let i = 0; i < 30; i++) await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'default' });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('caps the size of API answers, naming the limit', async () => {
    const kube = await client(path, { maxResponseBytes: 1024 });
    const { error } = await failure(kube.list('v1', 'Namespace'));
    expect(error.message).toContain('larger than the 1 KiB limit');
    expect(error.message).toContain(`https://127.0.0.1:${proxy.port}`);
  });

  it('an abort ends a call waiting for a server that is down, as INTERRUPTED', async () => {
    const controller = new AbortController();
    const kube = await client(path, { signal: controller.signal });
    await kube.serverVersion();
    await proxy.setMode('refuse');
    try {
      const pending = failure(kube.serverVersion());
      setTimeout(() => controller.abort(), 500);
      const { error, ms } = await pending;
      expect(error.code).toBe('INTERRUPTED');
      expect(ms).toBeLessThan(3000);
    } finally {
      await proxy.setMode('pass');
    }
  });
});

/**
 * Which requests the retry layer may send again after the server answered 5xx (issue 11): a JSON
 * patch or a create with generateName that the server applied and then answered 500 for must not
 * be applied twice; a named create whose answer was a 500 after it was applied ends in success
 * with the object it made (AlreadyExists on the retry, and the object is the one it sent), never
 * with someone else's object; idempotent writes are still retried. The 500s come from an HTTP
 * fault proxy in front of the real shared API server, answering in place of the server after
 * forwarding the request (applied) or without forwarding it.
 */
describe('kube adapter: only requests safe to repeat are retried after a 5xx', () => {
  let proxy: HttpFaultProxy;
  let kube: KubeClient;
  let namespace: string;
  beforeAll(async () => {
    proxy = await startHttpFaultProxy(sharedApiServer().kubeconfig);
    kube = await client(kubeconfigFile(proxy.url, proxy.caCert));
    namespace = await testNamespace(kube, 'retry-safety');
  });
  afterAll(async () => {
    await proxy?.close();
  });

  /** Fails the first request that `matches` with `fault`; passes everything else. */
  function failFirst(matches: (r: ProxiedRequest) => boolean, fault: { after: number } | { instead: number }) {
    let used = false;
    const from = proxy.requests.length;
    proxy.fault = (r) => {
      if (used || !matches(r)) return 'pass';
      used = true;
      return fault;
    };
    return () => proxy.requests.slice(from).filter(matches).length;
  }

  const rule = { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] };
  async function role(name: string) {
    const ref = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', name, namespace };
    await kube.create({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name, namespace }, rules: [rule] });
    return ref;
  }

  it.each([500, 503, 504])('a JSON patch answered %i after it was applied is not sent again', async (status) => {
    const ref = await role(`append-${status}`);
    const patches = failFirst((r) => r.method === 'PATCH' && r.path.includes(`/roles/${ref.name}`), { after: status });
    const { error } = await failure(kube.patch(ref, [{ op: 'add', path: '/rules/-', value: rule }], 'json'));
    expect(error.message).toContain(`HTTP ${status}`);
    expect(patches()).toBe(1);
    // Applied once: one rule appended, not two or three.
    const live = (await kube.get(ref)) as { rules?: unknown[] } | undefined;
    expect(live?.rules).toHaveLength(2);
  });

  it('a create with generateName answered 500 after it was applied is not sent again', async () => {
    const prefix = 'generated-';
    const creates = failFirst((r) => r.method === 'POST' && r.path.includes('/configmaps'), { after: 500 });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: prefix, namespace } };
    await failure(kube.create(cm));
    expect(creates()).toBe(1);
    const made = (await kube.list('v1', 'ConfigMap', { namespace })).filter((c) => c.metadata.name?.startsWith(prefix));
    expect(made).toHaveLength(1);
  });

  it('a named create answered 500 after it was applied succeeds with the object it made', async () => {
    const creates = failFirst((r) => r.method === 'POST' && r.path.includes('/configmaps'), { after: 500 });
    const created = await kube.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'named', namespace, labels: { made: 'here' } },
      data: { a: 'b' },
    });
    expect(creates()).toBe(2);
    const live = await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'named', namespace });
    expect(created.metadata.uid).toBe(live?.metadata.uid);
  });

  it("a named create retried after a 500 does not take someone else's object for its own", async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'theirs', namespace };
    await kube.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: ref.name, namespace },
      data: { a: 'x' },
    });
    failFirst((r) => r.method === 'POST' && r.path.includes('/configmaps'), { instead: 500 });
    const mine = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ref.name, namespace }, data: { a: 'mine' } };
    const { error } = await failure(kube.create(mine));
    expect(error.message).toMatch(/already exists/);
    expect(((await kube.get(ref)) as { data?: Record<string, string> }).data).toEqual({ a: 'x' });
  });

  it('a merge patch (absolute values) answered 500 after it was applied is retried and succeeds', async () => {
    const ref = await role('merge');
    const patches = failFirst((r) => r.method === 'PATCH' && r.path.includes('/roles/merge'), { after: 500 });
    const patched = await kube.patch(ref, { metadata: { labels: { set: 'yes' } } }, 'merge');
    expect(patched.metadata.labels).toEqual({ set: 'yes' });
    expect(patches()).toBe(2);
  });
});
