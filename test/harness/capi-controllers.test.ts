/**
 * The parts of the real-controller harness that need no controllers: the host-wide lock that keeps
 * two in-memory docker providers from running at once, and what a user without the binaries or
 * without Go is told.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireCapdLock, capdLockPath, findCapiBinaries } from './capi-controllers.js';
import { repoRoot } from './cli.js';

describe('the CAPD host lock', () => {
  const saved = process.env.CLUSTERCTL_TS_CACHE_DIR;
  beforeEach(() => {
    process.env.CLUSTERCTL_TS_CACHE_DIR = mkdtempSync(join(tmpdir(), 'capd-lock-'));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.CLUSTERCTL_TS_CACHE_DIR;
    else process.env.CLUSTERCTL_TS_CACHE_DIR = saved;
  });

  it('is held by the process that owns CAPD, refused to others while it lives, and freed on release', async () => {
    const lock = await acquireCapdLock(0);
    const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      lock.handOver(holder.pid!);
      expect(readFileSync(capdLockPath(), 'utf8')).toBe(String(holder.pid));
      await expect(acquireCapdLock(0)).rejects.toThrow(
        new RegExp(`another docker provider \\(CAPD\\).*pid ${holder.pid}.*fixed ports 19000 and 20000-30000`, 's'),
      );
      lock.release();
      const next = await acquireCapdLock(0);
      expect(readFileSync(capdLockPath(), 'utf8')).toBe(String(process.pid));
      next.release();
    } finally {
      holder.kill();
    }
  });

  it('takes over a lock whose holder died, and waits for a live holder that exits', async () => {
    const dead = spawnSync('true').pid;
    writeFileSync(capdLockPath(), String(dead));
    const lock = await acquireCapdLock(0);
    const holder = spawn('sleep', ['2'], { stdio: 'ignore' });
    lock.handOver(holder.pid!);
    const exited = new Promise((r) => holder.once('exit', r));
    const waited = await acquireCapdLock(60_000);
    await exited;
    expect(readFileSync(capdLockPath(), 'utf8')).toBe(String(process.pid));
    waited.release();
  });
});

describe('missing parts', () => {
  it('names the folder searched and the setup command when the managers are not built', () => {
    const empty = mkdtempSync(join(tmpdir(), 'capi-bin-'));
    expect(() => findCapiBinaries({ CLUSTERCTL_TS_CACHE_DIR: empty })).toThrow(
      `the Cluster API v1.13.5 managers (cluster-api-manager, kubeadm-bootstrap-manager, kubeadm-control-plane-manager, capd-manager) were not found in ${empty}/capi/v1.13.5. Run 'npm run setup:capi'`,
    );
  });

  it('setup:capi without Go explains what to install (exit 3) and builds nothing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'capi-cache-'));
    const result = spawnSync('bash', [join(repoRoot, 'scripts', 'setup-capi.sh')], {
      env: { PATH: '/usr/bin:/bin', HOME: empty, CLUSTERCTL_TS_CACHE_DIR: empty },
      encoding: 'utf8',
    });
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("no 'go' toolchain is on PATH to build them. Install Go >= 1.25");
    expect(result.stderr).toContain('CLUSTERCTL_TS_CAPI_BIN_DIR');
  });
});
