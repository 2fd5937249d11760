/**
 * UTF-8 helpers for the Go-compatible parts of the YAML layer. Go strings are byte strings: lengths,
 * offsets and slices in drone/envsubst and go-yaml count bytes, so the ports work on UTF-8 bytes
 * and convert back to JavaScript strings at their edges.
 */

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The Unicode replacement character, Go's utf8.RuneError. */
export const RUNE_ERROR = 0xfffd;

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Decodes UTF-8. Each byte of an invalid sequence becomes one U+FFFD, as in Go's `[]rune(s)` and
 * encoding/json (a Go string would keep the raw bytes; JavaScript strings cannot).
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    // Not valid UTF-8 (a byte-wise slice in the middle of a character): decode rune by rune instead.
    const parts: string[] = [];
    for (let i = 0; i < bytes.length;) {
      const { rune, width } = decodeRune(bytes, i);
      parts.push(String.fromCodePoint(rune));
      i += width;
    }
    return parts.join('');
  }
}

/** Byte length of a string in UTF-8, Go's len(s). */
export function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

export interface DecodedRune {
  rune: number;
  width: number;
}

/**
 * Go's utf8.DecodeRune on `bytes` at `pos`: (RuneError, 0) at the end, (RuneError, 1) for an invalid
 * or truncated sequence, otherwise the code point and its width.
 */
export function decodeRune(bytes: Uint8Array, pos: number): DecodedRune {
  if (pos >= bytes.length) return { rune: RUNE_ERROR, width: 0 };
  const b0 = bytes[pos] ?? 0;
  if (b0 < 0x80) return { rune: b0, width: 1 };
  const invalid = { rune: RUNE_ERROR, width: 1 };
  const cont = (offset: number, lo = 0x80, hi = 0xbf): number | undefined => {
    const b = bytes[pos + offset];
    return b !== undefined && b >= lo && b <= hi ? b & 0x3f : undefined;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 === undefined ? invalid : { rune: ((b0 & 0x1f) << 6) | c1, width: 2 };
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    const c1 = cont(1, lo, hi);
    const c2 = c1 === undefined ? undefined : cont(2);
    if (c1 === undefined || c2 === undefined) return invalid;
    return { rune: ((b0 & 0x0f) << 12) | (c1 << 6) | c2, width: 3 };
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    const c1 = cont(1, lo, hi);
    const c2 = c1 === undefined ? undefined : cont(2);
    const c3 = c2 === undefined ? undefined : cont(3);
    if (c1 === undefined || c2 === undefined || c3 === undefined) return invalid;
    return { rune: ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, width: 4 };
  }
  return invalid;
}

/** Compares two strings the way Go compares them (byte-wise UTF-8 order = code point order). */
export function compareGoStrings(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const na = ia.next();
    const nb = ib.next();
    if (na.done === true) return nb.done === true ? 0 : -1;
    if (nb.done === true) return 1;
    const ca = na.value.codePointAt(0) ?? 0;
    const cb = nb.value.codePointAt(0) ?? 0;
    if (ca !== cb) return ca < cb ? -1 : 1;
  }
}

/** Go's unicode.IsLetter. */
export function isUnicodeLetter(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  return /\p{L}/u.test(String.fromCodePoint(cp));
}

/** Go's unicode.IsDigit (category Nd). */
export function isUnicodeDigit(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  return /\p{Nd}/u.test(String.fromCodePoint(cp));
}
