/**
 * cert-manager for provider webhooks: a readiness probe (create a self-signed Issuer and a
 * Certificate in a scratch namespace), installation from the cert-manager release manifest with
 * clusterctl's labels and version annotation, and detection of an installed version.
 */
import semver from 'semver';
import { ClusterctlError } from '../../errors.js';
import { Annotations, Labels, refOf, type KubeObject } from '../../types.js';
import { mapWithConcurrency } from '../pool.js';
import type { KubeClient, Reporter } from '../ports.js';
import { migrateAfterCrdUpgrade, migrateBeforeCrdUpgrade, storageVersionHashes } from './crd-migration.js';
import { applyComponents } from './installer.js';
import { listLabelledObjects } from './labelled-objects.js';
import { sleep as defaultSleep } from '../sleep.js';

const probeNamespace = 'cert-manager-test';

export interface CertManagerSettings {
  version: string;
  url: string;
  timeoutMs: number;
  externallyProvisioned: boolean;
}

function probeObjects(): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: probeNamespace } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: 'test-selfsigned', namespace: probeNamespace },
      spec: { selfSigned: {} },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'selfsigned-cert', namespace: probeNamespace },
      spec: { dnsNames: ['example.com'], secretName: 'selfsigned-cert-tls', issuerRef: { name: 'test-selfsigned' } },
    },
  ];
}

/**
 * The probe's failures that mean "cert-manager is not (yet) there": its kinds are not served
 * (NOT_FOUND), its webhook does not admit the test objects yet (REJECTED), or the scratch namespace
 * of an earlier probe is still being deleted (CONFLICT). Anything else (unreachable, forbidden,
 * unauthorized, a server error) is a failure of its own, never read as "not installed".
 */
function meansNotReady(error: unknown): boolean {
  return error instanceof ClusterctlError && ['NOT_FOUND', 'REJECTED', 'CONFLICT'].includes(error.code);
}

/**
 * True when cert-manager answers: its CRDs are served and its webhook admits test objects.
 * `onWait` is called once when the probe first has to wait for an earlier probe's namespace.
 */
export async function probeCertManager(
  client: KubeClient,
  signal?: AbortSignal,
  onWait?: (what: string) => void,
): Promise<boolean> {
  const objects = probeObjects();
  // A scratch namespace left by an earlier probe may still be terminating: wait for it to go.
  for (let i = 0; i < 600; i++) {
    const ns = await client.get({ apiVersion: 'v1', kind: 'Namespace', name: probeNamespace });
    if (!ns?.metadata.deletionTimestamp) break;
    if (i === 0)
      onWait?.(
        `Waiting up to 60s for namespace ${probeNamespace} (left by an earlier cert-manager check) to finish deleting`,
      );
    await defaultSleep(100, signal);
  }
  try {
    for (const obj of objects) {
      const existing = await client.get({
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name!,
        namespace: obj.metadata.namespace,
      });
      if (!existing) await client.create(obj);
    }
    return true;
  } catch (error) {
    if (meansNotReady(error)) return false;
    throw error;
  } finally {
    for (const obj of [...objects].reverse().slice(0, 2)) {
      await client
        .delete({
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name: obj.metadata.name!,
          namespace: obj.metadata.namespace,
        })
        .catch(() => false);
    }
  }
}

/** The installed version recorded by clusterctl, or undefined when none of its objects exist. */
export async function installedCertManagerVersion(client: KubeClient): Promise<string | undefined> {
  const selector = `${Labels.clusterctlCore}=cert-manager`;
  for (const [apiVersion, kind, namespace] of [
    ['apps/v1', 'Deployment', 'cert-manager'],
    ['v1', 'Namespace', undefined],
  ] as const) {
    try {
      const items = await client.list(apiVersion, kind, { namespace, labelSelector: selector });
      const versions = items.map((i) => i.metadata.annotations?.[Annotations.certManagerVersion] ?? 'v0.11.0');
      if (versions.length > 0)
        return versions.sort((a, b) => (semver.valid(a) && semver.valid(b) ? semver.compare(a, b) : 0))[0];
    } catch (error) {
      // Only a kind that is not served means "not here"; unreachable or forbidden is an answer of its own.
      if (!(error instanceof ClusterctlError && error.code === 'NOT_FOUND')) throw error;
    }
  }
  return undefined;
}

/** Adds clusterctl's labels and the version annotation to cert-manager's objects. */
function labelCertManagerObjects(objects: readonly KubeObject[], version: string): KubeObject[] {
  return objects.map((obj) => ({
    ...obj,
    metadata: {
      ...obj.metadata,
      labels: { ...obj.metadata.labels, [Labels.clusterctl]: '', [Labels.clusterctlCore]: 'cert-manager' },
      annotations: { ...obj.metadata.annotations, [Annotations.certManagerVersion]: version },
    },
  }));
}

export interface EnsureCertManagerDeps {
  client: KubeClient;
  reporter: Reporter;
  /** Fetches the cert-manager manifest objects (image overrides applied). */
  fetchManifest: (settings: CertManagerSettings) => Promise<KubeObject[]>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Ends the waits for cert-manager early (the command was interrupted). */
  signal?: AbortSignal | undefined;
}

export type CertManagerOutcome = 'already-installed' | 'installed' | 'externally-provisioned';

/** Polls the readiness probe until it passes or `settings.timeoutMs` runs out (TIMEOUT). */
async function waitForCertManager(
  probe: () => Promise<boolean>,
  settings: CertManagerSettings,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const deadline = Date.now() + settings.timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) {
      throw new ClusterctlError(
        'TIMEOUT',
        `cert-manager ${settings.version} was installed but did not become ready within ${settings.timeoutMs / 1000}s`,
        {
          hint: 'Check the pods in the cert-manager namespace (kubectl get pods -n cert-manager); raise cert-manager.timeout in clusterctl.yaml if the cluster is slow.',
        },
      );
    }
    await sleep(250, signal);
  }
}

/** Removes the probe's scratch namespace once probing is over (deleting it between probes would race). */
async function removeProbeNamespace(client: KubeClient): Promise<void> {
  await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: probeNamespace }).catch(() => false);
}

export async function ensureCertManager(
  deps: EnsureCertManagerDeps,
  settings: CertManagerSettings,
): Promise<CertManagerOutcome> {
  const { client, reporter, signal } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const told = new Set<string>();
  const onWait = (what: string) => {
    if (!told.has(what)) reporter.info(what);
    told.add(what);
  };
  const probe = () => probeCertManager(client, signal, onWait);
  if (settings.externallyProvisioned) {
    const deadline = Date.now() + settings.timeoutMs;
    let first = true;
    while (!(await probe())) {
      if (first)
        reporter.info(
          `Waiting up to ${settings.timeoutMs / 1000}s for the externally provisioned cert-manager to answer (its webhook must admit a test Certificate)`,
        );
      first = false;
      if (Date.now() > deadline) {
        throw new ClusterctlError(
          'TIMEOUT',
          `cert-manager is configured as externally provisioned but did not answer within ${settings.timeoutMs / 1000}s`,
          {
            hint: 'Install cert-manager yourself, or drop cert-manager.externallyProvisioned from clusterctl.yaml to let clusterctl install it.',
          },
        );
      }
      await sleep(1000, signal);
    }
    await removeProbeNamespace(client);
    return 'externally-provisioned';
  }
  if (await probe()) {
    reporter.debug(0, 'Skipping installing cert-manager as it is already installed');
    await removeProbeNamespace(client);
    return 'already-installed';
  }
  const task = reporter.task(`Installing cert-manager ${settings.version}`);
  try {
    const objects = labelCertManagerObjects(await deps.fetchManifest(settings), settings.version);
    await applyComponents(client, objects, {
      createNew: true,
      onProgress: (n, total) => task.update(`Installing cert-manager ${settings.version} (${n}/${total} objects)`),
    });
    task.update(`Waiting for cert-manager ${settings.version} to be available`);
    await waitForCertManager(probe, settings, sleep, signal);
    await removeProbeNamespace(client);
    task.succeed(`cert-manager ${settings.version} installed`);
    return 'installed';
  } catch (error) {
    task.fail(`cert-manager ${settings.version} was not installed`);
    throw error;
  }
}

/** Namespaces whose cert-manager objects clusterctl manages (the Go tool looks in the same two). */
const certManagerNamespaces = ['cert-manager', 'kube-system'];
/** Kept across an upgrade: user objects live in the CRDs and the namespace; webhooks keep guarding writes. */
const keptOnUpgrade = new Set([
  'CustomResourceDefinition',
  'Namespace',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
]);

/** How many objects of the installed cert-manager exist (kinds in `skip` not counted). */
export async function countCertManagerObjects(client: KubeClient, skip: ReadonlySet<string>): Promise<number> {
  return (
    await listLabelledObjects(client, `${Labels.clusterctlCore}=cert-manager`, certManagerNamespaces, {
      skipKinds: skip,
    })
  ).length;
}

export interface CertManagerUpgradeResult {
  deleted: number;
  applied: number;
  /** CRD name -> objects re-written into the storage version. */
  migrated: Map<string, number>;
}

/**
 * Upgrades a cert-manager that clusterctl installed, as the Go tool does: migrate the custom
 * resources of CRDs whose stored versions the new release could drop, delete the old objects
 * (except CRDs, namespaces and webhook configurations), install the new release and wait for it.
 * Then, beyond the Go tool, move the objects of CRDs whose storage version changed into it.
 */
export async function upgradeCertManager(
  deps: EnsureCertManagerDeps,
  settings: CertManagerSettings,
  onProgress: (text: string) => void = () => undefined,
): Promise<CertManagerUpgradeResult> {
  const { client } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const objects = labelCertManagerObjects(await deps.fetchManifest(settings), settings.version);
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  const migrated = new Map<string, number>();
  const report = (crd: string, n: number) => onProgress(`Migrating ${crd} to its storage version (${n} objects)`);

  for (const [name, n] of (await migrateBeforeCrdUpgrade(client, crds, { onProgress: report })).migrated)
    migrated.set(name, n);

  const old = await listLabelledObjects(client, `${Labels.clusterctlCore}=cert-manager`, certManagerNamespaces, {
    skipKinds: keptOnUpgrade,
  });
  let deleted = 0;
  await mapWithConcurrency(old, 8, async (obj) => {
    if (await client.delete(refOf(obj), { propagationPolicy: 'Background' })) deleted++;
    onProgress(`Deleting the old cert-manager objects (${deleted}/${old.length})`);
  });

  const hashes = await storageVersionHashes(client, crds);
  const { applied } = await applyComponents(client, objects, {
    onProgress: (n, total) => onProgress(`Installing cert-manager ${settings.version} (${n}/${total} objects)`),
  });
  onProgress(`Waiting for cert-manager ${settings.version} to be available`);
  await waitForCertManager(() => probeCertManager(client, deps.signal, onProgress), settings, sleep, deps.signal);
  await removeProbeNamespace(client);

  for (const [name, n] of (
    await migrateAfterCrdUpgrade(client, crds, hashes, { onProgress: report, signal: deps.signal })
  ).migrated)
    migrated.set(name, (migrated.get(name) ?? 0) + n);
  return { deleted, applied, migrated };
}
