#!/usr/bin/env node
// Import-graph checks ESLint's per-file rules cannot express:
//   - src/cli/commands/* import program.ts/context.ts, other cli helpers, core, adapters, config and
//     ui, never another command;
//   - no import cycle anywhere in src/ (type-only imports included: they still couple the files).
// Reads every `from '...'` / `import('...')` of a relative path in src/**/*.ts (tests excluded).
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from './lib/source-files.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

const graph = new Map();
for (const file of sourceFiles(src)) {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) =>
    relative(root, resolve(dirname(file), m[1].replace(/\.js$/, '.ts'))),
  );
  graph.set(relative(root, file), [...new Set(targets)]);
}

const problems = [];
const isCommand = (f) => /^src\/cli\/commands\/[^/]+\.ts$/.test(f);
for (const [file, targets] of graph) {
  if (!isCommand(file)) continue;
  for (const t of targets)
    if (isCommand(t))
      problems.push(`${file} imports another command, ${t}: move the shared part to core/ or src/cli/shared/`);
}

// Cycles: depth-first search, reporting each cycle once by its smallest rotation.
const state = new Map();
const stack = [];
const seen = new Set();
function visit(file) {
  state.set(file, 'open');
  stack.push(file);
  for (const t of graph.get(file) ?? []) {
    if (!graph.has(t)) continue;
    if (state.get(t) === 'open') {
      const cycle = stack.slice(stack.indexOf(t));
      const start = cycle.indexOf([...cycle].sort()[0]);
      const key = [...cycle.slice(start), ...cycle.slice(0, start)].join(' -> ');
      if (!seen.has(key)) {
        seen.add(key);
        problems.push(`import cycle: ${key} -> ${cycle[start]}`);
      }
    } else if (!state.has(t)) visit(t);
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.error(`check-imports: ${graph.size} files, no command imports another, no cycle`);
