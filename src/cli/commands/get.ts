import type { Command } from 'commander';
import { getKubeconfig } from '../../core/get-kubeconfig.js';
import { managementClient } from '../kube.js';
import type { CommandRunner } from '../program.js';

export function registerGet(program: Command, run: CommandRunner): void {
  const get = program.command('get').description('Get info from a management or a workload cluster');
  get
    .command('kubeconfig')
    .argument('<name>', 'workload cluster name')
    .description('Gets the kubeconfig file for accessing a workload cluster')
    .option('-n, --namespace <namespace>', 'Namespace where the workload cluster exist.')
    .action(
      run<{ namespace?: string }>(async (ctx, opts, args) => {
        const client = await managementClient(ctx);
        const kubeconfig = await getKubeconfig({ client }, { clusterName: args[0] ?? '', namespace: opts.namespace });
        ctx.out(`${kubeconfig}\n`);
      }),
    );
}
