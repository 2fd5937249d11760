/**
 * The shell-style pattern matcher behind `${v#p}`, `${v##p}`, `${v%p}` and `${v%%p}`.
 *
 * drone/envsubst ships a modified copy of Go's path.Match and this module reproduces its behaviour:
 * `*` matches any run of bytes, `/` included (a trailing `*` matches the rest at once), `?` matches one
 * character, `[...]`/`[^...]` are character classes with ranges, and `\` escapes the next character.
 * Matching works on UTF-8 bytes, as in Go; a malformed pattern is reported as 'bad-pattern', and the
 * trim operators then leave the value unchanged.
 */
import { decodeRune, RUNE_ERROR } from './utf8.js';

const STAR = 0x2a;
const QUESTION = 0x3f;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;

export type GlobResult = boolean | 'bad-pattern';

/** What a reader took from the front of its input, and the input left after it. */
type Taken<T> = T & { rest: Uint8Array };

type Chunk = Taken<{ star: boolean; chunk: Uint8Array }>;

/** Splits off the next literal chunk of the pattern, noting whether stars preceded it. */
function nextChunk(pattern: Uint8Array): Chunk {
  let p = pattern;
  let star = false;
  while (p.length > 0 && p[0] === STAR) {
    p = p.subarray(1);
    star = true;
  }
  let inClass = false;
  let i = 0;
  for (; i < p.length; i++) {
    const c = p[i];
    if (c === BACKSLASH) {
      if (i + 1 < p.length) i++;
    } else if (c === LBRACKET) {
      inClass = true;
    } else if (c === RBRACKET) {
      inClass = false;
    } else if (c === STAR && !inClass) {
      break;
    }
  }
  return { star, chunk: p.subarray(0, i), rest: p.subarray(i) };
}

type ClassChar = Taken<{ rune: number; bad: boolean }>;

/** Reads one (possibly escaped) character of a character class. */
function classChar(chunk: Uint8Array): ClassChar {
  let c = chunk;
  if (c.length === 0 || c[0] === DASH || c[0] === RBRACKET) return { rune: 0, rest: c, bad: true };
  if (c[0] === BACKSLASH) {
    c = c.subarray(1);
    if (c.length === 0) return { rune: 0, rest: c, bad: true };
  }
  const { rune, width } = decodeRune(c, 0);
  const rest = c.subarray(width);
  return { rune, rest, bad: (rune === RUNE_ERROR && width === 1) || rest.length === 0 };
}

type ChunkMatch = Taken<{ ok: true }> | { ok: false; bad: boolean };

/** Matches one star-free chunk against the start of `input`. */
function matchChunk(chunkIn: Uint8Array, input: Uint8Array): ChunkMatch {
  let chunk = chunkIn;
  let s = input;
  while (chunk.length > 0) {
    if (s.length === 0) return { ok: false, bad: false };
    const c = chunk[0];
    if (c === LBRACKET) {
      const { rune, width } = decodeRune(s, 0);
      s = s.subarray(width);
      chunk = chunk.subarray(1);
      let positive = true;
      if (chunk.length > 0 && chunk[0] === CARET) {
        positive = false;
        chunk = chunk.subarray(1);
      }
      let matched = false;
      let ranges = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === RBRACKET && ranges > 0) {
          chunk = chunk.subarray(1);
          break;
        }
        const lo = classChar(chunk);
        if (lo.bad) return { ok: false, bad: true };
        chunk = lo.rest;
        let hi = lo.rune;
        if (chunk[0] === DASH) {
          const h = classChar(chunk.subarray(1));
          if (h.bad) return { ok: false, bad: true };
          chunk = h.rest;
          hi = h.rune;
        }
        if (lo.rune <= rune && rune <= hi) matched = true;
        ranges++;
      }
      if (matched !== positive) return { ok: false, bad: false };
    } else if (c === QUESTION) {
      s = s.subarray(decodeRune(s, 0).width);
      chunk = chunk.subarray(1);
    } else {
      if (c === BACKSLASH) {
        chunk = chunk.subarray(1);
        if (chunk.length === 0) return { ok: false, bad: true };
      }
      if (chunk[0] !== s[0]) return { ok: false, bad: false };
      s = s.subarray(1);
      chunk = chunk.subarray(1);
    }
  }
  return { ok: true, rest: s };
}

/** Reports whether the whole of `name` matches `pattern` (both UTF-8). */
export function globMatch(patternIn: Uint8Array, nameIn: Uint8Array): GlobResult {
  let pattern = patternIn;
  let name = nameIn;
  outer: while (pattern.length > 0) {
    const { star, chunk, rest } = nextChunk(pattern);
    pattern = rest;
    if (star && chunk.length === 0) return true;
    const here = matchChunk(chunk, name);
    if (here.ok && (here.rest.length === 0 || pattern.length > 0)) {
      name = here.rest;
      continue;
    }
    if (!here.ok && here.bad) return 'bad-pattern';
    if (star) {
      for (let i = 0; i < name.length; i++) {
        const later = matchChunk(chunk, name.subarray(i + 1));
        if (later.ok) {
          if (pattern.length === 0 && later.rest.length > 0) continue;
          name = later.rest;
          continue outer;
        }
        if (later.bad) return 'bad-pattern';
      }
    }
    return false;
  }
  return name.length === 0;
}
