import type { ProviderFlags } from '../../core/init.js';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { ClusterctlError } from '../../errors.js';
import { metadataFile, parseMetadata } from '../../core/repository/metadata.js';
import { sortVersionsNewestFirst } from '../../core/repository/versions.js';
import {
  applyUpgrade,
  formatUpgradePlan,
  planCertManagerUpgrade,
  planUpgrade,
  type UpgradeDeps,
} from '../../core/upgrade.js';
import type { CliContext } from '../context.js';
import { managementClient } from '../kube.js';
import type { CommandRunner } from '../context.js';
import { createProviderServices } from '../providers.js';
import { addProviderFlags, parseBool, providerRequests } from '../shared/provider-flags.js';

async function upgradeDeps(ctx: CliContext): Promise<UpgradeDeps> {
  const client = await managementClient(ctx);
  const services = await createProviderServices(ctx);
  return {
    client,
    reporter: ctx.reporter,
    repositoryInfo: async (provider) => {
      const repo = await services.openRepository(provider.providerName, provider.type);
      const versions = await repo.getVersions();
      const newest = sortVersionsNewestFirst(versions)[0] ?? provider.version;
      const metadata = parseMetadata(await repo.getFile(newest, metadataFile), repo.label);
      return { versions, metadata };
    },
    fetchComponents: (request, ns) => services.fetchComponents(request, ns),
    certManager: {
      settings: (() => {
        const cm = services.config.certManager();
        return {
          version: cm.version,
          url: cm.url,
          timeoutMs: cm.timeoutMs,
          externallyProvisioned: cm.externallyProvisioned,
        };
      })(),
      fetchManifest: (settings) => services.fetchCertManager(settings),
    },
  };
}

function wholeSeconds(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid ${flag} "${value}": give whole seconds`, {
      hint: `Example: ${flag} 120`,
    });
  return n;
}

export function registerUpgrade(program: Command, run: CommandRunner): void {
  const upgrade = program
    .command('upgrade')
    .description('Upgrade core and provider components in a management cluster');
  upgrade
    .command('plan')
    .description(
      'Provide a list of recommended target versions for upgrading Cluster API providers in a management cluster',
    )
    .option('-o, --output <format>', 'Output format: text (default), yaml or json.', 'text')
    .action(run<{ output: string }>(upgradePlanCommand));
  addProviderFlags(upgrade.command('apply'), 'upgrade to')
    .description('Apply new versions of Cluster API core and providers in a management cluster')
    .option('--contract <contract>', 'The API Version of Cluster API (contract, e.g. v1beta2) to upgrade to.')
    .option('--wait-providers', 'Wait for providers to be upgraded.', false)
    .option(
      '--wait-provider-timeout <seconds>',
      'Wait timeout per provider upgrade in seconds. This value is ignored if --wait-providers is false',
      '300',
    )
    .option(
      '--scale-down-timeout <seconds>',
      'How long to wait for the old provider controllers to stop before upgrading them (beyond the Go tool, which waits 60s).',
      '60',
    )
    .option('--validate [bool]', 'Accepted for compatibility.', parseBool, true)
    .action(run<ApplyFlags>(upgradeApplyCommand));
}

async function upgradePlanCommand(ctx: CliContext, opts: { output: string }): Promise<void> {
  if (!['text', 'yaml', 'json'].includes(opts.output))
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid output format "${opts.output}": use text, yaml or json`);
  const deps = await upgradeDeps(ctx);
  const settings = deps.certManager!.settings;
  const certManager = await planCertManagerUpgrade(deps.client, settings.version, () =>
    deps.certManager!.fetchManifest(settings),
  );
  const result = await planUpgrade(deps);
  if (opts.output === 'text') {
    ctx.out(formatUpgradePlan(result, certManager));
    return;
  }
  const data = {
    certManager,
    currentContract: result.currentContract,
    plans: result.plans.map((p) => ({
      contract: p.contract,
      providers: p.items.map((i) => ({
        name: i.provider.providerName,
        namespace: i.provider.namespace,
        type: i.provider.type,
        currentVersion: i.provider.version,
        nextVersion: i.nextVersion || null,
      })),
    })),
    unsupportedContracts: result.unsupportedContracts,
  };
  ctx.out(opts.output === 'json' ? JSON.stringify(data, null, 2) + '\n' : stringify(data));
}

interface ApplyFlags extends ProviderFlags {
  contract?: string;
  waitProviders?: boolean;
  waitProviderTimeout: string;
  scaleDownTimeout: string;
}

async function upgradeApplyCommand(ctx: CliContext, opts: ApplyFlags): Promise<void> {
  const timeout = wholeSeconds(opts.waitProviderTimeout, '--wait-provider-timeout');
  const scaleDownTimeout = wholeSeconds(opts.scaleDownTimeout, '--scale-down-timeout');
  const requests = providerRequests(opts, true).map((r) => ({
    name: r.name,
    type: r.type,
    version: r.version!,
  }));
  const upgraded = await applyUpgrade(await upgradeDeps(ctx), {
    contract: opts.contract,
    providers: requests,
    waitProviders: Boolean(opts.waitProviders),
    waitProviderTimeoutMs: timeout * 1000,
    scaleDownTimeoutMs: scaleDownTimeout * 1000,
  });
  if (upgraded.length > 0) ctx.reporter.info(`Upgraded ${upgraded.length} provider(s).`);
}
