/** Turns any thrown value into the text the user sees, and the exit code. */
import { ClusterctlError, ExitCode } from '../errors.js';
import { createChalk } from './reporter.js';
import { redact } from './redact.js';

export interface FormattedError {
  text: string;
  exitCode: number;
}

export function formatError(error: unknown, options: { verbosity: number; color: boolean }): FormattedError {
  const c = createChalk(options.color);
  if (error instanceof ClusterctlError) {
    let text = `${c.red('Error:')} ${error.message}`;
    if (error.hint) text += `\n${c.dim('Hint:')} ${error.hint}`;
    if (options.verbosity >= 5) {
      let cause: unknown = error.cause;
      while (cause) {
        text += `\n${c.dim('Caused by:')} ${cause instanceof Error ? (cause.stack ?? cause.message) : JSON.stringify(cause)}`;
        cause = cause instanceof Error ? cause.cause : undefined;
      }
    }
    return { text: redact(text), exitCode: error.exitCode };
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const text =
    `${c.red('Error:')} an unexpected error occurred:\n${stack}\n\n` +
    'This is a bug in clusterctl-ts. Please report it with the command you ran and the output above ' +
    '(remove anything confidential first).';
  return { text: redact(text), exitCode: ExitCode.Failure };
}
