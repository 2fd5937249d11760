/** `clusterctl publish`: provider releases into an OCI registry or ConfigMaps (core/publish.ts). */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { OpenedRepository } from '../../adapters/repository/index.js';
import { componentsDigest, releaseConfigMap, writeReleaseConfigMap } from '../../adapters/repository/configmap.js';
import { componentsFileForLabel, createOciClient, pushArtifact } from '../../adapters/repository/oci.js';
import { registryAccess } from '../../adapters/repository/oci-config.js';
import { ClusterctlError, isClusterctlError } from '../../errors.js';
import type { ProviderFlags } from '../../core/init.js';
import {
  parsePublishTarget,
  publish,
  publishedConfigSnippet,
  type ProviderRelease,
  type PublishDeps,
  type PublishTarget,
  type ReleaseFile,
} from '../../core/publish.js';
import { tabwrite } from '../../core/format.js';
import { metadataFile } from '../../core/repository/metadata.js';
import type { ClusterctlConfig } from '../../config/index.js';
import type { KubeClient } from '../../core/ports.js';
import type { CliContext } from '../context.js';
import type { CommandRunner } from '../context.js';
import { managementClient } from '../kube.js';
import { createProviderServices } from '../providers.js';
import { addProviderFlags } from '../shared/provider-flags.js';

interface PublishFlags extends ProviderFlags {
  to?: string;
  certManager: boolean;
  insecure: boolean;
  registryCaFile?: string;
  output: string;
}

/** Templates and other files of a local release folder (remote repositories cannot be listed). */
async function extraFiles(repo: OpenedRepository, version: string, known: Set<string>): Promise<string[]> {
  if (repo.listFiles) {
    const names = await repo.listFiles(version);
    return names.filter((n) => /\.ya?ml$/.test(n) && !known.has(n) && !/(^|-)components\.yaml$/.test(n)).sort();
  }
  if (repo.kind === 'local') {
    const entries = await readdir(join(repo.rootPath(), version), { withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !known.has(e.name))
      .map((e) => e.name)
      .sort();
  }
  return known.has('cluster-template.yaml') ? [] : ['cluster-template.yaml'];
}

async function readOptional(repo: OpenedRepository, version: string, file: string): Promise<Uint8Array | undefined> {
  try {
    return await repo.getFile(version, file);
  } catch (error) {
    if (isClusterctlError(error) && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/** Writes releases to the target of --to: an OCI registry, or ConfigMaps of the management cluster. */
function createPusher(
  ctx: CliContext,
  flags: PublishFlags,
  config: ClusterctlConfig,
  target: PublishTarget,
): PublishDeps['push'] {
  if (target.kind === 'configmap') {
    let kube: Promise<KubeClient> | undefined;
    return async (_target, label, release) => {
      const byName = (name: string) => release.files.find((f) => f.name === name)?.content;
      const componentsName = componentsFileForLabel(label);
      const components = byName(componentsName);
      if (!components) throw new ClusterctlError('INTERNAL', `the ${label} release has no ${componentsName}`);
      const configMap = releaseConfigMap({
        namespace: target.namespace,
        label,
        version: release.version,
        metadata: byName(metadataFile),
        components,
        extra: release.files.filter((f) => f.name !== metadataFile && f.name !== componentsName),
      });
      await writeReleaseConfigMap(await (kube ??= managementClient(ctx)), configMap);
      return {
        digest: componentsDigest(components),
        reference: `${target.namespace}/${configMap.metadata.name ?? ''}`,
      };
    };
  }
  const access = registryAccess(config, target.host, target.path, {
    caFile: flags.registryCaFile,
    insecure: flags.insecure,
    reporter: ctx.reporter,
  });
  const client = createOciClient(target.host, { ...access, cacheDir: undefined });
  return async (_target, label, release) => {
    const pushed = await pushArtifact(client, `${target.path}/${label}`, release.version, release.files);
    return { digest: pushed.digest, reference: pushed.reference };
  };
}

async function publishDeps(ctx: CliContext, flags: PublishFlags, to: string): Promise<PublishDeps> {
  const target = parsePublishTarget(to);
  const services = await createProviderServices(ctx);
  const config = services.config;
  return {
    reporter: ctx.reporter,
    parseRef: (ref, type) => services.parseRef(ref, type),
    async readRelease(request): Promise<ProviderRelease> {
      const repo = await services.openRepository(request.name, request.type);
      const { version } = await services.resolveVersion(repo, request.version);
      const components = repo.componentsPath();
      // The components go under the name the operator looks for (`<type>-components.yaml`), so a
      // provider whose releases use another name (CAPD's infrastructure-components-development.yaml)
      // is readable by both tools.
      const files: ReleaseFile[] = [
        { name: metadataFile, content: await repo.getFile(version, metadataFile) },
        { name: componentsFileForLabel(repo.label), content: await repo.getFile(version, components) },
      ];
      for (const name of await extraFiles(repo, version, new Set([metadataFile, components]))) {
        const content = await readOptional(repo, version, name);
        if (content) files.push({ name, content });
      }
      return { version, files };
    },
    async readCertManager(): Promise<ProviderRelease> {
      const cm = config.certManager();
      const url = cm.url.replace(/\/latest\/([^/]+)$/, `/${cm.version}/$1`);
      const repo = await services.openUrl(url, 'cert-manager');
      const content = await repo.getFile(cm.version, repo.componentsPath());
      return { version: cm.version, files: [{ name: componentsFileForLabel('cert-manager'), content }] };
    },
    push: createPusher(ctx, flags, config, target),
  };
}

export function registerPublish(program: Command, run: CommandRunner): void {
  addProviderFlags(program.command('publish'), 'publish')
    .description(
      'Copy provider releases (and cert-manager) from the configured repositories into an OCI registry or into ConfigMaps of the management cluster, for air-gapped installs',
    )
    .option(
      '--to <url>',
      'Where to publish: oci://HOST[:PORT]/PATH (a registry, e.g. oci://registry.example:5000/capi) or configmap://NAMESPACE (ConfigMaps in the cluster of --kubeconfig, as the Cluster API Operator reads them)',
    )
    .option('--no-cert-manager', 'Do not publish cert-manager')
    .option('--insecure', 'Use plain HTTP to reach the registry (never the default)', false)
    .option('--registry-ca-file <path>', 'A PEM file of certificate authorities to trust for the registry')
    .option('-o, --output <format>', 'Output format: text (default) or json', 'text')
    .action(
      run<PublishFlags>(async (ctx, opts) => {
        if (!['text', 'json'].includes(opts.output)) {
          throw new ClusterctlError('INVALID_ARGUMENT', `invalid output format "${opts.output}": use text or json`);
        }
        if (!opts.to) {
          throw new ClusterctlError(
            'INVALID_ARGUMENT',
            'publish needs --to oci://HOST[:PORT]/PATH or --to configmap://NAMESPACE',
            {
              hint: 'e.g. clusterctl publish -i docker --to oci://registry.example:5000/capi, or --to configmap://capi-system',
            },
          );
        }
        const deps = await publishDeps(ctx, opts, opts.to);
        const published = await publish(deps, { ...opts, to: opts.to, certManager: opts.certManager });
        if (opts.output === 'json') {
          const rows = published.map(({ name, type, version, digest, url }) => ({ name, type, version, digest, url }));
          ctx.out(JSON.stringify(rows, null, 2) + '\n');
          return;
        }
        const rows = [['NAME', 'TYPE', 'VERSION', 'DIGEST', 'URL']];
        for (const p of published) rows.push([p.name, p.type, p.version, p.digest, p.url]);
        ctx.out(tabwrite(rows, { minWidth: 8, padding: 3 }));
        const from = opts.to.toLowerCase().startsWith('configmap:') ? 'the ConfigMaps' : 'the registry';
        ctx.out(`\nTo install from ${from}, put this in clusterctl.yaml:\n\n${publishedConfigSnippet(published)}`);
      }),
    );
}
