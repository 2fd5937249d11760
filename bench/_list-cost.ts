/**
 * Local profiling aid (not part of npm run bench): what one discovery of a namespace costs the API
 * server and etcd (CPU seconds), by timing `move --dry-run` (one discovery) on N clusters.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startApiServer, startEtcd } from '../test/harness/apiserver.js';
import { clientFor } from '../test/harness/index.js';
import { createClusters, installCapi } from '../test/fixtures/capi-objects.js';
import { cpuSeconds } from './move.js';

const n = Number(process.env.PROF_CLUSTERS ?? 100);
const root = join(import.meta.dirname, '..');
const etcd = await startEtcd();
const a = await startApiServer({ etcd, controllerManager: false });
try {
  const ca = clientFor(a.kubeconfig);
  await installCapi(ca);
  const objects = await createClusters(ca, 'lc', n, { concurrency: 16 });
  const pids = [...a.pids, etcd.pid];
  for (let i = 0; i < 3; i++) {
    const before = cpuSeconds(pids);
    const t = Date.now();
    const r = spawnSync(
      '/usr/bin/time',
      [
        '-f',
        '%U %S %M',
        process.execPath,
        join(root, 'bin', 'clusterctl.js'),
        'move',
        '-n',
        'lc',
        '--kubeconfig',
        a.kubeconfigPath,
        '--dry-run',
      ],
      { encoding: 'utf8', env: { ...process.env, CLUSTERCTL_DISABLE_VERSIONCHECK: 'true' } },
    );
    const cpu = cpuSeconds(pids) - before;
    console.log(
      `dry-run ${objects} objects: ${Date.now() - t} ms wall, server+etcd ${cpu.toFixed(2)} s CPU, tool ${r.stderr.trim().split('\n').pop()}`,
    );
  }
} finally {
  await a.stop();
  await etcd.stop();
}
