/**
 * Kubeconfig files as kubectl reads them, through the library entry (library callers get the same
 * errors as the CLI): an empty file is an empty configuration, skipped in a KUBECONFIG list; a
 * list of only empty files, a missing file or a directory is a clear error naming the file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ClusterctlError, loadKubeconfig, type LoadKubeconfigOptions } from '../../index.js';

const config = (name: string, server: string) =>
  stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server } }],
    users: [{ name, user: { token: 'not-a-real-token' } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'fleet' } }],
    'current-context': name,
  });

async function failure(options: LoadKubeconfigOptions): Promise<ClusterctlError> {
  try {
    await loadKubeconfig(options);
  } catch (error) {
    if (error instanceof ClusterctlError) return error;
    throw error;
  }
  throw new Error('expected loadKubeconfig to fail');
}

describe('loadKubeconfig: empty and unusable files', () => {
  let dir: string;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  });

  it('an empty --kubeconfig file is a KUBECONFIG error naming it (not a TypeError)', async () => {
    for (const content of ['', '\n  \n', '# only a comment\n', '---\n', 'null\n']) {
      const path = file(`empty-${Math.random()}`, content);
      const error = await failure({ kubeconfig: path, env: {}, homeDir: dir });
      expect(error.code).toBe('KUBECONFIG');
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(`the kubeconfig file ${path} is empty`);
      expect(error.hint).toMatch(/--kubeconfig at the management cluster's kubeconfig/);
    }
  });

  it('skips empty files in a KUBECONFIG list and merges the others, as kubectl does', async () => {
    const empty = file('empty', '');
    const comments = file('comments', '# nothing\n');
    const real = file('real', config('prod', 'https://prod.example:6443'));
    const other = file('other', config('dev', 'https://dev.example:6443'));
    const loaded = await loadKubeconfig({
      env: { KUBECONFIG: [empty, join(dir, 'missing'), real, comments, other].join(delimiter) },
      homeDir: dir,
    });
    expect(loaded.sources).toEqual([real, other]);
    expect(loaded.context).toBe('prod');
    expect(loaded.server).toBe('https://prod.example:6443');
    expect(loaded.namespace).toBe('fleet');
    expect(loaded.kubeConfig.getContexts().map((c) => c.name)).toEqual(['prod', 'dev']);
  });

  it('a KUBECONFIG list of only empty files names them all', async () => {
    const a = file('a', '');
    const b = file('b', '# b\n');
    const error = await failure({ env: { KUBECONFIG: `${a}${delimiter}${b}` }, homeDir: dir });
    expect(error.code).toBe('KUBECONFIG');
    expect(error.message).toBe(`every file in KUBECONFIG is empty (${a}${delimiter}${b})`);
    expect(error.hint).toMatch(/Point KUBECONFIG/);
  });

  it('a missing file is NOT_FOUND (exit 6) naming the flag; a directory is refused naming it', async () => {
    const missing = await failure({ kubeconfig: join(dir, 'nope'), flag: '--to-kubeconfig', env: {}, homeDir: dir });
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.exitCode).toBe(6);
    expect(missing.message).toBe(`the kubeconfig file ${join(dir, 'nope')} given with --to-kubeconfig does not exist`);
    const none = await failure({ env: {}, homeDir: join(dir, 'no-home') });
    expect(none.code).toBe('NOT_FOUND');
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    const directory = await failure({ env: { KUBECONFIG: folder }, homeDir: dir });
    expect(directory.code).toBe('KUBECONFIG');
    expect(directory.message).toBe(`the kubeconfig file ${folder} is a directory`);
  });
});
