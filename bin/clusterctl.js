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
const { join } = require('node:path');
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
  return { root: join(base, 'compile-cache'), folder: join(base, 'compile-cache', build) };
}

/** The first word that is not a flag: the command, which names its cache file. */
function cacheName(argv) {
  const word = argv.find((a) => !a.startsWith('-')) ?? '';
  return /^[a-z][a-z-]{0,31}$/.test(word) ? word : 'other';
}

/** Compiles and runs the bundle; returns its exports and a function that saves the cache if needed. */
function loadBundle() {
  let source;
  try {
    source = readFileSync(bundle, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
  const useCache = process.env.CLUSTERCTL_TS_COMPILE_CACHE !== 'off';
  const { root, folder } = cacheFolder(statSync(bundle));
  const file = join(folder, `${cacheName(process.argv.slice(2))}.bin`);
  let cachedData;
  if (useCache) {
    try {
      cachedData = readFileSync(file);
    } catch {
      // first run of this command with this build
    }
  }
  // The CommonJS wrapper on the first line, so line numbers in stack traces match the bundle.
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __bundleUrl, __bundleImport) {${source}\n})`,
    {
      filename: bundle,
      cachedData,
    },
  );
  const module = { exports: {} };
  script
    .runInThisContext()
    .call(
      module.exports,
      module.exports,
      require,
      module,
      bundle,
      join(__dirname, '..', 'dist'),
      pathToFileURL(bundle).href,
      (specifier) => import(specifier.startsWith('.') ? new URL(specifier, pathToFileURL(bundle)).href : specifier),
    );
  const save = () => {
    if (!useCache || (cachedData && !script.cachedDataRejected)) return;
    try {
      const fresh = !readdirSafe(root).includes(folder.slice(root.length + 1));
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
  };
  return { cli: module.exports, save };
}

function readdirSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function main() {
  const loaded = loadBundle();
  if (loaded) {
    process.exitCode = await loaded.cli.runCli(process.argv.slice(2), loaded.cli.processIo());
    loaded.save();
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
