/** Process entry: runs the CLI and sets the exit code (never process.exit deep in the code). */
import { processIo } from './context.js';
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
