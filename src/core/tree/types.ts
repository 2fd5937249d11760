/**
 * The data `describe cluster` returns: the object tree of one Cluster API cluster, already grouped,
 * filtered and ordered as the Go clusterctl shows it, with every column value the printer needs.
 * It is also what `-o json|yaml` prints.
 */

/** A condition as read from an object (v1beta2 shape; `severity` only in the v1beta1 view). */
export interface TreeCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
  /** RFC 3339; empty when the object does not say. */
  lastTransitionTime: string;
  severity?: string;
}

/** Which conditions a row lists under itself (`--show-conditions`). */
export type ConditionFilter = '' | 'All' | 'NonZero';

export interface DescribeNode {
  apiVersion: string;
  kind: string;
  namespace: string;
  /** Empty for a group of objects (see `group.items`). */
  name: string;
  /** The row label without the tree prefix, e.g. `ClusterInfrastructure - DockerCluster/c1`, `3 Machines...`, `Workers`. */
  displayName: string;
  /** e.g. ControlPlane, ClusterInfrastructure, MachineInfrastructure, BootstrapConfig, Templates. */
  metaName?: string;
  /** Not a Kubernetes object: Workers, Other, Templates, ClusterResourceSets, a group of machines, a template reference. */
  virtual: boolean;
  /** The object has a deletionTimestamp. */
  deleting: boolean;
  /** Set when this row stands for several sibling objects with the same Available/Ready/UpToDate state. */
  group?: { items: string[] };
  /** Column values (`REPLICAS` is `current/desired`, or `1` for a Machine); absent means an empty cell. */
  replicas?: string;
  available?: string;
  ready?: string;
  upToDate?: string;
  /** The condition summarised on the row (Available for Cluster, MachineDeployment and control plane, else Ready). */
  condition?: TreeCondition;
  /** Replaces the condition message on the row (groups: `See m1, m2, ...`). */
  note?: string;
  /** When set, the row's own condition columns are left empty and `conditions` are listed under it. */
  showConditions?: Exclude<ConditionFilter, ''>;
  conditions?: TreeCondition[];
  children: DescribeNode[];
}

export interface DescribeResult {
  /** `v1beta2` (Available/Ready/UpToDate) or the deprecated `v1beta1` Ready/Severity view. */
  conditionsVersion: 'v1beta2' | 'v1beta1';
  cluster: { namespace: string; name: string };
  tree: DescribeNode;
}
