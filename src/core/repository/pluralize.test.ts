import { describe, expect, it } from 'vitest';
import { expectedCrdName, pluralize } from './pluralize.js';

// Expected plurals are gobuffalo/flect v1.0.3's (what Cluster API uses for CRD names), including
// its oddities: "metal3data" stays as is, and a lowercased acronym ending in S goes wrong.
describe('pluralize', () => {
  it.each([
    ['cluster', 'clusters'],
    ['machinehealthcheck', 'machinehealthchecks'],
    ['clusterclass', 'clusterclasses'],
    ['kubeadmconfig', 'kubeadmconfigs'],
    ['awsclusterroleidentity', 'awsclusterroleidentities'],
    ['metal3data', 'metal3data'],
    ['ipaddress', 'ipaddresses'],
    ['ip', 'ips'],
    ['ips', 'ipsIPSes'],
    ['id', 'ids'],
    ['api', 'apis'],
    ['status', 'statuses'],
    ['policy', 'policies'],
    ['proxy', 'proxies'],
    ['index', 'indices'],
    ['matrix', 'matrices'],
    ['box', 'boxes'],
    ['bus', 'buses'],
    ['alias', 'aliases'],
    ['gateway', 'gateways'],
    ['key', 'keys'],
    ['leaf', 'leaves'],
    ['wolf', 'wolves'],
    ['knife', 'knives'],
    ['hero', 'heroes'],
    ['photo', 'photos'],
    ['zoo', 'zoos'],
    ['radio', 'radios'],
    ['person', 'people'],
    ['child', 'children'],
    ['mouse', 'mice'],
    ['datum', 'data'],
    ['medium', 'media'],
    ['criterion', 'criteria'],
    ['analysis', 'analyses'],
    ['basis', 'bases'],
    ['axis', 'axes'],
    ['quiz', 'quizzes'],
    ['church', 'churches'],
    ['dish', 'dishes'],
    ['fox', 'foxes'],
    ['museum', 'museums'],
    ['vacuum', 'vacuums'],
    ['campus', 'campuses'],
    ['virus', 'viruses'],
    ['thesis', 'theses'],
    ['series', 'series'],
    ['sheep', 'sheep'],
    ['news', 'news'],
    ['use', 'uses'],
    ['house', 'houses'],
    ['archive', 'archives'],
    ['movie', 'movies'],
    ['shoe', 'shoes'],
    ['bureau', 'bureaus'],
    ['formula', 'formulas'],
    ['data', 'data'],
    ['s', 's'],
    ['x', 'xes'],
    ['y', 'ies'],
    ['o', 'oes'],
    ['', ''],
    ['dockermachinepool', 'dockermachinepools'],
    ['inclusterippool', 'inclusterippools'],
    ['machinedrainrule', 'machinedrainrules'],
    ['hostnamepolicy', 'hostnamepolicies'],
    ['cloudstackaffinitygroup', 'cloudstackaffinitygroups'],
  ])('%j -> %j', (word, plural) => {
    expect(pluralize(word)).toBe(plural);
  });
});

describe('expectedCrdName', () => {
  it('lowercases the kind, pluralises it and appends the group', () => {
    expect(expectedCrdName('cluster.x-k8s.io', 'MachineHealthCheck')).toBe('machinehealthchecks.cluster.x-k8s.io');
    expect(expectedCrdName('infrastructure.cluster.x-k8s.io', 'AWSClusterRoleIdentity')).toBe(
      'awsclusterroleidentities.infrastructure.cluster.x-k8s.io',
    );
  });
});
