/**
 * `npm run -s apiserver -- up DIR`   starts etcd + kube-apiserver + kube-controller-manager in the
 *                                    background and writes DIR/kubeconfig (prints its path).
 * `npm run -s apiserver -- down DIR` stops them and removes DIR's data.
 * `npm run -s apiserver -- status DIR`
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startApiServer, stopDetached } from './apiserver.js';

function usage(): never {
  process.stderr.write('usage: npm run -s apiserver -- up|down|status DIR\n');
  process.exit(2);
}

async function main(): Promise<void> {
  const [command, target] = process.argv.slice(2);
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
      mkdirSync(dir, { recursive: true });
      const started = Date.now();
      const server = await startApiServer({ name: 'clusterctl-ts', dir, detached: true });
      process.stderr.write(`API server ${server.url} ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
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
