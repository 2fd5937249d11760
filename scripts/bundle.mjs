// Bundles the compiled CLI into one CommonJS file (dist/clusterctl.cjs): one file to parse instead
// of ~100 modules to resolve. bin/clusterctl.js compiles it with a V8 code cache kept in the cache
// directory (Node 20 has no compile cache for ES modules, hence CommonJS). Command files are
// imported dynamically by src/cli/program.ts, so esbuild wraps them, and the libraries only they
// use, in lazy initialisers: a command evaluates its own code only.
// @kubernetes/client-node is bundled separately (dist/client-node.cjs, also code-cached) and still imported lazily,
// only by commands that talk to a cluster: as one file it loads in ~0.2 s instead of ~0.8 s for its
// ~970 modules.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Points the CLI bundle's lazy `import('@kubernetes/client-node')` at the sibling bundle. */
const clientNodeBundle = {
  name: 'client-node-bundle',
  setup(b) {
    b.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './client-node.cjs', external: true }));
  },
};

/**
 * Lets esbuild drop the modules of client-node (and of its dependencies) that KubeConfig does not
 * reach: the package declares no "sideEffects", so without this every module its index imports is
 * kept and evaluated (the generated API models, watch, exec, cp, metrics: 1.78 MB). Importing them
 * has no effect KubeConfig relies on; the kubeconfig and authentication tests (certificates,
 * tokens, exec plugins, proxies) run against this bundle.
 */
const unusedModulesDropped = {
  name: 'unused-modules-dropped',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolving' || args.kind === 'entry-point') return undefined;
      const resolved = await b.resolve(args.path, {
        resolveDir: args.resolveDir,
        kind: args.kind,
        importer: args.importer,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0) return undefined;
      return { path: resolved.path, external: resolved.external, namespace: resolved.namespace, sideEffects: false };
    });
  },
};

await build({
  // Only what the CLI takes from client-node at run time (src/adapters/kube), so the rest is shaken out.
  stdin: { contents: "export { KubeConfig } from '@kubernetes/client-node';", resolveDir: '.', loader: 'js' },
  outfile: 'dist/client-node.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  plugins: [unusedModulesDropped],
  logLevel: 'warning',
});

// The built-in provider list, checked and converted once here: src/cli/config.ts reads the JSON.
const { parseBuiltInProviders } = await import('../dist/config/providers.js');
writeFileSync(
  'dist/providers.json',
  JSON.stringify(parseBuiltInProviders(readFileSync('providers.yaml', 'utf8'))) + '\n',
);

// The ES module bundle of earlier builds: bin/clusterctl.js would no longer read it.
rmSync('dist/clusterctl.mjs', { force: true });
rmSync('dist/client-node.mjs', { force: true });
await build({
  stdin: {
    contents: "export { runCli } from './dist/cli/program.js'; export { processIo } from './dist/cli/context.js';",
    resolveDir: '.',
    loader: 'js',
  },
  outfile: 'dist/clusterctl.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['age-encryption'],
  plugins: [clientNodeBundle],
  // bin/clusterctl.js passes the bundle's file URL (what import.meta.url is in the ES modules).
  define: { 'import.meta.url': '__bundleUrl' },
  logLevel: 'warning',
});

// A script compiled by node:vm cannot run import() on Node 20 without an experimental option (and
// its warning), so the dynamic imports of the ES modules left outside (client-node, age-encryption)
// go through __bundleImport, which bin/clusterctl.js passes in (and which compiles client-node.cjs
// with a code cache too).
const out = 'dist/clusterctl.cjs';
let imports = 0;
const text = readFileSync(out, 'utf8').replace(/\bimport\((["'][^"']+["'])\)/g, (_, specifier) => {
  imports++;
  return `__bundleImport(${specifier})`;
});
if (imports === 0 || /\bimport\(["']/.test(text)) {
  throw new Error(`${out}: expected the external dynamic imports to be rewritten (found ${imports})`);
}
writeFileSync(out, text);
