import { describe, expect, it } from 'vitest';
import { ClusterctlError, ExitCode, wrapError } from '../errors.js';
import { formatError } from './errors.js';

const plain = { verbosity: 0, color: false };

describe('formatError', () => {
  it('prints the stack and the bug-report line for a programming error wrapped at a boundary', () => {
    let bug: unknown;
    try {
      (undefined as unknown as { clusters: string[] }).clusters.push('x');
    } catch (error) {
      bug = error;
    }
    const wrapped = wrapError(wrapError(bug, 'failed to read the kubeconfig'), 'init failed');
    const { text, exitCode } = formatError(wrapped, plain);
    expect(text).toContain(
      "init failed: failed to read the kubeconfig: Cannot read properties of undefined (reading 'clusters')",
    );
    expect(text).toMatch(/TypeError: Cannot read properties[^\n]*\n\s+at /);
    expect(text).toContain('This is a bug in clusterctl-ts');
    expect(exitCode).toBe(ExitCode.Failure);
  });

  it('keeps known failures to one paragraph and a hint', () => {
    const error = new ClusterctlError('INTERNAL', 'the API server https://x answered HTTP 500 to get Pod a/b: boom', {
      cause: new Error('HTTP 500'),
    });
    const { text } = formatError(error, plain);
    expect(text).toBe('Error: the API server https://x answered HTTP 500 to get Pod a/b: boom');
    const unreachable = formatError(new ClusterctlError('UNREACHABLE', 'cannot reach x', { hint: 'check y' }), plain);
    expect(unreachable.text).toBe('Error: cannot reach x\nHint: check y');
    expect(unreachable.exitCode).toBe(ExitCode.Unreachable);
  });

  it('prints a stack for anything that is not a ClusterctlError', () => {
    const { text } = formatError(new RangeError('Maximum call stack size exceeded'), plain);
    expect(text).toContain('an unexpected error occurred');
    expect(text).toContain('This is a bug');
  });
});
