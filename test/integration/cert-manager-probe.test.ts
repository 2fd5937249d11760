/**
 * The cert-manager probes read only NOT_FOUND as "not installed" (issue 11): a user without rights
 * or a server that cannot be reached is reported as such, never as a missing cert-manager (which
 * would make init install it again, or upgrade skip it).
 */
import { describe, expect, it } from 'vitest';
import { installedCertManagerVersion, probeCertManager } from '../../src/core/cluster/cert-manager.js';
import { ClusterctlError } from '../../src/errors.js';
import { clientFor, sharedApiServer } from '../harness/index.js';
import { startFaultProxy } from '../harness/fault-proxy.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return error instanceof ClusterctlError ? error.code : String(error);
  }
}

describe('cert-manager probes', () => {
  it('report FORBIDDEN for a user without rights instead of "not installed"', async () => {
    const viewer = clientFor(sharedApiServer().restrictedKubeconfig);
    expect(await codeOf(installedCertManagerVersion(viewer))).toBe('FORBIDDEN');
    expect(await codeOf(probeCertManager(viewer))).toBe('FORBIDDEN');
  });

  it('report UNREACHABLE for a server that cannot be reached instead of "not installed"', async () => {
    const shared = sharedApiServer();
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(new URL(shared.url).port) });
    try {
      await proxy.setMode('refuse');
      const kube = clientFor(shared.kubeconfig.replace(/server: \S+/, `server: https://127.0.0.1:${proxy.port}`));
      expect(await codeOf(installedCertManagerVersion(kube))).toBe('UNREACHABLE');
    } finally {
      await proxy.close();
    }
  });
});
