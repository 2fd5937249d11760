/**
 * `clusterctl create management-cluster NAME` (alias `clusterctl bootstrap NAME`): kind -> init ->
 * workload cluster -> move -> a self-managed management cluster, resumable. See core/bootstrap/.
 *
 * Named after what the user ends up with (a management cluster) rather than "bootstrap", which
 * in Cluster API already means a provider type (`-b/--bootstrap kubeadm`) and the temporary
 * cluster itself (`--bootstrap-kubeconfig`).
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  createBootstrapStateStore,
  bootstrapStateDir,
  writePrivateFile,
} from '../../adapters/state/bootstrap-state.js';
import { createMoveJournalStore, moveStateDir } from '../../adapters/state/move-journal.js';
import { createKindCli, findExecutable } from '../../adapters/process.js';
import { parseGoDuration, parseProviderRef } from '../../config/index.js';
import { clusterClassLookup } from '../../core/cluster/cluster-class-lookup.js';
import { listInstalledProviders } from '../../core/cluster/inventory.js';
import { repositoryTemplate } from '../../core/repository/template-source.js';
import { bootstrap } from '../../core/bootstrap/bootstrap.js';
import type { BootstrapDeps, BootstrapOptions, BootstrapResult } from '../../core/bootstrap/types.js';
import { tabwrite } from '../../core/format.js';
import { generateCluster } from '../../core/generate.js';
import { init } from '../../core/init.js';
import { move } from '../../core/move/index.js';
import { parseInt64Flag } from '../../core/validation.js';
import { ClusterctlError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { managementClient } from '../kube.js';
import { packageRoot } from '../package-info.js';
import type { CommandRunner } from '../context.js';
import { createProviderServices, type ProviderServices } from '../providers.js';
import { initDepsFor } from '../shared/init-deps.js';
import { addProviderFlags, parseBool, providerFlagsOf, providerTimeoutMs } from '../shared/provider-flags.js';
import { templateRepositories } from '../shared/template-repository.js';
import type { ProviderFlags } from '../../core/init.js';

interface Flags extends ProviderFlags {
  targetNamespace?: string;
  flavor?: string;
  kubernetesVersion?: string;
  controlPlaneMachineCount?: string;
  workerMachineCount?: string;
  kindConfig?: string;
  kindImage?: string;
  kindWait: string;
  bootstrapKubeconfig?: string;
  bootstrapKubeconfigContext?: string;
  keepBootstrap: boolean;
  kubeconfigOut?: string;
  waitTimeout: string;
  waitProviders: boolean;
  waitProviderTimeout: string;
  output: string;
}

function duration(flag: string, value: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined || ms < 0) {
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid ${flag} "${value}": give a duration such as 90s, 10m or 1h`);
  }
  return ms;
}

function count(flag: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(parseInt64Flag(flag, value));
}

/** The kind config: --kind-config (a file or - for stdin), else templates/kind/bootstrap-cluster.yaml. */
async function kindConfig(ctx: CliContext, flag: string | undefined, infrastructure: string[]): Promise<string> {
  if (flag === '-') {
    let text = '';
    for await (const chunk of ctx.io.stdin as AsyncIterable<Buffer>) text += chunk.toString('utf8');
    return text;
  }
  if (flag) {
    try {
      return await readFile(resolve(ctx.io.cwd, flag), 'utf8');
    } catch (error) {
      throw new ClusterctlError('NOT_FOUND', `cannot read the kind config ${flag}: ${(error as Error).message}`, {
        hint: 'Pass the path of a kind Cluster config (kind: Cluster, apiVersion: kind.x-k8s.io/v1alpha4).',
        cause: error,
      });
    }
  }
  const text = await readFile(join(packageRoot, 'templates', 'kind', 'bootstrap-cluster.yaml'), 'utf8');
  const docker = infrastructure.some((p) => p.split(',').some((x) => x.trim().split(':')[0] === 'docker'));
  if (docker) return text;
  // Only the docker provider needs the host's docker socket inside the node.
  const config = parse(text) as { nodes?: { extraMounts?: unknown }[] };
  for (const node of config.nodes ?? []) delete node.extraMounts;
  return stringify(config);
}

function summary(result: BootstrapResult): string {
  const rows = [['STEP', 'STATUS', 'TIME']];
  let total = 0;
  for (const s of result.steps) {
    if (s.status === 'skipped') continue;
    total += s.status === 'done' ? s.durationMs : 0;
    rows.push([s.step, s.status === 'done' ? 'done' : 'done earlier', `${(s.durationMs / 1000).toFixed(1)}s`]);
  }
  rows.push(['total (this run)', '', `${(total / 1000).toFixed(1)}s`]);
  const bootstrapLine =
    result.bootstrapCluster.mode === 'kind'
      ? result.bootstrapCluster.deleted
        ? `The bootstrap cluster (kind ${result.bootstrapCluster.name}) was deleted.`
        : `The bootstrap cluster (kind ${result.bootstrapCluster.name}) was kept: ${result.bootstrapCluster.kubeconfigPath}`
      : `The bootstrap cluster (${result.bootstrapCluster.kubeconfigPath}) was left as it was, without the moved objects.`;
  return (
    `Management cluster ${result.namespace}/${result.clusterName} is ready and manages itself.\n` +
    `Kubeconfig: ${result.kubeconfigPath}\n` +
    `  kubectl --kubeconfig ${result.kubeconfigPath} get clusters -A\n` +
    `${bootstrapLine}\n\n` +
    tabwrite(rows, { minWidth: 8, padding: 3 })
  );
}

function configure(cmd: Command, run: CommandRunner): Command {
  return addProviderFlags(cmd, 'install on both clusters')
    .argument('<name>', 'name of the new management cluster (the workload cluster that becomes self-managed)')
    .option('-n, --target-namespace <namespace>', 'Namespace of the cluster objects.', 'default')
    .option('-f, --flavor <flavor>', 'The cluster template flavor of the infrastructure provider.')
    .option('--kubernetes-version <version>', 'Kubernetes version of the new cluster (KUBERNETES_VERSION otherwise).')
    .option('--control-plane-machine-count <count>', 'Number of control plane machines.')
    .option('--worker-machine-count <count>', 'Number of worker machines.')
    .option(
      '--kind-config <file>',
      'kind config for the bootstrap cluster (- for stdin). Default: templates/kind/bootstrap-cluster.yaml (with the docker socket mount for the docker provider).',
    )
    .option('--kind-image <image>', 'Node image of the bootstrap kind cluster (kind create cluster --image).')
    .option('--kind-wait <duration>', 'How long kind waits for its control plane (kind create cluster --wait).', '5m')
    .option('--bootstrap-kubeconfig <path>', 'Use this existing cluster as the bootstrap cluster instead of kind.')
    .option('--bootstrap-kubeconfig-context <context>', 'Context of --bootstrap-kubeconfig.')
    .option('--keep-bootstrap', 'Keep the kind bootstrap cluster at the end.', false)
    .option(
      '--kubeconfig-out <path>',
      "Where to write the new management cluster's kubeconfig (default ./NAME.kubeconfig).",
    )
    .option('--wait-timeout <duration>', 'How long to wait for the workload cluster to be provisioned.', '30m')
    .option('--wait-providers [bool]', "Wait for the providers' controllers after each init.", parseBool, false)
    .option('--wait-provider-timeout <seconds>', 'Wait timeout per provider installation in seconds.', '300')
    .option(
      '-o, --output <format>',
      'text (default) or json (the result on stdout; JSON progress events in pipes).',
      'text',
    )
    .action(run<Flags>(createManagementCluster));
}

async function createManagementCluster(ctx: CliContext, opts: Flags, args: string[]): Promise<void> {
  const options = await bootstrapOptions(ctx, opts, args[0] ?? '');
  const services = await createProviderServices(ctx);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await bootstrap(bootstrapDeps(ctx, services, controller.signal), options);
    if (opts.output === 'json') ctx.out(JSON.stringify(result, null, 2) + '\n');
    else ctx.out(summary(result));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Checks the flags and turns them into the operation's options. */
async function bootstrapOptions(ctx: CliContext, opts: Flags, name: string): Promise<BootstrapOptions> {
  if (!['text', 'json'].includes(opts.output))
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid output format "${opts.output}": use text or json`);
  if (ctx.global.kubeconfig)
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      '--kubeconfig does not apply here: this command creates its own clusters',
      { hint: 'To use an existing cluster as the bootstrap cluster, pass --bootstrap-kubeconfig PATH.' },
    );
  const waitProviderTimeoutMs = providerTimeoutMs(opts.waitProviderTimeout);
  const useKind = !opts.bootstrapKubeconfig;
  const options: BootstrapOptions = {
    clusterName: name,
    namespace: opts.targetNamespace,
    providers: providerFlagsOf(opts),
    flavor: opts.flavor,
    kubernetesVersion: opts.kubernetesVersion,
    controlPlaneMachineCount: count('--control-plane-machine-count', opts.controlPlaneMachineCount),
    workerMachineCount: count('--worker-machine-count', opts.workerMachineCount),
    bootstrapKubeconfig: opts.bootstrapKubeconfig ? resolve(ctx.io.cwd, opts.bootstrapKubeconfig) : undefined,
    bootstrapKubeconfigContext: opts.bootstrapKubeconfigContext,
    kindConfig: useKind ? await kindConfig(ctx, opts.kindConfig, opts.infrastructure ?? []) : undefined,
    kindImage: opts.kindImage,
    kindWaitMs: duration('--kind-wait', opts.kindWait),
    containerRuntime: ctx.env.KIND_EXPERIMENTAL_PROVIDER || 'docker',
    keepBootstrap: opts.keepBootstrap,
    kubeconfigOut: resolve(ctx.io.cwd, opts.kubeconfigOut ?? `${name}.kubeconfig`),
    waitTimeoutMs: duration('--wait-timeout', opts.waitTimeout),
    waitProviders: opts.waitProviders,
    waitProviderTimeoutMs,
  };
  options.pollIntervalMs = Math.max(200, Math.min(2000, (options.waitTimeoutMs ?? 0) / 10));

  return options;
}

/** The real adapters the operation runs with: kind, the state folder, init, generate and move. */
function bootstrapDeps(ctx: CliContext, services: ProviderServices, signal: AbortSignal): BootstrapDeps {
  return {
    reporter: ctx.reporter,
    state: createBootstrapStateStore(bootstrapStateDir(ctx.env, ctx.io.homeDir)),
    kind: createKindCli({ env: ctx.env, reporter: ctx.reporter }),
    findTool: (tool) => findExecutable(tool, ctx.env),
    connect: (kubeconfig, context) => managementClient(ctx, { kubeconfig, kubeconfigContext: context }),
    writeKubeconfig: writePrivateFile,
    init: async (client, initOptions, reporter, signal) =>
      init(await initDepsFor(ctx, client, services, reporter), initOptions, signal),
    generate: async (client, request) => {
      const source = await repositoryTemplate(templateRepositories(services), {
        infrastructure: parseProviderRef(request.infrastructure),
        flavor: request.flavor,
        installed: () => listInstalledProviders(client),
      });
      const generated = await generateCluster(
        {
          lookup: (v) => services.config.variable(v),
          envLookup: (v) => ctx.env[v.toUpperCase().replace(/-/g, '_')],
          ...source,
          cluster: clusterClassLookup(client),
          currentNamespace: client.currentNamespace,
        },
        {
          clusterName: request.clusterName,
          targetNamespace: request.namespace,
          kubernetesVersion: request.kubernetesVersion,
          controlPlaneMachineCount: request.controlPlaneMachineCount,
          workerMachineCount: request.workerMachineCount,
        },
      );
      return generated.objects;
    },
    moveObjects: (source, target, namespace, reporter, signal) =>
      move(
        {
          source,
          target,
          journal: createMoveJournalStore(moveStateDir(ctx.env, ctx.io.homeDir)),
          reporter,
          signal,
        },
        { namespace },
      ),
    signal,
  };
}

const description =
  'Create a self-managed management cluster in one go: a temporary kind cluster, init, a workload cluster from the infrastructure provider template, the same providers on it, move, and deletion of the temporary cluster. Resumable: run it again after a failure or Ctrl-C.';

export function registerBootstrap(program: Command, run: CommandRunner): void {
  const create = program.command('create').description('Create a management cluster.');
  configure(create.command('management-cluster').description(description), run);
  configure(program.command('bootstrap').description(`${description} (Alias of "create management-cluster".)`), run);
}
