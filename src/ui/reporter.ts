/**
 * Progress output on stderr, chosen once per run: `tty` (ora spinners, colours unless NO_COLOR),
 * `plain` (one line per event: CI, pipes, -v), `json` (one JSON object per line) or `silent`.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type ora from 'ora';
import type { Reporter } from '../core/ports.js';
import { redact } from './redact.js';

export type ReporterMode = 'tty' | 'plain' | 'json' | 'silent';

export interface ReporterOptions {
  mode: ReporterMode;
  verbosity: number;
  color: boolean;
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /**
   * Plain mode prints a task's progress updates only at -v 1 and above, except that a task still
   * running after this long prints its latest update (then again after as long), so a CI log shows
   * what a long wait is waiting for. Default 10 s.
   */
  heartbeatMs?: number;
  /** Clock (ms) for the heartbeat; tests pass a fake one. */
  now?: () => number;
  /**
   * ora's default export, needed by `tty` mode only (without it tty falls back to plain lines).
   * Passed in rather than imported so other modes never load it: ora and its dependencies cost
   * about 50 ms of every start.
   */
  spinner?: typeof ora | undefined;
}

/** Loads the spinner library for `tty` mode. */
export async function loadSpinner(): Promise<typeof ora> {
  return (await import('ora')).default;
}

export function createChalk(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

function formatFields(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([k, v]) => ` ${k}=${JSON.stringify(v)}`)
    .join('');
}

// long-function: closure factory: each output mode's methods share the streams and the active task.
export function createReporter(options: ReporterOptions): Reporter {
  const { stream, verbosity } = options;
  const now = options.now ?? Date.now;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const c = createChalk(options.color);
  const write = (line: string) => {
    stream.write(redact(line) + '\n');
  };
  const json = (event: Record<string, unknown>) => write(JSON.stringify({ time: new Date().toISOString(), ...event }));

  if (options.mode === 'silent') {
    return {
      info: () => undefined,
      warn: () => undefined,
      debug: () => undefined,
      task: () => ({ update: () => undefined, succeed: () => undefined, fail: () => undefined, warn: () => undefined }),
    };
  }
  if (options.mode === 'json') {
    return {
      info: (message) => json({ level: 'info', message }),
      warn: (message) => json({ level: 'warn', message }),
      debug: (level, message, fields) => {
        if (level <= verbosity) json({ level: 'debug', v: level, message, ...fields });
      },
      task: (text) => {
        json({ level: 'info', task: text, state: 'start' });
        return {
          update: (t) => json({ level: 'info', task: t, state: 'progress' }),
          succeed: (t) => json({ level: 'info', task: t ?? text, state: 'done' }),
          fail: (t) => json({ level: 'error', task: t ?? text, state: 'failed' }),
          warn: (t) => json({ level: 'warn', task: t ?? text, state: 'warning' }),
        };
      },
    };
  }
  const plain: Reporter = {
    info: (message) => write(message),
    warn: (message) => write(c.yellow(`Warning: ${message}`)),
    debug: (level, message, fields) => {
      if (level <= verbosity) write(c.dim(`${message}${formatFields(fields)}`));
    },
    task: (text) => {
      write(text);
      let last = text;
      let printedAt = now();
      return {
        update: (t) => {
          if ((t !== last && verbosity >= 1) || now() - printedAt >= heartbeatMs) {
            write(`  ${t}`);
            printedAt = now();
          }
          last = t;
        },
        succeed: (t) => write(`${c.green('✓')} ${t ?? text}`),
        fail: (t) => write(`${c.red('✗')} ${t ?? text}`),
        warn: (t) => write(`${c.yellow('!')} ${t ?? text}`),
      };
    },
  };
  const spinner = options.spinner;
  if (options.mode === 'plain' || !spinner) return plain;

  // tty: spinners; other output stops/starts around them.
  let active: ReturnType<typeof ora> | undefined;
  const around = (fn: () => void) => {
    const spinning = active?.isSpinning ? active : undefined;
    spinning?.stop();
    fn();
    spinning?.start();
  };
  return {
    info: (message) => around(() => plain.info(message)),
    warn: (message) => around(() => plain.warn(message)),
    debug: (level, message, fields) => around(() => plain.debug(level, message, fields)),
    task: (text) => {
      const task = spinner({
        text: redact(text),
        stream,
        color: options.color ? 'cyan' : false,
        isEnabled: true,
        // Reading stdin to swallow keypresses would keep a piped or scripted stdin busy.
        discardStdin: false,
      }).start();
      active = task;
      const end = (fn: () => void) => {
        fn();
        if (active === task) active = undefined;
      };
      return {
        update: (t) => {
          task.text = redact(t);
        },
        succeed: (t) => end(() => task.succeed(redact(t ?? text))),
        fail: (t) => end(() => task.fail(redact(t ?? text))),
        warn: (t) => end(() => task.warn(redact(t ?? text))),
      };
    },
  };
}
