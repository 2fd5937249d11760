/**
 * `clusterctl delete`: removes providers from a management cluster with the Go tool's rules —
 * CRDs only with --include-crd (refused while custom objects exist), the provider namespace only
 * with --include-namespace, webhook configurations always, other cluster-scoped objects only when
 * their name starts with `<namespace>-`, and the inventory entry. cert-manager and the inventory
 * CRD are never removed. NotFound is ignored; errors are collected and reported together.
 */
import { AggregateClusterctlError, ClusterctlError } from '../errors.js';
import {
  describeRef,
  Labels,
  manifestLabel,
  refOf,
  type KubeObject,
  type ObjectRef,
  type ProviderType,
} from '../types.js';
import {
  deleteInstalledProvider,
  ensureInventoryCrd,
  listInstalledProviders,
  type InstalledProvider,
} from './cluster/inventory.js';
import { checkManagementCluster } from './cluster/management-cluster.js';
import { mapWithConcurrency } from './pool.js';
import type { KubeClient, Reporter } from './ports.js';

export interface DeleteRequest {
  name: string;
  type: ProviderType;
  version?: string | undefined;
}

export interface DeleteOptions {
  providers: DeleteRequest[];
  all?: boolean;
  includeCrd?: boolean;
  includeNamespace?: boolean;
  dryRun?: boolean;
}

export interface DeletePlanEntry {
  provider: InstalledProvider;
  objects: ObjectRef[];
}

export interface DeletePlan {
  entries: DeletePlanEntry[];
}

const webhookKinds = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);

/** The installed providers the options name (all of them with --all); every mismatch reported at once. */
function selectProviders(installed: InstalledProvider[], options: DeleteOptions): InstalledProvider[] {
  if (options.all) return installed;
  const selected: InstalledProvider[] = [];
  const problems: ClusterctlError[] = [];
  for (const request of options.providers) {
    const label = manifestLabel(request.name, request.type);
    const matches = installed.filter((p) => p.name === label);
    if (matches.length === 0) {
      problems.push(
        new ClusterctlError('NOT_FOUND', `the ${label} provider is not installed`, {
          hint: `Installed providers: ${installed.map((p) => p.name).join(', ') || 'none'}.`,
        }),
      );
      continue;
    }
    if (matches.length > 1) {
      problems.push(
        new ClusterctlError(
          'CONFLICT',
          `the ${label} provider is installed in several namespaces (${matches.map((m) => m.namespace).join(', ')})`,
        ),
      );
      continue;
    }
    const match = matches[0]!;
    if (request.version && request.version !== match.version) {
      problems.push(
        new ClusterctlError(
          'NOT_FOUND',
          `the ${label} provider is installed at version ${match.version}, not ${request.version}`,
          {
            hint: `Use ${request.name}:${match.version} or omit the version.`,
          },
        ),
      );
      continue;
    }
    selected.push(match);
  }
  if (problems.length > 0) throw new AggregateClusterctlError('cannot delete the requested providers', problems);
  return selected;
}

/** Refuses to delete a provider's CRDs while objects of them still exist. */
async function checkCrdsUnused(client: KubeClient, provider: InstalledProvider, crds: KubeObject[]): Promise<void> {
  for (const crd of crds) {
    const spec = crd.spec as {
      group: string;
      names: { kind: string };
      versions: { name: string; storage?: boolean }[];
    };
    const version = spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]?.name;
    const objs = await client.list(`${spec.group}/${version}`, spec.names.kind);
    if (objs.length > 0) {
      throw new ClusterctlError(
        'CONFLICT',
        `cannot delete the CRDs of the ${provider.name} provider: ${objs.length} ${spec.names.kind} object(s) still exist (e.g. ${describeRef(refOf(objs[0]!))})`,
        { hint: 'Delete the workload clusters that use this provider first, or run delete without --include-crd.' },
      );
    }
  }
}

/** Which of a provider's labelled objects `delete` removes, given --include-crd and --include-namespace. */
function objectsToDelete(
  found: KubeObject[],
  crdKinds: Set<string>,
  provider: InstalledProvider,
  options: DeleteOptions,
): ObjectRef[] {
  const objects: ObjectRef[] = [];
  for (const obj of found) {
    const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
    if (crdKinds.has(`${group}/${obj.kind}`)) continue; // custom objects go with their CRD
    const namespaced = obj.metadata.namespace !== undefined;
    if (obj.kind === 'CustomResourceDefinition') {
      if (options.includeCrd) objects.push(refOf(obj));
    } else if (obj.kind === 'Namespace') {
      if (options.includeNamespace && obj.metadata.name === provider.namespace) objects.push(refOf(obj));
    } else if (webhookKinds.has(obj.kind)) {
      objects.push(refOf(obj));
    } else if (namespaced) {
      objects.push(refOf(obj));
    } else if ((obj.metadata.name ?? '').startsWith(`${provider.namespace}-`)) {
      objects.push(refOf(obj));
    }
  }
  return objects;
}

export async function planDelete(client: KubeClient, options: DeleteOptions): Promise<DeletePlan> {
  if (options.all && options.providers.length > 0) {
    throw new ClusterctlError('INVALID_ARGUMENT', 'the --all flag cannot be used together with provider names', {
      hint: 'Use either --all or a list of providers (e.g. --infrastructure docker).',
    });
  }
  if (!options.all && options.providers.length === 0) {
    throw new ClusterctlError('INVALID_ARGUMENT', 'at least one provider must be specified, or --all', {
      hint: 'Example: clusterctl delete --infrastructure docker, or clusterctl delete --all.',
    });
  }
  await checkManagementCluster(client, { strict: true });
  await ensureInventoryCrd(client);
  const selected = selectProviders(await listInstalledProviders(client), options);

  const resources = (await client.serverResources()).filter(
    (r) => r.verbs.includes('list') && r.verbs.includes('delete'),
  );
  const entries: DeletePlanEntry[] = [];
  for (const provider of selected) {
    const selector = `${Labels.clusterctl},${Labels.provider}=${provider.name}`;
    const found: KubeObject[] = [];
    for (const r of resources) {
      const items = await client.list(r.apiVersion, r.kind, {
        namespace: r.namespaced ? provider.namespace : undefined,
        labelSelector: selector,
      });
      found.push(...items);
    }
    const crds = found.filter((o) => o.kind === 'CustomResourceDefinition');
    const crdKinds = new Set(
      crds.map((c) => `${(c.spec as { group: string }).group}/${(c.spec as { names: { kind: string } }).names.kind}`),
    );
    if (options.includeCrd) await checkCrdsUnused(client, provider, crds);
    entries.push({ provider, objects: objectsToDelete(found, crdKinds, provider, options) });
  }
  return { entries };
}

export interface DeleteResult {
  plan: DeletePlan;
  deleted: number;
}

export async function deleteProviders(
  deps: { client: KubeClient; reporter: Reporter },
  options: DeleteOptions,
): Promise<DeleteResult> {
  const { client, reporter } = deps;
  const plan = await planDelete(client, options);
  if (options.dryRun) return { plan, deleted: 0 };
  const errors: ClusterctlError[] = [];
  let deleted = 0;
  for (const entry of plan.entries) {
    const task = reporter.task(
      `Deleting provider ${entry.provider.name} ${entry.provider.version} from namespace ${entry.provider.namespace}`,
    );
    await mapWithConcurrency(entry.objects, 8, async (ref) => {
      try {
        if (await client.delete(ref, { propagationPolicy: 'Background' })) deleted++;
      } catch (error) {
        errors.push(
          error instanceof ClusterctlError
            ? error
            : new ClusterctlError('INTERNAL', `failed to delete ${describeRef(ref)}: ${String(error)}`),
        );
      }
    });
    try {
      await deleteInstalledProvider(client, entry.provider);
    } catch (error) {
      if (error instanceof ClusterctlError) errors.push(error);
      else throw error;
    }
    task.succeed(`Deleted provider ${entry.provider.name} ${entry.provider.version} (${entry.objects.length} objects)`);
  }
  if (errors.length > 0)
    throw new AggregateClusterctlError('some objects could not be deleted', errors, {
      hint: 'Fix the causes above and re-run the same delete: deleted objects are skipped.',
    });
  return { plan, deleted };
}
