/**
 * Local profiling aid (not part of npm run bench): N clusters between two fresh API servers, our
 * move run with --cpu-prof into $PROF_DIR, each stderr line timestamped, then moved back by the
 * same tool, also timed. PROF_CLUSTERS (default 100).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, startEtcd } from '../test/harness/apiserver.js';
import { clientFor } from '../test/harness/index.js';
import { createClusters, installCapi, markProvisioned } from '../test/fixtures/capi-objects.js';
import { ceiling, cpuSeconds } from './move.js';

const cpuOf = cpuSeconds;

const n = Number(process.env.PROF_CLUSTERS ?? 100);
const profDir = process.env.PROF_DIR ?? '/tmp/prof';
const root = join(import.meta.dirname, '..');
const etcd = await startEtcd();
const [a, b] = await Promise.all([
  startApiServer({ etcd, controllerManager: false }),
  startApiServer({ etcd, controllerManager: false }),
]);
const state = mkdtempSync(join(tmpdir(), 'prof-move-state-'));
function run(from: string, to: string, ns: string, tag: string): Promise<number> {
  return new Promise((resolve) => {
    const started = Date.now();
    const args = [
      ...(process.env.PROF_CPU === '0'
        ? []
        : ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-name', `${tag}.cpuprofile`]),
      join(root, 'bin', 'clusterctl.js'),
      'move',
      '-n',
      ns,
      '--kubeconfig',
      from,
      '--to-kubeconfig',
      to,
      ...(process.env.PROF_ARGS ? process.env.PROF_ARGS.split(' ') : []),
    ];
    const child = spawn(process.execPath, args, {
      env: { ...process.env, CLUSTERCTL_TS_STATE_DIR: state, CLUSTERCTL_DISABLE_VERSIONCHECK: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stamp = (chunk: Buffer) => {
      for (const line of chunk
        .toString()
        .split(/[\r\n]+/)
        .filter(Boolean))
        console.log(`${tag} +${((Date.now() - started) / 1000).toFixed(2)}s ${line}`);
    };
    child.stdout.on('data', stamp);
    child.stderr.on('data', stamp);
    child.on('exit', (code) => {
      console.log(`${tag} exit ${code} after ${((Date.now() - started) / 1000).toFixed(2)}s`);
      resolve(Date.now() - started);
    });
  });
}
try {
  const ca = clientFor(a.kubeconfig);
  const cb = clientFor(b.kubeconfig);
  await Promise.all([installCapi(ca), installCapi(cb)]);
  const ns = `prof-${n}`;
  const objects = await createClusters(ca, ns, n, { concurrency: 16 });
  console.log(`created ${objects} objects`);
  const servers = () => ({ a: cpuOf(a.pids), b: cpuOf(b.pids), etcd: cpuOf([etcd.pid]) });
  const diff = (x: ReturnType<typeof servers>, y: ReturnType<typeof servers>) =>
    `source ${(y.a - x.a).toFixed(1)}s, target ${(y.b - x.b).toFixed(1)}s, etcd ${(y.etcd - x.etcd).toFixed(1)}s CPU`;
  let t0 = servers();
  const ms = await run(a.kubeconfigPath, b.kubeconfigPath, ns, 'there');
  console.log(`there: ${((objects / ms) * 1000).toFixed(1)} objects/s; ${diff(t0, servers())}`);
  if (process.env.PROF_CEILING !== '0') {
    t0 = servers();
    const top = await ceiling(b, a, ns);
    console.log(
      `ceiling: ${((top.objects / top.ms) * 1000).toFixed(1)} objects/s (${(top.ms / 1000).toFixed(1)}s); ${diff(t0, servers())} (source/target swapped)`,
    );
  }
  if (process.env.PROF_BACK === '1') {
    await markProvisioned(cb, ns);
    const back = await run(b.kubeconfigPath, a.kubeconfigPath, ns, 'back');
    console.log(`back: ${((objects / back) * 1000).toFixed(1)} objects/s`);
  }
} finally {
  await Promise.all([a.stop(), b.stop()]);
  await etcd.stop();
}
