/**
 * Multi-document YAML, read and written the way clusterctl does it:
 *
 * - reading follows utilyaml.ToUnstructured: the text is split into documents line by line at `---`
 *   lines (k8s.io/apimachinery's YAMLReader), each document is decoded with go-yaml v2 semantics
 *   (YAML 1.1 scalars: `yes`/`on` are booleans, `0x10` is 16, merge keys, ...) and converted to JSON
 *   data: map keys become strings, numbers become float64 (JavaScript numbers), and documents that are
 *   empty or `null` are dropped;
 * - writing follows utilyaml.FromUnstructured: each object is marshalled with sigs.k8s.io/yaml (see
 *   go-yaml-emitter.ts) and the documents are joined with `---` lines, plus the final newline that
 *   the clusterctl commands print.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLError } from 'yaml';
import { ClusterctlError } from '../../errors.js';
import type { KubeObject } from '../../types.js';
import { marshalGoYaml, type JsonValue } from './go-yaml-emitter.js';
import {
  formatGoFloat,
  resolvePlainScalar,
  resolveTaggedScalar,
  Tags,
  type ResolvedScalar,
} from './go-yaml-scalars.js';
import { decodeUtf8 } from './utf8.js';

/** What Go's strings.TrimSpace removes at both ends (unicode.IsSpace). */
const goSpace =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** One document of a multi-document text, with the line it starts on (1-based). */
interface RawDocument {
  text: string;
  line: number;
}

/**
 * The deepest nesting of mappings and sequences accepted. go-yaml stops at 10000 levels; the yaml
 * library's recursive composer exhausts Node's stack long before that, so the limit is ours and
 * named in the error instead of "Maximum call stack size exceeded". Kubernetes objects nest a few
 * dozen levels at most.
 */
export const maxYamlNestingDepth = 500;

export const nestingLimitMessage = `the YAML is nested more than ${maxYamlNestingDepth} levels deep (the limit of this tool)`;

/** True for the RangeError a recursive parser throws on deeply nested input. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

const yamlHint =
  'Check the YAML near that line: indentation (spaces only), unclosed quotes or brackets. If the line comes ' +
  'from a substituted variable, a value containing ": ", "#" or a leading "*", "&", "!" may need quotes in the template.';

/**
 * Splits a text into documents like apimachinery's YAMLReader: a line starting with `---` ends the
 * current document (only spaces or a `# comment` may follow on that line); CRLF line ends become LF.
 * A `---` line that starts a document is kept in it, as the Go reader does.
 */
function splitDocuments(text: string, source: string): RawDocument[] {
  const docs: RawDocument[] = [];
  const lines = text.split('\n');
  // A final newline does not start another (empty) line; a last line without one keeps a trailing CR.
  const lastTerminated = lines[lines.length - 1] === '';
  if (lastTerminated) lines.pop();
  let buffer = '';
  let startLine = 1;
  lines.forEach((rawLine, index) => {
    const terminated = index < lines.length - 1 || lastTerminated;
    const line = terminated && rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.startsWith('---')) {
      const rest = line.slice(3).replace(goSpace, '');
      if (rest.length > 0 && !rest.startsWith('#')) {
        throw new ClusterctlError(
          'INVALID_YAML',
          `${source}: invalid YAML document separator at line ${index + 1}: ${JSON.stringify(line)}`,
          { hint: 'A document separator line may only hold "---", optionally followed by a "# comment".' },
        );
      }
      if (buffer !== '') {
        docs.push({ text: buffer, line: startLine });
        buffer = '';
        startLine = index + 2;
        return;
      }
    }
    if (buffer === '') startLine = index + 1;
    buffer += `${line}\n`;
  });
  if (buffer !== '') docs.push({ text: buffer, line: startLine });
  return docs;
}

/** Characters go-yaml's reader refuses anywhere in the input ("control characters are not allowed"). */
// eslint-disable-next-line no-control-regex
const disallowedCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

interface Position {
  line: number;
  column: number;
}

/**
 * go-yaml's defence against alias bombs ("billion laughs"): every decoded node counts, and those
 * decoded while expanding an alias count as aliased. Past 100 aliased and 1,000 decoded nodes, the
 * aliased share may not exceed 99% (up to 400,000 decoded nodes), falling linearly to 10% at
 * 4,000,000. Same thresholds, so the same inputs are refused as by the Go tool.
 */
function allowedAliasRatio(decoded: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decoded <= low) return 0.99;
  if (decoded >= high) return 0.1;
  return 0.99 - 0.89 * ((decoded - low) / (high - low));
}

/** Converts the yaml library's AST to JSON data with go-yaml v2 + sigs.k8s.io/yaml semantics. */
class Converter {
  private decoded = 0;
  private aliased = 0;
  private aliasDepth = 0;
  /** Anchored nodes being expanded right now: an alias back into one of them never ends. */
  private readonly expanding = new Set<YamlNode>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly source: string,
    private readonly firstLine: number,
    private readonly lineStarts: number[],
  ) {}

  private position(offset: number | undefined): Position {
    const o = offset ?? 0;
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: this.firstLine + lo, column: o - (this.lineStarts[lo] ?? 0) + 1 };
  }

  fail(node: YamlNode | null | undefined, message: string): never {
    const at = this.position(node?.range?.[0]);
    throw new ClusterctlError('INVALID_YAML', `${this.source}: ${message} at line ${at.line}, column ${at.column}`, {
      hint: yamlHint,
    });
  }

  /** The typed value of a scalar node, as go-yaml's decoder into interface{} sees it. */
  private scalar(node: YamlNode & { value: unknown; type?: string | undefined; tag?: string | undefined }): {
    resolved: ResolvedScalar;
    text: string;
  } {
    // The failsafe schema keeps every scalar as its source string (an empty node has no value).
    const text = typeof node.value === 'string' ? node.value : '';
    const tag = node.tag;
    if (tag === Tags.binary) {
      try {
        const binary = atob(text.replace(/\s+/g, ''));
        const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
        return { resolved: { kind: 'str' }, text: decodeUtf8(bytes) };
      } catch {
        this.fail(node, '!!binary value contains invalid base64 data');
      }
    }
    if (tag !== undefined && tag !== '!') {
      const r = resolveTaggedScalar(tag, text);
      if (typeof r === 'string') this.fail(node, r);
      return { resolved: r, text };
    }
    if (node.type === 'PLAIN' && tag === undefined) return { resolved: resolvePlainScalar(text), text };
    return { resolved: { kind: 'str' }, text };
  }

  /** Anchored nodes by name, in document order (the yaml library's own lookup walks the whole
   * document for every alias, which is quadratic in files with many aliases). */
  private anchors: Map<string, { start: number; node: YamlNode }[]> | undefined;

  private anchorIndex(): Map<string, { start: number; node: YamlNode }[]> {
    if (this.anchors) return this.anchors;
    const index = new Map<string, { start: number; node: YamlNode }[]>();
    visit(this.doc, {
      Node(_key, node) {
        const anchor = (node as { anchor?: string }).anchor;
        if (anchor === undefined || isAlias(node)) return;
        const list = index.get(anchor) ?? [];
        list.push({ start: node.range?.[0] ?? 0, node });
        index.set(anchor, list);
      },
    });
    for (const list of index.values()) list.sort((a, b) => a.start - b.start);
    this.anchors = index;
    return index;
  }

  private deref(node: YamlNode | null): YamlNode | null {
    if (node !== null && isAlias(node)) {
      // The anchor an alias names is the last one of that name defined before it.
      const at = node.range?.[0] ?? 0;
      const candidates = this.anchorIndex().get(node.source) ?? [];
      let target: YamlNode | undefined;
      for (const c of candidates) {
        if (c.start >= at) break;
        target = c.node;
      }
      if (target === undefined) this.fail(node, `unknown anchor '${node.source}' referenced`);
      return target;
    }
    return node;
  }

  /** Counts one decoded node and refuses the document once aliases make up too much of it. */
  private count(node: YamlNode | null): void {
    this.decoded++;
    if (this.aliasDepth > 0) this.aliased++;
    if (this.aliased > 100 && this.decoded > 1000 && this.aliased / this.decoded > allowedAliasRatio(this.decoded)) {
      const at = this.position(node?.range?.[0]);
      throw new ClusterctlError(
        'INVALID_YAML',
        `${this.source}: the document contains excessive aliasing (over ${this.aliased} nodes expanded from aliases, line ${at.line})`,
        {
          hint:
            'Aliases (*name) that refer to anchors (&name) holding other aliases multiply the document; write the ' +
            'values out, or use fewer levels of aliases. The Go clusterctl refuses such input as well.',
        },
      );
    }
  }

  private depth = 0;

  value(input: YamlNode | null): JsonValue {
    this.depth++;
    try {
      return this.valueAt(input);
    } catch (error) {
      if (isStackOverflow(error)) this.fail(input, nestingLimitMessage);
      throw error;
    } finally {
      this.depth--;
    }
  }

  private valueAt(input: YamlNode | null): JsonValue {
    if (this.depth > maxYamlNestingDepth) {
      this.fail(input, nestingLimitMessage);
    }
    if (input !== null && isAlias(input)) {
      const target = this.deref(input);
      if (target !== null && this.expanding.has(target)) {
        this.fail(input, `anchor '${input.source}' value contains itself`);
      }
      this.aliasDepth++;
      if (target !== null) this.expanding.add(target);
      try {
        return this.value(target);
      } finally {
        if (target !== null) this.expanding.delete(target);
        this.aliasDepth--;
      }
    }
    this.count(input);
    const node = input;
    if (node === null) return null;
    if (isScalar(node)) {
      const { resolved, text } = this.scalar(node);
      switch (resolved.kind) {
        case 'null':
          return null;
        case 'bool':
          return resolved.value;
        case 'int':
          return Number(resolved.value);
        case 'float':
          if (!Number.isFinite(resolved.value)) {
            const go = Number.isNaN(resolved.value) ? 'NaN' : resolved.value > 0 ? '+Inf' : '-Inf';
            this.fail(node, `json: unsupported value: ${go} (${JSON.stringify(text)} cannot be converted to JSON)`);
          }
          return resolved.value;
        default:
          return text;
      }
    }
    if (isSeq(node)) return node.items.map((item) => this.value(item as YamlNode | null));
    if (isMap(node)) {
      const out: { [key: string]: JsonValue } = {};
      for (const pair of node.items as Pair<YamlNode | null, YamlNode | null>[]) {
        if (this.isMergeKey(pair.key)) this.merge(out, pair.value, node);
        else setKey(out, this.key(pair.key, node), this.value(pair.value));
      }
      return out;
    }
    return this.fail(node, 'unsupported YAML node');
  }

  private isMergeKey(key: YamlNode | null): boolean {
    if (key === null || !isScalar(key)) return false;
    if (key.value !== '<<') return false;
    return (key.type === 'PLAIN' && key.tag === undefined) || key.tag === Tags.merge;
  }

  /** go-yaml v2 merges by assigning the merged map's entries in place; earlier maps of a list win. */
  private merge(out: { [key: string]: JsonValue }, valueNode: YamlNode | null, owner: YamlNode): void {
    const target = this.deref(valueNode);
    const mergeMap = (n: YamlNode | null): void => {
      const m = this.deref(n);
      if (m === null || !isMap(m)) this.fail(m ?? owner, 'map merge requires map or sequence of maps as the value');
      const merged = this.value(n) as { [key: string]: JsonValue };
      for (const k of Object.keys(merged)) setKey(out, k, merged[k] ?? null);
    };
    if (target !== null && isSeq(target)) {
      for (let i = target.items.length - 1; i >= 0; i--) mergeMap(target.items[i] as YamlNode | null);
    } else {
      mergeMap(target);
    }
  }

  /** sigs.k8s.io/yaml's conversion of a decoded map key to a JSON object key. */
  private key(input: YamlNode | null, owner: YamlNode): string {
    const node = this.deref(input);
    if (node === null) return this.fail(owner, 'unsupported map key of type: <nil>');
    if (!isScalar(node)) return this.fail(node, 'unsupported map key: a YAML mapping or sequence cannot be a key');
    const { resolved, text } = this.scalar(node);
    switch (resolved.kind) {
      case 'null':
        return this.fail(node, 'unsupported map key of type: <nil>');
      case 'bool':
        return resolved.value ? 'true' : 'false';
      case 'int':
        if (resolved.value > (1n << 63n) - 1n)
          return this.fail(node, `unsupported map key of type: uint64, key: ${text}`);
        return resolved.value.toString();
      case 'float':
        return formatGoFloat(resolved.value, 32);
      default:
        return text;
    }
  }
}

/** Sets a key on a plain object, including `__proto__`, without touching the prototype. */
function setKey(obj: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x0a) starts.push(i + 1);
  return starts;
}

function describeYamlError(error: YAMLError, source: string, firstLine: number): string {
  let head = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
  // The yaml library reports its own stack overflow on deeply nested input as a parse error.
  if (/call stack/i.test(head)) head = nestingLimitMessage;
  const pos = error.linePos?.[0];
  if (pos === undefined) return `${source}: ${head}`;
  return `${source}: ${head} at line ${firstLine + pos.line - 1}, column ${pos.col}`;
}

/**
 * Parses a multi-document YAML text into objects, like clusterctl's ToUnstructured: documents that
 * are empty, only comments, or `null` are dropped; every other document must be a mapping. The
 * objects are plain JSON data (numbers are float64, keys are strings).
 * @param source names the input in error messages (a file path or URL).
 * @throws ClusterctlError INVALID_YAML naming the source, line and column.
 */
export function parseDocuments(text: string, source = 'YAML input'): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const raw of splitDocuments(text, source)) {
    const bad = disallowedCharacters.exec(raw.text);
    if (bad !== null) {
      const before = raw.text.slice(0, bad.index);
      const line = raw.line + (before.match(/\n/g)?.length ?? 0);
      const column = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
      const code = (bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      throw new ClusterctlError(
        'INVALID_YAML',
        `${source}: control characters are not allowed (U+${code} at line ${line}, column ${column})`,
        { hint: 'Remove the control character, or write it as an escape sequence inside a double-quoted string.' },
      );
    }
    // YAML 1.1 (go-yaml) reads NEL as a line break; the yaml package follows YAML 1.2, where it is not.
    if (raw.text.includes('\u0085')) raw.text = raw.text.replace(/\u0085/g, '\n');
    // Like go-yaml's Unmarshal, only the first document of a chunk counts (a chunk holds more than one
    // only if it contains a `...` end marker followed by more content).
    const [doc] = parseAllDocuments(raw.text, {
      schema: 'failsafe',
      merge: false,
      uniqueKeys: false,
      version: '1.1',
      prettyErrors: true,
    });
    if (doc === undefined) continue;
    const error = doc.errors[0];
    if (error !== undefined) {
      throw new ClusterctlError('INVALID_YAML', describeYamlError(error, source, raw.line), { hint: yamlHint });
    }
    const converter = new Converter(doc, source, raw.line, lineStartsOf(raw.text));
    const value = converter.value(doc.contents);
    if (value === null) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      const kind = Array.isArray(value) ? 'a list' : `the ${typeof value} ${JSON.stringify(value)}`;
      throw new ClusterctlError(
        'INVALID_YAML',
        `${source}: the ${ordinal(objects.length + 1)} YAML document (line ${raw.line}) is ${kind}, not an object`,
        { hint: 'Each YAML document must be a mapping describing one Kubernetes object (apiVersion, kind, metadata).' },
      );
    }
    objects.push(value as unknown as KubeObject);
  }
  return objects;
}

/**
 * Marshals one object exactly as sigs.k8s.io/yaml does (keys in go-yaml order, go-yaml quoting,
 * folding at 80 columns, block scalars). Ends with a newline.
 */
export function serializeObject(obj: KubeObject | JsonValue): string {
  return marshalGoYaml(obj as JsonValue);
}

/**
 * Writes objects the way `clusterctl generate cluster|provider|yaml` prints them: each object
 * marshalled with sigs.k8s.io/yaml, documents joined by `---` lines (utilyaml.JoinYaml), followed by
 * the newline the commands add. No objects give a single newline, as clusterctl prints.
 */
export function serializeObjects(objs: readonly (KubeObject | JsonValue)[]): string {
  const parts = objs.map((o) => {
    let y = serializeObject(o);
    if (!y.startsWith('\n')) y = `\n${y}`;
    if (!y.endsWith('\n')) y = `${y}\n`;
    return y;
  });
  let joined = parts.join('---');
  if (joined.startsWith('\n')) joined = joined.slice(1);
  if (joined.endsWith('\n')) joined = joined.slice(0, -1);
  return `${joined}\n`;
}
