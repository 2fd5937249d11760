/**
 * Stopping provider controllers before an upgrade: every Deployment is scaled to 0 and awaited
 * until its status reports 0 replicas, so no old controller pod still serves a conversion webhook
 * while the new components are installed. The wait is bounded; when it runs out, the Deployments
 * scaled here get their replicas back, so the cluster keeps running the old, working version.
 */
import { ClusterctlError } from '../../errors.js';
import { refOf, type KubeObject, type ObjectRef } from '../../types.js';
import { mapWithConcurrency } from '../pool.js';
import type { KubeClient } from '../ports.js';
import { sleep as defaultSleep } from '../sleep.js';

export const defaultScaleDownTimeoutMs = 60_000;

export interface ScaleDownOptions {
  /** How long to wait for all pods to be gone (the Go tool waits ~60 s per Deployment). */
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Called on each poll with the Deployments that still report replicas. */
  onWaiting?: (pending: { name: string; replicas: number }[]) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface DeploymentShape {
  spec?: { replicas?: number };
  status?: { replicas?: number };
}

const nameOf = (ref: ObjectRef) => `${ref.namespace ?? ''}/${ref.name}`;

/**
 * Scales the Deployments to 0 and waits until none reports replicas. On timeout (or any failure
 * while waiting) the replicas of the Deployments changed here are restored and a TIMEOUT error names
 * the ones that did not stop.
 */
export async function scaleDownDeployments(
  client: KubeClient,
  deployments: readonly KubeObject[],
  options: ScaleDownOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? defaultScaleDownTimeoutMs;
  const sleep = options.sleep ?? defaultSleep;
  const scaled: { ref: ObjectRef; replicas: number }[] = [];
  /** Gives the Deployments scaled here their replicas back; returns what could not be restored. */
  const restore = async (): Promise<{ ref: ObjectRef; replicas: number; reason: string }[]> => {
    const failed: { ref: ObjectRef; replicas: number; reason: string }[] = [];
    await mapWithConcurrency(scaled, 4, async ({ ref, replicas }) => {
      try {
        await client.patch(ref, { spec: { replicas } }, 'merge');
      } catch (error) {
        failed.push({ ref, replicas, reason: error instanceof Error ? error.message : String(error) });
      }
    });
    return failed;
  };
  try {
    await mapWithConcurrency(deployments, 4, async (d) => {
      const replicas = (d as DeploymentShape).spec?.replicas;
      if (replicas === 0) return;
      const ref = refOf(d);
      await client.patch(ref, { spec: { replicas: 0 } }, 'merge');
      // An absent spec.replicas means 1.
      scaled.push({ ref, replicas: replicas ?? 1 });
    });

    const deadline = Date.now() + timeoutMs;
    let pending = deployments.map((d) => ({ ref: refOf(d), replicas: -1 }));
    for (;;) {
      options.signal?.throwIfAborted();
      const current = await mapWithConcurrency(pending, 4, async (p) => {
        const live = await client.get(p.ref);
        return { ref: p.ref, replicas: live ? ((live as DeploymentShape).status?.replicas ?? 0) : 0 };
      });
      pending = current.filter((p) => p.replicas > 0);
      if (pending.length === 0) return;
      options.onWaiting?.(pending.map((p) => ({ name: nameOf(p.ref), replicas: p.replicas })));
      if (Date.now() >= deadline) break;
      await sleep(Math.min(options.pollMs ?? 250, Math.max(deadline - Date.now(), 0)), options.signal);
    }
    const names = pending.map((p) => `Deployment ${nameOf(p.ref)} (${p.replicas} still running)`).join(', ');
    const namespaces = [...new Set(pending.map((p) => p.ref.namespace ?? ''))];
    throw new ClusterctlError(
      'TIMEOUT',
      `timed out after ${Math.round(timeoutMs / 1000)}s waiting for the provider controllers to stop: ${names}; nothing was upgraded`,
      {
        hint: `Find out why the pods do not terminate (kubectl get pods -n ${namespaces.join(',')}: a finalizer, an unreachable node), delete them or fix the cause, then re-run clusterctl upgrade apply; --scale-down-timeout gives slow controllers more time.`,
      },
    );
  } catch (error) {
    const failed = await restore();
    if (failed.length === 0) {
      if (error instanceof ClusterctlError && error.code === 'TIMEOUT' && scaled.length > 0) {
        throw new ClusterctlError('TIMEOUT', `${error.message} and the controllers were scaled back up`, {
          hint: error.hint,
        });
      }
      throw error;
    }
    // Never claim the controllers run again when some could not be scaled back.
    const commands = failed
      .map((f) => `kubectl scale deployment -n ${f.ref.namespace ?? ''} ${f.ref.name} --replicas=${f.replicas}`)
      .join('; ');
    const reasons = failed.map((f) => `Deployment ${nameOf(f.ref)}: ${f.reason}`).join('; ');
    const first = error instanceof ClusterctlError ? error : undefined;
    throw new ClusterctlError(
      first?.code ?? 'INTERNAL',
      `${error instanceof Error ? error.message : String(error)}; restoring the replicas of ${failed.length} of the ${scaled.length} controllers scaled down failed, so they are still stopped (${reasons})`,
      { hint: `Scale them back up by hand: ${commands}. ${first?.hint ?? ''}`.trim(), cause: error },
    );
  }
}
