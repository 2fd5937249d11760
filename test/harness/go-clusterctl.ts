/** The Go clusterctl used as the behavioural reference (built by scripts/setup-go-clusterctl.sh). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CliResult, RunOptions } from './cli.js';

export const goClusterctlVersion = 'v1.13.5';

export function goClusterctlPath(): string | undefined {
  const explicit = process.env.CLUSTERCTL_GO_BINARY;
  if (explicit && existsSync(explicit)) return explicit;
  const root =
    process.env.CLUSTERCTL_TS_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'clusterctl-ts');
  const candidate = join(root, 'go-clusterctl', goClusterctlVersion, 'clusterctl');
  return existsSync(candidate) ? candidate : undefined;
}

export function runGoClusterctl(binary: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: options.env?.HOME ?? process.env.HOME ?? '/tmp',
    CLUSTERCTL_DISABLE_VERSIONCHECK: 'true',
  };
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  return runProcess(binary, args, { env, cwd: options.cwd, input: options.input });
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
