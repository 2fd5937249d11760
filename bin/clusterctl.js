#!/usr/bin/env node
// Shim: check the Node.js version, then load the compiled CLI (the single-file bundle when present).
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  process.stderr.write(`Error: clusterctl-ts needs Node.js 20 or newer; this is ${process.version}.\n`);
  process.exit(3);
}
const notFound = (error, file) =>
  error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(file);
try {
  await import('../dist/clusterctl.mjs');
} catch (error) {
  if (!notFound(error, 'dist/clusterctl.mjs')) throw error;
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
