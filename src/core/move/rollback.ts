/**
 * `move --rollback`: returns a failed (journaled) move to the source. It restores onto the source
 * what the move already deleted there (from the target's copies), removes from the target what the
 * move created there (never what the target had before) and the namespaces it created, and
 * unpauses the source. A move that has finished is never rolled back.
 */
import { ClusterctlError } from '../../errors.js';
import type { KubeObject } from '../../types.js';
import { copyForTarget, deleteForMove, isPaused, namespaceEnsurer, setPaused, writeCopy } from '../cluster/mover.js';
import { buildObjectGraph, describeNode, type GraphNode } from '../cluster/object-graph.js';
import { mapWithConcurrency } from '../pool.js';
import type { KubeClient, MoveJournalStore } from '../ports.js';
import { isBefore, type JournalHeader, type JournalState } from './journal.js';
import { emptyResult, type MoveContext } from './context.js';
import type { MoveResult, PlannedObject } from './types.js';
import { identityKey, liveKey, plannedNode, readLive } from './verify.js';

export interface RollbackInput {
  source: KubeClient;
  target: KubeClient;
  store: MoveJournalStore;
  id: string;
  state: JournalState;
  ctx: MoveContext;
}

/** The live copies of the journaled objects on both clusters. */
interface LiveObjects {
  onSource: Map<string, KubeObject>;
  onTarget: Map<string, KubeObject>;
}

export async function rollbackMove(input: RollbackInput): Promise<MoveResult> {
  const { source, target, store, id, state, ctx } = input;
  const header = state.header;
  if (!isBefore(state.phase, 'unpaused')) {
    throw new ClusterctlError('CONFLICT', 'the move already finished on the target; there is nothing to roll back', {
      hint: 'To bring the clusters back, move them again in the other direction (swap --kubeconfig and --to-kubeconfig).',
    });
  }
  const task = ctx.reporter.task(`Rolling back the move started at ${header.startedAt}`);
  const [onSource, onTarget] = await Promise.all([
    readLive(source, header.objects, ctx.concurrency),
    readLive(target, header.objects, ctx.concurrency),
  ]);
  refuseFinishedMove(header, onTarget, target);
  const plan = { namespace: header.namespace, clusters: [], clusterClasses: [], groups: [], leftBehind: [] };
  const result = emptyResult({ ...plan, objectCount: header.objects.length }, ctx.started, ctx.now);
  result.rolledBack = true;
  result.created = await restoreOntoSource(source, header, { onSource, onTarget }, ctx);
  result.deleted = await removeFromTarget(target, header, onTarget, ctx);
  for (const name of state.createdNamespaces) await target.delete({ apiVersion: 'v1', kind: 'Namespace', name });
  const pausedUids = new Set(header.paused);
  const paused = header.objects.filter((o) => pausedUids.has(o.uid)).map(plannedNode);
  await setPaused(source, paused, false, ctx.concurrency, ctx.signal);
  await store.append(id, [{ t: 'phase', phase: 'rolled-back', at: new Date(ctx.now()).toISOString() }]);
  await store.remove(id);
  const namespaces = state.createdNamespaces.size
    ? `, ${state.createdNamespaces.size} namespaces it created deleted`
    : '';
  task.succeed(
    `Rolled back: ${result.created} objects restored on the source, ${result.deleted} removed from the target${namespaces}, ${paused.length} clusters and ClusterClasses unpaused`,
  );
  result.durationMs = ctx.now() - ctx.started;
  return result;
}

/**
 * A move whose clusters run unpaused on the target has finished (its last step unpauses them
 * there), whatever a journal says: it may have been finished through another journal, machine or
 * state folder. Rolling it back would take the clusters from the controllers now managing them.
 */
function refuseFinishedMove(header: JournalHeader, onTarget: Map<string, KubeObject>, target: KubeClient): void {
  const preexisting = new Set(header.preexisting);
  const paused = new Set(header.paused);
  const running = header.objects
    .filter((o) => paused.has(o.uid) && !preexisting.has(o.uid))
    .flatMap((o) => {
      const live = onTarget.get(identityKey(o));
      if (!live) return [];
      const n = plannedNode(o);
      n.object = live;
      return isPaused(n) ? [] : [describeNode(n)];
    });
  if (running.length === 0) return;
  const more = running.length > 3 ? ` and ${running.length - 3} more` : '';
  throw new ClusterctlError(
    'CONFLICT',
    `the move of namespace "${header.namespace}" started at ${header.startedAt} has finished: ${running.slice(0, 3).join(', ')}${more} run unpaused on the target ${target.server}; nothing was rolled back`,
    {
      hint: 'To bring the clusters back, move them again in the other direction (swap --kubeconfig and --to-kubeconfig). Running the same move without --rollback verifies it and clears its journal.',
    },
  );
}

/**
 * Restores onto the source the objects the move already deleted there, from the target's copies,
 * in the planned group order (owners first, owner UIDs pointing at the source's objects).
 * Returns how many were restored.
 */
async function restoreOntoSource(
  source: KubeClient,
  header: JournalHeader,
  live: LiveObjects,
  ctx: MoveContext,
): Promise<number> {
  const missing = header.objects.filter((o) => o.deleteFromSource && !live.onSource.has(identityKey(o)));
  if (missing.length === 0) return 0;
  const copies = header.objects.flatMap((o) => live.onTarget.get(identityKey(o)) ?? []);
  const plannedByCopyUid = new Map<string, PlannedObject>();
  for (const o of header.objects) {
    const uid = live.onTarget.get(identityKey(o))?.metadata.uid;
    if (uid) plannedByCopyUid.set(uid, o);
  }
  const graph = buildObjectGraph([], copies, { namespace: header.namespace });
  // Owner UIDs on the source: the objects still there, then those restored.
  const sourceUids = new Map<string, string>();
  for (const copy of copies) {
    const original = live.onSource.get(liveKey(copy));
    if (original?.metadata.uid && copy.metadata.uid) sourceUids.set(copy.metadata.uid, original.metadata.uid);
  }
  const wanted = new Set(missing.map(identityKey));
  const groups: GraphNode[][] = [];
  for (const n of graph.nodes.values()) {
    if (!n.virtual && wanted.has(identityKey(n))) (groups[plannedByCopyUid.get(n.uid)!.group] ??= []).push(n);
  }
  const ensureNamespace = namespaceEnsurer(source, undefined, ctx.signal, (message) => ctx.reporter.info(message));
  let restored = 0;
  for (const group of groups) {
    if (!group) continue;
    const restoreOne = async (n: GraphNode) => {
      const written = await writeCopy(source, n, copyForTarget(n, graph, sourceUids), ensureNamespace);
      sourceUids.set(n.uid, written.uid);
      restored++;
    };
    await mapWithConcurrency(group, ctx.concurrency, restoreOne, ctx.signal);
  }
  return restored;
}

/** Removes from the target what the move created there (never what it had before), last group first. */
async function removeFromTarget(
  target: KubeClient,
  header: JournalHeader,
  onTarget: Map<string, KubeObject>,
  ctx: MoveContext,
): Promise<number> {
  const preexisting = new Set(header.preexisting);
  const toRemove = header.objects.filter((o) => !preexisting.has(o.uid) && onTarget.has(identityKey(o)));
  let removed = 0;
  for (let g = Math.max(-1, ...toRemove.map((o) => o.group)); g >= 0; g--) {
    const removeOne = async (o: PlannedObject) => {
      const n = plannedNode(o);
      n.object = onTarget.get(identityKey(o))!;
      await deleteForMove(target, n);
      removed++;
    };
    await mapWithConcurrency(
      toRemove.filter((o) => o.group === g),
      ctx.concurrency,
      removeOne,
      ctx.signal,
    );
  }
  return removed;
}
