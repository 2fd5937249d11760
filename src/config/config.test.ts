import { describe, expect, it } from 'vitest';
import type { ClusterctlError } from '../errors.js';
import type { ProviderConfig } from '../types.js';
import { certManagerDefaultUrl, parseConfig, parseConfigText, parseGoDuration, type ConfigInput } from './config.js';
import { thrown as errorOf } from '../../test/harness/errors.js';

const builtInProviders: ProviderConfig[] = [
  {
    name: 'cluster-api',
    type: 'CoreProvider',
    url: 'https://github.com/kubernetes-sigs/cluster-api/releases/latest/core-components.yaml',
  },
  {
    name: 'docker',
    type: 'InfrastructureProvider',
    url: 'https://github.com/kubernetes-sigs/cluster-api/releases/latest/infrastructure-components-development.yaml',
  },
  {
    name: 'kubeadm',
    type: 'BootstrapProvider',
    url: 'https://github.com/kubernetes-sigs/cluster-api/releases/latest/bootstrap-components.yaml',
  },
];

function config(
  text: string | undefined,
  env: Record<string, string | undefined> = {},
  overrides?: Record<string, string>,
) {
  const input: ConfigInput = {
    text,
    file: text === undefined ? undefined : '/home/u/.config/cluster-api/clusterctl.yaml',
    env,
    overrides,
    builtInProviders,
    configDir: '/home/u/.config/cluster-api',
    cacheDir: '/home/u/.cache/clusterctl-ts',
    defaultOverridesFolder: '/home/u/.config/cluster-api/overrides',
  };
  return parseConfig(input);
}

describe('variable precedence', () => {
  it.each([
    // key, override, env, file text, expected
    ['FOO', undefined, undefined, undefined, undefined],
    ['FOO', undefined, undefined, 'FOO: file', 'file'],
    ['FOO', undefined, { FOO: 'env' }, 'FOO: file', 'env'],
    ['FOO', { FOO: 'flag' }, { FOO: 'env' }, 'FOO: file', 'flag'],
    ['FOO', undefined, { FOO: '' }, 'FOO: file', ''],
    ['foo', undefined, { FOO: 'env' }, undefined, 'env'],
    ['foo', undefined, { foo: 'lower-env' }, 'FOO: file', 'file'],
    ['FOO', undefined, undefined, 'foo: lower-file', 'lower-file'],
    ['Foo', { fOO: 'flag' }, undefined, undefined, 'flag'],
    ['github-token', undefined, { GITHUB_TOKEN: 'env-token' }, 'github-token: file-token', 'env-token'],
    ['github-token', undefined, undefined, 'GitHub-Token: file-token', 'file-token'],
    ['CONTROL_PLANE_MACHINE_COUNT', undefined, undefined, 'CONTROL_PLANE_MACHINE_COUNT: 3', '3'],
    ['ENABLED', undefined, undefined, 'ENABLED: true', 'true'],
    ['NOTHING', undefined, undefined, 'NOTHING:', undefined],
    ['A_LIST', undefined, undefined, 'A_LIST: [1, 2]', ''],
  ])('%s (override %o, env %o, file %o) -> %o', (key, overrides, env, text, expected) => {
    expect(config(text, env ?? {}, overrides).variable(key)).toBe(expected);
  });

  it('adds overrides without changing the original', () => {
    const base = config('NAMESPACE: file', {}, { CLUSTER_NAME: 'a' });
    const more = base.withOverrides({ NAMESPACE: 'ns' });
    expect(more.variable('NAMESPACE')).toBe('ns');
    expect(more.variable('CLUSTER_NAME')).toBe('a');
    expect(base.variable('NAMESPACE')).toBe('file');
  });
});

describe('tokens, log level, overrides folder, paths', () => {
  it('reads tokens from env or file; empty means none', () => {
    expect(config('github-token: ghp_file\ngitlab-access-token: glpat', {}).githubToken).toBe('ghp_file');
    expect(config(undefined, { GITHUB_TOKEN: 'ghp_env', GITLAB_ACCESS_TOKEN: 'gl' }).gitlabToken).toBe('gl');
    expect(config('github-token: ghp_file', { GITHUB_TOKEN: '' }).githubToken).toBeUndefined();
  });

  it('parses CLUSTERCTL_LOG_LEVEL', () => {
    expect(config(undefined).logLevel()).toBeUndefined();
    expect(config('CLUSTERCTL_LOG_LEVEL: 5').logLevel()).toBe(5);
    expect(config('CLUSTERCTL_LOG_LEVEL: 5', { CLUSTERCTL_LOG_LEVEL: '3' }).logLevel()).toBe(3);
    expect(config(undefined, { CLUSTERCTL_LOG_LEVEL: '' }).logLevel()).toBeUndefined();
    const error = errorOf(() => config(undefined, { CLUSTERCTL_LOG_LEVEL: 'loud' }).logLevel());
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('CLUSTERCTL_LOG_LEVEL');
  });

  it('resolves the overrides folder', () => {
    expect(config(undefined).overridesFolder).toBe('/home/u/.config/cluster-api/overrides');
    expect(config('overridesFolder: ${HOME}/ovr', { HOME: '/h' }).overridesFolder).toBe('/h/ovr');
    expect(config('OverridesFolder: /from-file', { OVERRIDESFOLDER: '/from-env' }).overridesFolder).toBe('/from-env');
    expect(config('overridesFolder: "  "').overridesFolder).toBe('/home/u/.config/cluster-api/overrides');
  });

  it('expands ${VAR} in overridesFolder from the OS environment only', () => {
    expect(config('overridesFolder: ${BASE}/o\nBASE: /file-value', {}).overridesFolder).toBe('/o');
  });

  it('exposes the folders and the file', () => {
    const c = config('');
    expect(c.file).toBe('/home/u/.config/cluster-api/clusterctl.yaml');
    expect(c.configDir).toBe('/home/u/.config/cluster-api');
    expect(c.cacheDir).toBe('/home/u/.cache/clusterctl-ts');
    expect(config(undefined).file).toBeUndefined();
  });
});

describe('providers', () => {
  const text = `
providers:
  - name: "my-infra-provider"
    url: "\${REPO}/infrastructure-my-infra-provider/latest/infrastructure-components.yaml"
    type: "InfrastructureProvider"
  - name: "cluster-api"
    url: "https://github.com/myorg/myforkofclusterapi/releases/latest/core_components.yaml"
    type: "CoreProvider"
`;

  it('merges user entries into the built-in list, sorted', () => {
    const c = config(text, { REPO: '/repo' });
    expect(c.providers().map((p) => `${p.type}/${p.name}`)).toEqual([
      'CoreProvider/cluster-api',
      'BootstrapProvider/kubeadm',
      'InfrastructureProvider/docker',
      'InfrastructureProvider/my-infra-provider',
    ]);
    expect(c.getProvider('cluster-api', 'CoreProvider').url).toBe(
      'https://github.com/myorg/myforkofclusterapi/releases/latest/core_components.yaml',
    );
    expect(c.getProvider('my-infra-provider', 'InfrastructureProvider').url).toBe(
      '/repo/infrastructure-my-infra-provider/latest/infrastructure-components.yaml',
    );
  });

  it('returns copies', () => {
    const c = config(text);
    const first = c.providers();
    first[0]!.url = 'changed';
    expect(c.providers()[0]!.url).not.toBe('changed');
  });

  it('fails NOT_FOUND for an unknown provider', () => {
    const error = errorOf(() => config(undefined).getProvider('aws', 'InfrastructureProvider'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe('failed to get configuration for the InfrastructureProvider with name aws');
    expect(error.hint).toContain('providers list');
  });

  it('reports invalid entries when the list is used, naming the key and the file', () => {
    const c = config('providers:\n  - name: Bad\n    type: InfrastructureProvider\n    url: /x\n');
    expect(c.variable('ANY')).toBeUndefined();
    const error = errorOf(() => c.providers());
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('"providers" key of /home/u/.config/cluster-api/clusterctl.yaml');
    expect(errorOf(() => config('providers: foobar').providers()).message).toContain('expected a list');
  });
});

describe('values that do not expand', () => {
  it('names the key, the value and the file, with the expansion error', () => {
    const url = errorOf(() =>
      config('providers:\n  - name: foo\n    type: InfrastructureProvider\n    url: "${X"\n').providers(),
    );
    expect(url.code).toBe('INVALID_CONFIG');
    expect(url.message).toBe(
      'unable to evaluate the url "${X" of the providers entry #1 in /home/u/.config/cluster-api/clusterctl.yaml: unable to expand "${X": missing closing brace',
    );
    expect(url.hint).toBeTruthy();
    const overrides = errorOf(() => config('overridesFolder: "${X"\n'));
    expect(overrides.code).toBe('INVALID_CONFIG');
    expect(overrides.message).toBe(
      'unable to evaluate overridesFolder "${X": unable to expand "${X": missing closing brace',
    );
    const certManager = errorOf(() => config('cert-manager:\n  url: "${X"\n').certManager());
    expect(certManager.code).toBe('INVALID_CONFIG');
    expect(certManager.message).toMatch(
      /^unable to evaluate cert-manager\.url "\$\{X" in \S+clusterctl\.yaml: unable to expand/,
    );
  });
});

describe('cert-manager', () => {
  it('has defaults', () => {
    expect(config(undefined).certManager()).toEqual({
      url: certManagerDefaultUrl,
      version: 'v1.21.1',
      timeout: '10m',
      timeoutMs: 600_000,
      timeoutValid: true,
      externallyProvisioned: false,
    });
    expect(certManagerDefaultUrl).toBe(
      'https://github.com/cert-manager/cert-manager/releases/v1.21.1/cert-manager.yaml',
    );
  });

  it('reads the cert-manager key', () => {
    const c = config(
      'cert-manager:\n  url: "${CM}/cert-manager/v1.20.0/cert-manager.yaml"\n  version: v1.20.0\n  timeout: 15m\n  externallyProvisioned: "true"\n',
      { CM: '/repo' },
    );
    expect(c.certManager()).toEqual({
      url: '/repo/cert-manager/v1.20.0/cert-manager.yaml',
      version: 'v1.20.0',
      timeout: '15m',
      timeoutMs: 900_000,
      timeoutValid: true,
      externallyProvisioned: true,
    });
  });

  it('falls back to 10 minutes for an invalid timeout', () => {
    const cm = config('cert-manager:\n  timeout: soon\n').certManager();
    expect(cm).toMatchObject({ timeout: 'soon', timeoutMs: 600_000, timeoutValid: false });
  });

  it('accepts YAML booleans and rejects junk for externallyProvisioned', () => {
    expect(config('cert-manager:\n  externallyProvisioned: true\n').certManager().externallyProvisioned).toBe(true);
    expect(config('cert-manager:\n  externallyProvisioned: "0"\n').certManager().externallyProvisioned).toBe(false);
    expect(errorOf(() => config('cert-manager:\n  externallyProvisioned: maybe\n').certManager()).code).toBe(
      'INVALID_CONFIG',
    );
  });
});

describe('images', () => {
  it('applies the images key', () => {
    const c = config('images:\n  all:\n    repository: myorg.io/local-repo\n  cluster-api:\n    name: mirrored\n');
    expect(c.imageOverride('cluster-api', 'registry.k8s.io/cluster-api/cluster-api-controller:v1.10.6')).toBe(
      'myorg.io/local-repo/mirrored:v1.10.6',
    );
    expect(c.imageOverride('cert-manager', 'quay.io/jetstack/cert-manager-webhook:v1.21.1')).toBe(
      'myorg.io/local-repo/cert-manager-webhook:v1.21.1',
    );
  });
});

describe('file format errors', () => {
  it('rejects broken YAML naming the file and line', () => {
    const error = errorOf(() => config('providers:\n  - name: [\n'));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('/home/u/.config/cluster-api/clusterctl.yaml');
    expect(error.message).toMatch(/line \d+/);
  });

  it('rejects a file that is not a mapping', () => {
    expect(errorOf(() => config('- a\n- b\n')).message).toContain('must be a YAML mapping');
  });

  it('accepts an empty file and JSON', () => {
    expect(config('').providers()).toHaveLength(3);
    expect(config('{"FOO": "json"}').variable('foo')).toBe('json');
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['0', 0],
    ['10', undefined],
    ['soon', undefined],
    ['', undefined],
  ])('%s', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });
});

describe('parsing the file', () => {
  const fail = (text: string): ClusterctlError => errorOf(() => parseConfigText(text, 'clusterctl.yaml'));

  it('refuses a key defined twice, naming the key and its line (as go-yaml does)', () => {
    const error = fail('A: 1\nB: 2\nA: 3\n');
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('(line 3)');
    expect(error.message).toContain('mapping key "A" already defined');
    expect(fail('images:\n  all: {tag: a}\n  all: {tag: b}\n').message).toContain('"all" already defined');
  });

  it('parses many keys in linear time (a quadratic duplicate check took minutes for 10 MB)', () => {
    const keys = 60_000;
    const text = Array.from({ length: keys }, (_, i) => `VAR_${i}: value-${i}`).join('\n');
    const started = Date.now();
    expect(parseConfigText(text, 'big.yaml').size).toBe(keys);
    // quadratic: about 100 s on the project machine; linear: about 1 s (15 s leaves room for load)
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('names the nesting limit instead of a stack overflow', () => {
    const error = fail(`A: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('nested more than 500 levels');
    expect(error.message).not.toContain('call stack');
  });
});
