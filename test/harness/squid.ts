/**
 * A real forward proxy for tests: squid (Debian package, installed by scripts/setup-proxy.sh)
 * started in the foreground on a free 127.0.0.1 port with a private config. Its own hosts file maps
 * test names (e.g. `kube.proxytest.example`) to 127.0.0.1, so those names resolve only through the
 * proxy: a request that reaches its server proves it went through squid. The access log lists what
 * squid forwarded.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './apiserver.js';

export interface Squid {
  readonly port: number;
  readonly url: string;
  /** The access log so far (one line per forwarded request or tunnel). */
  accessLog(): string;
  stop(): Promise<void>;
}

function squidBinary(): string {
  try {
    return execFileSync('bash', [join(import.meta.dirname, '../../scripts/setup-proxy.sh')], {
      encoding: 'utf8',
    }).trim();
  } catch (error) {
    throw new Error(`squid is needed for the proxy tests and could not be installed: ${String(error)}`);
  }
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startSquid(hosts: Record<string, string>): Promise<Squid> {
  const binary = squidBinary();
  const dir = mkdtempSync(join(tmpdir(), 'squid-'));
  chmodSync(dir, 0o777); // squid drops to its own user
  const port = await freePort();
  writeFileSync(
    join(dir, 'hosts'),
    Object.entries(hosts)
      .map(([name, ip]) => `${ip} ${name}\n`)
      .join(''),
  );
  writeFileSync(
    join(dir, 'squid.conf'),
    [
      `http_port 127.0.0.1:${port}`,
      'http_access allow all',
      `hosts_file ${join(dir, 'hosts')}`,
      'dns_nameservers 127.0.0.1',
      `pid_filename ${join(dir, 'squid.pid')}`,
      `access_log stdio:${join(dir, 'access.log')}`,
      `cache_log ${join(dir, 'cache.log')}`,
      `coredump_dir ${dir}`,
      'cache deny all',
      'shutdown_lifetime 0 seconds',
      '',
    ].join('\n'),
  );
  const child = spawn(binary, ['-N', '-f', join(dir, 'squid.conf')], { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  while (!(await accepts(port))) {
    if (exited || Date.now() > deadline) {
      let log = '';
      try {
        log = readFileSync(join(dir, 'cache.log'), 'utf8');
      } catch {
        // no log yet
      }
      child.kill('SIGKILL');
      throw new Error(`squid did not start on port ${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    accessLog() {
      try {
        return readFileSync(join(dir, 'access.log'), 'utf8');
      } catch {
        return '';
      }
    },
    async stop() {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
