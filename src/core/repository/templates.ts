/**
 * Cluster templates for `clusterctl generate cluster` and `generate yaml`: file names and flavors,
 * the namespace rewrite, ClusterClass auto-inclusion, the variables clusterctl defines for a
 * template (NAMESPACE, CLUSTER_NAME, machine counts, Kubernetes version) and the text of
 * `--list-variables`. Follows clusterctl's client/repository/template.go, client/clusterclass.go,
 * client/config.go and cmd/util.go.
 *
 * Pure: templates arrive as parsed objects plus the variables found by ../yaml/envsubst.ts; the
 * caller reads files, substitutes variables and talks to the cluster (through small functions).
 */
import { ClusterctlError } from '../../errors.js';
import type { KubeObject } from '../../types.js';
import type { TemplateVariable, VariableLookup } from '../yaml/envsubst.js';
import { apiGroupOf, apiVersionOf, fixTargetNamespace } from './components.js';
import { readsAsZero, roundTripTyped, TypedConversionError } from './typed/roundtrip.js';
import {
  parseMachineCountVariable,
  validateClusterName,
  validateControlPlaneMachineCount,
  validateKubernetesVersion,
  validateTargetNamespace,
  validateWorkerMachineCount,
} from '../validation.js';

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// File names and flavors
// ---------------------------------------------------------------------------------------------

const templatePrefix = 'cluster-template';
const templateFilePattern = /^cluster-template(?:-(.+))?\.yaml$/;

/** `cluster-template.yaml`, or `cluster-template-<flavor>.yaml`. */
export function templateFileName(flavor?: string): string {
  return flavor ? `${templatePrefix}-${flavor}.yaml` : `${templatePrefix}.yaml`;
}

/** `clusterclass-<name>.yaml`. */
export function clusterClassFileName(name: string): string {
  return `clusterclass-${name}.yaml`;
}

/**
 * The flavors available among a release's file names, sorted; the default template
 * (`cluster-template.yaml`) is listed as the empty string, first.
 */
export function templateFlavors(fileNames: Iterable<string>): string[] {
  const flavors = new Set<string>();
  for (const file of fileNames) {
    const base = file.slice(file.lastIndexOf('/') + 1);
    const match = templateFilePattern.exec(base);
    if (match) flavors.add(match[1] ?? '');
  }
  return [...flavors].sort(compareStrings);
}

/**
 * The error for a template file that is not in the repository, worded like clusterctl's, with a
 * hint listing the flavors that do exist (when the caller could list the release's files).
 */
export function templateNotFoundError(options: {
  flavor?: string | undefined;
  providerLabel: string;
  version: string;
  availableFiles?: Iterable<string> | undefined;
  cause?: unknown;
}): ClusterctlError {
  const file = templateFileName(options.flavor);
  let hint: string;
  if (options.availableFiles === undefined) {
    hint = `Check the --flavor value, or pass a template with --from.`;
  } else {
    const flavors = templateFlavors(options.availableFiles);
    if (flavors.length === 0) {
      hint = `The ${options.providerLabel} ${options.version} release has no cluster templates; pass one with --from.`;
    } else {
      const names = flavors.map((f) => (f === '' ? '(default, no --flavor)' : f));
      hint = `Flavors available in ${options.providerLabel} ${options.version}: ${names.join(', ')}.`;
    }
  }
  return new ClusterctlError(
    'NOT_FOUND',
    `failed to read ${JSON.stringify(file)} from provider's repository ${JSON.stringify(options.providerLabel)}`,
    { hint, cause: options.cause },
  );
}

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

/** A processed template, the shape of clusterctl's repository.Template. */
export interface ClusterTemplate {
  /** Variable names, sorted. */
  variables: string[];
  /** Each variable's default; null when it has none (required). */
  variableMap: Record<string, string | null>;
  targetNamespace: string;
  /** Empty when only the variables were asked for (--list-variables). */
  objects: KubeObject[];
}

/** Name → default (null when required), as clusterctl's GetVariableMap builds it. */
export function variableMapOf(variables: readonly TemplateVariable[]): Record<string, string | null> {
  const map: Record<string, string | null> = {};
  for (const v of variables) {
    if (v.name in map) continue;
    map[v.name] = v.required || v.default === undefined || v.default === '' ? null : v.default;
  }
  return map;
}

/**
 * Moves the namespaced objects of a template into `namespace` (the same rewrite as for provider
 * components: subjects, webhook services, Certificate DNS names...).
 * @throws ClusterctlError INVALID_YAML naming the object that cannot be rewritten.
 */
export function setTargetNamespace(objects: readonly KubeObject[], namespace: string): KubeObject[] {
  try {
    return fixTargetNamespace(objects, namespace);
  } catch (error) {
    if (!(error instanceof ClusterctlError)) throw error;
    const context = 'failed to set the TargetNamespace in the template';
    const typed = error.cause;
    if (!(typed instanceof TypedConversionError) || typed.expected === '') throw error.withContext(context);
    // A field Go's type (ClusterRoleBinding, RoleBinding, webhook configuration, CRD) cannot hold:
    // say what it wants there, and how to fix the template (not a provider manifest).
    const field = typed.field === '' ? 'the object' : typed.field;
    throw new ClusterctlError('INVALID_YAML', `${context}: ${error.message}; ${typed.describe("Go's type")}`, {
      hint: conversionFix(typed, field),
      cause: typed,
    });
  }
}

/**
 * Builds a template as clusterctl's NewTemplate does: `objects` are the substituted and parsed
 * documents (omit them when only listing variables); when `targetNamespace` is set, the namespaced
 * objects are moved into it.
 */
export function newClusterTemplate(input: {
  variables: readonly TemplateVariable[];
  objects?: readonly KubeObject[] | undefined;
  targetNamespace: string;
}): ClusterTemplate {
  const variableMap = variableMapOf(input.variables);
  const objects = input.objects ?? [];
  return {
    variables: Object.keys(variableMap).sort(compareStrings),
    variableMap,
    targetNamespace: input.targetNamespace,
    objects:
      input.targetNamespace !== '' && objects.length > 0
        ? setTargetNamespace(objects, input.targetNamespace)
        : [...objects],
  };
}

/**
 * Merges templates the way clusterctl does: objects concatenated in order, variables united, each
 * default taken from the first template that gives one; when they target different namespaces the
 * result has none (""). Returns undefined for no templates.
 */
export function mergeTemplates(templates: ReadonlyArray<ClusterTemplate | undefined>): ClusterTemplate | undefined {
  const present = templates.filter((t): t is ClusterTemplate => t !== undefined);
  const first = present[0];
  if (!first) return undefined;
  const merged: ClusterTemplate = {
    variables: [],
    variableMap: {},
    targetNamespace: first.targetNamespace,
    objects: [],
  };
  const names = new Set<string>();
  for (const template of present) {
    for (const name of template.variables) names.add(name);
    for (const [name, value] of Object.entries(template.variableMap)) {
      if (merged.variableMap[name] === undefined || merged.variableMap[name] === null) merged.variableMap[name] = value;
    }
    // Templates for different namespaces (a ClusterClass elsewhere) merge into one with no single namespace.
    if (template.targetNamespace !== merged.targetNamespace) merged.targetNamespace = '';
    merged.objects.push(...template.objects);
  }
  merged.variables = [...names].sort(compareStrings);
  return merged;
}

// ---------------------------------------------------------------------------------------------
// ClusterClass auto-inclusion
// ---------------------------------------------------------------------------------------------

/** A ClusterClass referenced by a Cluster's topology. */
export interface ClusterClassRef {
  name: string;
  namespace: string;
}

const clusterGroup = 'cluster.x-k8s.io';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const stringAt = (obj: Record<string, unknown> | undefined, key: string): string =>
  typeof obj?.[key] === 'string' ? obj[key] : '';

/**
 * The ClusterClasses referenced by the template's Clusters, one entry per Cluster with a topology,
 * in order (duplicates kept, as clusterctl does). Like clusterctl, each v1beta2 or v1beta1 Cluster is
 * first read into Go's Cluster type, so a Cluster that type cannot hold is refused (other Cluster API
 * versions are ignored). A v1beta2 topology counts when it is not the zero value once read (unknown
 * fields do not count) and names `spec.topology.classRef.{name,namespace}`; a v1beta1 one counts
 * when present and names `spec.topology.class` and `classNamespace`. The namespace defaults to the
 * Cluster's.
 * @throws ClusterctlError INVALID_YAML naming the Cluster, the field, the type Go wants and the fix.
 */
export function clusterClassRefs(objects: readonly KubeObject[]): ClusterClassRef[] {
  const refs: ClusterClassRef[] = [];
  for (const obj of objects) {
    if (obj.kind !== 'Cluster' || apiGroupOf(obj.apiVersion) !== clusterGroup) continue;
    const version = apiVersionOf(obj.apiVersion);
    if (version !== 'v1beta2' && version !== 'v1beta1') continue;
    readAsGoCluster(obj);
    const spec = isObject(obj.spec) ? obj.spec : undefined;
    const topology = isObject(spec?.topology) ? spec.topology : undefined;
    const namespace = obj.metadata.namespace ?? '';
    if (version === 'v1beta2') {
      if (readsAsZero(topology, 'cluster/v1beta2.Topology')) continue;
      const classRef = isObject(topology?.classRef) ? topology.classRef : undefined;
      refs.push({ name: stringAt(classRef, 'name'), namespace: stringAt(classRef, 'namespace') || namespace });
    } else if (topology) {
      refs.push({ name: stringAt(topology, 'class'), namespace: stringAt(topology, 'classNamespace') || namespace });
    }
  }
  return refs;
}

/**
 * Reads a Cluster into Go's Cluster type as clusterctl does (the result is not kept: clusterctl
 * only looks at the topology).
 * @throws ClusterctlError INVALID_YAML when Go's conversion fails.
 */
function readAsGoCluster(obj: KubeObject): void {
  try {
    roundTripTyped(obj);
  } catch (error) {
    if (!(error instanceof TypedConversionError)) throw error;
    throw clusterConversionError(obj, error);
  }
}

function clusterConversionError(obj: KubeObject, error: TypedConversionError): ClusterctlError {
  const name = obj.metadata.name ?? '';
  const object = `Cluster ${obj.metadata.namespace ? `${obj.metadata.namespace}/${name}` : name} (${obj.apiVersion})`;
  const field = error.field === '' ? 'the object' : error.field;
  return new ClusterctlError(
    'INVALID_YAML',
    `failed to read ${object} from the template: ${error.describe("Go's Cluster type")}. clusterctl reads every Cluster of a repository ` +
      'template into its Cluster type (to find the ClusterClasses it uses) and refuses one it cannot read.',
    { hint: conversionFix(error, field), cause: error },
  );
}

/** How to fix the field, after the type Go wants there. */
function conversionFix(error: TypedConversionError, field: string): string {
  const key = field.slice(field.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
  if (error.expected === 'a list of strings' && error.found !== 'a list') {
    return (
      `Write ${key} as a list in the template, e.g. ${key}: ["\${VARIABLE}"] instead of ${key}: \${VARIABLE}, ` +
      'or give the variable a value in list form such as ["10.0.0.0/16"].'
    );
  }
  if (error.expected.startsWith('a list of') && error.found !== 'a list') {
    return `Write ${key} as a YAML list in the template (one "- " item per entry).`;
  }
  if (error.expected === 'a string') {
    return `Quote the value in the template (e.g. ${key}: "\${VARIABLE}") so that it stays a string.`;
  }
  if (error.expected === 'a whole number' || error.expected === 'true or false') {
    return `Write ${key} without quotes in the template (e.g. ${key}: \${VARIABLE}) and give it ${error.expected === 'true or false' ? 'the value true or false' : 'a whole number'}.`;
  }
  if (error.expected !== '') return `Give ${field} ${error.expected} in the template.`;
  return `Fix ${field} in the template.`;
}

/** Access to the management cluster, when it is reachable and Cluster API is installed. */
export interface ClusterClassLookup {
  /** Does ClusterClass `ref` already exist? */
  classExists(ref: ClusterClassRef): Promise<boolean>;
  /** Does this object (kind, apiVersion, namespace, name) already exist? */
  objectExists(obj: KubeObject): Promise<boolean>;
}

export interface ClusterClassDeps {
  /**
   * Reads `clusterclass-<name>.yaml` from the same repository and version as the template (overrides
   * first), substitutes and parses it; objects are omitted when only listing variables.
   */
  fetchClass(
    ref: ClusterClassRef,
  ): Promise<{ variables: readonly TemplateVariable[]; objects?: readonly KubeObject[] | undefined }>;
  /** Undefined when the management cluster is unreachable or Cluster API is not installed. */
  cluster?: ClusterClassLookup | undefined;
}

function gvkString(obj: KubeObject): string {
  return `${apiGroupOf(obj.apiVersion)}/${apiVersionOf(obj.apiVersion)}, Kind=${obj.kind}`;
}

/**
 * Adds the definitions of the ClusterClasses the template's Clusters use and the cluster lacks,
 * rendered before the template's own objects (the Cluster depends on its class). When the cluster
 * is reachable, a class that exists is skipped, and a class whose objects partly exist is an error.
 * @throws ClusterctlError CONFLICT when an object of a class to add already exists, or the
 *   error of `fetchClass` with context.
 */
export async function addClusterClassIfMissing(
  template: ClusterTemplate,
  deps: ClusterClassDeps,
): Promise<ClusterTemplate> {
  const refs = clusterClassRefs(template.objects);
  if (refs.length === 0) return template;

  const classTemplates: ClusterTemplate[] = [];
  for (const ref of refs) {
    if (deps.cluster && (await deps.cluster.classExists(ref))) continue;
    let fetched: Awaited<ReturnType<ClusterClassDeps['fetchClass']>>;
    try {
      fetched = await deps.fetchClass(ref);
    } catch (error) {
      const context = `failed to get the cluster class template for ${JSON.stringify(`${ref.namespace}/${ref.name}`)}`;
      if (error instanceof ClusterctlError) throw error.withContext(context);
      throw new ClusterctlError('INTERNAL', `${context}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    const classTemplate = newClusterTemplate({ ...fetched, targetNamespace: ref.namespace });
    if (deps.cluster) {
      for (const obj of classTemplate.objects) {
        if (await deps.cluster.objectExists(obj)) {
          const key = obj.metadata.namespace
            ? `${obj.metadata.namespace}/${obj.metadata.name ?? ''}`
            : (obj.metadata.name ?? '');
          throw new ClusterctlError('CONFLICT', `${key}(${gvkString(obj)}) already exists in the cluster`, {
            hint:
              `ClusterClass ${ref.name} is not in namespace ${ref.namespace} but some of its objects are: ` +
              `delete them or create the ClusterClass yourself before running generate cluster.`,
          });
        }
      }
    }
    classTemplates.push(classTemplate);
  }

  return mergeTemplates([mergeTemplates(classTemplates), template]) ?? template;
}

// ---------------------------------------------------------------------------------------------
// Variables clusterctl defines for generate cluster
// ---------------------------------------------------------------------------------------------

export interface ClusterTemplateVariableOptions {
  clusterName: string;
  /** -n, or the current namespace of the kubeconfig. */
  targetNamespace: string;
  /** --kubernetes-version; empty or undefined when not given. */
  kubernetesVersion?: string | undefined;
  /** --control-plane-machine-count, only when the flag was given. */
  controlPlaneMachineCount?: number | bigint | undefined;
  /** --worker-machine-count, only when the flag was given. */
  workerMachineCount?: number | bigint | undefined;
  /** The normal variable lookup (environment, then clusterctl.yaml). */
  lookup: VariableLookup;
}

export interface ClusterTemplateVariables {
  /** The lookup to substitute templates with: the values below first, then the normal lookup. */
  lookup: VariableLookup;
  /** The values clusterctl sets itself. KUBERNETES_VERSION only when the flag was given. */
  values: Record<string, string>;
}

/**
 * Validates the generate-cluster options and builds the variables clusterctl injects, in its order
 * and with its precedence: NAMESPACE and CLUSTER_NAME always come from the options (an environment
 * variable NAMESPACE is ignored); KUBERNETES_VERSION from the flag when given, else the normal
 * lookup; the machine counts from the flag, else the normal lookup, else 1 and 0, and are always set.
 * @throws ClusterctlError INVALID_ARGUMENT naming the flag or variable that is wrong.
 */
export function clusterTemplateVariables(options: ClusterTemplateVariableOptions): ClusterTemplateVariables {
  validateTargetNamespace(options.targetNamespace);
  validateClusterName(options.clusterName);
  const values: Record<string, string> = { NAMESPACE: options.targetNamespace, CLUSTER_NAME: options.clusterName };

  const kubernetesVersion = options.kubernetesVersion ?? '';
  if (kubernetesVersion !== '') {
    validateKubernetesVersion(kubernetesVersion);
    values.KUBERNETES_VERSION = kubernetesVersion;
  }

  const controlPlane = machineCount(
    'CONTROL_PLANE_MACHINE_COUNT',
    options.controlPlaneMachineCount,
    1n,
    options.lookup,
  );
  validateControlPlaneMachineCount(controlPlane.count, controlPlane.source);
  values.CONTROL_PLANE_MACHINE_COUNT = controlPlane.count.toString();

  const workers = machineCount('WORKER_MACHINE_COUNT', options.workerMachineCount, 0n, options.lookup);
  validateWorkerMachineCount(workers.count, workers.source);
  values.WORKER_MACHINE_COUNT = workers.count.toString();

  const base = options.lookup;
  return { values, lookup: (name) => (Object.hasOwn(values, name) ? values[name] : base(name)) };
}

function machineCount(
  name: string,
  flag: number | bigint | undefined,
  fallback: bigint,
  lookup: VariableLookup,
): { count: bigint; source: 'flag' | 'variable' } {
  if (flag !== undefined) return { count: BigInt(flag), source: 'flag' };
  const value = lookup(name);
  if (value === undefined) return { count: fallback, source: 'variable' };
  return { count: parseMachineCountVariable(name, value), source: 'variable' };
}

// ---------------------------------------------------------------------------------------------
// --list-variables
// ---------------------------------------------------------------------------------------------

export interface ListVariablesOptions {
  clusterName: string;
  /** The -n flag as given ("" when not given: the value then comes from the kubeconfig). */
  targetNamespace?: string | undefined;
  kubernetesVersion?: string | undefined;
  controlPlaneMachineCount?: number | bigint | undefined;
  workerMachineCount?: number | bigint | undefined;
  /** Environment variables only (clusterctl reads them with os.LookupEnv here, not clusterctl.yaml). */
  env: VariableLookup;
}

/**
 * The text of `generate cluster --list-variables`, byte for byte as clusterctl prints it: the
 * required variables, then (after a blank line) the optional ones with their defaults aligned like
 * Go's tabwriter, then a blank line. Template defaults are quoted like Go's %q (unless they already
 * start with a quote); the variables clusterctl fills in itself show their effective value unquoted.
 */
export function formatClusterTemplateVariables(
  variableMap: Readonly<Record<string, string | null>>,
  options: ListVariablesOptions,
): string {
  const values = new Map<string, string | null>();
  for (const [name, value] of Object.entries(variableMap)) {
    let v = value;
    if (v !== null && v.length > 0 && !v.startsWith('"')) v = goQuote(v);
    switch (name) {
      case 'CLUSTER_NAME':
        v = options.clusterName;
        break;
      case 'NAMESPACE':
        v = options.targetNamespace ? options.targetNamespace : 'current Namespace in the KubeConfig file';
        break;
      case 'CONTROL_PLANE_MACHINE_COUNT':
        v = (options.controlPlaneMachineCount ?? options.env(name) ?? '1').toString();
        break;
      case 'WORKER_MACHINE_COUNT':
        v = (options.workerMachineCount ?? options.env(name) ?? '0').toString();
        break;
      case 'KUBERNETES_VERSION':
        if (options.kubernetesVersion) v = options.kubernetesVersion;
        else if (options.env('KUBERNETES_VERSION') !== undefined) v = options.env('KUBERNETES_VERSION') ?? null;
        break;
    }
    values.set(name, v);
  }

  const required = [...values]
    .filter(([, v]) => v === null)
    .map(([name]) => name)
    .sort(compareStrings);
  const optional = [...values]
    .filter(([, v]) => v !== null)
    .map(([name]) => name)
    .sort(compareStrings);

  let out = '';
  if (required.length > 0) out += `Required Variables:\n${required.map((name) => `  - ${name}\n`).join('')}`;
  if (optional.length > 0) {
    out += '\nOptional Variables:\n';
    out += alignColumns(
      optional.map((name) => `  - ${name}\t(defaults to ${values.get(name) ?? ''})\n`).join(''),
      0,
      2,
    );
  }
  return `${out}\n`;
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const shortEscapes: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** Go's strconv.Quote: a double-quoted string with Go escapes for quotes, backslashes and non-printable characters. */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    if (ch === '"' || ch === '\\') {
      out += `\\${ch}`;
      continue;
    }
    if (printable.test(ch)) {
      out += ch;
      continue;
    }
    const short = shortEscapes[ch];
    if (short !== undefined) {
      out += short;
      continue;
    }
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** The text of `generate yaml --list-variables`: `Variables:` and one line per name, or an empty line. */
export function formatYamlVariables(names: readonly string[]): string {
  if (names.length === 0) return '\n';
  return `Variables:\n${names.map((name) => `  - ${name}\n`).join('')}`;
}

/**
 * Column alignment as Go's text/tabwriter does it with a space pad character: tab-terminated cells
 * of consecutive lines form a column block padded to the widest cell plus `padding` (at least
 * `minWidth`); the text after the last tab of a line is not aligned. Widths count characters.
 */
function alignColumns(text: string, minWidth: number, padding: number): string {
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((line) => line.split('\t'));
  const widths: number[][] = lines.map(() => []);
  const width = (cell: string): number => [...cell].length;

  const format = (line0: number, line1: number, column: number): void => {
    for (let current = line0; current < line1; current++) {
      if (column >= (lines[current]?.length ?? 0) - 1) continue;
      const blockStart = current;
      let w = minWidth;
      for (; current < line1; current++) {
        const cells = lines[current] ?? [];
        if (column >= cells.length - 1) break;
        w = Math.max(w, width(cells[column] ?? '') + padding);
      }
      for (let i = blockStart; i < current; i++) (widths[i] as number[])[column] = w;
      format(blockStart, current, column + 1);
      current--;
    }
  };
  format(0, lines.length, 0);

  const out = lines.map((cells, i) =>
    cells
      .map((cell, column) => {
        if (column === cells.length - 1) return cell;
        const w = widths[i]?.[column] ?? 0;
        return cell + ' '.repeat(Math.max(0, w - width(cell)));
      })
      .join(''),
  );
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
