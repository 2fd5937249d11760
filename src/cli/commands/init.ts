import type { ProviderFlags } from '../../core/init.js';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { ClusterctlError } from '../../errors.js';
import { init, planInit, type InitDeps, type InitOptions, type InitPlan } from '../../core/init.js';
import { tabwrite } from '../../core/format.js';
import { manifestLabel } from '../../types.js';
import type { CliContext } from '../context.js';
import { managementClient } from '../kube.js';
import type { CommandRunner } from '../context.js';
import { createProviderServices } from '../providers.js';
import { initDepsFor } from '../shared/init-deps.js';
import { addProviderFlags, parseBool, providerFlagsOf, providerTimeoutMs } from '../shared/provider-flags.js';

async function initDeps(ctx: CliContext): Promise<InitDeps> {
  return initDepsFor(ctx, await managementClient(ctx));
}

function planData(plan: InitPlan) {
  return {
    firstRun: plan.firstRun,
    providers: plan.providers.map((p) => ({
      name: p.name,
      type: p.type,
      version: p.version,
      namespace: p.namespace,
      url: p.url,
      contract: p.contract,
      objects: p.objectCount,
      variables: p.variables,
      images: p.images,
      action: p.skip ? 'skip (already installed)' : 'install',
    })),
    problems: plan.problems,
  };
}

function formatPlan(plan: InitPlan): string {
  const rows = [['PROVIDER', 'TYPE', 'VERSION', 'NAMESPACE', 'OBJECTS', 'ACTION']];
  for (const p of plan.providers)
    rows.push([
      manifestLabel(p.name, p.type),
      p.type,
      p.version,
      p.namespace,
      String(p.objectCount),
      p.skip ? 'skip (already installed)' : 'install',
    ]);
  let out = tabwrite(rows, { minWidth: 8, padding: 3 });
  const vars = [...new Set(plan.providers.flatMap((p) => p.variables))].sort();
  if (vars.length > 0) out += `\nVariables used:\n${vars.map((v) => `  - ${v}`).join('\n')}\n`;
  if (plan.problems.length > 0) out += `\nProblems:\n${plan.problems.map((p) => `  - ${p}`).join('\n')}\n`;
  return out;
}

function initOptions(
  opts: ProviderFlags & {
    targetNamespace?: string;
    waitProviders?: boolean;
    waitProviderTimeout: string;
    validate: boolean;
  },
): InitOptions {
  return {
    ...providerFlagsOf(opts),
    targetNamespace: opts.targetNamespace,
    waitProviders: Boolean(opts.waitProviders),
    waitProviderTimeoutMs: providerTimeoutMs(opts.waitProviderTimeout),
    validate: opts.validate,
  };
}

export function registerInit(program: Command, run: CommandRunner): void {
  const cmd = addProviderFlags(program.command('init'), 'add to the management cluster')
    .description('Initialize a management cluster')
    .option(
      '-n, --target-namespace <namespace>',
      "The target namespace where the providers should be deployed. If unspecified, the provider components' default namespace is used.",
    )
    .option('--wait-providers', 'Wait for providers to be installed.', false)
    .option(
      '--wait-provider-timeout <seconds>',
      'Wait timeout per provider installation in seconds. This value is ignored if --wait-providers is false',
      '300',
    )
    .option(
      '--validate [bool]',
      'If true, clusterctl will validate that the deployments will succeed on the management cluster.',
      parseBool,
      true,
    )
    .option(
      '--dry-run',
      'Print what would be installed (providers, versions, namespaces, object counts, variables) without changing the cluster.',
      false,
    )
    .option('-o, --output <format>', 'With --dry-run: text (default), yaml or json.', 'text')
    .action(run<InitFlags>(initCommand));
  cmd
    .command('list-images')
    .description('Lists the container images required for initializing the management cluster.')
    .action(run<ProviderFlags>((ctx, _opts, _args, command) => listImages(ctx, command)));
}

interface InitFlags extends ProviderFlags {
  targetNamespace?: string;
  waitProviders?: boolean;
  waitProviderTimeout: string;
  validate: boolean;
  dryRun: boolean;
  output: string;
}

async function initCommand(ctx: CliContext, opts: InitFlags): Promise<void> {
  if (!['text', 'yaml', 'json'].includes(opts.output))
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid output format "${opts.output}": use text, yaml or json`);
  const options = initOptions(opts);
  const deps = await initDeps(ctx);
  if (opts.dryRun) {
    const plan = await planInit(deps, options);
    if (opts.output === 'json') ctx.out(JSON.stringify(planData(plan), null, 2) + '\n');
    else if (opts.output === 'yaml') ctx.out(stringify(planData(plan)));
    else ctx.out(formatPlan(plan));
    return;
  }
  const started = Date.now();
  ctx.interruptHint = 'Re-run the same init to finish: providers already installed are skipped.';
  const result = await init(deps, options, ctx.signal);
  if (result.installed.length === 0) {
    ctx.reporter.info('Nothing to do: every requested provider is already installed at that version.');
    return;
  }
  ctx.reporter.debug(1, `init finished in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (result.plan.firstRun) {
    ctx.reporter.info('\nYour management cluster has been initialized successfully!\n');
    ctx.reporter.info('You can now create your first workload cluster by running the following:\n');
    ctx.reporter.info('  clusterctl generate cluster [name] --kubernetes-version [version] | kubectl apply -f -\n');
  }
}

/** `init list-images`: the images of the providers given to init, plus cert-manager's when it is not installed. */
async function listImages(ctx: CliContext, command: Command): Promise<void> {
  const parentOpts = command.parent?.opts<ProviderFlags>() ?? {};
  const deps = await initDeps(ctx);
  const client = deps.client;
  const plan = await planInit(
    {
      ...deps,
      fetchComponents: async (request, ns) =>
        (await createProviderServices(ctx)).fetchComponents(request, ns, { raw: true }),
    },
    initOptions({ ...parentOpts, waitProviderTimeout: '0', validate: false }),
  );
  const images = new Set(plan.providers.flatMap((p) => p.images));
  const certManagerNs = await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'cert-manager' });
  if (!certManagerNs) {
    for (const obj of await deps.fetchCertManager(deps.certManager)) {
      const pod = (
        obj.spec as
          | { template?: { spec?: { containers?: { image?: string }[]; initContainers?: { image?: string }[] } } }
          | undefined
      )?.template?.spec;
      for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) if (c.image) images.add(c.image);
    }
  }
  ctx.out(
    [...images]
      .sort()
      .map((i) => `${i}\n`)
      .join(''),
  );
}
