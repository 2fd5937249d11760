/**
 * A generic resumable step runner: runs the steps of a plan in order, each as a Reporter task
 * labelled `[i/n] title`, skips those an earlier run finished, and records in the given record
 * which step is running and which finished (saved before and after every step), so that a re-run
 * after a failure or a kill continues with the first unfinished step.
 */
import { formatDuration } from '../format.js';
import type { Reporter, Task } from '../ports.js';
import type { StepRecord } from './state.js';

export interface StepReport<Step extends string = string> {
  step: Step;
  title: string;
  /** `skipped`: the step is not part of this run's plan. */
  status: 'done' | 'done-earlier' | 'skipped';
  durationMs: number;
}

export interface PlannedStep<Step extends string> {
  step: Step;
  title: string;
  /** The step's work; `reporter` turns nested tasks into this step's spinner text. */
  run: (reporter: Reporter, task: Task, label: string) => Promise<void>;
}

export interface StepRunnerDeps<Step extends string> {
  reporter: Reporter;
  now: () => number;
  /** Persists the record. */
  save(): Promise<void>;
  /** Throws when the run must stop before the next step starts (the user interrupted). */
  checkAbort(): void;
  /** The error shown for a failed step (e.g. with what was left behind); the error itself by default. */
  explainFailure?(error: unknown, step: Step): unknown;
  /** Called when a step has finished, before the record is saved. */
  onFinished?(step: Step): void;
}

export async function runResumableSteps<Step extends string>(
  record: StepRecord<Step>,
  plan: readonly PlannedStep<Step>[],
  deps: StepRunnerDeps<Step>,
): Promise<StepReport<Step>[]> {
  const { reporter, now } = deps;
  const reports: StepReport<Step>[] = [];
  for (const [index, { step, title, run }] of plan.entries()) {
    const label = `[${index + 1}/${plan.length}] ${title}`;
    const earlier = record.steps[step];
    if (earlier) {
      reports.push({ step, title, status: 'done-earlier', durationMs: earlier.durationMs });
      reporter.info(`✓ ${label} (done in an earlier run)`);
      continue;
    }
    deps.checkAbort();
    const current = { step, startedAt: new Date(now()).toISOString() };
    record.current = current;
    await deps.save();
    const task = reporter.task(label);
    const started = now();
    try {
      await run(nestedReporter(reporter, task, label), task, label);
    } catch (error) {
      task.fail(`${label} failed after ${formatDuration(now() - started)}`);
      throw deps.explainFailure ? deps.explainFailure(error, step) : error;
    }
    const durationMs = now() - started;
    record.steps[step] = { startedAt: current.startedAt, durationMs };
    delete record.current;
    deps.onFinished?.(step);
    await deps.save();
    reports.push({ step, title, status: 'done', durationMs });
    task.succeed(`${label} (${formatDuration(durationMs)})`);
  }
  return reports;
}

/** A reporter for an operation running inside a step: its tasks become the step's spinner text. */
export function nestedReporter(parent: Reporter, task: Task, prefix: string): Reporter {
  return {
    info: (message) => parent.debug(1, message),
    warn: (message) => parent.warn(message),
    debug: (level, message, fields) => parent.debug(level, message, fields),
    task: (text) => {
      task.update(`${prefix}: ${text}`);
      return {
        update: (t) => task.update(`${prefix}: ${t}`),
        succeed: (t) => parent.debug(1, t ?? text),
        fail: (t) => parent.debug(1, t ?? text),
        warn: (t) => parent.warn(t ?? text),
      };
    },
  };
}
