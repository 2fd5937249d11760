/** What every mode of move shares while it runs: the resolved deps and options, and the result shape. */
import { silentReporter, type Reporter } from '../ports.js';
import { defaultMoveConcurrency, type MoveDeps, type MoveOptions, type MovePlan, type MoveResult } from './types.js';

/** Objects per kind, kinds sorted. */
export function perKindOf(groups: readonly (readonly { kind: string }[])[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const g of groups) for (const n of g) out[n.kind] = (out[n.kind] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function emptyResult(plan: MovePlan, started: number, now: () => number): MoveResult {
  return {
    plan,
    dryRun: false,
    resumed: false,
    rolledBack: false,
    created: 0,
    updated: 0,
    existing: 0,
    deleted: 0,
    perKind: perKindOf(plan.groups),
    durationMs: now() - started,
  };
}

/** What every mode of move reads from its deps and options, resolved once. */
export interface MoveContext {
  reporter: Reporter;
  signal: AbortSignal | undefined;
  concurrency: number;
  now: () => number;
  started: number;
}

export function moveContext(deps: MoveDeps, options: MoveOptions): MoveContext {
  const now = deps.now ?? Date.now;
  return {
    reporter: deps.reporter ?? silentReporter,
    signal: deps.signal,
    concurrency: options.concurrency ?? defaultMoveConcurrency,
    now,
    started: now(),
  };
}
