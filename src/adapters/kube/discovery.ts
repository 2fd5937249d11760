/** API discovery for one client: resources per group/version (cached), kinds to request paths. */
import { ClusterctlError } from '../../errors.js';
import type { ApiResource } from '../../core/ports.js';
import { httpError, type ApiTarget } from './errors.js';
import type { Requester } from './request.js';

export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

interface ResourceList {
  resources: { name: string; kind: string; namespaced: boolean; verbs: string[]; storageVersionHash?: string }[];
}

export interface Discovery {
  resources: (apiVersion: string, options?: { refresh?: boolean }) => Promise<ApiResource[]>;
  serverResources: () => Promise<ApiResource[]>;
  resourceFor: (apiVersion: string, kind: string) => Promise<ApiResource>;
  objectPath: (
    ref: { apiVersion: string; kind: string; namespace?: string | undefined; name?: string | undefined },
    forList?: boolean,
  ) => Promise<string>;
}

// long-function: closure factory: the lookups share the discovery cache.
export function createDiscovery(target: ApiTarget, requester: Requester): Discovery {
  const cache = new Map<string, Promise<ApiResource[]>>();

  async function read(apiVersion: string): Promise<ApiResource[]> {
    const what = `discover the resources of ${apiVersion}`;
    const res = await requester.call({ method: 'GET', path: groupVersionPath(apiVersion), what });
    if (res.status === 404) return [];
    if (res.status !== 200) throw httpError(target, res, what);
    const list = JSON.parse(res.body) as ResourceList;
    return list.resources
      .filter((r) => !r.name.includes('/'))
      .map((r) => ({
        apiVersion,
        kind: r.kind,
        name: r.name,
        namespaced: r.namespaced,
        verbs: r.verbs,
        storageVersionHash: r.storageVersionHash,
      }));
  }

  async function resources(apiVersion: string, options?: { refresh?: boolean }): Promise<ApiResource[]> {
    if (options?.refresh) cache.delete(apiVersion);
    let pending = cache.get(apiVersion);
    if (!pending) {
      pending = read(apiVersion);
      cache.set(apiVersion, pending);
      pending.catch(() => cache.delete(apiVersion));
    }
    return pending;
  }

  async function serverResources(): Promise<ApiResource[]> {
    const what = 'discover the API groups';
    const res = await requester.call({ method: 'GET', path: '/apis', what });
    if (res.status !== 200) throw httpError(target, res, what);
    const groups = JSON.parse(res.body) as { groups: { preferredVersion?: { groupVersion: string } }[] };
    const versions = [
      'v1',
      ...groups.groups.map((g) => g.preferredVersion?.groupVersion).filter((v): v is string => Boolean(v)),
    ];
    const lists = await Promise.all(versions.map((v) => resources(v)));
    return lists.flat();
  }

  async function resourceFor(apiVersion: string, kind: string): Promise<ApiResource> {
    let found = (await resources(apiVersion)).find((r) => r.kind === kind);
    // A CRD may have been created since the list was cached.
    if (!found) found = (await resources(apiVersion, { refresh: true })).find((r) => r.kind === kind);
    if (!found) {
      throw new ClusterctlError(
        'NOT_FOUND',
        `the API server ${target.server} does not serve kind ${kind} in ${apiVersion}`,
        {
          hint: 'Install the provider (or CRD) that defines this kind first, e.g. with clusterctl init.',
        },
      );
    }
    return found;
  }

  async function objectPath(
    ref: { apiVersion: string; kind: string; namespace?: string | undefined; name?: string | undefined },
    forList = false,
  ): Promise<string> {
    const resource = await resourceFor(ref.apiVersion, ref.kind);
    let path = groupVersionPath(ref.apiVersion);
    if (resource.namespaced && ref.namespace) path += `/namespaces/${encodeURIComponent(ref.namespace)}`;
    else if (resource.namespaced && !forList) {
      throw new ClusterctlError(
        'INVALID_ARGUMENT',
        `${ref.kind} ${ref.name ?? ''} is namespaced but no namespace was given`,
      );
    }
    path += `/${resource.name}`;
    if (ref.name) path += `/${encodeURIComponent(ref.name)}`;
    return path;
  }

  return { resources, serverResources, resourceFor, objectPath };
}
