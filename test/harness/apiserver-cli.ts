/**
 * `npm run -s apiserver -- up DIR`   starts etcd + kube-apiserver + kube-controller-manager in the
 *                                    background and writes DIR/kubeconfig (prints its path).
 *     --capi                         also installs the real Cluster API v1.13.5 core, kubeadm and
 *                                    docker (in-memory) providers with our `init` from the local
 *                                    release files (../shared/fixtures/capi-repo), and runs their
 *                                    controllers (built by `npm run setup:capi`)
 *     --config FILE                  with --capi: the clusterctl.yaml to init with instead
 * `npm run -s apiserver -- down DIR` stops all of it and removes DIR's data.
 * `npm run -s apiserver -- status DIR`
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startApiServer, stopDetached } from './apiserver.js';
import { findCapiBinaries } from './capi-controllers.js';
import { startCapiManagementCluster } from './capi-management.js';
import { clusterctlBin, repoRoot } from './cli.js';

function usage(): never {
  process.stderr.write('usage: npm run -s apiserver -- up DIR [--capi [--config FILE]] | down DIR | status DIR\n');
  process.exit(2);
}

function parseArgs(argv: string[]): { command?: string; target?: string; capi: boolean; config?: string } {
  const positional: string[] = [];
  let capi = false;
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--capi') capi = true;
    else if (arg === '--config') config = argv[++i] ?? usage();
    else if (arg.startsWith('--config=')) config = arg.slice('--config='.length);
    else if (arg.startsWith('-')) usage();
    else positional.push(arg);
  }
  if (config && !capi) usage();
  return { command: positional[0], target: positional[1], capi, ...(config ? { config: resolve(config) } : {}) };
}

async function main(): Promise<void> {
  const { command, target, capi, config } = parseArgs(process.argv.slice(2));
  if (!command || !target) usage();
  const dir = resolve(target);
  switch (command) {
    case 'up': {
      if (existsSync(join(dir, 'state.json'))) {
        process.stderr.write(
          `an API server is already recorded in ${dir}; run 'npm run -s apiserver -- down ${target}' first\n`,
        );
        process.exit(7);
      }
      if (capi) {
        // Fail before starting anything when a part is missing.
        findCapiBinaries();
        if (!existsSync(join(repoRoot, 'dist')))
          throw new Error(`${clusterctlBin} runs dist/, which is missing: run 'npm run -s build' first`);
        if (config && !existsSync(config)) throw new Error(`the --config file ${config} does not exist`);
      }
      mkdirSync(dir, { recursive: true });
      const started = Date.now();
      const server = await startApiServer({ name: 'clusterctl-ts', dir, detached: true });
      process.stderr.write(`API server ${server.url} ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
      if (capi) {
        try {
          const mgmt = await startCapiManagementCluster({
            dir: join(dir, 'capi'),
            server,
            detached: true,
            capdLockTimeoutMs: 0,
            ...(config ? { configPath: config } : {}),
          });
          const statePath = join(dir, 'state.json');
          const state = JSON.parse(readFileSync(statePath, 'utf8')) as { pids: number[] };
          const managers = mgmt.controllers.managers;
          state.pids = [...managers.map((m) => m.pid), ...state.pids];
          writeFileSync(statePath, JSON.stringify({ ...state, capi: { managers, config: mgmt.configPath } }, null, 2));
          process.stderr.write(
            `Cluster API providers installed by clusterctl init; controllers running (${managers.map((m) => m.binary).join(', ')}), ` +
              `logs in ${mgmt.controllers.dir}, ${((Date.now() - started) / 1000).toFixed(1)}s in all.\n` +
              `Try: clusterctl generate cluster c1 --flavor in-memory --infrastructure docker --kubernetes-version v1.35.0 ` +
              `--config ${mgmt.configPath} --kubeconfig ${server.kubeconfigPath} | kubectl --kubeconfig ${server.kubeconfigPath} apply -f -\n`,
          );
        } catch (error) {
          await stopDetached(dir);
          rmSync(join(dir, 'state.json'), { force: true });
          throw error;
        }
      }
      process.stdout.write(`${server.kubeconfigPath}\n`);
      return;
    }
    case 'down': {
      const stopped = await stopDetached(dir);
      for (const entry of [
        'etcd',
        'certs',
        'state.json',
        'kubeconfig',
        'kube-controller-manager.kubeconfig',
        'kube-apiserver.log',
        'kube-controller-manager.log',
        'capi',
      ]) {
        rmSync(join(dir, entry), { recursive: true, force: true });
      }
      process.stderr.write(stopped ? `stopped the API server in ${dir}\n` : `no API server recorded in ${dir}\n`);
      return;
    }
    case 'status': {
      const statePath = join(dir, 'state.json');
      if (!existsSync(statePath)) {
        process.stdout.write('stopped\n');
        process.exitCode = 1;
        return;
      }
      process.stdout.write(readFileSync(statePath, 'utf8'));
      return;
    }
    default:
      usage();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
