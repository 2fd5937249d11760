import type { Command } from 'commander';
import { rollout, type RolloutAction } from '../../core/rollout.js';
import { managementClient } from '../kube.js';
import type { CommandRunner } from '../context.js';

const actions: { action: RolloutAction; description: string }[] = [
  { action: 'restart', description: 'Restart a cluster-api resource' },
  { action: 'pause', description: 'Pause a cluster-api resource' },
  { action: 'resume', description: 'Resume a cluster-api resource' },
];

/** `clusterctl alpha rollout restart|pause|resume kind/name...` (MachineDeployments, KubeadmControlPlanes). */
export function registerAlpha(program: Command, run: CommandRunner): void {
  const alpha = program.command('alpha').description('Commands for features in alpha');
  const group = alpha
    .command('rollout')
    .description('Manage the rollout of a cluster-api resource (machinedeployment, kubeadmcontrolplane)');
  for (const { action, description } of actions) {
    group
      .command(action)
      .description(description)
      .argument('[resources...]', 'kind/name of each object, e.g. machinedeployment/my-md-0')
      .option(
        '-n, --namespace <namespace>',
        'Namespace where the resource(s) reside. If unspecified, the default namespace will be used.',
      )
      .action(
        run<{ namespace?: string }>(async (ctx, opts, args) => {
          const client = await managementClient(ctx);
          const result = await rollout({ client }, { action, resources: args, namespace: opts.namespace });
          // The Go tool prints nothing on success; say what changed at -v 1 and above.
          for (const ref of result.changed) ctx.reporter.debug(1, `${action} ${ref.kind} ${ref.namespace}/${ref.name}`);
        }),
      );
  }
}
