/**
 * Scalar rules of go-yaml v2 (go.yaml.in/yaml/v2 v2.4.3), the library behind sigs.k8s.io/yaml that
 * clusterctl uses to read and write YAML:
 *
 * - how a plain scalar resolves (YAML 1.1 flavoured: `yes`/`on`/`y` are booleans, `0x1F`, `0o17` and
 *   `017` are integers, `1e3` is a float, `2024-01-01` is a timestamp, ...);
 * - which strings therefore need quotes when written;
 * - the order go-yaml sorts map keys in ("natural" order: digit runs compare as numbers);
 * - Go's `strconv.FormatFloat(f, 'g', -1, bits)`.
 */

/** What a scalar resolves to. Timestamps stay strings when decoded into interface{}. */
export type ResolvedScalar =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'str' }
  | { kind: 'timestamp' };

const TAG_PREFIX = 'tag:yaml.org,2002:';
export const Tags = {
  str: `${TAG_PREFIX}str`,
  int: `${TAG_PREFIX}int`,
  float: `${TAG_PREFIX}float`,
  bool: `${TAG_PREFIX}bool`,
  null: `${TAG_PREFIX}null`,
  timestamp: `${TAG_PREFIX}timestamp`,
  binary: `${TAG_PREFIX}binary`,
  merge: `${TAG_PREFIX}merge`,
} as const;

const special = new Map<string, ResolvedScalar>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) {
  special.set(s, { kind: 'bool', value: true });
}
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) {
  special.set(s, { kind: 'bool', value: false });
}
for (const s of ['', '~', 'null', 'Null', 'NULL']) special.set(s, { kind: 'null' });
for (const s of ['.nan', '.NaN', '.NAN']) special.set(s, { kind: 'float', value: NaN });
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) special.set(s, { kind: 'float', value: Infinity });
for (const s of ['-.inf', '-.Inf', '-.INF']) special.set(s, { kind: 'float', value: -Infinity });

/** The first-character hint of go-yaml's resolver: 'S'ign, 'D'igit, 'M'ap, '.' or none. */
function hintOf(s: string): string {
  if (s === '') return 'N';
  const c = s[0] ?? '';
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return '';
}

// ---------------------------------------------------------------------------------------------
// strconv ports
// ---------------------------------------------------------------------------------------------

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_LIMIT = 1n << 63n;

/** strconv's underscoreOK: underscores only between digits (or after a base prefix). */
function underscoreOK(text: string): boolean {
  let s = text;
  let saw = '^';
  let i = 0;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1] ?? '')) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i] ?? '';
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseUint(s, base, 64); undefined on a syntax or range error. */
function goParseUint(text: string, baseIn: number): bigint | undefined {
  if (text === '') return undefined;
  let s = text;
  let base = baseIn;
  const base0 = base === 0;
  if (base0) {
    base = 10;
    if (s[0] === '0') {
      const p = (s[1] ?? '').toLowerCase();
      if (s.length >= 3 && p === 'b') {
        base = 2;
        s = s.slice(2);
      } else if (s.length >= 3 && p === 'o') {
        base = 8;
        s = s.slice(2);
      } else if (s.length >= 3 && p === 'x') {
        base = 16;
        s = s.slice(2);
      } else {
        base = 8;
        s = s.slice(1);
      }
    }
  }
  let n = 0n;
  let underscores = false;
  const b = BigInt(base);
  for (const c of s) {
    if (c === '_' && base0) {
      underscores = true;
      continue;
    }
    const lower = c.toLowerCase();
    let d: number;
    if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 48;
    else if (lower >= 'a' && lower <= 'z' && lower.length === 1) d = lower.charCodeAt(0) - 87;
    else return undefined;
    if (d >= base) return undefined;
    n = n * b + BigInt(d);
    if (n > UINT64_MAX) return undefined;
  }
  if (underscores && !underscoreOK(text)) return undefined;
  return n;
}

/** strconv.ParseInt(s, base, 64); undefined on a syntax or range error. */
function goParseInt(text: string, base: number): bigint | undefined {
  if (text === '') return undefined;
  let s = text;
  let neg = false;
  if (s[0] === '+') s = s.slice(1);
  else if (s[0] === '-') {
    neg = true;
    s = s.slice(1);
  }
  const un = goParseUint(s, base);
  if (un === undefined) return undefined;
  if (!neg && un >= INT64_LIMIT) return undefined;
  if (neg && un > INT64_LIMIT) return undefined;
  return neg ? -un : un;
}

const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** strconv.ParseFloat(s, 64) for the decimal forms go-yaml can reach; undefined on error or overflow. */
function goParseDecimalFloat(text: string): number | undefined {
  if (!/^[+-]?([0-9_]*\.?[0-9_]*)([eE][+-]?[0-9][0-9_]*)?$/.test(text)) return undefined;
  if (!/[0-9]/.test(text.replace(/[eE].*$/, ''))) return undefined;
  if (text.includes('_') && !underscoreOK(text)) return undefined;
  const value = Number(text.replace(/_/g, ''));
  return Number.isFinite(value) ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Timestamps (go-yaml's allowedTimestampFormats through Go's time.Parse)
// ---------------------------------------------------------------------------------------------

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** time.Parse's getnum: one or two digits. */
function getNum(s: string): [number, string] | undefined {
  const m = /^[0-9]{1,2}/.exec(s);
  return m ? [Number(m[0]), s.slice(m[0].length)] : undefined;
}

/** Parses `15:4:5` with an optional `.999999999` (or `,`) fraction; returns the rest. */
function parseClock(text: string): string | undefined {
  const h = getNum(text);
  if (!h || h[0] >= 24 || !h[1].startsWith(':')) return undefined;
  const m = getNum(h[1].slice(1));
  if (!m || m[0] >= 60 || !m[1].startsWith(':')) return undefined;
  const s = getNum(m[1].slice(1));
  if (!s || s[0] >= 60) return undefined;
  const frac = /^[.,][0-9]+/.exec(s[1]);
  return frac ? s[1].slice(frac[0].length) : s[1];
}

function parseZone(text: string): boolean {
  if (text.startsWith('Z')) return text.length === 1;
  const m = /^([+-])([0-9]{2}):([0-9]{2})$/.exec(text);
  return m !== null && Number(m[2]) <= 24 && Number(m[3]) <= 60;
}

/** Whether go-yaml v2 resolves a plain scalar as a timestamp. */
function isGoTimestamp(s: string): boolean {
  const date = /^([0-9]{4})-/.exec(s);
  if (!date) return false;
  const year = Number(date[1]);
  const month = getNum(s.slice(5));
  if (!month || month[0] < 1 || month[0] > 12 || !month[1].startsWith('-')) return false;
  const day = getNum(month[1].slice(1));
  if (!day || day[0] < 1 || day[0] > daysIn(month[0], year)) return false;
  const rest = day[1];
  if (rest === '') return true;
  if (rest.startsWith('T') || rest.startsWith('t')) {
    const zone = parseClock(rest.slice(1));
    if (zone !== undefined && parseZone(zone)) return true;
  }
  if (rest.startsWith(' ')) {
    const end = parseClock(rest.replace(/^ +/, ''));
    if (end === '') return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------

/** go-yaml v2's resolve("", s) for a plain (unquoted, untagged) scalar. */
export function resolvePlainScalar(s: string): ResolvedScalar {
  const hint = hintOf(s);
  if (hint === '') return { kind: 'str' };
  const known = special.get(s);
  if (known) return known;
  if (hint === '.') {
    const f = goParseDecimalFloat(s);
    return f === undefined ? { kind: 'str' } : { kind: 'float', value: f };
  }
  if (hint === 'D' || hint === 'S') {
    if (isGoTimestamp(s)) return { kind: 'timestamp' };
    const plain = s.replace(/_/g, '');
    const i = goParseInt(plain, 0);
    if (i !== undefined) return { kind: 'int', value: i };
    const u = goParseUint(plain, 0);
    if (u !== undefined) return { kind: 'int', value: u };
    if (yamlStyleFloat.test(plain)) {
      const f = goParseDecimalFloat(plain);
      if (f !== undefined) return { kind: 'float', value: f };
    }
    if (plain.startsWith('0b')) {
      const b = goParseInt(plain.slice(2), 2) ?? goParseUint(plain.slice(2), 2);
      if (b !== undefined) return { kind: 'int', value: b };
    } else if (plain.startsWith('-0b')) {
      const b = goParseInt(`-${plain.slice(3)}`, 2);
      if (b !== undefined) return { kind: 'int', value: b };
    }
  }
  return { kind: 'str' };
}

/**
 * go-yaml v2's resolve(tag, s) for an explicitly tagged scalar. Unknown tags leave the text as a
 * string; a value that does not fit its tag is an error message.
 */
export function resolveTaggedScalar(tag: string, s: string): ResolvedScalar | string {
  const resolvable: string[] = [Tags.str, Tags.bool, Tags.int, Tags.float, Tags.null, Tags.timestamp];
  if (!resolvable.includes(tag)) return { kind: 'str' };
  if (tag === Tags.str) return { kind: 'str' };
  const r = resolvePlainScalar(s);
  const short = (t: string): string => `!!${t}`;
  if (tag === Tags.timestamp)
    return r.kind === 'timestamp' ? r : `cannot decode ${short(r.kind)} \`${s}\` as a !!timestamp`;
  if (tag === Tags.float && r.kind === 'int') return { kind: 'float', value: Number(r.value) };
  const want = tag.slice(TAG_PREFIX.length);
  if (r.kind === want) return r;
  return `cannot decode ${short(r.kind)} \`${s}\` as a ${short(want)}`;
}

const base60Float = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** go-yaml v2 quotes strings that YAML 1.1 would read as sexagesimal numbers, e.g. `1:20`. */
function isBase60Float(s: string): boolean {
  if (s === '') return false;
  const c = s[0] ?? '';
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9')) || !s.includes(':')) return false;
  return base60Float.test(s);
}

/** Whether go-yaml v2 may write the string unquoted (it would read back as the same string). */
export function canBePlainString(s: string): boolean {
  return resolvePlainScalar(s).kind === 'str' && !isBase60Float(s);
}

// ---------------------------------------------------------------------------------------------
// Key order
// ---------------------------------------------------------------------------------------------

const isLetter = (cp: number): boolean =>
  cp < 0x80 ? (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) : /\p{L}/u.test(String.fromCodePoint(cp));
const isDigit = (cp: number): boolean =>
  cp < 0x80 ? cp >= 0x30 && cp <= 0x39 : /\p{Nd}/u.test(String.fromCodePoint(cp));

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0) ?? 0);
  return out;
}

/**
 * go-yaml v2's ordering of string map keys: letters after non-letters, letters by code point, and
 * runs of digits compared by numeric value ("node9" < "node10").
 */
function goYamlKeyLess(a: string, b: string): boolean {
  const ar = codePoints(a);
  const br = codePoints(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] ?? 0;
    const bc = br[i] ?? 0;
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return ac < bc;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ac === 0x30 || bc === 0x30) {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] ?? 0); j--) {
        if (ar[j] !== 0x30) {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai] ?? 0); ai++)
      an = BigInt.asIntN(64, an * 10n + BigInt((ar[ai] ?? 0) - 0x30));
    let bi = i;
    for (; bi < br.length && isDigit(br[bi] ?? 0); bi++)
      bn = BigInt.asIntN(64, bn * 10n + BigInt((br[bi] ?? 0) - 0x30));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ac < bc;
  }
  return ar.length < br.length;
}

export function compareGoYamlKeys(a: string, b: string): number {
  if (goYamlKeyLess(a, b)) return -1;
  if (goYamlKeyLess(b, a)) return 1;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Float formatting
// ---------------------------------------------------------------------------------------------

/** Shortest decimal digits of |x| (no leading/trailing zeros) and the decimal point position. */
function shortestDigits(x: number, bits: 32 | 64): { digits: string; point: number } {
  let text: string;
  if (bits === 64) {
    text = String(Math.abs(x));
  } else {
    const f = Math.fround(Math.abs(x));
    text = String(f);
    for (let p = 1; p <= 9; p++) {
      const candidate = f.toPrecision(p);
      if (Math.fround(Number(candidate)) === f) {
        text = String(Number(candidate));
        break;
      }
    }
  }
  const m = /^([0-9]+)(?:\.([0-9]+))?(?:e([+-][0-9]+))?$/.exec(text);
  if (!m) return { digits: '', point: 0 };
  const intPart = m[1] ?? '';
  const fracPart = m[2] ?? '';
  const exp = m[3] === undefined ? 0 : Number(m[3]);
  let digits = intPart + fracPart;
  let point = intPart.length + exp;
  const lead = /^0*/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(lead);
  point -= lead;
  digits = digits.replace(/0+$/, '');
  if (digits === '') point = 0;
  return { digits, point };
}

/** Go's strconv.FormatFloat(x, 'g', -1, bits), with go-yaml's `.inf`/`.nan` spellings. */
export function formatGoFloat(x: number, bits: 32 | 64 = 64): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const { digits, point } = shortestDigits(x, bits);
  if (digits === '') return `${sign}0`;
  const exp = point - 1;
  if (exp < -4 || exp >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * How a number reads after clusterctl's round trip (YAML -> float64 JSON -> go-yaml): integral values
 * that fit in int64/uint64 print as integers, everything else with %g.
 */
export function formatJsonNumberForYaml(x: number): string {
  const json = String(x);
  if (/^-?[0-9]+$/.test(json)) {
    const big = BigInt(json);
    if (big >= -INT64_LIMIT && big <= UINT64_MAX) return big.toString();
  }
  return formatGoFloat(x, 64);
}
