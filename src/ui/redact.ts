/** Masks credentials before anything reaches a terminal or a log. */

const patterns: [RegExp, string][] = [
  // kubeconfig / YAML / JSON credential fields
  [
    /((?:client-key-data|client-certificate-data|token|password|secret|bootstrap-token|value)["']?\s*[:=]\s*["']?)[A-Za-z0-9+/=._-]{16,}/gi,
    '$1[REDACTED]',
  ],
  // HTTP authorization headers
  [/\b(Bearer|Basic)\s+[A-Za-z0-9+/=._-]{8,}/g, '$1 [REDACTED]'],
  // PEM private keys
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[REDACTED PRIVATE KEY]'],
  // userinfo in URLs
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1[REDACTED]@'],
  // GitHub / GitLab tokens
  [/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,})\b/g, '[REDACTED]'],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}
