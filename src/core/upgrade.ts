/**
 * `clusterctl upgrade plan|apply`. Plan: for each contract the providers can move to, the newest
 * stable version of every provider that implements it. Apply: scale the provider controllers to
 * zero, replace each provider's components (CRDs, namespace and inventory entry are kept), record
 * the new version, and optionally wait for the controllers.
 */
import semver from 'semver';
import { AggregateClusterctlError, ClusterctlError } from '../errors.js';
import {
  describeRef,
  Labels,
  manifestLabel,
  providerTypeOrder,
  refOf,
  type KubeObject,
  type ProviderType,
} from '../types.js';
import { applyComponents, waitForDeployments } from './cluster/installer.js';
import {
  ensureInventoryCrd,
  listInstalledProviders,
  saveInstalledProvider,
  type InstalledProvider,
} from './cluster/inventory.js';
import { checkManagementCluster } from './cluster/management-cluster.js';
import {
  countCertManagerObjects,
  installedCertManagerVersion,
  upgradeCertManager,
  type CertManagerSettings,
} from './cluster/cert-manager.js';
import { listLabelledObjects } from './cluster/labelled-objects.js';
import { defaultScaleDownTimeoutMs, scaleDownDeployments } from './cluster/scale-down.js';
import { tabwrite } from './format.js';
import type { ProviderComponents, ProviderRequest } from './init.js';
import { mapWithConcurrency } from './pool.js';
import type { KubeClient, Reporter } from './ports.js';
import { compatibleContracts, releaseSeriesForVersion, type ProviderMetadata } from './repository/metadata.js';

export interface UpgradeRepositoryInfo {
  versions: string[];
  /** metadata.yaml of the newest release (it lists every series). */
  metadata: ProviderMetadata;
}

export interface UpgradeDeps {
  client: KubeClient;
  reporter: Reporter;
  /** Versions and latest metadata of an installed provider's repository. */
  repositoryInfo: (provider: InstalledProvider) => Promise<UpgradeRepositoryInfo>;
  fetchComponents: (request: ProviderRequest, targetNamespace: string | undefined) => Promise<ProviderComponents>;
  /** cert-manager as configured (version) and a way to fetch its manifest; absent: cert-manager is left alone. */
  certManager?:
    | { settings: CertManagerSettings; fetchManifest: (settings: CertManagerSettings) => Promise<KubeObject[]> }
    | undefined;
}

export interface UpgradeItem {
  provider: InstalledProvider;
  /** Empty when already up to date. */
  nextVersion: string;
}

export interface UpgradePlan {
  contract: string;
  items: UpgradeItem[];
}

export interface UpgradePlanResult {
  /** Contract of the installed core provider. */
  currentContract: string;
  plans: UpgradePlan[];
  /** Contracts newer than this clusterctl supports (reported, not planned). */
  unsupportedContracts: string[];
}

function isStable(version: string): boolean {
  const v = semver.parse(version);
  return Boolean(v && v.prerelease.length === 0);
}

export async function planUpgrade(deps: UpgradeDeps): Promise<UpgradePlanResult> {
  const { client } = deps;
  await checkManagementCluster(client, { strict: true, allowV1beta1: true });
  await ensureInventoryCrd(client);
  const installed = await listInstalledProviders(client);
  if (installed.length === 0) return { currentContract: '', plans: [], unsupportedContracts: [] };
  const cores = installed.filter((p) => p.type === 'CoreProvider');
  if (cores.length !== 1) {
    throw new ClusterctlError(
      'CONFLICT',
      `the management cluster must have exactly one core provider; found ${cores.length}`,
      {
        hint: 'Check the inventory with: kubectl get providers.clusterctl.cluster.x-k8s.io -A',
      },
    );
  }
  const core = cores[0]!;
  const infos = new Map<InstalledProvider, UpgradeRepositoryInfo>();
  await mapWithConcurrency(installed, 4, async (p) => {
    const info = await deps.repositoryInfo(p);
    for (const v of [p.version, ...info.versions.filter((x) => isStable(x) && semver.gt(x, p.version))]) {
      if (!releaseSeriesForVersion(info.metadata, v)) {
        throw new ClusterctlError(
          'INVALID_YAML',
          `invalid provider metadata: version ${v} of the ${p.name} provider does not match any release series of its metadata.yaml`,
          {
            hint: 'The provider repository is inconsistent; check its metadata.yaml or pin versions with upgrade apply.',
          },
        );
      }
    }
    infos.set(p, info);
  });
  const coreInfo = infos.get(core)!;
  const coreSeries = releaseSeriesForVersion(coreInfo.metadata, core.version)!;
  const contracts = [
    ...new Set(
      coreInfo.metadata.releaseSeries
        .filter((s) => s.major > coreSeries.major || (s.major === coreSeries.major && s.minor >= coreSeries.minor))
        .map((s) => s.contract),
    ),
  ];
  const supported = ['v1beta2'];
  const plans: UpgradePlan[] = [];
  for (const contract of contracts.filter((c) => supported.includes(c) || c === coreSeries.contract)) {
    const items: UpgradeItem[] = [];
    let complete = true;
    for (const p of installed) {
      const info = infos.get(p)!;
      const accepted = compatibleContracts(contract);
      const candidates = info.versions
        .filter((v) => isStable(v) && semver.gt(v, p.version))
        .filter((v) => {
          const s = releaseSeriesForVersion(info.metadata, v);
          return s ? (p.type === 'CoreProvider' ? s.contract === contract : accepted.includes(s.contract)) : false;
        })
        .sort(semver.rcompare);
      const currentSeries = releaseSeriesForVersion(info.metadata, p.version);
      const currentOk =
        currentSeries &&
        (p.type === 'CoreProvider' ? currentSeries.contract === contract : accepted.includes(currentSeries.contract));
      if (candidates.length === 0 && !currentOk) complete = false;
      items.push({ provider: p, nextVersion: candidates[0] ?? '' });
    }
    if (complete || contract === coreSeries.contract) {
      items.sort(
        (a, b) =>
          a.provider.type.localeCompare(b.provider.type) ||
          a.provider.providerName.localeCompare(b.provider.providerName) ||
          a.provider.namespace.localeCompare(b.provider.namespace),
      );
      plans.push({ contract, items });
    }
  }
  return {
    currentContract: coreSeries.contract,
    plans,
    unsupportedContracts: contracts.filter((c) => !supported.includes(c) && c !== coreSeries.contract),
  };
}

/** Whether cert-manager would be upgraded (only when clusterctl installed it). */
export interface CertManagerUpgradePlan {
  shouldUpgrade: boolean;
  from: string;
  to: string;
}

/**
 * Decides the cert-manager upgrade as the Go tool does: an older installed version, or the same
 * version with other build metadata, upgrades; at the same version, a different number of
 * installed objects than the release has (say one was deleted by hand) re-installs it. The
 * manifest is fetched only for that last comparison.
 */
export async function planCertManagerUpgrade(
  client: KubeClient,
  targetVersion: string,
  fetchManifest?: () => Promise<KubeObject[]>,
): Promise<CertManagerUpgradePlan> {
  const installed = await installedCertManagerVersion(client);
  if (!installed) return { shouldUpgrade: false, from: '', to: targetVersion };
  const a = semver.parse(installed);
  const b = semver.parse(targetVersion);
  let shouldUpgrade = Boolean(
    a && b && (semver.lt(a, b) || (semver.eq(a, b) && a.build.join('.') !== b.build.join('.'))),
  );
  if (!shouldUpgrade && fetchManifest && a && b && semver.eq(a, b)) {
    const generated = new Set(['Endpoints', 'EndpointSlice']);
    const objects = await countCertManagerObjects(client, generated);
    shouldUpgrade = objects !== (await fetchManifest()).filter((o) => !generated.has(o.kind)).length;
  }
  return { shouldUpgrade, from: installed, to: targetVersion };
}

/** The Go tool's text for `upgrade plan` (byte for byte). */
export function formatUpgradePlan(result: UpgradePlanResult, certManager?: CertManagerUpgradePlan): string {
  let out = '';
  if (certManager) {
    out += certManager.shouldUpgrade
      ? `Cert-Manager will be upgraded from "${certManager.from}" to "${certManager.to}"\n\n`
      : 'Cert-Manager is already up to date\n\n';
  }
  if (result.plans.length === 0 && result.currentContract === '') {
    return (
      out +
      'There are no providers in the cluster. Please use clusterctl init to initialize a Cluster API management cluster.\n'
    );
  }
  for (const plan of result.plans) {
    if (!supportedPlan(plan.contract)) continue;
    out += `\nLatest release available for the ${plan.contract} Cluster API contract version:\n\n`;
    const rows = [['NAME', 'NAMESPACE', 'TYPE', 'CURRENT VERSION', 'NEXT VERSION']];
    for (const item of plan.items) {
      rows.push([
        item.provider.name,
        item.provider.namespace,
        item.provider.type,
        item.provider.version,
        item.nextVersion || 'Already up to date',
      ]);
    }
    out += tabwrite(rows, { minWidth: 10, padding: 3 });
    out += '\n';
    if (plan.items.some((i) => i.nextVersion)) {
      out += 'You can now apply the upgrade by executing the following command:\n\n';
      out += `clusterctl upgrade apply --contract ${plan.contract}\n`;
    } else {
      out += 'You are already up to date!\n';
    }
    out += '\n';
  }
  for (const c of result.unsupportedContracts)
    out += `\nThe current version of clusterctl could not upgrade to ${c} contract (only v1beta2 supported).\n`;
  return out;
}

function supportedPlan(contract: string): boolean {
  return contract === 'v1beta2' || contract === 'v1beta1';
}

export interface UpgradeApplyOptions {
  contract?: string | undefined;
  /** Custom upgrades: `name:version` per type. */
  providers?: { name: string; type: ProviderType; version: string }[];
  waitProviders?: boolean;
  waitProviderTimeoutMs?: number;
  /** How long to wait for the old controllers' pods to be gone (default 60 s, as the Go tool). */
  scaleDownTimeoutMs?: number;
}

const skipLimitedProviders = new Set(['cluster-api', 'bootstrap-kubeadm', 'control-plane-kubeadm']);

/**
 * `upgrade apply`: check the request, plan the items (by contract or as asked), upgrade
 * cert-manager when its configured version is newer, then replace each provider's components.
 */
export async function applyUpgrade(deps: UpgradeDeps, options: UpgradeApplyOptions): Promise<UpgradeItem[]> {
  validateApplyOptions(options);
  const items = await planApplyItems(deps, options);
  for (const item of items) checkVersionSkip(item);
  await upgradeCertManagerIfNeeded(deps);
  if (items.length === 0) {
    deps.reporter.info('All the providers are already up to date.');
    return [];
  }
  items.sort((a, b) => providerTypeOrder(a.provider.type) - providerTypeOrder(b.provider.type));
  // Fetch everything first: nothing is touched if a release is missing.
  const components = new Map<UpgradeItem, ProviderComponents>();
  for (const item of items) {
    components.set(
      item,
      await deps.fetchComponents(
        { name: item.provider.providerName, type: item.provider.type, version: item.nextVersion },
        item.provider.namespace,
      ),
    );
  }
  await scaleDownControllers(deps, items, options);
  for (const item of items) await replaceComponents(deps, item, components.get(item)!);
  if (options.waitProviders) {
    for (const item of items) await waitForProvider(deps, item, components.get(item)!, options);
  }
  return items;
}

/** Either --contract (only v1beta2) or providers with versions, not both, not neither. */
function validateApplyOptions(options: UpgradeApplyOptions): void {
  const custom = options.providers ?? [];
  if (options.contract && custom.length > 0) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      'the --contract flag cannot be used together with provider versions',
      {
        hint: 'Use either --contract v1beta2 or a list of providers with versions (e.g. --core cluster-api:v1.13.5).',
      },
    );
  }
  if (!options.contract && custom.length === 0) {
    throw new ClusterctlError('INVALID_ARGUMENT', 'nothing to upgrade: pass --contract or providers with versions', {
      hint: 'Run "clusterctl upgrade plan" to see the available upgrades.',
    });
  }
  if (options.contract && options.contract !== 'v1beta2') {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `current version of clusterctl could only upgrade to v1beta2 contract, requested ${options.contract}`,
    );
  }
}

/** The providers to upgrade: the contract's plan (those with a newer version), or each one asked for. */
async function planApplyItems(deps: UpgradeDeps, options: UpgradeApplyOptions): Promise<UpgradeItem[]> {
  if (options.contract) {
    const planned = await planUpgrade(deps);
    return planned.plans.find((p) => p.contract === options.contract)?.items.filter((i) => i.nextVersion) ?? [];
  }
  await checkManagementCluster(deps.client, { strict: true, allowV1beta1: true });
  const installed = await listInstalledProviders(deps.client);
  const items: UpgradeItem[] = [];
  const problems: ClusterctlError[] = [];
  for (const c of options.providers ?? []) {
    const label = manifestLabel(c.name, c.type);
    const matches = installed.filter((p) => p.name === label);
    if (matches.length !== 1) {
      problems.push(
        new ClusterctlError(
          matches.length === 0 ? 'NOT_FOUND' : 'CONFLICT',
          matches.length === 0
            ? `the ${label} provider is not installed`
            : `the ${label} provider has several instances`,
        ),
      );
      continue;
    }
    items.push({ provider: matches[0]!, nextVersion: c.version });
  }
  if (problems.length > 0) throw new AggregateClusterctlError('cannot plan the upgrade', problems);
  return items;
}

/** Core and kubeadm providers from v1.10 on may not skip more than three minor versions. */
function checkVersionSkip(item: UpgradeItem): void {
  const from = semver.parse(item.provider.version);
  const to = semver.parse(item.nextVersion);
  if (
    from &&
    to &&
    skipLimitedProviders.has(item.provider.name) &&
    semver.gte(from, '1.10.0') &&
    to.major === from.major &&
    to.minor - from.minor > 3
  ) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `upgrading ${item.provider.name} from ${item.provider.version} to ${item.nextVersion} is not supported: can't skip more than 3 versions`,
      { hint: 'Upgrade in steps of at most three minor versions.' },
    );
  }
}

async function upgradeCertManagerIfNeeded(deps: UpgradeDeps): Promise<void> {
  if (!deps.certManager) return;
  const { client, reporter } = deps;
  const { settings, fetchManifest } = deps.certManager;
  const plan = await planCertManagerUpgrade(client, settings.version, () => fetchManifest(settings));
  if (!plan.shouldUpgrade) return;
  const task = reporter.task(`Upgrading cert-manager from ${plan.from} to ${plan.to}`);
  try {
    const result = await upgradeCertManager({ client, reporter, fetchManifest }, settings, (text) => task.update(text));
    const migrated = [...result.migrated.values()].reduce((a, b) => a + b, 0);
    task.succeed(
      `cert-manager upgraded from ${plan.from} to ${plan.to}${migrated > 0 ? ` (${migrated} custom resources migrated to the new storage versions)` : ''}`,
    );
  } catch (error) {
    task.fail(`cert-manager was not upgraded to ${plan.to}`);
    throw error;
  }
}

/** Stops the controllers, and waits until their pods are gone (so none serves an old webhook). */
async function scaleDownControllers(
  { client, reporter }: UpgradeDeps,
  items: readonly UpgradeItem[],
  options: UpgradeApplyOptions,
): Promise<void> {
  const scaleTask = reporter.task('Scaling down the provider controllers');
  try {
    const deployments = (
      await mapWithConcurrency(items, 4, (item) =>
        client.list('apps/v1', 'Deployment', {
          namespace: item.provider.namespace,
          labelSelector: `${Labels.clusterctl},${Labels.provider}=${item.provider.name}`,
        }),
      )
    ).flat();
    await scaleDownDeployments(client, deployments, {
      timeoutMs: options.scaleDownTimeoutMs ?? defaultScaleDownTimeoutMs,
      onWaiting: (pending) =>
        scaleTask.update(
          `Waiting for ${pending.map((p) => `Deployment ${p.name} (${p.replicas} replica${p.replicas === 1 ? '' : 's'} left)`).join(', ')} to scale down to 0`,
        ),
    });
  } catch (error) {
    scaleTask.fail('The provider controllers did not stop; nothing was upgraded');
    throw error;
  }
  scaleTask.succeed('Provider controllers scaled down to 0 replicas');
}

const keptKinds = new Set(['CustomResourceDefinition', 'Namespace', 'Provider']);

/** Deletes the provider's old objects (CRDs, namespace and inventory entry kept), applies the new ones, records the version. */
async function replaceComponents(
  { client, reporter }: UpgradeDeps,
  item: UpgradeItem,
  c: ProviderComponents,
): Promise<void> {
  const task = reporter.task(`Upgrading ${item.provider.name} from ${item.provider.version} to ${item.nextVersion}`);
  const selector = `${Labels.clusterctl},${Labels.provider}=${item.provider.name}`;
  const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  const desired = new Set(c.objects.map(key));
  const found = await listLabelledObjects(client, selector, [item.provider.namespace], { skipKinds: keptKinds });
  await mapWithConcurrency(
    found.filter((o) => !desired.has(key(o))),
    8,
    (o) => client.delete(refOf(o)),
  );
  try {
    await applyComponents(client, c.objects, {
      recreateImmutable: true,
      onRecreate: (o) => reporter.debug(1, `Re-creating ${describeRef(refOf(o))}: an immutable field changed`),
      onProgress: (n, total) =>
        task.update(`Upgrading ${item.provider.name} to ${item.nextVersion} (${n}/${total} objects)`),
    });
  } catch (error) {
    task.fail(`Failed to upgrade ${item.provider.name} to ${item.nextVersion}`);
    throw error instanceof ClusterctlError
      ? new ClusterctlError(error.code, error.message, {
          hint: `${error.hint ? `${error.hint} ` : ''}The inventory still records ${item.provider.name} ${item.provider.version}: after fixing the cause, re-run the same upgrade apply.`,
          cause: error,
          exitCode: error.exitCode,
        })
      : error;
  }
  await saveInstalledProvider(client, {
    namespace: item.provider.namespace,
    providerName: item.provider.providerName,
    type: item.provider.type,
    version: item.nextVersion,
  });
  task.succeed(`Upgraded ${item.provider.name} from ${item.provider.version} to ${item.nextVersion}`);
}

async function waitForProvider(
  { client, reporter }: UpgradeDeps,
  item: UpgradeItem,
  c: ProviderComponents,
  options: UpgradeApplyOptions,
): Promise<void> {
  const task = reporter.task(`Waiting for ${item.provider.name} to be available`);
  try {
    await waitForDeployments(client, c.objects, {
      timeoutMs: options.waitProviderTimeoutMs ?? 300_000,
      onWaiting: (pending) =>
        task.update(`Waiting for ${item.provider.name}: Deployment ${pending.join(', ')} not yet Available`),
    });
  } catch (error) {
    task.fail(`${item.provider.name} ${item.nextVersion} is not available`);
    throw error;
  }
  task.succeed(`${item.provider.name} is available`);
}
