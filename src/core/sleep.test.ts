import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from './sleep.js';

/** Warnings Node emits while `body` runs (they arrive on the next ticks, so wait a little after). */
async function warningsDuring(body: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (warning: Error) => seen.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  try {
    await body();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

describe('sleep', () => {
  let controller = new AbortController();
  afterEach(() => controller.abort());

  it('waits in a long polling loop on one signal without leaking abort listeners (no MaxListenersExceededWarning)', async () => {
    controller = new AbortController();
    // create management-cluster polls every 2 s with the command's signal: 30 polls is a minute.
    const warnings = await warningsDuring(async () => {
      for (let i = 0; i < 30; i++) await sleep(1, controller.signal);
    });
    expect(warnings.filter((w) => /MaxListeners|memory leak/i.test(w))).toEqual([]);
  });

  it('stops waiting as soon as the signal aborts, rejecting with its reason', async () => {
    controller = new AbortController();
    const reason = new Error('interrupted by the user');
    const started = Date.now();
    const waiting = sleep(30_000, controller.signal);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects at once when the signal is already aborted', async () => {
    controller = new AbortController();
    controller.abort(new Error('already gone'));
    await expect(sleep(30_000, controller.signal)).rejects.toThrow('already gone');
  });
});
