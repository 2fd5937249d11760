/** Turns any thrown value into the text the user sees, and the exit code. */
import { ClusterctlError, ExitCode } from '../errors.js';
import { createChalk } from './reporter.js';
import { redact } from './redact.js';

export interface FormattedError {
  text: string;
  exitCode: number;
}

const bugReport =
  'This is a bug in clusterctl-ts. Please report it with the command you ran and the output above ' +
  '(remove anything confidential first).';

/** Errors that only a mistake in the code throws (not the network, the cluster or the input). */
function isProgrammingError(error: unknown): error is Error {
  return (
    error instanceof TypeError ||
    error instanceof ReferenceError ||
    error instanceof RangeError ||
    error instanceof SyntaxError ||
    error instanceof EvalError
  );
}

/** The programming error at the root of a ClusterctlError's cause chain, if any. */
function bugBehind(error: ClusterctlError): Error | undefined {
  const seen = new Set<unknown>();
  let cause: unknown = error.cause;
  while (cause instanceof Error && !seen.has(cause)) {
    seen.add(cause);
    if (!(cause instanceof ClusterctlError)) return isProgrammingError(cause) ? cause : undefined;
    cause = cause.cause;
  }
  return undefined;
}

export function formatError(error: unknown, options: { verbosity: number; color: boolean }): FormattedError {
  const c = createChalk(options.color);
  if (error instanceof ClusterctlError) {
    let text = `${c.red('Error:')} ${error.message}`;
    if (error.hint) text += `\n${c.dim('Hint:')} ${error.hint}`;
    const bug = error.code === 'INTERNAL' ? bugBehind(error) : undefined;
    if (bug) {
      text += `\n${bug.stack ?? bug.message}\n\n${bugReport}`;
    } else if (options.verbosity >= 5) {
      let cause: unknown = error.cause;
      while (cause) {
        text += `\n${c.dim('Caused by:')} ${cause instanceof Error ? (cause.stack ?? cause.message) : JSON.stringify(cause)}`;
        cause = cause instanceof Error ? cause.cause : undefined;
      }
    }
    return { text: redact(text), exitCode: error.exitCode };
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const text = `${c.red('Error:')} an unexpected error occurred:\n${stack}\n\n${bugReport}`;
  return { text: redact(text), exitCode: ExitCode.Failure };
}
