/** The Go clusterctl used as the behavioural reference (built by scripts/setup-go-clusterctl.sh). */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { temporaryHome, type CliResult, type RunOptions } from './cli.js';

export const goClusterctlVersion = 'v1.13.5';

/**
 * The reference binary, when it exists and `go version -m` says it was built from
 * sigs.k8s.io/cluster-api at goClusterctlVersion; otherwise undefined, with the reason on stderr
 * (a reference of another version would make every parity test compare against the wrong tool).
 */
export function goClusterctlPath(): string | undefined {
  const explicit = process.env.CLUSTERCTL_GO_BINARY;
  const root =
    process.env.CLUSTERCTL_TS_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'clusterctl-ts');
  const candidate =
    explicit && existsSync(explicit) ? explicit : join(root, 'go-clusterctl', goClusterctlVersion, 'clusterctl');
  if (!existsSync(candidate)) return undefined;
  const problem = goModuleVersionProblem(candidate, 'sigs.k8s.io/cluster-api', goClusterctlVersion);
  if (problem) {
    process.stderr.write(`not using ${candidate} as the Go reference: ${problem}\n`);
    return undefined;
  }
  return candidate;
}

const checked = new Map<string, string | undefined>();

/** Why `binary` is not a Go build of `module` at `version` (read with `go version -m`), or undefined when it is. */
export function goModuleVersionProblem(binary: string, module: string, version: string): string | undefined {
  const key = `${binary} ${module} ${version}`;
  if (checked.has(key)) return checked.get(key);
  let problem: string | undefined;
  try {
    const info = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const line = info.split('\n').find((l) => /^\s*(mod|dep)\s/.test(l) && l.trim().split(/\s+/)[1] === module);
    const found = line?.trim().split(/\s+/)[2];
    if (found !== version)
      problem = found ? `it was built from ${module} ${found}, not ${version}` : `it does not contain ${module}`;
  } catch (error) {
    problem = `go version -m could not read it (${(error as Error).message.split('\n')[0]})`;
  }
  checked.set(key, problem);
  return problem;
}

/** Runs the Go reference binary like runClusterctl runs ours: a temporary HOME unless the test sets one. */
export async function runGoClusterctl(binary: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  const tempHome = temporaryHome(options.env);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', CLUSTERCTL_DISABLE_VERSIONCHECK: 'true' };
  if (tempHome.home !== undefined) env.HOME = tempHome.home;
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  try {
    return await runProcess(binary, args, { env, cwd: options.cwd, input: options.input });
  } finally {
    tempHome.remove();
  }
}

/** Runs an executable with exactly this environment, capturing its output. */
export function runProcess(
  binary: string,
  args: string[],
  options: { env: Record<string, string>; cwd?: string | undefined; input?: string | undefined },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env: options.env, cwd: options.cwd, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, exitCode: code ?? -1 }));
    // A program that exits without reading its input closes the pipe: EPIPE then is no test failure
    // (the exit code and output tell what happened).
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}
