/**
 * External command-line tools through execa: finding executables on PATH, and the kind CLI
 * (`kind create|get|delete cluster`) for the bootstrap cluster. kind's own messages (`ERROR: ...`
 * on stderr) are turned into ClusterctlErrors; its kubeconfig output is never logged.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { ClusterctlError, ExitCode, type ErrorCode, type ExitCodeValue } from '../errors.js';
import type { KindPort } from '../core/ports.js';
import type { Reporter } from '../core/ports.js';

/** The first executable `name` on PATH (like `command -v`), or undefined. */
export async function findExecutable(
  name: string,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  const candidates = isAbsolute(name)
    ? [name]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, name));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface KindCliOptions {
  env: Record<string, string | undefined>;
  reporter: Reporter;
  /** The kind executable (default: `kind` from PATH). */
  binary?: string;
}

/**
 * kind's error: its last `ERROR: ...` line with the lines after it (a config decoding error
 * continues on the next lines; a failed runtime command's own output follows as "Command Output:",
 * e.g. Docker's "Cannot connect to the Docker daemon"), as one line; else its last stderr line.
 */
export function kindMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const at = lines.findLastIndex((l) => l.startsWith('ERROR:'));
  if (at < 0) return lines[lines.length - 1] ?? 'no output';
  const [first = '', ...rest] = lines.slice(at);
  const output = rest.join(' ').replace(/^Command Output:\s*/, '');
  return `${first.replace(/^ERROR:\s*/, '')}${output ? ` (output: ${output.slice(0, 600)})` : ''}`;
}

/** The error code and hint for what kind said, when it says more than "kind failed". */
function classify(message: string): { code: ErrorCode; exitCode: ExitCodeValue; hint?: string } {
  if (/already exist/.test(message)) return { code: 'CONFLICT', exitCode: ExitCode.Conflict };
  const runtime = /exec: "(docker|podman|nerdctl)": executable file not found/.exec(message)?.[1];
  if (runtime)
    return {
      code: 'MISSING_TOOL',
      exitCode: ExitCode.MissingTool,
      hint: `kind runs its nodes with ${runtime}, which is not on PATH: install it, or pass --bootstrap-kubeconfig to use an existing cluster instead.`,
    };
  if (/Cannot connect to the Docker daemon|daemon running|connection refused.*\.sock|podman\.sock/i.test(message))
    return {
      code: 'UNREACHABLE',
      exitCode: ExitCode.Unreachable,
      hint: 'The container runtime kind uses is installed but not answering: start it (e.g. "sudo systemctl start docker", or open Docker Desktop) and re-run, or pass --bootstrap-kubeconfig to use an existing cluster instead.',
    };
  return { code: 'INTERNAL', exitCode: ExitCode.Failure };
}

function goDuration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.ceil(ms / 1000)}s`;
}

interface KindRun {
  input?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Pass kind's progress lines on to the reporter (debug level 1). */
  log?: boolean;
}

/** Runs kind once; its stdout, or a ClusterctlError that says what failed and why (`what` leads). */
async function runKind(
  options: KindCliOptions & { binary: string },
  env: Record<string, string>,
  args: string[],
  what: string,
  extra: KindRun = {},
): Promise<string> {
  const { binary, reporter } = options;
  reporter.debug(2, `running ${binary} ${args.join(' ')}`);
  const child: ResultPromise = execa(binary, args, {
    env,
    extendEnv: false,
    reject: false,
    input: extra.input ?? '',
    ...(extra.signal ? { cancelSignal: extra.signal } : {}),
  });
  if (extra.log) {
    child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) reporter.debug(1, `kind: ${line.trim()}`);
    });
  }
  const result = await child;
  if (!result.failed) return String(result.stdout ?? '');
  if (result.isCanceled) throw new ClusterctlError('INTERRUPTED', `${what}: interrupted`);
  if (result.exitCode === undefined) {
    const missing = /ENOENT/.test(String(result.message));
    throw new ClusterctlError(
      missing ? 'MISSING_TOOL' : 'INTERNAL',
      `${what}: could not run ${binary}: ${result.shortMessage}`,
      { hint: missing ? 'Install kind v0.32 or newer, or pass --bootstrap-kubeconfig.' : undefined },
    );
  }
  const message = kindMessage(String(result.stderr ?? ''));
  const { code, exitCode, hint } = classify(message);
  const rerun = `Run "${binary} ${args.filter((a) => a !== '-').join(' ')}" yourself to see its full output.`;
  throw new ClusterctlError(code, `${what}: kind says: ${message}`, {
    hint: hint ? `${hint} ${rerun}` : rerun,
    exitCode,
  });
}

export function createKindCli(options: KindCliOptions): KindPort {
  const resolved = { ...options, binary: options.binary ?? 'kind' };
  const env = Object.fromEntries(Object.entries(options.env).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  const run = (args: string[], what: string, extra?: KindRun) => runKind(resolved, env, args, what, extra);
  return {
    async listClusters() {
      const out = await run(['get', 'clusters'], 'failed to list the kind clusters');
      return out
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    },
    async createCluster(o) {
      const args = ['create', 'cluster', '--name', o.name, '--kubeconfig', o.kubeconfigPath];
      if (o.config !== undefined) args.push('--config', '-');
      if (o.image) args.push('--image', o.image);
      if (o.waitMs > 0) args.push('--wait', goDuration(o.waitMs));
      await run(args, `failed to create the kind cluster "${o.name}"`, {
        input: o.config,
        signal: o.signal,
        log: true,
      });
    },
    async getKubeconfig(name) {
      return run(['get', 'kubeconfig', '--name', name], `failed to get the kubeconfig of the kind cluster "${name}"`);
    },
    async deleteCluster(name, kubeconfigPath) {
      await run(
        ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfigPath],
        `failed to delete the kind cluster "${name}"`,
        {
          log: true,
        },
      );
    },
  };
}
