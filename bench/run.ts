/**
 * `npm run bench`: wall-time benchmarks, ours next to the Go clusterctl where it applies.
 * Each case runs several times; the table shows the median and the ratio (Go / ours).
 * The Go clusterctl comes from `bash scripts/setup-go-clusterctl.sh` (cached); without it the Go
 * column says so. Results also go to bench/results.json for the record.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, startEtcd } from '../test/harness/apiserver.js';
import { benchCases, type BenchCase } from './cases.js';
import { formatMoveRows, moveBench, type MoveBenchRow } from './move.js';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const root = join(import.meta.dirname, '..');
const ours = join(root, 'bin', 'clusterctl.js');

function goClusterctl(): string | undefined {
  if (process.env.CLUSTERCTL_GO_BINARY && existsSync(process.env.CLUSTERCTL_GO_BINARY))
    return process.env.CLUSTERCTL_GO_BINARY;
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const candidate = join(cache, 'clusterctl-ts', 'go-clusterctl', 'v1.13.5', 'clusterctl');
  return existsSync(candidate) ? candidate : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function time(command: string, args: string[], env: Record<string, string | undefined>): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return elapsed;
}

interface Row {
  name: string;
  oursMs: number;
  goMs: number | undefined;
}

async function main(): Promise<void> {
  const go = goClusterctl();
  const rows: Row[] = [];
  const work = mkdtempSync(join(tmpdir(), 'clusterctl-ts-bench-'));
  const env = {
    CLUSTERCTL_DISABLE_VERSIONCHECK: 'true',
    NO_COLOR: '1',
    HOME: work,
    XDG_CONFIG_HOME: join(work, 'config'),
  };

  // API server readiness (the harness every Kubernetes test stands on).
  const starts: number[] = [];
  const etcd = await startEtcd();
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const t = Date.now();
    const server = await startApiServer({ etcd, controllerManager: false });
    starts.push(Date.now() - t);
    await server.stop();
  }
  await etcd.stop();
  rows.push({ name: 'test API server ready (kube-apiserver on shared etcd)', oursMs: median(starts), goMs: undefined });

  const etcdForCases = await startEtcd();
  const cases: BenchCase[] = benchCases(root, work, etcdForCases);
  for (const c of cases) {
    const oursTimes: number[] = [];
    const goTimes: number[] = [];
    for (let i = 0; i < (c.runs ?? runs); i++) {
      const mine = await c.prepare();
      oursTimes.push(time(process.execPath, [ours, ...mine.args], { ...env, ...mine.env }));
      await mine.cleanup?.();
      if (go && c.go !== false) {
        const theirs = await c.prepare();
        goTimes.push(time(go, theirs.args, { ...env, ...theirs.env }));
        await theirs.cleanup?.();
      }
    }
    rows.push({ name: c.name, oursMs: median(oursTimes), goMs: goTimes.length > 0 ? median(goTimes) : undefined });
    await c.teardown?.();
  }
  // Move: objects/s between two API servers, ours next to the Go tool and the bare ceiling.
  let moveRows: MoveBenchRow[] = [];
  if (process.env.BENCH_MOVE !== '0') {
    moveRows = await moveBench({ ours, go, etcd: etcdForCases, env, log: (l) => console.error(l) });
  }
  await etcdForCases.stop();

  const header = ['case', 'clusterctl-ts (ms)', 'Go clusterctl (ms)', 'Go / ours'];
  const lines = rows.map((r) => [
    r.name,
    r.oursMs.toFixed(0),
    r.goMs === undefined ? (go ? 'n/a' : 'not built') : r.goMs.toFixed(0),
    r.goMs === undefined ? '' : (r.goMs / r.oursMs).toFixed(2) + 'x',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(
    `median of ${runs} runs${go ? `; Go clusterctl: ${go}` : '; Go clusterctl not built (bash scripts/setup-go-clusterctl.sh)'}`,
  );
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
  if (moveRows.length) {
    console.log('\nmove (22 objects per cluster; one run each, fresh API servers)');
    for (const l of formatMoveRows(moveRows)) console.log(l);
  }
  writeFileSync(
    join(root, 'bench', 'results.json'),
    JSON.stringify({ date: new Date().toISOString(), runs, rows, move: moveRows }, null, 2) + '\n',
  );
}

await main();
