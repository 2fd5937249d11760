/**
 * `clusterctl publish`: copies provider releases (and cert-manager's) from the configured
 * repositories into an OCI registry or into ConfigMaps of the management cluster, in the layouts the
 * Cluster API Operator reads, so that `init`, `upgrade` and `generate` can later read them from there
 * alone (air-gapped installs).
 *
 * Which providers: init's flags with init's first-run defaults (cluster-api, kubeadm bootstrap and
 * control plane unless opted out with `-`), each `name[:version]`. Where:
 * - `--to oci://HOST/PATH` puts each release at `HOST/PATH/<manifest label>:<version>` (e.g.
 *   `capi/infrastructure-docker:v1.13.5`, `capi/cert-manager:v1.21.1`); the URL to put in
 *   clusterctl.yaml is that repository without a tag, so every published version is visible to `upgrade`;
 * - `--to configmap://NAMESPACE` writes one ConfigMap per release in that namespace, labelled as the
 *   operator labels its own; the URL is `configmap://NAMESPACE`, which selects a provider's ConfigMaps
 *   by those labels.
 */
import { ClusterctlError } from '../errors.js';
import { manifestLabel, type ProviderType } from '../types.js';
import { providerRequests, type ProviderFlags, type ProviderRequest } from './init.js';
import type { Reporter } from './ports.js';

export interface PublishOptions extends ProviderFlags {
  /** `oci://HOST[:PORT]/PATH` or `configmap://NAMESPACE`. */
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
  /**
   * Writes one release to the target: for OCI one artifact at `<path>/<label>` tagged with the
   * version, for ConfigMaps one ConfigMap. Returns its digest and where it went.
   */
  push: (
    target: PublishTarget,
    label: string,
    release: ProviderRelease,
  ) => Promise<{ digest: string; reference: string }>;
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
  /** The pushed reference, `HOST/PATH/LABEL:VERSION` or `NAMESPACE/CONFIGMAP`. */
  reference: string;
  files: string[];
}

export type PublishTarget = { kind: 'oci'; host: string; path: string } | { kind: 'configmap'; namespace: string };

/**
 * Splits `oci://HOST[:PORT]/PATH` (no tag: each release is tagged with its version) or
 * `configmap://NAMESPACE` (no version or selector: each release gets the operator's labels).
 */
export function parsePublishTarget(to: string): PublishTarget {
  const cm = /^configmap:\/\/([^/?#]*)\/*$/i.exec(to.trim());
  if (cm) {
    const namespace = cm[1] ?? '';
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
      throw new ClusterctlError(
        'INVALID_ARGUMENT',
        `invalid --to ${JSON.stringify(to)}: ${JSON.stringify(namespace)} is not a namespace name`,
        {
          hint: 'give the namespace to write the ConfigMaps in, e.g. --to configmap://capi-system',
        },
      );
    }
    return { kind: 'configmap', namespace };
  }
  const m = /^oci:\/\/([^/]+)\/([^:@]+?)\/*$/i.exec(to.trim());
  if (!m?.[1] || !m[2]) {
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid --to ${JSON.stringify(to)}`, {
      hint: 'give the registry and a repository path without a tag, e.g. --to oci://registry.example:5000/capi (each release is tagged with its version), or a namespace of the management cluster, e.g. --to configmap://capi-system',
    });
  }
  return { kind: 'oci', host: m[1].toLowerCase(), path: m[2] };
}

/** The provider URL that reads what was published for a label. */
export function publishedUrl(target: PublishTarget, label: string): string {
  return target.kind === 'oci' ? `oci://${target.host}/${target.path}/${label}` : `configmap://${target.namespace}`;
}

function describeTarget(target: PublishTarget, label: string): string {
  return target.kind === 'oci'
    ? `${target.host}/${target.path}/${label}`
    : `ConfigMaps in namespace ${target.namespace}`;
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
    deps.reporter.info(`Publishing ${label} ${release.version} to ${describeTarget(target, label)}`);
    const { digest, reference } = await deps.push(target, label, release);
    published.push({
      name,
      type,
      version: release.version,
      digest,
      url: publishedUrl(target, label),
      reference,
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
