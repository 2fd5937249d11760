#!/usr/bin/env node
// Shim: check the Node.js version, then load the compiled CLI.
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  process.stderr.write(`Error: clusterctl-ts needs Node.js 20 or newer; this is ${process.version}.\n`);
  process.exit(3);
}
try {
  await import('../dist/cli/main.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write(
      'Error: clusterctl-ts is not built. Run "npm run build" in the package folder (npm ci does it for you).\n',
    );
    process.exit(3);
  }
  throw error;
}
