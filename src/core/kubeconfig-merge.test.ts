import { describe, expect, it } from 'vitest';
import { mergeKubeconfig } from './kubeconfig-merge.js';
import { parseDocuments } from './yaml/documents.js';

const incoming = `apiVersion: v1
kind: Config
clusters:
- name: w
  cluster: {server: "https://10.0.0.1:6443", certificate-authority-data: Q0E=}
users:
- name: w-admin
  user: {token: "yes"}
contexts:
- name: w-admin@w
  context: {cluster: w, user: w-admin, namespace: "on"}
current-context: w-admin@w
`;

describe('mergeKubeconfig', () => {
  it('writes YAML that client-go (YAML 1.1) reads back with the same types: on/yes stay strings', () => {
    const existing = `apiVersion: v1
kind: Config
clusters:
- name: old
  cluster: {server: "https://old:6443", insecure-skip-tls-verify: yes}
users:
- name: old
  user: {username: "off", password: "no"}
contexts:
- name: old
  context: {cluster: old, user: old}
current-context: old
`;
    const merged = mergeKubeconfig(existing, incoming, { source: 'Secret a/w-kubeconfig', target: 'config' });
    // read back as client-go would (go-yaml v2 semantics)
    const [doc] = parseDocuments(merged.text, 'config') as unknown as [Record<string, unknown>];
    const find = (list: string, name: string) =>
      (doc[list] as { name: string; [k: string]: unknown }[]).find((e) => e.name === name);
    expect(find('users', 'old')).toEqual({ name: 'old', user: { username: 'off', password: 'no' } });
    expect(find('users', 'w-admin@w')).toEqual({ name: 'w-admin@w', user: { token: 'yes' } });
    expect(find('contexts', 'w-admin@w')).toEqual({
      name: 'w-admin@w',
      context: { cluster: 'w-admin@w', user: 'w-admin@w', namespace: 'on' },
    });
    // a YAML 1.1 boolean in the existing file is kept a boolean
    expect(find('clusters', 'old')).toEqual({
      name: 'old',
      cluster: { server: 'https://old:6443', 'insecure-skip-tls-verify': true },
    });
    expect(merged.text).toContain('token: "yes"');
    expect(doc['current-context']).toBe('old');
  });

  it('never quotes the file in its errors', () => {
    expect(() =>
      mergeKubeconfig('token: s3cr3t: [', incoming, { source: 'Secret a/w-kubeconfig', target: 'config' }),
    ).toThrow(/^config is not valid YAML$/);
    expect(() =>
      mergeKubeconfig('just-a-s3cr3t-string', incoming, { source: 'Secret a/w-kubeconfig', target: 'config' }),
    ).toThrow(/^config is not a kubeconfig/);
  });
});
