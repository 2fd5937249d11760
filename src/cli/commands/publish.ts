/** `clusterctl publish`: provider releases into an OCI registry (core/publish.ts). */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createRepositoryForUrl, type OpenedRepository } from '../../adapters/repository/index.js';
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
  type ReleaseFile,
} from '../../core/publish.js';
import { tabwrite } from '../../core/format.js';
import { metadataFile } from '../../core/repository/metadata.js';
import { latestContractRelease } from '../../core/repository/versions.js';
import type { CliContext } from '../context.js';
import type { CommandRunner } from '../context.js';
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

async function publishDeps(ctx: CliContext, flags: PublishFlags, to: string): Promise<PublishDeps> {
  const services = await createProviderServices(ctx);
  const config = services.config;
  const target = parsePublishTarget(to);
  const access = registryAccess(config, target.host, target.path, {
    caFile: flags.registryCaFile,
    insecure: flags.insecure,
    reporter: ctx.reporter,
  });
  const client = createOciClient(target.host, { ...access, cacheDir: undefined });
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
      const repo = await createRepositoryForUrl(url, 'cert-manager', config, {
        resolveLatest: latestContractRelease,
        reporter: ctx.reporter,
      });
      const content = await repo.getFile(cm.version, repo.componentsPath());
      return { version: cm.version, files: [{ name: componentsFileForLabel('cert-manager'), content }] };
    },
    push: (repository, tag, files) => pushArtifact(client, repository, tag, files),
  };
}

export function registerPublish(program: Command, run: CommandRunner): void {
  addProviderFlags(program.command('publish'), 'publish')
    .description(
      'Copy provider releases (and cert-manager) from the configured repositories into an OCI registry, for air-gapped installs',
    )
    .option('--to <oci-url>', 'The registry and path to publish to, e.g. oci://registry.example:5000/capi')
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
          throw new ClusterctlError('INVALID_ARGUMENT', 'publish needs --to oci://HOST[:PORT]/PATH', {
            hint: 'e.g. clusterctl publish -i docker --to oci://registry.example:5000/capi',
          });
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
        ctx.out(`\nTo install from the registry, put this in clusterctl.yaml:\n\n${publishedConfigSnippet(published)}`);
      }),
    );
}
