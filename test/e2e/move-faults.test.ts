/**
 * `clusterctl move` when the source API server fails a write: the kube adapter is the one retry
 * layer, so a write the server refuses with HTTP 500 is tried only as often as the adapter allows
 * (once for a JSON patch; never again on top by the mover), the move stops with an error naming the object, and running
 * the same command again finishes it with nothing lost. The 500 comes from a real API server: a
 * validating webhook (a local HTTPS server of this test) that refuses the delete-for-move patch of
 * one Cluster with code 500 (passed on by the API server); it counts how often that patch came.
 */
import { mkdtempSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/core/ports.js';
import { Annotations, type KubeObject } from '../../src/types.js';
import type { ApiServer } from '../harness/apiserver.js';
import { createCertificateAuthority, issueCertificate } from '../harness/certs.js';
import { runClusterctl } from '../harness/cli.js';
import { clientFor, startExtraApiServer, uniqueName } from '../harness/index.js';
import { capiV, createClusters, installCapi, snapshotNamespace } from '../fixtures/capi-objects.js';

interface AdmissionRequest {
  uid: string;
  name?: string;
  namespace?: string;
  operation: string;
  object?: KubeObject;
}

/** What the webhook does with the delete-for-move patch of one Cluster. */
interface FaultyWebhook {
  url: string;
  caBundle: string;
  /** Cluster `namespace/name` whose delete-for-move patch fails; undefined: allow all. */
  failFor: string | undefined;
  /** Delete-for-move patches of that Cluster that reached the webhook. */
  deleteForMovePatches: number;
  /** Requests for objects named `probe-*` (denied: shows the webhook is in force). */
  probes: number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

async function startFaultyWebhook(): Promise<FaultyWebhook> {
  const ca = await createCertificateAuthority('move-faults-webhook');
  const pair = await issueCertificate(ca, { commonName: 'webhook', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const state = { failFor: undefined as string | undefined, deleteForMovePatches: 0, probes: 0 };
  const server: Server = createServer({ cert: pair.cert, key: pair.key }, (req, res) => {
    void readBody(req).then((body) => {
      const request = (JSON.parse(body) as { request: AdmissionRequest }).request;
      const answer = (allowed: boolean, message?: string, code = 403) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            response: { uid: request.uid, allowed, ...(message ? { status: { code, message } } : {}) },
          }),
        );
      };
      if (request.name?.startsWith('probe-')) {
        state.probes++;
        return answer(false, 'probe denied');
      }
      const key = `${request.namespace}/${request.name}`;
      const marked = Annotations.deleteForMove in (request.object?.metadata.annotations ?? {});
      if (request.operation === 'UPDATE' && marked && key === state.failFor) {
        state.deleteForMovePatches++;
        // The API server passes the code on: HTTP 500 to the client, as for a storage fault.
        return answer(false, 'storage fault injected by the test', 500);
      }
      answer(true);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}/validate`,
    caBundle: Buffer.from(ca.cert).toString('base64'),
    get failFor() {
      return state.failFor;
    },
    set failFor(v) {
      state.failFor = v;
    },
    get deleteForMovePatches() {
      return state.deleteForMovePatches;
    },
    get probes() {
      return state.probes;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Registers the webhook for updates of Clusters and waits until the API server calls it. */
async function registerWebhook(client: KubeClient, webhook: FaultyWebhook, probeNamespace: string): Promise<void> {
  await client.create({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: uniqueName('move-faults') },
    webhooks: [
      {
        name: 'clusters.move-faults.test',
        clientConfig: { url: webhook.url, caBundle: webhook.caBundle },
        rules: [
          {
            apiGroups: ['cluster.x-k8s.io'],
            apiVersions: ['*'],
            operations: ['UPDATE'],
            resources: ['clusters'],
          },
        ],
        failurePolicy: 'Fail',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        timeoutSeconds: 10,
      },
    ],
  });
  // The API server picks the configuration up asynchronously: wait until a probe update is denied.
  const probe = { apiVersion: capiV, kind: 'Cluster', name: 'probe-0', namespace: probeNamespace };
  for (;;) {
    try {
      await client.patch(probe, { metadata: { labels: { probe: String(Date.now()) } } }, 'merge');
    } catch (error) {
      if (webhook.probes > 0) return;
      throw error;
    }
    await sleep(200);
  }
}

describe('clusterctl move when the source API server fails a write', { timeout: 240_000 }, () => {
  let a: ApiServer;
  let b: ApiServer;
  let ca: KubeClient;
  let cb: KubeClient;
  let webhook: FaultyWebhook;
  let stateDir: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([startExtraApiServer({ name: 'faults-a' }), startExtraApiServer({ name: 'faults-b' })]);
    ca = clientFor(a.kubeconfig);
    cb = clientFor(b.kubeconfig);
    await Promise.all([installCapi(ca), installCapi(cb)]);
    webhook = await startFaultyWebhook();
    const probeNs = uniqueName('probe');
    await createClusters(ca, probeNs, 1, { prefix: 'probe-', workers: 0 });
    await registerWebhook(ca, webhook, probeNs);
    stateDir = mkdtempSync(join(tmpdir(), 'move-faults-state-'));
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), webhook?.close()]);
  });

  it('an HTTP 500 on a delete-for-move patch is not repeated on top of the adapter; a re-run finishes the move', async () => {
    const ns = uniqueName('fail500');
    await createClusters(ca, ns, 2, { workers: 1 });
    const before = await snapshotNamespace(ca, ns);
    webhook.failFor = `${ns}/c0`;
    const args = ['move', '-n', ns, '--kubeconfig', a.kubeconfigPath, '--to-kubeconfig', b.kubeconfigPath];
    const env = { CLUSTERCTL_TS_STATE_DIR: stateDir };

    const failed = await runClusterctl(args, { env, timeoutMs: 180_000 });
    expect(failed.exitCode, failed.stderr).not.toBe(0);
    expect(failed.stderr).toContain(`failed to delete Cluster ${ns}/c0 from the source`);
    expect(failed.stderr).toContain('answered HTTP 500');
    expect(failed.stderr).toContain('storage fault injected by the test');
    expect(failed.stderr).toContain('Re-run the same command to finish the move');
    // The delete-for-move patch is a JSON patch: answered 500, it may have been applied, so the
    // adapter does not send it again, and the mover adds no attempts of its own.
    expect(webhook.deleteForMovePatches).toBe(1);
    // Nothing lost: the Cluster the server refused to change is still on the source.
    expect(await ca.get({ apiVersion: capiV, kind: 'Cluster', name: 'c0', namespace: ns })).toBeDefined();

    webhook.failFor = undefined;
    const finished = await runClusterctl(args, { env, timeoutMs: 180_000 });
    expect(finished.exitCode, finished.stderr).toBe(0);
    const [onSource, onTarget] = await Promise.all([snapshotNamespace(ca, ns), snapshotNamespace(cb, ns)]);
    expect(onSource.size).toBe(0);
    expect([...onTarget.keys()].sort()).toEqual([...before.keys()].sort());
  });
});
