import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './context.js';
import { buildProgram, commandModules, commandWord, runCli } from './program.js';

function io(): CliIo & { text: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (c: Buffer) => (text += c.toString()));
  stderr.on('data', (c: Buffer) => (text += c.toString()));
  return {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: { NO_COLOR: '1', CLUSTERCTL_DISABLE_VERSIONCHECK: 'true' },
    cwd: process.cwd(),
    homeDir: '/nonexistent',
    text: () => text,
  };
}

describe('lazy command loading', () => {
  it('lists, for each command file, exactly the top-level commands it registers', async () => {
    const all = (await buildProgram(io(), { exitCode: 0 })).commands.map((c) => c.name());
    const named = commandModules.flatMap((m) => m.names);
    // every registered top-level name is found by its own file, except completion (always loads all)
    expect(all.filter((n) => n !== 'completion').sort()).toEqual([...named].sort());
    for (const name of named) {
      const own = await buildProgram(io(), { exitCode: 0 }, [name]);
      const module = commandModules.find((m) => m.names.includes(name))!;
      expect(own.commands.map((c) => c.name())).toEqual(module.names);
    }
  });

  it('finds the command word after global flags and their values', () => {
    expect(commandWord(['--kubeconfig', 'version', 'describe', 'cluster'])).toBe('describe');
    expect(commandWord(['-v', '5', '--config=x', 'init', '-i', 'docker'])).toBe('init');
    expect(commandWord(['--help'])).toBeUndefined();
    expect(commandWord(['--', 'version'])).toBeUndefined();
  });

  it('prints the same subcommand help and usage errors with one command file loaded as with all', async () => {
    for (const argv of [
      ['generate', 'cluster', '--help'],
      ['describe', 'cluster', '--help'],
      ['version', '--bogus'],
      ['init', '--help'],
    ]) {
      const lazy = io();
      const lazyCode = await runCli(argv, lazy);
      const full = io();
      const program = await buildProgram(full, { exitCode: 0 });
      let fullCode = 0;
      try {
        await program.parseAsync(argv, { from: 'user' });
      } catch (error) {
        fullCode = (error as { exitCode: number }).exitCode === 0 ? 0 : 2;
      }
      expect(lazy.text()).toBe(full.text());
      expect(lazyCode).toBe(fullCode);
    }
  });
});

describe('help', () => {
  it('lists flags by long name, as the Go tool does, whatever order they were declared in', async () => {
    for (const argv of [['generate', 'provider', '--help'], ['init', '--help'], ['--help']]) {
      const out = io();
      await runCli(argv, out);
      const longs = [...out.text().matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]!);
      expect(longs.length).toBeGreaterThan(3);
      expect(longs).toEqual([...longs].sort()); // code unit order, as Go's sort of flag names
    }
    const provider = io();
    await runCli(['generate', 'provider', '--help'], provider);
    const flags = [...provider.text().matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]);
    expect(flags.slice(0, 4)).toEqual(['addon', 'bootstrap', 'control-plane', 'core']);
    expect(flags.at(-1)).toBe('write-to');
  });
});
