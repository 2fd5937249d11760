/**
 * `npm run bench`: wall-time benchmarks, ours next to the Go clusterctl where it applies.
 * Each case runs once untimed, then BENCH_RUNS times (default 7) for both tools, interleaved; the
 * table shows the medians of wall time, CPU time (user+system, steadier than wall time on a busy
 * machine) and peak RSS, the ratio ours / Go (below 1: we are faster) and the issue's target.
 * The Go clusterctl comes from `bash scripts/setup-go-clusterctl.sh` (cached); without it the Go
 * column says so. The rows also go to $BENCH_JSON (default bench/results.json) as JSON.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, startEtcd } from '../test/harness/apiserver.js';
import { benchCases, type BenchCase } from './cases.js';
import { formatMoveRows, formatMoveTargets, moveBench, moveTargets, type MoveBenchRow } from './move.js';

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

interface Sample {
  wallMs: number;
  /** user + system CPU of the process and its children, when /usr/bin/time is there. */
  cpuMs: number | undefined;
  rssMb: number | undefined;
}

const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** One timed run; CPU time and peak RSS come from GNU time (less sensitive to a busy machine than wall time). */
function time(command: string, args: string[], env: Record<string, string | undefined>): Sample {
  const report = join(tmpdir(), `bench-time-${process.pid}`);
  const argv = gnuTime ? ['-f', '%U %S %M', '-o', report, command, ...args] : args;
  const started = process.hrtime.bigint();
  const result = spawnSync(gnuTime ?? command, argv, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  if (!gnuTime) return { wallMs, cpuMs: undefined, rssMb: undefined };
  const [user, sys, rssKb] = readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs, cpuMs: (user! + sys!) * 1000, rssMb: rssKb! / 1024 };
}

interface Row {
  name: string;
  oursMs: number;
  goMs: number | undefined;
  oursCpuMs?: number | undefined;
  goCpuMs?: number | undefined;
  oursRssMb?: number | undefined;
  /** ours / Go wall time the issue asks for (at most), or an absolute limit. */
  target?: BenchCase['target'];
}

function medianOf(samples: Sample[], key: keyof Sample): number | undefined {
  const values = samples.map((s) => s[key]).filter((v): v is number => v !== undefined);
  return values.length > 0 ? median(values) : undefined;
}

function verdict(r: Row): string {
  const t = r.target;
  if (!t) return '';
  const checks: boolean[] = [];
  const parts: string[] = [];
  if (t.maxRatio !== undefined) {
    parts.push(`ours/Go <= ${t.maxRatio}`);
    if (r.goMs !== undefined) checks.push(r.oursMs / r.goMs <= t.maxRatio);
  }
  if (t.maxMs !== undefined) {
    parts.push(`< ${t.maxMs / 1000} s`);
    checks.push(r.oursMs < t.maxMs);
  }
  if (t.maxRssMb !== undefined) {
    parts.push(`< ${t.maxRssMb} MB`);
    if (r.oursRssMb !== undefined) checks.push(r.oursRssMb < t.maxRssMb);
  }
  const met = checks.length === 0 ? '?' : checks.every(Boolean) ? 'met' : 'MISSED';
  return `${parts.join(', ')}: ${met}`;
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

  // BENCH_ONLY=regex runs the cases whose name matches (e.g. BENCH_ONLY='version|help').
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
  // API server readiness (the harness every Kubernetes test stands on).
  const starts: number[] = [];
  const apiRow = 'test API server ready (kube-apiserver on shared etcd)';
  if (!only || only.test(apiRow)) {
    const etcd = await startEtcd();
    for (let i = 0; i < Math.min(runs, 3); i++) {
      const t = Date.now();
      const server = await startApiServer({ etcd, controllerManager: false });
      starts.push(Date.now() - t);
      await server.stop();
    }
    await etcd.stop();
    rows.push({ name: apiRow, oursMs: median(starts), goMs: undefined });
  }

  const etcdForCases = await startEtcd();
  const cases: BenchCase[] = benchCases(root, work, etcdForCases);
  for (const c of cases) {
    if (only && !only.test(c.name)) {
      await c.teardown?.();
      continue;
    }
    const oursRuns: Sample[] = [];
    const goRuns: Sample[] = [];
    const withGo = go !== undefined && c.go !== false;
    // One untimed run each first: what a user's second call sees (page cache, the code cache).
    for (let i = c.warmup === false ? 0 : -1; i < (c.runs ?? runs); i++) {
      const mine = await c.prepare();
      const sample = time(process.execPath, mine.bare ? mine.args : [ours, ...mine.args], { ...env, ...mine.env });
      if (i >= 0) oursRuns.push(sample);
      await mine.cleanup?.();
      if (withGo) {
        const theirs = await c.prepare();
        const goSample = time(go, theirs.args, { ...env, ...theirs.env });
        if (i >= 0) goRuns.push(goSample);
        await theirs.cleanup?.();
      }
    }
    rows.push({
      name: c.name,
      oursMs: median(oursRuns.map((r) => r.wallMs)),
      goMs: medianOf(goRuns, 'wallMs'),
      oursCpuMs: medianOf(oursRuns, 'cpuMs'),
      goCpuMs: medianOf(goRuns, 'cpuMs'),
      oursRssMb: medianOf(oursRuns, 'rssMb'),
      target: c.target,
    });
    console.error(`bench: ${c.name} done`);
    await c.teardown?.();
  }
  // Move: objects/s between two API servers, ours next to the Go tool and the bare ceiling.
  let moveRows: MoveBenchRow[] = [];
  if (process.env.BENCH_MOVE !== '0' && (!only || only.test('move'))) {
    moveRows = await moveBench({ ours, go, etcd: etcdForCases, env, log: (l) => console.error(l) });
  }
  await etcdForCases.stop();

  const ms = (v: number | undefined) => (v === undefined ? '' : v.toFixed(0));
  const header = ['case', 'ours (ms)', 'Go (ms)', 'ours/Go', 'ours CPU', 'Go CPU', 'ours RSS (MB)', 'target'];
  const lines = rows.map((r) => [
    r.name,
    ms(r.oursMs),
    r.goMs === undefined ? (go ? 'n/a' : 'not built') : ms(r.goMs),
    r.goMs === undefined ? '' : (r.oursMs / r.goMs).toFixed(2),
    ms(r.oursCpuMs),
    ms(r.goCpuMs),
    ms(r.oursRssMb),
    verdict(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const [load1, load5] = loadavg();
  console.log(
    `median of ${runs} runs (wall; CPU = user+system); ${cpus().length} CPUs, load average ${load1!.toFixed(1)} / ${load5!.toFixed(1)} (1/5 min)${go ? `; Go clusterctl: ${go}` : '; Go clusterctl not built (bash scripts/setup-go-clusterctl.sh)'}`,
  );
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
  if (moveRows.length) {
    console.log('\nmove (22 objects per cluster; one run each, fresh API servers)');
    for (const l of formatMoveRows(moveRows)) console.log(l);
    console.log('\nmove targets (issue 13; one run each, ceiling in the same run)');
    for (const l of formatMoveTargets(moveTargets(moveRows))) console.log(l);
  }
  const result = {
    date: new Date().toISOString(),
    runs,
    cpus: cpus().length,
    loadAverage: loadavg(),
    node: process.version,
    rows: rows.map((r) => ({ ...r, ratio: r.goMs === undefined ? undefined : r.oursMs / r.goMs, verdict: verdict(r) })),
    move: moveRows,
    moveTargets: moveRows.length ? moveTargets(moveRows) : undefined,
  };
  // BENCH_JSON=file keeps the rows for comparisons across commits (bench/results.json by default).
  writeFileSync(process.env.BENCH_JSON || join(root, 'bench', 'results.json'), JSON.stringify(result, null, 2) + '\n');
}

await main();
