/**
 * Registry credentials as docker, podman, oras and crane find them:
 *
 *   1. REGISTRY_AUTH_FILE (podman/skopeo), else $XDG_RUNTIME_DIR/containers/auth.json when it exists;
 *   2. $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
 *
 * In each file, `credHelpers[host]` wins (runs `docker-credential-<name> get` with the host on stdin),
 * then an `auths` entry (base64 `user:password` in `auth`, or `username`/`password`, or an
 * `identitytoken`), then `credsStore` (the same helper protocol for every host). `auths` keys may be a
 * bare host, a URL (`https://host/v1/`) or, as podman writes them, `host/namespace` (longest match
 * wins). Docker Hub's legacy key `https://index.docker.io/v1/` is accepted for docker.io.
 *
 * Secrets never leave this module except in the Credential handed to the registry client.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ClusterctlError } from '../../errors.js';

export interface RegistryCredential {
  username?: string | undefined;
  password?: string | undefined;
  /** An OAuth2 refresh token (docker's `identitytoken`), exchanged at the token service. */
  identityToken?: string | undefined;
  /** Where the credential came from, for messages (never the secret). */
  source: string;
}

export interface CredentialLookupOptions {
  env: Readonly<Record<string, string | undefined>>;
  homeDir?: string | undefined;
  /** Runs a credential helper; default executes `docker-credential-<name> get`. */
  runHelper?: ((helper: string, serverUrl: string) => Promise<string>) | undefined;
}

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

interface DockerConfigFile {
  auths?: Record<string, AuthEntry> | undefined;
  credHelpers?: Record<string, string> | undefined;
  credsStore?: string | undefined;
}

/** The config files to read, in order. */
export function credentialFiles(env: Readonly<Record<string, string | undefined>>, homeDir: string): string[] {
  const files: string[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  else if (env.XDG_RUNTIME_DIR) files.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  files.push(join(env.DOCKER_CONFIG || join(homeDir, '.docker'), 'config.json'));
  return files;
}

async function readConfig(path: string): Promise<DockerConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch (error) {
    throw new ClusterctlError('INVALID_CONFIG', `the registry credentials file ${path} is not valid JSON`, {
      hint: `fix or remove ${path} (it is read for registry logins, as docker and podman do)`,
      cause: error,
    });
  }
}

/** Normalises an `auths` key to `host[/path]` (drops the scheme and docker's `/v1/` suffix). */
function normaliseKey(key: string): string {
  let k = key.trim().replace(/^[a-z]+:\/\//i, '');
  k = k.replace(/\/v[12]\/?$/, '').replace(/\/+$/, '');
  if (k === 'index.docker.io' || k === 'registry-1.docker.io') return 'docker.io';
  return k;
}

function findAuthEntry(
  auths: Record<string, AuthEntry> | undefined,
  host: string,
  repository: string,
): [string, AuthEntry] | undefined {
  if (!auths) return undefined;
  const wanted = `${host}/${repository}`;
  let best: [string, AuthEntry] | undefined;
  let bestLength = -1;
  for (const [key, entry] of Object.entries(auths)) {
    const k = normaliseKey(key);
    const matches = k === host || wanted === k || wanted.startsWith(`${k}/`);
    if (matches && k.length > bestLength) {
      best = [key, entry];
      bestLength = k.length;
    }
  }
  return best;
}

function entryCredential(key: string, entry: AuthEntry, file: string): RegistryCredential | undefined {
  const source = `${file} (auths.${key})`;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken) {
    return { identityToken: entry.identitytoken, source };
  }
  if (typeof entry.auth === 'string' && entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new ClusterctlError(
        'INVALID_CONFIG',
        `the registry login for ${key} in ${file} is malformed: "auth" must be base64 of user:password`,
        { hint: `log in again (docker login / podman login / oras login) or fix auths.${key}.auth in ${file}` },
      );
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') {
    return { username: entry.username, password: entry.password, source };
  }
  return undefined;
}

function defaultRunHelper(helper: string, serverUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      `docker-credential-${helper}`,
      ['get'],
      { timeout: 30_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          const text = `${stdout}${stderr}`.trim().split('\n')[0] ?? '';
          reject(Object.assign(new Error(error.message, { cause: error }), { code: error.code, helperOutput: text }));
        } else resolve(stdout);
      },
    );
    child.stdin?.end(serverUrl);
  });
}

async function helperCredential(
  helper: string,
  host: string,
  file: string,
  run: (helper: string, serverUrl: string) => Promise<string>,
): Promise<RegistryCredential | undefined> {
  const source = `docker-credential-${helper} (from ${file})`;
  let out: string;
  try {
    out = await run(helper, host);
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { helperOutput?: string };
    if (e.code === 'ENOENT') {
      throw new ClusterctlError(
        'MISSING_TOOL',
        `the credential helper docker-credential-${helper} named in ${file} is not on PATH`,
        { hint: `install docker-credential-${helper}, or remove it from ${file} and log in again`, cause: error },
      );
    }
    // Helpers answer "credentials not found in native keychain" with exit 1: no login for this host.
    if (/not found/i.test(e.helperOutput ?? '')) return undefined;
    throw new ClusterctlError(
      'UNAUTHORIZED',
      `the credential helper docker-credential-${helper} failed for ${host}: ${e.helperOutput || e.message}`,
      { hint: `check that "docker-credential-${helper} get" works for ${host}, or log in again`, cause: error },
    );
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(out) as { Username?: unknown; Secret?: unknown };
  } catch (error) {
    throw new ClusterctlError('UNAUTHORIZED', `the credential helper docker-credential-${helper} answered no JSON`, {
      hint: `check that "docker-credential-${helper} get" works for ${host}`,
      cause: error,
    });
  }
  const username = typeof parsed.Username === 'string' ? parsed.Username : '';
  const secret = typeof parsed.Secret === 'string' ? parsed.Secret : '';
  if (!secret) return undefined;
  return username === '<token>' ? { identityToken: secret, source } : { username, password: secret, source };
}

/** Finds the login for a registry host (`host[:port]`) and repository path; undefined when none. */
export async function lookupRegistryCredential(
  host: string,
  repository: string,
  options: CredentialLookupOptions,
): Promise<RegistryCredential | undefined> {
  const run = options.runHelper ?? defaultRunHelper;
  const lookupHost = host === 'registry-1.docker.io' || host === 'index.docker.io' ? 'docker.io' : host;
  for (const file of credentialFiles(options.env, options.homeDir ?? homedir())) {
    const config = await readConfig(file);
    if (!config) continue;
    const helper = config.credHelpers?.[lookupHost] ?? config.credHelpers?.[host];
    if (helper) {
      const found = await helperCredential(helper, host, file, run);
      if (found) return found;
    }
    const entry = findAuthEntry(config.auths, lookupHost, repository);
    if (entry) {
      const found = entryCredential(entry[0], entry[1], file);
      if (found) return found;
    }
    if (config.credsStore) {
      const found = await helperCredential(config.credsStore, host, file, run);
      if (found) return found;
    }
  }
  return undefined;
}
