/**
 * `clusterctl init` rides through an API server outage (issue 11): the built CLI installs the
 * providers through a loopback fault proxy; once it has started writing, the proxy refuses every
 * connection for 20 s (as a stopped API server would), then lets them through again. The Go tool
 * completes such a run; so must we, saying what it waits for. The providers are the real Cluster
 * API v1.13.5 releases of ../shared/fixtures/capi-repo.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInstalledProviders } from '../../src/core/cluster/inventory.js';
import type { KubeClient } from '../../src/core/ports.js';
import type { ApiServer } from '../harness/apiserver.js';
import { runClusterctl } from '../harness/cli.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { clientFor, startExtraApiServer } from '../harness/index.js';
import { cliHome, writeCapiConfig } from '../harness/capi-management.js';

describe('clusterctl init through an API server outage', () => {
  let server: ApiServer;
  let client: KubeClient;
  let proxy: FaultProxy;
  let kubeconfigPath: string;
  let repo: { base: string; configPath: string };
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startExtraApiServer({ name: 'init-outage' });
    client = clientFor(server.kubeconfig);
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.port });
    const dir = mkdtempSync(join(tmpdir(), 'init-outage-'));
    kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfigPath,
      readFileSync(server.kubeconfigPath, 'utf8').replace(/server: \S+/, `server: https://127.0.0.1:${proxy.port}`),
    );
    repo = { base: dir, configPath: writeCapiConfig(dir) };
    env = cliHome(dir);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it('completes after a 20 s outage in the middle of installing, with progress naming the server', async () => {
    let outage: Promise<void> | undefined;
    let outageMs = 0;
    const run = runClusterctl(
      ['init', '--infrastructure', 'docker', '--config', repo.configPath, '--kubeconfig', kubeconfigPath],
      {
        env,
        timeoutMs: 240_000,
        onStderr: (_chunk, all) => {
          // Cut the server once the providers are being installed (cert-manager is in).
          if (!outage && /Installing Provider|capi-system|cluster-api/i.test(all)) {
            outage = (async () => {
              await proxy.setMode('refuse');
              const started = Date.now();
              while (Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 250));
              outageMs = Date.now() - started;
              await proxy.setMode('pass');
            })();
          }
        },
      },
    );
    const result = await run;
    await outage;
    expect(outage, `the outage never started; stderr:\n${result.stderr}`).toBeDefined();
    expect(outageMs).toBeGreaterThanOrEqual(20_000);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Waiting for the API server https://127.0.0.1:${proxy.port}`);
    const installed = await listInstalledProviders(client);
    expect(installed.map((p) => `${p.type}/${p.providerName}`)).toEqual([
      'CoreProvider/cluster-api',
      'BootstrapProvider/kubeadm',
      'ControlPlaneProvider/kubeadm',
      'InfrastructureProvider/docker',
    ]);
  }, 300_000);
});
