import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileWriteError, writePrivateFile } from '../../adapters/state/private-file.js';
import { delimiter, join } from 'node:path';
import { getKubeconfig } from '../../core/get-kubeconfig.js';
import { mergeKubeconfig } from '../../core/kubeconfig-merge.js';
import type { CliContext } from '../context.js';
import { managementClient } from '../kube.js';
import type { CommandRunner } from '../context.js';

/** Where `--merge` writes without a file: kubectl's first KUBECONFIG entry that exists, else the first, else ~/.kube/config. */
function mergeTarget(ctx: CliContext, explicit: string | true): string {
  if (typeof explicit === 'string' && explicit !== '') return explicit;
  const list = (ctx.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  return list.find((p) => existsSync(p)) ?? list[0] ?? join(ctx.io.homeDir, '.kube', 'config');
}

/** The kubeconfig to merge into; undefined when it does not exist yet. */
async function readExisting(target: string): Promise<string | undefined> {
  try {
    return await readFile(target, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileWriteError(target, error) ?? error;
  }
}

export function registerGet(program: Command, run: CommandRunner): void {
  const get = program.command('get').description('Get info from a management or a workload cluster');
  get
    .command('kubeconfig')
    .argument('<name>', 'workload cluster name')
    .description('Gets the kubeconfig file for accessing a workload cluster')
    .option('-n, --namespace <namespace>', 'Namespace where the workload cluster exist.')
    .option(
      '--merge [file]',
      'Merge the kubeconfig into a kubeconfig file as a new context instead of printing it (default: the first file of $KUBECONFIG, else ~/.kube/config).',
    )
    .option(
      '--context-name <name>',
      'With --merge: the name of the new context (default: the context name in the Secret).',
    )
    .option('--use-context', 'With --merge: also make the new context the current one.', false)
    .action(
      run<{ namespace?: string; merge?: string | true; contextName?: string; useContext: boolean }>(
        async (ctx, opts, args) => {
          const client = await managementClient(ctx);
          const clusterName = args[0] ?? '';
          const kubeconfig = await getKubeconfig({ client }, { clusterName, namespace: opts.namespace });
          if (opts.merge === undefined) {
            ctx.out(`${kubeconfig}\n`);
            return;
          }
          const target = mergeTarget(ctx, opts.merge);
          const existing = await readExisting(target);
          const namespace = opts.namespace || client.currentNamespace;
          const merged = mergeKubeconfig(existing, kubeconfig, {
            contextName: opts.contextName,
            source: `Secret ${namespace}/${clusterName}-kubeconfig`,
            target,
            setCurrent: opts.useContext,
          });
          await writePrivateFile(target, merged.text, { lock: true });
          ctx.reporter.info(
            `${merged.replaced ? 'Updated' : 'Added'} context "${merged.context}" in ${target}${opts.useContext ? ' (now current)' : ''}; use it with: kubectl --context ${merged.context} get nodes`,
          );
        },
      ),
    );
}
