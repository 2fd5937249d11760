/**
 * Kubernetes resource quantities ("100m", "128Mi", "1.5") as Go's resource.Quantity reads and writes
 * them. When clusterctl round-trips a Deployment through Go structs, every quantity is parsed and
 * written back in Kubernetes' canonical form ("1000m" becomes "1", "1.5Gi" becomes "1536Mi", a YAML
 * number 1 becomes the string "1"), except that a value already in canonical form keeps its
 * original spelling. Values are kept exact with BigInt: mantissa × 10^exponent.
 */

export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

const formatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const suffixWrong = "unable to parse quantity's suffix";

type Format = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

interface Parsed {
  positive: boolean;
  /** The leading signed number (up to the suffix), e.g. "-1.5". */
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Splits a quantity into sign, integer digits, fraction digits and suffix, like Go's parseQuantityString. */
function parseQuantityString(str: string): Parsed {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };

  let i = pos;
  while (isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, value: str, num, denom: '', suffix: '' };
  pos = i;
  if (num === '') num = '0';

  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);

  const suffixStart = pos;
  i = pos;
  while (i < end && 'eEinumkKMGTP'.includes(str[i] as string)) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = pos;
  while (isDigit(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  throw new QuantityError(formatWrong);
}

const decimalSuffixes: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binarySuffixes: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; format: Format } {
  const dec = decimalSuffixes[suffix];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = binarySuffixes[suffix];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const exponent = suffix.slice(1);
    if (/^[+-]?[0-9]+$/.test(exponent)) {
      const n = BigInt(exponent);
      if (n >= -(2n ** 63n) && n < 2n ** 63n)
        return { base: 10, exponent: Number(BigInt.asIntN(32, n)), format: 'DecimalExponent' };
    }
  }
  throw new QuantityError(suffixWrong);
}

/** An exact amount: mantissa × 10^exponent. */
interface Amount {
  mantissa: bigint;
  exponent: number;
}

const abs = (v: bigint): bigint => (v < 0n ? -v : v);
const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Rounds away from zero to `scale` decimal places (exponent >= -scale). Returns whether it was exact. */
function roundUpTo(amount: Amount, minExponent: number): { amount: Amount; exact: boolean } {
  if (amount.exponent >= minExponent) return { amount, exact: true };
  const divisor = pow10(minExponent - amount.exponent);
  const magnitude = abs(amount.mantissa);
  let q = magnitude / divisor;
  const exact = q * divisor === magnitude;
  if (!exact) q += 1n;
  return { amount: { mantissa: amount.mantissa < 0n ? -q : q, exponent: minExponent }, exact };
}

function compareWithInt(amount: Amount, value: bigint): number {
  const left = amount.exponent >= 0 ? amount.mantissa * pow10(amount.exponent) : amount.mantissa;
  const right = amount.exponent >= 0 ? value : value * pow10(-amount.exponent);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Kubernetes' canonical text for an amount in a format. */
function canonicalize(amount: Amount, format: Format): string {
  if (amount.mantissa === 0n) return '0';
  if (format === 'BinarySI') {
    if (compareWithInt(amount, -1024n) > 0 && compareWithInt(amount, 1024n) < 0) {
      format = 'DecimalSI';
    } else {
      const { amount: rounded, exact } = roundUpTo(amount, 0);
      if (!exact) {
        format = 'DecimalSI';
      } else {
        let value = rounded.mantissa * pow10(rounded.exponent);
        let times = 0;
        while (value !== 0n && value % 1024n === 0n) {
          value /= 1024n;
          times++;
        }
        const suffix = Object.entries(binarySuffixes).find(([, e]) => e === times * 10)?.[0] ?? '';
        return `${value}${suffix}`;
      }
    }
  }
  let { mantissa, exponent } = amount;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  let suffix: string;
  if (format === 'DecimalExponent') {
    suffix = exponent === 0 ? '' : `e${exponent}`;
  } else {
    suffix = Object.entries(decimalSuffixes).find(([, e]) => e === exponent)?.[0] ?? '';
  }
  return `${mantissa}${suffix}`;
}

const maxInt64 = 2n ** 63n - 1n;

/**
 * The text Go writes back for a quantity read from `input` (Quantity.UnmarshalJSON then String()).
 * @throws QuantityError with Kubernetes' message when the text is not a quantity.
 */
export function canonicalQuantity(input: string): string {
  const str = input.trim();
  if (str === '') throw new QuantityError(formatWrong);
  if (str === '0') return str;

  const parsed = parseQuantityString(str);
  const { base, exponent, format } = interpretSuffix(parsed.suffix);
  const sign = parsed.positive ? 1n : -1n;

  // Go's fast path: small enough numbers are kept as int64 and, when already canonical, keep their text.
  let precision = -1;
  let scale = 0;
  let multiplier = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && parsed.denom === '') {
      multiplier = 1n << BigInt(exponent);
      precision = 15 - parsed.num.length - Math.trunc((exponent * 3) / 10) - 1;
    }
  } else {
    scale = exponent;
    precision = 18 - (parsed.num.length + parsed.denom.length);
  }
  if (precision >= 0) {
    scale -= parsed.denom.length;
    if (scale >= -9) {
      const shifted = parsed.num + parsed.denom;
      const value = BigInt(shifted);
      const result = value * multiplier;
      if (result <= maxInt64) {
        const keep =
          format === 'BinarySI'
            ? exponent % 10 === 0 && (value & 7n) !== 0n
            : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        if (keep) return str;
        return canonicalize({ mantissa: sign * result, exponent: scale }, format);
      }
    }
  }

  // General path: exact decimal arithmetic, rounded up to nano units.
  const [intPart = '', fracPart = ''] = parsed.value.replace(/^[+-]/, '').split('.');
  let amount: Amount = { mantissa: BigInt((intPart + fracPart).replace(/^$/, '0')), exponent: -fracPart.length };
  if (base === 10) amount = { mantissa: amount.mantissa, exponent: amount.exponent + exponent };
  else amount = { mantissa: amount.mantissa * (1n << BigInt(exponent)), exponent: amount.exponent };
  if (amount.mantissa !== 0n) amount = roundUpTo(amount, -9).amount;
  let effectiveFormat = format;
  if (format === 'BinarySI' && compareWithInt(amount, maxInt64) > 0) amount = { mantissa: maxInt64, exponent: 0 };
  if (format === 'BinarySI' && compareWithInt(amount, 1n) < 0 && amount.mantissa > 0n) effectiveFormat = 'DecimalSI';
  return canonicalize({ mantissa: sign * amount.mantissa, exponent: amount.exponent }, effectiveFormat);
}
