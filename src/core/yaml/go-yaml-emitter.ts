/**
 * A YAML writer that reproduces, byte for byte, what sigs.k8s.io/yaml's Marshal prints for JSON-like
 * data (it converts to JSON and lets go-yaml v2 emit the result). The `yaml` npm package cannot be
 * configured to match it: go-yaml sorts keys in "natural" order, double-quotes strings that would read
 * as other types, single-quotes strings that cannot be plain, folds long strings at 80 columns,
 * escapes astral characters and tabs, and picks `|`, `|-`, `|+` and `|2` block scalars by its own
 * rules. This module is a small port of the relevant parts of libyaml's emitter (block collections,
 * empty flow collections, the four scalar writers and the scalar analysis) driven recursively instead
 * of by events; the state it keeps (column, indent stack, whitespace/indention flags) follows the C
 * emitter so that line breaks and indentation land where go-yaml puts them.
 */
import { ClusterctlError } from '../../errors.js';
import { canBePlainString, compareGoYamlKeys, formatJsonNumberForYaml } from './go-yaml-scalars.js';
import { compareGoStrings, utf8Length } from './utf8.js';

/** JSON-like data, as produced by parsing YAML or JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

type Style = 'plain' | 'single' | 'double' | 'literal';

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

const isSpace = (c: number | undefined): boolean => c === 0x20;
const isBreak = (c: number | undefined): boolean =>
  c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlank = (c: number | undefined): boolean => c === 0x20 || c === 0x09;
const isBlankOrBreakOrNul = (c: number | undefined): boolean => isBlank(c) || isBreak(c) || c === 0;

/** libyaml's is_printable, expressed on code points (astral characters are not printable). */
function isPrintable(c: number): boolean {
  return (
    c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}

/** libyaml's yaml_emitter_analyze_scalar (block context only: go-yaml never emits flow here). */
function analyzeScalar(cps: number[]): Analysis {
  if (cps.length === 0) {
    return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  let blockIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;

  const [c0, c1, c2] = cps;
  if (cps.length >= 3 && ((c0 === 0x2d && c1 === 0x2d && c2 === 0x2d) || (c0 === 0x2e && c1 === 0x2e && c2 === 0x2e))) {
    blockIndicators = true;
  }

  let precededByWhitespace = true;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i] ?? 0;
    const last = i === cps.length - 1;
    const followedByWhitespace = last || isBlank(cps[i + 1]);
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':') && followedByWhitespace) blockIndicators = true;
      else if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else if (ch === ':' && followedByWhitespace) {
      blockIndicators = true;
    } else if (ch === '#' && precededByWhitespace) {
      blockIndicators = true;
    }

    if (!isPrintable(c)) specialCharacters = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankOrBreakOrNul(c);
  }

  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
    blockAllowed = false;
  }
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0) ?? 0);
  return out;
}

const hex = (v: number, width: number): string => v.toString(16).toUpperCase().padStart(width, '0');

const escapes = new Map<number, string>([
  [0x00, '0'],
  [0x07, 'a'],
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0b, 'v'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [0x1b, 'e'],
  [0x22, '"'],
  [0x5c, '\\'],
  [0x85, 'N'],
  [0xa0, '_'],
  [0x2028, 'L'],
  [0x2029, 'P'],
]);

// Characters that json.Marshal writes raw but go-yaml's reader refuses, and NEL, which it reads as a
// line break (YAML 1.1): sigs.k8s.io/yaml's JSON round trip fails on the former and folds the latter.
const roundTripSensitive = /[\u007f-\u009f\ufffe\uffff]/;
const refusedByReader = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

/**
 * What a string becomes after json.Marshal and go-yaml's reading of the JSON double-quoted string:
 * unchanged, except for raw NEL characters, which fold like line breaks (one becomes a space, n > 1
 * become n - 1 newlines; spaces around them are dropped).
 * @throws ClusterctlError INVALID_YAML for characters go-yaml refuses (DEL, C1 controls, U+FFFE/U+FFFF).
 */
function jsonRoundTrip(s: string): string {
  if (!roundTripSensitive.test(s)) return s;
  const refused = refusedByReader.exec(s);
  if (refused !== null) {
    const code = (refused[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    throw new ClusterctlError(
      'INVALID_YAML',
      `yaml: control characters are not allowed (U+${code} in ${JSON.stringify(s)})`,
      {
        hint: 'Remove the control character from the value (it probably came from an escape sequence in the YAML).',
      },
    );
  }
  const NEL = '\u0085';
  let out = '';
  let i = 0;
  for (;;) {
    while (i < s.length && s[i] !== ' ' && s[i] !== NEL) out += s[i++];
    if (i >= s.length) break;
    let whitespaces = '';
    let leadingBlanks = false;
    let trailingBreaks = '';
    let column = 1;
    while (i < s.length && (s[i] === ' ' || s[i] === NEL)) {
      if (s[i] === ' ') {
        if (!leadingBlanks) whitespaces += ' ';
        column++;
      } else {
        if (!leadingBlanks) leadingBlanks = true;
        else trailingBreaks += '\n';
        column = 0;
      }
      i++;
    }
    if (leadingBlanks) {
      out += trailingBreaks === '' ? ' ' : trailingBreaks;
      const rest = s.slice(i, i + 4);
      if (column === 0 && /^(---|\.\.\.)[ \u0085]/.test(rest)) {
        throw new ClusterctlError('INVALID_YAML', `yaml: found unexpected document indicator in ${JSON.stringify(s)}`);
      }
    } else {
      out += whitespaces;
    }
  }
  return out;
}

interface NodeContext {
  root?: boolean;
  sequence?: boolean;
  mapping?: boolean;
  simpleKey?: boolean;
}

/** One go-yaml document emitter. */
class Emitter {
  private readonly out: string[] = [];
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private readonly indents: number[] = [];
  private mappingContext = false;
  private simpleKeyContext = false;

  document(value: JsonValue): string {
    this.node(value, { root: true });
    this.writeIndent();
    return this.out.join('');
  }

  // --- low-level writers -----------------------------------------------------------------------

  private put(ch: string): void {
    this.out.push(ch);
    this.column++;
  }

  private putBreak(): void {
    this.out.push('\n');
    this.column = 0;
  }

  /** Writes one character of a scalar; a non-LF line break also resets the column. */
  private writeBreak(c: number): void {
    if (c === 0x0a) {
      this.putBreak();
    } else {
      this.put(String.fromCodePoint(c));
      this.column = 0;
    }
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const ch of indicator) this.put(ch);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  // --- nodes -------------------------------------------------------------------------------------

  private node(value: JsonValue, context: NodeContext): void {
    this.mappingContext = context.mapping === true;
    this.simpleKeyContext = context.simpleKey === true;
    if (value === null) {
      this.scalar('null', 'plain');
    } else if (typeof value === 'string') {
      const s = jsonRoundTrip(value);
      this.scalar(s, s.includes('\n') ? 'literal' : canBePlainString(s) ? 'plain' : 'double');
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        throw new ClusterctlError(
          'INVALID_ARGUMENT',
          `cannot write the number ${value} as YAML: JSON has no such value`,
        );
      }
      this.scalar(formatJsonNumberForYaml(value), 'plain');
    } else if (typeof value === 'boolean') {
      this.scalar(value ? 'true' : 'false', 'plain');
    } else if (Array.isArray(value)) {
      if (value.length === 0) this.emptyFlow('[', ']');
      else this.blockSequence(value);
    } else {
      const entries = new Map<string, JsonValue>();
      for (const key of Object.keys(value).sort(compareGoStrings)) {
        const v = value[key];
        if (v === undefined) continue;
        if (key.includes('\u0085')) {
          // In the JSON text the NEL is a line break inside a flow mapping key, which go-yaml rejects.
          throw new ClusterctlError(
            'INVALID_YAML',
            `yaml: line 1: did not find expected ',' or '}' (key ${JSON.stringify(key)})`,
            {
              hint: 'Remove the NEL character (U+0085) from the map key.',
            },
          );
        }
        entries.set(jsonRoundTrip(key), v);
      }
      if (entries.size === 0) this.emptyFlow('{', '}');
      else this.blockMapping(entries);
    }
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.increaseIndent(true, false);
    this.popIndent();
    this.writeIndicator(close, false, false, false);
  }

  private blockSequence(items: JsonValue[]): void {
    this.increaseIndent(false, this.mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      // JSON turns undefined array entries into null.
      this.node(item ?? null, { sequence: true });
    }
    this.popIndent();
  }

  private blockMapping(map: Map<string, JsonValue>): void {
    this.increaseIndent(false, false);
    for (const key of [...map.keys()].sort(compareGoYamlKeys)) {
      this.writeIndent();
      if (this.isSimpleKey(key)) {
        this.node(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(key, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(map.get(key) ?? null, { mapping: true });
    }
    this.popIndent();
  }

  /** libyaml's check_simple_key for a string key: one line and at most 128 bytes. */
  private isSimpleKey(key: string): boolean {
    if (/[\r\n\u0085\u2028\u2029]/.test(key)) return false;
    return utf8Length(key) <= 128;
  }

  // --- scalars -----------------------------------------------------------------------------------

  private scalar(value: string, requested: Style): void {
    const cps = codePoints(value);
    const analysis = analyzeScalar(cps);
    let style = requested;
    if (this.simpleKeyContext && analysis.multiline) style = 'double';
    if (style === 'plain') {
      if (!analysis.blockPlainAllowed) style = 'single';
      if (cps.length === 0 && this.simpleKeyContext) style = 'single';
    }
    if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!analysis.blockAllowed || this.simpleKeyContext)) style = 'double';

    this.increaseIndent(true, false);
    const allowBreaks = !this.simpleKeyContext;
    switch (style) {
      case 'plain':
        this.writePlain(cps, allowBreaks);
        break;
      case 'single':
        this.writeSingleQuoted(cps, allowBreaks);
        break;
      case 'double':
        this.writeDoubleQuoted(cps, allowBreaks);
        break;
      case 'literal':
        this.writeLiteral(cps);
        break;
    }
    this.popIndent();
  }

  private writePlain(cps: number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    this.writeFlowText(cps, (i) => allowBreaks && !isSpace(cps[i + 1]), false);
    this.whitespace = false;
    this.indention = false;
  }

  /**
   * The text of a plain or single-quoted scalar as go-yaml writes it: past the best width a space
   * becomes a line break where `mayFold(i)` allows, the first line break of a run is doubled, and
   * with `doubleQuotes` a single quote is written twice.
   */
  private writeFlowText(cps: number[], mayFold: (i: number) => boolean, doubleQuotes: boolean): void {
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] ?? 0;
      if (isSpace(c)) {
        if (!spaces && this.column > BEST_WIDTH && mayFold(i)) this.writeIndent();
        else this.put(' ');
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (doubleQuotes && c === 0x27) this.put("'");
        this.put(String.fromCodePoint(c));
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
  }

  private writeSingleQuoted(cps: number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    this.writeFlowText(cps, (i) => allowBreaks && i > 0 && i < cps.length - 1 && !isSpace(cps[i + 1]), true);
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(cps: number[], allowBreaks: boolean): void {
    const bom = cps[0] === 0xfeff;
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] ?? 0;
      if (!isPrintable(c) || bom || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put('\\');
        const short = escapes.get(c);
        if (short !== undefined) this.put(short);
        else if (c <= 0xff) for (const ch of `x${hex(c, 2)}`) this.put(ch);
        else if (c <= 0xffff) for (const ch of `u${hex(c, 4)}`) this.put(ch);
        else for (const ch of `U${hex(c, 8)}`) this.put(ch);
        spaces = false;
      } else if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < cps.length - 1) {
          this.writeIndent();
          if (isSpace(cps[i + 1])) this.put('\\');
        } else {
          this.put(' ');
        }
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c));
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(cps: number[]): void {
    this.writeIndicator('|', true, false, false);
    // Block scalar hints: an explicit indentation when the text starts with a space or a break, and
    // the chomping indicator ('-' strip, none = clip, '+' keep).
    if (isSpace(cps[0]) || isBreak(cps[0])) this.writeIndicator(String(BEST_INDENT), false, false, false);
    const n = cps.length;
    let chomp = '';
    if (n === 0 || !isBreak(cps[n - 1])) chomp = '-';
    else if (n === 1 || isBreak(cps[n - 2])) chomp = '+';
    if (chomp !== '') this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of cps) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(String.fromCodePoint(c));
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/**
 * Marshals one value the way sigs.k8s.io/yaml.Marshal does (JSON round trip, then go-yaml v2).
 * The result ends with a newline.
 * @throws ClusterctlError INVALID_ARGUMENT for values JSON cannot carry (NaN, Infinity).
 */
export function marshalGoYaml(value: JsonValue): string {
  return new Emitter().document(value);
}
