import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClusterctl } from '../harness/cli.js';

function complete(script: string, words: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'completion-'));
  writeFileSync(join(dir, 'c.bash'), script);
  const array = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '-c',
      `source ${join(dir, 'c.bash')}; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _clusterctl_ts_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

describe('clusterctl completion', () => {
  it('completes commands, subcommands and their flags in bash', async () => {
    const { stdout, exitCode } = await runClusterctl(['completion', 'bash']);
    expect(exitCode).toBe(0);
    expect(complete(stdout, ['clusterctl', ''])).toEqual(
      expect.arrayContaining(['get', 'version', 'completion', '--kubeconfig']),
    );
    expect(complete(stdout, ['clusterctl', 'get', ''])).toContain('kubeconfig');
    expect(complete(stdout, ['clusterctl', 'get', 'kubeconfig', '--n'])).toEqual(['--namespace']);
    expect(complete(stdout, ['clusterctl', 'version', '--o'])).toEqual(['--output']);
  });

  it('emits zsh and fish scripts and rejects other shells', async () => {
    const zsh = await runClusterctl(['completion', 'zsh']);
    expect(zsh.stdout.startsWith('#compdef clusterctl')).toBe(true);
    execFileSync('bash', ['-n', '-c', zsh.stdout.split('\n').slice(2).join('\n')]);
    const fish = await runClusterctl(['completion', 'fish']);
    expect(fish.stdout).toContain("complete -c clusterctl -n '__fish_seen_subcommand_from get' -a kubeconfig");
    const bad = await runClusterctl(['completion', 'tcsh']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('unsupported shell type "tcsh"');
  });
});
