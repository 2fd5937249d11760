/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { expectedCrdName, pluralize } from './pluralize.js';

interface PluralCase {
  word: string;
  plural: string;
  crdName: string;
}

// What gobuffalo/flect v1.0.3 answers (the pluralizer Cluster API names CRDs with), including its
// oddities ("metal3data" stays as is, a lower-cased acronym ending in s goes wrong), and the CRD name
// Cluster API's contract package computes for the word as a kind; recorded by scripts/go-oracles.
const recorded = Object.values(
  import.meta.glob<PluralCase[]>('../../../test/fixtures/go-oracles/pluralize.json', {
    import: 'default',
    eager: true,
  }),
)[0]!;
const crdGroup = 'infrastructure.cluster.x-k8s.io';

describe('pluralize (replay of flect.Pluralize)', () => {
  it('has the recorded cases', () => {
    expect(recorded.length).toBeGreaterThan(200);
    expect(recorded).toContainEqual({ word: 'metal3data', plural: 'metal3data', crdName: `metal3data.${crdGroup}` });
  });

  it.each(recorded.map((c) => [c.word, c.plural] as const))('%j -> %j', (word, plural) => {
    expect(pluralize(word)).toBe(plural);
  });
});

describe('expectedCrdName (replay of contract.CalculateCRDName)', () => {
  it.each(recorded.map((c) => [c.word, c.crdName] as const))('kind %j -> %j', (kind, crdName) => {
    expect(expectedCrdName(crdGroup, kind)).toBe(crdName);
  });

  it('lowercases the kind, pluralises it and appends the group', () => {
    expect(expectedCrdName('cluster.x-k8s.io', 'MachineHealthCheck')).toBe('machinehealthchecks.cluster.x-k8s.io');
    expect(expectedCrdName('infrastructure.cluster.x-k8s.io', 'AWSClusterRoleIdentity')).toBe(
      'awsclusterroleidentities.infrastructure.cluster.x-k8s.io',
    );
  });
});
