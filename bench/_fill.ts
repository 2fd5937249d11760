import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClientFromConfig } from '../src/adapters/kube/client.js';
import { createDescribeCluster, installDescribeCrds } from '../test/fixtures/describe-cluster.js';
const kc = new KubeConfig();
kc.loadFromFile(process.argv[2]!);
const client = createKubeClientFromConfig(kc);
await installDescribeCrds(client);
for (const [ns, n] of [
  ['bench', 997],
  ['big10k', 9997],
] as const) {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const t = Date.now();
  await createDescribeCluster(client, {
    name: 'big',
    namespace: ns,
    cpReplicas: 3,
    workerReplicas: n,
    notReadyWorkers: 5,
    concurrency: 32,
  });
  console.log(ns, 'created in', Date.now() - t, 'ms');
}
