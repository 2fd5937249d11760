/**
 * The move-and-compare step of the parity tests: the same objects in two namespaces, one moved by
 * the Go clusterctl and one by ours between the same two clusters, then each namespace read back
 * from both clusters for the test to compare.
 */
import { expect } from 'vitest';
import type { KubeObject } from '../../src/types.js';
import { runClusterctl, type RunOptions } from './cli.js';
import { runGoClusterctl } from './go-clusterctl.js';
import { uniqueName } from './index.js';

export interface MoveParityOptions {
  /** The reference Go clusterctl binary. */
  go: string;
  /** Prefix of the two namespaces (`<prefix>-go-…`, `<prefix>-ours-…`). */
  prefix: string;
  sourceKubeconfig: string;
  targetKubeconfig: string;
  /** Creates the objects to move in a namespace of the source cluster. */
  populate: (namespace: string) => Promise<void>;
  /** A namespace's objects on one cluster, by a key the two namespaces share. */
  snapshot: (cluster: 'source' | 'target', namespace: string) => Promise<Map<string, KubeObject>>;
  /** Options of both runs (ours also takes its timeout from here). */
  run?: RunOptions;
}

export interface MoveParityResult {
  /** Our namespace on the source before the move. */
  before: Map<string, KubeObject>;
  goTarget: Map<string, KubeObject>;
  oursTarget: Map<string, KubeObject>;
  goSource: Map<string, KubeObject>;
  oursSource: Map<string, KubeObject>;
}

/** Runs `move -n NS` with both tools (each must succeed) and reads both namespaces on both clusters. */
export async function moveWithBothTools(options: MoveParityOptions): Promise<MoveParityResult> {
  const { go, snapshot } = options;
  const nsGo = uniqueName(`${options.prefix}-go`);
  const nsOurs = uniqueName(`${options.prefix}-ours`);
  await Promise.all([options.populate(nsGo), options.populate(nsOurs)]);
  const before = await snapshot('source', nsOurs);
  const clusters = ['--kubeconfig', options.sourceKubeconfig, '--to-kubeconfig', options.targetKubeconfig];
  const theirs = await runGoClusterctl(go, ['move', '-n', nsGo, ...clusters], { env: options.run?.env });
  expect(theirs.exitCode, theirs.stderr).toBe(0);
  const ours = await runClusterctl(['move', '-n', nsOurs, ...clusters], options.run);
  expect(ours.exitCode, ours.stderr).toBe(0);
  const [goTarget, oursTarget, goSource, oursSource] = await Promise.all([
    snapshot('target', nsGo),
    snapshot('target', nsOurs),
    snapshot('source', nsGo),
    snapshot('source', nsOurs),
  ]);
  return { before, goTarget, oursTarget, goSource, oursSource };
}
