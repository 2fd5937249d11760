/**
 * A `kind`-compatible executable for machines without a container engine. It honours kind
 * v0.32's CLI contract (test-infra.md §4), checked against the real kind binary by
 * kind-contract.test.ts (flags, help, usage and config errors, answers with no clusters): the
 * subcommands and flags below, `ERROR: <msg>` on
 * stderr with exit 1, logs on stderr, data on stdout, kubeconfig entries named `kind-<name>`
 * merged into the kubeconfig file and made current. Each "cluster" is a real etcd-backed
 * kube-apiserver (+ kube-controller-manager) from the test harness, started detached, so it
 * outlives this process as kind's containers outlive kind.
 *
 *   kind create cluster [-n|--name N] [--config FILE|-] [--image IMG] [--wait DUR] [--retain] [--kubeconfig PATH]
 *   kind get clusters
 *   kind get kubeconfig [-n N] [--internal]
 *   kind delete cluster [-n N] [--kubeconfig PATH]
 *   kind version
 *
 * Environment:
 *   KIND_STANDIN_HOME      state folder (default ~/.kind-standin): clusters/<name>/{cluster.json,apiserver/}
 *   KIND_STANDIN_ETCD_URL  share this etcd (one key prefix per cluster) instead of starting one per cluster
 *   KIND_STANDIN_OWNER_PID stop a cluster's processes when this process dies (tests)
 *   KIND_STANDIN_CONTROLLER_MANAGER=0  no kube-controller-manager
 *   KIND_STANDIN_FAIL=create           fail after starting the node (exercises --retain)
 *   KIND_CLUSTER_NAME      default cluster name, as in kind
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parse, parseDocument, stringify, type Document } from 'yaml';
import { startApiServer, startWatchdog, stopDetached } from '../apiserver.js';

const version = 'kind v0.32.0 go1.26.8 linux/amd64 (clusterctl-ts stand-in)';
const defaultImage = 'kindest/node:v1.35.4';

class KindError extends Error {}

interface Flags {
  values: Map<string, string>;
  bools: Set<string>;
  args: string[];
}

/** Flags of each command: name -> takes a value. Short aliases map to the long name. */
const commandFlags: Record<string, Record<string, boolean>> = {
  'create cluster': { name: true, config: true, image: true, wait: true, retain: false, kubeconfig: true },
  'get clusters': {},
  'get kubeconfig': { name: true, internal: false },
  'delete cluster': { name: true, kubeconfig: true },
  version: {},
};
const shortFlags: Record<string, string> = { n: 'name', q: 'quiet', v: 'verbosity' };
const globalFlags: Record<string, boolean> = { quiet: false, verbosity: true, help: false };

function parseFlags(argv: string[], command: string): Flags {
  const known = { ...globalFlags, ...commandFlags[command] };
  const values = new Map<string, string>();
  const bools = new Set<string>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-' || !arg.startsWith('-')) {
      args.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const [rawName, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    const name = long ? rawName : (shortFlags[rawName] ?? rawName);
    // pflag's wording: long flags by their name, shorthands as 'x' in -x.
    const shown = long ? `--${rawName}` : `'${rawName}' in -${rawName}`;
    if (!(name in known)) throw new KindError(`unknown ${long ? 'flag' : 'shorthand flag'}: ${shown}`);
    if (known[name]) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new KindError(`flag needs an argument: ${shown}`);
      values.set(name, value);
    } else {
      if (inline !== undefined && inline !== 'true' && inline !== 'false')
        throw new KindError(
          `invalid argument "${inline}" for "${arg.split('=')[0]}" flag: strconv.ParseBool: parsing "${inline}": invalid syntax`,
        );
      if (inline !== 'false') bools.add(name);
    }
  }
  return { values, bools, args };
}

function home(): string {
  return process.env.KIND_STANDIN_HOME || join(process.env.HOME ?? homedir(), '.kind-standin');
}
function clusterDir(name: string): string {
  return join(home(), 'clusters', name);
}

interface ClusterRecord {
  name: string;
  image: string;
  nodes: string[];
  createdAt: string;
  apiServerDir: string;
  server: string;
  config?: unknown;
}

function readRecord(name: string): ClusterRecord | undefined {
  const path = join(clusterDir(name), 'cluster.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ClusterRecord) : undefined;
}

function listClusters(): string[] {
  const dir = join(home(), 'clusters');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** Go durations as kind's --wait takes them (with Go's error wording). */
function parseDuration(text: string): number {
  if (text === '0') return 0;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const invalid = (why: string) => new KindError(`invalid argument "${text}" for "--wait" flag: time: ${why}`);
  if (!/^[-+]?((\d+(\.\d*)?|\.\d+)[^\d.]*)+$/.test(text)) throw invalid(`invalid duration "${text}"`);
  let total = 0;
  for (const m of text.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)([^\d.]*)/g)) {
    const unit = m[2]!;
    if (!unit) throw invalid(`missing unit in duration "${text}"`);
    if (!(unit in units)) throw invalid(`unknown unit "${unit}" in duration "${text}"`);
    total += Number(m[1]) * units[unit]!;
  }
  return text.startsWith('-') ? -total : total;
}

function readStdin(): string {
  return readFileSync(0, 'utf8');
}

interface KindConfig {
  name?: string;
  nodes?: { role?: string }[];
  [key: string]: unknown;
}

/** The fields of kind's v1alpha4 Cluster (and of its nested types) that a config may set: kind rejects others. */
const configFields: Record<string, { type: string; fields: string[] }> = {
  '': {
    type: 'v1alpha4.Cluster',
    fields: [
      'kind',
      'apiVersion',
      'name',
      'featureGates',
      'runtimeConfig',
      'networking',
      'nodes',
      'kubeadmConfigPatches',
      'kubeadmConfigPatchesJSON6902',
      'containerdConfigPatches',
      'containerdConfigPatchesJSON6902',
    ],
  },
  networking: {
    type: 'v1alpha4.Networking',
    fields: [
      'ipFamily',
      'apiServerPort',
      'apiServerAddress',
      'podSubnet',
      'serviceSubnet',
      'disableDefaultCNI',
      'kubeProxyMode',
      'dnsSearch',
    ],
  },
  nodes: {
    type: 'v1alpha4.Node',
    fields: [
      'role',
      'image',
      'labels',
      'extraMounts',
      'extraPortMappings',
      'kubeadmConfigPatches',
      'kubeadmConfigPatchesJSON6902',
    ],
  },
};

/** kind decodes strictly: every unknown field, with its line, as its YAML decoder words it. */
function unknownFields(doc: Document, lines: LineCounter): string[] {
  const problems: string[] = [];
  const check = (node: unknown, spec: { type: string; fields: string[] }) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (spec.fields.includes(key)) continue;
      const line = isScalar(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]).line : 0;
      problems.push(`  line ${line}: field ${key} not found in type ${spec.type}`);
    }
  };
  check(doc.contents, configFields['']!);
  check(doc.get('networking', true), configFields.networking!);
  const nodes = doc.get('nodes', true);
  if (isSeq(nodes)) for (const node of nodes.items) check(node, configFields.nodes!);
  return problems;
}

/** Reads and checks a kind config the way kind does before it touches a container runtime. */
function loadConfig(path: string | undefined): KindConfig | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = path === '-' ? readStdin() : readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new KindError(`failed to create cluster: error reading file: open ${path}: ${why}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new KindError(
      `failed to create cluster: could not determine kind / apiVersion for config: yaml: ${doc.errors[0]!.message.split('\n')[0]}`,
    );
  }
  const config = (doc.toJS() ?? {}) as KindConfig & { kind?: string; apiVersion?: string };
  if (config.apiVersion !== 'kind.x-k8s.io/v1alpha4')
    throw new KindError(`failed to create cluster: unknown apiVersion: ${config.apiVersion ?? ''}`);
  if (config.kind !== 'Cluster')
    throw new KindError(
      `failed to create cluster: unknown kind ${config.kind ?? ''} for apiVersion: ${config.apiVersion}`,
    );
  const unknown = unknownFields(doc, lines);
  if (unknown.length > 0)
    throw new KindError(
      `failed to create cluster: unable to decode config: yaml: unmarshal errors:\n${unknown.join('\n')}`,
    );
  for (const node of config.nodes ?? []) {
    if (node.role !== undefined && node.role !== 'control-plane' && node.role !== 'worker')
      throw new KindError(`invalid configuration: unknown node role "${node.role}"`);
  }
  return config;
}

/** The kubeconfig file kind writes to: --kubeconfig, else the first existing $KUBECONFIG entry, else the last, else ~/.kube/config. */
function kubeconfigPath(flag: string | undefined): string {
  if (flag) return flag;
  const list = (process.env.KUBECONFIG ?? '').split(':').filter(Boolean);
  const existing = list.find((p) => existsSync(p));
  if (existing) return existing;
  if (list.length > 0) return list[list.length - 1]!;
  return join(process.env.HOME ?? homedir(), '.kube', 'config');
}

interface Named {
  name: string;
  [key: string]: unknown;
}
interface KubeconfigFile {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  'current-context'?: string;
  preferences?: unknown;
  [key: string]: unknown;
}

function readKubeconfig(path: string): KubeconfigFile {
  if (!existsSync(path)) return { apiVersion: 'v1', kind: 'Config', preferences: {} };
  const doc = parse(readFileSync(path, 'utf8')) as KubeconfigFile | null;
  return doc ?? { apiVersion: 'v1', kind: 'Config', preferences: {} };
}

function writeKubeconfig(path: string, config: KubeconfigFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.kind-standin.tmp`;
  writeFileSync(tmp, stringify(config), { mode: 0o600 });
  renameSync(tmp, path);
}

/** This cluster's entries (cluster, user, context all named kind-<name>), from the harness's admin kubeconfig. */
function kindKubeconfig(record: ClusterRecord, internal: boolean): KubeconfigFile {
  const admin = parse(readFileSync(join(record.apiServerDir, 'kubeconfig'), 'utf8')) as KubeconfigFile;
  const key = `kind-${record.name}`;
  const cluster = { ...(admin.clusters?.[0]?.cluster as Record<string, unknown>) };
  if (internal) cluster.server = `https://${record.name}-control-plane:6443`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: key, cluster }],
    contexts: [{ name: key, context: { cluster: key, user: key } }],
    'current-context': key,
    preferences: {},
    users: [{ name: key, user: admin.users?.[0]?.user }],
  };
}

function mergeKubeconfig(path: string, record: ClusterRecord): void {
  const ours = kindKubeconfig(record, false);
  const config = readKubeconfig(path);
  const key = `kind-${record.name}`;
  const replace = (list: Named[] | undefined, entry: Named[]) => [
    ...(list ?? []).filter((e) => e.name !== key),
    ...entry,
  ];
  config.clusters = replace(config.clusters, ours.clusters!);
  config.users = replace(config.users, ours.users!);
  config.contexts = replace(config.contexts, ours.contexts!);
  config['current-context'] = key;
  config.apiVersion ??= 'v1';
  config.kind ??= 'Config';
  writeKubeconfig(path, config);
}

function removeFromKubeconfig(path: string, name: string): void {
  if (!existsSync(path)) return;
  const config = readKubeconfig(path);
  const key = `kind-${name}`;
  const drop = (list: Named[] | undefined) => (list ?? []).filter((e) => e.name !== key);
  const before = JSON.stringify(config);
  config.clusters = drop(config.clusters);
  config.users = drop(config.users);
  config.contexts = drop(config.contexts);
  if (config['current-context'] === key) config['current-context'] = '';
  if (JSON.stringify(config) !== before) writeKubeconfig(path, config);
}

function resolveName(flags: Flags, config?: KindConfig): string {
  return flags.values.get('name') || process.env.KIND_CLUSTER_NAME || config?.name || 'kind';
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function createCluster(flags: Flags): Promise<void> {
  const config = loadConfig(flags.values.get('config'));
  const name = resolveName(flags, config);
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name))
    throw new KindError(
      `failed to create cluster: '${name}' is not a valid cluster name, cluster names must match \`^[a-z0-9.-]+$\``,
    );
  const waitMs = flags.values.has('wait') ? parseDuration(flags.values.get('wait')!) : 0;
  const image = flags.values.get('image') ?? defaultImage;
  const quiet = flags.bools.has('quiet');
  const say = (line: string) => {
    if (!quiet) log(line);
  };
  const dir = clusterDir(name);
  mkdirSync(join(home(), 'clusters'), { recursive: true });
  try {
    mkdirSync(dir);
  } catch {
    throw new KindError(`failed to create cluster: node(s) already exist for a cluster with the name "${name}"`);
  }
  const nodes = (config?.nodes?.length ? config.nodes : [{ role: 'control-plane' }]).map((n, i, all) => {
    const role = n.role ?? 'control-plane';
    const sameRole = all.slice(0, i).filter((m) => (m.role ?? 'control-plane') === role).length;
    return role === 'control-plane'
      ? `${name}-control-plane${sameRole ? sameRole + 1 : ''}`
      : `${name}-worker${sameRole ? sameRole + 1 : ''}`;
  });
  writeFileSync(join(dir, 'creating'), String(process.pid));
  say(`Creating cluster "${name}" ...`);
  say(` ✓ Ensuring node image (${image}) 🖼`);
  say(` ✓ Preparing nodes ${'📦 '.repeat(nodes.length).trimEnd()}`);
  say(' ✓ Writing configuration 📜');
  const apiServerDir = join(dir, 'apiserver');
  const etcdUrl = process.env.KIND_STANDIN_ETCD_URL;
  let started: Awaited<ReturnType<typeof startApiServer>> | undefined;
  try {
    started = await startApiServer({
      // A unique etcd key prefix, so clusters of the same name in other homes never share data.
      name: `kind-${name}-${process.pid.toString(36)}${Date.now().toString(36)}`,
      dir: apiServerDir,
      detached: true,
      contextName: `kind-${name}`,
      controllerManager: process.env.KIND_STANDIN_CONTROLLER_MANAGER !== '0',
      ...(etcdUrl ? { etcd: { url: etcdUrl, dir: '', pid: 0, stop: () => Promise.resolve() } } : {}),
    });
    const owner = Number(process.env.KIND_STANDIN_OWNER_PID);
    if (owner > 0) startWatchdog(owner, started.pids, undefined);
    if (process.env.KIND_STANDIN_FAIL === 'create')
      throw new Error('simulated failure while starting the control plane');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(' ✗ Starting control-plane 🕹️');
    if (flags.bools.has('retain')) {
      rmSync(join(dir, 'creating'), { force: true });
      writeFileSync(
        join(dir, 'cluster.json'),
        JSON.stringify({
          name,
          image,
          nodes,
          createdAt: new Date().toISOString(),
          apiServerDir,
          server: started?.url ?? '',
        }),
      );
    } else {
      await stopDetached(apiServerDir);
      rmSync(dir, { recursive: true, force: true });
    }
    throw new KindError(`failed to create cluster: failed to init node with kubeadm: ${message}`);
  }
  say(' ✓ Starting control-plane 🕹️');
  say(' ✓ Installing CNI 🔌');
  say(' ✓ Installing StorageClass 💾');
  if (waitMs > 0) {
    say(` ✓ Waiting ≤ ${flags.values.get('wait')} for control-plane = Ready ⏳`);
    say(' • Ready after 0s 💚');
  }
  const record: ClusterRecord = {
    name,
    image,
    nodes,
    createdAt: new Date().toISOString(),
    apiServerDir,
    server: started.url,
    ...(config ? { config } : {}),
  };
  writeFileSync(join(dir, 'cluster.json'), JSON.stringify(record, null, 2));
  rmSync(join(dir, 'creating'), { force: true });
  mergeKubeconfig(kubeconfigPath(flags.values.get('kubeconfig')), record);
  say(`Set kubectl context to "kind-${name}"`);
  say('You can now use your cluster with:\n');
  say(`kubectl cluster-info --context kind-${name}\n`);
  say('Have a nice day! 👋');
}

function getKubeconfig(flags: Flags): void {
  const name = resolveName(flags);
  const record = readRecord(name);
  if (!record || !existsSync(join(record.apiServerDir, 'kubeconfig'))) {
    throw new KindError(
      `could not locate any control plane nodes for cluster named '${name}'. Use the --name option to select a different cluster`,
    );
  }
  process.stdout.write(stringify(kindKubeconfig(record, flags.bools.has('internal'))));
}

async function deleteCluster(flags: Flags): Promise<void> {
  const name = resolveName(flags);
  const dir = clusterDir(name);
  log(`Deleting cluster "${name}" ...`);
  const record = readRecord(name);
  if (existsSync(dir)) {
    await stopDetached(join(dir, 'apiserver'));
    rmSync(dir, { recursive: true, force: true });
    log(`Deleted nodes: [${(record?.nodes ?? [`${name}-control-plane`]).map((n) => `"${n}"`).join(' ')}]`);
  }
  removeFromKubeconfig(kubeconfigPath(flags.values.get('kubeconfig')), name);
}

const rootUsage = `kind creates and manages local Kubernetes clusters using Docker container 'nodes'

Usage:
  kind [command]

Available Commands:
  create      Creates one of [cluster]
  delete      Deletes one of [cluster]
  get         Gets one of [clusters, nodes, kubeconfig]
  version     Prints the kind CLI version
`;

/** What each command's flags take, as kind's help shows the type ('' for a boolean). */
const flagTypes: Record<string, string> = {
  name: 'string',
  config: 'string',
  image: 'string',
  kubeconfig: 'string',
  wait: 'duration',
  retain: '',
  internal: '',
};

/** `kind <command> --help`: the usage line and the flags this stand-in takes, in kind's layout. */
function commandUsage(command: string): string {
  const flags = Object.keys(commandFlags[command] ?? {})
    .sort()
    .map((flag) => {
      const short = Object.entries(shortFlags).find(([, long]) => long === flag)?.[0];
      return `  ${short ? `-${short}, ` : '    '}--${flag}${flagTypes[flag] ? ` ${flagTypes[flag]}` : ''}`;
    });
  return `Usage:\n  kind ${command} [flags]\n\nFlags:\n${flags.join('\n')}${flags.length ? '\n' : ''}  -h, --help   help\n\nGlobal Flags:\n  -q, --quiet\n  -v, --verbosity int32\n`;
}

/** `kind create|get|delete` without a known subcommand: kind shows the group's usage and fails. */
function groupUsage(verb: string): string {
  const nouns = Object.keys(commandFlags)
    .filter((c) => c.startsWith(`${verb} `))
    .map((c) => `  ${c.split(' ')[1]}`);
  return `Usage:\n  kind ${verb} [flags]\n  kind ${verb} [command]\n\nAvailable Commands:\n${nouns.join('\n')}\n`;
}

const groups = ['create', 'get', 'delete'];

async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const [verb, noun] = words;
  const help = argv.includes('--help') || argv.includes('-h');
  if (verb === undefined || verb === 'help') {
    parseFlags(argv, '');
    process.stdout.write(rootUsage);
    return 0;
  }
  const command = verb === 'version' ? 'version' : `${verb} ${noun ?? ''}`.trim();
  if (!(command in commandFlags)) {
    if (!groups.includes(verb)) throw new KindError(`unknown command "${verb}" for "kind"`);
    process.stdout.write(groupUsage(verb));
    if (help) return 0;
    throw new KindError('Subcommand is required');
  }
  if (help) {
    process.stdout.write(commandUsage(command));
    return 0;
  }
  const rest = [...argv];
  for (const w of command.split(' ')) rest.splice(rest.indexOf(w), 1);
  const flags = parseFlags(rest, command);
  // kind's version command ignores arguments; the others take none.
  if (flags.args.length > 0 && command !== 'version')
    throw new KindError(`unknown command "${flags.args[0]}" for "kind ${command}"`);
  switch (command) {
    case 'create cluster':
      await createCluster(flags);
      break;
    case 'get clusters': {
      const names = listClusters();
      if (names.length === 0) log('No kind clusters found.');
      else process.stdout.write(names.map((n) => `${n}\n`).join(''));
      break;
    }
    case 'get kubeconfig':
      getKubeconfig(flags);
      break;
    case 'delete cluster':
      await deleteCluster(flags);
      break;
    case 'version':
      process.stdout.write(`${version}\n`);
      break;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`ERROR: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
