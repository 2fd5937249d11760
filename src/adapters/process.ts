/**
 * External command-line tools through execa: finding executables on PATH, and the kind CLI
 * (`kind create|get|delete cluster`) for the bootstrap cluster. kind's own messages (`ERROR: ...`
 * on stderr) are turned into ClusterctlErrors; its kubeconfig output is never logged.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { ClusterctlError } from '../errors.js';
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

/** The last `ERROR: ...` line kind printed, else its last stderr line. */
function kindMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error = [...lines].reverse().find((l) => l.startsWith('ERROR:'));
  return (error ?? lines[lines.length - 1] ?? 'no output').replace(/^ERROR:\s*/, '');
}

function goDuration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.ceil(ms / 1000)}s`;
}

// long-function: closure factory: the kind commands share the binary lookup and runner.
export function createKindCli(options: KindCliOptions): KindPort {
  const binary = options.binary ?? 'kind';
  const env = Object.fromEntries(Object.entries(options.env).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  async function run(
    args: string[],
    what: string,
    extra: { input?: string; signal?: AbortSignal; log?: boolean } = {},
  ) {
    options.reporter.debug(2, `running ${binary} ${args.join(' ')}`);
    const child: ResultPromise = execa(binary, args, {
      env,
      extendEnv: false,
      reject: false,
      input: extra.input ?? '',
      ...(extra.signal ? { cancelSignal: extra.signal } : {}),
    });
    if (extra.log) {
      child.stderr?.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line.trim()) options.reporter.debug(1, `kind: ${line.trim()}`);
      });
    }
    const result = await child;
    if (result.failed) {
      if (result.isCanceled) throw new ClusterctlError('INTERRUPTED', `${what}: interrupted`);
      const stderr = String(result.stderr ?? '');
      if (result.exitCode === undefined) {
        const missing = /ENOENT/.test(String(result.message));
        throw new ClusterctlError(
          missing ? 'MISSING_TOOL' : 'INTERNAL',
          `${what}: could not run ${binary}: ${result.shortMessage}`,
          {
            hint: missing ? 'Install kind v0.32 or newer, or pass --bootstrap-kubeconfig.' : undefined,
          },
        );
      }
      const message = kindMessage(stderr);
      throw new ClusterctlError(
        /already exist/.test(message) ? 'CONFLICT' : 'INTERNAL',
        `${what}: kind says: ${message}`,
        {
          hint: `Run "${binary} ${args.filter((a) => a !== '-').join(' ')}" yourself to see its full output.`,
          exitCode: 1,
        },
      );
    }
    return String(result.stdout ?? '');
  }
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
