import type { Command } from 'commander';
import { readdir } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createHttpClient,
  githubEndpointsFromEnv,
  readSource,
  type OpenedRepository,
} from '../../adapters/repository/index.js';
import { ClusterctlError } from '../../errors.js';
import { listInstalledProviders } from '../../core/cluster/inventory.js';
import { checkManagementCluster } from '../../core/cluster/management-cluster.js';
import { generateCluster, generateYaml, type GenerateClusterDeps, type TemplateText } from '../../core/generate.js';
import type { KubeClient } from '../../core/ports.js';
import { formatProviderDescription, inspectComponents } from '../../core/repository/components.js';
import {
  clusterClassFileName,
  templateFileName,
  templateNotFoundError,
  type ClusterClassLookup,
} from '../../core/repository/templates.js';
import { parseProviderRef } from '../../config/index.js';
import { serializeObjects } from '../../core/yaml/documents.js';
import type { ProviderType } from '../../types.js';
import type { CliContext } from '../context.js';
import { managementClient } from '../kube.js';
import type { CommandRunner } from '../program.js';
import { createProviderServices, type ProviderServices } from '../providers.js';

const decoder = new TextDecoder();

async function output(ctx: CliContext, text: string, writeTo: string | undefined): Promise<void> {
  if (writeTo && writeTo !== '-') {
    await writeFile(writeTo, text, { mode: 0o600 });
    return;
  }
  ctx.out(text);
}

function parseCount(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) {
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid argument "${value}" for "${flag}" flag: not an integer`, {
      hint: `Pass a whole number, e.g. ${flag} 3.`,
    });
  }
  return Number(value);
}

/** The management cluster, when one is reachable and runs Cluster API; otherwise undefined (or an error if --kubeconfig was explicit). */
async function optionalCluster(
  ctx: CliContext,
): Promise<{ client?: KubeClient; currentNamespace?: string; capi: boolean }> {
  const explicit = Boolean(ctx.global.kubeconfig);
  let client: KubeClient;
  try {
    client = await managementClient(ctx);
  } catch (error) {
    if (explicit) throw error;
    return { capi: false };
  }
  try {
    await checkManagementCluster(client, { strict: true });
    return { client, currentNamespace: client.currentNamespace, capi: true };
  } catch (error) {
    if (explicit && !(error instanceof ClusterctlError && error.code === 'NOT_FOUND')) throw error;
    return { client, currentNamespace: client.currentNamespace, capi: false };
  }
}

export function clusterLookup(client: KubeClient): ClusterClassLookup {
  return {
    classExists: async (ref) =>
      Boolean(
        await client.get({
          apiVersion: 'cluster.x-k8s.io/v1beta2',
          kind: 'ClusterClass',
          name: ref.name,
          namespace: ref.namespace,
        }),
      ),
    objectExists: async (obj) => {
      try {
        return Boolean(
          await client.get({
            apiVersion: obj.apiVersion,
            kind: obj.kind,
            name: obj.metadata.name ?? '',
            namespace: obj.metadata.namespace,
          }),
        );
      } catch (error) {
        if (error instanceof ClusterctlError && error.code === 'NOT_FOUND') return false;
        throw error;
      }
    },
  };
}

async function listReleaseFiles(repo: OpenedRepository, version: string): Promise<string[] | undefined> {
  if (repo.kind !== 'local') return undefined;
  try {
    const path = repo.url.startsWith('file://') ? fileURLToPath(repo.url) : repo.url;
    const base = dirname(dirname(path));
    return await readdir(`${base}/${version}`);
  } catch {
    return undefined;
  }
}

export interface ClusterFlags {
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

export async function repositoryTemplate(
  services: ProviderServices,
  cluster: { client?: KubeClient; capi: boolean },
  opts: ClusterFlags,
): Promise<Pick<GenerateClusterDeps, 'readTemplate' | 'readClusterClass'>> {
  let name: string;
  let version: string | undefined;
  if (opts.infrastructure) {
    const ref = parseProviderRef(opts.infrastructure);
    name = ref.name;
    version = ref.version;
  } else {
    const installed =
      cluster.client && cluster.capi
        ? (await listInstalledProviders(cluster.client)).filter((p) => p.type === 'InfrastructureProvider')
        : [];
    const names = [...new Set(installed.map((p) => p.providerName))];
    if (names.length !== 1) {
      throw new ClusterctlError(
        'INVALID_ARGUMENT',
        'failed to identify the default infrastructure provider. Please specify an infrastructure provider',
        {
          hint:
            names.length > 1
              ? `Several are installed (${names.join(', ')}): pass -i/--infrastructure NAME.`
              : 'Pass -i/--infrastructure NAME (e.g. -i docker), or --kubeconfig for a management cluster with one infrastructure provider.',
        },
      );
    }
    name = names[0]!;
  }
  if (!version && cluster.client && cluster.capi) {
    const installed = (await listInstalledProviders(cluster.client)).filter(
      (p) => p.type === 'InfrastructureProvider' && p.providerName === name,
    );
    const versions = [...new Set(installed.map((p) => p.version))];
    if (versions.length === 1) version = versions[0];
  }
  const repo = await services.openRepository(name, 'InfrastructureProvider');
  const resolved = version ?? repo.defaultVersion();
  if (version) {
    const versions = await repo.getVersions();
    if (!versions.includes(version)) {
      throw new ClusterctlError(
        'NOT_FOUND',
        `version ${version} of the ${repo.label} provider does not exist in ${repo.url}`,
        {
          hint: `Available versions: ${versions.slice().reverse().slice(0, 10).join(', ') || 'none'}.`,
        },
      );
    }
  }
  const file = templateFileName(opts.flavor);
  return {
    readTemplate: async (): Promise<TemplateText> => {
      try {
        return {
          text: decoder.decode(await repo.getFile(resolved, file)),
          source: `${file} of ${repo.label} ${resolved}`,
        };
      } catch (error) {
        if (error instanceof ClusterctlError && error.code === 'NOT_FOUND') {
          throw templateNotFoundError({
            flavor: opts.flavor,
            providerLabel: repo.label,
            version: resolved,
            availableFiles: await listReleaseFiles(repo, resolved),
            cause: error,
          });
        }
        throw error;
      }
    },
    readClusterClass: async (ref) => {
      const classFile = clusterClassFileName(ref.name);
      return {
        text: decoder.decode(await repo.getFile(resolved, classFile)),
        source: `${classFile} of ${repo.label} ${resolved}`,
      };
    },
  };
}

export function registerGenerate(program: Command, run: CommandRunner): void {
  const generate = program.command('generate').description('Generate yaml using clusterctl yaml processor.');

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
    .option(
      '--list-variables',
      'Returns the list of variables expected by the template instead of the template yaml',
      false,
    )
    .option(
      '--write-to <file>',
      'Specify the output file to write the template to, defaults to STDOUT if the flag is not set',
    )
    .action(
      run<ClusterFlags>(async (ctx, opts, args) => {
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
            {
              hint: 'Drop all but one of these flags.',
            },
          );
        }
        const services = await createProviderServices(ctx);
        const config = services.config;
        const cluster = await optionalCluster(ctx);
        let source: Pick<GenerateClusterDeps, 'readTemplate' | 'readClusterClass'>;
        if (opts.from !== undefined) {
          const from = opts.from;
          source = {
            readTemplate: async () => ({
              text: decoder.decode(
                await readSource(from, {
                  http: createHttpClient({ reporter: ctx.reporter, proxyEnv: ctx.env }),
                  githubToken: config.githubToken,
                  endpoints: githubEndpointsFromEnv(ctx.env),
                  cwd: ctx.io.cwd,
                  stdin: ctx.io.stdin as AsyncIterable<Uint8Array>,
                }),
              ),
              source: from === '-' ? 'standard input' : from,
            }),
          };
        } else if (opts.fromConfigMap !== undefined) {
          if (!cluster.client)
            throw new ClusterctlError(
              'KUBECONFIG',
              '--from-config-map needs a management cluster: no kubeconfig was found',
              { hint: 'Pass --kubeconfig.' },
            );
          const client = cluster.client;
          const namespace = opts.fromConfigMapNamespace || client.currentNamespace;
          const name = opts.fromConfigMap;
          source = {
            readTemplate: async () => {
              const cm = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace });
              if (!cm)
                throw new ClusterctlError('NOT_FOUND', `ConfigMap ${namespace}/${name} not found`, {
                  hint: 'Check --from-config-map and --from-config-map-namespace.',
                });
              const text = (cm.data as Record<string, string> | undefined)?.[opts.fromConfigMapKey];
              if (text === undefined)
                throw new ClusterctlError(
                  'NOT_FOUND',
                  `ConfigMap ${namespace}/${name} has no key "${opts.fromConfigMapKey}"`,
                  { hint: 'Use --from-config-map-key to name the key that holds the template.' },
                );
              return { text, source: `ConfigMap ${namespace}/${name} key ${opts.fromConfigMapKey}` };
            },
          };
        } else {
          source = await repositoryTemplate(services, cluster, opts);
        }
        const result = await generateCluster(
          {
            lookup: (name) => config.variable(name),
            envLookup: (name) => ctx.env[name.toUpperCase().replace(/-/g, '_')],
            ...source,
            cluster: cluster.client && cluster.capi ? clusterLookup(cluster.client) : undefined,
            currentNamespace: cluster.currentNamespace,
          },
          {
            clusterName: args[0],
            targetNamespace: opts.targetNamespace,
            kubernetesVersion: opts.kubernetesVersion,
            controlPlaneMachineCount: parseCount('--control-plane-machine-count', opts.controlPlaneMachineCount),
            workerMachineCount: parseCount('--worker-machine-count', opts.workerMachineCount),
            listVariables: opts.listVariables,
          },
        );
        await output(ctx, result.output, opts.listVariables ? undefined : opts.writeTo);
      }),
    );

  generate
    .command('provider')
    .description('Generate templates for provider components.')
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
    .option(
      '--write-to <file>',
      'Specify the output file to write the template to, defaults to STDOUT if the flag is not set',
    )
    .action(
      run<{
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
      }>(async (ctx, opts) => {
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
      }),
    );

  generate
    .command('yaml')
    .description("Process yaml using clusterctl's yaml processor.")
    .option('--from <source>', "The URL to read the template from. It defaults to '-' which reads from stdin.", '-')
    .option(
      '--list-variables',
      'Returns the list of variables expected by the template instead of the template yaml',
      false,
    )
    .action(
      run<{ from: string; listVariables: boolean }>(async (ctx, opts) => {
        const services = await createProviderServices(ctx);
        const config = services.config;
        const bytes = await readSource(opts.from, {
          http: createHttpClient({ reporter: ctx.reporter, proxyEnv: ctx.env }),
          githubToken: config.githubToken,
          endpoints: githubEndpointsFromEnv(ctx.env),
          cwd: ctx.io.cwd,
          stdin: ctx.io.stdin as AsyncIterable<Uint8Array>,
        });
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
