/** Retries of the registry client end as soon as the command is interrupted. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentReporter, type Reporter } from '../../core/ports.js';
import { ClusterctlError } from '../../errors.js';
import { createRegistryClient } from './oci-client.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A registry that answers every request with 503, counting them; resolves with its host:port. */
async function failingRegistry(onRequest: () => void): Promise<string> {
  server = createServer((_req, res) => {
    onRequest();
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('registry client retries', () => {
  it('stops waiting between retries when the signal aborts', async () => {
    const controller = new AbortController();
    let requests = 0;
    const host = await failingRegistry(() => requests++);
    // The client logs each answer before it backs off for a minute: interrupt then.
    const reporter: Reporter = {
      ...silentReporter,
      debug: (_level, message) => {
        if (message === 'Registry request') controller.abort(new Error('interrupted by the user'));
      },
    };
    const client = createRegistryClient({ host, insecure: true, retries: 3, backoffMs: 60_000, reporter });
    const started = Date.now();
    const error = await client
      .request('GET', '/v2/', { repository: 'x', actions: 'pull', signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterctlError);
    expect((error as ClusterctlError).code).toBe('INTERRUPTED');
    expect((error as ClusterctlError).message).toBe(`request to the registry ${host} interrupted`);
    expect(requests).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
