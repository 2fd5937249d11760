/** Runs the built CLI (bin/clusterctl.js) as a user would, capturing its output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const clusterctlBin = join(repoRoot, 'bin', 'clusterctl.js');

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /**
   * With `measureRunDelay` (Linux): how long the command's main thread was ready to run but waited
   * for a CPU (from /proc/PID/schedstat). On a loaded machine this is most of a short command's wall
   * time; a bound on the tool's own waiting subtracts it instead of failing because the machine is busy.
   */
  runDelayMs?: number;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
  /** Sends SIGKILL after this many milliseconds (crash tests). */
  killAfterMs?: number;
  /** The signal sent after killAfterMs (default SIGKILL). */
  killSignal?: NodeJS.Signals;
  /** Called with each chunk of stderr as it arrives (to react to progress while the command runs). */
  onStderr?: (chunk: string, all: string, child: ChildProcess) => void;
  /** Called once the command is started (to signal it when a state is reached). */
  onSpawn?: (child: ChildProcess) => void;
  /** Samples the child's CPU run delay (see CliResult.runDelayMs). */
  measureRunDelay?: boolean;
}

/** The run delay (ns) of a process's main thread so far, or undefined when it is gone or not Linux. */
function runDelayNs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const wait = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(wait) ? wait : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A temporary HOME for one CLI run unless `env` sets HOME: `home` is undefined when the test chose
 * one; `remove` deletes the temporary folder (safe to call twice).
 */
export function temporaryHome(env: Record<string, string | undefined> | undefined): {
  home: string | undefined;
  remove: () => void;
} {
  if (env !== undefined && 'HOME' in env) return { home: undefined, remove: () => undefined };
  const home = mkdtempSync(join(tmpdir(), 'clusterctl-home-'));
  return { home, remove: () => rmSync(home, { recursive: true, force: true }) };
}

export function runClusterctl(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    // A clean, predictable environment: no colours, no user kubeconfig, no user config, and a
    // temporary HOME (removed afterwards) unless the test sets HOME itself, so no run reads or
    // writes the real ~/.cluster-api, ~/.kube or ~/.cache.
    const tempHome = temporaryHome(options.env);
    if (tempHome.home !== undefined) env.HOME = tempHome.home;
    for (const key of ['PATH', 'TMPDIR', 'GOPATH', 'GOCACHE', 'GOMODCACHE', 'KUBEBUILDER_ASSETS']) {
      const v = process.env[key];
      if (v !== undefined) env[key] = v;
    }
    env.NO_COLOR = '1';
    env.CLUSTERCTL_DISABLE_VERSIONCHECK = 'true';
    for (const [k, v] of Object.entries(options.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const child = spawn(process.execPath, [clusterctlBin, ...args], {
      env,
      cwd: options.cwd ?? repoRoot,
      stdio: 'pipe',
    });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      options.onStderr?.(c, stderr, child);
    });
    let delayNs = 0;
    const sample = () => (delayNs = runDelayNs(child.pid) ?? delayNs);
    const sampler = options.measureRunDelay ? setInterval(sample, 50) : undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    const killer =
      options.killAfterMs === undefined
        ? undefined
        : setTimeout(() => child.kill(options.killSignal ?? 'SIGKILL'), options.killAfterMs);
    child.on('error', (err) => {
      tempHome.remove();
      reject(err);
    });
    child.on('exit', () => clearInterval(sampler));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (killer) clearTimeout(killer);
      tempHome.remove();
      resolve({
        stdout,
        stderr,
        exitCode: code ?? -1,
        ...(options.measureRunDelay ? { runDelayMs: Math.round(delayNs / 1e6) } : {}),
      });
    });
    // A command may exit before it reads all its input (e.g. refusing input above a size limit).
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
