/**
 * Prints the describe tree as the Go clusterctl does: a borderless table whose first column is the
 * tree (`├─ └─ │`), the v1beta2 columns `NAME REPLICAS AVAILABLE READY UP TO DATE STATUS REASON
 * SINCE MESSAGE` (or the legacy `NAME READY SEVERITY REASON SINCE MESSAGE`), condition messages
 * wrapped at 100 characters, and colours only when asked for.
 */
import type { ChalkInstance } from 'chalk';
import type { DescribeNode, DescribeResult, TreeCondition } from '../core/tree/types.js';
import { isNegativePolarity } from '../core/tree/view.js';
import { createChalk } from './reporter.js';

const firstElem = '├─';
const lastElem = '└─';
const indent = '  ';
const pipe = '│ ';
const conditionFiller = ' '.repeat(10);

export interface PrintTreeOptions {
  color: boolean;
  /** The clock SINCE is computed against. */
  now?: Date;
}

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------

const ansi = new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g');

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Terminal columns a string takes (colour codes and control characters take none). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text.replace(ansi, '')) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x300 && cp <= 0x36f) || cp === 0x200b) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

const goSpace = /[\t\n\f\r ]+/;

/** Wraps a message into lines shorter than maxWidth (bytes), keeping line breaks and list indentation. */
export function formatParagraph(text: string, maxWidth: number): string {
  const lines: string[] = [];
  for (const l of text.split('\n')) {
    let tmp = /^ */.exec(l)![0];
    let lineIndent = tmp;
    if (l.trim().startsWith('* ')) lineIndent += '  ';
    for (const w of l.split(goSpace)) {
      if (byteLength(tmp) + byteLength(w) < maxWidth) {
        if (tmp.trim() !== '') tmp += ' ';
        tmp += w;
        continue;
      }
      lines.push(tmp);
      tmp = lineIndent + w;
    }
    lines.push(tmp);
  }
  return lines.join('\n');
}

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** A duration the way kubectl prints ages (`45s`, `5m30s`, `3h`, `2d4h`, `1y30d`). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / second);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / minute);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / hour);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** Go's time.Since of an unset time saturates at about 292 years. */
const unsetSince = '292y';

export function since(lastTransitionTime: string, now: Date): string {
  const t = lastTransitionTime ? Date.parse(lastTransitionTime) : Number.NaN;
  if (Number.isNaN(t)) return unsetSince;
  return humanDuration(now.getTime() - t);
}

// ---------------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------------

/** Renders a borderless table: every cell padded to its column width (header + 1, rows + rowPadding). */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  rowPadding: number,
): string {
  const widths = header.map((h) => displayWidth(h) + 1);
  const split = rows.map((row) => row.map((cell) => cell.split('\n')));
  for (const row of split) {
    row.forEach((lines, i) => {
      for (const line of lines) widths[i] = Math.max(widths[i] ?? 0, displayWidth(line) + rowPadding);
    });
  }
  const pad = (text: string, i: number) => text + ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(text)));
  const out = [header.map(pad).join('')];
  for (const row of split) {
    const height = Math.max(1, ...row.map((lines) => lines.length));
    for (let line = 0; line < height; line++) out.push(row.map((lines, i) => pad(lines[line] ?? '', i)).join(''));
  }
  return out.join('\n') + '\n';
}

function childPrefix(current: string, index: number, count: number): string {
  const next = current.replaceAll(firstElem, pipe).replaceAll(lastElem, ' '.repeat([...lastElem].length));
  return next + (index < count - 1 ? firstElem : lastElem);
}

function multilineConditionPrefix(current: string): string {
  if (current.endsWith(firstElem)) return current.slice(0, -firstElem.length) + pipe;
  if (current.endsWith(lastElem)) return current.slice(0, -lastElem.length);
  return '?';
}

function styledName(node: DescribeNode, c: ChalkInstance): string {
  if (node.group) return c.bold.white(node.displayName);
  if (node.virtual) return node.displayName;
  let name = `${node.kind}/${c.bold(node.name)}`;
  if (node.metaName) name = `${node.metaName} - ${c.gray(name)}`;
  if (node.deleting) name = `${c.red('!! DELETED !!')} ${name}`;
  return name;
}

function statusColor(c: ChalkInstance, status: string, positive: boolean): ChalkInstance {
  switch (status) {
    case 'False':
      return positive ? c.red : c.green;
    case 'Unknown':
      return c.yellow;
    case 'True':
      return positive ? c.green : c.red;
    default:
      return c.gray;
  }
}

interface Printer {
  c: ChalkInstance;
  now: Date;
  rows: string[][];
}

/** For a row's continuation lines: one pipe or indent per level (by whether the path goes on below), plus a pipe for own children. */
function multilinePrefix(path: readonly boolean[], node: DescribeNode): string {
  const isLastInTree = node.children.length === 0 && path.every((last) => last);
  if (isLastInTree) return '';
  return path.map((last) => (last ? indent : pipe)).join('') + (node.children.length > 0 ? pipe : '');
}

function addV1beta2Row(p: Printer, prefix: string, path: boolean[], node: DescribeNode): void {
  const { c } = p;
  let status = '';
  let reason = '';
  let age = '';
  let message = '';
  if (node.condition) {
    status = statusColor(c, node.condition.status, true)(node.condition.status);
    reason = node.condition.reason;
    age = since(node.condition.lastTransitionTime, p.now);
    message = formatParagraph(node.condition.message, 100);
  }
  if (node.note !== undefined) message = c.gray(node.note);
  if (node.showConditions) {
    status = '';
    reason = '';
    age = '';
    message = '';
  }
  const [first = '', ...rest] = message.split('\n');
  p.rows.push([
    c.gray(prefix) + styledName(node, c),
    node.replicas ?? '',
    node.available ?? '',
    node.ready ?? '',
    node.upToDate ?? '',
    status,
    reason,
    age,
    first,
  ]);
  const continuation = multilinePrefix(path, node);
  for (const m of rest) p.rows.push([c.gray(continuation), '', '', '', '', '', '', '', m]);

  const conditions = node.showConditions ? (node.conditions ?? []) : [];
  const childrenPipe = node.children.length > 0 ? pipe : indent;
  conditions.forEach((condition, i) => {
    const positive = !isNegativePolarity(condition.type);
    const cp = childPrefix(prefix + childrenPipe + conditionFiller, i, conditions.length);
    const [m0 = '', ...more] = formatParagraph(condition.message, 100).split('\n');
    p.rows.push([
      c.gray(cp) + c.cyan(condition.type),
      '',
      '',
      '',
      '',
      statusColor(c, condition.status, positive)(condition.status),
      condition.reason,
      since(condition.lastTransitionTime, p.now),
      m0,
    ]);
    for (const m of more) p.rows.push([c.gray(multilineConditionPrefix(cp)), '', '', '', '', '', '', '', m]);
  });

  node.children.forEach((child, i) => {
    addV1beta2Row(p, childPrefix(prefix, i, node.children.length), [...path, i === node.children.length - 1], child);
  });
}

function v1beta1Color(c: ChalkInstance, condition: TreeCondition | undefined): ChalkInstance {
  if (!condition) return c.gray;
  switch (condition.status) {
    case 'True':
      return c.green;
    case 'False':
    case 'Unknown':
      return condition.severity === 'Error' ? c.red : condition.severity === 'Warning' ? c.yellow : c.white;
    default:
      return c.gray;
  }
}

function v1beta1Cells(p: Printer, condition: TreeCondition | undefined): string[] {
  const color = v1beta1Color(p.c, condition);
  if (!condition) return ['', '', '', '', ''];
  const message =
    Buffer.byteLength(condition.message) > 100 ? `${truncateBytes(condition.message, 100)} ...` : condition.message;
  return [
    color(condition.status),
    color(condition.severity ?? ''),
    color(condition.reason),
    since(condition.lastTransitionTime, p.now),
    message,
  ];
}

function truncateBytes(s: string, max: number): string {
  return Buffer.from(s).subarray(0, max).toString('utf8');
}

function addV1beta1Row(p: Printer, prefix: string, node: DescribeNode): void {
  const cells = v1beta1Cells(p, node.condition);
  if (node.note !== undefined) cells[4] = p.c.gray(node.note);
  p.rows.push([p.c.gray(prefix) + styledName(node, p.c), ...cells]);
  const conditions = node.showConditions ? (node.conditions ?? []) : [];
  const childrenPipe = node.children.length > 0 ? pipe : indent;
  conditions.forEach((condition, i) => {
    const cp = childPrefix(prefix + childrenPipe + conditionFiller, i, conditions.length);
    p.rows.push([p.c.gray(cp) + p.c.cyan(condition.type), ...v1beta1Cells(p, condition)]);
  });
  node.children.forEach((child, i) => addV1beta1Row(p, childPrefix(prefix, i, node.children.length), child));
}

const describeHeader = ['NAME', 'REPLICAS', 'AVAILABLE', 'READY', 'UP TO DATE', 'STATUS', 'REASON', 'SINCE', 'MESSAGE'];
const describeV1beta1Header = ['NAME', 'READY', 'SEVERITY', 'REASON', 'SINCE', 'MESSAGE'];

/** The describe table as text. */
export function formatDescribeTree(result: DescribeResult, options: PrintTreeOptions): string {
  const p: Printer = { c: createChalk(options.color), now: options.now ?? new Date(), rows: [] };
  if (result.conditionsVersion === 'v1beta1') {
    addV1beta1Row(p, '', result.tree);
    return renderTable(describeV1beta1Header, p.rows, 1);
  }
  addV1beta2Row(p, '', [], result.tree);
  return renderTable(describeHeader, p.rows, 2);
}
