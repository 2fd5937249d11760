/**
 * When a failed request counts as "sent" (it may have reached the server, so the retry layer must
 * not repeat a write that is unsafe to apply twice): a connection lost while the request was still
 * being written is not sent (the server never had the whole body); one lost after the whole request
 * was written is. Local TCP servers that reset the connection at those two moments.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTransport, TransportError } from './transport.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

/** A TCP server that resets each connection once `enough(bytesReceived)` holds. */
async function resettingServer(enough: (received: Buffer) => boolean): Promise<number> {
  const server = createServer((socket: Socket) => {
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (enough(received)) socket.resetAndDestroy();
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

async function sendFailure(port: number, body: string): Promise<TransportError> {
  const transport = createTransport({});
  try {
    await transport.send({ url: new URL(`http://127.0.0.1:${port}/x`), method: 'POST', headers: {}, body });
  } catch (error) {
    if (error instanceof TransportError) return error;
    throw error;
  } finally {
    transport.close();
  }
  throw new Error('expected the request to fail');
}

describe('transport: whether a failed request may have reached the server', () => {
  it('a reset while the body is still being written: not sent (safe to retry)', async () => {
    // 32 MiB cannot sit in the loopback socket buffers: the reset lands mid-body.
    const port = await resettingServer(() => true);
    const error = await sendFailure(port, 'x'.repeat(32 * 1024 * 1024));
    expect(error.kind).toBe('NETWORK');
    expect(error.sent).toBe(false);
  });

  it('a reset after the whole request arrived: sent (the server may have applied it)', async () => {
    const body = '{"op":"add"}';
    const port = await resettingServer((received) => received.toString().endsWith(body));
    const error = await sendFailure(port, body);
    expect(error.kind).toBe('NETWORK');
    expect(error.sent).toBe(true);
  });
});
