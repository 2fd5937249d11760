/**
 * Storage-version migration of custom resources, for upgrades that replace CRDs (cert-manager).
 *
 * The API server keeps every version it ever stored objects in under a CRD's
 * `status.storedVersions`, and refuses a CRD update that removes one of them from `spec.versions`.
 * Re-writing every object stores it in the current storage version, after which storedVersions can
 * be trimmed to that one version. As the Go tool does, this runs before the new CRDs are applied
 * (so they may drop old versions) and refuses a new CRD that lacks the current storage version.
 * Beyond the Go tool, it runs again once the new CRDs serve a different storage version, so the
 * objects move to it right away instead of at the next upgrade.
 */
import { ClusterctlError, wrapError } from '../../errors.js';
import type { KubeObject } from '../../types.js';
import { mapWithConcurrency } from '../pool.js';
import type { KubeClient } from '../ports.js';
import { sleep as defaultSleep } from '../sleep.js';

interface CrdShape {
  spec?: {
    group?: string;
    names?: { kind?: string };
    versions?: { name: string; storage?: boolean }[];
  };
  status?: { storedVersions?: string[] };
}

const crdApiVersion = 'apiextensions.k8s.io/v1';

function storageVersionOf(crd: KubeObject): string | undefined {
  return (crd as CrdShape).spec?.versions?.find((v) => v.storage)?.name;
}

async function getCrd(client: KubeClient, name: string): Promise<KubeObject | undefined> {
  return client.get({ apiVersion: crdApiVersion, kind: 'CustomResourceDefinition', name });
}

export interface CrdMigrationResult {
  /** CRD name -> number of objects re-written. */
  migrated: Map<string, number>;
}

export interface CrdMigrationOptions {
  concurrency?: number;
  onProgress?: (crd: string, migrated: number) => void;
}

/** Re-writes every object of one CRD in its storage version, then trims storedVersions to it. */
async function migrateCrd(
  client: KubeClient,
  current: KubeObject,
  options: CrdMigrationOptions,
): Promise<number | undefined> {
  const name = current.metadata.name ?? '';
  const storage = storageVersionOf(current);
  const stored = (current as CrdShape).status?.storedVersions ?? [];
  if (!storage || (stored.length === 1 && stored[0] === storage)) return undefined;
  const group = (current as CrdShape).spec?.group ?? '';
  const kind = (current as CrdShape).spec?.names?.kind ?? '';
  const apiVersion = `${group}/${storage}`;
  const items = await client.list(apiVersion, kind);
  let done = 0;
  await mapWithConcurrency(items, options.concurrency ?? 8, async (item) => {
    try {
      await client.replace({ ...item, apiVersion, kind });
    } catch (error) {
      // Gone, or written by someone else meanwhile (which stored it in the storage version too).
      const skippable = error instanceof ClusterctlError && (error.code === 'NOT_FOUND' || error.code === 'CONFLICT');
      if (!skippable) throw wrapError(error, `failed to migrate the ${kind} objects of ${name} to ${storage}`);
    }
    done++;
    options.onProgress?.(name, done);
  });
  // Trim storedVersions; re-read on a write conflict (the API server updates the CRD status too).
  for (let attempt = 1; ; attempt++) {
    const latest = attempt === 1 ? current : await getCrd(client, name);
    if (!latest) return done;
    try {
      await client.replaceStatus({
        ...latest,
        status: { ...((latest as CrdShape).status ?? {}), storedVersions: [storage] },
      });
      return done;
    } catch (error) {
      if (!(error instanceof ClusterctlError && error.code === 'CONFLICT') || attempt >= 5) throw error;
    }
  }
}

/** The CRDs of `newCrds` that are installed already, each with its live definition. */
async function* installedCounterparts(
  client: KubeClient,
  newCrds: readonly KubeObject[],
): AsyncGenerator<{ name: string; next: KubeObject; current: KubeObject }> {
  for (const next of newCrds.filter((o) => o.kind === 'CustomResourceDefinition')) {
    const name = next.metadata.name ?? '';
    const current = await getCrd(client, name);
    if (current) yield { name, next, current };
  }
}

/**
 * Before new CRDs replace the installed ones: for each installed CRD that the new set redefines,
 * checks the new definition still has the current storage version, and migrates its objects when
 * storedVersions holds anything else.
 */
export async function migrateBeforeCrdUpgrade(
  client: KubeClient,
  newCrds: readonly KubeObject[],
  options: CrdMigrationOptions = {},
): Promise<CrdMigrationResult> {
  const migrated = new Map<string, number>();
  for await (const { name, next, current } of installedCounterparts(client, newCrds)) {
    const storage = storageVersionOf(current);
    const offered = ((next as CrdShape).spec?.versions ?? []).map((v) => v.name);
    if (storage && !offered.includes(storage)) {
      throw new ClusterctlError(
        'CONFLICT',
        `cannot upgrade the CustomResourceDefinition ${name}: the new definition drops ${storage}, the version its objects are stored in (it offers ${offered.join(', ') || 'none'}), so they could not be migrated`,
        {
          hint: 'Upgrade in steps through a release that still serves that version (set an intermediate cert-manager version in clusterctl.yaml), then upgrade again.',
        },
      );
    }
    const count = await migrateCrd(client, current, options);
    if (count !== undefined) migrated.set(name, count);
  }
  return { migrated };
}

/** The storage version hash discovery reports for each CRD's kind (to notice the switch). */
export async function storageVersionHashes(
  client: KubeClient,
  crds: readonly KubeObject[],
): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  for (const crd of crds.filter((o) => o.kind === 'CustomResourceDefinition')) {
    const group = (crd as CrdShape).spec?.group ?? '';
    const kind = (crd as CrdShape).spec?.names?.kind ?? '';
    const served = ((crd as CrdShape).spec?.versions ?? []).map((v) => v.name);
    let hash: string | undefined;
    for (const version of served) {
      const found = (await client.resources(`${group}/${version}`, { refresh: true })).find((r) => r.kind === kind);
      if (found?.storageVersionHash) {
        hash = found.storageVersionHash;
        break;
      }
    }
    out.set(crd.metadata.name ?? '', hash);
  }
  return out;
}

/**
 * After new CRDs are applied: for each one whose storage version differs from what was stored so
 * far, waits until the API server serves the new storage version (its discovery hash differs from
 * `before`), then migrates the objects into it.
 */
export async function migrateAfterCrdUpgrade(
  client: KubeClient,
  newCrds: readonly KubeObject[],
  before: Map<string, string | undefined>,
  options: CrdMigrationOptions & {
    timeoutMs?: number;
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    signal?: AbortSignal | undefined;
  } = {},
): Promise<CrdMigrationResult> {
  const sleep = options.sleep ?? defaultSleep;
  const migrated = new Map<string, number>();
  for await (const { name, current } of installedCounterparts(client, newCrds)) {
    const storage = storageVersionOf(current);
    const stored = (current as CrdShape).status?.storedVersions ?? [];
    if (!storage || (stored.length === 1 && stored[0] === storage)) continue;
    const previous = before.get(name);
    if (previous !== undefined) {
      // Objects written before the API server switched would land in the old version again.
      const deadline = Date.now() + (options.timeoutMs ?? 30_000);
      while ((await storageVersionHashes(client, [current])).get(name) === previous) {
        if (Date.now() > deadline) {
          throw new ClusterctlError(
            'TIMEOUT',
            `the API server did not switch the CustomResourceDefinition ${name} to its new storage version ${storage}`,
            {
              hint: 'Check the API server health (kubectl get --raw /readyz); re-running the upgrade migrates the objects before anything else.',
            },
          );
        }
        await sleep(100, options.signal);
      }
    }
    const count = await migrateCrd(client, current, options);
    if (count !== undefined) migrated.set(name, count);
  }
  return { migrated };
}
