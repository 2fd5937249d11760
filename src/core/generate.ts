/**
 * `clusterctl generate cluster|yaml`: render a cluster template (repository flavor, --from file or
 * URL, or a ConfigMap) with clusterctl's variables, into the target namespace, with the
 * ClusterClasses it uses, re-serialised exactly as the Go tool does.
 */
import { ClusterctlError } from '../errors.js';
import type { KubeObject } from '../types.js';
import {
  addClusterClassIfMissing,
  clusterTemplateVariables,
  formatClusterTemplateVariables,
  formatYamlVariables,
  newClusterTemplate,
  type ClusterClassLookup,
  type ClusterClassRef,
  type ListVariablesOptions,
} from './repository/templates.js';
import { parseDocuments, serializeObjects } from './yaml/documents.js';
import { inspectVariables, listVariableNames, processTemplate, type VariableLookup } from './yaml/envsubst.js';
import { indentQuotedContinuations } from './yaml/quoted-continuation.js';

export interface TemplateText {
  text: string;
  /** For error messages: file, URL or ConfigMap. */
  source: string;
}

export interface GenerateClusterDeps {
  /** Variables: environment first, then clusterctl.yaml. */
  lookup: VariableLookup;
  /** Environment variables only (what --list-variables reports as set). */
  envLookup: VariableLookup;
  /** The template (repository flavor, --from, or ConfigMap). */
  readTemplate: () => Promise<TemplateText>;
  /** `clusterclass-<name>.yaml` from the same repository and version; undefined when the source is not a repository. */
  readClusterClass?: ((ref: ClusterClassRef) => Promise<TemplateText>) | undefined;
  /** The management cluster, when reachable with Cluster API installed. */
  cluster?: ClusterClassLookup | undefined;
  /** The kubeconfig context namespace; undefined when there is no kubeconfig. */
  currentNamespace?: string | undefined;
}

/** The name, namespace, version and machine counts (as for --list-variables), and the mode. */
export interface GenerateClusterOptions extends Omit<ListVariablesOptions, 'env'> {
  listVariables?: boolean | undefined;
}

export interface GenerateClusterResult {
  /** The YAML to print (or the --list-variables text). */
  output: string;
  objects: KubeObject[];
  variables: string[];
}

/**
 * The largest template rendered (32 MiB, ten times the largest provider's components). Above it the
 * text is refused at once, naming the limit, instead of being substituted and parsed for minutes.
 */
export const maxTemplateBytes = 32 * 1024 * 1024;

/** INVALID_YAML when a template is above maxTemplateBytes. */
export function checkTemplateSize(template: TemplateText): void {
  const size = template.text.length;
  if (size <= maxTemplateBytes) return;
  throw new ClusterctlError(
    'INVALID_YAML',
    `the template ${template.source} is ${(size / 1024 / 1024).toFixed(1)} MiB, more than the ${maxTemplateBytes / 1024 / 1024} MiB limit`,
    { hint: 'Check that the source is a cluster template: templates are kilobytes, never tens of megabytes.' },
  );
}

function parseTemplate(template: TemplateText, lookup: VariableLookup, skipProcessing: boolean) {
  checkTemplateSize(template);
  const variables = inspectVariables(template.text);
  if (skipProcessing) return { variables, objects: undefined };
  let text: string;
  try {
    text = processTemplate(template.text, lookup);
  } catch (error) {
    if (error instanceof ClusterctlError) throw error.withContext(`failed to process the template ${template.source}`);
    throw error;
  }
  return { variables, objects: parseRendered(text, template.source) };
}

/**
 * Parses a rendered template. A quoted scalar whose continuation line is less indented than YAML 1.2
 * allows (a value ending with a newline, such as an SSH key, substituted between quotes) is read
 * as go-yaml reads it: the text is retried with those lines indented, which leaves the value as is.
 */
function parseRendered(text: string, source: string): KubeObject[] {
  try {
    return parseDocuments(text, source);
  } catch (error) {
    const retry =
      error instanceof ClusterctlError && /Missing closing/.test(error.message)
        ? indentQuotedContinuations(text)
        : undefined;
    if (retry === undefined) throw error;
    try {
      return parseDocuments(retry, source);
    } catch {
      throw error; // the retry did not help: report the original problem
    }
  }
}

export async function generateCluster(
  deps: GenerateClusterDeps,
  options: GenerateClusterOptions,
): Promise<GenerateClusterResult> {
  if (!options.clusterName) {
    throw new ClusterctlError('INVALID_ARGUMENT', 'please specify a cluster name', {
      hint: 'Usage: clusterctl generate cluster NAME [flags]',
    });
  }
  const targetNamespace = options.targetNamespace || deps.currentNamespace;
  if (!targetNamespace) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      'management cluster not available. Cannot auto-discover target namespace. Please specify a target namespace.',
      {
        hint: 'Pass -n/--target-namespace NAMESPACE, or point --kubeconfig at a management cluster whose context has a namespace.',
      },
    );
  }
  const listOnly = Boolean(options.listVariables);
  // Validates the name, namespace, version and counts (Go's order and messages) and builds the lookup.
  const vars = clusterTemplateVariables({
    clusterName: options.clusterName,
    targetNamespace,
    kubernetesVersion: options.kubernetesVersion,
    controlPlaneMachineCount: options.controlPlaneMachineCount,
    workerMachineCount: options.workerMachineCount,
    lookup: deps.lookup,
  });

  const raw = await deps.readTemplate();
  const parsed = parseTemplate(raw, vars.lookup, listOnly);
  let template = newClusterTemplate({ variables: parsed.variables, objects: parsed.objects, targetNamespace });
  if (deps.readClusterClass) {
    const readClass = deps.readClusterClass;
    template = await addClusterClassIfMissing(template, {
      cluster: deps.cluster,
      fetchClass: async (ref) => {
        const text = await readClass(ref);
        const p = parseTemplate(text, vars.lookup, listOnly);
        return { variables: p.variables, objects: p.objects };
      },
    });
  }

  if (listOnly) {
    return {
      output: formatClusterTemplateVariables(template.variableMap, {
        clusterName: options.clusterName,
        targetNamespace: options.targetNamespace,
        kubernetesVersion: options.kubernetesVersion,
        controlPlaneMachineCount: options.controlPlaneMachineCount,
        workerMachineCount: options.workerMachineCount,
        env: deps.envLookup,
      }),
      objects: [],
      variables: template.variables,
    };
  }
  return { output: serializeObjects(template.objects), objects: template.objects, variables: template.variables };
}

export interface GenerateYamlOptions {
  listVariables?: boolean | undefined;
}

/** `clusterctl generate yaml`: substitute variables in any YAML (no namespace rewrite). */
export function generateYaml(
  template: TemplateText,
  lookup: VariableLookup,
  options: GenerateYamlOptions = {},
): string {
  checkTemplateSize(template);
  if (options.listVariables) return formatYamlVariables(listVariableNames(template.text));
  const parsed = parseTemplate(template, lookup, false);
  return serializeObjects(parsed.objects ?? []);
}
