#!/usr/bin/env node
// Fails when a function in src/ (not tests) is longer than the limit, unless a comment placed just
// before it gives the reason: `// long-function: <why>`. Functions are declarations, methods, arrow
// functions and function expressions; a function nested in a long one is measured on its own, and
// its lines still count for the outer one.
//
//   node scripts/check-function-length.mjs [--max 80] [--list]
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { sourceFiles } from './lib/source-files.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const args = process.argv.slice(2);
const maxIndex = args.indexOf('--max');
const max = maxIndex >= 0 ? Number(args[maxIndex + 1]) : 80;
const list = args.includes('--list');
const reasonPattern = /\/\/\s*long-function:\s*\S/;

/** A readable name for a function node: its own name, or the variable/property it is assigned to. */
function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name)
    return parent.name.getText();
  return '(anonymous)';
}

/** The statement that carries the reason comment: the function, or the declaration it sits in. */
function anchorOf(node) {
  let anchor = node;
  while (
    anchor.parent &&
    (ts.isVariableDeclaration(anchor.parent) ||
      ts.isVariableDeclarationList(anchor.parent) ||
      ts.isVariableStatement(anchor.parent) ||
      ts.isPropertyAssignment(anchor.parent) ||
      ts.isExportAssignment(anchor.parent))
  )
    anchor = anchor.parent;
  return anchor;
}

function hasReason(source, node) {
  const text = source.getFullText();
  const ranges = ts.getLeadingCommentRanges(text, anchorOf(node).getFullStart()) ?? [];
  return ranges.some((r) => reasonPattern.test(text.slice(r.pos, r.end)));
}

const findings = [];
for (const file of sourceFiles(join(root, 'src'))) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      const lines = end - start + 1;
      if (lines > max) {
        findings.push({
          file: relative(root, file),
          line: start,
          name: nameOf(node),
          lines,
          reason: hasReason(source, node),
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

findings.sort((a, b) => b.lines - a.lines);
const unexplained = findings.filter((f) => !f.reason);
if (list) {
  for (const f of findings)
    console.log(`${f.lines}\t${f.file}:${f.line}\t${f.name}${f.reason ? '\t(reason given)' : ''}`);
}
if (unexplained.length > 0) {
  for (const f of unexplained)
    console.error(
      `${f.file}:${f.line}: ${f.name} is ${f.lines} lines (limit ${max}); split it, or write why next to it: // long-function: <reason>`,
    );
  process.exit(1);
}
if (!list)
  console.error(
    `check-function-length: no function in src/ over ${max} lines without a reason (${findings.length} with one)`,
  );
