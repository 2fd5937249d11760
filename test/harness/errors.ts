/** Assertions on the one error type of the project. */
import { expect } from 'vitest';
import { ClusterctlError } from '../../src/errors.js';

/** The ClusterctlError a promise rejects with (the test fails if it resolves or rejects with another error). */
export async function failure(promise: Promise<unknown>): Promise<ClusterctlError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClusterctlError);
  return error as ClusterctlError;
}

/** The ClusterctlError a function throws (the test fails if it returns or throws another error). */
export function thrown(fn: () => unknown): ClusterctlError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ClusterctlError);
    return error as ClusterctlError;
  }
  throw new Error('expected an error');
}
