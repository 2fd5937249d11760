/**
 * Dependency-driven scheduling: each item starts as soon as the items it depends on are done
 * (an object as soon as its owners exist on the target), at most `limit` at a time, instead of
 * waiting for a whole group to finish before the next one starts.
 */

/**
 * Runs `fn` over `ids`, each once every id of `dependsOn(id)` (among `ids`) has finished. The
 * dependencies must not form a cycle (a move's owner groups guarantee it). On the first failure no
 * new item starts; the calls in flight are awaited, then the failure is thrown.
 */
export function runWhenReady(
  ids: readonly string[],
  dependsOn: (id: string) => readonly string[],
  limit: number,
  fn: (id: string) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const known = new Set(ids);
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const id of ids) {
    const deps = [...new Set(dependsOn(id))].filter((d) => known.has(d) && d !== id);
    waiting.set(id, deps.length);
    for (const d of deps) (dependents.get(d) ?? dependents.set(d, []).get(d)!).push(id);
  }
  const ready = ids.filter((id) => waiting.get(id) === 0);
  let head = 0;
  let inFlight = 0;
  let done = 0;
  let failed: { error: unknown } | undefined;
  return new Promise<void>((resolve, reject) => {
    const finished = (id: string) => {
      done++;
      for (const d of dependents.get(id) ?? []) {
        const left = waiting.get(d)! - 1;
        waiting.set(d, left);
        if (left === 0) ready.push(d);
      }
    };
    const pump = () => {
      if (!failed && signal?.aborted) failed = { error: signal.reason };
      if (failed) {
        if (inFlight === 0) reject(failed.error instanceof Error ? failed.error : new Error(String(failed.error)));
        return;
      }
      if (done === ids.length) return resolve();
      while (inFlight < Math.max(1, limit) && head < ready.length) {
        const id = ready[head++]!;
        inFlight++;
        fn(id)
          .then(
            () => finished(id),
            (error: unknown) => {
              failed ??= { error };
            },
          )
          .finally(() => {
            inFlight--;
            pump();
          });
      }
      if (inFlight === 0 && head === ready.length && done < ids.length)
        reject(new Error(`${ids.length - done} items wait on each other (a dependency cycle)`));
    };
    pump();
  });
}
