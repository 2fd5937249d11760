/**
 * The fixtures recorded by scripts/go-oracles stay what the Go oracle produced: `oracles.mjs --stamp`
 * (no Go needed) compares the oracle sources and the fixtures with the digest written when they were
 * regenerated. `npm run oracles` is the full check that reruns Go.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/cli.js';

const copied = [
  'scripts/oracles.mjs',
  'scripts/go-oracles',
  'test/fixtures/go-oracles',
  'src/core/repository/typed/schema.ts',
];

/** A copy of the files the stamp covers, to change without touching the worktree. */
function copyOfRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oracles-'));
  for (const path of copied) cpSync(join(repoRoot, path), join(dir, path), { recursive: true });
  return dir;
}

const stampCheck = (root: string) =>
  spawnSync(process.execPath, [join(root, 'scripts/oracles.mjs'), '--stamp'], { encoding: 'utf8' });

describe('Go oracle fixtures', () => {
  it('are the ones the committed oracle produced', () => {
    expect(() => execFileSync(process.execPath, [join(repoRoot, 'scripts/oracles.mjs'), '--stamp'])).not.toThrow();
  });

  it('are reported when a fixture was edited by hand', () => {
    const root = copyOfRepo();
    expect(stampCheck(root).status).toBe(0);
    appendFileSync(join(root, 'test/fixtures/go-oracles/quantity.json'), ' ');
    const result = stampCheck(root);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('test/fixtures/go-oracles/quantity.json');
    expect(result.stderr).toContain('npm run oracles');
  });

  it('are reported when the oracle changed without regenerating them', () => {
    const root = copyOfRepo();
    appendFileSync(join(root, 'scripts/go-oracles/pluralize.go'), '\n// a new input\n');
    const result = stampCheck(root);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('scripts/go-oracles/pluralize.go');
  });
});
