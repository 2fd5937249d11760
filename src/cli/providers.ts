/**
 * The real implementations behind provider operations, built once per command: configuration,
 * one HTTP client and one repository memo per run (an unreachable host fails once; the three
 * cluster-api providers share downloads), and the components pipeline (variables, parse,
 * namespace, labels, images).
 */
import semver from 'semver';
import type { ClusterctlConfig } from '../config/index.js';
import { parseProviderRef } from '../config/index.js';
import {
  createHttpClient,
  createRepository,
  createRepositoryForUrl,
  createRepositoryMemo,
  type OpenedRepository,
} from '../adapters/repository/index.js';
import { ClusterctlError } from '../errors.js';
import type { ProviderComponents, ProviderRequest } from '../core/init.js';
import { processComponents } from '../core/repository/components.js';
import {
  checkProviderContract,
  metadataFile,
  parseMetadata,
  type ProviderMetadata,
} from '../core/repository/metadata.js';
import { latestContractRelease, sortVersionsNewestFirst } from '../core/repository/versions.js';
import { parseDocuments } from '../core/yaml/documents.js';
import { inspectVariables, processTemplate, type VariableLookup } from '../core/yaml/envsubst.js';
import { manifestLabel, type KubeObject, type ProviderType } from '../types.js';
import type { KubeClient } from '../core/ports.js';
import type { CliContext } from './context.js';
import { loadConfig, resolveProviderUrl } from './config.js';
import { managementClient } from './kube.js';

export interface ProviderServices {
  config: ClusterctlConfig;
  openRepository(name: string, type: ProviderType): Promise<OpenedRepository>;
  /** Checks the version exists, reads metadata.yaml and returns the series contract. */
  resolveVersion(
    repo: OpenedRepository,
    version: string | undefined,
  ): Promise<{ version: string; metadata: ProviderMetadata; contract: string }>;
  fetchComponents(
    request: ProviderRequest,
    targetNamespace: string | undefined,
    options?: { raw?: boolean; lookup?: VariableLookup },
  ): Promise<ProviderComponents & { rawText: string; imagesInOrder: string[] }>;
  fetchCertManager(settings: { url: string; version: string }): Promise<KubeObject[]>;
  /** Opens the repository of any URL (cert-manager's) with this run's HTTP client, memo and cluster. */
  openUrl(url: string, label: string): Promise<OpenedRepository>;
  parseRef(ref: string, type: ProviderType): ProviderRequest;
}

const decoder = new TextDecoder();

// long-function: closure factory: the services share one config, cache and repository table.
export async function createProviderServices(
  ctx: CliContext,
  configOverride?: ClusterctlConfig,
): Promise<ProviderServices> {
  const config = configOverride ?? (await loadConfig(ctx));
  // Ctrl-C stops a download at once (exit 130), as it stops API calls.
  const http = createHttpClient({ reporter: ctx.reporter, proxyEnv: ctx.env, signal: ctx.signal });
  const memo = createRepositoryMemo();
  // configmap:// repositories read the management cluster (--kubeconfig); connect only if one is used.
  let kube: Promise<KubeClient> | undefined;
  const deps = {
    resolveLatest: latestContractRelease,
    http,
    memo,
    reporter: ctx.reporter,
    signal: ctx.signal,
    kube: () => (kube ??= managementClient(ctx)),
  };
  const repositories = new Map<string, Promise<OpenedRepository>>();

  function openRepository(name: string, type: ProviderType): Promise<OpenedRepository> {
    const key = `${type}/${name}`;
    let repo = repositories.get(key);
    if (!repo) {
      let configured;
      try {
        configured = config.getProvider(name, type);
      } catch (error) {
        if (error instanceof ClusterctlError && error.code === 'NOT_FOUND') {
          const known = config
            .providers()
            .filter((p) => p.type === type)
            .map((p) => p.name);
          throw new ClusterctlError(
            'NOT_FOUND',
            `unknown ${type} "${name}": it is neither a built-in provider nor listed in clusterctl.yaml`,
            {
              hint: `Known ${type}s: ${known.join(', ') || 'none'}. Add your own under "providers:" in ${config.file ?? 'clusterctl.yaml'} (see clusterctl config repositories).`,
              cause: error,
            },
          );
        }
        throw error;
      }
      const provider = resolveProviderUrl(configured, config);
      repo = createRepository(provider, config, deps);
      repositories.set(key, repo);
    }
    return repo;
  }

  async function resolveVersion(repo: OpenedRepository, requested: string | undefined) {
    const version = requested || repo.defaultVersion();
    if (requested) {
      const versions = await repo.getVersions();
      if (!versions.includes(version)) {
        const listed = sortVersionsNewestFirst(versions).slice(0, 10);
        throw new ClusterctlError(
          'NOT_FOUND',
          `version ${version} of the ${repo.label} provider does not exist in ${repo.url}`,
          {
            hint:
              listed.length > 0
                ? `Available versions: ${listed.join(', ')}${versions.length > 10 ? ', ...' : ''}.`
                : 'The repository lists no versions.',
          },
        );
      }
    }
    const metadata = parseMetadata(await repo.getFile(version, metadataFile), repo.label);
    const contract = checkProviderContract(metadata, version, repo.label);
    return { version, metadata, contract };
  }

  return {
    config,
    openRepository,
    resolveVersion,
    openUrl: (url, label) => createRepositoryForUrl(url, label, config, deps),
    parseRef(ref, type) {
      const parsed = parseProviderRef(ref);
      if (parsed.version !== undefined && !semver.valid(parsed.version)) {
        throw new ClusterctlError(
          'INVALID_ARGUMENT',
          `invalid version "${parsed.version}" in "${ref}": versions are semantic versions such as v1.13.5`,
        );
      }
      return { name: parsed.name, type, version: parsed.version };
    },
    async fetchComponents(request, targetNamespace, options = {}) {
      const repo = await openRepository(request.name, request.type);
      const { version, contract } = await resolveVersion(repo, request.version);
      const file = repo.componentsPath();
      const rawText = decoder.decode(await repo.getFile(version, file));
      const variables = inspectVariables(rawText).map((v) => v.name);
      const lookup = options.lookup ?? ((name: string) => config.variable(name));
      let text: string;
      try {
        text = options.raw ? rawText : processTemplate(rawText, lookup);
      } catch (error) {
        throw error instanceof ClusterctlError
          ? error.withContext(
              `failed to process the components of the ${manifestLabel(request.name, request.type)} provider ${version}`,
            )
          : error;
      }
      const objects = parseDocuments(text, `${repo.url.replace(/\/[^/]*$/, '')}/${file} (${version})`);
      const processed = processComponents(objects, {
        provider: { name: request.name, type: request.type, version },
        targetNamespace,
        imageOverride: (component, image) => config.imageOverride(component, image),
      });
      return {
        name: request.name,
        type: request.type,
        version,
        targetNamespace: processed.targetNamespace,
        url: repo.url,
        contract,
        objects: processed.objects,
        variables,
        images: [...new Set(processed.images)].sort(),
        imagesInOrder: processed.images,
        rawText,
      };
    },
    async fetchCertManager(settings) {
      // cert-manager's version is always explicit (cert-manager.version), and its releases carry no
      // metadata.yaml, so a `latest` URL is pinned to that version instead of being resolved.
      const url = settings.url.replace(/\/latest\/([^/]+)$/, `/${settings.version}/$1`);
      const repo = await createRepositoryForUrl(url, 'cert-manager', config, deps);
      const text = decoder.decode(await repo.getFile(settings.version, repo.componentsPath()));
      const objects = parseDocuments(text, `cert-manager ${settings.version}`);
      return objects.map((o) => fixCertManagerImages(o, (image) => config.imageOverride('cert-manager', image)));
    },
  };
}

function fixCertManagerImages(obj: KubeObject, override: (image: string) => string): KubeObject {
  if (obj.kind !== 'Deployment' && obj.kind !== 'DaemonSet') return obj;
  const copy = structuredClone(obj);
  const pod = (
    copy.spec as
      { template?: { spec?: { containers?: { image?: string }[]; initContainers?: { image?: string }[] } } } | undefined
  )?.template?.spec;
  for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])])
    if (c.image) c.image = override(c.image);
  return copy;
}
