/**
 * The one sleep of the project: Node's promise timer with the caller's AbortSignal. It registers
 * one abort listener per call and removes it when the timer fires, so a long polling loop on one
 * signal never piles listeners up (Node warns after ten: MaxListenersExceededWarning). On abort it
 * rejects with the signal's reason, as `signal.throwIfAborted()` would.
 */
import { setTimeout as delay } from 'node:timers/promises';

export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}
