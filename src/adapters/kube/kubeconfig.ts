/**
 * Kubeconfig loading with kubectl's rules: `--kubeconfig`, else every file of `KUBECONFIG` merged
 * (the first file to define a name wins; missing and empty files are skipped), else `~/.kube/config`.
 * `--kubeconfig-context` overrides the current context. Auth (client certs, tokens, exec plugins)
 * is then handled by @kubernetes/client-node, which is imported lazily: loading it costs ~0.8 s,
 * which commands that never talk to a cluster should not pay.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type * as ClientNode from '@kubernetes/client-node';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseDocument } from 'yaml';
import { ClusterctlError } from '../../errors.js';

export interface LoadKubeconfigOptions {
  /** `--kubeconfig` */
  kubeconfig?: string | undefined;
  /** `--kubeconfig-context` */
  context?: string | undefined;
  /** The flag that gave `kubeconfig`, for messages (default `--kubeconfig`). */
  flag?: string | undefined;
  env: Record<string, string | undefined>;
  homeDir: string;
}

export interface LoadedKubeconfig {
  kubeConfig: KubeConfig;
  /** The files the configuration came from, for messages. */
  sources: string[];
  context: string;
  user: string;
  server: string;
  namespace: string;
}

type KubeConfigClass = typeof ClientNode.KubeConfig;

/** The largest kubeconfig read (kubeconfigs are kilobytes; a wrong file should fail at once). */
export const maxKubeconfigBytes = 16 * 1024 * 1024;

/** Where the kubeconfig came from, for hints: the flag, KUBECONFIG or the default file. */
function origin(options: Pick<LoadKubeconfigOptions, 'kubeconfig' | 'env' | 'flag'>): string {
  return options.kubeconfig
    ? (options.flag ?? '--kubeconfig')
    : options.env.KUBECONFIG
      ? 'KUBECONFIG'
      : '~/.kube/config';
}

/** True for a file with no YAML content (nothing, blanks, comments, a null document). */
function isEmptyYaml(text: string): boolean {
  if (text.trim() === '') return true;
  try {
    const doc = parseDocument(text);
    return doc.errors.length === 0 && (doc.contents === null || doc.toJS() === null);
  } catch {
    return false;
  }
}

/**
 * Checks one kubeconfig file before the client library reads it: a directory or an oversized file
 * is refused naming the file; an empty one is reported as such (kubectl reads it as an empty config).
 */
function inspectFile(
  path: string,
  options: Pick<LoadKubeconfigOptions, 'kubeconfig' | 'env' | 'flag'>,
): 'empty' | 'ok' {
  const info = statSync(path);
  const problem = info.isDirectory()
    ? 'is a directory'
    : info.size > maxKubeconfigBytes
      ? `is ${(info.size / 1024 / 1024).toFixed(1)} MiB, more than the ${maxKubeconfigBytes / 1024 / 1024} MiB limit for a kubeconfig`
      : undefined;
  if (problem) {
    throw new ClusterctlError('KUBECONFIG', `the kubeconfig file ${path} ${problem}`, {
      hint: `Point ${origin(options)} at the management cluster's kubeconfig, or remove ${path}.`,
    });
  }
  return isEmptyYaml(readFileSync(path, 'utf8')) ? 'empty' : 'ok';
}

function loadFile(KubeConfig: KubeConfigClass, path: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ClusterctlError('KUBECONFIG', `the kubeconfig file ${path} could not be read: ${detail}`, {
      hint: 'Check that the file is a valid kubeconfig (kubectl config view --kubeconfig <file>).',
      cause: error,
    });
  }
  return kc;
}

function mergeFirstWins(KubeConfig: KubeConfigClass, configs: KubeConfig[]): KubeConfig {
  const merged = new KubeConfig();
  const clusters = new Map<string, unknown>();
  const users = new Map<string, unknown>();
  const contexts = new Map<string, unknown>();
  let currentContext = '';
  for (const kc of configs) {
    for (const c of kc.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const x of kc.getContexts()) if (!contexts.has(x.name)) contexts.set(x.name, x);
    if (!currentContext && kc.getCurrentContext()) currentContext = kc.getCurrentContext();
  }
  merged.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return merged;
}

/**
 * The kubeconfig files to read, by kubectl's rules; throws NOT_FOUND when none exists (exit 6, as
 * for any missing file).
 */
export function kubeconfigSources(
  options: Pick<LoadKubeconfigOptions, 'kubeconfig' | 'env' | 'homeDir' | 'flag'>,
): string[] {
  if (options.kubeconfig) {
    const flag = options.flag ?? '--kubeconfig';
    if (!existsSync(options.kubeconfig)) {
      throw new ClusterctlError(
        'NOT_FOUND',
        `the kubeconfig file ${options.kubeconfig} given with ${flag} does not exist`,
        {
          hint: `Pass the path of an existing kubeconfig file to ${flag}.`,
        },
      );
    }
    return [options.kubeconfig];
  }
  if (options.env.KUBECONFIG) {
    const paths = options.env.KUBECONFIG.split(delimiter).filter((p) => p.length > 0);
    const sources = paths.filter((p) => existsSync(p));
    if (sources.length === 0) {
      throw new ClusterctlError('NOT_FOUND', `none of the files in KUBECONFIG exist (${paths.join(delimiter)})`, {
        hint: 'Point KUBECONFIG at an existing kubeconfig file, or pass --kubeconfig.',
      });
    }
    return sources;
  }
  const path = join(options.homeDir, '.kube', 'config');
  if (!existsSync(path)) {
    throw new ClusterctlError(
      'NOT_FOUND',
      `no kubeconfig found: --kubeconfig was not given, KUBECONFIG is not set and ${path} does not exist`,
      {
        hint: 'Pass --kubeconfig <file> or set KUBECONFIG to the management cluster kubeconfig.',
      },
    );
  }
  return [path];
}

/**
 * The files that hold a configuration, checked (see inspectFile). Empty files are skipped, as
 * kubectl merges a KUBECONFIG list; when every file is empty there is nothing to connect with.
 */
export function readableKubeconfigSources(
  options: Pick<LoadKubeconfigOptions, 'kubeconfig' | 'env' | 'homeDir' | 'flag'>,
): string[] {
  const sources = kubeconfigSources(options);
  const withContent = sources.filter((file) => inspectFile(file, options) === 'ok');
  if (withContent.length === 0) {
    const what =
      sources.length === 1
        ? `the kubeconfig file ${sources[0]} is empty`
        : `every file in KUBECONFIG is empty (${sources.join(delimiter)})`;
    throw new ClusterctlError('KUBECONFIG', what, {
      hint: `Point ${origin(options)} at the management cluster's kubeconfig (kind get kubeconfig, or your cloud's CLI, writes one).`,
    });
  }
  return withContent;
}

export async function loadKubeconfig(options: LoadKubeconfigOptions): Promise<LoadedKubeconfig> {
  // Existence checks first: a missing kubeconfig must not pay for loading client-node.
  const sources = readableKubeconfigSources(options);
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig: KubeConfig =
    sources.length === 1
      ? loadFile(KubeConfig, sources[0]!)
      : mergeFirstWins(
          KubeConfig,
          sources.map((p) => loadFile(KubeConfig, p)),
        );

  const where = sources.join(delimiter);
  const contextName = options.context ?? kubeConfig.getCurrentContext();
  if (!contextName) {
    throw new ClusterctlError('KUBECONFIG', `the kubeconfig ${where} has no current context`, {
      hint: `Pass --kubeconfig-context with one of: ${
        kubeConfig
          .getContexts()
          .map((c) => c.name)
          .join(', ') || '(no contexts defined)'
      }.`,
    });
  }
  const context = kubeConfig.getContextObject(contextName);
  if (!context) {
    const known = kubeConfig.getContexts().map((c) => c.name);
    throw new ClusterctlError('KUBECONFIG', `context "${contextName}" does not exist in the kubeconfig ${where}`, {
      hint:
        known.length > 0
          ? `Use --kubeconfig-context with one of: ${known.join(', ')}.`
          : 'The kubeconfig defines no contexts.',
    });
  }
  kubeConfig.setCurrentContext(contextName);
  const cluster = kubeConfig.getCluster(context.cluster);
  if (!cluster || !cluster.server) {
    throw new ClusterctlError(
      'KUBECONFIG',
      `context "${contextName}" refers to cluster "${context.cluster}", which is not defined (or has no server) in ${where}`,
      {
        hint: 'Fix the kubeconfig (kubectl config view) or choose another context with --kubeconfig-context.',
      },
    );
  }
  return {
    kubeConfig,
    sources,
    context: contextName,
    user: context.user,
    server: cluster.server,
    namespace: context.namespace ?? 'default',
  };
}
