/**
 * The one error type of clusterctl-ts. Every error a user can act on is a ClusterctlError with a
 * stable code, a one-paragraph message naming the object, an optional hint naming the fix, the
 * underlying cause, and the process exit code that the CLI uses.
 */

/** Exit codes, documented in the README. */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** A generic failure (the Go clusterctl uses 1 for everything). */
  Failure: 1,
  /** Invalid flags, arguments or input files (malformed YAML, bad names, missing variables). */
  Usage: 2,
  /** A required tool or binary is missing from this machine (go, kind, kube-apiserver). */
  MissingTool: 3,
  /** The Kubernetes API server or a repository could not be reached. */
  Unreachable: 4,
  /** The server or repository refused the credentials (401/403). */
  Unauthorized: 5,
  /** A requested object, provider, version, flavor or file does not exist. */
  NotFound: 6,
  /** A conflict with what is already there (duplicate provider, object exists, apply conflict). */
  Conflict: 7,
  /** A wait ran out of time. */
  Timeout: 8,
  /** The operation was interrupted (SIGINT/SIGTERM); it can be resumed. */
  Interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_CONFIG'
  | 'INVALID_YAML'
  | 'MISSING_VARIABLES'
  | 'MISSING_TOOL'
  | 'KUBECONFIG'
  | 'UNREACHABLE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  /** An object exists with a field the API server does not allow to change (e.g. a Deployment selector). */
  | 'IMMUTABLE_FIELD'
  | 'REJECTED'
  | 'TIMEOUT'
  | 'INTERRUPTED'
  | 'RATE_LIMITED'
  | 'UNSUPPORTED'
  | 'INTERNAL';

/** The error code for an HTTP answer other than 200 when fetching a file: missing, refused or failing. */
export function httpStatusErrorCode(status: number): ErrorCode {
  if (status === 404) return 'NOT_FOUND';
  return status === 401 || status === 403 ? 'UNAUTHORIZED' : 'UNREACHABLE';
}

const defaultExitCodes: Record<ErrorCode, ExitCodeValue> = {
  INVALID_ARGUMENT: ExitCode.Usage,
  INVALID_CONFIG: ExitCode.Usage,
  INVALID_YAML: ExitCode.Usage,
  MISSING_VARIABLES: ExitCode.Usage,
  MISSING_TOOL: ExitCode.MissingTool,
  KUBECONFIG: ExitCode.Usage,
  UNREACHABLE: ExitCode.Unreachable,
  UNAUTHORIZED: ExitCode.Unauthorized,
  FORBIDDEN: ExitCode.Unauthorized,
  NOT_FOUND: ExitCode.NotFound,
  CONFLICT: ExitCode.Conflict,
  IMMUTABLE_FIELD: ExitCode.Conflict,
  REJECTED: ExitCode.Failure,
  TIMEOUT: ExitCode.Timeout,
  INTERRUPTED: ExitCode.Interrupted,
  RATE_LIMITED: ExitCode.Unreachable,
  UNSUPPORTED: ExitCode.Failure,
  INTERNAL: ExitCode.Failure,
};

export interface ClusterctlErrorOptions {
  hint?: string | undefined;
  /** The Kubernetes API Status reason behind the error (e.g. `AlreadyExists`), when there is one. */
  reason?: string | undefined;
  cause?: unknown;
  exitCode?: ExitCodeValue | undefined;
}

export class ClusterctlError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly reason: string | undefined;
  readonly exitCode: ExitCodeValue;

  constructor(code: ErrorCode, message: string, options: ClusterctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ClusterctlError';
    this.code = code;
    this.hint = options.hint;
    this.reason = options.reason;
    this.exitCode = options.exitCode ?? defaultExitCodes[code];
  }

  /** Returns a copy whose message is prefixed with context, keeping code, hint and exit code. */
  withContext(context: string): ClusterctlError {
    return new ClusterctlError(this.code, `${context}: ${this.message}`, {
      hint: this.hint,
      reason: this.reason,
      cause: this,
      exitCode: this.exitCode,
    });
  }
}

export function isClusterctlError(value: unknown): value is ClusterctlError {
  return value instanceof ClusterctlError;
}

/**
 * Adds context at a boundary: a ClusterctlError keeps its code and hint; anything else becomes an
 * INTERNAL error whose cause keeps the original (printed with its stack only at -v 5).
 */
export function wrapError(error: unknown, context: string): ClusterctlError {
  if (error instanceof ClusterctlError) return error.withContext(context);
  const message = error instanceof Error ? error.message : String(error);
  return new ClusterctlError('INTERNAL', `${context}: ${message}`, { cause: error });
}

/**
 * Runs `fn`; whatever it throws becomes a ClusterctlError of `code` reading `context: <its message>`
 * (the original kept as the cause). For input that is bad in a known way: a value that does not
 * parse, a template that does not expand.
 */
export function failingAs<T>(code: ErrorCode, context: string, fn: () => T, hint?: string): T {
  try {
    return fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ClusterctlError(code, `${context}: ${message}`, {
      cause: error,
      ...(hint !== undefined ? { hint } : {}),
    });
  }
}

/** Several independent failures reported together (delete, move preconditions). */
export class AggregateClusterctlError extends ClusterctlError {
  readonly errors: readonly ClusterctlError[];
  constructor(message: string, errors: readonly ClusterctlError[], options: ClusterctlErrorOptions = {}) {
    const first = errors[0];
    super(first?.code ?? 'INTERNAL', `${message}:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`, {
      exitCode: options.exitCode ?? first?.exitCode,
      hint: options.hint ?? first?.hint,
      cause: options.cause,
    });
    this.errors = errors;
  }
}
