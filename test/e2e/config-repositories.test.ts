/** `clusterctl config repositories`: the built-in list, user overrides, and parity with the Go tool. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runClusterctl } from '../harness/cli.js';
import { providerTypes } from '../../src/types.js';
import { goClusterctlPath, runGoClusterctl } from '../harness/go-clusterctl.js';

function home(config?: string): { HOME: string; XDG_CONFIG_HOME: string; configPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'repos-'));
  const configPath = join(dir, 'clusterctl.yaml');
  if (config !== undefined) writeFileSync(configPath, config);
  return { HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), configPath };
}

const userConfig = `providers:
  - name: my-infra
    type: InfrastructureProvider
    url: https://github.com/myorg/cluster-api-provider-mine/releases/latest/infrastructure-components.yaml
  - name: aws
    type: InfrastructureProvider
    url: /srv/mirror/infrastructure-aws/v2.9.0/infrastructure-components.yaml
`;

describe('clusterctl config repositories', () => {
  it('prints the built-in providers in type order with Go tabwriter columns', async () => {
    const env = home();
    const { stdout, exitCode } = await runClusterctl(['config', 'repositories'], { env });
    expect(exitCode).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME {23}TYPE {23}URL {2,}FILE$/);
    expect(lines[1]).toMatch(
      /^cluster-api\s+CoreProvider\s+https:\/\/github\.com\/kubernetes-sigs\/cluster-api\/releases\/latest\/\s+core-components\.yaml$/,
    );
    const types = lines.slice(1).map((l) => l.split(/\s+/)[1]);
    // Our type order; that it is the Go tool's is checked byte for byte against the Go binary below.
    const order: readonly string[] = providerTypes;
    expect(types.map((t) => order.indexOf(t!))).toEqual([...types.map((t) => order.indexOf(t!))].sort((a, b) => a - b));
    expect(
      lines.some((l) => /^docker\s+InfrastructureProvider\s+.*infrastructure-components-development\.yaml$/.test(l)),
    ).toBe(true);
  });

  it('merges clusterctl.yaml providers: a same name+type entry replaces the built-in one', async () => {
    const env = home(userConfig);
    const { stdout, exitCode } = await runClusterctl(
      ['config', 'repositories', '-o', 'yaml', '--config', env.configPath],
      { env },
    );
    expect(exitCode).toBe(0);
    const list = parse(stdout) as { File: string; Name: string; ProviderType: string; URL: string }[];
    expect(list.find((p) => p.Name === 'aws')).toEqual({
      File: 'infrastructure-components.yaml',
      Name: 'aws',
      ProviderType: 'InfrastructureProvider',
      URL: '/srv/mirror/infrastructure-aws/v2.9.0/',
    });
    expect(list.filter((p) => p.Name === 'aws')).toHaveLength(1);
    expect(list.some((p) => p.Name === 'my-infra')).toBe(true);
    const json = await runClusterctl(['config', 'repositories', '-o', 'json', '--config', env.configPath], { env });
    expect(JSON.parse(json.stdout)).toEqual(list);
  });

  it('names the file and key of an invalid provider entry', async () => {
    const env = home(
      'providers:\n  - name: Bad_Name\n    type: InfrastructureProvider\n    url: https://example.com/x/infrastructure-components.yaml\n',
    );
    const { stderr, exitCode } = await runClusterctl(['config', 'repositories', '--config', env.configPath], { env });
    expect(exitCode).toBe(2);
    expect(stderr).toContain(env.configPath);
    expect(stderr).toMatch(/Bad_Name|bad_name/);
  });

  it('rejects an unknown output format', async () => {
    const { stderr, exitCode } = await runClusterctl(['config', 'repositories', '-o', 'xml'], { env: home() });
    expect(exitCode).toBe(2);
    expect(stderr).toContain('invalid output format "xml"');
  });

  const go = goClusterctlPath();
  it(`matches the Go clusterctl byte for byte (text and yaml)${go ? '' : ' [Go binary missing: run scripts/setup-go-clusterctl.sh]'}`, async () => {
    expect(go, 'the Go clusterctl reference binary is required; npm test builds it when go is available').toBeDefined();
    // The built-in list alone (no clusterctl.yaml), then merged with a user's entries.
    const withConfig = home(userConfig);
    for (const [env, config] of [
      [home(), []],
      [withConfig, ['--config', withConfig.configPath]],
    ] as const) {
      for (const args of [
        ['config', 'repositories'],
        ['config', 'repositories', '-o', 'yaml'],
      ]) {
        const theirs = await runGoClusterctl(go!, [...args, ...config], { env });
        const ours = await runClusterctl([...args, ...config], { env });
        expect(theirs.exitCode).toBe(0);
        expect(ours.stdout).toBe(theirs.stdout);
      }
    }
  });
});
