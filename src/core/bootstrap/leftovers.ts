/** What a failed run left behind, and how to continue or clean up: added to the step's error. */
import { ClusterctlError } from '../../errors.js';
import type { BootstrapState, BootstrapStep } from './state.js';

function leftBehind(state: BootstrapState, failed: BootstrapStep): string[] {
  const left: string[] = [];
  const done = (s: BootstrapStep) => Boolean(state.steps[s]) || s === failed;
  if (state.bootstrap.mode === 'kind' && done('create-bootstrap-cluster') && !state.steps['delete-bootstrap-cluster'])
    left.push(`the kind cluster "${state.bootstrap.kindCluster}" (kubeconfig ${state.bootstrap.kubeconfigPath})`);
  else if (state.bootstrap.mode === 'existing')
    left.push(`the bootstrap cluster of ${state.bootstrap.kubeconfigPath} (not deleted by this command)`);
  if (state.steps['apply-cluster'] || failed === 'apply-cluster')
    left.push(
      `the workload cluster ${state.namespace}/${state.clusterName}${state.steps.move ? ' (moved to itself)' : ''}`,
    );
  if (state.steps['get-kubeconfig']) left.push(`its kubeconfig ${state.kubeconfigOut}`);
  return left;
}

/** `clusterctl move --rollback` of this run's move: back onto the bootstrap cluster, unpaused. */
export function rollbackCommand(state: BootstrapState): string {
  const context = state.bootstrap.context ? ` --kubeconfig-context ${state.bootstrap.context}` : '';
  return `clusterctl move --rollback --kubeconfig ${state.bootstrap.kubeconfigPath}${context} --to-kubeconfig ${state.kubeconfigOut} -n ${state.namespace}`;
}

function cleanupCommands(
  state: BootstrapState,
  failed: BootstrapStep,
  statePath: string,
  plan: readonly BootstrapStep[],
): string[] {
  const cleanup: string[] = [];
  // A failed move leaves the bootstrap cluster's clusters paused (its journal says what is where):
  // their deletion would never finish until the move is rolled back.
  if (failed === 'move') cleanup.push(rollbackCommand(state));
  if (!state.steps.move && (state.steps['apply-cluster'] || failed === 'apply-cluster'))
    cleanup.push(
      `kubectl --kubeconfig ${state.bootstrap.kubeconfigPath} delete cluster ${state.clusterName} -n ${state.namespace}`,
    );
  if (state.bootstrap.mode === 'kind' && plan.includes('create-bootstrap-cluster'))
    cleanup.push(`kind delete cluster --name ${state.bootstrap.kindCluster}`);
  cleanup.push(`rm ${statePath}`);
  return cleanup;
}

/** Adds to an error what the failed run left behind and how to continue or clean up. */
export function withLeftovers(
  error: unknown,
  state: BootstrapState,
  failed: BootstrapStep,
  statePath: string,
  plan: readonly BootstrapStep[],
): unknown {
  if (!(error instanceof ClusterctlError)) return error;
  const left = leftBehind(state, failed);
  const context = `${error.message}\nLeft behind: ${left.length > 0 ? left.join('; ') : 'nothing'}.`;
  return new ClusterctlError(error.code, context, {
    hint: `${error.hint ? `${error.hint} ` : ''}Re-run the same command to continue from "${failed}"; to clean up instead: ${cleanupCommands(state, failed, statePath, plan).join(' && ')}.`,
    cause: error,
    exitCode: error.exitCode,
  });
}
