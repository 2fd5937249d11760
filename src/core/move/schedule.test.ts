import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runWhenReady } from './schedule.js';

describe('runWhenReady', () => {
  it('starts an item as soon as its own dependencies are done, not when a whole level is', async () => {
    // a (slow) -> c ; b (fast) -> d : d must not wait for a.
    const deps: Record<string, string[]> = { a: [], b: [], c: ['a'], d: ['b'] };
    const order: string[] = [];
    const delays: Record<string, number> = { a: 80, b: 5, c: 5, d: 5 };
    await runWhenReady(
      Object.keys(deps),
      (id) => deps[id]!,
      4,
      async (id) => {
        await sleep(delays[id]);
        order.push(id);
      },
    );
    expect(order.indexOf('d')).toBeLessThan(order.indexOf('a'));
    expect(order.indexOf('c')).toBeGreaterThan(order.indexOf('a'));
    expect(order).toHaveLength(4);
  });

  it('keeps at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const ids = Array.from({ length: 20 }, (_, i) => `x${i}`);
    await runWhenReady(
      ids,
      () => [],
      3,
      async () => {
        peak = Math.max(peak, ++inFlight);
        await sleep(2);
        inFlight--;
      },
    );
    expect(peak).toBe(3);
  });

  it('starts nothing new after a failure, waits for the calls in flight, then throws it', async () => {
    const started: string[] = [];
    let settled = 0;
    const run = runWhenReady(
      ['a', 'b', 'c', 'd'],
      (id) => (id === 'd' ? ['a'] : []),
      2,
      async (id) => {
        started.push(id);
        await sleep(id === 'b' ? 30 : 1);
        settled++;
        if (id === 'a') throw new Error('a failed');
      },
    );
    await expect(run).rejects.toThrow('a failed');
    expect(started).not.toContain('d');
    expect(settled).toBe(started.length);
  });

  it('reports a dependency cycle instead of hanging', async () => {
    await expect(
      runWhenReady(
        ['a', 'b'],
        (id) => (id === 'a' ? ['b'] : ['a']),
        2,
        () => Promise.resolve(),
      ),
    ).rejects.toThrow('dependency cycle');
  });
});
