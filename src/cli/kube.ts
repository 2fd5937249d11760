/** Builds the real KubeClient from the global flags and the environment. */
import { createKubeClient } from '../adapters/kube/client.js';
import type { KubeClient } from '../core/ports.js';
import type { CliContext } from './context.js';
import { packageVersion } from './package-info.js';

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

/** The warnings already printed by a command, whichever of its clients (move has two) got them. */
const printedWarnings = new WeakMap<CliContext, Set<string>>();

/**
 * Prints API server warnings as the Go tool does, `[API Server Warning] <text>` on stderr, but each
 * text once per command: the Go tool repeats a deprecation notice on every request of the kind (a
 * move of a few clusters printed the same DockerCluster line dozens of times).
 */
export function apiWarningPrinter(ctx: CliContext, hide: HideApiWarnings | undefined): (message: string) => void {
  return (message) => {
    if (hide === 'all') return;
    if (hide === 'default' && hiddenByDefault.some((re) => re.test(message))) return;
    let printed = printedWarnings.get(ctx);
    if (!printed) printedWarnings.set(ctx, (printed = new Set()));
    if (printed.has(message)) return;
    printed.add(message);
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
  // Missing, empty, oversized files and directories are refused by loadKubeconfig, naming the file.
  return createKubeClient({
    kubeconfig,
    flag: own ? '--to-kubeconfig' : '--kubeconfig',
    // An empty --kubeconfig-context means the current context, as the help says.
    context: (own ? flags.kubeconfigContext : (flags.kubeconfigContext ?? ctx.global.kubeconfigContext)) || undefined,
    env: ctx.env,
    homeDir: ctx.io.homeDir,
    userAgent: `clusterctl-ts/v${packageVersion()} (${process.platform}/${process.arch})`,
    reporter: ctx.reporter,
    onWarning: apiWarningPrinter(ctx, flags.hideApiWarnings),
    // Ctrl-C cuts in-flight requests and retry waits (the error is the context's INTERRUPTED).
    signal: ctx.signal,
  });
}
