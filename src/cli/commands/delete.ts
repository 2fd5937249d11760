import type { Command } from 'commander';
import { deleteProviders } from '../../core/delete.js';
import { managementClient } from '../kube.js';
import type { CommandRunner } from '../context.js';
import type { ProviderFlags } from '../../core/init.js';
import { addProviderFlags, providerRequests } from '../shared/provider-flags.js';

export function registerDelete(program: Command, run: CommandRunner): void {
  addProviderFlags(program.command('delete'), 'delete from the management cluster')
    .description('Delete one or more providers from the management cluster')
    .option('--all', 'Force deletion of all the providers', false)
    .option('--include-crd', "Forces the deletion of the provider's CRDs (and of all the related objects)", false)
    .option(
      '--include-namespace',
      'Forces the deletion of the namespace where the providers are hosted (and of all the contained objects)',
      false,
    )
    .action(
      run<ProviderFlags & { all: boolean; includeCrd: boolean; includeNamespace: boolean }>(async (ctx, opts) => {
        const client = await managementClient(ctx);
        const result = await deleteProviders(
          { client, reporter: ctx.reporter },
          {
            providers: providerRequests(opts, false),
            all: opts.all,
            includeCrd: opts.includeCrd,
            includeNamespace: opts.includeNamespace,
          },
        );
        ctx.reporter.info(`Deleted ${result.plan.entries.length} provider(s), ${result.deleted} object(s).`);
      }),
    );
}
