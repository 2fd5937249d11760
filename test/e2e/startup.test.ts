/**
 * Start-up: the bin compiles the bundle with a V8 code cache kept in the cache directory. What a
 * user would notice if it went wrong: different output on the second run, a broken or foreign
 * cache file making the command fail, or caches piling up.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClusterctl } from '../harness/cli.js';
import { clientFor, sharedApiServer, testNamespace } from '../harness/index.js';

describe('start-up code cache', () => {
  it('writes one cache file per command, gives the same output from it, and survives a corrupt one', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'compile-cache-'));
    // the cache of an earlier build is removed when this build writes its first file
    mkdirSync(join(cacheDir, 'compile-cache', 'v0.0.0-x64-1-1'), { recursive: true });
    writeFileSync(join(cacheDir, 'compile-cache', 'v0.0.0-x64-1-1', 'version.bin'), 'old');
    const env = { CLUSTERCTL_TS_CACHE_DIR: cacheDir };
    const first = await runClusterctl(['version', '-o', 'yaml'], { env });
    expect(first.exitCode).toBe(0);
    const builds = readdirSync(join(cacheDir, 'compile-cache'));
    expect(builds).toHaveLength(1);
    const folder = join(cacheDir, 'compile-cache', builds[0]!);
    expect(readdirSync(folder)).toEqual(['version.bin']);

    const second = await runClusterctl(['version', '-o', 'yaml'], { env });
    expect(second).toEqual(first);

    const help = await runClusterctl(['--help'], { env });
    expect(help.exitCode).toBe(0);
    expect(readdirSync(folder).sort()).toEqual(['other.bin', 'version.bin']);

    writeFileSync(join(folder, 'version.bin'), 'not a code cache');
    const third = await runClusterctl(['version', '-o', 'yaml'], { env });
    expect(third).toEqual(first);
  });

  it('loads the Kubernetes client from the cached bundle without warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'startup-kubeconfig-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: u, user: {token: abc}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
      ].join('\n'),
    );
    for (let i = 0; i < 2; i++) {
      const result = await runClusterctl(['describe', 'cluster', 'foo', '--kubeconfig', kubeconfig], {
        env: { CLUSTERCTL_TS_CACHE_DIR: dir },
      });
      expect(result.exitCode).toBe(4);
      expect(result.stderr).toMatch(/^Error: cannot reach the Kubernetes API server https:\/\/127\.0\.0\.1:1/m);
      // No warning from Node itself (code cache, module loading); the tool's own retry notice may appear.
      expect(result.stderr).not.toMatch(/\(node:\d+\)|ExperimentalWarning|DeprecationWarning/);
    }
  });

  it('writes nothing with CLUSTERCTL_TS_COMPILE_CACHE=off', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'compile-cache-'));
    const result = await runClusterctl(['version', '-o', 'short'], {
      env: { CLUSTERCTL_TS_CACHE_DIR: cacheDir, CLUSTERCTL_TS_COMPILE_CACHE: 'off' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^v\d+\.\d+\.\d+/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});

describe('the bundled Kubernetes client (only what KubeConfig reaches is kept)', () => {
  it('sends the credential of an exec plugin and of an OIDC auth-provider, and refuses a bad one', async () => {
    const shared = sharedApiServer();
    const admin = clientFor(shared.kubeconfig);
    const namespace = await testNamespace(admin, 'bundle-auth');
    await admin.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace } });
    // A ServiceAccount token is a JWT with an expiry: valid as an OIDC id-token for the client.
    const token = execFileSync(
      'kubectl',
      ['--kubeconfig', shared.kubeconfigPath, '-n', namespace, 'create', 'token', 'robot'],
      {
        encoding: 'utf8',
      },
    ).trim();
    const ca = /certificate-authority-data: (\S+)/.exec(shared.kubeconfig)![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'bundle-auth-'));
    const plugin = join(dir, 'plugin');
    writeFileSync(
      plugin,
      `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat ${dir}/token)"\n`,
    );
    chmodSync(plugin, 0o755);
    const kubeconfig = (name: string, user: string) => {
      const path = join(dir, name);
      writeFileSync(
        path,
        `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${shared.url}\n    certificate-authority-data: ${ca}\nusers:\n- name: u\n  user:\n${user}contexts:\n- name: x\n  context: {cluster: c, user: u, namespace: ${namespace}}\ncurrent-context: x\n`,
      );
      return path;
    };
    const exec = kubeconfig(
      'exec',
      `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${plugin}\n      interactiveMode: Never\n`,
    );
    const oidc = kubeconfig(
      'oidc',
      `    auth-provider:\n      name: oidc\n      config:\n        client-id: clusterctl\n        idp-issuer-url: https://issuer.invalid\n        id-token: ${token}\n`,
    );
    const describeWith = (path: string) =>
      runClusterctl(['describe', 'cluster', 'c1', '--kubeconfig', path], {
        env: { CLUSTERCTL_TS_CACHE_DIR: dir },
      });
    const rejected = /rejected the credentials of user "u"/;

    writeFileSync(join(dir, 'token'), token);
    for (const path of [exec, oidc]) {
      // Accepted as the ServiceAccount, which may not read Cluster API objects: a permission error.
      const result = await describeWith(path);
      expect(result.exitCode, result.stderr).not.toBe(0);
      expect(result.stderr).not.toMatch(rejected);
      expect(result.stderr).toContain(`User "system:serviceaccount:${namespace}:robot" cannot get resource`);
      expect(result.stderr).not.toContain(token);
    }
    writeFileSync(join(dir, 'token'), 'not-a-token');
    const refused = await describeWith(exec);
    expect(refused.stderr).toMatch(rejected);
  });
});
