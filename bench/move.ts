/**
 * Move benchmark: N workload clusters (22 objects each) between two real API servers, ours next to
 * the Go clusterctl on identical data, and a bare parallel create+delete loop (the ceiling: what
 * the API servers allow with the same concurrency and no move logic). Objects/s, wall time and peak
 * RSS, and the CPU seconds the API servers and etcd spent (what the move costs them, steadier than
 * wall time on a busy machine), and the CPU seconds of the tool's own process (for the ceiling: the
 * bench process, where its loop runs); then the issue's
 * targets checked against the run (>= 85% of the ceiling, >= 6x Go, 10,000 objects under 400 MB peak
 * RSS: the 500-cluster run moves 11,000). `BENCH_MOVE_SIZES=10,100,500` picks the sizes; `BENCH_MOVE_GO_MAX` (default 100) caps the
 * sizes the Go tool runs at (it is sequential: 500 clusters take it many minutes).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapWithConcurrency } from '../src/core/pool.js';
import type { KubeObject } from '../src/types.js';
import { startApiServer, type ApiServer, type Etcd } from '../test/harness/apiserver.js';
import { clientFor } from '../test/harness/index.js';
import { createClusters, installCapi, markProvisioned, snapshotNamespace } from '../test/fixtures/capi-objects.js';

export interface MoveBenchRow {
  clusters: number;
  objects: number;
  tool: string;
  wallMs: number;
  objectsPerSecond: number;
  peakRssMb: number | undefined;
  /** CPU seconds the two API servers and etcd spent during the run (less load-sensitive than wall time). */
  serverCpuS?: number | undefined;
  /** CPU seconds (user+system) of the tool's own process (the ceiling runs inside the bench: not measured). */
  toolCpuS?: number | undefined;
}

/** One of the move targets, checked against the rows of the same run. */
export interface MoveTarget {
  target: string;
  measured: string;
  met: boolean | undefined;
}

/** The targets: >= 85% of the ceiling at 100 and 500 clusters, >= 6x Go at 100, 10,000 objects under 400 MB. */
export const moveGoals = {
  ofCeiling: 0.85,
  ceilingSizes: [100, 500],
  timesGo: 6,
  goSize: 100,
  rssObjects: 10_000,
  maxRssMb: 400,
};

/** CPU seconds (user+system) used so far by these processes (Linux /proc). */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process is gone: nothing more to count.
    }
  }
  return ticks / 100;
}

function timed(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
): { ms: number; rssMb: number | undefined; toolCpuS: number | undefined } {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', command, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  // GNU time's line is the last one of stderr: user and system CPU seconds, peak RSS in KiB.
  const [user, sys, kb] = result.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return {
    ms,
    rssMb: Number.isFinite(kb) ? kb! / 1024 : undefined,
    toolCpuS: Number.isFinite(user) && Number.isFinite(sys) ? user! + sys! : undefined,
  };
}

/** The ceiling: create every object on the target, then delete every object on the source, 16 at a time. */
export async function ceiling(
  from: ApiServer,
  to: ApiServer,
  namespace: string,
): Promise<{ ms: number; objects: number; toolCpuS: number }> {
  const source = clientFor(from.kubeconfig);
  const target = clientFor(to.kubeconfig);
  const objects = [...(await snapshotNamespace(source, namespace)).values()];
  await target.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${namespace}-ceiling` } });
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  await mapWithConcurrency(objects, 16, async (o) => {
    const copy: KubeObject = structuredClone(o);
    copy.metadata = { name: o.metadata.name, namespace: `${namespace}-ceiling`, labels: o.metadata.labels };
    await target.create(copy);
  });
  await mapWithConcurrency(objects, 16, async (o) => {
    await source.patch(
      { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name!, namespace },
      { metadata: { finalizers: null } },
      'merge',
    );
    await source.delete({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name!, namespace });
  });
  // The loop's own client work runs in this process: its CPU is the ceiling's "tool CPU".
  const cpu = process.cpuUsage(cpuBefore);
  return { ms: Date.now() - started, objects: objects.length, toolCpuS: (cpu.user + cpu.system) / 1e6 };
}

export async function moveBench(options: {
  ours: string;
  go: string | undefined;
  etcd: Etcd;
  env: Record<string, string>;
  log: (line: string) => void;
}): Promise<MoveBenchRow[]> {
  const sizes = (process.env.BENCH_MOVE_SIZES ?? '10,100,500')
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  const goMax = Number(process.env.BENCH_MOVE_GO_MAX ?? 100);
  const rows: MoveBenchRow[] = [];
  const state = mkdtempSync(join(tmpdir(), 'bench-move-state-'));
  for (const n of sizes) {
    const [a, b] = await Promise.all([
      startApiServer({ etcd: options.etcd, controllerManager: false }),
      startApiServer({ etcd: options.etcd, controllerManager: false }),
    ]);
    try {
      const ca = clientFor(a.kubeconfig);
      const cb = clientFor(b.kubeconfig);
      await Promise.all([installCapi(ca), installCapi(cb)]);
      const ns = `bench-${n}`;
      options.log(`move bench: creating ${n} clusters on the source...`);
      const objects = await createClusters(ca, ns, n, { concurrency: 16 });
      const args = (from: ApiServer, to: ApiServer) => [
        'move',
        '-n',
        ns,
        '--kubeconfig',
        from.kubeconfigPath,
        '--to-kubeconfig',
        to.kubeconfigPath,
      ];
      const serverPids = [...a.pids, ...b.pids, options.etcd.pid];
      const withServerCpu = async <T extends object>(fn: () => T | Promise<T>): Promise<T & { cpuS: number }> => {
        const before = cpuSeconds(serverPids);
        const out = await fn();
        return { ...out, cpuS: cpuSeconds(serverPids) - before };
      };
      const mine = await withServerCpu(() =>
        timed(process.execPath, [options.ours, ...args(a, b)], { ...options.env, CLUSTERCTL_TS_STATE_DIR: state }),
      );
      const row = (
        tool: string,
        count: number,
        run: { ms: number; rssMb?: number | undefined; toolCpuS?: number | undefined; cpuS: number },
      ): MoveBenchRow => ({
        clusters: n,
        objects: count,
        tool,
        wallMs: run.ms,
        objectsPerSecond: (count / run.ms) * 1000,
        peakRssMb: run.rssMb,
        serverCpuS: run.cpuS,
        toolCpuS: run.toolCpuS,
      });
      const ceilingName = 'ceiling (bare create+delete, 16 in flight)';
      rows.push(row('clusterctl-ts', objects, mine));
      options.log(`move bench: ours moved ${objects} objects in ${(mine.ms / 1000).toFixed(1)}s`);
      // Status is not moved: play the controllers on the target before moving back.
      await markProvisioned(cb, ns);
      if (options.go && n <= goMax) {
        const theirs = await withServerCpu(() => timed(options.go!, args(b, a), options.env));
        rows.push(row('Go clusterctl', objects, theirs));
        options.log(`move bench: Go moved ${objects} objects in ${(theirs.ms / 1000).toFixed(1)}s`);
        const top = await withServerCpu(() => ceiling(a, b, ns));
        rows.push(row(ceilingName, top.objects, top));
      } else {
        const top = await withServerCpu(() => ceiling(b, a, ns));
        rows.push(row(ceilingName, top.objects, top));
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }
  return rows;
}

export function formatMoveRows(rows: MoveBenchRow[]): string[] {
  const header = [
    'clusters',
    'objects',
    'tool',
    'wall (s)',
    'objects/s',
    'peak RSS (MB)',
    'server CPU (s)',
    'tool CPU (s)',
    'vs Go',
    'of ceiling',
  ];
  const goRate = (n: number) => rows.find((r) => r.clusters === n && r.tool === 'Go clusterctl')?.objectsPerSecond;
  const top = (n: number) => rows.find((r) => r.clusters === n && r.tool.startsWith('ceiling'))?.objectsPerSecond;
  const lines = rows.map((r) => {
    const g = goRate(r.clusters);
    const c = top(r.clusters);
    return [
      String(r.clusters),
      String(r.objects),
      r.tool,
      (r.wallMs / 1000).toFixed(2),
      r.objectsPerSecond.toFixed(0),
      r.peakRssMb === undefined ? '' : r.peakRssMb.toFixed(0),
      r.serverCpuS === undefined ? '' : r.serverCpuS.toFixed(1),
      r.toolCpuS === undefined ? '' : r.toolCpuS.toFixed(1),
      g && r.tool !== 'Go clusterctl' ? `${(r.objectsPerSecond / g).toFixed(1)}x` : '',
      c && !r.tool.startsWith('ceiling') ? `${Math.round((r.objectsPerSecond / c) * 100)}%` : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)];
}

/** The move targets, each checked against the rows of this run (`met` undefined: not run). */
export function moveTargets(rows: readonly MoveBenchRow[]): MoveTarget[] {
  const ours = (n: number) => rows.find((r) => r.clusters === n && r.tool === 'clusterctl-ts');
  const rate = (n: number, tool: string) =>
    rows.find((r) => r.clusters === n && r.tool.startsWith(tool))?.objectsPerSecond;
  const targets: MoveTarget[] = [];
  for (const n of moveGoals.ceilingSizes) {
    const mine = ours(n)?.objectsPerSecond;
    const top = rate(n, 'ceiling');
    const share = mine !== undefined && top ? mine / top : undefined;
    targets.push({
      target: `>= ${moveGoals.ofCeiling * 100}% of the bare create+delete ceiling at ${n} clusters`,
      measured: share === undefined ? 'not run' : `${Math.round(share * 100)}%`,
      met: share === undefined ? undefined : share >= moveGoals.ofCeiling,
    });
  }
  const mine = ours(moveGoals.goSize)?.objectsPerSecond;
  const go = rate(moveGoals.goSize, 'Go clusterctl');
  const times = mine !== undefined && go ? mine / go : undefined;
  targets.push({
    target: `>= ${moveGoals.timesGo}x the Go tool at ${moveGoals.goSize} clusters`,
    measured: times === undefined ? 'not run' : `${times.toFixed(1)}x`,
    met: times === undefined ? undefined : times >= moveGoals.timesGo,
  });
  // The smallest run that moves at least 10,000 objects (500 clusters: 11,000).
  const big = rows
    .filter((r) => r.tool === 'clusterctl-ts' && r.objects >= moveGoals.rssObjects)
    .sort((a, b) => a.objects - b.objects)[0];
  targets.push({
    target: `peak RSS < ${moveGoals.maxRssMb} MB moving >= ${moveGoals.rssObjects.toLocaleString('en')} objects`,
    measured:
      big?.peakRssMb === undefined
        ? 'not run (BENCH_MOVE_SIZES with 455+ clusters)'
        : `${big.peakRssMb.toFixed(0)} MB at ${big.objects.toLocaleString('en')} objects`,
    met: big?.peakRssMb === undefined ? undefined : big.peakRssMb < moveGoals.maxRssMb,
  });
  return targets;
}

export function formatMoveTargets(targets: readonly MoveTarget[]): string[] {
  const width = Math.max(...targets.map((t) => t.target.length));
  return targets.map(
    (t) => `${t.target.padEnd(width)}  ${t.measured}: ${t.met === undefined ? '?' : t.met ? 'met' : 'MISSED'}`,
  );
}
