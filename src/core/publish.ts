/**
 * `clusterctl publish`: copies provider releases (and cert-manager's) from the configured
 * repositories into an OCI registry, one artifact per release in the layout the Cluster API
 * Operator reads, so that `init`, `upgrade` and `generate` can later read them from the registry
 * alone (air-gapped installs).
 *
 * Which providers: init's flags with init's first-run defaults (cluster-api, kubeadm bootstrap and
 * control plane unless opted out with `-`), each `name[:version]`. Where: `--to oci://HOST/PATH`
 * puts each release at `HOST/PATH/<manifest label>:<version>` (e.g. `capi/infrastructure-docker:v1.13.5`,
 * `capi/cert-manager:v1.21.1`); the URL to put in clusterctl.yaml is that repository without a tag,
 * so every published version is visible to `upgrade`.
 */
import { ClusterctlError } from '../errors.js';
import { manifestLabel, type ProviderType } from '../types.js';
import { providerRequests, type ProviderFlags, type ProviderRequest } from './init.js';
import type { Reporter } from './ports.js';

export interface PublishOptions extends ProviderFlags {
  /** `oci://HOST[:PORT]/PATH`. */
  to: string;
  /** Also publish cert-manager (default true). */
  certManager?: boolean | undefined;
}

export interface ReleaseFile {
  name: string;
  content: Uint8Array;
}

export interface ProviderRelease {
  version: string;
  files: ReleaseFile[];
}

export interface PublishDeps {
  reporter: Reporter;
  parseRef: (ref: string, type: ProviderType) => ProviderRequest;
  /** Reads one provider release as init would (version resolved, contract checked). */
  readRelease: (request: ProviderRequest) => Promise<ProviderRelease>;
  /** Reads the configured cert-manager release. */
  readCertManager: () => Promise<ProviderRelease>;
  /** Pushes files as one artifact to `repository` (a path in the target registry) tagged `tag`. */
  push: (repository: string, tag: string, files: ReleaseFile[]) => Promise<{ digest: string }>;
}

export interface PublishedRelease {
  name: string;
  /** A provider type, or `CertManager`. */
  type: ProviderType | 'CertManager';
  version: string;
  /** The manifest digest (`sha256:...`). */
  digest: string;
  /** The URL to put in clusterctl.yaml (`providers[].url`, or `cert-manager.url`). */
  url: string;
  /** The pushed reference, `HOST/PATH/LABEL:VERSION`. */
  reference: string;
  files: string[];
}

export interface PublishTarget {
  host: string;
  path: string;
}

/** Splits `oci://HOST[:PORT]/PATH` (no tag: each release is tagged with its version). */
export function parsePublishTarget(to: string): PublishTarget {
  const m = /^oci:\/\/([^/]+)\/([^:@]+?)\/*$/i.exec(to.trim());
  if (!m?.[1] || !m[2]) {
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid --to ${JSON.stringify(to)}`, {
      hint: 'give the registry and a repository path without a tag, e.g. --to oci://registry.example:5000/capi (each release is tagged with its version)',
    });
  }
  return { host: m[1].toLowerCase(), path: m[2] };
}

/** The providers publish reads: init's flags with init's first-run defaults. */
export function publishRequests(deps: Pick<PublishDeps, 'parseRef'>, options: ProviderFlags): ProviderRequest[] {
  return providerRequests(deps.parseRef, options, { defaults: true, allowCoreOptOut: true });
}

export async function publish(deps: PublishDeps, options: PublishOptions): Promise<PublishedRelease[]> {
  const target = parsePublishTarget(options.to);
  const requests = publishRequests(deps, options);
  const published: PublishedRelease[] = [];
  const pushRelease = async (label: string, name: string, type: PublishedRelease['type'], release: ProviderRelease) => {
    const repository = `${target.path}/${label}`;
    deps.reporter.info(`Publishing ${label} ${release.version} to ${target.host}/${repository}`);
    const { digest } = await deps.push(repository, release.version, release.files);
    published.push({
      name,
      type,
      version: release.version,
      digest,
      url: `oci://${target.host}/${repository}`,
      reference: `${target.host}/${repository}:${release.version}`,
      files: release.files.map((f) => f.name),
    });
  };
  for (const request of requests) {
    const label = manifestLabel(request.name, request.type);
    let release: ProviderRelease;
    try {
      release = await deps.readRelease(request);
    } catch (error) {
      throw error instanceof ClusterctlError
        ? error.withContext(`failed to read the ${label} provider to publish`)
        : error;
    }
    await pushRelease(label, request.name, request.type, release);
  }
  if (options.certManager !== false) {
    await pushRelease('cert-manager', 'cert-manager', 'CertManager', await deps.readCertManager());
  }
  return published;
}

/** The clusterctl.yaml lines that make init read the published releases. */
export function publishedConfigSnippet(published: readonly PublishedRelease[]): string {
  const lines: string[] = [];
  const providers = published.filter((p) => p.type !== 'CertManager');
  if (providers.length > 0) {
    lines.push('providers:');
    for (const p of providers) lines.push(`  - name: ${p.name}`, `    type: ${p.type}`, `    url: ${p.url}`);
  }
  const cm = published.find((p) => p.type === 'CertManager');
  if (cm) lines.push('cert-manager:', `  url: ${cm.url}`, `  version: ${cm.version}`);
  return lines.join('\n') + '\n';
}
