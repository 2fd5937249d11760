// Fails when a tracked file still holds merge-conflict markers (a merge once committed them into
// the README, and neither ESLint nor Prettier complains about Markdown or YAML with markers).
import { execFileSync } from 'node:child_process';

let out = '';
try {
  out = execFileSync('git', ['grep', '-nE', '^(<<<<<<< |>>>>>>> |=======$)', '--', '.', ':!*.snap'], {
    encoding: 'utf8',
  });
} catch (error) {
  // git grep exits 1 when nothing matches: the good case.
  if (error.status !== 1) throw error;
}
if (out.trim()) {
  process.stderr.write(`Merge-conflict markers left in tracked files:\n${out}`);
  process.exit(1);
}
