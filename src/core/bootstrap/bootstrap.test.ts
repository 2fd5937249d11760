/**
 * The pure parts of create management-cluster with in-memory doubles of the project's own ports
 * (state store, kind, tool lookup); everything that talks to Kubernetes is covered by
 * test/e2e/bootstrap.test.ts against real API servers.
 */
import { describe, expect, it } from 'vitest';
import { ClusterctlError } from '../../errors.js';
import type { KubeObject } from '../../types.js';
import type { KindPort, KubeClient, Reporter } from '../ports.js';
import { bootstrap, newState } from './bootstrap.js';
import { expectedMachineCount } from './provisioning.js';
import { nestedReporter } from './runner.js';
import type { BootstrapState } from './state.js';
import type { BootstrapDeps, BootstrapOptions } from './types.js';
import { failure } from '../../../test/harness/errors.js';

function doubles(options: { tools?: string[]; kindClusters?: string[]; state?: BootstrapState } = {}) {
  const saved: BootstrapState[] = [];
  const calls: string[] = [];
  const unexpected = (what: string) => () => {
    calls.push(what);
    return Promise.reject(new Error(`${what} should not be called`));
  };
  const deps: BootstrapDeps = {
    reporter: { info: () => undefined, warn: () => undefined, debug: () => undefined, task: () => task() },
    state: {
      location: (name) => `/state/${name}.json`,
      bootstrapKubeconfigPath: (name) => `/state/${name}.bootstrap.kubeconfig`,
      load: () => Promise.resolve(options.state),
      save: (s) => {
        saved.push(structuredClone(s));
        return Promise.resolve();
      },
    },
    kind: {
      listClusters: () => Promise.resolve(options.kindClusters ?? []),
      createCluster: unexpected('kind create'),
      getKubeconfig: unexpected('kind get kubeconfig'),
      deleteCluster: unexpected('kind delete'),
    },
    findTool: (name) =>
      Promise.resolve((options.tools ?? ['kind', 'docker']).includes(name) ? `/bin/${name}` : undefined),
    connect: unexpected('connect'),
    writeKubeconfig: unexpected('writeKubeconfig'),
    init: unexpected('init'),
    generate: unexpected('generate'),
    moveObjects: unexpected('move'),
  };
  return { deps, saved, calls };
}

function task() {
  return { update: () => undefined, succeed: () => undefined, fail: () => undefined, warn: () => undefined };
}

const options: BootstrapOptions = {
  clusterName: 'mgmt',
  providers: { infrastructure: ['docker'] },
  kubeconfigOut: '/work/mgmt.kubeconfig',
};

/** The doubles with some kind operations replaced. */
function withKind(deps: BootstrapDeps, kind: Partial<KindPort>): BootstrapDeps {
  return { ...deps, kind: { ...deps.kind, ...kind } };
}

describe('bootstrap preflight', () => {
  it('names every missing tool with its install hint (exit 3) and writes no state', async () => {
    const { deps, saved, calls } = doubles({ tools: [] });
    const error = await failure(bootstrap(deps, options));
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('kind was not found on PATH');
    expect(error.message).toContain('docker was not found on PATH');
    expect(error.hint).toContain('sigs.k8s.io/kind@v0.32.0');
    expect(error.hint).toContain('https://docs.docker.com/engine/install/');
    expect(saved).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('needs neither kind nor docker with --bootstrap-kubeconfig', async () => {
    const { deps, calls } = doubles({ tools: [] });
    // Gets past the preflight: the first thing it does is connect to the given cluster.
    await expect(bootstrap(deps, { ...options, bootstrapKubeconfig: '/k/config' })).rejects.toThrow(
      'connect should not be called',
    );
    expect(calls).toEqual(['connect']);
  });

  it('checks the runtime kind is told to use (KIND_EXPERIMENTAL_PROVIDER)', async () => {
    const { deps } = doubles({ tools: ['kind', 'docker'] });
    const error = await failure(bootstrap(deps, { ...options, containerRuntime: 'podman' }));
    expect(error.message).toBe('podman was not found on PATH');
    expect(error.hint).toContain('KIND_EXPERIMENTAL_PROVIDER=podman');
  });

  it('refuses a kind cluster of the same name that it did not create, before writing state', async () => {
    const { deps, saved, calls } = doubles({ kindClusters: ['mgmt-bootstrap'] });
    const error = await failure(bootstrap(deps, options));
    expect(error.exitCode).toBe(7);
    expect(error.message).toBe('a kind cluster named "mgmt-bootstrap" already exists');
    expect(error.hint).toContain('kind delete cluster --name mgmt-bootstrap');
    expect(saved).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('refuses to resume a run that was started with different flags', async () => {
    const first = doubles();
    await expect(bootstrap(first.deps, options)).rejects.toThrow('kind create should not be called');
    const state = first.saved.at(-1)!;
    expect(state.current?.step).toBe('create-bootstrap-cluster');
    const { deps, calls } = doubles({ state });
    const error = await failure(bootstrap(deps, { ...options, workerMachineCount: 3 }));
    expect(error.exitCode).toBe(7);
    expect(error.message).toContain('/state/mgmt.json');
    expect(calls).toEqual([]);
  });

  it('names what the failed step left behind and how to continue or clean up', async () => {
    const { deps } = doubles();
    const error = await failure(
      bootstrap(
        withKind(deps, { createCluster: () => Promise.reject(new ClusterctlError('INTERNAL', 'kind says: boom')) }),
        options,
      ),
    );
    expect(error.message).toContain('kind says: boom');
    expect(error.message).toContain('Left behind: the kind cluster "mgmt-bootstrap"');
    expect(error.hint).toContain('Re-run the same command to continue from "create-bootstrap-cluster"');
    expect(error.hint).toContain('kind delete cluster --name mgmt-bootstrap && rm /state/mgmt.json');
  });

  it('after a failed move, offers this command to continue and a rollback (not a flag it lacks) to clean up', async () => {
    const existing = { ...options, bootstrapKubeconfig: '/k/config' };
    const done = { startedAt: '2026-12-03T00:00:00Z', durationMs: 1 };
    const state: BootstrapState = {
      ...newState(existing, { kindCluster: 'unused', bootstrapKubeconfigPath: 'unused' }, '2026-12-03T00:00:00Z'),
      steps: {
        'init-bootstrap-cluster': done,
        'apply-cluster': done,
        'wait-provisioned': done,
        'get-kubeconfig': done,
        'init-workload-cluster': done,
      },
      providers: [{ providerName: 'docker', type: 'InfrastructureProvider', version: 'v1.13.5', namespace: 'capd' }],
    };
    const { deps } = doubles({ state });
    const moveFailure = new ClusterctlError(
      'INTERNAL',
      'failed to create ClusterClass default/in-memory on the target: webhook unreachable. The source still has every object (its clusters are paused). The move journal is /state/move/x.jsonl',
      {
        hint: 'Check that the provider controller that serves it is running (kubectl get pods -A). Re-run the same command to finish the move, or add --rollback to return everything to the source and unpause it.',
      },
    );
    const error = await failure(
      bootstrap(
        {
          ...deps,
          connect: () => Promise.resolve({} as KubeClient),
          moveObjects: () => Promise.reject(moveFailure),
        },
        existing,
      ),
    );
    expect(error.message).toContain('The move journal is /state/move/x.jsonl');
    expect(error.hint).toContain('(kubectl get pods -A).');
    expect(error.hint).not.toContain('add --rollback');
    expect(error.hint).toContain('Re-run the same command to continue from "move"');
    expect(error.hint).toContain(
      'to clean up instead: clusterctl move --rollback --kubeconfig /k/config --to-kubeconfig /work/mgmt.kubeconfig -n default && kubectl --kubeconfig /k/config delete cluster mgmt -n default && rm /state/mgmt.json.',
    );
  });

  it('removes a kind cluster whose creation was interrupted, so that the re-run starts clean', async () => {
    const { deps } = doubles();
    const deleted: string[] = [];
    const error = await failure(
      bootstrap(
        withKind(deps, {
          createCluster: () => Promise.reject(new ClusterctlError('INTERRUPTED', 'interrupted')),
          deleteCluster: (name) => {
            deleted.push(name);
            return Promise.resolve();
          },
        }),
        options,
      ),
    );
    expect(error.exitCode).toBe(130);
    expect(deleted).toEqual(['mgmt-bootstrap']);
  });

  it('rejects a bad name and a missing infrastructure provider (exit 2)', async () => {
    const { deps } = doubles();
    expect((await failure(bootstrap(deps, { ...options, clusterName: 'Mgmt_1' }))).exitCode).toBe(2);
    expect((await failure(bootstrap(deps, { ...options, providers: {} }))).message).toBe(
      'an infrastructure provider is required',
    );
  });
});

describe('expectedMachineCount', () => {
  const cluster = (spec: unknown): KubeObject => ({
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: 'c' },
    spec,
  });
  it('adds the control plane replicas and the MachineDeployments of the cluster', () => {
    expect(
      expectedMachineCount(
        [
          cluster({ controlPlaneRef: { kind: 'KubeadmControlPlane', name: 'cp' } }),
          { apiVersion: 'x/v1', kind: 'KubeadmControlPlane', metadata: { name: 'cp' }, spec: { replicas: 3 } },
          {
            apiVersion: 'x/v1',
            kind: 'MachineDeployment',
            metadata: { name: 'a' },
            spec: { clusterName: 'c', replicas: 2 },
          },
          {
            apiVersion: 'x/v1',
            kind: 'MachineDeployment',
            metadata: { name: 'b' },
            spec: { clusterName: 'other', replicas: 5 },
          },
        ],
        'c',
      ),
    ).toBe(5);
  });
  it('reads a ClusterClass topology', () => {
    expect(
      expectedMachineCount(
        [
          cluster({
            topology: { controlPlane: { replicas: 1 }, workers: { machineDeployments: [{ replicas: 4 }, {}] } },
          }),
        ],
        'c',
      ),
    ).toBe(6);
  });
});

describe('nestedReporter', () => {
  it("turns an inner operation's tasks into updates of the step's spinner", () => {
    const updates: string[] = [];
    const debug: string[] = [];
    const parent: Reporter = {
      info: () => undefined,
      warn: () => undefined,
      debug: (_level, message) => debug.push(message),
      task: () => task(),
    };
    const inner = nestedReporter(parent, { ...task(), update: (t) => updates.push(t) }, '[2/9] Installing');
    const t = inner.task('Installing cluster-api v1.14.0');
    t.update('Installing cluster-api v1.14.0 (3/40 objects)');
    t.succeed('Installed cluster-api v1.14.0');
    inner.info('done');
    expect(updates).toEqual([
      '[2/9] Installing: Installing cluster-api v1.14.0',
      '[2/9] Installing: Installing cluster-api v1.14.0 (3/40 objects)',
    ]);
    expect(debug).toEqual(['Installed cluster-api v1.14.0', 'done']);
  });
});
