import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ClusterctlError } from '../../errors.js';
import { defaultSelector, parseConfigMapUrl, releaseConfigMap } from './configmap.js';

const encode = (text: string) => new TextEncoder().encode(text);

describe('configmap:// URLs', () => {
  // The namespace, an optional version (else latest) and an optional selector.
  it.each([
    ['configmap://capi-system', 'capi-system', 'latest', undefined],
    [
      'configmap://capz-system/v1.9.3?selector=provider-components=azure',
      'capz-system',
      'v1.9.3',
      'provider-components=azure',
    ],
  ])('reads %s', (url, namespace, version, selector) => {
    expect(parseConfigMapUrl(url)).toEqual({ namespace, version, selector });
  });

  it.each([
    ['configmap://', 'is not a namespace name'],
    ['configmap://Capi', 'is not a namespace name'],
    ['configmap://ns/main', 'neither "latest" nor a semantic version'],
    ['configmap://ns?label=a=b', 'unknown parameter "label"'],
    ['configmap://ns?selector=', 'the selector is empty'],
  ])('refuses %s', (url, why) => {
    let error: unknown;
    try {
      parseConfigMapUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClusterctlError);
    expect((error as ClusterctlError).exitCode).toBe(2);
    expect((error as ClusterctlError).message).toContain(why);
  });

  it("selects the operator's labels by default (GetType of its provider kinds)", () => {
    expect(defaultSelector('cluster-api')).toBe(
      'provider.cluster.x-k8s.io/type=core,provider.cluster.x-k8s.io/name=cluster-api',
    );
    expect(defaultSelector('control-plane-kubeadm')).toBe(
      'provider.cluster.x-k8s.io/type=control-plane,provider.cluster.x-k8s.io/name=kubeadm',
    );
    expect(defaultSelector('runtime-extension-test')).toBe(
      'provider.cluster.x-k8s.io/type=runtimeextension,provider.cluster.x-k8s.io/name=test',
    );
  });
});

describe('release ConfigMaps', () => {
  const input = {
    namespace: 'capi-releases',
    label: 'infrastructure-docker',
    version: 'v1.13.5',
    metadata: encode('kind: Metadata\n'),
    extra: [{ name: 'cluster-template.yaml', content: encode('kind: Cluster\n') }],
  };

  it('keeps a release under 1 MiB as plain data', () => {
    const cm = releaseConfigMap({ ...input, components: encode('kind: Namespace\n') }) as unknown as {
      metadata: { name: string; annotations?: unknown };
      data: Record<string, string>;
      binaryData?: unknown;
    };
    expect(cm.metadata.name).toBe('infrastructure-docker-v1.13.5');
    expect(cm.metadata.annotations).toBeUndefined();
    expect(cm.binaryData).toBeUndefined();
    expect(cm.data).toEqual({
      metadata: 'kind: Metadata\n',
      components: 'kind: Namespace\n',
      'cluster-template.yaml': 'kind: Cluster\n',
    });
  });

  it('gzips the components into binaryData with the annotation over 1 MiB', () => {
    const components = encode('# padding\n'.repeat(120_000));
    const cm = releaseConfigMap({ ...input, components }) as unknown as {
      metadata: { annotations?: Record<string, string> };
      data: Record<string, string>;
      binaryData: Record<string, string>;
    };
    expect(cm.metadata.annotations).toEqual({ 'provider.cluster.x-k8s.io/compressed': 'true' });
    expect(cm.data.components).toBeUndefined();
    expect(gunzipSync(Buffer.from(cm.binaryData.components!, 'base64')).toString()).toBe(
      new TextDecoder().decode(components),
    );
  });

  it('refuses a release that does not fit even compressed (exit 2, naming a registry)', () => {
    const components = new Uint8Array(randomBytes(1_200_000));
    expect(() => releaseConfigMap({ ...input, components })).toThrow(/does not fit in a ConfigMap.*gzipped/);
  });
});
