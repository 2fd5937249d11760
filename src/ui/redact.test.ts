import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';

describe('redact', () => {
  it('keeps the values of Kubernetes validation errors that users need', () => {
    const message =
      'Cluster.cluster.x-k8s.io "c1" is invalid: spec.topology.version: Invalid value: "cluster.x-k8s.io/v1beta1:v1": must be a semantic version';
    expect(redact(message)).toBe(message);
    const values = 'spec.replicas: Invalid value: "1234567890abcdefghij": must be an integer';
    expect(redact(values)).toBe(values);
  });

  it('masks credential fields of any length, in YAML, JSON and key=value form', () => {
    expect(redact('failed: password=abc')).toBe('failed: password=[REDACTED]');
    expect(redact('token: abc')).toBe('token: [REDACTED]');
    expect(redact('{"client-key-data":"LS0tLS1CRUdJTg=="}')).toBe('{"client-key-data":"[REDACTED]"}');
    expect(redact("client-secret: 'x y'")).toBe("client-secret: '[REDACTED]'");
    expect(redact('url?access_token=s3cr3t&x=1')).toBe('url?access_token=[REDACTED]&x=1');
  });

  it('masks Authorization headers, PEM keys, URL passwords and token formats', () => {
    expect(redact('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [REDACTED]');
    expect(redact('sent Bearer abcdefghijkl')).toBe('sent Bearer [REDACTED]');
    expect(redact('-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----')).toBe('[REDACTED PRIVATE KEY]');
    expect(redact('cannot reach https://me:hunter2@example.com/x')).toBe(
      'cannot reach https://me:[REDACTED]@example.com/x',
    );
    expect(redact('ghp_0123456789abcdefghijABCDEFGHIJ')).toBe('[REDACTED]');
    expect(redact('join with abcdef.0123456789abcdef')).toBe('join with [REDACTED]');
    expect(redact('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ')).toBe('[REDACTED]');
  });

  it('masks a base64 kubeconfig (a <cluster>-kubeconfig Secret value) but not other base64', () => {
    const kubeconfig = Buffer.from(
      'apiVersion: v1\nusers:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t\n',
    ).toString('base64');
    expect(redact(`value: ${kubeconfig}`)).toBe('value: [REDACTED]');
    const harmless = Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a-long-enough-name\n').toString(
      'base64',
    );
    expect(redact(`data: ${harmless}`)).toBe(`data: ${harmless}`);
  });
});
