/** Builds the real KubeClient from the global flags and the environment. */
import { createKubeClient } from '../adapters/kube/client.js';
import type { KubeClient } from '../core/ports.js';
import type { CliContext } from './context.js';
import { packageVersion } from './package-info.js';

export async function managementClient(
  ctx: CliContext,
  flags: { kubeconfig?: string | undefined; kubeconfigContext?: string | undefined } = {},
  /** Use only `flags` (the target of move), never the global --kubeconfig / --kubeconfig-context. */
  own = false,
): Promise<KubeClient> {
  return createKubeClient({
    kubeconfig: own ? flags.kubeconfig || undefined : (flags.kubeconfig ?? ctx.global.kubeconfig),
    context: own ? flags.kubeconfigContext || undefined : (flags.kubeconfigContext ?? ctx.global.kubeconfigContext),
    env: ctx.env,
    homeDir: ctx.io.homeDir,
    userAgent: `clusterctl-ts/v${packageVersion()} (${process.platform}/${process.arch})`,
  });
}
