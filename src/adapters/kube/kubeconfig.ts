/**
 * Kubeconfig loading with kubectl's rules: `--kubeconfig`, else every file of `KUBECONFIG` merged
 * (the first file to define a name wins, missing files are skipped), else `~/.kube/config`.
 * `--kubeconfig-context` overrides the current context. Auth (client certs, tokens, exec plugins)
 * is then handled by @kubernetes/client-node, which is imported lazily: loading it costs ~0.8 s,
 * which commands that never talk to a cluster should not pay.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type * as ClientNode from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ClusterctlError } from '../../errors.js';

export interface LoadKubeconfigOptions {
  /** `--kubeconfig` */
  kubeconfig?: string | undefined;
  /** `--kubeconfig-context` */
  context?: string | undefined;
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

/** The kubeconfig files to read, by kubectl's rules; throws when none exists. */
export function kubeconfigSources(options: Pick<LoadKubeconfigOptions, 'kubeconfig' | 'env' | 'homeDir'>): string[] {
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) {
      throw new ClusterctlError(
        'KUBECONFIG',
        `the kubeconfig file ${options.kubeconfig} given with --kubeconfig does not exist`,
        {
          hint: 'Pass the path of an existing kubeconfig file, or drop --kubeconfig to use $KUBECONFIG or ~/.kube/config.',
        },
      );
    }
    return [options.kubeconfig];
  }
  if (options.env.KUBECONFIG) {
    const paths = options.env.KUBECONFIG.split(delimiter).filter((p) => p.length > 0);
    const sources = paths.filter((p) => existsSync(p));
    if (sources.length === 0) {
      throw new ClusterctlError('KUBECONFIG', `none of the files in KUBECONFIG exist (${paths.join(delimiter)})`, {
        hint: 'Point KUBECONFIG at an existing kubeconfig file, or pass --kubeconfig.',
      });
    }
    return sources;
  }
  const path = join(options.homeDir, '.kube', 'config');
  if (!existsSync(path)) {
    throw new ClusterctlError(
      'KUBECONFIG',
      `no kubeconfig found: --kubeconfig was not given, KUBECONFIG is not set and ${path} does not exist`,
      {
        hint: 'Pass --kubeconfig <file> or set KUBECONFIG to the management cluster kubeconfig.',
      },
    );
  }
  return [path];
}

export async function loadKubeconfig(options: LoadKubeconfigOptions): Promise<LoadedKubeconfig> {
  // Existence checks first: a missing kubeconfig must not pay for loading client-node.
  const sources = kubeconfigSources(options);
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
