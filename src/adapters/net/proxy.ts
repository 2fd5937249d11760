/**
 * Proxy selection from the environment, with the rules of Go's net/http (golang.org/x/net/http/
 * httpproxy), which the Go clusterctl and kubectl use: HTTPS_PROXY for https URLs, HTTP_PROXY for
 * http URLs (upper case first, then lower case; `https_proxy` ...), and NO_PROXY: a comma-separated
 * list of `*` (no proxy at all), IP addresses, CIDR ranges, domain names (`example.com` matches it
 * and its subdomains, `.example.com` only subdomains), each optionally with `:port`. Requests to
 * `localhost` and loopback addresses are never proxied. A proxy URL without scheme means http://.
 */
import { isIP } from 'node:net';
import { ClusterctlError } from '../../errors.js';

export interface ProxyEnv {
  readonly [name: string]: string | undefined;
}

export interface ProxySettings {
  httpProxy?: URL | undefined;
  httpsProxy?: URL | undefined;
  noProxy: string;
  /** Proxy every URL, loopback included (a kubeconfig cluster's `proxy-url`, as client-go). */
  proxyAll?: boolean | undefined;
}

function pick(env: ProxyEnv, name: string): string | undefined {
  const value = env[name.toUpperCase()] ?? env[name.toLowerCase()];
  return value?.trim() ? value.trim() : undefined;
}

function parseProxyUrl(raw: string | undefined, variable: string): URL | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new ClusterctlError('INVALID_CONFIG', `${variable} is not a valid proxy URL`, {
      hint: `Set ${variable} to a URL such as http://proxy.example.com:3128, or unset it.`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ClusterctlError('INVALID_CONFIG', `${variable} uses the unsupported proxy scheme ${url.protocol}`, {
      hint: `Use an http:// or https:// proxy in ${variable}.`,
    });
  }
  return url;
}

/** Reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and the lower-case forms) from an environment. */
export function proxySettingsFromEnv(env: ProxyEnv): ProxySettings {
  return {
    httpProxy: parseProxyUrl(pick(env, 'HTTP_PROXY'), 'HTTP_PROXY'),
    httpsProxy: parseProxyUrl(pick(env, 'HTTPS_PROXY'), 'HTTPS_PROXY'),
    noProxy: pick(env, 'NO_PROXY') ?? '',
  };
}

function ipToBigInt(ip: string): { value: bigint; bits: number } | undefined {
  const family = isIP(ip);
  if (family === 4) {
    const value = ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
    return { value, bits: 32 };
  }
  if (family === 6) {
    const [head = '', tail = ''] = ip.split('::');
    const groups = (s: string) => (s ? s.split(':') : []);
    const h = groups(head);
    const t = ip.includes('::') ? groups(tail) : [];
    const all = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    if (all.some((g) => g.includes('.'))) return undefined; // IPv4-mapped tails: not worth the bytes
    return { value: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n), bits: 128 };
  }
  return undefined;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', lengthText = ''] = cidr.split('/');
  const a = ipToBigInt(ip);
  const b = ipToBigInt(base);
  const length = Number(lengthText);
  if (!a || !b || a.bits !== b.bits || !Number.isInteger(length) || length < 0 || length > a.bits) return false;
  const shift = BigInt(a.bits - length);
  return a.value >> shift === b.value >> shift;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return ipToBigInt(host)?.value === 1n;
  return false;
}

/** Splits `host:port`, `[v6]:port`, `v6` into host and port (port '' when absent). */
function splitHostPort(entry: string): { host: string; port: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ?? '' };
  if (isIP(entry) === 6) return { host: entry, port: '' };
  const colon = entry.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(entry.slice(colon + 1)))
    return { host: entry.slice(0, colon), port: entry.slice(colon + 1) };
  return { host: entry, port: '' };
}

/** True when NO_PROXY (or loopback) says `url` must be reached directly. */
export function bypassesProxy(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (isLoopback(host)) return true;
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (isIP(host) && inCidr(host, entry)) return true;
      continue;
    }
    const { host: want, port: wantPort } = splitHostPort(entry);
    if (wantPort && wantPort !== port) continue;
    if (isIP(want)) {
      if (isIP(host) && ipToBigInt(want)?.value === ipToBigInt(host)?.value) return true;
      continue;
    }
    const domain = want.replace(/^\*?\./, '');
    if (want.startsWith('.') || want.startsWith('*.')) {
      if (host.endsWith(`.${domain}`)) return true;
    } else if (host === domain || host.endsWith(`.${domain}`)) {
      return true;
    }
  }
  return false;
}

/** The proxy to use for `url`, or undefined for a direct connection. */
export function proxyFor(url: URL, settings: ProxySettings | undefined): URL | undefined {
  if (!settings) return undefined;
  const proxy = url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (!proxy || (!settings.proxyAll && bypassesProxy(url, settings.noProxy))) return undefined;
  return proxy;
}

/** The proxy URL for messages: no userinfo. */
export function displayProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}
