import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeRelease, startFakeGitHub, type FakeGitHub } from '../../../test/harness/fake-github.js';
import { createHttpClient } from './http.js';
import { readSource } from './source-reader.js';

let dir: string;
let gh: FakeGitHub;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clusterctl-ts-source-'));
  await writeFile(join(dir, 'template.yaml'), 'kind: Cluster\n');
  gh = await startFakeGitHub({
    repositories: [
      {
        owner: 'acme',
        repo: 'templates',
        releases: [fakeRelease('v1.0.0', { extra: { 'cluster-template-x.yaml': 'from: release\n' } })],
        tree: { main: { 'templates/cluster-template.yaml': 'from: blob\n'.repeat(20) } },
      },
    ],
  });
});
afterAll(async () => {
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

const endpoints = () => ({ web: `${gh.url}/web`, api: `${gh.url}/api` });

describe('readSource', () => {
  it('reads stdin for -', async () => {
    expect(text(await readSource('-', { stdin: Readable.from(['a: ', 'b\n']) }))).toBe('a: b\n');
  });

  it('reads paths, relative paths and file:// URLs', async () => {
    const path = join(dir, 'template.yaml');
    expect(text(await readSource(path))).toBe('kind: Cluster\n');
    expect(text(await readSource('template.yaml', { cwd: dir }))).toBe('kind: Cluster\n');
    expect(text(await readSource(`file://${path}`))).toBe('kind: Cluster\n');
    await expect(readSource(join(dir, 'nope.yaml'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readSource(dir)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses http:// and other schemes', async () => {
    await expect(readSource('http://example.com/t.yaml')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      hint: 'use https:// instead of http://',
    });
    await expect(readSource('ftp://example.com/t.yaml')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('downloads other https URLs', async () => {
    const http = createHttpClient({
      fetch: (input) =>
        Promise.resolve(
          String(input as string) === 'https://example.com/t.yaml'
            ? new Response('remote: yes\n')
            : new Response('', { status: 404 }),
        ),
    });
    expect(text(await readSource('https://example.com/t.yaml', { http }))).toBe('remote: yes\n');
    await expect(readSource('https://example.com/missing.yaml', { http })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads GitHub blob URLs through the contents API', async () => {
    const content = await readSource('https://github.com/acme/templates/blob/main/templates/cluster-template.yaml', {
      endpoints: endpoints(),
      githubToken: 'tok',
    });
    expect(text(content)).toBe('from: blob\n'.repeat(20));
    const call = gh.requests.find((r) => r.path.includes('/contents/'));
    expect(call?.path).toBe('/api/repos/acme/templates/contents/templates/cluster-template.yaml?ref=main');
    expect(call?.authorization).toBe('Bearer tok');
    await expect(
      readSource('https://github.com/acme/templates/blob/dev/templates/cluster-template.yaml', {
        endpoints: endpoints(),
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads GitHub release download URLs', async () => {
    const url = 'https://github.com/acme/templates/releases/download/v1.0.0/cluster-template-x.yaml';
    expect(text(await readSource(url, { endpoints: endpoints() }))).toBe('from: release\n');
    const viaApi = await readSource(url, { endpoints: { web: `${gh.url}/elsewhere`, api: `${gh.url}/api` } });
    expect(text(viaApi)).toBe('from: release\n');
    await expect(
      readSource('https://github.com/acme/templates/releases/download/v9.0.0/x.yaml', { endpoints: endpoints() }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rejects other GitHub URLs with the accepted forms', async () => {
    await expect(
      readSource('https://github.com/acme/templates/tree/main/x/y', { endpoints: endpoints() }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(readSource('https://github.com/acme/templates')).rejects.toMatchObject({
      hint: expect.stringContaining('blob/{branch}') as unknown,
    });
  });
});
