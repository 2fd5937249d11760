/**
 * Reading the live state of moved objects on either cluster (one LIST per kind and namespace,
 * never a GET per object), and the verification that a move is complete. `verifyMove` is what
 * `create management-cluster` (core/bootstrap) runs after its move too.
 */
import { ClusterctlError } from '../../errors.js';
import type { KubeObject } from '../../types.js';
import { describeNode, newNode, type GraphNode } from '../cluster/object-graph.js';
import { mapWithConcurrency } from '../pool.js';
import type { KubeClient } from '../ports.js';
import { defaultMoveConcurrency, type PlannedObject } from './types.js';

export function plannedNode(o: PlannedObject): GraphNode {
  const n = newNode(o);
  n.virtual = false;
  n.isGlobal = o.global;
  n.shouldNotDelete = !o.deleteFromSource;
  return n;
}

export type Identity = { apiVersion: string; kind: string; namespace?: string | undefined; name?: string | undefined };
export const identityKey = (o: { kind: string; namespace?: string | undefined; name?: string | undefined }) =>
  `${o.kind}|${o.namespace ?? ''}|${o.name ?? ''}`;
export const liveKey = (o: KubeObject) =>
  identityKey({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });

/**
 * The live objects of the kinds (and namespaces) of `objects` on one cluster, keyed by
 * identityKey: one LIST per kind and namespace (cluster-scoped kinds: one LIST), never a GET each.
 */
export async function readLive(
  client: KubeClient,
  objects: readonly Identity[],
  concurrency: number,
): Promise<Map<string, KubeObject>> {
  const kinds = new Map<string, Identity>();
  for (const o of objects) kinds.set(`${o.apiVersion}|${o.kind}|${o.namespace ?? ''}`, o);
  const lists = await mapWithConcurrency([...kinds.values()], concurrency, async (k) => {
    try {
      return await client.list(k.apiVersion, k.kind, { namespace: k.namespace || undefined });
    } catch (error) {
      if (error instanceof ClusterctlError && error.code === 'NOT_FOUND') {
        throw new ClusterctlError(
          'NOT_FOUND',
          `the cluster ${client.server} does not serve ${k.kind} (${k.apiVersion})`,
          {
            hint: 'Install the provider that defines this kind there first (clusterctl init --kubeconfig <cluster> ...).',
          },
        );
      }
      throw error;
    }
  });
  return new Map(lists.flat().map((o) => [liveKey(o), o]));
}

/** UIDs (source) of planned objects whose name already exists on the target. */
export async function existingOnTarget(
  target: KubeClient,
  nodes: readonly GraphNode[],
  concurrency: number,
): Promise<Set<string>> {
  const live = await readLive(target, nodes, concurrency);
  return new Set(nodes.filter((n) => live.has(identityKey(n))).map((n) => n.uid));
}

/**
 * Verifies a finished move: the target has every object of `objects` (a move's
 * `result.plan.groups.flat()`), and the source has none of those marked `deleteFromSource`.
 * Throws CONFLICT naming the first missing or remaining objects.
 */
export async function verifyMove(
  source: KubeClient,
  target: KubeClient,
  objects: readonly PlannedObject[],
  concurrency = defaultMoveConcurrency,
): Promise<void> {
  const present = async (client: KubeClient) =>
    new Set(
      [...(await readLive(client, objects, concurrency)).entries()]
        .filter(([, o]) => !o.metadata.deletionTimestamp)
        .map(([key]) => key),
    );
  const [onTarget, onSource] = await Promise.all([present(target), present(source)]);
  const missing = objects.filter((o) => !onTarget.has(identityKey(o)));
  const remaining = objects.filter((o) => o.deleteFromSource && onSource.has(identityKey(o)));
  if (missing.length || remaining.length) {
    const list = (xs: PlannedObject[]) =>
      xs
        .slice(0, 5)
        .map((o) => describeNode(o))
        .join(', ') + (xs.length > 5 ? `, and ${xs.length - 5} more` : '');
    throw new ClusterctlError(
      'CONFLICT',
      [
        missing.length ? `${missing.length} moved objects are missing on the target (${list(missing)})` : '',
        remaining.length ? `${remaining.length} objects are still on the source (${list(remaining)})` : '',
      ]
        .filter(Boolean)
        .join('; '),
      { hint: 'Something else changed these objects during the move.' },
    );
  }
}
