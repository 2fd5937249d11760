/**
 * Provider releases stored as OCI artifacts: `oci://host[:port]/path[:tag]`.
 *
 * The layout is the one the Cluster API Operator reads (`spec.fetchConfig.oci`, internal/controller/
 * oci_source.go of sigs.k8s.io/cluster-api-operator v0.29) and its kubectl plugin writes
 * (`kubectl operator publish`, cmd/plugin/cmd/publish.go), which is oras-go's PackManifest v1.1:
 *
 * - one image manifest (`application/vnd.oci.image.manifest.v1+json`) per release, tagged with the
 *   release version (the operator fetches tag = the tag in its URL, else the provider's
 *   `spec.version`); the plugin sets `artifactType: application/vnd.acme.config` and the empty config
 *   (`application/vnd.oci.empty.v1+json`, the 2-byte `{}` blob);
 * - one layer per file, the raw file bytes (not a tar), media type `application/vnd.test.file`,
 *   named by the `org.opencontainers.image.title` annotation (the file name, no folder);
 * - the operator selects layers by title only (any media type): metadata from
 *   `<type>-<name>-<version>-metadata.yaml`, else `metadata.yaml`; components from
 *   `<type>-<name>-<version>-components.yaml`, else `<type>-components.yaml`, else `components.yaml`,
 *   where type is core | bootstrap | control-plane | infrastructure | ipam | runtime-extension | addon
 *   and name the provider name (`cluster-api` for core). The full names let one artifact carry several
 *   providers. `oras push REF metadata.yaml infrastructure-components.yaml` gives the same shape with
 *   media type `application/vnd.oci.image.layer.v1.tar` per file, which reads the same way.
 *
 * We read with the same rules (plus any other file by its title, e.g. cluster templates), take the
 * versions from the registry's tags (semantic versions only), and write artifacts exactly as the
 * plugin does (same media types and annotations; no creation timestamp, so publishing the same files
 * twice gives the same digest). Every manifest and blob is checked against its sha256 digest before
 * use; blobs are cached on disk by digest (`<cacheDir>/oci/blobs/sha256/<hex>`, files 0600, folders
 * 0700), so a second run downloads only the manifests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseSemver } from 'semver';
import { ClusterctlError } from '../../errors.js';
import type { Reporter } from '../../core/ports.js';
import type { RegistryCredential } from './oci-auth.js';
import { createRegistryClient, headerValue, type RegistryClient, type RegistryResponse } from './oci-client.js';
import { latestVersionTag, type RepositorySource } from './repository.js';

/** The media types and annotation of the artifacts read and pushed here. */
const oci = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  /** What `kubectl operator publish` sets (oras-go PackManifest v1.1 with artifactType). */
  operatorArtifact: 'application/vnd.acme.config',
  operatorFile: 'application/vnd.test.file',
  emptyConfig: 'application/vnd.oci.empty.v1+json',
  titleAnnotation: 'org.opencontainers.image.title',
} as const;
const emptyConfig = new TextEncoder().encode('{}');

export interface OciUrlParts {
  /** `host[:port]`. */
  host: string;
  /** The repository path inside the registry. */
  repository: string;
  /** The tag in the URL, undefined when there is none. */
  tag: string | undefined;
}

const urlHint =
  'an OCI provider URL has the form oci://HOST[:PORT]/PATH[:TAG], e.g. oci://registry.example:5000/capi/infrastructure-docker';

export function parseOciUrl(url: string): OciUrlParts {
  const m = /^oci:\/\/([^/]+)\/(.+)$/i.exec(url.trim());
  const bad = (why: string) =>
    new ClusterctlError('INVALID_CONFIG', `invalid OCI url ${JSON.stringify(url)}: ${why}`, { hint: urlHint });
  if (!m) throw bad('it needs a registry host and a repository path');
  const host = (m[1] ?? '').toLowerCase();
  let path = (m[2] ?? '').replace(/\/+$/, '');
  let tag: string | undefined;
  const lastSlash = path.lastIndexOf('/');
  const colon = path.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag)) throw bad(`${JSON.stringify(tag)} is not a valid tag`);
  }
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) {
    throw bad(`${JSON.stringify(path)} is not a valid repository path (lower-case letters, digits, . _ - and /)`);
  }
  if (!/^[A-Za-z0-9.-]+(?::\d+)?$/.test(host) && !/^\[[0-9a-f:]+\](?::\d+)?$/.test(host)) {
    throw bad(`${JSON.stringify(host)} is not a registry host`);
  }
  return { host, repository: path, tag };
}

export function isVersionTag(tag: string): boolean {
  return /^v\d/.test(tag) && parseSemver(tag) !== null;
}

/** What opening an OCI repository needs besides the URL. */
export interface OciAccess {
  /** The cache root (ClusterctlConfig.cacheDir); undefined disables the blob cache. */
  cacheDir?: string | undefined;
  /** PEM bundle for TLS, and where it came from. */
  ca?: { pem: string; source: string } | undefined;
  /** True when this registry is to be reached over plain HTTP. */
  insecure?: boolean | undefined;
  credential?: (() => Promise<RegistryCredential | undefined>) | undefined;
  reporter?: Reporter | undefined;
  connectTimeoutMs?: number | undefined;
  totalTimeoutMs?: number | undefined;
  retries?: number | undefined;
  backoffMs?: number | undefined;
  /** Aborts every request (the CLI's Ctrl-C signal). */
  signal?: AbortSignal | undefined;
}

export function createOciClient(host: string, access: OciAccess): RegistryClient {
  return createRegistryClient({
    host,
    insecure: access.insecure,
    ca: access.ca?.pem,
    caSource: access.ca?.source,
    credential: access.credential,
    reporter: access.reporter,
    connectTimeoutMs: access.connectTimeoutMs,
    totalTimeoutMs: access.totalTimeoutMs,
    retries: access.retries,
    backoffMs: access.backoffMs,
    signal: access.signal,
  });
}

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string> | undefined;
  data?: string | undefined;
}

export interface OciManifest {
  schemaVersion: number;
  mediaType?: string | undefined;
  artifactType?: string | undefined;
  config: OciDescriptor;
  layers: OciDescriptor[];
  annotations?: Record<string, string> | undefined;
}

export function sha256Digest(content: Uint8Array): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

function checkDigest(content: Uint8Array, expected: string, what: string): void {
  if (!/^sha256:[0-9a-f]{64}$/.test(expected)) {
    throw new ClusterctlError(
      'UNSUPPORTED',
      `${what} uses the digest ${JSON.stringify(expected)}: only sha256 is supported`,
    );
  }
  const actual = sha256Digest(content);
  if (actual !== expected) {
    throw new ClusterctlError('REJECTED', `${what} does not match its digest: expected ${expected}, got ${actual}`, {
      hint: 'the registry served altered or corrupted content; nothing was used. Publish the release again (clusterctl publish) or ask the registry administrator to check its storage',
    });
  }
}

/** Files 0600 in 0700 folders, written atomically. */
async function writePrivate(path: string, content: Uint8Array): Promise<void> {
  const dir = join(path, '..');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, content, { mode: 0o600 });
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

async function ensurePrivateDirs(root: string, parts: string[]): Promise<void> {
  let dir = root;
  for (const part of parts) {
    dir = join(dir, part);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
  }
}

function registryError(response: RegistryResponse, what: string): ClusterctlError {
  let detail = '';
  try {
    const body = JSON.parse(new TextDecoder().decode(response.body)) as {
      errors?: { code?: string; message?: string }[];
    };
    detail = (body.errors ?? []).map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).join('; ');
  } catch {
    detail = '';
  }
  return new ClusterctlError(
    response.status >= 500 ? 'UNREACHABLE' : 'INTERNAL',
    `${what}: HTTP ${response.status}${detail ? ` (${detail})` : ''}`,
  );
}

/** Reads artifacts of one registry repository, verifying digests and caching blobs by digest. */
export class OciArtifactReader {
  private readonly manifests = new Map<string, Promise<{ digest: string; manifest: OciManifest }>>();

  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
    private readonly cacheDir: string | undefined,
    private readonly reporter: Reporter | undefined,
  ) {}

  get reference(): string {
    return `${this.client.host}/${this.repository}`;
  }

  /** Every tag of the repository (follows `Link` pagination); [] when the repository does not exist. */
  async listTags(signal?: AbortSignal): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = `/v2/${this.repository}/tags/list?n=1000`;
    for (let page = 0; next && page < 100; page++) {
      const response = await this.client.request('GET', next, { repository: this.repository, actions: 'pull', signal });
      if (response.status === 404) return tags;
      if (response.status !== 200) throw registryError(response, `failed to list the tags of ${this.reference}`);
      const body = JSON.parse(new TextDecoder().decode(response.body)) as { tags?: unknown };
      if (Array.isArray(body.tags)) tags.push(...body.tags.filter((t): t is string => typeof t === 'string'));
      const link = headerValue(response.headers, 'link');
      const m = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
      next = m?.[1];
    }
    return tags;
  }

  /** The manifest of a tag or digest; NOT_FOUND when it does not exist. */
  manifest(reference: string, signal?: AbortSignal): Promise<{ digest: string; manifest: OciManifest }> {
    let pending = this.manifests.get(reference);
    if (!pending) {
      pending = this.loadManifest(reference, signal);
      this.manifests.set(reference, pending);
      pending.catch(() => this.manifests.delete(reference));
    }
    return pending;
  }

  private async loadManifest(reference: string, signal?: AbortSignal) {
    const where = `${this.reference}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
    const response = await this.client.request('GET', `/v2/${this.repository}/manifests/${reference}`, {
      repository: this.repository,
      actions: 'pull',
      signal,
      headers: { accept: [oci.manifest, oci.dockerManifest, oci.index].join(', ') },
    });
    if (response.status === 404) {
      throw new ClusterctlError('NOT_FOUND', `the registry has no artifact ${where}`, {
        hint: `publish it first (clusterctl publish --to oci://${this.reference} ...), or pick a version that exists (the tags of ${this.reference})`,
      });
    }
    if (response.status !== 200) throw registryError(response, `failed to get the manifest of ${where}`);
    const served = headerValue(response.headers, 'docker-content-digest');
    const expected = reference.startsWith('sha256:') ? reference : served;
    if (expected) checkDigest(response.body, expected, `the manifest of ${where}`);
    const digest = expected ?? sha256Digest(response.body);
    let manifest: OciManifest;
    try {
      manifest = JSON.parse(new TextDecoder().decode(response.body)) as OciManifest;
    } catch (error) {
      throw new ClusterctlError('INVALID_YAML', `the manifest of ${where} is not JSON`, { cause: error });
    }
    const mediaType = manifest.mediaType ?? headerValue(response.headers, 'content-type');
    if (mediaType === oci.index || !Array.isArray(manifest.layers)) {
      throw new ClusterctlError(
        'UNSUPPORTED',
        `${where} is not a single artifact manifest (${mediaType ?? 'unknown type'})`,
        {
          hint: 'push the release files as one artifact (clusterctl publish, kubectl operator publish or oras push)',
        },
      );
    }
    return { digest, manifest };
  }

  private blobPath(digest: string): string | undefined {
    if (!this.cacheDir) return undefined;
    return join(this.cacheDir, 'oci', 'blobs', 'sha256', digest.slice('sha256:'.length));
  }

  /** A blob, from the cache or the registry, always checked against its digest. */
  async blob(descriptor: OciDescriptor, what: string, signal?: AbortSignal): Promise<Uint8Array> {
    const path = this.blobPath(descriptor.digest);
    if (path) {
      try {
        const cached = new Uint8Array(await readFile(path));
        if (sha256Digest(cached) === descriptor.digest) {
          this.reporter?.debug(5, 'Using cached blob', { digest: descriptor.digest, path });
          return cached;
        }
        await rm(path, { force: true });
      } catch {
        // not cached
      }
    }
    const response = await this.client.request('GET', `/v2/${this.repository}/blobs/${descriptor.digest}`, {
      repository: this.repository,
      actions: 'pull',
      signal,
    });
    if (response.status === 404) {
      throw new ClusterctlError('NOT_FOUND', `${what} is missing from the registry (blob ${descriptor.digest})`, {
        hint: `publish the release to ${this.reference} again`,
      });
    }
    if (response.status !== 200) throw registryError(response, `failed to download ${what}`);
    checkDigest(response.body, descriptor.digest, what);
    if (path && this.cacheDir) {
      try {
        await ensurePrivateDirs(this.cacheDir, ['oci', 'blobs', 'sha256']);
        await writePrivate(path, response.body);
      } catch (error) {
        this.reporter?.debug(5, 'Could not write the blob cache', { path, error: (error as Error).message });
      }
    }
    return response.body;
  }
}

/** The file names of an artifact (layer titles). */
export function artifactFiles(manifest: OciManifest): string[] {
  return manifest.layers.map((l) => l.annotations?.[oci.titleAnnotation]).filter((t): t is string => !!t);
}

/** The operator's `<type>-<name>` prefix of full file names for a manifest label. */
export function operatorFilePrefix(label: string): string {
  return label === 'cluster-api' ? 'core-cluster-api' : label;
}

/** The titles to try for a file, in the operator's order. */
export function candidateTitles(file: string, label: string, version: string, componentsPath: string): string[] {
  const full = `${operatorFilePrefix(label)}-${version}`;
  if (file === 'metadata.yaml') return [`${full}-metadata.yaml`, 'metadata.yaml'];
  if (file === componentsPath && label !== 'cert-manager') {
    return [`${full}-components.yaml`, componentsPath, 'components.yaml'];
  }
  return [file];
}

/** The components file name a label's releases use. */
export function componentsFileForLabel(label: string): string {
  if (label === 'cert-manager') return 'cert-manager.yaml';
  if (label === 'cluster-api') return 'core-components.yaml';
  const prefix = ['bootstrap', 'control-plane', 'infrastructure', 'ipam', 'runtime-extension', 'addon'].find((p) =>
    label.startsWith(`${p}-`),
  );
  return `${prefix ?? label}-components.yaml`;
}

export interface OciRepositoryOptions extends OciAccess {
  /** The manifest label (`infrastructure-docker`, `cluster-api`, `cert-manager`). */
  label: string;
}

export function createOciRepository(
  url: string,
  options: OciRepositoryOptions,
): RepositorySource & {
  readonly kind: 'oci';
  listFiles(version: string, signal?: AbortSignal): Promise<string[]>;
} {
  const parts = parseOciUrl(url);
  if (parts.tag !== undefined && !isVersionTag(parts.tag)) {
    throw new ClusterctlError(
      'INVALID_CONFIG',
      `the tag ${JSON.stringify(parts.tag)} in ${url} is not a version: it becomes the provider's version, so it must be a semantic version such as v1.13.5`,
      {
        hint: `drop the tag to read every version from the registry's tags, or tag the artifact with its release version`,
      },
    );
  }
  const client = createOciClient(parts.host, options);
  const reader = new OciArtifactReader(client, parts.repository, options.cacheDir, options.reporter);
  const componentsPath = componentsFileForLabel(options.label);
  const where = (version: string) => `oci://${parts.host}/${parts.repository}:${version}`;

  const manifestFor = async (version: string, signal?: AbortSignal) => {
    if (parts.tag !== undefined && version !== parts.tag) {
      throw new ClusterctlError('NOT_FOUND', `version ${version} is not in ${url}: the URL is pinned to ${parts.tag}`, {
        hint: `drop the tag from the URL to use other versions`,
      });
    }
    return reader.manifest(version, signal);
  };

  return {
    kind: 'oci',
    url,
    cacheKey: undefined,
    defaultVersion: () => parts.tag ?? latestVersionTag,
    rootPath: () => `oci://${parts.host}/${parts.repository}`,
    componentsPath: () => componentsPath,
    async getVersions(signal) {
      if (parts.tag !== undefined) return [parts.tag];
      return (await reader.listTags(signal)).filter(isVersionTag);
    },
    async listFiles(version, signal) {
      return artifactFiles((await manifestFor(version, signal)).manifest);
    },
    async getFile(version, file, signal) {
      const { digest, manifest } = await manifestFor(version, signal);
      const titles = candidateTitles(file, options.label, version, componentsPath);
      for (const title of titles) {
        const layer = manifest.layers.find((l) => l.annotations?.[oci.titleAnnotation] === title);
        if (layer) return reader.blob(layer, `the file ${title} of ${where(version)}`, signal);
      }
      const files = artifactFiles(manifest);
      throw new ClusterctlError(
        'NOT_FOUND',
        `the artifact ${where(version)} (${digest}) has no file ${titles.map((t) => JSON.stringify(t)).join(' or ')}; it holds ${files.length > 0 ? files.join(', ') : 'no named files'}`,
        { hint: `publish the release again with all its files (clusterctl publish), or add the file with oras push` },
      );
    },
  };
}

export interface PushFile {
  name: string;
  content: Uint8Array;
}

export interface PushResult {
  /** The manifest digest. */
  digest: string;
  size: number;
  reference: string;
}

async function pushBlob(
  client: RegistryClient,
  repository: string,
  content: Uint8Array,
  digest: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const req = { repository, actions: 'pull,push', signal };
  const head = await client.request('HEAD', `/v2/${repository}/blobs/${digest}`, req);
  if (head.status === 200) return;
  const start = await client.request('POST', `/v2/${repository}/blobs/uploads/`, { ...req, body: new Uint8Array() });
  if (start.status !== 202) throw registryError(start, `failed to start an upload to ${client.host}/${repository}`);
  const location = headerValue(start.headers, 'location');
  if (!location) throw new ClusterctlError('INTERNAL', `the registry ${client.host} gave no upload location`);
  const target = new URL(location, client.baseUrl);
  target.searchParams.set('digest', digest);
  const put = await client.request('PUT', target.toString(), {
    ...req,
    body: content,
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (put.status !== 201) throw registryError(put, `failed to upload a blob to ${client.host}/${repository}`);
}

/** The manifest `kubectl operator publish` would write for these files (minus its timestamp). */
export function buildArtifactManifest(files: readonly PushFile[]): { manifest: OciManifest; bytes: Uint8Array } {
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: oci.manifest,
    artifactType: oci.operatorArtifact,
    config: { mediaType: oci.emptyConfig, digest: sha256Digest(emptyConfig), size: 2, data: 'e30=' },
    layers: files.map((f) => ({
      mediaType: oci.operatorFile,
      digest: sha256Digest(f.content),
      size: f.content.byteLength,
      annotations: { [oci.titleAnnotation]: f.name },
    })),
  };
  return { manifest, bytes: new TextEncoder().encode(JSON.stringify(manifest)) };
}

/** Pushes files as one artifact in the operator's layout and tags it. */
export async function pushArtifact(
  client: RegistryClient,
  repository: string,
  tag: string,
  files: readonly PushFile[],
  signal?: AbortSignal,
): Promise<PushResult> {
  const { manifest, bytes } = buildArtifactManifest(files);
  await pushBlob(client, repository, emptyConfig, manifest.config.digest, signal);
  for (const [i, file] of files.entries()) {
    const layer = manifest.layers[i];
    if (layer) await pushBlob(client, repository, file.content, layer.digest, signal);
  }
  const digest = sha256Digest(bytes);
  const put = await client.request('PUT', `/v2/${repository}/manifests/${tag}`, {
    repository,
    actions: 'pull,push',
    signal,
    body: bytes,
    headers: { 'content-type': oci.manifest },
  });
  if (put.status !== 201) throw registryError(put, `failed to push the manifest ${client.host}/${repository}:${tag}`);
  const served = headerValue(put.headers, 'docker-content-digest');
  if (served && served !== digest) {
    throw new ClusterctlError(
      'REJECTED',
      `the registry ${client.host} stored ${repository}:${tag} as ${served}, not ${digest}`,
    );
  }
  return { digest, size: bytes.byteLength, reference: `${client.host}/${repository}:${tag}` };
}
