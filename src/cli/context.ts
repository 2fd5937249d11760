/**
 * Everything a command needs from the process, decided once: streams, environment, whether this
 * is a TTY or CI, colours, verbosity and the reporter. Only cli/ reads process.* directly.
 */
import type { Command } from 'commander';
import { homedir } from 'node:os';
import type { Reporter } from '../core/ports.js';
import { ClusterctlError, ExitCode } from '../errors.js';
import { createReporter, loadSpinner, type ReporterMode } from '../ui/reporter.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  homeDir: string;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // A getter: creating process.stdin costs a few ms, and most commands never read it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    homeDir: process.env.HOME ?? homedir(),
  };
}

export interface GlobalOptions {
  config?: string;
  v?: string;
  kubeconfig?: string;
  kubeconfigContext?: string;
}

export interface CliContext {
  io: CliIo;
  env: Record<string, string | undefined>;
  verbosity: number;
  color: boolean;
  isTTY: boolean;
  ci: boolean;
  reporter: Reporter;
  global: GlobalOptions;
  /** Writes a result (YAML, tables, kubeconfigs) to stdout. */
  out(text: string): void;
  /**
   * Aborted on the first SIGINT or SIGTERM with an INTERRUPTED error (exit 130): API calls, retries
   * and waits stop at once. Reading it starts listening; a second signal exits at once with 130.
   * Commands that never read it keep Node's default (the first Ctrl-C ends the process).
   */
  readonly signal: AbortSignal;
  /** The hint of the INTERRUPTED error (how to finish or undo), for commands that can resume. */
  interruptHint?: string | undefined;
  /** Stops listening for signals; called when the command ends. */
  dispose(): void;
}

/**
 * Listens for SIGINT/SIGTERM for one command: the first aborts `controller` with an INTERRUPTED
 * error naming the command, the second ends the process at once with exit 130 (the user insisted).
 */
function watchInterrupts(
  controller: AbortController,
  reporter: Reporter,
  interruption: (signal: NodeJS.Signals) => ClusterctlError,
): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      reporter.warn(`${signal} received: stopping (press Ctrl-C again to exit at once)`);
      controller.abort(interruption(signal));
      return;
    }
    // The CLI's edge: nothing is awaited any more, the user asked twice.
    process.exit(ExitCode.Interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

function isCI(env: Record<string, string | undefined>): boolean {
  return Boolean(env.CI && env.CI !== 'false' && env.CI !== '0');
}

export function colorEnabled(env: Record<string, string | undefined>, stream: { isTTY?: boolean }): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function parseVerbosity(value: string | undefined, env: Record<string, string | undefined>): number {
  const raw = value ?? env.CLUSTERCTL_LOG_LEVEL;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`invalid verbosity "${raw}": -v/--v takes a non-negative integer`);
  }
  return n;
}

/**
 * Spinners only on a real terminal, outside CI and without -v. A terminal that reports no width
 * (some CI ptys, `docker exec -t` without a size) gets plain lines: ora's line arithmetic divides
 * by the width and never finishes.
 */
export function chooseReporterMode(input: {
  stderr: { isTTY?: boolean; columns?: number };
  ci: boolean;
  verbosity: number;
  outputFormat?: string | undefined;
}): ReporterMode {
  const isTTY = Boolean(input.stderr.isTTY);
  if (input.outputFormat === 'json' && !isTTY) return 'json';
  return isTTY && (input.stderr.columns ?? 0) > 0 && !input.ci && input.verbosity === 0 ? 'tty' : 'plain';
}

export async function createContext(
  io: CliIo,
  global: GlobalOptions,
  outputFormat?: string,
  /** For messages: `move`, `upgrade apply`. */
  commandPath = '',
): Promise<CliContext> {
  const verbosity = parseVerbosity(global.v, io.env);
  const ci = isCI(io.env);
  const isTTY = Boolean(io.stderr.isTTY);
  const color = colorEnabled(io.env, io.stderr);
  const mode = chooseReporterMode({ stderr: io.stderr, ci, verbosity, outputFormat });
  const spinner = mode === 'tty' ? await loadSpinner() : undefined;
  const reporter = createReporter({ mode, verbosity, color, stream: io.stderr, spinner });
  const controller = new AbortController();
  let stopWatching: (() => void) | undefined;
  const ctx: CliContext = {
    io,
    env: io.env,
    verbosity,
    color,
    isTTY,
    ci,
    reporter,
    global,
    out: (text) => {
      io.stdout.write(text);
    },
    get signal() {
      stopWatching ??= watchInterrupts(
        controller,
        reporter,
        (signal) =>
          new ClusterctlError('INTERRUPTED', `clusterctl ${commandPath || 'command'} interrupted (${signal})`, {
            hint: ctx.interruptHint,
          }),
      );
      return controller.signal;
    },
    dispose: () => stopWatching?.(),
  };
  return ctx;
}

/**
 * Wraps a command's action: builds the context from the parsed flags, runs it, and prints a
 * failure as one formatted error with its exit code. Every command's register function gets one.
 */
export type CommandRunner = <O>(
  fn: (ctx: CliContext, opts: O, args: string[], command: Command) => Promise<void> | void,
) => (...args: unknown[]) => Promise<void>;
