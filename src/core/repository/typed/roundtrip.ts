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
  /**
   * @param field where the value is, as `spec.items[0].name` ("" for the object itself)
   * @param expected what Go's type wants there, in words ("a list of strings")
   * @param found what the value is, in words ("a string")
   */
  constructor(
    message: string,
    readonly field = '',
    readonly expected = '',
    readonly found = '',
  ) {
    super(message);
    this.name = 'TypedConversionError';
  }

  /** What is wrong, in one clause: "spec.x is a string, but Go's Cluster type wants a list of strings there". */
  describe(typeName: string): string {
    const field = this.field === '' ? 'the object' : this.field;
    return this.expected === ''
      ? `${field} cannot be read: ${this.message}`
      : `${field} is ${this.found}, but ${typeName} wants ${this.expected} there`;
  }
}

// ---------------------------------------------------------------------------------------------
// Compiled type descriptions
// ---------------------------------------------------------------------------------------------

type Desc =
  | {
      kind:
        'string' | 'bool' | 'int' | 'float' | 'bytes' | 'any' | 'quantity' | 'intorstr' | 'time' | 'duration' | 'json';
    }
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
  '@duration': 'duration',
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

/** The value in words, for error messages: "a string", "a list", "a mapping"... */
function valueInWords(value: unknown): string {
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number' || typeof value === 'bigint') return 'a number';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  return typeof value;
}

/** What a described type accepts, in words, for error messages. */
function expectedInWords(desc: Desc): string {
  switch (desc.kind) {
    case 'string':
      return 'a string';
    case 'bool':
      return 'true or false';
    case 'int':
      return 'a whole number';
    case 'float':
      return 'a number';
    case 'bytes':
      return 'base64 text';
    case 'slice':
      return desc.elem.kind === 'slice' ? 'a list of lists' : `a list of ${plural(desc.elem)}`;
    case 'map':
      return `a mapping of names to ${plural(desc.elem)}`;
    case 'ptr':
      return expectedInWords(desc.elem);
    case 'struct':
      return 'a mapping of fields';
    case 'quantity':
      return 'a quantity such as "500m" or "1Gi"';
    case 'intorstr':
      return 'a whole number or a string such as "40%"';
    case 'time':
      return 'an RFC 3339 time such as "2024-01-02T03:04:05Z"';
    case 'duration':
      return 'a duration string such as "10m" or "90s"';
    default:
      return 'a value of another type';
  }
}

function plural(desc: Desc): string {
  const inner = desc.kind === 'ptr' ? desc.elem : desc;
  switch (inner.kind) {
    case 'string':
      return 'strings';
    case 'int':
      return 'whole numbers';
    case 'float':
      return 'numbers';
    case 'bool':
      return 'booleans';
    case 'struct':
      return 'mappings';
    default:
      return 'values';
  }
}

function fail(path: Path, message: string, desc?: Desc, value?: unknown): never {
  let where = '';
  for (const key of path) where += typeof key === 'number' ? `[${key}]` : where === '' ? key : `.${key}`;
  throw new TypedConversionError(
    where === '' ? message : `${message} (at ${where})`,
    where,
    desc ? expectedInWords(desc) : '',
    desc ? valueInWords(value) : '',
  );
}

function convert(value: unknown, desc: Desc, path: Path): unknown {
  const absent = value === null || value === undefined;
  switch (desc.kind) {
    case 'string':
      if (absent) return '';
      if (typeof value !== 'string') fail(path, `cannot convert ${goTypeOf(value)} to string`, desc, value);
      return value;
    case 'bool':
      if (absent) return false;
      if (typeof value !== 'boolean') fail(path, `cannot convert ${goTypeOf(value)} to bool`, desc, value);
      return value;
    case 'int':
      if (absent) return 0;
      if (typeof value === 'bigint') return value;
      if (typeof value !== 'number' || !Number.isInteger(value))
        fail(path, `cannot convert ${goTypeOf(value)} to an integer`, desc, value);
      return value;
    case 'float':
      if (absent) return 0;
      if (typeof value === 'bigint') return Number(value);
      if (typeof value !== 'number') fail(path, `cannot convert ${goTypeOf(value)} to float64`, desc, value);
      return value;
    case 'bytes':
      return absent ? undefined : convertBytes(value, path);
    case 'any':
      return absent ? undefined : structuredClone(value);
    case 'slice': {
      if (absent) return undefined;
      if (!Array.isArray(value)) fail(path, `cannot restore slice from ${goTypeOf(value)}`, desc, value);
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
      if (!isRecord(value)) fail(path, `cannot restore map from ${goTypeOf(value)}`, desc, value);
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
      if (!absent && !isRecord(value)) fail(path, `cannot restore struct from: ${goTypeOf(value)}`, desc, value);
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

const bytesDesc: Desc = { kind: 'bytes' };

function convertBytes(value: unknown, path: Path): string {
  if (typeof value !== 'string') fail(path, `cannot restore slice from ${goTypeOf(value)}`, bytesDesc, value);
  if (value === '') return '';
  // Go decodes standard base64 (padding required) and encodes it again when writing.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    fail(path, `illegal base64 data in ${JSON.stringify(value)}`, bytesDesc, value);
  }
  try {
    return btoa(atob(value));
  } catch {
    return fail(path, `illegal base64 data in ${JSON.stringify(value)}`, bytesDesc, value);
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
        if (error instanceof QuantityError) fail(path, error.message, desc, value);
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
      return fail(path, `cannot unmarshal ${JSON.stringify(value)} into an int or string`, desc, value);
    case 'time': {
      if (absent) return null;
      const date = typeof value === 'string' && rfc3339.test(value) ? new Date(value) : undefined;
      if (!date || Number.isNaN(date.getTime()))
        fail(path, `cannot parse ${JSON.stringify(value)} as an RFC 3339 time`, desc, value);
      return date.toISOString().replace(/\.\d+Z$/, 'Z');
    }
    case 'duration':
      if (absent) return '0s';
      if (typeof value !== 'string')
        fail(path, `cannot unmarshal ${goTypeOf(value)} into a duration string`, desc, value);
      return formatGoDuration(parseGoDuration(value, path, desc));
    case 'json':
      return absent ? null : structuredClone(value);
    case 'orbool':
      if (absent) return false;
      if (typeof value === 'boolean') return value;
      if (isRecord(value)) return convert(value, desc.schema, path);
      return fail(path, 'boolean or JSON schema expected', desc, value);
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

// ---------------------------------------------------------------------------------------------
// Durations (metav1.Duration: a Go time.Duration written as its String())
// ---------------------------------------------------------------------------------------------

const durationUnits: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  '\u00b5s': 1e3,
  '\u03bcs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};
const durationPart = /^(\d*)(?:\.(\d*))?([^\d.]+)/;

/** Go's time.ParseDuration, in nanoseconds. */
function parseGoDuration(text: string, path: Path, desc: Desc): bigint {
  const invalid = (): never => fail(path, `time: invalid duration ${JSON.stringify(text)}`, desc, text);
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') invalid();
  let total = 0n;
  while (rest !== '') {
    const match = durationPart.exec(rest);
    const unit = match ? durationUnits[match[3] ?? ''] : undefined;
    if (!match || unit === undefined || (match[1] === '' && (match[2] ?? '') === '')) return invalid();
    const fraction = match[2] ?? '';
    total += BigInt(match[1] || '0') * BigInt(unit);
    if (fraction !== '') total += BigInt(Math.trunc(Number(`0.${fraction}`) * unit));
    rest = rest.slice(match[0].length);
  }
  if (total > 2n ** 63n - (negative ? 0n : 1n)) invalid();
  return negative ? -total : total;
}

/** Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const abs = ns < 0n ? -ns : ns;
  const fixed = (value: bigint, digits: number): string => {
    const scale = 10n ** BigInt(digits);
    const fraction = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
    return `${value / scale}${fraction === '' ? '' : `.${fraction}`}`;
  };
  if (abs < 1000n) return `${sign}${abs}ns`;
  if (abs < 1_000_000n) return `${sign}${fixed(abs, 3)}\u00b5s`;
  if (abs < 1_000_000_000n) return `${sign}${fixed(abs, 6)}ms`;
  const hours = abs / 3_600_000_000_000n;
  const minutes = (abs / 60_000_000_000n) % 60n;
  const seconds = fixed(abs % 60_000_000_000n, 9);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

// ---------------------------------------------------------------------------------------------
// Zero values
// ---------------------------------------------------------------------------------------------

/**
 * True when `value`, read into the Go struct `structName` (a key of ./schema.ts, such as
 * `cluster/v1beta2.Topology`), would equal the struct's zero value (Go's reflect.DeepEqual with an
 * empty struct). Unknown fields do not count; a present list, map or pointer does, even empty.
 * Call it on values that convert (see roundTripTyped).
 */
export function readsAsZero(value: unknown, structName: string): boolean {
  return decodedIsZero(value, describe(`#${structName}`));
}

function decodedIsZero(value: unknown, desc: Desc): boolean {
  if (value === null || value === undefined) return true;
  switch (desc.kind) {
    case 'string':
    case 'bool':
    case 'int':
    case 'float':
      return value === '' || value === false || value === 0 || value === 0n;
    case 'struct': {
      if (!isRecord(value)) return false;
      return fieldsOf(desc).every((field) =>
        field.name === '' ? decodedIsZero(value, field.desc) : decodedIsZero(value[field.name], field.desc),
      );
    }
    case 'intorstr':
      return value === 0;
    case 'duration':
      try {
        return typeof value === 'string' && parseGoDuration(value, [], desc) === 0n;
      } catch {
        return false;
      }
    default:
      // lists, maps, pointers, bytes, interfaces and the other custom types are set once present
      return false;
  }
}
