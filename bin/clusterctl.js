#!/usr/bin/env node
// Shim: check the Node.js version, then load the compiled CLI (the single-file bundle when present).
//
// The bundle is compiled with a V8 code cache: after a run, the bytecode of everything it compiled
// is written to $CLUSTERCTL_TS_CACHE_DIR (default $XDG_CACHE_HOME/clusterctl-ts)/compile-cache,
// one file per top-level command, and the next run of that command skips parsing and compiling.
// A cache that does not match (another bundle or Node.js) is rejected by V8 or never found, and
// rewritten. CLUSTERCTL_TS_COMPILE_CACHE=off turns it off.
//
// CommonJS (bin/package.json says so): an ES module entry costs ~10 ms more to start.
'use strict';
const { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { basename, dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  process.stderr.write(`Error: clusterctl-ts needs Node.js 20 or newer; this is ${process.version}.\n`);
  process.exit(3);
}
const notFound = (error, file) =>
  error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(file);
const bundle = join(__dirname, '..', 'dist', 'clusterctl.cjs');

/** Where this bundle's code cache lives (a folder per bundle build and Node.js version). */
function cacheFolder(stat) {
  const env = process.env;
  const base =
    env.CLUSTERCTL_TS_CACHE_DIR ||
    join(
      env.XDG_CACHE_HOME ||
        (process.platform === 'darwin'
          ? join(homedir(), 'Library', 'Caches')
          : process.platform === 'win32'
            ? join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'cache')
            : join(homedir(), '.cache')),
      'clusterctl-ts',
    );
  const build = `${process.version}-${process.arch}-${stat.size}-${Math.trunc(stat.mtimeMs)}`;
  return { folder: join(base, 'compile-cache', build) };
}

/** The first word that is not a flag: the command, which names its cache file. */
function cacheName(argv) {
  const word = argv.find((a) => !a.startsWith('-')) ?? '';
  return /^[a-z][a-z-]{0,31}$/.test(word) ? word : 'other';
}

const dist = join(__dirname, '..', 'dist');
const useCache = process.env.CLUSTERCTL_TS_COMPILE_CACHE !== 'off';
/** Code caches to write once the command is done (what it compiled by then is what the next run needs). */
const pendingSaves = [];

/**
 * Compiles and runs a CommonJS file of dist/ with the code cache `cacheFile`; returns its exports.
 * The wrapper sits on the first line, so line numbers in stack traces match the file.
 */
function runCompiled(file, source, cache) {
  let cachedData;
  if (cache) {
    try {
      cachedData = readFileSync(cache.file);
    } catch {
      // first run of this command with this build
    }
  }
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __bundleUrl, __bundleImport) {${source}\n})`,
    { filename: file, cachedData },
  );
  const module = { exports: {} };
  script
    .runInThisContext()
    .call(module.exports, module.exports, require, module, file, dist, pathToFileURL(file).href, bundleImport);
  if (cache && (!cachedData || script.cachedDataRejected)) pendingSaves.push({ script, ...cache });
  return module.exports;
}

/** import() for the bundle: its sibling CommonJS bundles (client-node) compiled with a cache, the rest by Node. */
function bundleImport(specifier) {
  if (!specifier.startsWith('./')) return import(specifier);
  const file = join(dist, specifier);
  return Promise.resolve().then(() => {
    const { folder } = cacheFolder(statSync(bundle));
    const cache = useCache ? { folder, file: join(folder, `${specifier.slice(2)}.bin`) } : undefined;
    return runCompiled(file, readFileSync(file, 'utf8'), cache);
  });
}

/** Writes the code caches of this run (once per command and build; later runs only read them). */
function saveCaches() {
  for (const { script, folder, file } of pendingSaves) {
    try {
      const root = dirname(folder);
      const fresh = !readdirSafe(root).includes(basename(folder));
      mkdirSync(folder, { recursive: true });
      // Written under a temporary name, then renamed: concurrent runs never read half a file.
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, file);
      // A new build: the caches of earlier builds are of no further use.
      if (fresh)
        for (const old of readdirSafe(root))
          if (join(root, old) !== folder) rmSync(join(root, old), { recursive: true, force: true });
    } catch {
      // a read-only or full cache directory only costs speed
    }
  }
}

/** Compiles and runs the CLI bundle; undefined when it was not built. */
function loadBundle() {
  let source;
  try {
    source = readFileSync(bundle, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
  const { folder } = cacheFolder(statSync(bundle));
  const cache = useCache ? { folder, file: join(folder, `${cacheName(process.argv.slice(2))}.bin`) } : undefined;
  return runCompiled(bundle, source, cache);
}

function readdirSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function main() {
  const cli = loadBundle();
  if (cli) {
    process.exitCode = await cli.runCli(process.argv.slice(2), cli.processIo());
    saveCaches();
    return;
  }
  try {
    await import('../dist/cli/main.js');
  } catch (inner) {
    if (notFound(inner, 'dist/cli/main.js')) {
      process.stderr.write(
        'Error: clusterctl-ts is not built. Run "npm run build" in the package folder (npm ci does it for you).\n',
      );
      process.exit(3);
    }
    throw inner;
  }
}

main().catch((error) => {
  process.exitCode = 1;
  throw error;
});
