#!/usr/bin/env node
// Regenerates the fixtures recorded from Go (see scripts/go-oracles/main.go) and fails on drift.
//
//   node scripts/oracles.mjs           build the oracle (cached), regenerate every fixture, write the
//                                      changed ones and exit 1 with a diff if anything changed
//   node scripts/oracles.mjs --check   the same without writing anything
//   node scripts/oracles.mjs --stamp   no Go needed: check that the committed fixtures and the oracle
//                                      sources still match the digest recorded when they were generated
//
// The oracle binary is cached under ~/.cache/clusterctl-ts/go-oracles/<digest of sources + go version>.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const moduleDir = join(root, 'scripts/go-oracles');
const stampFile = join(root, 'test/fixtures/go-oracles/digest.txt');
const mode = process.argv[2] ?? '--write';

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

function fail(message) {
  process.stderr.write(`oracles: ${message}\n`);
  process.exit(1);
}

/** Every file of the Go module, as [path relative to the repository, content]. */
function sources() {
  return readdirSync(moduleDir)
    .filter((f) => /\.go$|^go\.(mod|sum)$/.test(f))
    .sort()
    .map((f) => [`scripts/go-oracles/${f}`, readFileSync(join(moduleDir, f))]);
}

/** The fixture paths the oracle writes, read from main.go's table. */
function outputs() {
  const main = readFileSync(join(moduleDir, 'main.go'), 'utf8');
  const paths = [...main.matchAll(/^\t\{"([^"]+)", \w+\},$/gm)].map((m) => m[1]);
  if (paths.length === 0) fail('found no outputs in scripts/go-oracles/main.go (the `oracles` table)');
  return paths;
}

/** One line per file: its sha256 and path. Covers the sources and the fixtures they produced. */
function digest(fixtureRoot) {
  const lines = sources().map(([path, content]) => `${sha256(content)}  ${path}`);
  for (const path of outputs()) {
    const file = join(fixtureRoot, path);
    lines.push(`${existsSync(file) ? sha256(readFileSync(file)) : 'missing'}  ${path}`);
  }
  return `${lines.join('\n')}\n`;
}

function checkStamp() {
  const recorded = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : '';
  const current = digest(root);
  if (recorded === current) return;
  const old = new Set(recorded.split('\n'));
  const changed = current
    .split('\n')
    .filter((l) => l !== '' && !old.has(l))
    .map((l) => l.slice(l.indexOf('  ') + 2));
  fail(
    `these files changed since the Go oracles last ran: ${changed.join(', ')}.\n` +
      'Edit the inputs in scripts/go-oracles, never the recorded fixtures, and run `npm run oracles` to regenerate them.',
  );
}

function buildOracle() {
  const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (goVersion.error || goVersion.status !== 0) {
    fail("'go' is not on PATH; install Go >= 1.25 (https://go.dev/dl/) to regenerate the fixtures");
  }
  const key = sha256(
    sources()
      .map(([p, c]) => `${p}\0${sha256(c)}`)
      .join('\n') + goVersion.stdout,
  ).slice(0, 16);
  const cacheRoot =
    process.env.CLUSTERCTL_TS_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'clusterctl-ts');
  const binary = join(cacheRoot, 'go-oracles', key, 'go-oracles');
  if (existsSync(binary)) return binary;
  process.stderr.write(`oracles: building scripts/go-oracles with ${goVersion.stdout.trim()}\n`);
  mkdirSync(dirname(binary), { recursive: true });
  // -mod=readonly: the committed go.sum pins every module; a missing entry is an error, not a download.
  const build = spawnSync('go', ['build', '-mod=readonly', '-trimpath', '-o', binary, '.'], {
    cwd: moduleDir,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '' },
  });
  if (build.status !== 0) fail('go build failed (is the Go module proxy reachable?)');
  return binary;
}

function unifiedDiff(a, b) {
  const result = spawnSync('diff', ['-u', a, b], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const lines = (result.stdout ?? '').split('\n');
  return lines.length > 60
    ? `${lines.slice(0, 60).join('\n')}\n... (${lines.length - 60} more lines)`
    : lines.join('\n');
}

function regenerate(write) {
  const binary = buildOracle();
  const scratch = mkdtempSync(join(tmpdir(), 'go-oracles-'));
  try {
    // A scratch HOME: the config oracle must not read the user's clusterctl.yaml.
    execFileSync(binary, ['-out', scratch], { stdio: 'inherit', env: { ...process.env, HOME: scratch } });
    const drifted = [];
    for (const path of outputs()) {
      const fresh = join(scratch, path);
      const committed = join(root, path);
      if (existsSync(committed) && readFileSync(fresh).equals(readFileSync(committed))) continue;
      drifted.push(path);
      process.stderr.write(existsSync(committed) ? `${unifiedDiff(committed, fresh)}\n` : `new file ${path}\n`);
      if (write) {
        mkdirSync(dirname(committed), { recursive: true });
        writeFileSync(committed, readFileSync(fresh), { mode: statSync(fresh).mode });
      }
    }
    const stamp = digest(write ? root : scratch);
    const stampDrift = !existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp;
    if (write && stampDrift) writeFileSync(stampFile, stamp);
    if (drifted.length > 0) {
      fail(
        `${drifted.length} fixture(s) differ from what Go answers now: ${drifted.join(', ')}` +
          (write ? ' (rewritten; review and commit them)' : ' (run `npm run oracles` to rewrite them)'),
      );
    }
    if (stampDrift && !write) fail(`${relative(root, stampFile)} is out of date; run \`npm run oracles\``);
    process.stderr.write(`oracles: ${outputs().length} fixtures match Go${stampDrift ? ' (digest updated)' : ''}\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (mode === '--stamp') checkStamp();
else if (mode === '--check') regenerate(false);
else if (mode === '--write') regenerate(true);
else fail(`unknown option ${mode}; use --check or --stamp, or no option to regenerate`);
