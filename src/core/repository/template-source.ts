/**
 * Where `generate cluster` (and create management-cluster) reads a repository template from: the
 * infrastructure provider named with -i, else the only one installed on the management cluster;
 * its version as given, else the installed one, else the repository's default.
 */
import { ClusterctlError } from '../../errors.js';
import type { InstalledProvider } from '../cluster/inventory.js';
import type { GenerateClusterDeps, TemplateText } from '../generate.js';
import type { KubeClient, OpenedProviderRepository, OpenProviderRepository } from '../ports.js';
import { clusterClassFileName, templateFileName, templateNotFoundError } from './templates.js';

export interface RepositoryTemplateRequest {
  /** `-i NAME[:VERSION]`, parsed. */
  infrastructure?: { name: string; version?: string | undefined } | undefined;
  flavor?: string | undefined;
  /** The providers installed on the management cluster (none when there is no reachable Cluster API); read only when needed. */
  installed: () => Promise<readonly Pick<InstalledProvider, 'providerName' | 'type' | 'version'>[]>;
}

const decoder = new TextDecoder();

/** The infrastructure provider whose template is used: the one asked for, else the only installed one. */
async function infrastructureName(request: RepositoryTemplateRequest): Promise<string> {
  if (request.infrastructure) return request.infrastructure.name;
  const installed = (await request.installed()).filter((p) => p.type === 'InfrastructureProvider');
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
  return names[0]!;
}

/** The version asked for, else the one installed (when exactly one is). */
async function requestedVersion(request: RepositoryTemplateRequest, name: string): Promise<string | undefined> {
  if (request.infrastructure?.version) return request.infrastructure.version;
  const installed = (await request.installed()).filter(
    (p) => p.type === 'InfrastructureProvider' && p.providerName === name,
  );
  const versions = [...new Set(installed.map((p) => p.version))];
  return versions.length === 1 ? versions[0] : undefined;
}

async function requireVersion(repo: OpenedProviderRepository, version: string): Promise<void> {
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

export async function repositoryTemplate(
  openRepository: OpenProviderRepository,
  request: RepositoryTemplateRequest,
): Promise<Pick<GenerateClusterDeps, 'readTemplate' | 'readClusterClass'>> {
  const name = await infrastructureName(request);
  const version = await requestedVersion(request, name);
  const repo = await openRepository(name, 'InfrastructureProvider');
  const resolved = version ?? repo.defaultVersion();
  if (version) await requireVersion(repo, version);
  const file = templateFileName(request.flavor);
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
            flavor: request.flavor,
            providerLabel: repo.label,
            version: resolved,
            availableFiles: await repo.listReleaseFiles(resolved),
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

/** `generate cluster --from-config-map`: the template held in one key of a ConfigMap of the management cluster. */
export function configMapTemplate(
  client: KubeClient,
  ref: { namespace: string; name: string; key: string },
): Pick<GenerateClusterDeps, 'readTemplate'> {
  const { namespace, name, key } = ref;
  return {
    readTemplate: async () => {
      const cm = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace });
      if (!cm)
        throw new ClusterctlError('NOT_FOUND', `ConfigMap ${namespace}/${name} not found`, {
          hint: 'Check --from-config-map and --from-config-map-namespace.',
        });
      const text = (cm.data as Record<string, string> | undefined)?.[key];
      if (text === undefined)
        throw new ClusterctlError('NOT_FOUND', `ConfigMap ${namespace}/${name} has no key "${key}"`, {
          hint: 'Use --from-config-map-key to name the key that holds the template.',
        });
      return { text, source: `ConfigMap ${namespace}/${name} key ${key}` };
    },
  };
}
