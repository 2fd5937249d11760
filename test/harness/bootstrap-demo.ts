/**
 * Runs `clusterctl create management-cluster` on this machine as a user would see it, with the
 * kind stand-in on PATH and the simulated provider playing the controllers (no containers):
 *
 *   node --import tsx test/harness/bootstrap-demo.ts [extra clusterctl flags]
 *
 * The CLI inherits this terminal, so on a TTY it shows spinners. Everything is started in a
 * temporary folder and stopped at the end.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeProviderRepository } from '../fixtures/provider-repo.js';
import { startApiServer, startEtcd } from './apiserver.js';
import { findBinaries } from './binaries.js';
import { clusterctlBin, repoRoot } from './cli.js';
import { startSimulatedProvider } from './simulated-provider.js';

const dir = mkdtempSync(join(tmpdir(), 'bootstrap-demo-'));
const bin = join(dir, 'bin');
mkdirSync(bin);
for (const tool of ['kind', 'docker']) symlinkSync(join(repoRoot, 'test/harness/kind-standin', tool), join(bin, tool));
const repo = writeProviderRepository(join(dir, 'repo'), [{ version: 'v1.14.0' }], '', { webhooks: false });
const etcd = await startEtcd();
const sim = startSimulatedProvider({ startServer: (o) => startApiServer({ ...o, etcd }) });
const env = {
  ...process.env,
  PATH: `${bin}:${process.env.PATH ?? ''}`,
  HOME: dir,
  XDG_CONFIG_HOME: join(dir, 'config'),
  XDG_CACHE_HOME: join(dir, 'cache'),
  XDG_STATE_HOME: join(dir, 'state'),
  KIND_STANDIN_HOME: join(dir, 'kind'),
  KIND_STANDIN_ETCD_URL: etcd.url,
  KIND_STANDIN_OWNER_PID: String(process.pid),
  KUBEBUILDER_ASSETS: findBinaries().dir,
  CLUSTERCTL_DISABLE_VERSIONCHECK: 'true',
};
const kubeconfig = join(dir, 'state', 'clusterctl-ts', 'bootstrap', 'demo.bootstrap.kubeconfig');
const poll = setInterval(() => {
  if (existsSync(kubeconfig)) {
    sim.watch(readFileSync(kubeconfig, 'utf8'));
    clearInterval(poll);
  }
}, 200);
const args = [
  'create',
  'management-cluster',
  'demo',
  '-i',
  'docker',
  '--kubernetes-version',
  'v1.35.0',
  '--worker-machine-count',
  '2',
  '--config',
  repo.configPath,
  '--kubeconfig-out',
  join(dir, 'demo.kubeconfig'),
  ...process.argv.slice(2),
];
const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, [clusterctlBin, ...args], { env, stdio: 'inherit', cwd: dir });
  child.on('close', (c) => resolve(c ?? 1));
});
clearInterval(poll);
if (process.env.DEMO_HOLD) {
  // Keep everything up for a look (e.g. clusterctl move --dry-run) until the file is removed.
  process.stderr.write(`holding; remove ${process.env.DEMO_HOLD} to clean up (folder ${dir})\n`);
  while (existsSync(process.env.DEMO_HOLD)) await new Promise((r) => setTimeout(r, 500));
}
for (const [key, message] of sim.errors) process.stderr.write(`[simulator] ${key}: ${message}\n`);
await sim.stop();
await new Promise<void>((resolve) => {
  spawn(join(bin, 'kind'), ['delete', 'cluster', '--name', 'demo-bootstrap', '--kubeconfig', kubeconfig], {
    env,
    stdio: 'ignore',
  }).on('close', () => resolve());
});
await etcd.stop();
rmSync(dir, { recursive: true, force: true });
process.exitCode = code;
