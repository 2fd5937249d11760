/** Finding what clusterctl installed: every listable, deletable kind, filtered by a label selector. */
import type { KubeObject } from '../../types.js';
import { mapWithConcurrency } from '../pool.js';
import type { ApiResource, KubeClient } from '../ports.js';

/**
 * Lists the objects matching `labelSelector` of every kind the server can list and delete:
 * cluster-scoped kinds once, namespaced kinds in each of `namespaces`. Bounded parallelism.
 */
export async function listLabelledObjects(
  client: KubeClient,
  labelSelector: string,
  namespaces: readonly string[],
  options: { skipKinds?: ReadonlySet<string>; concurrency?: number } = {},
): Promise<KubeObject[]> {
  const resources = (await client.serverResources()).filter(
    (r) => r.verbs.includes('list') && r.verbs.includes('delete') && !options.skipKinds?.has(r.kind),
  );
  type Query = { resource: ApiResource; namespace: string | undefined };
  const queries = resources.flatMap((resource): Query[] =>
    resource.namespaced
      ? namespaces.map((namespace) => ({ resource, namespace }))
      : [{ resource, namespace: undefined }],
  );
  const lists = await mapWithConcurrency(queries, options.concurrency ?? 8, ({ resource, namespace }) =>
    client.list(resource.apiVersion, resource.kind, { namespace, labelSelector }),
  );
  return lists.flat();
}
