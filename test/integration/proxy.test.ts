/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY through a real squid on 127.0.0.1, for both HTTP stacks: the
 * Kubernetes client (a CONNECT tunnel to the real API server) and the repository client (a plain
 * http repository). The servers are named `*.proxytest.example`, which only squid's hosts file
 * resolves: reaching them proves the request went through the proxy, and NO_PROXY sends it direct.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../src/adapters/kube/client.js';
import { bypassesProxy, proxySettingsFromEnv, proxyFor } from '../../src/adapters/net/proxy.js';
import { createHttpClient } from '../../src/adapters/repository/http.js';
import { createConfig } from '../../src/config/index.js';
import { failure } from '../harness/errors.js';
import { sharedApiServer } from '../harness/index.js';
import { startSquid, type Squid } from '../harness/squid.js';

const kubeHost = 'kube.proxytest.example';
const repoHost = 'repo.proxytest.example';

describe('proxy variables with a real squid', () => {
  let squid: Squid;
  let repo: Server;
  let repoPort: number;
  let kubeconfig: string;
  let apiPort: string;
  beforeAll(async () => {
    squid = await startSquid({ [kubeHost]: '127.0.0.1', [repoHost]: '127.0.0.1' });
    repo = createServer((req, res) =>
      res.end(req.url === '/clusterctl.yaml' ? 'WHERE: behind-the-proxy\n' : `served ${req.url}`),
    );
    await new Promise<void>((resolve) => repo.listen(0, '127.0.0.1', resolve));
    repoPort = (repo.address() as AddressInfo).port;
    const shared = sharedApiServer();
    apiPort = new URL(shared.url).port;
    // The serving certificate names localhost: tls-server-name keeps TLS verified under the test name.
    const text = shared.kubeconfig.replace(
      /server: \S+/,
      `server: https://${kubeHost}:${apiPort}\n      tls-server-name: localhost`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'proxy-'));
    kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, text);
  }, 90_000);
  afterAll(async () => {
    await squid?.stop();
    repo?.close();
  });

  const kube = (env: Record<string, string>) => createKubeClient({ kubeconfig, env, homeDir: tmpdir() });

  it('reaches the API server through HTTPS_PROXY (CONNECT tunnel, TLS verified end to end)', async () => {
    const client = await kube({ HTTPS_PROXY: squid.url });
    // Only squid resolves the name (a direct attempt fails with ENOTFOUND, next test); squid logs a
    // CONNECT when its tunnel closes, which the client's keep-alive connection does not do here.
    expect((await client.serverVersion()).gitVersion).toMatch(/^v1\./);
    expect((await client.list('v1', 'Namespace')).length).toBeGreaterThan(0);
  });

  it('honours the lower-case form and NO_PROXY (a bypassed name goes direct, where it does not resolve)', async () => {
    const lower = await kube({ https_proxy: squid.url });
    await lower.serverVersion();
    const bypassed = await kube({ HTTPS_PROXY: squid.url, NO_PROXY: '.proxytest.example' });
    const error = await failure(bypassed.serverVersion());
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
    const direct = await failure((await kube({})).serverVersion());
    expect(direct.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('names the proxy when it cannot be reached', async () => {
    const error = await failure((await kube({ HTTPS_PROXY: 'http://127.0.0.1:1' })).serverVersion());
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toContain('proxy http://127.0.0.1:1');
    expect(error.hint).toMatch(/HTTPS_PROXY/);
  });

  it('downloads repository files through HTTP_PROXY, and directly for NO_PROXY names', async () => {
    const url = `http://${repoHost}:${repoPort}/releases/v1.0.0/metadata.yaml`;
    const viaProxy = createHttpClient({ proxyEnv: { HTTP_PROXY: squid.url } });
    const response = await viaProxy.get(url);
    expect(new TextDecoder().decode(response.body)).toBe('served /releases/v1.0.0/metadata.yaml');
    expect(squid.accessLog()).toContain(`GET ${url}`);
    const bypassed = createHttpClient({
      retries: 0,
      proxyEnv: { http_proxy: squid.url, no_proxy: `${repoHost}:${repoPort}` },
    });
    expect((await failure(bypassed.get(url))).message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('downloads a --config URL through HTTP_PROXY, as repository files', async () => {
    const url = `http://${repoHost}:${repoPort}/clusterctl.yaml`;
    const config = await createConfig({ configPath: url, env: { HTTP_PROXY: squid.url }, homeDir: tmpdir() });
    expect(config.variable('WHERE')).toBe('behind-the-proxy');
    expect(squid.accessLog()).toContain(`GET ${url}`);
    const direct = await failure(createConfig({ configPath: url, env: {}, homeDir: tmpdir() }));
    expect(direct.code).toBe('UNREACHABLE');
    expect(direct.message).toContain(url);
    expect(direct.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });
});

describe('NO_PROXY matching (Go net/http rules)', () => {
  const settings = proxySettingsFromEnv({
    HTTPS_PROXY: 'proxy:3128',
    NO_PROXY: 'example.com, .internal, 10.0.0.0/8, 192.168.1.5, host:8443, [::1]',
  });
  const via = (url: string) => proxyFor(new URL(url), settings)?.host;

  it('matches host names with their subdomains, .domain for subdomains only, CIDR, IP and port', () => {
    expect(via('https://example.com/')).toBeUndefined();
    expect(via('https://api.example.com/')).toBeUndefined();
    expect(via('https://notexample.com/')).toBe('proxy:3128');
    expect(via('https://a.internal/')).toBeUndefined();
    expect(via('https://internal/')).toBe('proxy:3128');
    expect(via('https://10.20.30.40:6443/')).toBeUndefined();
    expect(via('https://11.0.0.1/')).toBe('proxy:3128');
    expect(via('https://192.168.1.5/')).toBeUndefined();
    expect(via('https://host:8443/')).toBeUndefined();
    expect(via('https://host:9443/')).toBe('proxy:3128');
  });

  it('never proxies loopback, and * disables the proxy', () => {
    expect(via('https://127.0.0.1:6443/')).toBeUndefined();
    expect(via('https://localhost:6443/')).toBeUndefined();
    expect(bypassesProxy(new URL('https://anything.example/'), '*')).toBe(true);
    expect(proxyFor(new URL('http://plain.example/'), settings)).toBeUndefined(); // no HTTP_PROXY set
  });
});
