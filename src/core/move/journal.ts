/**
 * The move journal: a header (the plan, the clusters' identities, what the target had already)
 * and events appended as the move advances, so a failed or killed move is finished by running it
 * again, or rolled back. Keyed by the clusters' identities, never by URL or kubeconfig names.
 */
import { ClusterctlError } from '../../errors.js';
import type { MoveJournalStore } from '../ports.js';
import type { ClusterIdentity } from './identity.js';
import type { PlannedObject } from './types.js';

export type Phase = 'planned' | 'paused' | 'created' | 'deleted' | 'unpaused' | 'done' | 'rolled-back';
export const phaseOrder: Phase[] = ['planned', 'paused', 'created', 'deleted', 'unpaused', 'done', 'rolled-back'];

export interface JournalHeader {
  kind: 'clusterctl-ts/move';
  version: 2;
  id: string;
  startedAt: string;
  namespace: string;
  /** `identity` is the cluster's identity (ClusterIdentity.id); server and context are for messages. */
  source: { server: string; context: string; identity: string };
  target: { server: string; context: string; identity: string };
  clusters: string[];
  objects: PlannedObject[];
  /** UIDs of planned objects that already existed on the target before the move. */
  preexisting: string[];
  /** Clusters/ClusterClasses this move paused on the source (to unpause on rollback). */
  paused: string[];
}

export type JournalEvent =
  | { t: 'phase'; phase: Phase; at: string }
  | { t: 'created'; uids: [string, string][] }
  | { t: 'deleted'; uids: string[] }
  /** A namespace this move created on the target (rollback deletes it). */
  | { t: 'namespace'; name: string };

export interface JournalState {
  header: JournalHeader;
  phase: Phase;
  newUids: Map<string, string>;
  deleted: Set<string>;
  createdNamespaces: Set<string>;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The journal of a move: keyed by the clusters' identities (never by URL or kubeconfig names), so
 * the same move run through another URL, context or user of the same clusters finds it.
 */
export function moveJournalId(
  source: ClusterIdentity,
  target: ClusterIdentity,
  namespace: string,
  clusters: readonly string[],
): string {
  const key = [source.id, target.id, namespace, [...clusters].sort().join(',')].join('|');
  return `${namespace || 'all'}-${fnv1a(key)}`;
}

export async function readJournal(store: MoveJournalStore, id: string): Promise<JournalState | undefined> {
  const raw = await store.read(id);
  if (!raw) return undefined;
  const header = raw.header as JournalHeader;
  if (header?.kind !== 'clusterctl-ts/move' || header.version !== 2) return undefined;
  const state = newJournalState(header);
  for (const e of raw.events as JournalEvent[]) {
    if (e.t === 'phase' && phaseOrder.indexOf(e.phase) > phaseOrder.indexOf(state.phase)) state.phase = e.phase;
    else if (e.t === 'created') for (const [from, to] of e.uids) state.newUids.set(from, to);
    else if (e.t === 'deleted') for (const uid of e.uids) state.deleted.add(uid);
    else if (e.t === 'namespace') state.createdNamespaces.add(e.name);
  }
  return state;
}

/** True while `phase` has not reached `other`. */
export const isBefore = (phase: Phase, other: Phase) => phaseOrder.indexOf(phase) < phaseOrder.indexOf(other);

export function newJournalState(header: JournalHeader): JournalState {
  return { header, phase: 'planned', newUids: new Map(), deleted: new Set(), createdNamespaces: new Set() };
}

/** Appends to one journal (nothing without a store) and tells the test hook about each step. */
export interface JournalWriter {
  readonly path: string | undefined;
  append(events: JournalEvent[]): Promise<void>;
  /** Records a phase reached, then calls the step hook with its name. */
  reached(state: JournalState, phase: Phase): Promise<void>;
  step(name: string): Promise<void>;
}

export function journalWriter(
  store: MoveJournalStore | undefined,
  id: string,
  now: () => number,
  onStep: ((step: string) => void | Promise<void>) | undefined,
): JournalWriter {
  const append = async (events: JournalEvent[]) => {
    if (store) await store.append(id, events);
  };
  const step = async (name: string) => {
    await onStep?.(name);
  };
  return {
    path: store?.location(id),
    append,
    step,
    async reached(state, phase) {
      await append([{ t: 'phase', phase, at: new Date(now()).toISOString() }]);
      state.phase = phase;
      await step(phase);
    },
  };
}

export function failureWithJournal(error: unknown, journalPath: string | undefined, phase: Phase): unknown {
  if (!journalPath) return error;
  const base =
    error instanceof ClusterctlError
      ? error
      : new ClusterctlError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
  const where =
    phase === 'planned' || phase === 'paused'
      ? 'The source still has every object (its clusters are paused); the target may have part of them.'
      : phase === 'created'
        ? 'The target has every object; the source still has part of them (paused).'
        : 'Every object is on the target.';
  return new ClusterctlError(base.code, `${base.message}. ${where} The move journal is ${journalPath}`, {
    exitCode: base.exitCode,
    cause: base,
    hint: `${base.hint && !base.hint.includes('--rollback') ? `${base.hint} ` : ''}Re-run the same command to finish the move, or add --rollback to return everything to the source and unpause it.`,
  });
}
