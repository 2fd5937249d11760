/**
 * Runs `clusterctl create management-cluster` on this machine as a user would see it, with the
 * kind stand-in on PATH and the simulated provider playing the controllers (no containers):
 *
 *   node --import tsx test/harness/bootstrap-demo.ts [extra clusterctl flags]
 *   DEMO_WITHHOLD=ControlPlaneInitialized ... (the simulator never sets that condition)
 *
 * The CLI inherits this terminal, so on a TTY it shows spinners. Everything is started in a
 * temporary folder and stopped at the end.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeProviderRepository } from '../fixtures/provider-repo.js';
import { startApiServer, startEtcd } from './apiserver.js';
import { clusterctlBin } from './cli.js';
import { startSimulatedProvider, type WithheldStep } from './simulated-provider.js';
import { bootstrapKubeconfigPath, flowArgs, standinBin, standinEnv, watchKubeconfigFile } from './standins.js';

const dir = mkdtempSync(join(tmpdir(), 'bootstrap-demo-'));
const bin = standinBin(join(dir, 'bin'), ['kind', 'docker']);
const repo = writeProviderRepository(join(dir, 'repo'), [{ version: 'v1.14.0' }], '', { webhooks: false });
const etcd = await startEtcd();
const sim = startSimulatedProvider({
  startServer: (o) => startApiServer({ ...o, etcd }),
  // e.g. DEMO_WITHHOLD=ControlPlaneInitialized to see the wait step time out.
  withhold: (process.env.DEMO_WITHHOLD || undefined) as WithheldStep | undefined,
});
const env = { ...process.env, ...standinEnv(dir, `${bin}:${process.env.PATH ?? ''}`, etcd.url) };
const kubeconfig = bootstrapKubeconfigPath(dir, 'demo');
const stopWatching = watchKubeconfigFile(sim, kubeconfig);
const args = flowArgs('demo', repo.configPath, join(dir, 'demo.kubeconfig'), ...process.argv.slice(2));
const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, [clusterctlBin, ...args], { env, stdio: 'inherit', cwd: dir });
  child.on('close', (c) => resolve(c ?? 1));
});
stopWatching();
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
