/**
 * Where `create management-cluster` records its progress: one JSON file per cluster name,
 * `<name>.json`, in `$CLUSTERCTL_TS_STATE_DIR/bootstrap`, else `$XDG_STATE_HOME/clusterctl-ts/bootstrap`
 * (default `~/.local/state`; next to the move journals), beside the bootstrap cluster's private
 * kubeconfig. Writes are atomic (a
 * temporary file renamed over the old one), so a kill never leaves half a state file.
 */
import { dirname, join } from 'node:path';
import { ClusterctlError } from '../../errors.js';
import type { BootstrapState } from '../../core/bootstrap/state.js';
import type { BootstrapStateStore } from '../../core/ports.js';
import { moveStateDir } from './move-journal.js';
import { readFileIfPresent, writePrivateFile } from './private-file.js';

export { writePrivateFile };

export function bootstrapStateDir(env: Record<string, string | undefined>, homeDir: string): string {
  return join(dirname(moveStateDir(env, homeDir)), 'bootstrap');
}

export function createBootstrapStateStore(dir: string): BootstrapStateStore {
  const file = (name: string) => join(dir, `${name}.json`);
  return {
    location: file,
    bootstrapKubeconfigPath: (name) => join(dir, `${name}.bootstrap.kubeconfig`),
    async load(name) {
      const text = await readFileIfPresent(file(name));
      if (text === undefined) return undefined;
      try {
        const state = JSON.parse(text) as BootstrapState;
        if (state.version !== 1) throw new Error(`unknown version ${String(state.version)}`);
        return state;
      } catch (error) {
        throw new ClusterctlError(
          'INVALID_CONFIG',
          `the state file ${file(name)} is not valid: ${(error as Error).message}`,
          {
            hint: 'Delete it to start over (clean up what the earlier run created first).',
            cause: error,
          },
        );
      }
    },
    async save(state) {
      await writePrivateFile(file(state.clusterName), JSON.stringify(state, null, 2) + '\n');
    },
  };
}
