/** What `generate cluster` asks the management cluster: does a ClusterClass, or an object, already exist? */
import { ClusterctlError } from '../../errors.js';
import type { KubeClient } from '../ports.js';
import type { ClusterClassLookup } from '../repository/templates.js';

export function clusterClassLookup(client: KubeClient): ClusterClassLookup {
  return {
    classExists: async (ref) =>
      Boolean(
        await client.get({
          apiVersion: 'cluster.x-k8s.io/v1beta2',
          kind: 'ClusterClass',
          name: ref.name,
          namespace: ref.namespace,
        }),
      ),
    objectExists: async (obj) => {
      try {
        return Boolean(
          await client.get({
            apiVersion: obj.apiVersion,
            kind: obj.kind,
            name: obj.metadata.name ?? '',
            namespace: obj.metadata.namespace,
          }),
        );
      } catch (error) {
        if (error instanceof ClusterctlError && error.code === 'NOT_FOUND') return false;
        throw error;
      }
    },
  };
}
