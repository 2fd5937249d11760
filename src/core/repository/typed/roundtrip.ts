/**
 * Emulates what happens to an object when clusterctl converts it from generic JSON into the matching
 * Go API struct and back (Kubernetes' unstructured converter). clusterctl does this for Deployments
 * and DaemonSets (image overrides), (Cluster)RoleBindings, webhook configurations and CRDs (namespace
 * rewrite), so its output differs from its input in visible ways:
 *   - fields the Go type does not know are dropped;
 *   - fields Go always writes appear with their zero value (`strategy: {}`, `resources: {}`,
 *     `status: {}`, CRD `status.acceptedNames`, `sideEffects: null` ...);
 *   - empty lists and maps marked omitempty disappear;
 *   - quantities are written in canonical form, base64 bytes re-encoded, timestamps in UTC.
 * The field tables come from ./schema.ts (generated from the Go types). Both directions happen in
 * one pass: each value is read as Go would decode it and immediately written as Go would encode it.
 */
import { canonicalQuantity, QuantityError } from './quantity.js';
import { typedRoots, typedStructs } from './schema.js';

export class TypedConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TypedConversionError';
  }
}

// ---------------------------------------------------------------------------------------------
// Compiled type descriptions
// ---------------------------------------------------------------------------------------------

type Desc =
  | { kind: 'string' | 'bool' | 'int' | 'float' | 'bytes' | 'any' | 'quantity' | 'intorstr' | 'time' | 'json' }
  | { kind: 'slice' | 'map' | 'ptr'; elem: Desc }
  | { kind: 'orbool' | 'orarray' | 'orstrings'; schema: Desc }
  | { kind: 'struct'; name: string; fields?: Field[] };

interface Field {
  /** JSON name; empty for an embedded struct whose fields are inlined. */
  name: string;
  desc: Desc;
  omitEmpty: boolean;
  omitZero: boolean;
}

const descriptions = new Map<string, Desc>();

const simpleKinds: Readonly<Record<string, Desc['kind']>> = {
  s: 'string',
  b: 'bool',
  i: 'int',
  f: 'float',
  y: 'bytes',
  a: 'any',
  '@quantity': 'quantity',
  '@intorstr': 'intorstr',
  '@time': 'time',
  '@json': 'json',
};

/** The description of an encoded type (see ./schema.ts), memoised so recursive types share nodes. */
function describe(type: string): Desc {
  const known = descriptions.get(type);
  if (known) return known;
  let desc: Desc;
  const simple = simpleKinds[type];
  if (simple !== undefined) desc = { kind: simple } as Desc;
  else if (type.startsWith('[]')) desc = { kind: 'slice', elem: describe(type.slice(2)) };
  else if (type.startsWith('{}')) desc = { kind: 'map', elem: describe(type.slice(2)) };
  else if (type.startsWith('*')) desc = { kind: 'ptr', elem: describe(type.slice(1)) };
  else if (type.startsWith('#')) desc = { kind: 'struct', name: type.slice(1) };
  else {
    const [union = '', schema = ''] = type.split(':');
    const kind = { '@orbool': 'orbool', '@orarray': 'orarray', '@orstrings': 'orstrings' }[union];
    if (kind === undefined) throw new Error(`unknown typed field kind ${type}`);
    desc = { kind: kind as 'orbool', schema: describe(`#${schema}`) };
  }
  descriptions.set(type, desc);
  return desc;
}

function fieldsOf(desc: Extract<Desc, { kind: 'struct' }>): Field[] {
  if (desc.fields) return desc.fields;
  const encoded = typedStructs[desc.name];
  if (encoded === undefined) throw new Error(`no field table for Go type ${desc.name}`);
  const fields: Field[] = [];
  desc.fields = fields; // set before describing the fields: types may be recursive
  for (const entry of encoded === '' ? [] : encoded.split(' ')) {
    const colon = entry.indexOf(':');
    let type = entry.slice(colon + 1);
    let omitEmpty = false;
    let omitZero = false;
    for (;;) {
      if (type.endsWith('?')) omitEmpty = true;
      else if (type.endsWith('!')) omitZero = true;
      else break;
      type = type.slice(0, -1);
    }
    fields.push({ name: entry.slice(0, colon), desc: describe(type), omitEmpty, omitZero });
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/** True when clusterctl round-trips objects of this apiVersion and kind through a Go struct we know. */
export function hasTypedSchema(apiVersion: string, kind: string): boolean {
  return typedRoots[`${apiVersion}/${kind}`] !== undefined;
}

/**
 * The object as Go writes it back after converting it to its API struct and back. Returns undefined
 * when the apiVersion/kind has no known struct (the caller decides whether that is an error). The
 * input is not modified and shares nothing with the result.
 * @throws TypedConversionError when Go would fail the conversion (wrong value types, bad quantities...).
 */
export function roundTripTyped<T extends object>(obj: T & { apiVersion?: unknown; kind?: unknown }): T | undefined {
  const root = typedRoots[`${String(obj.apiVersion)}/${String(obj.kind)}`];
  if (root === undefined) return undefined;
  return convert(obj, describe(root), []) as T;
}

// ---------------------------------------------------------------------------------------------
// Conversion
// ---------------------------------------------------------------------------------------------
//
// `convert` returns the JSON Go would write for a value of the described type, with `undefined`
// standing for a nil pointer, slice, map, byte slice or interface (written as null when a field is
// not omitted). Absent and null inputs decode to the zero value, as in Go.

type Path = Array<string | number>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function goTypeOf(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int64';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  if (Array.isArray(value)) return '[]interface {}';
  if (isRecord(value)) return 'map[string]interface {}';
  return typeof value;
}

function fail(path: Path, message: string): never {
  let where = '';
  for (const key of path) where += typeof key === 'number' ? `[${key}]` : where === '' ? key : `.${key}`;
  throw new TypedConversionError(where === '' ? message : `${message} (at ${where})`);
}

function convert(value: unknown, desc: Desc, path: Path): unknown {
  const absent = value === null || value === undefined;
  switch (desc.kind) {
    case 'string':
      if (absent) return '';
      if (typeof value !== 'string') fail(path, `cannot convert ${goTypeOf(value)} to string`);
      return value;
    case 'bool':
      if (absent) return false;
      if (typeof value !== 'boolean') fail(path, `cannot convert ${goTypeOf(value)} to bool`);
      return value;
    case 'int':
      if (absent) return 0;
      if (typeof value === 'bigint') return value;
      if (typeof value !== 'number' || !Number.isInteger(value))
        fail(path, `cannot convert ${goTypeOf(value)} to an integer`);
      return value;
    case 'float':
      if (absent) return 0;
      if (typeof value === 'bigint') return Number(value);
      if (typeof value !== 'number') fail(path, `cannot convert ${goTypeOf(value)} to float64`);
      return value;
    case 'bytes':
      return absent ? undefined : convertBytes(value, path);
    case 'any':
      return absent ? undefined : structuredClone(value);
    case 'slice': {
      if (absent) return undefined;
      if (!Array.isArray(value)) fail(path, `cannot restore slice from ${goTypeOf(value)}`);
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        const v = convert(value[i], desc.elem, path);
        path.pop();
        out[i] = v === undefined || v === writtenAsNull ? null : v;
      }
      return out;
    }
    case 'map': {
      if (absent) return undefined;
      if (!isRecord(value)) fail(path, `cannot restore map from ${goTypeOf(value)}`);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        path.push(key);
        const v = convert(value[key], desc.elem, path);
        path.pop();
        out[key] = v === undefined || v === writtenAsNull ? null : v;
      }
      return out;
    }
    case 'ptr':
      // A nil pointer stays nil; a non-nil one is written as its element, whatever that is.
      if (absent) return undefined;
      return nonNil(convert(value, desc.elem, path));
    case 'struct': {
      if (!absent && !isRecord(value)) fail(path, `cannot restore struct from: ${goTypeOf(value)}`);
      const out: Record<string, unknown> = {};
      convertStruct(absent ? {} : value, desc, path, out);
      return out;
    }
    default:
      return convertCustom(value, absent, desc, path);
  }
}

/** Marks a pointer's element that writes as null (so it is not taken for a nil pointer). */
const writtenAsNull = Symbol('null');

function nonNil(value: unknown): unknown {
  return value === undefined || value === null ? writtenAsNull : value;
}

function convertStruct(
  value: Record<string, unknown>,
  desc: Extract<Desc, { kind: 'struct' }>,
  path: Path,
  out: Record<string, unknown>,
): void {
  for (const field of fieldsOf(desc)) {
    if (field.name === '') {
      // Embedded struct: its fields are read from, and written to, the same object.
      convertStruct(value, field.desc as Extract<Desc, { kind: 'struct' }>, path, out);
      continue;
    }
    path.push(field.name);
    let v = convert(value[field.name], field.desc, path);
    path.pop();
    if (field.omitEmpty && isEmpty(v, field.desc)) continue;
    if (field.omitZero && isZero(v, field.desc)) continue;
    if (v === undefined || v === writtenAsNull) v = null;
    out[field.name] = v;
  }
}

/** Go's "empty" test used by omitempty, on the written value: structs are never empty. */
function isEmpty(value: unknown, desc: Desc): boolean {
  switch (desc.kind) {
    case 'string':
      return value === '';
    case 'bool':
      return value === false;
    case 'int':
    case 'float':
      return value === 0 || value === 0n;
    case 'bytes':
      return value === undefined || value === '';
    case 'slice':
      return value === undefined || (value as unknown[]).length === 0;
    case 'map':
      return value === undefined || Object.keys(value as object).length === 0;
    case 'ptr':
    case 'any':
      return value === undefined;
    default:
      return false;
  }
}

/** The omitzero test; the only such field in these types is a timestamp. */
function isZero(value: unknown, desc: Desc): boolean {
  if (desc.kind === 'time') return value === null;
  return isEmpty(value, desc);
}

function convertBytes(value: unknown, path: Path): string {
  if (typeof value !== 'string') fail(path, `cannot restore slice from ${goTypeOf(value)}`);
  if (value === '') return '';
  // Go decodes standard base64 (padding required) and encodes it again when writing.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    fail(path, `illegal base64 data in ${JSON.stringify(value)}`);
  }
  try {
    return btoa(atob(value));
  } catch {
    return fail(path, `illegal base64 data in ${JSON.stringify(value)}`);
  }
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The types with their own JSON form (Go's MarshalJSON / UnmarshalJSON or ToUnstructured). */
function convertCustom(value: unknown, absent: boolean, desc: Desc, path: Path): unknown {
  switch (desc.kind) {
    case 'quantity': {
      if (absent) return '0';
      let text: string;
      if (typeof value === 'string') text = value;
      else if (typeof value === 'number' || typeof value === 'bigint') text = JSON.stringify(Number(value));
      else text = JSON.stringify(value);
      try {
        return canonicalQuantity(text);
      } catch (error) {
        if (error instanceof QuantityError) fail(path, error.message);
        throw error;
      }
    }
    case 'intorstr':
      if (absent) return 0;
      if (typeof value === 'string') return value;
      if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint') {
        const n = Number(value);
        if (n >= -(2 ** 31) && n < 2 ** 31) return n;
      }
      return fail(path, `cannot unmarshal ${JSON.stringify(value)} into an int or string`);
    case 'time': {
      if (absent) return null;
      const date = typeof value === 'string' && rfc3339.test(value) ? new Date(value) : undefined;
      if (!date || Number.isNaN(date.getTime()))
        fail(path, `cannot parse ${JSON.stringify(value)} as an RFC 3339 time`);
      return date.toISOString().replace(/\.\d+Z$/, 'Z');
    }
    case 'json':
      return absent ? null : structuredClone(value);
    case 'orbool':
      if (absent) return false;
      if (typeof value === 'boolean') return value;
      if (isRecord(value)) return convert(value, desc.schema, path);
      return fail(path, 'boolean or JSON schema expected');
    case 'orarray':
      if (isRecord(value)) return convert(value, desc.schema, path);
      if (Array.isArray(value) && value.length > 0) return convert(value, { kind: 'slice', elem: desc.schema }, path);
      return null;
    case 'orstrings':
      if (isRecord(value)) return convert(value, desc.schema, path);
      if (Array.isArray(value) && value.length > 0)
        return convert(value, { kind: 'slice', elem: { kind: 'string' } }, path);
      return null;
  }
  throw new Error(`unexpected type description ${desc.kind}`);
}
