/**
 * Turns the object tree into the describe view model: one DescribeNode per row, children in print
 * order (z-order first, then row name), and the column values the Go clusterctl derives per kind
 * (replica counters, the condition summarised on the row, group counters and `See ...` notes).
 */
import { pluralize } from '../repository/pluralize.js';
import {
  availableOf,
  compareStrings,
  fieldAt,
  readyOf,
  upToDateOf,
  v1beta1ReadyOf,
  type ObjectTree,
  type TreeObject,
} from './object-tree.js';
import type { DescribeNode, TreeCondition } from './types.js';

/** Conditions where True is the bad state. */
const negativePolarityConditions = new Set([
  'Paused',
  'Deleting',
  'RollingOut',
  'ScalingUp',
  'ScalingDown',
  'Updating',
  'Remediating',
]);

export function isNegativePolarity(type: string): boolean {
  return negativePolarityConditions.has(type);
}

/** A condition that says nothing worth showing in a `+` (non-zero) listing. */
export function isZeroCondition(c: TreeCondition): boolean {
  const positive = !isNegativePolarity(c.type);
  if (c.status === 'False' && positive) return false;
  if (c.status === 'Unknown') return false;
  if (c.status === 'True' && !positive) return false;
  return c.message === '';
}

/** The row label, as the Go tool writes it (without colours). */
function rowName(o: TreeObject): string {
  if (o.groupObject) {
    return `${o.groupItems.length} ${pluralize(o.kind.endsWith('Group') ? o.kind.slice(0, -'Group'.length) : o.kind)}...`;
  }
  if (o.virtual) return o.metaName || o.name;
  let name = `${o.kind}/${o.name}`;
  if (o.metaName) name = `${o.metaName} - ${name}`;
  if (o.deleting) name = `!! DELETED !! ${name}`;
  return name;
}

function int(obj: unknown, ...path: string[]): number | undefined {
  const v = fieldAt(obj, ...path);
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

const sum = (...values: (number | undefined)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);
const anyDefined = (...values: (number | undefined)[]) => values.some((v) => v !== undefined);

/** Fills the columns of a v1beta2 row. */
function describeRow(o: TreeObject, node: DescribeNode): void {
  const obj = o.object;
  switch (o.flavour) {
    case 'Cluster': {
      const cp = (k: string) => int(obj, 'status', 'controlPlane', k);
      const w = (k: string) => int(obj, 'status', 'workers', k);
      if (anyDefined(cp('desiredReplicas'), w('desiredReplicas'), cp('replicas'), w('replicas'))) {
        node.replicas = `${sum(cp('replicas'), w('replicas'))}/${sum(cp('desiredReplicas'), w('desiredReplicas'))}`;
      }
      for (const [column, key] of [
        ['available', 'availableReplicas'],
        ['ready', 'readyReplicas'],
        ['upToDate', 'upToDateReplicas'],
      ] as const) {
        if (anyDefined(cp(key), w(key))) node[column] = String(sum(cp(key), w(key)));
      }
      node.condition = availableOf(o);
      break;
    }
    case 'MachineDeployment':
    case 'MachineSet': {
      const desired = int(obj, 'spec', 'replicas');
      if (desired !== undefined) node.replicas = `${int(obj, 'status', 'replicas') ?? 0}/${desired}`;
      for (const [column, key] of [
        ['available', 'availableReplicas'],
        ['ready', 'readyReplicas'],
        ['upToDate', 'upToDateReplicas'],
      ] as const) {
        const v = int(obj, 'status', key);
        if (v !== undefined) node[column] = String(v);
      }
      if (o.flavour === 'MachineDeployment') node.condition = availableOf(o);
      break;
    }
    case 'Machine': {
      node.replicas = '1';
      node.available = availableOf(o)?.status === 'True' ? '1' : '0';
      const ready = readyOf(o);
      node.condition = ready;
      node.ready = ready?.status === 'True' ? '1' : '0';
      node.upToDate = upToDateOf(o)?.status === 'True' ? '1' : '0';
      break;
    }
    case 'MachinePool':
      // The Go tool shows no columns for MachinePools.
      break;
    case 'unstructured': {
      node.condition = readyOf(o);
      if (o.contract === 'ControlPlane') {
        node.condition = availableOf(o) ?? node.condition;
        const current = int(obj, 'status', 'replicas');
        const desired = int(obj, 'spec', 'replicas');
        if (current !== undefined && desired !== undefined) node.replicas = `${current}/${desired}`;
        const upToDateField = o.contractVersion === 'v1beta1' ? 'updatedReplicas' : 'upToDateReplicas';
        for (const [column, key] of [
          ['available', 'availableReplicas'],
          ['ready', 'readyReplicas'],
          ['upToDate', upToDateField],
        ] as const) {
          const v = int(obj, 'status', key);
          if (v !== undefined) node[column] = String(v);
        }
      }
      break;
    }
    case 'virtual':
      if (o.groupObject) {
        node.ready = String(o.counters.ready);
        node.available = String(o.counters.available);
        node.upToDate = String(o.counters.upToDate);
      }
      node.condition = readyOf(o);
      break;
  }
}

function groupNote(o: TreeObject): string | undefined {
  if (!o.groupObject) return undefined;
  const items = [...o.groupItems].sort(compareStrings);
  return items.length <= 2 ? `See ${items.join(', ')}` : `See ${items.slice(0, 2).join(', ')}, ...`;
}

function byTypeThenOrder(a: TreeCondition, b: TreeCondition): number {
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

function toNode(tree: ObjectTree, o: TreeObject): DescribeNode {
  const node: DescribeNode = {
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.namespace,
    // A group's own name is an internal random key: the data gives its members instead.
    name: o.groupObject ? '' : o.name,
    displayName: rowName(o),
    virtual: o.virtual,
    deleting: o.deleting,
    children: [],
  };
  // Children go last, so the row's own fields come first in -o json|yaml.
  delete (node as Partial<DescribeNode>).children;
  if (o.metaName) node.metaName = o.metaName;
  if (o.groupObject) node.group = { items: [...o.groupItems].sort(compareStrings) };
  if (tree.options.v1beta1) {
    node.condition = v1beta1ReadyOf(o);
    if (o.showConditions) {
      node.showConditions = o.showConditions;
      node.conditions = o.v1beta1Conditions.filter((c) => c.type !== 'Ready').sort(byTypeThenOrder);
    }
  } else {
    describeRow(o, node);
    if (o.showConditions) {
      node.showConditions = o.showConditions;
      node.conditions =
        o.showConditions === 'NonZero'
          ? o.conditions.filter((c) => c.type === 'Available' || c.type === 'Ready' || !isZeroCondition(c))
          : [...o.conditions];
    }
  }
  if (!node.condition) delete node.condition;
  else node.condition = { ...node.condition };
  const note = groupNote(o);
  if (note !== undefined) node.note = note;
  node.children = orderChildren(tree.childrenOf(o.uid)).map((child) => toNode(tree, child));
  return node;
}

/** Print order of siblings: higher z-order first, then by row name. */
function orderChildren(children: TreeObject[]): TreeObject[] {
  const named = children.map((o) => ({ o, name: rowName(o) }));
  named.sort((a, b) => b.o.zOrder - a.o.zOrder || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return named.map((n) => n.o);
}

export function toDescribeNode(tree: ObjectTree): DescribeNode {
  return toNode(tree, tree.root);
}
