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
  startSilentTlsServer,
  type FaultProxy,
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
