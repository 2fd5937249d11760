/**
 * The object tree behind `describe cluster`, with the Go clusterctl's rules for adding a node:
 * echo suppression (a machine's infrastructure or bootstrap object is hidden when it only repeats
 * the machine's state), grouping (siblings under a grouping node with the same Available, Ready and
 * UpToDate status and reason collapse into one `N Machines...` node with counters) and the
 * `--show-conditions` filter. Nodes are keyed by UID as in the Go tool, so a node added twice (the
 * Workers node) stays one node.
 */
import type { KubeObject } from '../../types.js';
import type { ConditionFilter, TreeCondition } from './types.js';

/**
 * How the Go tool sees an object: the core Cluster API kinds are typed (conditions in
 * `status.conditions`, legacy ones in `status.deprecated.v1beta1.conditions`), provider objects
 * are unstructured (conditions in `status.v1beta2.conditions` or `status.conditions`, legacy ones in
 * `status.conditions`), virtual nodes carry their own.
 */
export type ObjectFlavour =
  'Cluster' | 'MachineDeployment' | 'MachineSet' | 'Machine' | 'MachinePool' | 'unstructured' | 'virtual';

export interface TreeObject {
  uid: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  flavour: ObjectFlavour;
  object?: KubeObject;
  deleting: boolean;
  conditions: TreeCondition[];
  v1beta1Conditions: TreeCondition[];
  metaName?: string;
  zOrder: number;
  virtual: boolean;
  /** Children added under this node are grouped (when grouping is on). */
  groupingObject: boolean;
  /** This node is the result of grouping. */
  groupObject: boolean;
  /** Names of the grouped objects (in no order; readers sort them). */
  groupItems: string[];
  counters: { available: number; ready: number; upToDate: number };
  showConditions: ConditionFilter;
  /** `ControlPlane` for an object that follows the control plane contract. */
  contract?: string;
  contractVersion?: string;
}

export interface ObjectTreeOptions {
  showOtherConditions: string;
  echo: boolean;
  grouping: boolean;
  /** The deprecated v1beta1 view (`--v1beta2=false`). */
  v1beta1: boolean;
  /** Source of the random part of group node names (the Go tool uses 6 random characters). */
  randomSuffix?: () => string;
  /** Clock for conditions the tree itself creates. */
  now?: () => Date;
}

export interface AddOptions {
  metaName?: string;
  groupingObject?: boolean;
  noEcho?: boolean;
  zOrder?: number;
}

const virtualGroupVersion = 'virtual.cluster.x-k8s.io/v1beta2';

// ---------------------------------------------------------------------------------------------
// Reading conditions
// ---------------------------------------------------------------------------------------------

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The value at a path of plain JSON, or undefined. */
export function fieldAt(obj: unknown, ...path: string[]): unknown {
  let current: unknown = obj;
  for (const key of path) {
    const record = asRecord(current);
    if (!record) return undefined;
    current = record[key];
  }
  return current;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function parseConditions(value: unknown, withSeverity: boolean): TreeCondition[] {
  if (!Array.isArray(value)) return [];
  const out: TreeCondition[] = [];
  for (const item of value) {
    const c = asRecord(item);
    if (!c) continue;
    const condition: TreeCondition = {
      type: str(c.type),
      status: str(c.status),
      reason: str(c.reason),
      message: str(c.message),
      lastTransitionTime: str(c.lastTransitionTime),
    };
    if (withSeverity) condition.severity = str(c.severity);
    out.push(condition);
  }
  return out;
}

/** v1beta2 conditions as the Go tool reads them for an object of the given flavour. */
function readConditions(obj: KubeObject, flavour: ObjectFlavour): TreeCondition[] {
  if (flavour === 'unstructured') {
    const v1beta2 = fieldAt(obj, 'status', 'v1beta2', 'conditions');
    if (Array.isArray(v1beta2)) return parseConditions(v1beta2, false);
  }
  return parseConditions(fieldAt(obj, 'status', 'conditions'), false);
}

/** Legacy (v1beta1) conditions: typed objects keep them under status.deprecated.v1beta1. */
function readV1beta1Conditions(obj: KubeObject, flavour: ObjectFlavour): TreeCondition[] {
  const path =
    flavour === 'unstructured' ? ['status', 'conditions'] : ['status', 'deprecated', 'v1beta1', 'conditions'];
  return parseConditions(fieldAt(obj, ...path), true);
}

function find(conditions: readonly TreeCondition[], type: string): TreeCondition | undefined {
  return conditions.find((c) => c.type === type);
}

export const readyOf = (o: TreeObject) => find(o.conditions, 'Ready');
export const availableOf = (o: TreeObject) => find(o.conditions, 'Available');
/** The Go tool reads UpToDate only from typed objects and virtual nodes, never from provider objects. */
export const upToDateOf = (o: TreeObject) =>
  o.flavour === 'unstructured' ? undefined : find(o.conditions, 'UpToDate');
export const v1beta1ReadyOf = (o: TreeObject) => find(o.v1beta1Conditions, 'Ready');

function sameStatusAndReason(a: TreeCondition | undefined, b: TreeCondition | undefined): boolean {
  if (!a || !b) return a === b;
  return a.status === b.status && a.reason === b.reason;
}

function sameV1beta1Ready(a: TreeCondition | undefined, b: TreeCondition | undefined): boolean {
  if (!a || !b) return a === b;
  return a.status === b.status && a.severity === b.severity && a.reason === b.reason;
}

function sameV1beta2State(a: TreeObject, b: TreeObject): boolean {
  return (
    sameStatusAndReason(availableOf(a), availableOf(b)) &&
    sameStatusAndReason(readyOf(a), readyOf(b)) &&
    sameStatusAndReason(upToDateOf(a), upToDateOf(b))
  );
}

function timeOf(c: TreeCondition | undefined): number {
  if (!c || !c.lastTransitionTime) return Number.NEGATIVE_INFINITY;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** The earlier lastTransitionTime of two conditions (a missing time counts as the earliest). */
function minTransitionTime(a: TreeCondition | undefined, b: TreeCondition | undefined): string {
  if (!a && !b) return '';
  if (a && !b) return a.lastTransitionTime;
  if (!a) return b!.lastTransitionTime;
  return timeOf(a) > timeOf(b) ? b!.lastTransitionTime : a.lastTransitionTime;
}

// ---------------------------------------------------------------------------------------------
// --show-conditions
// ---------------------------------------------------------------------------------------------

const showNonZeroSuffix = '+';

function equalFold(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function trimSuffix(s: string, suffix: string): string {
  return s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
}

/** Which conditions to list for an object: `all`, `Kind` or `Kind/name`, with `+` for non-zero only. */
export function conditionFilterFor(kind: string, name: string, filters: string): ConditionFilter {
  if (filters === '') return '';
  for (const filter of filters.split(',')) {
    if (filter === '') continue;
    const pick = (token: string): ConditionFilter => (token.endsWith(showNonZeroSuffix) ? 'NonZero' : 'All');
    if (equalFold('all', trimSuffix(filter, showNonZeroSuffix))) return pick(filter);
    const kn = filter.split('/');
    if (kn.length === 2) {
      if (equalFold(kind, kn[0]!) && equalFold(name, trimSuffix(kn[1]!, showNonZeroSuffix))) return pick(kn[1]!);
      continue;
    }
    if (equalFold(kind, trimSuffix(kn[0]!, showNonZeroSuffix))) return pick(kn[0]!);
  }
  return '';
}

// ---------------------------------------------------------------------------------------------
// Nodes
// ---------------------------------------------------------------------------------------------

function blankNode(fields: Pick<TreeObject, 'uid' | 'apiVersion' | 'kind' | 'name' | 'namespace'>): TreeObject {
  return {
    ...fields,
    flavour: 'virtual',
    deleting: false,
    conditions: [],
    v1beta1Conditions: [],
    zOrder: 0,
    virtual: false,
    groupingObject: false,
    groupObject: false,
    groupItems: [],
    counters: { available: 0, ready: 0, upToDate: 0 },
    showConditions: '',
  };
}

/** A node that stands for no Kubernetes object (Workers, Other, Templates, groups). */
export function virtualObject(namespace: string, kind: string, name: string): TreeObject {
  const node = blankNode({
    uid: `${virtualGroupVersion}, Kind=${kind}, ${namespace}/${name}`,
    apiVersion: virtualGroupVersion,
    kind,
    name,
    namespace,
  });
  node.virtual = true;
  return node;
}

/** A node for an object known only by reference (templates, ClusterResourceSets); never read. */
export function referenceObject(ref: {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}): TreeObject {
  return blankNode({ uid: `${ref.apiVersion}, Kind=${ref.kind}, ${ref.namespace}/${ref.name}`, ...ref });
}

/** A node for an object read from the API server. */
export function apiObject(obj: KubeObject, flavour: Exclude<ObjectFlavour, 'virtual'>): TreeObject {
  const meta = obj.metadata;
  const node = blankNode({
    uid: meta.uid ?? `${obj.apiVersion}, Kind=${obj.kind}, ${meta.namespace ?? ''}/${meta.name ?? ''}`,
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: meta.name ?? '',
    namespace: meta.namespace ?? '',
  });
  node.flavour = flavour;
  node.object = obj;
  node.deleting = Boolean(meta.deletionTimestamp);
  node.conditions = readConditions(obj, flavour);
  node.v1beta1Conditions = readV1beta1Conditions(obj, flavour);
  return node;
}

const randomCharset = 'abcdefghijklmnopqrstuvwxyz0123456789';

function defaultRandomSuffix(): string {
  let out = '';
  for (let i = 0; i < 6; i++) out += randomCharset[Math.floor(Math.random() * randomCharset.length)];
  return out;
}

export class ObjectTree {
  readonly root: TreeObject;
  readonly options: ObjectTreeOptions;
  private readonly items = new Map<string, TreeObject>();
  private readonly ownership = new Map<string, Set<string>>();
  private readonly parentship = new Map<string, string>();

  constructor(root: TreeObject, options: ObjectTreeOptions) {
    this.root = root;
    this.options = options;
    root.showConditions = conditionFilterFor(root.kind, root.name, options.showOtherConditions);
  }

  /** Adds obj under parent; returns whether it was added and whether it is visible as itself (not merged in a group). */
  add(
    parent: TreeObject | undefined,
    obj: TreeObject | undefined,
    opts: AddOptions = {},
  ): { added: boolean; visible: boolean } {
    if (!parent || !obj) return { added: false, visible: false };
    const v1beta1 = this.options.v1beta1;

    obj.showConditions = conditionFilterFor(obj.kind, obj.name, this.options.showOtherConditions);

    if (opts.noEcho && !this.options.echo) {
      if (v1beta1) {
        const ready = v1beta1ReadyOf(obj);
        if (ready?.status === 'True' || sameV1beta1Ready(v1beta1ReadyOf(parent), ready)) {
          return { added: false, visible: false };
        }
      } else {
        const ready = readyOf(obj);
        if (ready?.status === 'True' || sameStatusAndReason(readyOf(parent), ready)) {
          return { added: false, visible: false };
        }
      }
    }

    if (opts.metaName) obj.metaName = opts.metaName;
    obj.zOrder = opts.zOrder ?? 0;

    if (parent.groupingObject) {
      // Objects of one kind end up next to each other; a group only ever merges one kind.
      const siblings = this.childrenOf(parent.uid).sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
      for (const s of siblings) {
        const same = v1beta1 ? sameV1beta1Ready(v1beta1ReadyOf(obj), v1beta1ReadyOf(s)) : sameV1beta2State(obj, s);
        if (!same) continue;
        if (s.groupObject) {
          if (s.kind === `${obj.kind}Group`) {
            this.updateGroup(s, obj);
            return { added: true, visible: false };
          }
        } else if (s.kind !== obj.kind) {
          continue;
        }
        const group = this.createGroup(s, obj);
        group.zOrder = obj.zOrder;
        this.addInner(parent, group);
        this.remove(parent, s);
        return { added: true, visible: false };
      }
    }

    if (opts.groupingObject && this.options.grouping) obj.groupingObject = true;
    this.addInner(parent, obj);
    return { added: true, visible: true };
  }

  private now(): string {
    const d = this.options.now?.() ?? new Date();
    return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  private createGroup(sibling: TreeObject, obj: TreeObject): TreeObject {
    const kind = `${obj.kind}Group`;
    const random = (this.options.randomSuffix ?? defaultRandomSuffix)();
    let uidName: string;
    if (this.options.v1beta1) {
      const ready = v1beta1ReadyOf(obj);
      uidName = ready ? `zz_${ready.status}_${ready.severity ?? ''}_${ready.reason}_${random}` : `zzz_${random}`;
    } else {
      const ready = readyOf(obj);
      uidName = ready ? `zz_${ready.status}_${ready.reason}_${random}` : `zzz_${random}`;
    }
    const group = virtualObject(obj.namespace, kind, uidName);
    group.groupObject = true;
    group.groupItems = [obj.name, sibling.name].sort(compareStrings);

    if (this.options.v1beta1) {
      const ready = v1beta1ReadyOf(obj);
      if (ready) {
        const ltt = minTransitionTime(ready, v1beta1ReadyOf(sibling));
        group.v1beta1Conditions = [{ ...ready, message: '', lastTransitionTime: ltt || this.now() }];
      }
      return group;
    }

    const available = availableOf(obj);
    const ready = readyOf(obj);
    const upToDate = upToDateOf(obj);
    // Conditions the tree sets without a transition time get "now", as the Go tool's condition setter does.
    if (available) {
      group.conditions.push({ ...available, message: '', lastTransitionTime: this.now() });
      if (available.status === 'True') group.counters.available = 2;
    }
    if (ready) {
      const ltt = minTransitionTime(ready, readyOf(sibling));
      group.conditions.push({ ...ready, message: '', lastTransitionTime: ltt || this.now() });
      if (ready.status === 'True') group.counters.ready = 2;
    }
    if (upToDate) {
      group.conditions.push({ ...upToDate, message: '', lastTransitionTime: this.now() });
      if (upToDate.status === 'True') group.counters.upToDate = 2;
    }
    return group;
  }

  private updateGroup(group: TreeObject, obj: TreeObject): void {
    group.groupItems.push(obj.name);
    // The v1beta1 view keeps the group's first transition time; the v1beta2 view keeps the earliest.
    if (this.options.v1beta1) return;
    const available = availableOf(obj);
    const ready = readyOf(obj);
    const upToDate = upToDateOf(obj);
    if (available?.status === 'True') group.counters.available++;
    const groupReady = readyOf(group);
    if (groupReady) groupReady.lastTransitionTime = minTransitionTime(ready, groupReady);
    if (ready?.status === 'True') group.counters.ready++;
    if (upToDate?.status === 'True') group.counters.upToDate++;
  }

  private remove(parent: TreeObject, s: TreeObject): void {
    for (const child of this.childrenOf(s.uid)) this.remove(s, child);
    this.items.delete(s.uid);
    this.ownership.get(parent.uid)?.delete(s.uid);
    this.parentship.delete(s.uid);
  }

  private addInner(parent: TreeObject, obj: TreeObject): void {
    this.items.set(obj.uid, obj);
    let children = this.ownership.get(parent.uid);
    if (!children) {
      children = new Set();
      this.ownership.set(parent.uid, children);
    }
    children.add(obj.uid);
    this.parentship.set(obj.uid, parent.uid);
  }

  /** Whether a node is (still) in the tree: false once merged into a group. */
  has(uid: string): boolean {
    return this.items.has(uid);
  }

  /** The children of a node, in no particular order. */
  childrenOf(uid: string): TreeObject[] {
    const out: TreeObject[] = [];
    for (const id of this.ownership.get(uid) ?? []) {
      const item = this.items.get(id);
      if (item) out.push(item);
    }
    return out;
  }
}

/** Byte-wise string order, as Go's sort.Strings. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
