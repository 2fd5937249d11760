/**
 * go-yaml (libyaml) accepts the continuation lines of a single- or double-quoted scalar at any
 * indentation, even at column 0; the yaml package, following YAML 1.2 strictly, stops the scalar
 * there ("Missing closing quote"). Templates meet this when a variable's value ends with a newline
 * (an SSH key read from a file): `key: '${SSH_KEY}'` becomes a quoted scalar whose closing quote
 * sits at column 0, which the Go tool renders as `key: 'ssh-rsa AAAA... '`.
 *
 * `indentQuotedContinuations` indents such continuation lines one column deeper than the line the
 * scalar started on. Leading white space of a continuation line is not part of the value (line
 * folding drops it), so the value is unchanged. Callers use it only to retry text that failed to
 * parse.
 */

/** Characters after which a quote opens a quoted scalar (besides the start of a line). */
const openers = new Set([':', '-', '?', '[', '{', ',']);

/** A quote opens a scalar at the start of a value: first on its line, or after an indicator and a space. */
function opensScalar(previous: string, before: string | undefined): boolean {
  if (previous === '') return true;
  if (!openers.has(previous)) return false;
  return '[{,'.includes(previous) || before === ' ' || before === '\t';
}

function indentation(line: string): number {
  let n = 0;
  while (line[n] === ' ') n++;
  return n;
}

/** The text with under-indented continuation lines of quoted scalars indented; undefined if none. */
export function indentQuotedContinuations(text: string): string | undefined {
  const lines = text.split('\n');
  let quote: "'" | '"' | undefined;
  let parentIndent = 0;
  let changed = false;
  for (let l = 0; l < lines.length; l++) {
    let line = lines[l] ?? '';
    if (quote !== undefined && line.trim() !== '' && indentation(line) <= parentIndent) {
      line = ' '.repeat(parentIndent + 1 - indentation(line)) + line;
      lines[l] = line;
      changed = true;
    }
    let previous = '';
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quote === "'") {
        if (c === "'") {
          if (line[i + 1] === "'") i++;
          else quote = undefined;
        }
      } else if (quote === '"') {
        if (c === '\\') i++;
        else if (c === '"') quote = undefined;
      } else if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) {
        break;
      } else if ((c === "'" || c === '"') && opensScalar(previous, line[i - 1])) {
        quote = c;
        parentIndent = indentation(line);
      } else if (c !== undefined && c !== ' ' && c !== '\t') {
        previous = c;
      }
    }
  }
  return changed ? lines.join('\n') : undefined;
}
