/**
 * Field ownership of objects clusterctl writes. A fresh install creates objects (operation Update,
 * as the Go tool does); later runs server-side apply them. Under one manager name, an Update entry
 * and an Apply entry are two owners, so fields dropped from a new manifest would stay, owned by the
 * Update entry. Before applying, the Update entry of our manager is turned into (or merged into) its
 * Apply entry: the apply then owns every field we wrote and removes those the manifest no longer has.
 * Objects the Go tool installed (also operation Update, manager `clusterctl`) are adopted the same way.
 */

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  [key: string]: unknown;
}

/** Deep union of two fieldsV1 trees (objects keyed `f:`, `k:`, `v:`, `i:` and `.`). */
function unionFields(a: unknown, b: unknown): unknown {
  if (!isObject(a)) return b ?? a;
  if (!isObject(b)) return a;
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = key in out ? unionFields(out[key], value) : value;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The managedFields to write so that `manager`'s Update entry (main resource, not a subresource)
 * becomes part of its Apply entry; undefined when there is no such Update entry (nothing to do).
 */
export function adoptUpdateOwnership(
  managedFields: readonly unknown[] | undefined,
  manager: string,
): unknown[] | undefined {
  const entries = (managedFields ?? []).filter(isObject) as ManagedFieldsEntry[];
  const ours = (e: ManagedFieldsEntry, operation: string) =>
    e.manager === manager && e.operation === operation && !e.subresource && e.fieldsType === 'FieldsV1';
  const update = entries.find((e) => ours(e, 'Update'));
  if (!update) return undefined;
  const apply = entries.find((e) => ours(e, 'Apply'));
  const merged: ManagedFieldsEntry = apply
    ? { ...apply, fieldsV1: unionFields(apply.fieldsV1, update.fieldsV1) }
    : { ...update, operation: 'Apply' };
  return entries.filter((e) => e !== update && e !== apply).concat(merged);
}
