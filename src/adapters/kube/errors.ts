/**
 * Translation of API server answers and network failures into ClusterctlErrors that name the
 * server, context and user, and say what to do.
 */
import { ClusterctlError } from '../../errors.js';
import type { TransportError } from '../net/transport.js';

/** Who a client talks to, for messages. */
export interface ApiTarget {
  server: string;
  context: string;
  user: string;
}

export interface HttpResult {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

interface Status {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { message?: string; field?: string }[] };
}

function parseStatus(body: string): Status | undefined {
  try {
    const parsed = JSON.parse(body) as Status;
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The fields an update was refused for because they cannot change once set: the API server's
 * validation says "field is immutable" (Deployment/StatefulSet selectors, Job templates, ...),
 * "may not change once set" (Service clusterIPs) or "cannot change" (binding roleRefs).
 */
function immutableFields(status: Status | undefined): string[] {
  const fields = (status?.details?.causes ?? [])
    .filter((c) => /field is immutable|may not change once set|cannot change/.test(c.message ?? ''))
    .map((c) => c.field ?? '')
    .filter(Boolean);
  return [...new Set(fields)];
}

const tlsCode = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|DEPTH_ZERO|HOSTNAME|ALTNAME|ERR_SSL/;

export function networkError(target: ApiTarget, error: TransportError, what: string, waitedMs = 0): ClusterctlError {
  const { server, context } = target;
  if (error.kind === 'ABORTED') {
    return new ClusterctlError('INTERRUPTED', `interrupted while trying to ${what} on ${server}`, { cause: error });
  }
  if (error.kind === 'TOO_LARGE') {
    return new ClusterctlError(
      'REJECTED',
      `the API server ${server} (context "${context}") sent an answer too large to ${what}: ${error.message}`,
      {
        hint: 'Narrow the request (a namespace, a label selector) or check that the server is a Kubernetes API server.',
        cause: error,
      },
    );
  }
  if (error.kind === 'NETWORK' && (tlsCode.test(error.code ?? '') || /certificate/i.test(error.message))) {
    return new ClusterctlError(
      'UNREACHABLE',
      `TLS verification of the API server ${server} (context "${context}") failed while trying to ${what}: ${error.message}`,
      {
        hint: 'Check certificate-authority(-data) and tls-server-name for this cluster in the kubeconfig; TLS is verified unless the kubeconfig sets insecure-skip-tls-verify.',
        cause: error,
      },
    );
  }
  const waited = waitedMs >= 1000 ? ` (retried for ${Math.round(waitedMs / 1000)}s)` : '';
  return new ClusterctlError(
    'UNREACHABLE',
    `cannot reach the Kubernetes API server ${server} (context "${context}") to ${what}: ${error.message}${waited}`,
    {
      hint:
        error.kind === 'PROXY'
          ? 'Check HTTPS_PROXY / NO_PROXY: the proxy named above could not open the connection.'
          : 'Check that the cluster is running and reachable from here (and HTTPS_PROXY / NO_PROXY, if a proxy is needed), and that --kubeconfig / --kubeconfig-context select the right cluster.',
      cause: error,
    },
  );
}

// long-function: one case per HTTP status; the messages read best side by side.
export function httpError(target: ApiTarget, res: HttpResult, what: string): ClusterctlError {
  const { server, context, user } = target;
  const status = parseStatus(res.body);
  const message = status?.message ?? (res.body.trim().slice(0, 300) || `HTTP ${res.status}`);
  const reason = status?.reason;
  switch (res.status) {
    case 401:
      return new ClusterctlError(
        'UNAUTHORIZED',
        `the API server ${server} rejected the credentials of user "${user}" (context "${context}") while trying to ${what}`,
        {
          hint: 'The client certificate, token or exec plugin of this kubeconfig user is not accepted: refresh the credentials or pick another context with --kubeconfig-context.',
          reason,
        },
      );
    case 403:
      if (/admission webhook|AdmissionPolicy|denied (the )?request/i.test(message)) {
        return new ClusterctlError('REJECTED', `the API server refused to ${what}: ${message}`, {
          hint: 'An admission webhook or policy denied the request; fix the object or the policy named above.',
          reason,
        });
      }
      if (/because it is being terminated/.test(message)) {
        return new ClusterctlError('CONFLICT', `could not ${what}: ${message}`, {
          hint: 'The namespace is being deleted; wait until it is gone (kubectl get ns) and re-run.',
          reason,
        });
      }
      return new ClusterctlError(
        'FORBIDDEN',
        `user "${user}" (context "${context}") is not allowed to ${what}: ${message}`,
        {
          hint: 'Use a kubeconfig user with cluster-admin rights on the management cluster, or ask an administrator to grant the permission named above.',
          reason,
        },
      );
    case 404:
      return new ClusterctlError('NOT_FOUND', `could not ${what}: ${message}`, { reason });
    case 409:
      return new ClusterctlError('CONFLICT', `could not ${what}: ${message}`, {
        hint: 'Another writer changed or created the object at the same time; re-run the command.',
        reason,
      });
    case 400:
    case 422:
      return invalidError(status, message, what);
    case 429:
      return new ClusterctlError(
        'RATE_LIMITED',
        `the API server ${server} kept refusing to ${what}: too many requests`,
        {
          hint: 'The API server is overloaded or rate-limits this user; wait a moment and re-run the command.',
          reason,
        },
      );
    default:
      if (/failed calling webhook/i.test(message)) {
        return new ClusterctlError('REJECTED', `could not ${what}: ${message}`, {
          hint: 'The admission or conversion webhook named above is not reachable: check that the provider controller that serves it is running (kubectl get pods -A) and that cert-manager has issued its certificate.',
          reason,
        });
      }
      if (res.status === 502 || res.status === 503 || res.status === 504) {
        return new ClusterctlError(
          'UNREACHABLE',
          `the API server ${server} (context "${context}") is unavailable: it answered HTTP ${res.status} to ${what}: ${message}`,
          {
            hint: 'The API server (or a proxy or load balancer in front of it) is not serving requests; check the cluster, then re-run the command.',
            reason,
          },
        );
      }
      return new ClusterctlError(
        'INTERNAL',
        `the API server ${server} answered HTTP ${res.status} to ${what}: ${message}`,
        {
          reason,
        },
      );
  }
}

function invalidError(status: Status | undefined, message: string, what: string): ClusterctlError {
  const immutable = immutableFields(status);
  if (immutable.length > 0) {
    return new ClusterctlError(
      'IMMUTABLE_FIELD',
      `could not ${what}: the object already exists and its ${immutable.join(', ')} cannot be changed (the API server answered: ${message})`,
      {
        hint: 'The existing object was created with a different value of that field (by another version or another tool); delete it and re-run the command.',
        reason: status?.reason,
      },
    );
  }
  const causes = status?.details?.causes?.map((c) => c.message).filter(Boolean) ?? [];
  return new ClusterctlError(
    'REJECTED',
    `the API server rejected the request to ${what}: ${message}${causes.length > 1 ? ` (${causes.join('; ')})` : ''}`,
    {
      hint: /webhook|AdmissionPolicy|denied/i.test(message)
        ? 'An admission policy or webhook of this cluster denied the object: change the object or ask the cluster administrator to allow it, then re-run.'
        : 'Fix the object definition named above.',
      reason: status?.reason,
    },
  );
}
