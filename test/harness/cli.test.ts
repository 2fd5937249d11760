/** Every CLI run of the harness (ours and the Go reference) gets a temporary HOME unless the test sets one. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClusterctl } from './cli.js';
import { runGoClusterctl } from './go-clusterctl.js';

/** A preload script that records the HOME the CLI process sees into `file`. */
function homeRecorder(): { env: Record<string, string>; seen: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'home-probe-'));
  const file = join(dir, 'home.txt');
  const preload = join(dir, 'record-home.cjs');
  writeFileSync(preload, `require('node:fs').writeFileSync(${JSON.stringify(file)}, process.env.HOME ?? '');\n`);
  return { env: { NODE_OPTIONS: `--require ${preload}` }, seen: () => readFileSync(file, 'utf8') };
}

describe('harness HOME', () => {
  it('runs clusterctl-ts with a fresh HOME, removed afterwards', async () => {
    const probe = homeRecorder();
    const result = await runClusterctl(['version'], { env: probe.env });
    expect(result.exitCode).toBe(0);
    const home = probe.seen();
    expect(home).not.toBe(homedir());
    expect(home).toContain('clusterctl-home-');
    expect(existsSync(home)).toBe(false);
  });

  it('keeps the HOME a test sets', async () => {
    const probe = homeRecorder();
    const chosen = mkdtempSync(join(tmpdir(), 'chosen-home-'));
    await runClusterctl(['version'], { env: { ...probe.env, HOME: chosen } });
    expect(probe.seen()).toBe(chosen);
    expect(existsSync(chosen)).toBe(true);
  });

  it('runs the Go reference with a fresh HOME too', async () => {
    // /usr/bin/env stands in for the Go binary: it prints the environment it was given.
    const result = await runGoClusterctl('/usr/bin/env', []);
    const home = /^HOME=(.*)$/m.exec(result.stdout)?.[1];
    expect(home).toBeDefined();
    expect(home).not.toBe(homedir());
    expect(home).toContain('clusterctl-home-');
    expect(existsSync(home!)).toBe(false);
    const chosen = await runGoClusterctl('/usr/bin/env', [], { env: { HOME: '/nonexistent-home' } });
    expect(chosen.stdout).toMatch(/^HOME=\/nonexistent-home$/m);
  });
});
