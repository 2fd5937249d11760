import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { createHttpClient, githubEndpointsFromEnv, readSource } from '../../adapters/repository/index.js';
import { ClusterctlError } from '../../errors.js';
import { listInstalledProviders } from '../../core/cluster/inventory.js';
import { findOptionalManagementCluster } from '../../core/cluster/management-cluster.js';
import { generateCluster, generateYaml, type GenerateClusterDeps } from '../../core/generate.js';
import type { KubeClient } from '../../core/ports.js';
import { parseInt64Flag } from '../../core/validation.js';
import { formatProviderDescription, inspectComponents } from '../../core/repository/components.js';
import { clusterClassLookup } from '../../core/cluster/cluster-class-lookup.js';
import { configMapTemplate, repositoryTemplate } from '../../core/repository/template-source.js';
import { parseProviderRef } from '../../config/index.js';
import { serializeObjects } from '../../core/yaml/documents.js';
import type { ProviderType } from '../../types.js';
import type { CliContext } from '../context.js';
import { managementClient } from '../kube.js';
import type { CommandRunner } from '../context.js';
import { createProviderServices, type ProviderServices } from '../providers.js';
import { templateRepositories } from '../shared/template-repository.js';

const decoder = new TextDecoder();

async function output(ctx: CliContext, text: string, writeTo: string | undefined): Promise<void> {
  if (writeTo && writeTo !== '-') {
    await writeFile(writeTo, text, { mode: 0o600 });
    return;
  }
  ctx.out(text);
}

function parseCount(flag: string, value: string | undefined): bigint | undefined {
  return value === undefined ? undefined : parseInt64Flag(flag, value);
}

/** The management cluster, when one is reachable and runs Cluster API; otherwise undefined (or an error if --kubeconfig was explicit). */
interface ClusterFlags {
  targetNamespace?: string;
  kubernetesVersion?: string;
  controlPlaneMachineCount?: string;
  workerMachineCount?: string;
  infrastructure?: string;
  flavor?: string;
  from?: string;
  fromConfigMap?: string;
  fromConfigMapNamespace?: string;
  fromConfigMapKey: string;
  listVariables?: boolean;
  writeTo?: string;
}

export function registerGenerate(program: Command, run: CommandRunner): void {
  const generate = program.command('generate').description('Generate yaml using clusterctl yaml processor.');
  registerGenerateCluster(generate, run);
  registerGenerateProvider(generate, run);
  registerGenerateYaml(generate, run);
}

/** Flags two `generate` subcommands share, with the same help text. */
const writeToFlag = [
  '--write-to <file>',
  'Specify the output file to write the template to, defaults to STDOUT if the flag is not set',
] as const;
const listVariablesFlag = [
  '--list-variables',
  'Returns the list of variables expected by the template instead of the template yaml',
  false,
] as const;

/** Declares `generate cluster` and its flags; the flag descriptions are clusterctl's, hence the length. */
function registerGenerateCluster(generate: Command, run: CommandRunner): void {
  generate
    .command('cluster')
    .argument('[name]', 'name of the workload cluster')
    .description('Generate templates for creating workload clusters.')
    .option(
      '-n, --target-namespace <namespace>',
      'The namespace to use for the workload cluster. If unspecified, the current namespace will be used.',
    )
    .option(
      '--kubernetes-version <version>',
      'The Kubernetes version to use for the workload cluster. If unspecified, the value from OS env variables or the $XDG_CONFIG_HOME/cluster-api/clusterctl.yaml config file will be used.',
    )
    .option('--control-plane-machine-count <count>', 'The number of control plane machines for the workload cluster.')
    .option('--worker-machine-count <count>', 'The number of worker machines for the workload cluster.')
    .option(
      '-i, --infrastructure <provider>',
      'The infrastructure provider to read the workload cluster template from. If unspecified, the default infrastructure provider will be used.',
    )
    .option(
      '-f, --flavor <flavor>',
      'The workload cluster template variant to be used when reading from the infrastructure provider repository. If unspecified, the default cluster template will be used.',
    )
    .option(
      '--from <source>',
      "The URL to read the workload cluster template from. If unspecified, the infrastructure provider repository URL will be used. If set to '-', the workload cluster template is read from stdin.",
    )
    .option(
      '--from-config-map <name>',
      'The ConfigMap to read the workload cluster template from. This can be used as alternative to read from the provider repository or from an URL',
    )
    .option(
      '--from-config-map-namespace <namespace>',
      'The namespace where the ConfigMap exists. If unspecified, the current namespace will be used',
    )
    .option(
      '--from-config-map-key <key>',
      'The ConfigMap.Data key where the workload cluster template is hosted.',
      'template',
    )
    .option(...listVariablesFlag)
    .option(...writeToFlag)
    .action(run<ClusterFlags>(generateClusterCommand));
}

/** Declares `generate provider` and its flags. */
function registerGenerateProvider(generate: Command, run: CommandRunner): void {
  generate
    .command('provider')
    .description('Generate templates for provider components.')
    .option(...writeToFlag)
    .option(
      '--core <provider>',
      "Core provider version (e.g. cluster-api:v1.1.5) to add to the management cluster. If unspecified, Cluster API's latest release is used.",
    )
    .option('-b, --bootstrap <provider>', 'Bootstrap provider and version (e.g. kubeadm:v1.1.5)')
    .option('-c, --control-plane <provider>', 'ControlPlane provider and version (e.g. kubeadm:v1.1.5)')
    .option('-i, --infrastructure <provider>', 'Infrastructure provider and version (e.g. aws:v0.5.0)')
    .option('--ipam <provider>', 'IPAM provider and version (e.g. infoblox:v0.0.1)')
    .option('--runtime-extension <provider>', 'Runtime extension provider and version (e.g. my-extension:v0.0.1)')
    .option('--addon <provider>', 'Add-on provider and version (e.g. helm:v0.1.0)')
    .option(
      '-n, --target-namespace <namespace>',
      'The target namespace where the provider should be deployed. If unspecified, the components default namespace is used.',
    )
    .option('--describe', 'Generate configuration without variable substitution.', false)
    .option('--raw', 'Generate configuration without variable substitution in a yaml format.', false)
    .action(run<ProviderCommandFlags>(generateProviderCommand));
}

/** Declares `generate yaml`. */
function registerGenerateYaml(generate: Command, run: CommandRunner): void {
  generate
    .command('yaml')
    .description("Process yaml using clusterctl's yaml processor.")
    .option('--from <source>', "The URL to read the template from. It defaults to '-' which reads from stdin.", '-')
    .option(...listVariablesFlag)
    .action(
      run<{ from: string; listVariables: boolean }>(async (ctx, opts) => {
        const services = await createProviderServices(ctx);
        const config = services.config;
        const bytes = await readSource(opts.from, sourceDeps(ctx, services));
        ctx.out(
          generateYaml(
            { text: decoder.decode(bytes), source: opts.from === '-' ? 'standard input' : opts.from },
            (name) => config.variable(name),
            { listVariables: opts.listVariables },
          ),
        );
      }),
    );
}

async function generateClusterCommand(ctx: CliContext, opts: ClusterFlags, args: string[]): Promise<void> {
  if (args.length !== 1 || !args[0]) {
    throw new ClusterctlError('INVALID_ARGUMENT', 'please specify a cluster name', {
      hint: 'Usage: clusterctl generate cluster NAME [flags]',
    });
  }
  const sources = [
    opts.from !== undefined,
    opts.fromConfigMap !== undefined,
    opts.infrastructure !== undefined || opts.flavor !== undefined,
  ].filter(Boolean).length;
  if ((opts.from !== undefined && opts.fromConfigMap !== undefined) || sources > 1) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      'only one template source can be used: the provider repository (-i/-f), --from, or --from-config-map',
      { hint: 'Drop all but one of these flags.' },
    );
  }
  // Flag values are checked first, as pflag does before the command runs.
  const controlPlaneMachineCount = parseCount('--control-plane-machine-count', opts.controlPlaneMachineCount);
  const workerMachineCount = parseCount('--worker-machine-count', opts.workerMachineCount);
  const services = await createProviderServices(ctx);
  const config = services.config;
  const cluster = await findOptionalManagementCluster(() => managementClient(ctx), Boolean(ctx.global.kubeconfig));
  const result = await generateCluster(
    {
      lookup: (name) => config.variable(name),
      envLookup: (name) => ctx.env[name.toUpperCase().replace(/-/g, '_')],
      ...(await templateSource(ctx, services, cluster, opts)),
      cluster: cluster.client && cluster.capi ? clusterClassLookup(cluster.client) : undefined,
      currentNamespace: cluster.currentNamespace,
    },
    {
      clusterName: args[0],
      targetNamespace: opts.targetNamespace,
      kubernetesVersion: opts.kubernetesVersion,
      controlPlaneMachineCount,
      workerMachineCount,
      listVariables: opts.listVariables,
    },
  );
  await output(ctx, result.output, opts.listVariables ? undefined : opts.writeTo);
}

/** Where the template comes from: --from (file, URL or stdin), --from-config-map, or the provider repository. */
async function templateSource(
  ctx: CliContext,
  services: ProviderServices,
  cluster: { client?: KubeClient; capi: boolean },
  opts: ClusterFlags,
): Promise<Pick<GenerateClusterDeps, 'readTemplate' | 'readClusterClass'>> {
  if (opts.from !== undefined) {
    const from = opts.from;
    return {
      readTemplate: async () => ({
        text: decoder.decode(await readSource(from, sourceDeps(ctx, services))),
        source: from === '-' ? 'standard input' : from,
      }),
    };
  }
  if (opts.fromConfigMap !== undefined) {
    if (!cluster.client)
      throw new ClusterctlError('KUBECONFIG', '--from-config-map needs a management cluster: no kubeconfig was found', {
        hint: 'Pass --kubeconfig.',
      });
    return configMapTemplate(cluster.client, {
      namespace: opts.fromConfigMapNamespace || cluster.client.currentNamespace,
      name: opts.fromConfigMap,
      key: opts.fromConfigMapKey,
    });
  }
  const client = cluster.capi ? cluster.client : undefined;
  return repositoryTemplate(templateRepositories(services), {
    infrastructure: opts.infrastructure ? parseProviderRef(opts.infrastructure) : undefined,
    flavor: opts.flavor,
    installed: async () => (client ? await listInstalledProviders(client) : []),
  });
}

/** How --from and generate yaml read a file, a URL or standard input. */
function sourceDeps(ctx: CliContext, services: ProviderServices): Parameters<typeof readSource>[1] {
  return {
    http: createHttpClient({ reporter: ctx.reporter, proxyEnv: ctx.env, signal: ctx.signal }),
    githubToken: services.config.githubToken,
    endpoints: githubEndpointsFromEnv(ctx.env),
    cwd: ctx.io.cwd,
    stdin: ctx.io.stdin as AsyncIterable<Uint8Array>,
  };
}

interface ProviderCommandFlags {
  core?: string;
  bootstrap?: string;
  controlPlane?: string;
  infrastructure?: string;
  ipam?: string;
  runtimeExtension?: string;
  addon?: string;
  targetNamespace?: string;
  describe: boolean;
  raw: boolean;
  writeTo?: string;
}

async function generateProviderCommand(ctx: CliContext, opts: ProviderCommandFlags): Promise<void> {
  const given: [string | undefined, ProviderType][] = [
    [opts.core, 'CoreProvider'],
    [opts.bootstrap, 'BootstrapProvider'],
    [opts.controlPlane, 'ControlPlaneProvider'],
    [opts.infrastructure, 'InfrastructureProvider'],
    [opts.ipam, 'IPAMProvider'],
    [opts.runtimeExtension, 'RuntimeExtensionProvider'],
    [opts.addon, 'AddonProvider'],
  ];
  const chosen = given.filter(([v]) => v !== undefined);
  if (chosen.length !== 1) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      'only one of --core, --bootstrap, --control-plane, --infrastructure, --ipam, --extension, --addon should be set',
      {
        hint: 'Pass exactly one provider flag, e.g. --infrastructure docker:v1.13.5.',
      },
    );
  }
  const [ref, type] = chosen[0]!;
  const services = await createProviderServices(ctx);
  const request = services.parseRef(ref!, type);
  const components = await services.fetchComponents(request, opts.targetNamespace, {
    raw: opts.describe || opts.raw,
  });
  if (opts.describe) {
    const description = inspectComponents(
      {
        name: components.name,
        type: components.type,
        version: components.version,
        manifestLabel: '',
        targetNamespace: components.targetNamespace,
        objects: components.objects,
        images: components.imagesInOrder,
      },
      { url: components.url, variables: components.variables },
    );
    ctx.out(formatProviderDescription(description));
    return;
  }
  await output(ctx, serializeObjects(components.objects), opts.writeTo);
}
