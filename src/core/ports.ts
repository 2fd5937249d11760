/**
 * The interfaces core needs from the world. Core never imports node:fs, execa, client-node, chalk,
 * ora or commander: adapters implement these ports and the CLI passes them in.
 */
import type { KubeObject, ObjectRef, ProviderType } from '../types.js';
import type { BootstrapState } from './bootstrap/state.js';

// ---------------------------------------------------------------------------------------------
// Progress reporting
// ---------------------------------------------------------------------------------------------

/** A long-running step; on a TTY a spinner, elsewhere plain lines. */
export interface Task {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  /** Ends the task with a neutral/warning mark. */
  warn(text?: string): void;
}

/**
 * Progress and logs (stderr). Results go to stdout through the CLI, never through the reporter.
 * `debug(level, ...)` lines print when level <= the -v verbosity.
 */
export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  debug(level: number, message: string, fields?: Record<string, unknown>): void;
  task(text: string): Task;
}

/** A reporter that drops everything: the default for library callers. */
export const silentReporter: Reporter = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  task: () => ({ update: () => undefined, succeed: () => undefined, fail: () => undefined, warn: () => undefined }),
};

// ---------------------------------------------------------------------------------------------
// Kubernetes
// ---------------------------------------------------------------------------------------------

export interface ListOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Objects per page (the adapter's default when absent); large pages save round trips. */
  pageSize?: number | undefined;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Field manager for create/update/apply; defaults to `clusterctl`. */
  fieldManager?: string;
}

export type PatchType = 'merge' | 'json' | 'strategic';

/** One API resource from discovery. */
export interface ApiResource {
  apiVersion: string;
  kind: string;
  /** Plural resource name, e.g. `clusters`. */
  name: string;
  namespaced: boolean;
  verbs: string[];
  /** Opaque hash of the version objects are stored in (changes when a CRD's storage version does). */
  storageVersionHash?: string | undefined;
}

export interface ServerVersion {
  major: string;
  minor: string;
  gitVersion: string;
}

/**
 * A client bound to one cluster (one kubeconfig context). Objects are plain JSON in and out.
 * Errors are ClusterctlErrors naming the object: NOT_FOUND, CONFLICT, REJECTED (admission/webhook),
 * UNAUTHORIZED/FORBIDDEN (naming context and user), UNREACHABLE (naming the server URL).
 */
export interface KubeClient {
  /** The API server URL (for messages). */
  readonly server: string;
  /** The kubeconfig context in use (for messages). */
  readonly context: string;
  /** The context's namespace, or `default`. */
  readonly currentNamespace: string;

  serverVersion(): Promise<ServerVersion>;
  /** All resources the server serves for one group/version (cached per client; `refresh` reads again). */
  resources(apiVersion: string, options?: { refresh?: boolean }): Promise<ApiResource[]>;
  /** Every resource of every served group, at each group's preferred version. */
  serverResources(): Promise<ApiResource[]>;
  /** Resolves a kind to its resource; NOT_FOUND when the server does not serve it. */
  resourceFor(apiVersion: string, kind: string): Promise<ApiResource>;

  /** Returns undefined when the object does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, options?: ListOptions): Promise<KubeObject[]>;
  create(obj: KubeObject, options?: WriteOptions): Promise<KubeObject>;
  /** Full update (PUT); the object needs a resourceVersion unless the kind allows unconditional updates. */
  replace(obj: KubeObject, options?: WriteOptions): Promise<KubeObject>;
  /** Server-side apply with `force` (takes conflicting fields). */
  apply(obj: KubeObject, options?: WriteOptions & { force?: boolean }): Promise<KubeObject>;
  patch(ref: ObjectRef, patch: unknown, type: PatchType, options?: WriteOptions): Promise<KubeObject>;
  /** Writes the status subresource (what a controller would do). */
  replaceStatus(obj: KubeObject): Promise<KubeObject>;
  /** Returns false when the object was already gone. */
  delete(ref: ObjectRef, options?: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' }): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Provider repositories
// ---------------------------------------------------------------------------------------------

/**
 * One provider repository (GitHub releases, GitLab packages, a local folder). Mirrors the Go
 * tool's repository interface.
 */
export interface ProviderRepository extends VersionReader {
  /** The version used when none is given ("latest", resolved when the repository is opened). */
  defaultVersion(): string;
  /** The URL or path prefix without the version part, for `--describe` and `config repositories`. */
  rootPath(): string;
  /** The components file name, e.g. `infrastructure-components.yaml`. */
  componentsPath(): string;
}

/** What release resolution (core/repository/versions.ts) reads from a repository. */
export interface VersionReader {
  /** Every version the repository has (semver, `v`-prefixed). */
  getVersions(signal?: AbortSignal): Promise<string[]>;
  /** Reads one file of one release; NOT_FOUND names the release and the file. */
  getFile(version: string, path: string, signal?: AbortSignal): Promise<Uint8Array>;
}

/** A provider repository as opened for one provider, with the names used in messages. */
export interface OpenedProviderRepository extends ProviderRepository {
  /** The provider's manifest label, e.g. `infrastructure-docker`. */
  readonly label: string;
  readonly url: string;
  /** The files of one release when the repository can list them (local folders), for hints; else undefined. */
  listReleaseFiles(version: string): Promise<string[] | undefined>;
}

/** Opens the repository of a provider, as configured (clusterctl.yaml, overrides, cache). */
export type OpenProviderRepository = (name: string, type: ProviderType) => Promise<OpenedProviderRepository>;

// ---------------------------------------------------------------------------------------------
// Move: journal and backup folders
// ---------------------------------------------------------------------------------------------

/**
 * Durable move state (the XDG state folder in the CLI): one journal per move, a header line with
 * the plan and appended event lines, so a killed or failed move can be resumed or rolled back.
 */
export interface MoveJournalStore {
  /** Where the journal of `id` lives (printed on failure). */
  location(id: string): string;
  /** The header and events, or undefined when there is no journal. */
  read(id: string): Promise<{ header: unknown; events: unknown[] } | undefined>;
  /** Starts a journal (replacing any old one). */
  create(id: string, header: unknown): Promise<void>;
  append(id: string, events: unknown[]): Promise<void>;
  remove(id: string): Promise<void>;
}

/** A folder of backup files (`move --to-directory` / `--from-directory`). */
export interface ObjectDirectory {
  readonly path: string;
  /** File names directly in the folder (no recursion), sorted. */
  list(): Promise<string[]>;
  read(name: string): Promise<string>;
  /** Writes with mode 0600, replacing an existing file. */
  write(name: string, content: string | Uint8Array): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// create management-cluster
// ---------------------------------------------------------------------------------------------

/** The kind CLI (the adapter runs the real `kind` executable). */
export interface KindPort {
  /** `kind get clusters`. */
  listClusters(): Promise<string[]>;
  /** `kind create cluster --name --kubeconfig [--config -] [--image] [--wait]`. */
  createCluster(options: {
    name: string;
    kubeconfigPath: string;
    /** kind Cluster config (YAML), passed on stdin. */
    config?: string | undefined;
    image?: string | undefined;
    waitMs: number;
    signal?: AbortSignal | undefined;
  }): Promise<void>;
  /** `kind get kubeconfig --name`: the admin kubeconfig (a secret: never log it). */
  getKubeconfig(name: string): Promise<string>;
  /** `kind delete cluster --name --kubeconfig` (idempotent). */
  deleteCluster(name: string, kubeconfigPath: string): Promise<void>;
}

/** Where `create management-cluster` keeps its state between runs. */
export interface BootstrapStateStore {
  /** Where the state of this cluster is kept (for messages). */
  location(clusterName: string): string;
  load(clusterName: string): Promise<BootstrapState | undefined>;
  save(state: BootstrapState): Promise<void>;
  /** A private path for the bootstrap cluster's kubeconfig (next to the state). */
  bootstrapKubeconfigPath(clusterName: string): string;
}
