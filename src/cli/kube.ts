/** Builds the real KubeClient from the global flags and the environment. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { createKubeClient } from '../adapters/kube/client.js';
import { kubeconfigSources } from '../adapters/kube/kubeconfig.js';
import type { KubeClient } from '../core/ports.js';
import { ClusterctlError } from '../errors.js';
import type { CliContext } from './context.js';
import { packageVersion } from './package-info.js';

/** The largest kubeconfig read (kubeconfigs are kilobytes; a wrong file should fail at once). */
export const maxKubeconfigBytes = 16 * 1024 * 1024;

/**
 * Checks the kubeconfig files before the client library reads them, so that the user learns which
 * file is wrong and how to fix it: a missing file is NOT_FOUND (exit 6, the README's table), an
 * empty file (or one holding only comments), a directory or an oversized file is KUBECONFIG (exit 2).
 */
export function checkKubeconfigFiles(
  kubeconfig: string | undefined,
  env: CliContext['env'],
  homeDir: string,
  flag = '--kubeconfig',
): void {
  if (kubeconfig && !existsSync(kubeconfig)) {
    throw new ClusterctlError('NOT_FOUND', `the kubeconfig file ${kubeconfig} given with ${flag} does not exist`, {
      hint: `Pass the path of an existing kubeconfig file to ${flag}.`,
    });
  }
  let sources: string[];
  try {
    sources = kubeconfigSources({ kubeconfig, env, homeDir });
  } catch (error) {
    // kubeconfigSources fails only when no file exists: "file not found" in the README's table.
    if (error instanceof ClusterctlError) {
      throw new ClusterctlError('NOT_FOUND', error.message, { hint: error.hint, cause: error });
    }
    throw error;
  }
  for (const file of sources) {
    const info = statSync(file);
    const problem = info.isDirectory()
      ? 'is a directory'
      : info.size > maxKubeconfigBytes
        ? `is ${(info.size / 1024 / 1024).toFixed(1)} MiB, more than the ${maxKubeconfigBytes / 1024 / 1024} MiB limit for a kubeconfig`
        : isEmptyYaml(readFileSync(file, 'utf8'))
          ? 'is empty'
          : undefined;
    if (problem) {
      throw new ClusterctlError('KUBECONFIG', `the kubeconfig file ${file} ${problem}`, {
        hint: `Point ${kubeconfig ? flag : env.KUBECONFIG ? 'KUBECONFIG' : '~/.kube/config'} at the management cluster's kubeconfig (kind get kubeconfig, or your cloud's CLI, writes one), or remove ${file}.`,
      });
    }
  }
}

function isEmptyYaml(text: string): boolean {
  if (text.trim() === '') return true;
  try {
    const doc = parseDocument(text);
    return doc.errors.length === 0 && (doc.contents === null || doc.toJS() === null);
  } catch {
    return false;
  }
}

/** `--hide-api-warnings` of move: which API server warnings are not printed. */
export type HideApiWarnings = 'default' | 'all' | 'none';

/**
 * The warnings `default` hides, as the Go tool: finalizer names of cluster.x-k8s.io without a
 * domain-qualified path, and API deprecation notices.
 */
const hiddenByDefault = [
  /^metadata\.finalizers:.*cluster\.x-k8s\.io.*prefer a domain-qualified finalizer name (including a path \(\/\) )?to avoid accidental conflicts with other finalizer writers$/,
  /^.*is deprecated; use .*$/,
];

/** Prints API server warnings as the Go tool does: `[API Server Warning] <text>` on stderr. */
export function apiWarningPrinter(ctx: CliContext, hide: HideApiWarnings | undefined): (message: string) => void {
  return (message) => {
    if (hide === 'all') return;
    if (hide === 'default' && hiddenByDefault.some((re) => re.test(message))) return;
    ctx.reporter.info(`[API Server Warning] ${message}`);
  };
}

export async function managementClient(
  ctx: CliContext,
  flags: {
    kubeconfig?: string | undefined;
    kubeconfigContext?: string | undefined;
    hideApiWarnings?: HideApiWarnings | undefined;
  } = {},
  /** Use only `flags` (the target of move), never the global --kubeconfig / --kubeconfig-context. */
  own = false,
): Promise<KubeClient> {
  const kubeconfig = (own ? flags.kubeconfig : (flags.kubeconfig ?? ctx.global.kubeconfig)) || undefined;
  checkKubeconfigFiles(kubeconfig, ctx.env, ctx.io.homeDir, own ? '--to-kubeconfig' : '--kubeconfig');
  return createKubeClient({
    kubeconfig,
    // An empty --kubeconfig-context means the current context, as the help says.
    context: (own ? flags.kubeconfigContext : (flags.kubeconfigContext ?? ctx.global.kubeconfigContext)) || undefined,
    env: ctx.env,
    homeDir: ctx.io.homeDir,
    userAgent: `clusterctl-ts/v${packageVersion()} (${process.platform}/${process.arch})`,
    reporter: ctx.reporter,
    onWarning: apiWarningPrinter(ctx, flags.hideApiWarnings),
  });
}
