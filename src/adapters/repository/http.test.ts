import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, describeNetworkError, displayUrl } from './http.js';
import { failure } from '../../../test/harness/errors.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A local port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('http client', () => {
  it('fails fast with UNREACHABLE naming the URL when nothing listens', async () => {
    const port = await closedPort();
    const http = createHttpClient();
    const started = Date.now();
    const error = await failure(http.get(`http://127.0.0.1:${port}/repos/o/r/releases`));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toContain(`http://127.0.0.1:${port}/repos/o/r/releases`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.hint).toMatch(/local repository|overrides folder/);
  });

  it('remembers an unreachable host for the rest of the run', async () => {
    let calls = 0;
    const http = createHttpClient({
      retries: 0,
      fetch: () => {
        calls++;
        return Promise.reject(
          new TypeError('fetch failed', {
            cause: Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }),
          }),
        );
      },
    });
    await failure(http.get('https://api.example.com/a'));
    const second = await failure(http.get('https://api.example.com/b'));
    expect(calls).toBe(1);
    expect(second.message).toContain('https://api.example.com/b');
    expect(second.message).toContain('ENOTFOUND');
  });

  it('times out when the server never answers', async () => {
    const base = await serve(() => undefined);
    const http = createHttpClient({ connectTimeoutMs: 200 });
    const started = Date.now();
    const error = await failure(http.get(`${base}/slow`));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toContain(`${base}/slow`);
    expect(error.message).toContain('no answer within 200ms');
  });

  it('retries 5xx answers with backoff, then returns the answer', async () => {
    let calls = 0;
    const base = await serve((_req, res) => {
      calls++;
      res.writeHead(calls < 3 ? 503 : 200);
      res.end(calls < 3 ? 'busy' : 'ok');
    });
    const http = createHttpClient({ backoffMs: 10 });
    const response = await http.get(`${base}/x`);
    expect(response.status).toBe(200);
    expect(new TextDecoder().decode(response.body)).toBe('ok');
    expect(calls).toBe(3);

    calls = -10;
    const last = await createHttpClient({ backoffMs: 1, retries: 1 }).get(`${base}/y`);
    expect(last.status).toBe(503);
  });

  it('returns 4xx answers as they are, and sends headers', async () => {
    const base = await serve((req, res) => {
      res.writeHead(404, { 'x-seen': String(req.headers.authorization) });
      res.end();
    });
    const response = await createHttpClient().get(`${base}/x`, { headers: { authorization: 'Bearer t' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-seen')).toBe('Bearer t');
  });

  it('turns a caller abort into INTERRUPTED', async () => {
    const base = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(createHttpClient().get(`${base}/x`, { signal: controller.signal }));
    expect(error.code).toBe('INTERRUPTED');
  });

  it('refuses a download larger than the size cap, naming the limit', async () => {
    const base = await serve((_req, res) => res.end(Buffer.alloc(4096, 120)));
    const error = await failure(createHttpClient({ maxBodyBytes: 2048 }).get(`${base}/big`));
    expect(error.message).toBe(`the download of ${base}/big is larger than the 2 KiB limit`);
    expect(error.exitCode).toBe(2);
    expect((await createHttpClient().get(`${base}/big`)).body.length).toBe(4096);
  });

  it('follows redirects, keeping credentials from other origins', async () => {
    const other = await serve((req, res) => res.end(`auth=${String(req.headers.authorization)}`));
    const base = await serve((req, res) => {
      if (req.url === '/same') res.writeHead(302, { location: '/final' }).end();
      else if (req.url === '/away') res.writeHead(302, { location: `${other}/asset` }).end();
      else res.end(`auth=${String(req.headers.authorization)}`);
    });
    const http = createHttpClient();
    const text = async (path: string) =>
      new TextDecoder().decode((await http.get(`${base}${path}`, { headers: { authorization: 'Bearer t' } })).body);
    expect(await text('/same')).toBe('auth=Bearer t');
    expect(await text('/away')).toBe('auth=undefined');
  });

  it('describes errors and URLs', () => {
    expect(displayUrl('https://user:secret@host/p?q=1')).toBe('https://host/p?q=1');
    const nested = new TypeError('fetch failed', {
      cause: new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:1'), { code: 'ECONNREFUSED' })]),
    });
    expect(describeNetworkError(nested)).toBe('connect ECONNREFUSED ::1:1');
  });
});
