/**
 * The kind stand-in against the real `kind` v0.32.0 CLI (built from the Go module proxy by
 * scripts/setup-kind.sh), on everything that needs no container runtime: `version`, `--help`, each
 * command's flags, the command lines our kind adapter runs, the answers with no clusters, usage and
 * config errors (same stderr, same exit code). And our adapter (src/adapters/process.ts) on the real
 * binary: the errors kind gives without a container runtime reach the user with their cause.
 *
 * Container runtimes here are small shell scripts standing in for the docker CLI: one that knows no
 * containers, one whose daemon is down, and none at all.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKindCli } from '../../../src/adapters/process.js';
import { silentReporter } from '../../../src/core/ports.js';
import { ClusterctlError } from '../../../src/errors.js';
import { cacheRoot } from '../binaries.js';
import { repoRoot, type CliResult } from '../cli.js';
import { goModuleVersionProblem, runProcess } from '../go-clusterctl.js';

const kindVersion = 'v0.32.0';
const standin = join(repoRoot, 'test', 'harness', 'kind-standin', 'kind');

/** The real kind binary; a clear failure (never a skip) when the set-up script did not build it. */
function realKindPath(): string {
  const path = process.env.CLUSTERCTL_TS_KIND_BINARY || join(cacheRoot(), 'kind', kindVersion, 'kind');
  if (!existsSync(path))
    throw new Error(`the real kind ${kindVersion} is not at ${path}: run 'npm run setup:kind' (builds it with go)`);
  const problem = goModuleVersionProblem(path, 'sigs.k8s.io/kind', kindVersion);
  if (problem) throw new Error(`${path} is not kind ${kindVersion}: ${problem}`);
  return path;
}

const daemonDown = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

/** A folder with a `docker` script: `empty` lists no containers; `down` fails like a stopped daemon. */
function fakeDocker(dir: string, kind: 'empty' | 'down'): string {
  mkdirSync(dir, { recursive: true });
  const script =
    kind === 'empty'
      ? '#!/bin/sh\n[ "$1" = ps ] && exit 0\necho "no container engine here" >&2\nexit 1\n'
      : `#!/bin/sh\necho "${daemonDown}" >&2\nexit 1\n`;
  writeFileSync(join(dir, 'docker'), script);
  chmodSync(join(dir, 'docker'), 0o755);
  return dir;
}

/** The Flags and Global Flags of a help text: `-n/--name string`, `--retain` (help itself left out). */
function flagsOf(help: string): string[] {
  return help
    .split('\n')
    .map((line) => /^\s+(?:-(\w), )?--([\w-]+)(?: (\w+))?/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && m[2] !== 'help')
    .map((m) => `${m[1] ? `-${m[1]}/` : ''}--${m[2]}${m[3] ? ` ${m[3]}` : ''}`)
    .sort();
}

describe('kind stand-in vs the real kind CLI', { timeout: 120_000 }, () => {
  let real: string;
  let dir: string;
  let bins: { empty: string; down: string; none: string };

  const env = (path: string): Record<string, string> => ({
    // node for the stand-in's shebang script; /usr/bin:/bin hold no docker on these machines.
    PATH: `${path}:${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: join(dir, 'home'),
    KIND_STANDIN_HOME: join(dir, 'standin-home'),
  });
  const both = (args: string[], input = '', path = bins.empty): Promise<[CliResult, CliResult]> =>
    Promise.all([
      runProcess(real, args, { env: env(path), input }),
      runProcess(standin, args, { env: env(path), input }),
    ]);

  beforeAll(() => {
    real = realKindPath();
    dir = mkdtempSync(join(tmpdir(), 'kind-contract-'));
    bins = {
      empty: fakeDocker(join(dir, 'docker-empty'), 'empty'),
      down: fakeDocker(join(dir, 'docker-down'), 'down'),
      none: join(dir, 'no-docker'),
    };
    mkdirSync(bins.none);
  });

  it('prints its version as "kind vX.Y.Z goA.B.C os/arch" on stdout, exit 0', async () => {
    const [theirs, ours] = await both(['version']);
    const pattern = /^kind (v\d+\.\d+\.\d+) go[\d.]+ [a-z0-9]+\/[a-z0-9]+(?: .*)?\n$/;
    expect(theirs.exitCode).toBe(0);
    expect(ours.exitCode).toBe(0);
    expect(pattern.exec(theirs.stdout)?.[1]).toBe(kindVersion);
    expect(pattern.exec(ours.stdout)?.[1]).toBe(kindVersion);
    expect([theirs.stderr, ours.stderr]).toEqual(['', '']);
  });

  it('lists the same commands in --help (stdout, exit 0)', async () => {
    const [theirs, ours] = await both(['--help']);
    expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
    const commands = (help: string) => help.split('\n').filter((l) => /^ {2}[a-z]+ {2,}\S/.test(l));
    const mine = commands(ours.stdout);
    expect(mine.map((l) => l.trim().split(/\s+/)[0])).toEqual(['create', 'delete', 'get', 'version']);
    for (const line of mine) expect(commands(theirs.stdout)).toContain(line);
    expect(ours.stdout.split('\n')[0]).toBe(theirs.stdout.split('\n')[0]);
  });

  it.each([
    ['create', 'cluster'],
    ['get', 'clusters'],
    ['get', 'kubeconfig'],
    ['delete', 'cluster'],
  ])('takes the same flags (names, shorthands, types) in "%s %s"', async (...command) => {
    const [theirs, ours] = await both([...command, '--help']);
    expect([theirs.exitCode, ours.exitCode]).toEqual([0, 0]);
    expect(flagsOf(ours.stdout)).toEqual(flagsOf(theirs.stdout));
    expect(flagsOf(theirs.stdout).length).toBeGreaterThan(1);
  });

  it('accepts every command line our kind adapter runs', async () => {
    // A kind that records its arguments and answers like an idle kind.
    const recorder = join(dir, 'recorder');
    const log = join(dir, 'recorded.jsonl');
    writeFileSync(recorder, `#!/bin/sh\necho "$@" >> '${log}'\ncat >/dev/null\n`);
    chmodSync(recorder, 0o755);
    const adapter = createKindCli({ env: env(bins.empty), reporter: silentReporter, binary: recorder });
    await adapter.listClusters();
    await adapter.createCluster({
      name: 'mgmt-bootstrap',
      kubeconfigPath: join(dir, 'kc'),
      config: 'kind: Cluster\n',
      image: 'kindest/node:v1.35.4',
      waitMs: 300_000,
    });
    await adapter.getKubeconfig('mgmt-bootstrap');
    await adapter.deleteCluster('mgmt-bootstrap', join(dir, 'kc'));
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const recorded = lines.map((l) => l.split(' '));
    expect(recorded.map((args) => args.slice(0, 2).join(' '))).toEqual([
      'get clusters',
      'create cluster',
      'get kubeconfig',
      'delete cluster',
    ]);
    // With --help appended, kind parses every flag and stops before it needs a container runtime.
    for (const args of recorded) {
      const [theirs, ours] = await both([...args, '--help']);
      expect(theirs.stderr, `kind ${args.join(' ')}`).toBe('');
      expect(theirs.exitCode, `kind ${args.join(' ')}`).toBe(0);
      expect(ours.exitCode, `stand-in: kind ${args.join(' ')}`).toBe(0);
    }
  });

  it('answers the same with no clusters: get clusters, get kubeconfig of a missing cluster, delete of a missing one', async () => {
    for (const args of [
      ['get', 'clusters'],
      ['get', 'kubeconfig', '--name', 'missing'],
      ['delete', 'cluster', '--name', 'missing', '--kubeconfig', join(dir, 'missing.kubeconfig')],
    ]) {
      const [theirs, ours] = await both(args);
      expect(ours, `kind ${args.join(' ')}`).toEqual(theirs);
    }
    expect(existsSync(join(dir, 'missing.kubeconfig'))).toBe(false);
  });

  it.each([
    [['create', 'cluster', '--bogus']],
    [['-x']],
    [['get', 'kubeconfig', '--name']],
    [['get', 'kubeconfig', '-n']],
    [['create', 'cluster', '--wait', '5x']],
    [['create', 'cluster', '--wait', '5']],
    [['create', 'cluster', '--wait', 'soon']],
    [['create', 'cluster', '--retain=maybe']],
    [['frob']],
    [['create']],
    [['get', 'frob']],
    [['get', 'clusters', 'extra']],
    [['create', 'cluster', '--config', '/nonexistent/kind.yaml']],
  ])('fails the same way on %j (stderr, exit 1)', async (args) => {
    const [theirs, ours] = await both(args);
    expect(theirs.exitCode).toBe(1);
    expect({ stderr: ours.stderr, exitCode: ours.exitCode }).toEqual({
      stderr: theirs.stderr,
      exitCode: theirs.exitCode,
    });
  });

  it.each([
    ['a wrong apiVersion', 'kind: Cluster\napiVersion: v1\n'],
    ['a wrong kind', 'kind: Foo\napiVersion: kind.x-k8s.io/v1alpha4\n'],
    ['an empty config', ''],
    [
      'unknown fields',
      'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nbogus: 1\nnetworking:\n  ipFamily: dual\n  podCIDR: x\nnodes:\n- role: control-plane\n  mounts: []\n',
    ],
  ])('rejects a config on stdin with %s before it needs a container runtime', async (_what, config) => {
    const [theirs, ours] = await both(['create', 'cluster', '--config', '-'], config, bins.down);
    expect(theirs.exitCode).toBe(1);
    expect(theirs.stderr).not.toContain('docker');
    expect({ stderr: ours.stderr, exitCode: ours.exitCode }).toEqual({
      stderr: theirs.stderr,
      exitCode: theirs.exitCode,
    });
  });

  it('rejects malformed YAML in the config with the same leading words', async () => {
    const [theirs, ours] = await both(['create', 'cluster', '--config', '-'], 'a: [\n', bins.down);
    const lead = 'ERROR: failed to create cluster: could not determine kind / apiVersion for config: yaml: ';
    expect(theirs.stderr.startsWith(lead)).toBe(true);
    expect(ours.stderr.startsWith(lead)).toBe(true);
    expect([theirs.exitCode, ours.exitCode]).toEqual([1, 1]);
  });

  it("accepts our bootstrap cluster's kind configs (with and without the docker socket mount)", async () => {
    const template = readFileSync(join(repoRoot, 'templates', 'kind', 'bootstrap-cluster.yaml'), 'utf8');
    const withoutMount = template.replace(/\n {4}extraMounts:[\s\S]*$/, '\n');
    expect(withoutMount).not.toContain('extraMounts');
    for (const config of [template, withoutMount]) {
      const result = await runProcess(real, ['create', 'cluster', '--config', '-'], {
        env: env(bins.down),
        input: config,
      });
      // The config was read and accepted: kind went on to ask the container runtime.
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('failed to get docker info');
    }
  });
});

describe('our kind adapter on the real kind CLI, without a container runtime', { timeout: 120_000 }, () => {
  let real: string;
  let dir: string;
  const adapterWith = (path: string) =>
    createKindCli({
      env: { PATH: `${path}:/usr/bin:/bin`, HOME: join(dir, 'home') },
      reporter: silentReporter,
      binary: real,
    });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e as ClusterctlError,
    );

  beforeAll(() => {
    real = realKindPath();
    dir = mkdtempSync(join(tmpdir(), 'kind-adapter-'));
  });

  it('reads no clusters, reports a missing cluster by name, and deletes a missing one without error', async () => {
    const kind = adapterWith(fakeDocker(join(dir, 'empty'), 'empty'));
    expect(await kind.listClusters()).toEqual([]);
    const missing = await failure(kind.getKubeconfig('missing'));
    expect(missing).toBeInstanceOf(ClusterctlError);
    expect(missing?.message).toContain("could not locate any control plane nodes for cluster named 'missing'");
    await kind.deleteCluster('missing', join(dir, 'kc'));
  });

  it("keeps the container runtime's own message when its daemon is down (exit 4, with a hint to start it)", async () => {
    const kind = adapterWith(fakeDocker(join(dir, 'down'), 'down'));
    for (const attempt of [
      () => kind.listClusters(),
      () => kind.createCluster({ name: 'x', kubeconfigPath: join(dir, 'kc'), waitMs: 0 }),
    ]) {
      const error = await failure(attempt());
      expect(error).toBeInstanceOf(ClusterctlError);
      expect(error?.message).toContain(daemonDown);
      expect(error?.exitCode).toBe(4);
      expect(error?.hint).toMatch(/[Ss]tart/);
      expect(error?.hint).toContain('--bootstrap-kubeconfig');
    }
  });

  it('names the missing container runtime (exit 3)', async () => {
    mkdirSync(join(dir, 'none'), { recursive: true });
    const error = await failure(
      adapterWith(join(dir, 'none')).createCluster({ name: 'x', kubeconfigPath: join(dir, 'kc'), waitMs: 0 }),
    );
    expect(error).toBeInstanceOf(ClusterctlError);
    expect(error?.message).toContain('"docker": executable file not found');
    expect(error?.exitCode).toBe(3);
  });
});
