/**
 * `clusterctl init`: plan which providers to install (defaults on the first run, validation of
 * contracts and duplicates), then install cert-manager and the providers in type order, record
 * them in the inventory, and optionally wait for their controllers.
 */
import { AggregateClusterctlError, ClusterctlError } from '../errors.js';
import { manifestLabel, providerTypeOrder, type KubeObject, type ObjectRef, type ProviderType } from '../types.js';
import { ensureCertManager, type CertManagerOutcome, type CertManagerSettings } from './cluster/cert-manager.js';
import {
  applyComponents,
  findImmutableConflicts,
  kubectlDelete,
  waitForCrdsEstablished,
  waitForDeployments,
} from './cluster/installer.js';
import {
  ensureInventoryCrd,
  listInstalledProviders,
  saveInstalledProvider,
  type InstalledProvider,
} from './cluster/inventory.js';
import { checkManagementCluster } from './cluster/management-cluster.js';
import type { KubeClient, Reporter } from './ports.js';
import { crdNameError } from './repository/components.js';

const supportedContracts = ['v1beta2', 'v1beta1'] as const;

/** `name[:version]` as given on the command line. */
export interface ProviderRequest {
  name: string;
  type: ProviderType;
  version?: string | undefined;
}

/** One provider's components, fetched, substituted and processed (namespace, labels, images). */
export interface ProviderComponents {
  name: string;
  type: ProviderType;
  version: string;
  targetNamespace: string;
  /** Where the components came from (for the plan). */
  url: string;
  /** Contract of the release series of `version` (from metadata.yaml). */
  contract: string;
  objects: KubeObject[];
  variables: string[];
  images: string[];
}

/** The provider flags (`name[:version]`, comma-separated and repeatable), as init takes them. */
export interface ProviderFlags {
  core?: string[] | undefined;
  bootstrap?: string[] | undefined;
  controlPlane?: string[] | undefined;
  infrastructure?: string[] | undefined;
  ipam?: string[] | undefined;
  runtimeExtension?: string[] | undefined;
  addon?: string[] | undefined;
}

export interface InitOptions extends ProviderFlags {
  targetNamespace?: string | undefined;
  waitProviders?: boolean;
  waitProviderTimeoutMs?: number;
  /** false: validation problems are reported but do not stop the installation. */
  validate?: boolean;
}

export interface InitDeps {
  client: KubeClient;
  reporter: Reporter;
  /** Parses `name[:version]` (validated). */
  parseRef: (ref: string, type: ProviderType) => ProviderRequest;
  /** Fetches and processes one provider's components. */
  fetchComponents: (request: ProviderRequest, targetNamespace: string | undefined) => Promise<ProviderComponents>;
  certManager: CertManagerSettings;
  fetchCertManager: (settings: CertManagerSettings) => Promise<KubeObject[]>;
}

export interface PlannedProvider {
  name: string;
  type: ProviderType;
  version: string;
  namespace: string;
  url: string;
  contract: string;
  objectCount: number;
  variables: string[];
  images: string[];
  /** Already installed with the same version: nothing to do. */
  skip: boolean;
}

export interface InitPlan {
  firstRun: boolean;
  providers: PlannedProvider[];
  /** Validation problems (errors when validate=true). */
  problems: string[];
  components: ProviderComponents[];
}

function splitRefs(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/**
 * The providers named by init's flags, each parsed; with `defaults`, the first-run defaults
 * (cluster-api, kubeadm bootstrap and control plane) unless a type is opted out with `-`.
 */
export function providerRequests(
  parseRef: (ref: string, type: ProviderType) => ProviderRequest,
  options: ProviderFlags,
  settings: { defaults: boolean; allowCoreOptOut: boolean },
): ProviderRequest[] {
  const requests: ProviderRequest[] = [];
  const add = (values: string[] | undefined, type: ProviderType, firstRunDefault?: string) => {
    const refs = splitRefs(values);
    if (refs.includes('-')) {
      if (type === 'CoreProvider' && !settings.allowCoreOptOut) {
        throw new ClusterctlError('INVALID_ARGUMENT', 'the core provider cannot be opted out with "--core -"', {
          hint: 'Drop "--core -"; every management cluster needs the cluster-api core provider.',
        });
      }
      return;
    }
    if (refs.length === 0 && settings.defaults && firstRunDefault) refs.push(firstRunDefault);
    for (const ref of refs) requests.push(parseRef(ref, type));
  };
  add(options.core, 'CoreProvider', 'cluster-api');
  add(options.bootstrap, 'BootstrapProvider', 'kubeadm');
  add(options.controlPlane, 'ControlPlaneProvider', 'kubeadm');
  add(options.infrastructure, 'InfrastructureProvider');
  add(options.ipam, 'IPAMProvider');
  add(options.runtimeExtension, 'RuntimeExtensionProvider');
  add(options.addon, 'AddonProvider');
  return requests;
}

/** Computes what init will do, without writing anything (used by --dry-run and by init itself). */
export async function planInit(deps: InitDeps, options: InitOptions): Promise<InitPlan> {
  const { client } = deps;
  await checkManagementCluster(client, { strict: false });
  const installed = await listInstalledProviders(client);
  const firstRun = !installed.some((p) => p.type === 'CoreProvider');

  const requests = providerRequests(deps.parseRef, options, { defaults: firstRun, allowCoreOptOut: false });

  if (requests.length === 0) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      'there are no providers to install: the management cluster is already initialized',
      {
        hint: 'Name providers to add (e.g. --infrastructure docker), or use "clusterctl upgrade plan" to change versions.',
      },
    );
  }

  const components: ProviderComponents[] = [];
  for (const request of requests) {
    components.push(await deps.fetchComponents(request, options.targetNamespace));
  }

  const problems: string[] = [];
  const planned: PlannedProvider[] = [];
  for (const c of components) {
    const label = manifestLabel(c.name, c.type);
    const same = installed.find(
      (p) => p.name === label && p.namespace === c.targetNamespace && p.version === c.version,
    );
    const other = installed.find(
      (p) => p.name === label && !(p.namespace === c.targetNamespace && p.version === c.version),
    );
    if (other) {
      problems.push(
        other.version !== c.version && other.namespace === c.targetNamespace
          ? `the "${label}" provider is already installed in the "${other.namespace}" namespace at version ${other.version}; init cannot install ${c.version} over it (use "clusterctl upgrade apply")`
          : `there is already an instance of the "${label}" provider installed in the "${other.namespace}" namespace`,
      );
    }
    if (!supportedContracts.includes(c.contract as (typeof supportedContracts)[number])) {
      problems.push(
        `the ${label} provider ${c.version} implements the ${c.contract} contract; this clusterctl supports ${supportedContracts.join(' and ')}`,
      );
    }
    planned.push({
      name: c.name,
      type: c.type,
      version: c.version,
      namespace: c.targetNamespace,
      url: c.url,
      contract: c.contract,
      objectCount: c.objects.length,
      variables: c.variables,
      images: c.images,
      skip: Boolean(same),
    });
  }

  problems.push(...combinationProblems(installed, planned));
  problems.push(...crdNameProblems(components));

  planned.sort((a, b) => providerTypeOrder(a.type) - providerTypeOrder(b.type) || a.name.localeCompare(b.name));
  return { firstRun, providers: planned, problems, components };
}

/** Exactly one core provider, no provider twice, and every new provider on the core provider's contract. */
function combinationProblems(installed: InstalledProvider[], planned: PlannedProvider[]): string[] {
  const out: string[] = [];
  // Exactly one core provider, and no provider twice in this request.
  const cores = [
    ...installed.filter((p) => p.type === 'CoreProvider').map((p) => p.name),
    ...planned.filter((p) => p.type === 'CoreProvider' && !p.skip).map((p) => p.name),
  ];
  if (cores.length > 1)
    out.push(`there must be exactly one core provider; found ${cores.length} (${cores.join(', ')})`);
  const seen = new Set<string>();
  for (const p of planned) {
    const key = `${p.type}/${p.name}`;
    if (seen.has(key)) out.push(`the ${manifestLabel(p.name, p.type)} provider was requested twice`);
    seen.add(key);
  }
  // New providers must speak the core provider's contract.
  const coreContract = planned.find((p) => p.type === 'CoreProvider')?.contract;
  if (coreContract) {
    for (const p of planned) {
      if (p.contract !== coreContract && p.type !== 'CoreProvider') {
        out.push(
          `the ${manifestLabel(p.name, p.type)} provider ${p.version} implements the ${p.contract} contract, but the core provider implements ${coreContract}`,
        );
      }
    }
  }
  return out;
}

function crdNameProblems(components: ProviderComponents[]): string[] {
  const out: string[] = [];
  for (const c of components) {
    for (const obj of c.objects) {
      const error = crdNameError(obj);
      if (error) out.push(`${error.message} (${manifestLabel(c.name, c.type)} ${c.version})`);
    }
  }
  return out;
}

export interface InitResult {
  plan: InitPlan;
  installed: InstalledProvider[];
  skipped: PlannedProvider[];
  certManager: CertManagerOutcome | 'not-needed';
}

/**
 * An object left with an immutable field set differently (an interrupted install of another
 * version, another tool) would stop the install halfway: find it before anything is written.
 */
async function checkNoImmutableConflicts(client: KubeClient, toInstall: ProviderComponents[]): Promise<void> {
  const conflicts: { ref: ObjectRef; error: ClusterctlError }[] = [];
  for (const c of toInstall) conflicts.push(...(await findImmutableConflicts(client, c.objects)));
  if (conflicts.length > 0) {
    throw new AggregateClusterctlError(
      'the providers cannot be installed over objects that already exist',
      conflicts.map((c) => c.error),
      {
        hint: `Nothing was changed on the cluster. These objects exist with a definition that cannot be updated in place (left by an earlier install of another version, or created by another tool): delete them (${conflicts.map((c) => kubectlDelete(c.ref)).join('; ')}) and re-run the same init; to change the version of an installed provider, use "clusterctl upgrade apply".`,
      },
    );
  }
}

/** --wait-providers: every provider's Deployments Available, the failures reported together. */
async function waitForProviders(
  deps: InitDeps,
  ordered: ProviderComponents[],
  options: InitOptions,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { client, reporter } = deps;
  const errors: ClusterctlError[] = [];
  for (const c of ordered) {
    const label = manifestLabel(c.name, c.type);
    const task = reporter.task(`Waiting for ${label} to be available`);
    try {
      await waitForDeployments(client, c.objects, {
        timeoutMs: options.waitProviderTimeoutMs ?? 300_000,
        signal,
        onWaiting: (pending) => task.update(`Waiting for ${label}: Deployment ${pending.join(', ')} not yet Available`),
      });
      task.succeed(`${label} is available`);
    } catch (error) {
      task.fail(`${label} is not available`);
      if (error instanceof ClusterctlError) errors.push(error);
      else throw error;
    }
  }
  if (errors.length > 0) throw new AggregateClusterctlError('some providers did not become available', errors);
}

/** Runs init: plan, validate, cert-manager, install in type order, inventory, optional wait. */
export async function init(deps: InitDeps, options: InitOptions, signal?: AbortSignal): Promise<InitResult> {
  const { client, reporter } = deps;
  await checkManagementCluster(client, { strict: false });
  await ensureInventoryCrd(client, reporter);
  const plan = await planInit(deps, options);
  if (plan.problems.length > 0) {
    if (options.validate ?? true) {
      throw new AggregateClusterctlError(
        'the providers cannot be installed',
        plan.problems.map(
          (p) => new ClusterctlError(/already|twice|exactly one/.test(p) ? 'CONFLICT' : 'INVALID_ARGUMENT', p),
        ),
        { hint: 'Fix the requested providers; nothing was changed on the cluster.' },
      );
    }
    for (const p of plan.problems) reporter.warn(p);
  }
  const toInstall = plan.components.filter(
    (c) => !plan.providers.find((p) => p.name === c.name && p.type === c.type)?.skip,
  );
  const skipped = plan.providers.filter((p) => p.skip);
  for (const p of skipped)
    reporter.info(
      `Skipping installing ${manifestLabel(p.name, p.type)} ${p.version}: already installed in the "${p.namespace}" namespace`,
    );
  if (toInstall.length === 0) {
    return { plan, installed: [], skipped, certManager: 'not-needed' };
  }

  await checkNoImmutableConflicts(client, toInstall);

  const certManager = await ensureCertManager(
    { client, reporter, fetchManifest: deps.fetchCertManager, signal },
    deps.certManager,
  );

  const installed: InstalledProvider[] = [];
  // The providers' CRDs are waited for once, after the last install (as before, init returns with
  // every CRD Established): the waits overlap the next installs instead of adding up.
  const appliedCrds: string[] = [];
  const ordered = [...toInstall].sort((a, b) => providerTypeOrder(a.type) - providerTypeOrder(b.type));
  for (const c of ordered) {
    const label = manifestLabel(c.name, c.type);
    const task = reporter.task(`Installing ${label} ${c.version} in namespace ${c.targetNamespace}`);
    try {
      const { crds } = await applyComponents(client, c.objects, {
        signal,
        deferCrdWait: true,
        createNew: true,
        onProgress: (n, total) =>
          task.update(`Installing ${label} ${c.version} in namespace ${c.targetNamespace} (${n}/${total} objects)`),
      });
      appliedCrds.push(...crds);
      const entry = { namespace: c.targetNamespace, providerName: c.name, type: c.type, version: c.version };
      await saveInstalledProvider(client, entry);
      installed.push({ ...entry, name: label });
      task.succeed(`Installed ${label} ${c.version} in namespace ${c.targetNamespace} (${c.objects.length} objects)`);
    } catch (error) {
      task.fail(`Failed to install ${label} ${c.version}`);
      const done = installed.map((p) => p.name).join(', ') || 'none';
      throw error instanceof ClusterctlError
        ? new ClusterctlError(error.code, `${error.message}`, {
            hint: `${error.hint ? `${error.hint} ` : ''}Providers installed before the failure: ${done}. After fixing the cause, re-run the same init: installed providers are skipped and ${label} is applied again.`,
            cause: error,
            exitCode: error.exitCode,
          })
        : error;
    }
  }

  await waitForCrdsEstablished(client, appliedCrds, signal);

  if (options.waitProviders) await waitForProviders(deps, ordered, options, signal);
  return { plan, installed, skipped, certManager };
}
