/**
 * Masks credentials before anything reaches a terminal or a log, by the shape of what holds them
 * (never by a generic word such as "value", which Kubernetes validation errors use for the input
 * the user needs to see):
 * - credential fields of kubeconfigs, clusterctl.yaml, JSON and `key=value` lists (`token`,
 *   `client-key-data`, `password`, `client-secret`, ...), whatever the length of the value;
 * - HTTP Authorization / Proxy-Authorization values (`Bearer ...`, `Basic ...`);
 * - PEM private keys;
 * - the password of URL userinfo (`https://user:secret@host`);
 * - well-known token formats (GitHub, GitLab, JWTs, Kubernetes bootstrap tokens);
 * - base64 blobs that decode to one of the above (a kubeconfig Secret's `value`).
 */

const mask = '[REDACTED]';

/** Field names whose value is a credential (kubeconfig, exec/auth-provider config, env lists). */
const credentialKeys = [
  'client-key-data',
  'client-key',
  'token',
  'id-token',
  'refresh-token',
  'access-token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth-token',
  'bearer-token',
  'password',
  'passwd',
  'client-secret',
  'client_secret',
  'secret',
  'secret-key',
  'secret_key',
  'api-key',
  'api_key',
  'apikey',
  'private-key',
  'private_key',
  'private-key-data',
].join('|');

const patterns: [RegExp, string | ((match: string, ...groups: string[]) => string)][] = [
  // PEM private keys (first: a key inside a field must go as a whole).
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[REDACTED PRIVATE KEY]'],
  // Authorization headers and their values.
  [/\b((?:Proxy-)?Authorization["']?\s*[:=]\s*["']?)(?:(Bearer|Basic|Token)\s+)?[^\s"',;]+/gi, `$1$2 ${mask}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9+/=._~-]{8,}/g, `$1 ${mask}`],
  // Credential fields: YAML `key: v`, JSON `"key": "v"`, `key=v` (any length, quoted or not).
  [
    new RegExp(
      `((?<![A-Za-z0-9_-])["']?(?:${credentialKeys})["']?\\s*[:=]\\s*)("[^"\\n]*"|'[^'\\n]*'|[^\\s,;&"'}\\]]+)`,
      'gi',
    ),
    (_m, key: string, value: string) => {
      const quote = value.startsWith('"') || value.startsWith("'") ? value[0] : '';
      return `${key}${quote}${mask}${quote}`;
    },
  ],
  // Password of URL userinfo.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^/\s@]+@/gi, `$1${mask}@`],
  // GitHub / GitLab tokens.
  [/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,})\b/g, mask],
  // JWTs (service account tokens, OIDC id-tokens).
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, mask],
  // Kubernetes bootstrap tokens (abcdef.0123456789abcdef).
  [/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g, mask],
];

const sensitiveDecoded = /PRIVATE KEY|client-key-data|(?:^|\s)(?:token|password):\s/;

/** Long base64 runs whose decoded text holds credentials (kubeconfig Secrets, encoded keys). */
function redactEncoded(text: string): string {
  return text.replace(/[A-Za-z0-9+/]{64,}={0,2}/g, (blob) => {
    const decoded = Buffer.from(blob, 'base64').toString('utf8');
    return sensitiveDecoded.test(decoded) ? mask : blob;
  });
}

export function redact(text: string): string {
  let out = redactEncoded(text);
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement as (m: string) => string);
  return out;
}
