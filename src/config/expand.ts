/**
 * `${VAR}` expansion for the few config values clusterctl expands from the OS environment only:
 * provider URLs, the cert-manager URL and overridesFolder. Templates use core/yaml's full envsubst;
 * this is the small subset those values need: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:=default}`, `${VAR=default}`, `${VAR:+alt}`, `${VAR+alt}` and `$$` for a literal `$`.
 * An unset variable expands to the empty string.
 */
import { ClusterctlError } from '../errors.js';

const nameStart = /[A-Za-z_]/;
const nameChar = /[A-Za-z0-9_]/;

function expandBraced(body: string, env: Record<string, string | undefined>, text: string): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=+])(.*))?$/s.exec(body);
  if (!match) {
    throw new ClusterctlError(
      'INVALID_CONFIG',
      `unable to expand ${JSON.stringify(text)}: bad substitution \${${body}}`,
    );
  }
  const [, name = '', op, arg = ''] = match;
  const value = env[name];
  const isSet = value !== undefined;
  const isSetNonEmpty = isSet && value !== '';
  switch (op) {
    case undefined:
      return value ?? '';
    case ':-':
    case ':=':
      return isSetNonEmpty ? value : expandEnv(arg, env);
    case '-':
    case '=':
      return isSet ? value : expandEnv(arg, env);
    case ':+':
      return isSetNonEmpty ? expandEnv(arg, env) : '';
    case '+':
      return isSet ? expandEnv(arg, env) : '';
    default:
      return value ?? '';
  }
}

/** Expands `$VAR`/`${VAR}` references in `text` from `env`. */
export function expandEnv(text: string, env: Record<string, string | undefined>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      // find the matching closing brace, allowing nested ${...} in defaults
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}') depth--;
        if (depth > 0) j++;
      }
      if (depth !== 0) {
        throw new ClusterctlError('INVALID_CONFIG', `unable to expand ${JSON.stringify(text)}: missing closing brace`);
      }
      out += expandBraced(text.slice(i + 2, j), env, text);
      i = j + 1;
      continue;
    }
    if (next !== undefined && nameStart.test(next)) {
      let j = i + 1;
      while (j < text.length && nameChar.test(text[j] ?? '')) j++;
      out += env[text.slice(i + 1, j)] ?? '';
      i = j;
      continue;
    }
    out += '$';
    i++;
  }
  return out;
}
