/**
 * `clusterctl move`: moves the Cluster API objects of one namespace (optionally only some
 * clusters) to another management cluster, or to and from a backup folder.
 *
 *   plan.ts        flag and namespace checks, discovery, the printable plan, pause + snapshot
 *   identity.ts    which cluster a client reaches (a move never targets its own source)
 *   journal.ts     the durable record that makes a move resumable and reversible
 *   to-cluster.ts  the move to another cluster, as a table of journaled phases
 *   rollback.ts    `--rollback`: restores onto the source, removes from the target
 *   backup.ts      `--to-directory` / `--from-directory`
 *   verify.ts      live reads of moved objects and `verifyMove`
 *   types.ts       the public options, plan and result; context.ts what a running move shares
 * The graph (ordering) is core/cluster/object-graph.ts; single-object I/O is core/cluster/mover.ts.
 */
import { ClusterctlError } from '../../errors.js';
import { moveFromDirectory, moveToDirectory } from './backup.js';
import { dryRunMove, validateMove } from './plan.js';
import { moveToCluster } from './to-cluster.js';
import type { MoveDeps, MoveOptions, MoveResult } from './types.js';

export { backupFileName, goJson } from './backup.js';
export { checkDistinctClusters, clusterIdentity, sameCluster, type ClusterIdentity } from './identity.js';
export { moveJournalId } from './journal.js';
export * from './types.js';
export { verifyMove } from './verify.js';

export async function move(deps: MoveDeps, options: MoveOptions = {}): Promise<MoveResult> {
  validateMove(deps, options);
  if (deps.fromDirectory) return moveFromDirectory(deps, options);
  const source = deps.source;
  if (!source) throw new ClusterctlError('INVALID_ARGUMENT', 'a source management cluster is required (--kubeconfig)');
  if (deps.toDirectory) return moveToDirectory(deps, options, source);
  if (options.dryRun || !deps.target) return dryRunMove(deps, options, source);
  return moveToCluster(deps, options, source, deps.target);
}
