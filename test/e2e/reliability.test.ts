/**
 * The reliability corpus: bad input a user can give the tool (files, flags, kubeconfigs, servers
 * that refuse them), each run as a user would through bin/. Every case must end within 10 s with
 * a clear error (`Error: ...` naming the problem, never a JavaScript message or a stack) and the
 * exit code the README documents, or succeed. "Within 10 s" is the tool's own time: wall time less
 * the time the process waited for a CPU, so the bound holds on a loaded machine too.
 *
 * The table is shared: add a row to `cases` (or push rows from another file's table) with the
 * files it needs and what the user must see.
 */
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { listInstalledProviders } from '../../src/core/cluster/inventory.js';
import type { KubeClient } from '../../src/core/ports.js';
import type { KubeObject } from '../../src/types.js';
import { createClusters, installCapi, snapshotNamespace } from '../fixtures/capi-objects.js';
import { writeProviderRepository } from '../fixtures/provider-repo.js';
import { buildKubeconfig, type ApiServer } from '../harness/apiserver.js';
import { createCertificateAuthority, issueCertificate } from '../harness/certs.js';
import { runClusterctl, type CliResult } from '../harness/cli.js';
import { startFaultProxy, startSilentTlsServer, type FaultProxy, type StubServer } from '../harness/fault-proxy.js';
import { clientFor, sharedApiServer, startExtraApiServer, uniqueName } from '../harness/index.js';

/** What a case may use: a scratch folder and kubeconfigs for the shared API server. */
interface CaseContext {
  dir: string;
  /** Writes a file in the scratch folder; returns its path. */
  file(name: string, content: string | Buffer): string;
  /** A kubeconfig for the shared server with the admin user. */
  admin: string;
  /** A user the server knows but who has no permissions (403). */
  restricted: string;
  /** A client certificate signed by a CA the server does not trust (401). */
  stranger: string;
  /** The admin user, but the server's certificate checked against another CA. */
  wrongCa: string;
}

export interface ReliabilityCase {
  name: string;
  args: (c: CaseContext) => string[];
  env?: (c: CaseContext) => Record<string, string>;
  input?: string;
  exitCode: number;
  /** What the error (stderr) must say; for exit 0, what stdout must say. */
  message: RegExp;
}

const bogus = Buffer.from([0x00, 0xff, 0xfe, 0x13, 0x37, 0x00, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const deepFlow = `a: ${'['.repeat(2_000)}${']'.repeat(2_000)}\n`;
const template = (extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \${CLUSTER_NAME}\n${extra}`;

/** A sparse file of `bytes` bytes (no disk space used). */
function sparse(c: CaseContext, name: string, bytes: number): string {
  const path = c.file(name, '');
  truncateSync(path, bytes);
  return path;
}

const kc = (c: CaseContext, kubeconfig: string) => ['--kubeconfig', c.file(`kc-${Math.random()}`, kubeconfig)];
const genYaml = (c: CaseContext, text: string | Buffer) => [
  'generate',
  'yaml',
  '--from',
  c.file(`in-${Math.random()}.yaml`, text),
];
const genCluster =
  (...flags: string[]) =>
  (c: CaseContext) => [
    'generate',
    'cluster',
    'demo',
    '-n',
    'default',
    '--from',
    c.file(`t-${Math.random()}.yaml`, template()),
    ...flags,
  ];
const configRepos = (c: CaseContext, text: string | Buffer) => [
  'config',
  'repositories',
  '--config',
  c.file(`cfg-${Math.random()}.yaml`, text),
];

export const cases: ReliabilityCase[] = [
  // clusterctl.yaml
  {
    name: 'config: malformed YAML',
    args: (c) => configRepos(c, 'providers: [\n'),
    exitCode: 2,
    message: /failed to parse the clusterctl config file .*cfg-/,
  },
  {
    name: 'config: empty file is fine',
    args: (c) => configRepos(c, ''),
    exitCode: 0,
    message: /cluster-api\s+CoreProvider/,
  },
  { name: 'config: binary file', args: (c) => configRepos(c, bogus), exitCode: 2, message: /clusterctl config file/ },
  {
    name: 'config: a list, not a mapping',
    args: (c) => configRepos(c, '- a\n- b\n'),
    exitCode: 2,
    message: /must be a YAML mapping/,
  },
  {
    name: 'config: a key defined twice',
    args: (c) => configRepos(c, 'A: 1\nA: 2\n'),
    exitCode: 2,
    message: /mapping key "A" already defined/,
  },
  {
    name: 'config: deep nesting',
    args: (c) => configRepos(c, deepFlow),
    exitCode: 2,
    message: /nested more than 500 levels/,
  },
  {
    name: 'config: alias bomb',
    args: (c) => configRepos(c, aliasBomb()),
    exitCode: 2,
    message: /clusterctl config file .*(alias|Alias)/,
  },
  {
    name: 'config: 17 MiB file',
    args: (c) => ['config', 'repositories', '--config', sparse(c, 'huge.yaml', 17 * 1024 * 1024)],
    exitCode: 2,
    message: /more than the 16 MiB limit/,
  },
  {
    name: 'config: missing file',
    args: (c) => ['config', 'repositories', '--config', join(c.dir, 'nope.yaml')],
    exitCode: 6,
    message: /config file .*nope\.yaml does not exist/,
  },
  {
    name: 'config: a directory',
    args: (c) => ['config', 'repositories', '--config', c.dir],
    exitCode: 2,
    message: /is a directory/,
  },
  {
    name: 'config: unsupported URL scheme',
    args: () => ['config', 'repositories', '--config', 'ftp://example.com/c.yaml'],
    exitCode: 2,
    message: /unsupported --config URL/,
  },
  {
    name: 'config: provider with a bad name',
    args: (c) =>
      configRepos(
        c,
        'providers:\n- {name: Bad_Name, type: InfrastructureProvider, url: https://x/y/releases/latest/c.yaml}\n',
      ),
    exitCode: 2,
    message: /Bad_Name/,
  },
  {
    name: 'config: provider with a bad type',
    args: (c) =>
      configRepos(c, 'providers:\n- {name: ok, type: FooProvider, url: https://x/y/releases/latest/c.yaml}\n'),
    exitCode: 2,
    message: /FooProvider/,
  },
  {
    name: 'config: unreachable URL',
    args: () => ['config', 'repositories', '--config', 'https://config.invalid/clusterctl.yaml'],
    exitCode: 4,
    message: /config\.invalid/,
  },

  // kubeconfig
  {
    name: 'kubeconfig: missing file',
    args: (c) => ['describe', 'cluster', 'x', '--kubeconfig', join(c.dir, 'no-kc')],
    exitCode: 6,
    message: /kubeconfig file .*no-kc given with --kubeconfig does not exist/,
  },
  {
    name: 'kubeconfig: empty file',
    args: (c) => ['describe', 'cluster', 'x', ...kc(c, '')],
    exitCode: 2,
    message: /the kubeconfig file .* is empty/,
  },
  {
    name: 'kubeconfig: only comments',
    args: (c) => ['describe', 'cluster', 'x', ...kc(c, '# nothing here\n')],
    exitCode: 2,
    message: /is empty/,
  },
  {
    name: 'kubeconfig: binary file',
    args: (c) => ['describe', 'cluster', 'x', ...kc(c, bogus.toString('latin1'))],
    exitCode: 2,
    message: /kubeconfig/,
  },
  {
    name: 'kubeconfig: malformed YAML',
    args: (c) => ['describe', 'cluster', 'x', ...kc(c, 'clusters: [\n')],
    exitCode: 2,
    message: /kubeconfig file .* could not be read/,
  },
  {
    name: 'kubeconfig: a directory',
    args: (c) => ['describe', 'cluster', 'x', '--kubeconfig', c.dir],
    exitCode: 2,
    message: /is a directory/,
  },
  {
    name: 'kubeconfig: no current context',
    args: (c) => ['describe', 'cluster', 'x', ...kc(c, stringify({ ...parse(c.admin), 'current-context': '' }))],
    exitCode: 2,
    message: /has no current context/,
  },
  {
    name: 'kubeconfig: unknown context',
    args: (c) => ['describe', 'cluster', 'x', ...kc(c, c.admin), '--kubeconfig-context', 'nope'],
    exitCode: 2,
    message: /context "nope" does not exist/,
  },
  {
    name: 'kubeconfig: context names a missing cluster',
    args: (c) => ['describe', 'cluster', 'x', ...kc(c, stringify({ ...parse(c.admin), clusters: [] }))],
    exitCode: 2,
    message: /which is not defined/,
  },
  {
    name: 'kubeconfig: KUBECONFIG lists only missing files',
    args: () => ['describe', 'cluster', 'x'],
    env: (c) => ({ KUBECONFIG: `${join(c.dir, 'a')}:${join(c.dir, 'b')}` }),
    exitCode: 6,
    message: /none of the files in KUBECONFIG exist/,
  },
  {
    name: 'kubeconfig: KUBECONFIG lists an empty file before a real one (kubectl skips it)',
    args: () => ['describe', 'cluster', 'nope'],
    env: (c) => ({ KUBECONFIG: `${c.file('kc-empty', '')}:${c.file('kc-admin', c.admin)}` }),
    exitCode: 6,
    message: /Cluster API is not installed on the cluster .* \(context "shared"\)/,
  },
  {
    name: 'kubeconfig: KUBECONFIG lists only empty files',
    args: () => ['describe', 'cluster', 'x'],
    env: (c) => ({ KUBECONFIG: `${c.file('kc-e1', '')}:${c.file('kc-e2', '# none\n')}` }),
    exitCode: 2,
    message: /every file in KUBECONFIG is empty/,
  },
  {
    name: 'kubeconfig: --kubeconfig-context "" means the current one',
    args: (c) => ['describe', 'cluster', 'nope', ...kc(c, c.admin), '--kubeconfig-context', ''],
    exitCode: 6,
    message: /Cluster API is not installed on the cluster .* \(context "shared"\)/,
  },
  {
    name: 'kubeconfig: move target missing',
    args: (c) => ['move', '-n', 'default', ...kc(c, c.admin), '--to-kubeconfig', join(c.dir, 'no-target')],
    exitCode: 6,
    message: /no-target given with --to-kubeconfig does not exist/,
  },

  // servers that refuse us
  {
    name: 'server: wrong CA',
    args: (c) => ['describe', 'cluster', 'x', ...kc(c, c.wrongCa)],
    exitCode: 4,
    message: /certificate/,
  },
  {
    name: 'server: unknown client certificate (401)',
    args: (c) => ['describe', 'cluster', 'x', ...kc(c, c.stranger)],
    exitCode: 5,
    message: /(Unauthorized|401|credentials)/i,
  },
  {
    name: 'server: user without permissions (403)',
    args: (c) => ['get', 'kubeconfig', 'x', '-n', 'default', ...kc(c, c.restricted)],
    exitCode: 5,
    message: /(forbidden|403|permission)/i,
  },
  {
    name: 'server: unresolvable host',
    args: (c) => [
      'describe',
      'cluster',
      'x',
      ...kc(c, c.admin.replace(/server: .*/, 'server: https://no-such-host.invalid:6443')),
    ],
    exitCode: 4,
    message: /no-such-host\.invalid/,
  },
  {
    name: 'server: connection refused',
    args: (c) => ['describe', 'cluster', 'x', ...kc(c, c.admin.replace(/server: .*/, 'server: https://127.0.0.1:1'))],
    exitCode: 4,
    message: /127\.0\.0\.1:1/,
  },

  // templates and --from
  {
    name: 'from: missing file',
    args: (c) => ['generate', 'yaml', '--from', join(c.dir, 'none.yaml')],
    exitCode: 6,
    message: /none\.yaml.*no such file/,
  },
  {
    name: 'from: a directory',
    args: (c) => ['generate', 'yaml', '--from', c.dir],
    exitCode: 2,
    message: /is actually a directory/,
  },
  { name: 'from: malformed YAML', args: (c) => genYaml(c, 'a: [\n'), exitCode: 2, message: /in-.*\.yaml/ },
  {
    name: 'from: binary file (renders nothing, as the Go tool does)',
    args: (c) => genYaml(c, bogus),
    exitCode: 0,
    message: /^\n?$/,
  },
  {
    name: 'from: deep flow nesting',
    args: (c) => genYaml(c, deepFlow),
    exitCode: 2,
    message: /nested more than 500 levels deep/,
  },
  {
    name: 'from: deep block nesting',
    args: (c) => genYaml(c, Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')),
    exitCode: 2,
    message: /nested more than 500 levels deep/,
  },
  {
    name: 'from: a document that is a list',
    args: (c) => genYaml(c, '- a\n- b\n'),
    exitCode: 2,
    message: /is a list, not an object/,
  },
  {
    name: 'from: 70 MiB file',
    args: (c) => ['generate', 'yaml', '--from', sparse(c, 'big.yaml', 70 * 1024 * 1024)],
    exitCode: 2,
    message: /more than the 64 MiB limit/,
  },
  {
    name: 'from: 40 MiB one-line template',
    args: (c) => genYaml(c, `a: ${'x'.repeat(40 * 1024 * 1024)}\n`),
    exitCode: 2,
    message: /more than the 32 MiB limit/,
  },
  {
    name: 'from: 70 MiB on stdin',
    args: () => ['generate', 'yaml', '--from', '-'],
    input: 'x'.repeat(70 * 1024 * 1024),
    exitCode: 2,
    message: /standard input .* 64 MiB limit/,
  },
  {
    name: 'from: plain http',
    args: () => ['generate', 'yaml', '--from', 'http://example.com/t.yaml'],
    exitCode: 2,
    message: /only GitHub, https URLs and the local file system/,
  },
  {
    name: 'from: unknown scheme',
    args: () => ['generate', 'yaml', '--from', 'ftp://example.com/t.yaml'],
    exitCode: 2,
    message: /ftp:/,
  },
  {
    name: 'from: control characters',
    args: (c) => genYaml(c, 'a: "x\u0001"\n'),
    exitCode: 2,
    message: /control characters are not allowed/,
  },
  {
    name: 'from: bad document separator',
    args: (c) => genYaml(c, 'a: 1\n--- x\nb: 2\n'),
    exitCode: 2,
    message: /invalid YAML document separator/,
  },
  {
    name: 'generate: missing variables',
    args: (c) => genYaml(c, 'a: ${NOT_SET_ANYWHERE}\n'),
    exitCode: 2,
    message: /NOT_SET_ANYWHERE/,
  },

  // generate cluster flags
  {
    name: 'flags: --worker-machine-count beyond int64',
    args: genCluster('--worker-machine-count', '99999999999999999999'),
    exitCode: 2,
    message: /parsing "99999999999999999999": value out of range/,
  },
  {
    name: 'flags: --worker-machine-count not a number',
    args: genCluster('--worker-machine-count', 'three'),
    exitCode: 2,
    message: /parsing "three": invalid syntax/,
  },
  {
    name: 'flags: --worker-machine-count negative',
    args: genCluster('--worker-machine-count', '-1'),
    exitCode: 2,
    message: /invalid WorkerMachineCount/,
  },
  {
    name: 'flags: --control-plane-machine-count 0',
    args: genCluster('--control-plane-machine-count', '0'),
    exitCode: 2,
    message: /invalid ControlPlaneMachineCount/,
  },
  {
    name: 'flags: --kubernetes-version not semver',
    args: genCluster('--kubernetes-version', '1.x'),
    exitCode: 2,
    message: /kubernetes-version/,
  },
  {
    name: 'flags: cluster name not DNS-1123',
    args: (c) => ['generate', 'cluster', 'Bad_Name', '-n', 'default', '--from', c.file('t.yaml', template())],
    exitCode: 2,
    message: /invalid cluster name/,
  },
  {
    name: 'flags: namespace not DNS-1123',
    args: (c) => ['generate', 'cluster', 'ok', '-n', '../etc', '--from', c.file('t2.yaml', template())],
    exitCode: 2,
    message: /invalid target-namespace/,
  },
  {
    name: 'flags: two template sources',
    args: (c) => [...genCluster('--from-config-map', 'x')(c)],
    exitCode: 2,
    message: /only one template source/,
  },
  {
    name: 'flags: unknown flag',
    args: () => ['config', 'repositories', '--no-such-flag'],
    exitCode: 2,
    message: /unknown option '--no-such-flag'/,
  },
  { name: 'flags: unknown command', args: () => ['frobnicate'], exitCode: 2, message: /unknown command 'frobnicate'/ },
  {
    name: 'flags: bad output format',
    args: () => ['config', 'repositories', '-o', 'xml'],
    exitCode: 2,
    message: /invalid output format "xml"/,
  },
  {
    name: 'flags: bad version output',
    args: () => ['version', '-o', 'toml'],
    exitCode: 2,
    message: /invalid output format: toml/,
  },
  {
    name: 'flags: bad provider reference',
    args: (c) => ['init', '-i', 'a:b:c', ...kc(c, c.admin)],
    exitCode: 2,
    message: /invalid provider name "a:b:c"/,
  },
  {
    name: 'flags: describe without a name',
    args: () => ['describe', 'cluster'],
    exitCode: 2,
    message: /please specify a cluster name/,
  },
  {
    name: 'flags: rollout without a resource',
    args: (c) => ['alpha', 'rollout', 'pause', ...kc(c, c.admin)],
    exitCode: 2,
    message: /required resource not specified/,
  },
  {
    name: 'flags: rollout of an unknown kind',
    args: (c) => ['alpha', 'rollout', 'restart', 'pod/x', ...kc(c, c.admin)],
    exitCode: 2,
    message: /Invalid resource type pod/,
  },

  // get kubeconfig --merge
  {
    name: 'get kubeconfig: Cluster API not installed',
    args: (c) => ['get', 'kubeconfig', 'x', '-n', 'default', ...kc(c, c.admin), '--merge', c.dir],
    exitCode: 6,
    message: /Cluster API is not installed/,
  },
];

function aliasBomb(): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

describe('reliability corpus: bad input ends fast with a clear error and its documented exit code', () => {
  let context: CaseContext;

  beforeAll(async () => {
    const shared = sharedApiServer();
    const dir = mkdtempSync(join(tmpdir(), 'clusterctl-ts-reliability-'));
    const admin = shared.kubeconfig;
    const doc = parse(admin) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    };
    const server = doc.clusters[0]!.cluster.server;
    const caData = doc.clusters[0]!.cluster['certificate-authority-data'];
    const otherCa = await createCertificateAuthority('not-the-cluster-ca');
    const strangerCert = await issueCertificate(otherCa, {
      commonName: 'admin',
      organizations: ['system:masters'],
      usage: 'client',
    });
    const stranger = buildKubeconfig({
      name: 'stranger',
      server,
      caCert: Buffer.from(caData, 'base64').toString(),
      user: 'stranger',
      client: strangerCert,
    });
    const wrongCa = admin.replace(caData, Buffer.from(otherCa.cert).toString('base64'));
    context = {
      dir,
      file(name, content) {
        const path = join(dir, name);
        mkdirSync(dir, { recursive: true });
        writeFileSync(path, content);
        return path;
      },
      admin,
      restricted: shared.restrictedKubeconfig,
      stranger,
      wrongCa,
    };
  });

  it('has at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases)('$name', async (testCase) => {
    const args = testCase.args(context);
    const started = Date.now();
    const result = await runClusterctl(args, {
      env: testCase.env?.(context) ?? {},
      ...(testCase.input !== undefined ? { input: testCase.input } : {}),
      timeoutMs: 60_000,
      measureRunDelay: true,
    });
    // The tool's own time: wall time less the time a busy machine kept it from running (under
    // `npm run test:under-load` a 1 s command takes 10-16 s of wall time, all of it queued for a CPU).
    const wall = Date.now() - started;
    const elapsed = wall - (result.runDelayMs ?? 0);
    const shown = {
      exitCode: result.exitCode,
      stderr: result.stderr.slice(0, 600),
      elapsedUnder10s: elapsed < 10_000,
      wallMs: wall,
      runDelayMs: result.runDelayMs,
    };
    expect(shown).toMatchObject({ exitCode: testCase.exitCode, elapsedUnder10s: true });
    if (testCase.exitCode === 0) {
      expect(result.stdout).toMatch(testCase.message);
      return;
    }
    expect(result.stderr).toMatch(/^(Error|error): /m);
    expect(result.stderr).toMatch(testCase.message);
    // a clear error: no JavaScript internals, no stack, no "unexpected error"
    expect(result.stderr).not.toMatch(
      /Cannot read properties|is not a function|Maximum call stack|unexpected error|\n\s+at /,
    );
  });
});

/**
 * Faults of real API servers (test/harness/fault-proxy.ts in front of them): a server that accepts
 * and never answers, Ctrl-C, a kill -9 and restart of the API server, connections reset at random.
 * Each ends with its documented exit code and a clear error, or succeeds; after a failure, the same
 * command run again finishes the job (nothing half-done that a re-run cannot complete).
 */
describe('reliability corpus: faults on real API servers', () => {
  const clearError = /^Error: /m;
  const noInternals = /Cannot read properties|is not a function|unexpected error|\n\s+at /;

  describe('a server that accepts and never answers', () => {
    let stub: StubServer;
    let kubeconfig: string;
    beforeAll(async () => {
      const ca = await createCertificateAuthority('silent');
      stub = await startSilentTlsServer(
        await issueCertificate(ca, { commonName: 'silent-server', ipAddresses: ['127.0.0.1'], usage: 'server' }),
      );
      const dir = mkdtempSync(join(tmpdir(), 'reliability-silent-'));
      kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(
        kubeconfig,
        sharedApiServer()
          .kubeconfig.replace(/server: \S+/, `server: https://127.0.0.1:${stub.port}`)
          .replace(
            /certificate-authority-data: \S+/,
            `certificate-authority-data: ${Buffer.from(ca.cert).toString('base64')}`,
          ),
      );
    });
    afterAll(() => stub?.close());

    it('fails at the 30 s request deadline naming the server, exit 4', async () => {
      const result = await runClusterctl(['describe', 'cluster', 'x', '--kubeconfig', kubeconfig], {
        timeoutMs: 90_000,
        measureRunDelay: true,
      });
      expect(result.exitCode, result.stderr).toBe(4);
      expect(result.stderr).toMatch(clearError);
      expect(result.stderr).toContain(`https://127.0.0.1:${stub.port}`);
      expect(result.stderr).toMatch(/no complete answer within 30s/);
      expect(result.stderr).not.toMatch(noInternals);
    }, 120_000);

    it('Ctrl-C cuts the unanswered request at once: exit 130, naming the command', async () => {
      const before = stub.requests;
      // Interrupt once the request is at the server (the state), not after a fixed time.
      const { result, signalled, stopMs } = await interruptOnce(
        ['describe', 'cluster', 'x', '--kubeconfig', kubeconfig],
        {},
        () => stub.requests > before,
      );
      expect(signalled, 'the request never reached the server').toBe(true);
      expect(result.exitCode, result.stderr).toBe(130);
      expect(result.stderr).toMatch(/Error: clusterctl describe cluster interrupted \(SIGINT\)/);
      expect(result.stderr).not.toMatch(noInternals);
      expect(stopMs).toBeLessThan(5_000);
    }, 90_000);
  });

  /** What a failed run under faults must look like: exit 4 and one clear paragraph. */
  function expectClearFailure(result: CliResult, story: string): void {
    if (result.exitCode === 0) return;
    expect(result.exitCode, story).toBe(4);
    expect(result.stderr, story).toMatch(clearError);
    expect(result.stderr, story).not.toMatch(noInternals);
  }

  describe('a repository that drips its files: Ctrl-C stops the download at once', () => {
    let repo: SlowRepository;
    let dir: string;
    beforeAll(async () => {
      repo = await startSlowRepository();
      dir = mkdtempSync(join(tmpdir(), 'reliability-drip-'));
    });
    afterAll(() => repo?.close());

    /** Runs the command and sends SIGINT once the server saw the dripped request; exit 130 within 10 s. */
    async function interruptDownload(args: string[], env: Record<string, string>, command: string) {
      const before = repo.dripped;
      const { result, signalled, stopMs } = await interruptOnce(args, env, () => repo.dripped > before);
      expect(signalled, `the download never started:\n${result.stderr}`).toBe(true);
      expect(result.exitCode, result.stderr).toBe(130);
      expect(result.stderr).toMatch(new RegExp(`^Error: (.*: )?clusterctl ${command} interrupted \\(SIGINT\\)`, 'm'));
      expect(result.stderr).not.toMatch(noInternals);
      expect(stopMs, result.stderr).toBeLessThan(10_000);
    }

    /** A clusterctl.yaml naming the infrastructure provider `slow` at `url`. */
    function slowProvider(url: string, extra: Record<string, string> = {}): string {
      const config = join(dir, `clusterctl-${Math.random()}.yaml`);
      writeFileSync(
        config,
        stringify({ providers: [{ name: 'slow', type: 'InfrastructureProvider', url }], ...extra }),
      );
      return config;
    }
    const generateSlow = (config: string) => [
      'generate',
      'cluster',
      'demo',
      '-n',
      'default',
      '--infrastructure',
      'slow:v1.0.0',
      '--config',
      config,
    ];

    it('generate cluster reading a template from a provider URL (clusterctl.yaml override): exit 130', async () => {
      const config = slowProvider(
        'https://github.com/acme/cluster-api-provider-slow/releases/v1.0.0/infrastructure-components.yaml',
      );
      await interruptDownload(
        generateSlow(config),
        {
          CLUSTERCTL_TS_GITHUB_URL: repo.url,
          CLUSTERCTL_TS_GITHUB_API_URL: `${repo.url}/api`,
          GOPROXY: `${repo.url}/goproxy`,
        },
        'generate cluster',
      );
    }, 150_000);

    it('generate cluster from an oci:// provider (a registry that drips its answers): exit 130', async () => {
      const host = new URL(repo.url).host;
      const config = slowProvider(`oci://${host}/acme/slow:v1.0.0`, { 'registry-insecure': host });
      await interruptDownload(generateSlow(config), {}, 'generate cluster');
    }, 150_000);

    it('a --config URL: exit 130', async () => {
      await interruptDownload(
        ['config', 'repositories', '--config', `${repo.url}/drip/clusterctl.yaml`],
        {},
        'config repositories',
      );
    }, 150_000);
  });

  describe('init under faults: it completes, or fails clearly and the same init finishes the job', () => {
    const servers: ApiServer[] = [];
    const proxies: FaultProxy[] = [];
    let repo: { base: string; configPath: string };
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'reliability-init-'));
      repo = writeProviderRepository(dir, [{ version: 'v1.13.0' }]);
    });
    afterAll(async () => {
      for (const p of proxies) await p.close();
      for (const s of servers) await s.stop();
    });

    /** A fresh API server behind a fault proxy, and a kubeconfig that goes through the proxy. */
    async function serverBehindProxy(name: string) {
      // With kube-controller-manager: cert-manager's probe namespace must finish terminating.
      const server = await startExtraApiServer({ name: uniqueName(name) });
      servers.push(server);
      return { server, ...(await proxied(server, dir, name, proxies)) };
    }

    const initArgs = (kubeconfig: string) => [
      'init',
      '--infrastructure',
      'docker',
      '--config',
      repo.configPath,
      '--kubeconfig',
      kubeconfig,
    ];
    const env = () => ({ HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), XDG_CACHE_HOME: join(dir, 'cache') });
    /** The core provider is being installed (cert-manager is in, three providers are not yet). */
    const installing = /capi-system/;
    const allFour = [
      'CoreProvider/cluster-api',
      'BootstrapProvider/kubeadm',
      'ControlPlaneProvider/kubeadm',
      'InfrastructureProvider/docker',
    ];

    /** The same init again, fault-free: it must finish the job. */
    async function rerunFinishes(kubeconfig: string, client: KubeClient, first: string): Promise<void> {
      const again = await runClusterctl(initArgs(kubeconfig), { env: env(), timeoutMs: 240_000 });
      expect(again.exitCode, `first run:\n${first}\nre-run:\n${again.stderr}`).toBe(0);
      const installed = await listInstalledProviders(client);
      expect(installed.map((p) => `${p.type}/${p.providerName}`)).toEqual(allFour);
    }

    it('SIGINT while installing: exit 130 with a clear error; the same init then installs every provider', async () => {
      const { server, kubeconfig } = await serverBehindProxy('init-sigint');
      let signalled = false;
      const run = await runClusterctl(initArgs(kubeconfig), {
        env: env(),
        timeoutMs: 240_000,
        onStderr: (_chunk, all, child) => {
          if (!signalled && installing.test(all)) {
            signalled = true;
            child.kill('SIGINT');
          }
        },
      });
      expect(signalled, run.stderr).toBe(true);
      expect(run.exitCode, run.stderr).toBe(130);
      expect(run.stderr).toMatch(/^Error: (.*: )?clusterctl init interrupted \(SIGINT\)/m);
      expect(run.stderr).toMatch(/re-run the same init/i);
      expect(run.stderr).not.toMatch(noInternals);
      await rerunFinishes(kubeconfig, clientFor(server.kubeconfig), run.stderr);
    }, 400_000);

    it('the API server killed (kill -9) while installing and restarted: init completes or fails clearly; re-run completes', async () => {
      const first = await serverBehindProxy('init-kill');
      let restarted: Promise<ApiServer> | undefined;
      const run = await runClusterctl(initArgs(first.kubeconfig), {
        env: env(),
        timeoutMs: 240_000,
        onStderr: (_chunk, all) => {
          if (restarted || !installing.test(all)) return;
          restarted = killAndRestart(first.server, first.proxy).then((again) => {
            servers.push(again);
            return again;
          });
        },
      });
      expect(restarted, `the kill never happened:\n${run.stderr}`).toBeDefined();
      const server = await restarted!;
      expectClearFailure(run, run.stderr);
      await rerunFinishes(first.kubeconfig, clientFor(server.kubeconfig), run.stderr);
    }, 500_000);

    it('connections reset at random while installing: init completes or fails clearly; re-run completes', async () => {
      const { server, proxy, kubeconfig } = await serverBehindProxy('init-resets');
      let chaos: RandomResets | undefined;
      const result = await runClusterctl(initArgs(kubeconfig), {
        env: env(),
        timeoutMs: 240_000,
        onStderr: (_chunk, all) => {
          if (!chaos && installing.test(all)) chaos = resetAtRandom([proxy]);
        },
      });
      await chaos?.stop();
      const story = `schedule: ${chaos?.schedule.join('; ')}\n${result.stderr}`;
      expect(chaos, story).toBeDefined();
      expectClearFailure(result, story);
      await rerunFinishes(kubeconfig, clientFor(server.kubeconfig), story);
    }, 500_000);
  });

  describe('move under faults: it completes, or stops clearly and the same move finishes it', () => {
    let dir: string;
    let source: ApiServer;
    let target: ApiServer;
    const proxies: FaultProxy[] = [];
    let toSource: { proxy: FaultProxy; kubeconfig: string };
    let toTarget: { proxy: FaultProxy; kubeconfig: string };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'reliability-move-'));
      [source, target] = await Promise.all([
        startExtraApiServer({ name: uniqueName('rel-move-a') }),
        startExtraApiServer({ name: uniqueName('rel-move-b') }),
      ]);
      await Promise.all([installCapi(clientFor(source.kubeconfig)), installCapi(clientFor(target.kubeconfig))]);
      toSource = await proxied(source, dir, 'move-source', proxies);
      toTarget = await proxied(target, dir, 'move-target', proxies);
    }, 180_000);
    afterAll(async () => {
      for (const p of proxies) await p.close();
      await Promise.all([source?.stop(), target?.stop()]);
    });

    const env = () => ({ CLUSTERCTL_TS_STATE_DIR: join(dir, 'state') });
    // Two writes in flight keep the move running for a while after the fault (6 clusters, 132 objects).
    const moveArgs = (ns: string) => [
      'move',
      '-n',
      ns,
      '--kubeconfig',
      toSource.kubeconfig,
      '--to-kubeconfig',
      toTarget.kubeconfig,
      '--concurrency',
      '2',
    ];
    /** Objects are being created on the target (the state at which each fault is injected). */
    const creating = /Creating objects on the target \(\d+\/|Creating \d+ objects on the target/;

    /** A namespace of 6 clusters on the source; returns its objects by identity (kind/name) and spec. */
    async function fleet(prefix: string): Promise<{ ns: string; before: Map<string, string> }> {
      const ns = uniqueName(prefix);
      await createClusters(clientFor(source.kubeconfig), ns, 6, { workers: 2 });
      return { ns, before: identities(await snapshotNamespace(clientFor(source.kubeconfig), ns)) };
    }

    /** The same move again, fault-free, finishes it: every object on the target once, the source empty. */
    async function rerunFinishes(ns: string, before: Map<string, string>, story: string): Promise<void> {
      const again = await runClusterctl(moveArgs(ns), { env: env(), timeoutMs: 240_000 });
      expect(again.exitCode, `first run:\n${story}\nre-run:\n${again.stderr}`).toBe(0);
      const [onSource, onTarget] = await Promise.all([
        snapshotNamespace(clientFor(source.kubeconfig), ns),
        snapshotNamespace(clientFor(target.kubeconfig), ns),
      ]);
      expect([...onSource.keys()], story).toEqual([]);
      expect(identities(onTarget), story).toEqual(before);
    }

    it('SIGINT during move: exit 130 within 10 s naming the journal; the same move finishes it', async () => {
      const { ns, before } = await fleet('rel-sigint');
      let signalled = 0;
      const run = await runClusterctl(moveArgs(ns), {
        env: env(),
        timeoutMs: 240_000,
        measureRunDelay: true,
        onStderr: (_chunk, all, child) => {
          if (!signalled && creating.test(all)) {
            signalled = Date.now();
            child.kill('SIGINT');
          }
        },
      });
      const stopMs = Date.now() - signalled - (run.runDelayMs ?? 0);
      expect(signalled, run.stderr).toBeGreaterThan(0);
      expect(run.exitCode, run.stderr).toBe(130);
      expect(run.stderr).toMatch(/^Error: (.*: )?clusterctl move interrupted \(SIGINT\)/m);
      expect(run.stderr).toMatch(/The move journal is .*\.jsonl/);
      expect(run.stderr).toMatch(/Re-run the same command/);
      expect(run.stderr).not.toMatch(noInternals);
      expect(stopMs, run.stderr).toBeLessThan(10_000);
      await rerunFinishes(ns, before, run.stderr);
    }, 500_000);

    it('the target API server killed (kill -9) mid-move and restarted: the move completes or fails clearly; re-run completes', async () => {
      const { ns, before } = await fleet('rel-kill');
      let restarted: Promise<ApiServer> | undefined;
      const run = await runClusterctl(moveArgs(ns), {
        env: env(),
        timeoutMs: 240_000,
        onStderr: (_chunk, all) => {
          if (!restarted && creating.test(all)) restarted = killAndRestart(target, toTarget.proxy);
        },
      });
      expect(restarted, `the kill never happened:\n${run.stderr}`).toBeDefined();
      target = await restarted!;
      expectClearFailure(run, run.stderr);
      // Riding through says what it waits for: the kill landed mid-move, and the user saw it.
      if (run.exitCode === 0) expect(run.stderr).toMatch(/Waiting for the API server [^]*answers again/);
      await rerunFinishes(ns, before, run.stderr);
    }, 500_000);

    it('connections to both servers reset at random mid-move: the move completes or fails clearly; re-run completes', async () => {
      const { ns, before } = await fleet('rel-resets');
      let chaos: RandomResets | undefined;
      const run = await runClusterctl(moveArgs(ns), {
        env: env(),
        timeoutMs: 240_000,
        onStderr: (_chunk, all) => {
          if (!chaos && creating.test(all)) chaos = resetAtRandom([toSource.proxy, toTarget.proxy]);
        },
      });
      await chaos?.stop();
      const story = `schedule: ${chaos?.schedule.join('; ')}\n${run.stderr}`;
      expect(chaos, story).toBeDefined();
      expectClearFailure(run, story);
      await rerunFinishes(ns, before, story);
    }, 500_000);
  });
});

/** A fault proxy in front of `server` and a kubeconfig (in `dir`) that reaches it through the proxy. */
async function proxied(
  server: ApiServer,
  dir: string,
  name: string,
  proxies: FaultProxy[],
): Promise<{ proxy: FaultProxy; kubeconfig: string }> {
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: server.port });
  proxies.push(proxy);
  const kubeconfig = join(dir, `${name}-kubeconfig`);
  writeFileSync(kubeconfig, server.kubeconfig.replace(/server: \S+/, `server: https://127.0.0.1:${proxy.port}`));
  return { proxy, kubeconfig };
}

/**
 * Kills the API server behind `proxy` with SIGKILL (its port refuses, open connections die) and
 * starts it again under the same name and CA on the shared etcd: the same data, served again.
 */
async function killAndRestart(server: ApiServer, proxy: FaultProxy): Promise<ApiServer> {
  await proxy.setMode('refuse');
  for (const pid of server.pids) process.kill(pid, 'SIGKILL');
  await server.stop();
  const again = await startExtraApiServer({ name: server.name, ca: server.ca });
  proxy.setUpstream({ host: '127.0.0.1', port: again.port });
  await proxy.setMode('pass');
  return again;
}

interface RandomResets {
  /** The windows so far, printed when a case fails. */
  schedule: string[];
  /** Ends the resets and leaves the proxies passing. */
  stop(): Promise<void>;
}

/** Alternates short windows of resets (every connection accepted, then reset) and of normal service. */
function resetAtRandom(proxies: FaultProxy[]): RandomResets {
  let done = false;
  const schedule: string[] = [];
  const setAll = (mode: 'reset' | 'pass') => Promise.all(proxies.map((p) => p.setMode(mode)));
  const loop = (async () => {
    while (!done) {
      const resetMs = 100 + Math.floor(Math.random() * 900);
      const passMs = 200 + Math.floor(Math.random() * 1500);
      schedule.push(`reset ${resetMs}ms, pass ${passMs}ms`);
      await setAll('reset');
      await new Promise((r) => setTimeout(r, resetMs));
      await setAll('pass');
      await new Promise((r) => setTimeout(r, passMs));
    }
  })();
  return {
    schedule,
    async stop() {
      done = true;
      await loop;
      await setAll('pass');
    },
  };
}

/** Objects by UID-independent identity: `kind/name` (one namespace) to their spec. */
function identities(objects: Map<string, KubeObject>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, o] of objects) out.set(key, JSON.stringify((o as { spec?: unknown }).spec ?? null));
  return out;
}

interface SlowRepository {
  /** http://127.0.0.1:PORT, standing in for github.com (CLUSTERCTL_TS_GITHUB_URL) and the Go proxy. */
  url: string;
  /** Requests for dripped files so far. */
  readonly dripped: number;
  close(): Promise<void>;
}

/**
 * A release server whose files (but metadata.yaml and version lists) come one byte every 200 ms,
 * never finishing within a test: a download that only Ctrl-C can end early.
 */
async function startSlowRepository(): Promise<SlowRepository> {
  let dripped = 0;
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path.endsWith('/@v/list')) return void res.end('v1.0.0\n');
    if (path.endsWith('/metadata.yaml')) {
      return void res.end(
        stringify({
          apiVersion: 'clusterctl.cluster.x-k8s.io/v1alpha3',
          kind: 'Metadata',
          releaseSeries: [{ major: 1, minor: 0, contract: 'v1beta2' }],
        }),
      );
    }
    dripped++;
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.write('# ');
    const timer = setInterval(() => res.write('x'), 200);
    res.on('close', () => clearInterval(timer));
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    get dripped() {
      return dripped;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Runs the CLI and sends it SIGINT once `reached()` holds (polled every 50 ms: a state, never a
 * fixed time). `stopMs`: from the signal to the exit, less the time the process waited for a CPU.
 */
async function interruptOnce(
  args: string[],
  env: Record<string, string>,
  reached: () => boolean,
): Promise<{ result: CliResult; signalled: boolean; stopMs: number }> {
  let signalledAt = 0;
  const result = await runClusterctl(args, {
    env,
    timeoutMs: 120_000,
    measureRunDelay: true,
    onSpawn: (child) => {
      const poll = setInterval(() => {
        if (child.exitCode !== null) clearInterval(poll);
        else if (reached()) {
          clearInterval(poll);
          signalledAt = Date.now();
          child.kill('SIGINT');
        }
      }, 50);
    },
  });
  const stopMs = Date.now() - signalledAt - (result.runDelayMs ?? 0);
  return { result, signalled: signalledAt > 0, stopMs };
}
