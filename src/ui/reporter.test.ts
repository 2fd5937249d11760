import { describe, expect, it } from 'vitest';
import { createReporter } from './reporter.js';

function capture() {
  const lines: string[] = [];
  const stream = { write: (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)) };
  return { lines, stream: stream as unknown as NodeJS.WritableStream };
}

describe('plain reporter (CI, pipes)', () => {
  it('keeps quick progress updates quiet at -v 0 but shows what a long wait is waiting for', () => {
    let clock = 0;
    const { lines, stream } = capture();
    const reporter = createReporter({ mode: 'plain', verbosity: 0, color: false, stream, now: () => clock });
    const task = reporter.task('Waiting for cluster-api to be available');
    task.update('Installing (1/3 objects)');
    clock = 4_000;
    task.update('Waiting for cluster-api: Deployment capi-system/capi-controller-manager not yet Available');
    expect(lines).toEqual(['Waiting for cluster-api to be available']);
    clock = 10_500;
    task.update('Waiting for cluster-api: Deployment capi-system/capi-controller-manager not yet Available');
    clock = 12_000;
    task.update('Waiting for cluster-api: Deployment capi-system/capi-controller-manager not yet Available');
    clock = 21_000;
    task.update('Waiting for cluster-api: Deployment capi-system/capi-controller-manager not yet Available');
    task.succeed('cluster-api is available');
    expect(lines).toEqual([
      'Waiting for cluster-api to be available',
      '  Waiting for cluster-api: Deployment capi-system/capi-controller-manager not yet Available',
      '  Waiting for cluster-api: Deployment capi-system/capi-controller-manager not yet Available',
      '✓ cluster-api is available',
    ]);
  });

  it('prints every change of progress at -v 1', () => {
    const { lines, stream } = capture();
    const reporter = createReporter({ mode: 'plain', verbosity: 1, color: false, stream, now: () => 0 });
    const task = reporter.task('Installing');
    task.update('Installing (1/2 objects)');
    task.update('Installing (1/2 objects)');
    task.update('Installing (2/2 objects)');
    expect(lines).toEqual(['Installing', '  Installing (1/2 objects)', '  Installing (2/2 objects)']);
  });
});
