/**
 * Everything a command needs from the process, decided once: streams, environment, whether this
 * is a TTY or CI, colours, verbosity and the reporter. Only cli/ reads process.* directly.
 */
import type { Command } from 'commander';
import { homedir } from 'node:os';
import type { Reporter } from '../core/ports.js';
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

export async function createContext(io: CliIo, global: GlobalOptions, outputFormat?: string): Promise<CliContext> {
  const verbosity = parseVerbosity(global.v, io.env);
  const ci = isCI(io.env);
  const isTTY = Boolean(io.stderr.isTTY);
  const color = colorEnabled(io.env, io.stderr);
  const mode = chooseReporterMode({ stderr: io.stderr, ci, verbosity, outputFormat });
  const spinner = mode === 'tty' ? await loadSpinner() : undefined;
  const reporter = createReporter({ mode, verbosity, color, stream: io.stderr, spinner });
  return {
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
  };
}

/**
 * Wraps a command's action: builds the context from the parsed flags, runs it, and prints a
 * failure as one formatted error with its exit code. Every command's register function gets one.
 */
export type CommandRunner = <O>(
  fn: (ctx: CliContext, opts: O, args: string[], command: Command) => Promise<void> | void,
) => (...args: unknown[]) => Promise<void>;
