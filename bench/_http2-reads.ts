/**
 * Local profiling aid (not part of npm run bench): the reads of `describe cluster big -n bench` (the
 * bench's 1,000-machine cluster, e.g. written by bench/_fill.ts) over HTTP/1.1 (keep-alive agent, one
 * TLS connection per parallel request) or over one HTTP/2 connection, in two waves as describe makes
 * them. Run it in fresh processes, alternating:
 *   node --import tsx bench/_http2-reads.ts h1|h2 KUBECONFIG   (client certificate data inline)
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:http2';
import { Agent, get as httpsGet } from 'node:https';
import { createSecureContext } from 'node:tls';

const [mode, kubeconfig] = process.argv.slice(2);
if ((mode !== 'h1' && mode !== 'h2') || !kubeconfig) {
  process.stderr.write('usage: node --import tsx bench/_http2-reads.ts h1|h2 KUBECONFIG\n');
  process.exit(2);
}
const kc = readFileSync(kubeconfig, 'utf8');
const field = (name: string): string => {
  const m = new RegExp(`${name}: (\\S+)`).exec(kc);
  if (!m?.[1]) throw new Error(`${kubeconfig} has no ${name}`);
  return m[1];
};
const data = (name: string) => Buffer.from(field(name), 'base64');
const server = field('server');
const tls = {
  ca: data('certificate-authority-data'),
  cert: data('client-certificate-data'),
  key: data('client-key-data'),
};

const core = '/apis/cluster.x-k8s.io/v1beta2/namespaces/bench';
const selector = encodeURIComponent('cluster.x-k8s.io/cluster-name=big');
const crd = (name: string) => `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`;
const waves = [
  [
    '/version',
    `${core}/clusters/big`,
    ...['machines', 'machinesets', 'machinedeployments', 'machinepools'].map(
      (r) => `${core}/${r}?labelSelector=${selector}&limit=2000`,
    ),
    crd('providers.clusterctl.cluster.x-k8s.io'),
  ],
  [
    'dockermachines.infrastructure.cluster.x-k8s.io',
    'kubeadmconfigs.bootstrap.cluster.x-k8s.io',
    'dockerclusters.infrastructure.cluster.x-k8s.io',
    'kubeadmcontrolplanes.controlplane.cluster.x-k8s.io',
  ].map(crd),
];

function collect(stream: NodeJS.ReadableStream, resolve: (v: unknown) => void): void {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
}

const started = process.hrtime.bigint();
const cpu = process.cpuUsage();
let read: (path: string) => Promise<unknown>;
let close: () => void;
if (mode === 'h1') {
  const agent = new Agent({ keepAlive: true, secureContext: createSecureContext(tls), maxSockets: 32 });
  read = (path) =>
    new Promise((resolve, reject) => {
      httpsGet(new URL(server + path), { agent, headers: { Accept: 'application/json' } }, (res) =>
        collect(res, resolve),
      ).on('error', reject);
    });
  close = () => agent.destroy();
} else {
  const session = connect(server, tls);
  read = (path) =>
    new Promise((resolve, reject) => {
      const stream = session.request({ ':path': path, accept: 'application/json' });
      collect(stream, resolve);
      stream.on('error', reject);
      stream.end();
    });
  close = () => session.close();
}
for (const wave of waves) await Promise.all(wave.map(read));
const used = process.cpuUsage(cpu);
const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
console.log(`${mode} wall ${wallMs.toFixed(0)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms`);
close();
