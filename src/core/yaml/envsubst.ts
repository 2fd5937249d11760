/**
 * Variable substitution with the semantics clusterctl gets from drone/envsubst v2 (commit 1790424)
 * and its own "simple processor":
 *
 * - only `${...}` is an expression; a bare `$X` is text, and `$$` is an escape (`$${X}` -> `${X}`);
 * - `${ X }`, `${ X}` and `${X }` are first rewritten to `${X}` (clusterctl's legacy spacing);
 * - `${v}` `${#v}` `${v^}` `${v^^}` `${v,}` `${v,,}` `${v:n}` `${v:n:len}` `${v#p}` `${v##p}` `${v%p}`
 *   `${v%%p}` `${v/p/r}` `${v//p/r}` `${v/#p/r}` `${v/%p/r}` `${v=d}` `${v:=d}` `${v:-d}`, and
 *   `${v:?d}` `${v:+d}`, which act as defaults too; a default applies when the value is missing or
 *   empty, and may contain nested expressions.
 *
 * The scanner is a faithful port of drone's hand-written one, quirks included, because templates in
 * the wild depend on them: it works on UTF-8 bytes (so `${#v}` counts bytes), the text of a `/`
 * pattern runs up to the next unescaped `/` even past a `}`, `\/` and `\\` are escapes only inside
 * `/` operators, and a NUL byte ends the input.
 */
import { ClusterctlError } from '../../errors.js';
import { globMatch } from './envsubst-glob.js';
import { compareGoStrings, decodeRune, decodeUtf8, encodeUtf8, isUnicodeDigit, isUnicodeLetter } from './utf8.js';

/** Looks a variable up; `undefined` means "not set" (an empty string is a set, empty value). */
export type VariableLookup = (name: string) => string | undefined;

/** A variable found by {@link inspectVariables}. */
export interface TemplateVariable {
  name: string;
  /** The default written in the template (operator arguments concatenated), if any. */
  default: string | undefined;
  /** True when the template gives no default: the variable must then be set. */
  required: boolean;
}

/**
 * A parsed template: text and `${...}` expressions. Text, names and arguments are *byte strings*
 * (one UTF-16 unit per UTF-8 byte) so that every operator sees Go's byte semantics.
 */
type TemplateNode = TextNode | ExpressionNode;

interface TextNode {
  kind: 'text';
  value: string;
}

interface ExpressionNode {
  kind: 'expression';
  /** The variable name. */
  param: string;
  /** '' for `${v}`, or one of `#` `##` `%` `%%` `^` `^^` `,` `,,` `:` `/` `//` `/#` `/%` `=` `:=` `:-` `:?` `:+`. */
  operator: string;
  args: TemplateNode[];
}

/** A JavaScript string as a byte string of its UTF-8 encoding. */
function toByteString(text: string): string {
  // Fast path: ASCII text is its own byte string.
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(text)) return text;
  return bytesToByteString(encodeUtf8(text));
}

function bytesToByteString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

function byteStringToBytes(bytes: string): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
  return out;
}

/** Back to a JavaScript string; bytes that are not valid UTF-8 become U+FFFD. */
function fromByteString(bytes: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(bytes)) return bytes;
  return decodeUtf8(byteStringToBytes(bytes));
}

/** Go's `for _, r := range s` over a byte string: runes with their byte widths (RuneError, 1 if invalid). */
function* runesOf(bytes: string): Generator<{ rune: number; width: number }> {
  const buf = byteStringToBytes(bytes);
  for (let i = 0; i < buf.length;) {
    const decoded = decodeRune(buf, i);
    yield decoded;
    i += decoded.width;
  }
}

function runeToByteString(rune: number): string {
  return toByteString(String.fromCodePoint(rune));
}

// ---------------------------------------------------------------------------------------------
// Legacy spacing
// ---------------------------------------------------------------------------------------------

// Go's \s is [\t\n\f\r ]; the name class includes '$' exactly as clusterctl's regular expression does.
const legacySpacing =
  /\$\{[\t\n\f\r ]+[A-Za-z0-9_$]+[\t\n\f\r ]+\}|\$\{[\t\n\f\r ]+[A-Za-z0-9_$]+\}|\$\{[A-Za-z0-9_$]+[\t\n\f\r ]+\}/g;

/** Rewrites `${ X }`, `${ X}` and `${X }` to `${X}`, as clusterctl does before parsing. */
export function normalizeLegacyVariables(text: string): string {
  if (!text.includes('${')) return text;
  return text.replace(legacySpacing, (match) => match.replace(/[\t\n\f\r ]/g, ''));
}

// ---------------------------------------------------------------------------------------------
// Scanner (byte based, as in Go)
// ---------------------------------------------------------------------------------------------

const EOF = 0;
const DOLLAR = 0x24;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const COLON = 0x3a;
const HASH = 0x23;
const PERCENT = 0x25;
const EQUALS = 0x3d;
const DASH = 0x2d;
const QUESTION = 0x3f;
const PLUS = 0x2b;
const COMMA = 0x2c;
const CARET = 0x5e;
const UNDERSCORE = 0x5f;

// Scanner modes.
const SCAN_IDENT = 1;
const SCAN_LBRACE = 2;
const SCAN_RBRACE = 4;
const SCAN_ESCAPE = 8;

// Escape sets: `$$` everywhere, `\/` and `\\` only inside expressions.
const ESCAPE_DOLLAR = 1;
const ESCAPE_BACKSLASH = 2;
const ESCAPE_ALL = ESCAPE_DOLLAR | ESCAPE_BACKSLASH;

type Token = 'illegal' | 'eof' | 'ident' | 'lbrace' | 'rbrace';

/** Decides whether a rune belongs to the current token; `offset` is the byte offset after it. */
type Accept = (rune: number, offset: number) => boolean;

const acceptAny: Accept = () => true;
const acceptIdent: Accept = (r) => r === UNDERSCORE || isUnicodeLetter(r) || isUnicodeDigit(r);
const acceptColon: Accept = (r) => r === COLON;
const acceptOneHash: Accept = (r, i) => r === HASH && i === 1;
const acceptNotClosing: Accept = (r) => r !== RBRACE;
const acceptHashOperator: Accept = (r, i) => r === HASH && i < 3;
const acceptPercentOperator: Accept = (r, i) => r === PERCENT && i < 3;
const acceptDefaultOperator: Accept = (r, i) =>
  (i === 1 && r === COLON) || (i === 2 && (r === EQUALS || r === DASH || r === QUESTION || r === PLUS));
const acceptReplaceOperator: Accept = (r, i) =>
  (i === 1 && r === SLASH) || (i === 2 && (r === SLASH || r === HASH || r === PERCENT));
const acceptOneEqual: Accept = (r, i) => i === 1 && r === EQUALS;
const acceptOneColon: Accept = (r, i) => i === 1 && r === COLON;
const rejectColonClose: Accept = (r) => r !== COLON && r !== RBRACE;
const acceptSlash: Accept = (r) => r === SLASH;
const acceptNotSlash: Accept = (r) => r !== SLASH;
const acceptCaseOperator: Accept = (r, i) => (r === COMMA || r === CARET) && i < 3;

/**
 * drone's scanner deletes an escape character from its buffer and keeps reading; here the buffer stays
 * intact, the deleted offsets are remembered, and positions are shifted instead, which is equivalent
 * because the scanner never reads back across a deletion.
 */
class Scanner {
  pos = 0;
  start = 0;
  width = 0;
  mode = 0;
  escapes = 0;
  accept: Accept = acceptAny;
  private skipped: number[] = [];

  constructor(readonly buf: Uint8Array) {}

  read(): number {
    if (this.pos >= this.buf.length) {
      this.width = 0;
      return EOF;
    }
    const b = this.buf[this.pos] ?? 0;
    if (b < 0x80) {
      this.width = 1;
      this.pos += 1;
      return b;
    }
    const { rune, width } = decodeRune(this.buf, this.pos);
    this.width = width;
    this.pos += width;
    return rune;
  }

  unread(): void {
    this.pos -= this.width;
  }

  peek(): number {
    const r = this.read();
    this.unread();
    return r;
  }

  /** Drops the escape character just read; the escaped character after it joins the token as is. */
  private skip(): void {
    this.skipped.push(this.pos - 1);
    this.pos += 1;
  }

  /** Offset of the current position from the token start, as Go computes it on its edited buffer. */
  private offset(): number {
    return this.pos - this.start - this.skipped.length;
  }

  /** The text of the token just scanned, as a byte string. */
  text(): string {
    let out = '';
    let from = this.start;
    for (const at of this.skipped) {
      out += bytesToByteString(this.buf.subarray(from, at));
      from = at + 1;
    }
    return out + bytesToByteString(this.buf.subarray(from, this.pos));
  }

  scan(): Token {
    this.start = this.pos;
    this.skipped = [];
    const r = this.read();
    if (r === EOF) return 'eof';
    if (this.scanLbrace(r)) return 'lbrace';
    if (this.scanRbrace(r)) return 'rbrace';
    if (this.scanIdent(r)) return 'ident';
    return 'illegal';
  }

  private scanIdent(first: number): boolean {
    if ((this.mode & SCAN_IDENT) === 0) return false;
    if (this.isEscape(first)) this.skip();
    else if (!this.accept(first, this.offset())) return false;
    for (;;) {
      const r = this.read();
      if (r === EOF) {
        this.unread();
        break;
      }
      if (this.scanLbrace(r)) {
        this.unread();
        this.unread();
        break;
      }
      if (this.isEscape(r)) {
        this.skip();
        continue;
      }
      if (!this.accept(r, this.offset())) {
        this.unread();
        break;
      }
    }
    return true;
  }

  private scanLbrace(r: number): boolean {
    if ((this.mode & SCAN_LBRACE) === 0) return false;
    if (r === DOLLAR) {
      if (this.read() === LBRACE) return true;
      this.unread();
    }
    return false;
  }

  private scanRbrace(r: number): boolean {
    return (this.mode & SCAN_RBRACE) !== 0 && r === RBRACE;
  }

  private isEscape(r: number): boolean {
    if ((this.mode & SCAN_ESCAPE) === 0) return false;
    if (r === DOLLAR && (this.escapes & ESCAPE_DOLLAR) !== 0 && this.peek() === DOLLAR) return true;
    if (r === BACKSLASH && (this.escapes & ESCAPE_BACKSLASH) !== 0) {
      const next = this.peek();
      return next === SLASH || next === BACKSLASH;
    }
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

/** drone's error texts, kept so that messages stay recognisable. */
const ErrorText = {
  badSubstitution: 'bad substitution',
  missingClosingBrace: 'missing closing brace',
  variableName: 'unable to parse variable name',
  functionArgument: 'unable to parse substitution within function',
  defaultFunction: 'unable to parse default function',
} as const;

class ParseError extends Error {}

class Parser {
  private readonly s: Scanner;

  constructor(buf: Uint8Array) {
    this.s = new Scanner(buf);
  }

  /** Byte offset of the `${` that opened the top-level expression being parsed. */
  expressionStart = -1;

  parseTemplate(): TemplateNode[] {
    const nodes: TemplateNode[] = [];
    const s = this.s;
    for (;;) {
      s.accept = acceptAny;
      s.mode = SCAN_IDENT | SCAN_LBRACE | SCAN_ESCAPE;
      s.escapes = ESCAPE_DOLLAR;
      const token = s.scan();
      if (token === 'ident') {
        nodes.push({ kind: 'text', value: s.text() });
      } else if (token === 'eof') {
        return nodes;
      } else if (token === 'lbrace') {
        this.expressionStart = s.start;
        nodes.push(this.parseExpression());
      } else {
        throw new ParseError(ErrorText.badSubstitution);
      }
    }
  }

  private parseExpression(): ExpressionNode {
    const s = this.s;
    s.escapes = ESCAPE_ALL;
    if (s.peek() === HASH) return this.parseLength();

    s.accept = acceptIdent;
    s.mode = SCAN_IDENT;
    if (s.scan() !== 'ident') throw new ParseError(ErrorText.variableName);
    const name = s.text();

    switch (s.peek()) {
      case COLON:
        return this.parseDefaultOrSubstring(name);
      case EQUALS:
        return this.parseDefault(name);
      case COMMA:
      case CARET:
        return this.parseCase(name);
      case SLASH:
        return this.parseReplace(name);
      case HASH:
        return this.parseTrim(name, acceptHashOperator);
      case PERCENT:
        return this.parseTrim(name, acceptPercentOperator);
    }

    s.accept = acceptIdent;
    s.mode = SCAN_RBRACE;
    if (s.scan() !== 'rbrace') throw new ParseError(ErrorText.missingClosingBrace);
    return { kind: 'expression', param: name, operator: '', args: [] };
  }

  private parseArgument(accept: Accept, mode: number): TemplateNode {
    const s = this.s;
    s.accept = accept;
    s.mode = mode | SCAN_LBRACE;
    const token = s.scan();
    if (token === 'lbrace') return this.parseExpression();
    if (token === 'ident' || token === 'rbrace') return { kind: 'text', value: s.text() };
    throw new ParseError(ErrorText.functionArgument);
  }

  private parseOperator(accept: Accept, error: string): string {
    const s = this.s;
    s.accept = accept;
    s.mode = SCAN_IDENT;
    if (s.scan() !== 'ident') throw new ParseError(error);
    return s.text();
  }

  private parseDefaultOrSubstring(name: string): ExpressionNode {
    const s = this.s;
    // As in Go: step over ':' to look at the next rune, then step back by that rune's width.
    s.read();
    const next = s.peek();
    s.unread();
    if (next === EQUALS || next === DASH || next === QUESTION || next === PLUS) return this.parseDefault(name);
    return this.parseSubstring(name);
  }

  private parseSubstring(name: string): ExpressionNode {
    const s = this.s;
    const node: ExpressionNode = { kind: 'expression', param: name, operator: '', args: [] };
    node.operator = this.parseOperator(acceptOneColon, ErrorText.badSubstitution);
    node.args.push(this.parseArgument(rejectColonClose, SCAN_IDENT));

    s.accept = acceptColon;
    s.mode = SCAN_IDENT | SCAN_RBRACE;
    const token = s.scan();
    if (token === 'rbrace') return node;
    if (token !== 'ident') throw new ParseError(ErrorText.badSubstitution);

    node.args.push(this.parseArgument(acceptNotClosing, SCAN_IDENT));
    this.consumeRbrace();
    return node;
  }

  private parseTrim(name: string, accept: Accept): ExpressionNode {
    const node: ExpressionNode = { kind: 'expression', param: name, operator: '', args: [] };
    node.operator = this.parseOperator(accept, ErrorText.badSubstitution);
    node.args.push(this.parseArgument(acceptNotClosing, SCAN_IDENT));
    this.consumeRbrace();
    return node;
  }

  private parseReplace(name: string): ExpressionNode {
    const s = this.s;
    const node: ExpressionNode = { kind: 'expression', param: name, operator: '', args: [] };
    node.operator = this.parseOperator(acceptReplaceOperator, ErrorText.badSubstitution);
    node.args.push(this.parseArgument(acceptNotSlash, SCAN_IDENT | SCAN_ESCAPE));

    s.accept = acceptSlash;
    s.mode = SCAN_IDENT;
    if (s.scan() !== 'ident') throw new ParseError(ErrorText.badSubstitution);

    if (s.peek() === RBRACE) {
      this.consumeRbrace();
      return node;
    }
    node.args.push(this.parseArgument(acceptNotClosing, SCAN_IDENT | SCAN_ESCAPE));
    this.consumeRbrace();
    return node;
  }

  private parseDefault(name: string): ExpressionNode {
    const s = this.s;
    const node: ExpressionNode = { kind: 'expression', param: name, operator: '', args: [] };
    const accept = s.peek() === EQUALS ? acceptOneEqual : acceptDefaultOperator;
    node.operator = this.parseOperator(accept, ErrorText.defaultFunction);
    for (;;) {
      if (s.peek() === RBRACE) {
        this.consumeRbrace();
        return node;
      }
      node.args.push(this.parseArgument(acceptNotClosing, SCAN_IDENT));
    }
  }

  private parseCase(name: string): ExpressionNode {
    const node: ExpressionNode = { kind: 'expression', param: name, operator: '', args: [] };
    node.operator = this.parseOperator(acceptCaseOperator, ErrorText.badSubstitution);
    this.consumeRbrace();
    return node;
  }

  private parseLength(): ExpressionNode {
    const operator = this.parseOperator(acceptOneHash, ErrorText.badSubstitution);
    const param = this.parseOperator(acceptIdent, ErrorText.badSubstitution);
    this.consumeRbrace();
    return { kind: 'expression', param, operator, args: [] };
  }

  private consumeRbrace(): void {
    this.s.mode = SCAN_RBRACE;
    if (this.s.scan() !== 'rbrace') throw new ParseError(ErrorText.badSubstitution);
  }
}

/** Describes where a parse error happened: the expression text, its line and column. */
function describeExpressionAt(bytes: Uint8Array, offset: number): string {
  if (offset < 0) return '';
  let lineStart = 0;
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = [...decodeUtf8(bytes.subarray(lineStart, offset))].length + 1;
  let end = offset;
  while (end < bytes.length && bytes[end] !== 0x0a && bytes[end] !== RBRACE) end++;
  if (end < bytes.length && bytes[end] === RBRACE) end++;
  let snippet = decodeUtf8(bytes.subarray(offset, end));
  if ([...snippet].length > 80) snippet = `${[...snippet].slice(0, 77).join('')}...`;
  return `${JSON.stringify(snippet)} (line ${line}, column ${column})`;
}

const syntaxHint =
  'Fix the expression in the template. Supported forms: ${VAR}, ${VAR:=default}, ${VAR:-default}, ${VAR=default}, ' +
  '${#VAR}, ${VAR^^}, ${VAR,,}, ${VAR:offset:length}, ${VAR#pattern}, ${VAR%pattern}, ${VAR/pattern/replacement}; ' +
  'write $$ for a literal $ (e.g. $${NOT_A_VARIABLE}).';

/**
 * Parses a template into text and expression nodes (after the legacy spacing rewrite).
 * @throws ClusterctlError INVALID_YAML naming the offending expression.
 */
function parseTemplate(text: string): TemplateNode[] {
  const bytes = encodeUtf8(normalizeLegacyVariables(text));
  const parser = new Parser(bytes);
  try {
    return parser.parseTemplate();
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    const where = describeExpressionAt(bytes, parser.expressionStart);
    const message = where
      ? `invalid variable expression ${where}: ${error.message}`
      : `invalid variable expression: ${error.message}`;
    throw new ClusterctlError('INVALID_YAML', message, { hint: syntaxHint });
  }
}

// ---------------------------------------------------------------------------------------------
// Operators, on byte strings
// ---------------------------------------------------------------------------------------------

/** Go's unicode.ToUpper / ToLower on one rune (simple case mapping: one rune in, one rune out). */
function mapRune(rune: number, upper: boolean): number {
  if (!upper && rune === 0x130) return 0x69;
  const ch = String.fromCodePoint(rune);
  const mapped = [...(upper ? ch.toUpperCase() : ch.toLowerCase())];
  return mapped.length === 1 ? (mapped[0]?.codePointAt(0) ?? rune) : rune;
}

/** strings.ToUpper / strings.ToLower: every rune mapped, invalid bytes replaced by U+FFFD. */
function mapAll(s: string, upper: boolean): string {
  let out = '';
  for (const { rune } of runesOf(s))
    out += rune < 0x80 ? String.fromCharCode(mapRune(rune, upper)) : runeToByteString(mapRune(rune, upper));
  return out;
}

/** drone's first-rune case change: string(unicode.ToUpper(r)) + s[n:]. */
function mapFirst(s: string, upper: boolean): string {
  if (s === '') return s;
  const first = runesOf(s).next();
  if (first.done === true) return s;
  return runeToByteString(mapRune(first.value.rune, upper)) + s.slice(first.value.width);
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Go's strconv.Atoi on a 64-bit platform; undefined on a syntax or range error. */
function goAtoi(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/** `${v:offset}` and `${v:offset:length}`, counted in bytes, with bash's tolerance of bad numbers. */
function substring(s: string, args: string[], expression: () => string): string {
  const [first, second] = args;
  if (first === undefined) return s;
  let pos = goAtoi(first);
  if (pos === undefined) return s;
  const len = BigInt(s.length);
  if (pos < 0n) {
    pos += len;
    if (pos < 0n) pos = 0n;
  }
  if (second === undefined) return pos < len ? s.slice(Number(pos)) : '';
  const length = goAtoi(second);
  if (length === undefined) return s;
  const end = BigInt.asIntN(64, pos + length);
  if (end >= len) return pos < len ? s.slice(Number(pos)) : '';
  if (end < pos) {
    // drone/envsubst slices s[pos:pos+length] here and the Go program panics.
    throw new ClusterctlError(
      'INVALID_YAML',
      `invalid variable expression ${expression()}: negative substring length ${fromByteString(second)} ` +
        `for a value of ${len} bytes`,
      { hint: 'Use a length >= 0 in ${VAR:offset:length}.' },
    );
  }
  return s.slice(Number(pos), Number(end));
}

/** Go's strings.Replace(s, old, replacement, n) with n = 1 or -1 (all). */
function goReplace(s: string, old: string, replacement: string, all: boolean): string {
  if (old === replacement) return s;
  if (old === '') {
    if (!all) return replacement + s;
    let out = replacement;
    let at = 0;
    for (const { width } of runesOf(s)) {
      out += s.slice(at, at + width) + replacement;
      at += width;
    }
    return out;
  }
  if (all) return s.split(old).join(replacement);
  const at = s.indexOf(old);
  return at < 0 ? s : s.slice(0, at) + replacement + s.slice(at + old.length);
}

/** Go's string([]rune(s)) reversed: invalid bytes become U+FFFD. */
function reverseRunes(s: string): string {
  const runes = [...runesOf(s)].map((r) => r.rune);
  let out = '';
  for (let i = runes.length - 1; i >= 0; i--) out += runeToByteString(runes[i] ?? 0);
  return out;
}

/** Removes the shortest (or longest) prefix matching the glob pattern; unchanged on a bad pattern. */
function trimPrefix(s: string, pattern: string, longest: boolean): string {
  const bytes = byteStringToBytes(s);
  const pat = byteStringToBytes(pattern);
  let matchedLength = 0;
  for (let i = 0; i < bytes.length; i++) {
    const length = bytes.length - i;
    const result = globMatch(pat, bytes.subarray(0, length));
    if (result === 'bad-pattern') return s;
    if (result) {
      if (longest) return s.slice(length);
      matchedLength = length;
    }
  }
  return matchedLength > 0 ? s.slice(matchedLength) : s;
}

function trimSuffix(s: string, pattern: string, longest: boolean): string {
  return reverseRunes(trimPrefix(reverseRunes(s), reverseRunes(pattern), longest));
}

function applyOperator(operator: string, value: string, args: string[], expression: () => string): string {
  const [a0, a1] = args;
  switch (operator) {
    case ',':
      return mapFirst(value, false);
    case ',,':
      return mapAll(value, false);
    case '^':
      return mapFirst(value, true);
    case '^^':
      return mapAll(value, true);
    case '#':
      return a0 === undefined ? String(value.length) : trimPrefix(value, a0, false);
    case '##':
      return a0 === undefined ? value : trimPrefix(value, a0, true);
    case '%':
      return a0 === undefined ? value : trimSuffix(value, a0, false);
    case '%%':
      return a0 === undefined ? value : trimSuffix(value, a0, true);
    case ':':
      return substring(value, args, expression);
    case '/':
    case '//':
      return a0 === undefined ? value : goReplace(value, a0, a1 ?? '', operator === '//');
    case '/#':
      if (a0 === undefined || a1 === undefined || args.length !== 2) return value;
      return value.startsWith(a0) ? goReplace(value, a0, a1, false) : value;
    case '/%':
      if (a0 === undefined || a1 === undefined || args.length !== 2) return value;
      return value.endsWith(a0) ? value.slice(0, value.length - a0.length) + a1 : value;
    default:
      // '', '=', ':=', ':-', ':?', ':+' and any other operator drone accepts: default semantics.
      return value === '' && args.length > 0 ? args.join('') : value;
  }
}

/** Writes an expression back as text, for error messages. */
function renderExpression(node: ExpressionNode): string {
  const args = node.args.map((a) => (a.kind === 'text' ? a.value : renderExpression(a)));
  if (node.operator === '#' && args.length === 0) return `\${#${node.param}}`;
  if (node.operator === ':' && args.length === 2) return `\${${node.param}:${args[0]}:${args[1]}}`;
  if (node.operator.startsWith('/') && args.length === 2)
    return `\${${node.param}${node.operator}${args[0]}/${args[1]}}`;
  return `\${${node.param}${node.operator}${args.join('')}}`;
}

function evaluateNode(node: TemplateNode, lookup: (name: string) => string): string {
  if (node.kind === 'text') return node.value;
  const args = node.args.map((arg) => evaluateNode(arg, lookup));
  const expression = (): string => JSON.stringify(fromByteString(renderExpression(node)));
  return applyOperator(node.operator, lookup(node.param), args, expression);
}

function evaluateTemplate(nodes: readonly TemplateNode[], lookup: VariableLookup): string {
  const cache = new Map<string, string>();
  const resolve = (name: string): string => {
    let value = cache.get(name);
    if (value === undefined) {
      value = toByteString(lookup(fromByteString(name)) ?? '');
      cache.set(name, value);
    }
    return value;
  };
  let out = '';
  for (const node of nodes) out += evaluateNode(node, resolve);
  return fromByteString(out);
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * Substitutes every `${...}` expression; variables the lookup does not know are empty. No check for
 * required variables (see {@link processTemplate}).
 * @throws ClusterctlError INVALID_YAML on a malformed expression.
 */
export function substitute(text: string, lookup: VariableLookup): string {
  return evaluateTemplate(parseTemplate(text), lookup);
}

function inspectNodes(nodes: readonly TemplateNode[]): TemplateVariable[] {
  const seen = new Map<string, TemplateVariable>();
  for (const node of nodes) {
    if (node.kind !== 'expression' || seen.has(node.param)) continue;
    // The default is the operator arguments concatenated, nested expressions written as ${NAME}.
    const text = fromByteString(node.args.map((a) => (a.kind === 'text' ? a.value : `\${${a.param}}`)).join(''));
    const name = fromByteString(node.param);
    seen.set(node.param, { name, default: text === '' ? undefined : text, required: text === '' });
  }
  return [...seen.values()];
}

/**
 * Lists the variables of a template in order of first appearance, the way clusterctl inspects them:
 * only top-level expressions count (names nested in a default are not listed), the first occurrence
 * of a name decides its default, and a variable without a (non-empty) default is required. Note the
 * quirk inherited from clusterctl: any operator argument counts as a default, so `${V/#a/b}` is
 * optional with default "ab" and `${V:1}` with default "1".
 * @throws ClusterctlError INVALID_YAML on a malformed expression.
 */
export function inspectVariables(text: string): TemplateVariable[] {
  return inspectNodes(parseTemplate(text));
}

/** The variable names of a template sorted as clusterctl prints them (`generate yaml --list-variables`). */
export function listVariableNames(text: string): string[] {
  return inspectVariables(text)
    .map((v) => v.name)
    .sort(compareGoStrings);
}

/** The MISSING_VARIABLES error, carrying the sorted names. */
export class MissingVariablesError extends ClusterctlError {
  readonly variables: readonly string[];

  constructor(variables: readonly string[]) {
    const sorted = [...variables].sort(compareGoStrings);
    const first = sorted[0] ?? 'NAME';
    super(
      'MISSING_VARIABLES',
      `value for variables [${sorted.join(', ')}] is not set. Please set the value using os environment variables or the clusterctl config file`,
      {
        hint:
          `Set each one as an environment variable (e.g. export ${first}=...) or as a key in clusterctl.yaml ` +
          `(${first}: ...), or give it a default in the template with \${${first}:=value}.`,
      },
    );
    this.name = 'MissingVariablesError';
    this.variables = sorted;
  }
}

/**
 * clusterctl's simple processor: inspects the template, fails if any required variable (no default)
 * is not known to the lookup, listing all of them sorted, and otherwise substitutes with unknown
 * variables treated as empty.
 * @throws MissingVariablesError (code MISSING_VARIABLES) or ClusterctlError INVALID_YAML.
 */
export function processTemplate(text: string, lookup: VariableLookup): string {
  const nodes = parseTemplate(text);
  const missing = inspectNodes(nodes)
    .filter((v) => v.required && lookup(v.name) === undefined)
    .map((v) => v.name);
  if (missing.length > 0) throw new MissingVariablesError(missing);
  return evaluateTemplate(nodes, lookup);
}
