/** init's dependencies for one cluster: used by init, and by create management-cluster for both of its clusters. */
import type { InitDeps } from '../../core/init.js';
import type { KubeClient, Reporter } from '../../core/ports.js';
import type { CliContext } from '../context.js';
import { createProviderServices, type ProviderServices } from '../providers.js';

export async function initDepsFor(
  ctx: CliContext,
  client: KubeClient,
  services?: ProviderServices,
  reporter: Reporter = ctx.reporter,
): Promise<InitDeps> {
  services ??= await createProviderServices(ctx);
  const cm = services.config.certManager();
  if (!cm.timeoutValid) ctx.reporter.warn(`invalid cert-manager timeout "${cm.timeout}" in clusterctl.yaml; using 10m`);
  return {
    client,
    reporter,
    parseRef: (ref, type) => services.parseRef(ref, type),
    fetchComponents: (request, ns) => services.fetchComponents(request, ns),
    certManager: {
      version: cm.version,
      url: cm.url,
      timeoutMs: cm.timeoutMs,
      externallyProvisioned: cm.externallyProvisioned,
    },
    fetchCertManager: (settings) => services.fetchCertManager(settings),
  };
}
