// Bundles the compiled CLI into one ES module (dist/clusterctl.mjs): one file to parse instead of
// ~100 modules to resolve, which cuts process start by about a third. @kubernetes/client-node is
// bundled separately (dist/client-node.mjs) and still imported lazily, only by commands that talk to
// a cluster: as one file it loads in ~0.2 s instead of ~0.8 s for its ~970 modules.
import { build } from 'esbuild';

const banner = {
  js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};

/** Points the CLI bundle's lazy `import('@kubernetes/client-node')` at the sibling bundle. */
const clientNodeBundle = {
  name: 'client-node-bundle',
  setup(b) {
    b.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './client-node.mjs', external: true }));
  },
};

await build({
  // Only what the CLI takes from client-node at run time (src/adapters/kube), so the rest is shaken out.
  stdin: { contents: "export { KubeConfig } from '@kubernetes/client-node';", resolveDir: '.', loader: 'js' },
  outfile: 'dist/client-node.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner,
  logLevel: 'warning',
});

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/clusterctl.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['age-encryption'],
  plugins: [clientNodeBundle],
  banner,
  logLevel: 'warning',
});
