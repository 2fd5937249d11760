/** The public shapes of `move`: options, dependencies, the plan and the result. */
import type { KubeClient, MoveJournalStore, ObjectDirectory, Reporter } from '../ports.js';

export const defaultMoveConcurrency = 16;

export interface MoveOptions {
  /** The namespace to move; defaults to the source context's namespace. */
  namespace?: string | undefined;
  dryRun?: boolean | undefined;
  /** Move only these Clusters (with what they need). */
  clusters?: string[] | undefined;
  /** Objects written at once (each starts as soon as its owners exist on the target). */
  concurrency?: number | undefined;
  /** Return a failed (journaled) move to the source instead of finishing it. */
  rollback?: boolean | undefined;
  /** How long to wait for objects annotated block-move (default about 2 minutes, as clusterctl). */
  blockMoveTimeoutMs?: number | undefined;
}

export interface MoveDeps {
  /** The source management cluster (absent with a `fromDirectory`). */
  source?: KubeClient | undefined;
  /** The target management cluster (absent for dry-run and `toDirectory`). */
  target?: KubeClient | undefined;
  /** `--to-directory`. */
  toDirectory?: ObjectDirectory | undefined;
  /** `--from-directory`. */
  fromDirectory?: ObjectDirectory | undefined;
  journal?: MoveJournalStore | undefined;
  reporter?: Reporter | undefined;
  signal?: AbortSignal | undefined;
  /** Test hook: called after each step is recorded (used to simulate a crash at a given point). */
  onStep?: ((step: string) => void | Promise<void>) | undefined;
  now?: () => number;
}

export interface PlannedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  group: number;
  deleteFromSource: boolean;
  global: boolean;
}

export interface MovePlan {
  namespace: string;
  source?: { server: string; context: string } | undefined;
  target?: { server: string; context: string } | { directory: string } | undefined;
  clusters: string[];
  clusterClasses: string[];
  groups: PlannedObject[][];
  objectCount: number;
  /** Objects that belong to a moved hierarchy but cannot be ordered (an owner is not moved). */
  leftBehind: { apiVersion: string; kind: string; namespace: string; name: string; reason: string }[];
}

export interface MoveResult {
  plan: MovePlan;
  dryRun: boolean;
  resumed: boolean;
  rolledBack: boolean;
  created: number;
  updated: number;
  existing: number;
  deleted: number;
  /** Objects moved per kind. */
  perKind: Record<string, number>;
  durationMs: number;
  journal?: string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Journal
