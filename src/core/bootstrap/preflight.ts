/** Checks made before anything is created: the arguments, and the tools the remaining steps need. */
import { AggregateClusterctlError, ClusterctlError } from '../../errors.js';
import type { BootstrapOptions } from './types.js';

export function validateOptions(options: BootstrapOptions): void {
  const name = options.clusterName;
  if (!name || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid cluster name "${name}"`, {
      hint: 'Give a lowercase DNS label (a-z, 0-9, "-"), at most 63 characters, e.g. "mgmt".',
    });
  }
  if (!options.providers.infrastructure?.some((p) => p.trim() && p.trim() !== '-')) {
    throw new ClusterctlError('INVALID_ARGUMENT', 'an infrastructure provider is required', {
      hint: 'Pass -i/--infrastructure NAME[:VERSION], e.g. -i docker; the workload cluster is created from its template.',
    });
  }
}

const installHints: Record<string, string> = {
  kind: 'Install kind v0.32 or newer (https://kind.sigs.k8s.io/docs/user/quick-start/#installation, e.g. "go install sigs.k8s.io/kind@v0.32.0"), or pass --bootstrap-kubeconfig to use an existing cluster instead.',
  docker:
    'kind runs its nodes as containers: install Docker (https://docs.docker.com/engine/install/), set KIND_EXPERIMENTAL_PROVIDER=podman or nerdctl to use another runtime, or pass --bootstrap-kubeconfig to use an existing cluster instead.',
  podman:
    'KIND_EXPERIMENTAL_PROVIDER=podman needs podman (https://podman.io/docs/installation); unset it to use Docker, or pass --bootstrap-kubeconfig.',
  nerdctl:
    'KIND_EXPERIMENTAL_PROVIDER=nerdctl needs nerdctl (https://github.com/containerd/nerdctl); unset it to use Docker, or pass --bootstrap-kubeconfig.',
};

/** Throws one error naming every missing tool (kind and the container runtime) with its install hint. */
export async function requireKindTools(
  runtime: string,
  findTool: (name: string) => Promise<string | undefined>,
): Promise<void> {
  const missing: ClusterctlError[] = [];
  for (const tool of ['kind', runtime]) {
    if (!(await findTool(tool))) {
      missing.push(
        new ClusterctlError('MISSING_TOOL', `${tool} was not found on PATH`, {
          hint: installHints[tool] ?? `Install ${tool}.`,
        }),
      );
    }
  }
  if (missing.length === 1) throw missing[0]!;
  if (missing.length > 1)
    throw new AggregateClusterctlError('the tools needed to create the bootstrap cluster are missing', missing, {
      hint: missing.map((m) => m.hint).join(' '),
    });
}
