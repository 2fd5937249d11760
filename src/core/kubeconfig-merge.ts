/**
 * Merging a workload cluster's kubeconfig into an existing kubeconfig file as one new context
 * (`get kubeconfig --merge`). The incoming current context (with its cluster and user) becomes
 * one context named `contextName`; its cluster and user entries take that name too, so merging
 * several clusters that all call their user `<cluster>-admin` never mixes credentials. Entries of
 * the same name are replaced (a re-merge refreshes them); everything else is kept as it was.
 * Error messages never quote the kubeconfig text: it holds credentials.
 *
 * Files are read and written as client-go does (go-yaml, YAML 1.1): a string such as `on` or `yes`
 * is written quoted, so kubectl reads it back as a string, not a boolean.
 */
import { ClusterctlError } from '../errors.js';
import { parseDocuments, serializeObject } from './yaml/documents.js';

interface Named {
  name: string;
  [key: string]: unknown;
}

interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[] | null;
  users?: Named[] | null;
  contexts?: Named[] | null;
  'current-context'?: string;
  preferences?: unknown;
  [key: string]: unknown;
}

function parseKubeconfig(text: string, what: string): KubeconfigDoc {
  let docs: unknown[];
  try {
    docs = parseDocuments(text, what);
  } catch (error) {
    // The parser's message may quote the text (credentials): only say what is wrong.
    const notMapping = error instanceof ClusterctlError && /not an object/.test(error.message);
    throw new ClusterctlError(
      'INVALID_YAML',
      notMapping
        ? `${what} is not a kubeconfig (expected a mapping with clusters, users and contexts)`
        : `${what} is not valid YAML`,
      { hint: 'Fix or remove the file, or merge into another one with --merge <file>.' },
    );
  }
  return (docs[0] ?? {}) as KubeconfigDoc;
}

export interface MergeResult {
  text: string;
  context: string;
  replaced: boolean;
}

export function mergeKubeconfig(
  existing: string | undefined,
  incoming: string,
  options: { contextName?: string | undefined; source: string; target: string; setCurrent?: boolean },
): MergeResult {
  const add = parseKubeconfig(incoming, `the kubeconfig in ${options.source}`);
  const contexts = add.contexts ?? [];
  const current = contexts.find((c) => c.name === add['current-context']) ?? contexts[0];
  if (!current) {
    throw new ClusterctlError('INVALID_CONFIG', `the kubeconfig in ${options.source} has no context to merge`, {
      hint: 'The Secret was not written by a Cluster API control plane provider; print it with clusterctl get kubeconfig (without --merge) to inspect it.',
    });
  }
  const ctx = (current.context ?? {}) as { cluster?: string; user?: string; namespace?: string };
  const cluster = (add.clusters ?? []).find((c) => c.name === ctx.cluster);
  const user = (add.users ?? []).find((u) => u.name === ctx.user);
  if (!cluster || !user) {
    throw new ClusterctlError(
      'INVALID_CONFIG',
      `the kubeconfig in ${options.source} is incomplete: context "${current.name}" names ${!cluster ? `cluster "${ctx.cluster ?? ''}"` : `user "${ctx.user ?? ''}"`}, which it does not define`,
    );
  }
  const name = options.contextName || current.name;
  const base = existing === undefined || existing.trim() === '' ? {} : parseKubeconfig(existing, options.target);
  const doc: KubeconfigDoc = { apiVersion: 'v1', kind: 'Config', preferences: {}, ...base };
  const upsert = (list: Named[] | null | undefined, entry: Named): [Named[], boolean] => {
    const items = [...(list ?? [])];
    const at = items.findIndex((i) => i.name === entry.name);
    if (at >= 0) items[at] = entry;
    else items.push(entry);
    return [items, at >= 0];
  };
  let replaced: boolean;
  [doc.clusters] = upsert(doc.clusters, { ...cluster, name });
  [doc.users] = upsert(doc.users, { ...user, name });
  [doc.contexts, replaced] = upsert(doc.contexts, {
    name,
    context: { ...ctx, cluster: name, user: name },
  });
  if (options.setCurrent || !doc['current-context']) doc['current-context'] = name;
  return { text: serializeObject(doc as Parameters<typeof serializeObject>[0]), context: name, replaced };
}
