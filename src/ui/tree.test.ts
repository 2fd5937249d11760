import { describe, expect, it } from 'vitest';
import type { DescribeNode, DescribeResult } from '../core/tree/types.js';
import { displayWidth, formatDescribeTree, formatParagraph, humanDuration, renderTable, since } from './tree.js';

const now = new Date('2026-06-01T12:00:00Z');
const cond = (status: string, reason: string, message = '', lastTransitionTime = '2026-05-22T12:00:00Z') => ({
  type: 'Ready',
  status,
  reason,
  message,
  lastTransitionTime,
});

function node(displayName: string, extra: Partial<DescribeNode> = {}): DescribeNode {
  const [kind = '', name = ''] = displayName.split('/');
  return {
    apiVersion: 'v1',
    kind,
    namespace: 'ns',
    name,
    displayName,
    virtual: false,
    deleting: false,
    children: [],
    ...extra,
  };
}

const result = (tree: DescribeNode, conditionsVersion: 'v1beta2' | 'v1beta1' = 'v1beta2'): DescribeResult => ({
  conditionsVersion,
  cluster: { namespace: 'ns', name: 'c1' },
  tree,
});

describe('describe tree printer', () => {
  it('draws the tree, pads every column (header + 1, rows + 2) and wraps long messages under their row', () => {
    const long = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const tree = node('Cluster/c1', {
      replicas: '3/3',
      condition: { ...cond('True', 'Available'), type: 'Available' },
      children: [
        node('Machine/m1', {
          replicas: '1',
          available: '0',
          ready: '0',
          upToDate: '1',
          condition: cond('False', 'NotReady', long),
          children: [node('DockerMachine/m1')],
        }),
        node('Machine/m2', { condition: cond('True', 'Ready') }),
      ],
    });
    const text = formatDescribeTree(result(tree), { color: false, now });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^NAME {18}REPLICAS AVAILABLE READY UP TO DATE STATUS REASON {5}SINCE MESSAGE/);
    expect(lines[1]).toMatch(/^Cluster\/c1 {12}3\/3 {6}/);
    expect(lines[2]).toMatch(/^├─Machine\/m1 {10}1 {8}0 {9}0 {5}1 {10}False {2}NotReady {3}10d {3}word0 word1/);
    // The wrapped rest of the message: its prefix carries the tree on (│ for the parent, │ for the children).
    expect(lines[3]).toMatch(/^│ │ {18} +word15 word16/);
    expect(lines[4]).toMatch(/^│ │ {18} +word29 +$/);
    expect(lines[5]).toMatch(/^│ └─DockerMachine\/m1/);
    expect(lines[6]).toMatch(/^└─Machine\/m2 /);
    // Every line is padded to the full width, as the Go table writer does.
    expect(new Set(lines.slice(0, -1).map((l) => displayWidth(l))).size).toBe(1);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('\u001b[');
  });

  it('lists conditions under a row when asked, and leaves the row own condition columns empty', () => {
    const tree = node('Cluster/c1', {
      condition: cond('True', 'Ready'),
      showConditions: 'All',
      conditions: [cond('True', 'Ready'), { ...cond('False', 'NotPaused'), type: 'Paused' }],
      children: [node('Machine/m1')],
    });
    const lines = formatDescribeTree(result(tree), { color: false, now }).split('\n');
    expect(lines[1]).toMatch(/^Cluster\/c1 +$/);
    expect(lines[2]).toMatch(/^│ {11}├─Ready +True +Ready +10d/);
    expect(lines[3]).toMatch(/^│ {11}└─Paused +False +NotPaused +10d/);
    expect(lines[4]).toMatch(/^└─Machine\/m1/);
  });

  it('colours only when enabled: status by polarity, names bold, tree grey', () => {
    const tree = node('Cluster/c1', {
      showConditions: 'All',
      conditions: [{ ...cond('True', 'Deleting'), type: 'Deleting' }],
      children: [node('Machine/m1', { condition: cond('False', 'NotReady') })],
    });
    const coloured = formatDescribeTree(result(tree), { color: true, now });
    expect(coloured).toContain('\u001b[31mFalse'); // Ready=False: red
    expect(coloured).toContain('\u001b[31mTrue'); // Deleting=True is bad: red
    expect(coloured).toContain('\u001b[1mm1');
    expect(coloured).toContain('\u001b[90m└─');
    // Colour codes take no width: the plain and coloured tables line up the same.
    const plain = formatDescribeTree(result(tree), { color: false, now });
    expect(coloured.split('\n').map(displayWidth)).toEqual(plain.split('\n').map(displayWidth));
  });

  it('prints the legacy v1beta1 table with severity and truncated messages', () => {
    const tree = node('Cluster/c1', {
      condition: { ...cond('False', 'WaitingForInfrastructure', 'x'.repeat(120)), severity: 'Warning' },
      children: [node('Machine/m1', { condition: { ...cond('True', ''), severity: '' } })],
    });
    const lines = formatDescribeTree(result(tree, 'v1beta1'), { color: false, now }).split('\n');
    expect(lines[0]).toMatch(/^NAME {9}READY SEVERITY REASON {19}SINCE MESSAGE/);
    expect(lines[1]).toContain(`False Warning  WaitingForInfrastructure 10d   ${'x'.repeat(100)} ...`);
    expect(lines[2]).toMatch(/^└─Machine\/m1 True +10d/);
  });

  it('groups show a See note in grey', () => {
    const tree = node('Cluster/c1', {
      children: [
        node('3 Machines...', { virtual: true, group: { items: ['a', 'b', 'c'] }, note: 'See a, b, ...', ready: '3' }),
      ],
    });
    expect(formatDescribeTree(result(tree), { color: false, now })).toMatch(/└─3 Machines\.\.\. +3 +See a, b, \.\.\./);
  });
});

describe('text helpers', () => {
  it('wraps paragraphs below 100 bytes, keeping line breaks and bullet indentation', () => {
    const bullet = `* NodeHealthy: ${'abcdefghi '.repeat(12).trim()}`;
    const wrapped = formatParagraph(`${bullet}\n* Second`, 100).split('\n');
    expect(wrapped.every((l) => l.length < 100)).toBe(true);
    expect(wrapped[1]).toMatch(/^ {2}abcdefghi/);
    expect(wrapped[wrapped.length - 1]).toBe('* Second');
    expect(formatParagraph('', 100)).toBe('');
    expect(formatParagraph('  indented text', 100)).toBe('  indented text');
  });

  it('formats ages like kubectl', () => {
    const s = 1000;
    const m = 60 * s;
    const h = 60 * m;
    const d = 24 * h;
    expect([
      humanDuration(-5 * s),
      humanDuration(-1 * s),
      humanDuration(119 * s),
      humanDuration(5 * m + 30 * s),
      humanDuration(5 * m),
      humanDuration(150 * m),
      humanDuration(3 * h + 20 * m),
      humanDuration(30 * h),
      humanDuration(3 * d + 4 * h),
      humanDuration(3 * d),
      humanDuration(100 * d),
      humanDuration(800 * d),
      humanDuration(730 * d),
      humanDuration(9 * 365 * d),
    ]).toEqual([
      '<invalid>',
      '0s',
      '119s',
      '5m30s',
      '5m',
      '150m',
      '3h20m',
      '30h',
      '3d4h',
      '3d',
      '100d',
      '2y70d',
      '2y',
      '9y',
    ]);
    expect(since('', now)).toBe('292y');
    expect(since('2026-06-01T11:59:00Z', now)).toBe('60s');
  });

  it('renders a table with the Go table writer padding', () => {
    expect(
      renderTable(
        ['A', 'BB'],
        [
          ['xyz', ''],
          ['', 'two\nlines'],
        ],
        1,
      ),
    ).toBe(['A   BB    ', 'xyz       ', '    two   ', '    lines ', ''].join('\n'));
  });
});
