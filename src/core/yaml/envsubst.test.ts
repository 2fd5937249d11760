/// <reference types="vite/client" />
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterctlError } from '../../errors.js';
import {
  inspectVariables,
  listVariableNames,
  MissingVariablesError,
  normalizeLegacyVariables,
  processTemplate,
  substitute,
  type VariableLookup,
} from './envsubst.js';

const lookupIn =
  (vars: Record<string, string>): VariableLookup =>
  (name) =>
    Object.hasOwn(vars, name) ? vars[name] : undefined;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('substitute: the operators (cases in the spirit of drone/envsubst eval tests)', () => {
  const table: [string, Record<string, string>, string][] = [
    ['plain text only', {}, 'plain text only'],
    ['${#word}', { word: 'abcdEFGH28ij' }, '12'],
    ['${word^}', { word: 'abcdEFGH28ij' }, 'AbcdEFGH28ij'],
    ['${word^^}', { word: 'abcdEFGH28ij' }, 'ABCDEFGH28IJ'],
    ['${word,}', { word: 'ABCDEFGH28IJ' }, 'aBCDEFGH28IJ'],
    ['${word,,}', { word: 'ABCDEFGH28IJ' }, 'abcdefgh28ij'],
    ['${p:11}', { p: '/home/bozo/ideas/thoughts.for.today' }, 'ideas/thoughts.for.today'],
    ['${p:11:5}', { p: '/home/bozo/ideas/thoughts.for.today' }, 'ideas'],
    ['${p:100}', { p: 'short' }, ''],
    ['${p:2:100}', { p: 'short' }, 'ort'],
    ['${p:x}', { p: 'short' }, 'short'],
    ['${v=xyz}', { v: 'abc' }, 'abc'],
    // With v unset, drone yields the word for every operator, :+ and :? included.
    ...['${v=xyz}', '${v:=xyz}', '${v:-xyz}', '${v:?xyz}', '${v:+xyz}'].map(
      (text): [string, Record<string, string>, string] => [text, {}, 'xyz'],
    ),
    ['${v:+xyz}', { v: 'set' }, 'set'],
    ['${v:=xyz}', { v: '' }, 'xyz'],
    ['${v=xyz}', { v: '' }, 'xyz'],
    ['something ${v=${d}}', { d: 'foo' }, 'something foo'],
    ['foo: ${v=${d}-suffix}', { d: 'foo1' }, 'foo: foo1-suffix'],
    ['foo: ${v=prefix${d}-suffix}', { d: 'foo1' }, 'foo: prefixfoo1-suffix'],
    ['${v=${w^^}}', { w: 'abcd' }, 'ABCD'],
    ['${s/%abc/XYZ}', { s: 'abcABC123ABCabc' }, 'abcABC123ABCXYZ'],
    ['${s/#abc/XYZ}', { s: 'abcABC123ABCabc' }, 'XYZABC123ABCabc'],
    ['${s//abc/xyz}', { s: 'abcABC123ABCabc' }, 'xyzABC123ABCxyz'],
    ['${s/abc/xyz}', { s: 'abcABC123ABCabc' }, 'xyzABC123ABCabc'],
    ['${f#*.}', { f: 'bash.string.txt' }, 'string.txt'],
    ['${f#*/}', { f: '/path/to/file' }, 'path/to/file'],
    ['${f##*.}', { f: 'bash.string.txt' }, 'txt'],
    ['${f##*/}', { f: 'path/to/file' }, 'file'],
    ['${f%.*}', { f: 'bash.string.txt' }, 'bash.string'],
    ['${f%%.*}', { f: 'bash.string.txt' }, 'bash'],
    ['$${v}', { v: 'x' }, '${v}'],
    ['some text ${v}$${v$${v}$v${v}', { v: 'abc' }, 'some text abc${v${v}$vabc'],
    ['something $${v=${d}}', { d: 'foo' }, 'something ${v=foo}'],
    ['${s/\\//-}', { s: 'foo/bar' }, 'foo-bar'],
    ['${s//\\//-}', { s: 'foo/bar/baz' }, 'foo-bar-baz'],
    ['\\\\something ${v=${d}}', { d: 'foo' }, '\\\\something foo'],
    ['${s/./}', { s: 'foo.bar' }, 'foobar'],
  ];
  it.each(table)('%s with %j -> %s', (text, vars, expected) => {
    expect(substitute(text, lookupIn(vars))).toBe(expected);
  });
});

describe('substitute: drone quirks that templates can hit', () => {
  it('rewrites the legacy spacing ${ X }, ${ X} and ${X } first', () => {
    expect(normalizeLegacyVariables('${ A } ${ B} ${C } ${\tD\t} ${ E:=x }')).toBe('${A} ${B} ${C} ${D} ${ E:=x }');
    expect(substitute('${ A }-${ A}-${A }', lookupIn({ A: 'a' }))).toBe('a-a-a');
  });

  // Each behaviour: every [template, variables, expected] of its checks.
  it.each<[string, [string, Record<string, string>, string][]]>([
    [
      'leaves a bare $VAR alone and only treats ${...} as an expression',
      [['cost $5, home $HOME, ${V}', { V: 'v', HOME: 'h' }, 'cost $5, home $HOME, v']],
    ],
    [
      'counts bytes, not characters, for ${#v} and ${v:n:len}',
      [
        ['${#v}', { v: 'héllo' }, '6'],
        ['${v:1:2}', { v: 'héllo' }, 'é'],
      ],
    ],
    [
      'treats ${v:-n} as a default, not a negative offset (bash needs a space, which drone does not parse)',
      [
        ['${v:-3}', { v: 'abcdef' }, 'abcdef'],
        ['${v: -3}', { v: 'abcdef' }, 'abcdef'],
      ],
    ],
    [
      'lets a / pattern run past a closing brace up to the next slash',
      // ${v/a}/b} replaces "a}" by "b".
      [['${v/a}/b}', { v: 'xa}y' }, 'xby']],
    ],
    [
      'uses Go glob rules in # and %, leaving the value alone for a malformed pattern',
      [
        ['${v#[a-c]*}', { v: 'bash' }, 'ash'],
        ['${v##[a-c]*}', { v: 'bash' }, ''],
        ['${v#[}', { v: 'bash' }, 'bash'],
        ['${v%/*}', { v: 'a/b/c' }, 'a/b'],
      ],
    ],
    ['applies defaults to empty values as well as to missing ones', [['${v:=d} ${v=d} ${v}', { v: '' }, 'd d ']]],
    ['stops at a NUL byte, like drone', [['a${v}\u0000rest ${v}', { v: 'x' }, 'ax']]],
    [
      'maps case one character at a time, as Go does',
      [
        ['${v^^}', { v: 'straße' }, 'STRAßE'],
        ['${v,,}', { v: 'İI' }, 'ii'],
      ],
    ],
  ])('%s', (_behaviour, checks) => {
    for (const [template, vars, expected] of checks) expect(substitute(template, lookupIn(vars))).toBe(expected);
  });

  it('fails with INVALID_YAML naming the expression where drone fails to parse', () => {
    const cases: [string, string][] = [
      ['a: ${v-d}', 'missing closing brace'],
      ['a: ${v+d}', 'missing closing brace'],
      ['a: ${BA$R}', 'missing closing brace'],
      ['a: ${}', 'unable to parse variable name'],
      ['a: ${v:-unterminated', 'unable to parse substitution within function'],
      ['a: ${#}', 'bad substitution'],
      ['a: ${v:}', 'unable to parse substitution within function'],
      ['a: ${v^^x}', 'bad substitution'],
    ];
    for (const [text, goError] of cases) {
      const error = thrown(() => substitute(text, () => 'x'));
      expect(error).toBeInstanceOf(ClusterctlError);
      expect((error as ClusterctlError).code).toBe('INVALID_YAML');
      expect((error as ClusterctlError).message).toContain(goError);
      expect((error as ClusterctlError).message).toContain('line 1, column 4');
      expect((error as ClusterctlError).hint).toContain('$$');
    }
    expect((thrown(() => substitute('x\ny: ${BA$R}', () => '')) as Error).message).toContain('"${BA$R}"');
  });

  it('reports a negative substring length (the Go program panics there)', () => {
    const error = thrown(() => substitute('${v:1:-1}', lookupIn({ v: 'abc' })));
    expect(error).toBeInstanceOf(ClusterctlError);
    expect((error as ClusterctlError).code).toBe('INVALID_YAML');
  });
});

describe('inspectVariables / processTemplate (clusterctl simple processor)', () => {
  it('lists variables in order of first appearance with their defaults', () => {
    const text = [
      'a: ${B}',
      'b: ${A:=x${C}y}',
      'c: ${B:=late default ignored}',
      'd: ${D:-}',
      'e: ${E/#a/b}',
      'f: ${F:1}',
      'g: ${#G}',
      'h: ${ H }',
    ].join('\n');
    expect(inspectVariables(text)).toEqual([
      { name: 'B', default: undefined, required: true },
      { name: 'A', default: 'x${C}y', required: false },
      { name: 'D', default: undefined, required: true },
      { name: 'E', default: 'ab', required: false },
      { name: 'F', default: '1', required: false },
      { name: 'G', default: undefined, required: true },
      { name: 'H', default: undefined, required: true },
    ]);
    expect(listVariableNames(text)).toEqual(['A', 'B', 'D', 'E', 'F', 'G', 'H']);
  });

  it('keeps a nested variable out of the list, and the default of a nested expression is ${NAME}', () => {
    expect(inspectVariables('${A:-${B:-x}}')).toEqual([{ name: 'A', default: '${B}', required: false }]);
  });

  it('sorts names like Go (byte order: upper case before lower case)', () => {
    expect(listVariableNames('${b} ${B} ${_x} ${a1} ${A2}')).toEqual(['A2', 'B', '_x', 'a1', 'b']);
  });

  it('substitutes when every required variable is known, defaults filling the rest', () => {
    const text = 'name: ${CLUSTER_NAME}\nns: ${NAMESPACE:=default}\nversion: ${KUBERNETES_VERSION}\n';
    const out = processTemplate(text, lookupIn({ CLUSTER_NAME: 'c1', KUBERNETES_VERSION: 'v1.31.0' }));
    expect(out).toBe('name: c1\nns: default\nversion: v1.31.0\n');
  });

  it('counts an empty value as set', () => {
    expect(processTemplate('v: "${A}"', lookupIn({ A: '' }))).toBe('v: ""');
  });

  it('fails with MISSING_VARIABLES listing every missing required variable, sorted', () => {
    const text = '${ZED} ${ALPHA} ${MID:=ok} ${ALPHA} ${EMPTY_DEFAULT:=} ${SET} ${NESTED:=${NOT_CHECKED}}';
    const error = thrown(() => processTemplate(text, lookupIn({ SET: 'x' })));
    expect(error).toBeInstanceOf(MissingVariablesError);
    expect(error).toBeInstanceOf(ClusterctlError);
    const e = error as MissingVariablesError;
    expect(e.code).toBe('MISSING_VARIABLES');
    expect(e.variables).toEqual(['ALPHA', 'EMPTY_DEFAULT', 'ZED']);
    expect(e.message).toBe(
      'value for variables [ALPHA, EMPTY_DEFAULT, ZED] is not set. Please set the value using os environment variables or the clusterctl config file',
    );
    expect(e.hint).toMatch(/environment variable/);
    expect(e.hint).toMatch(/clusterctl\.yaml/);
    expect(e.exitCode).toBe(2);
  });

  it('evaluates unknown optional variables as empty', () => {
    expect(processTemplate('[${A/#x/y}]', () => undefined)).toBe('[]');
  });
});

// ---------------------------------------------------------------------------------------------
// Replay of clusterctl's simple processor (yamlprocessor + drone/envsubst), scripts/go-oracles
// ---------------------------------------------------------------------------------------------

interface RecordedCase {
  text: string;
  output?: string;
  error?: string;
  missing?: string[];
  variables?: { name: string; default: string | null }[];
}

const recorded = Object.values(
  import.meta.glob<string>('../../../test/fixtures/go-oracles/envsubst-cases.jsonl', {
    query: '?raw',
    import: 'default',
    eager: true,
  }),
)[0];

describe('replay of yamlprocessor results recorded from Go', () => {
  const lines = (recorded ?? '').split('\n').filter((l) => l !== '');
  const header = JSON.parse(lines[0] ?? '{}') as { vars?: Record<string, string> };
  const vars = header.vars ?? {};
  const cases = lines.slice(1).map((l) => JSON.parse(l) as RecordedCase);

  it('has the recorded cases', () => {
    expect(cases.length).toBeGreaterThan(600);
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i: %j', (_, c) => {
    if (c.variables !== undefined) {
      // GetVariableMap is a Go map: the recording lists its entries sorted by name.
      const byName = [...inspectVariables(c.text)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      expect(byName).toEqual(
        c.variables.map((v) => ({ name: v.name, default: v.default ?? undefined, required: v.default === null })),
      );
      expect(listVariableNames(c.text)).toEqual(c.variables.map((v) => v.name));
    }
    if (c.output !== undefined) {
      expect(processTemplate(c.text, lookupIn(vars))).toBe(c.output);
      return;
    }
    const error = thrown(() => processTemplate(c.text, lookupIn(vars)));
    expect(error).toBeInstanceOf(ClusterctlError);
    if (c.error === 'missing variables') {
      expect((error as MissingVariablesError).variables).toEqual(c.missing);
    } else if (c.error?.startsWith('panic:') === true) {
      expect((error as ClusterctlError).code).toBe('INVALID_YAML');
    } else {
      expect((error as ClusterctlError).message.endsWith(`: ${c.error}`)).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const nameArb = fc.constantFrom('A', 'B', 'C', 'CLUSTER_NAME', 'x1', '_y');
const plainTextArb = fc.string({
  unit: fc.constantFrom('a', 'b', ' ', '\n', ':', '-', '{', '}', 'é', '😀', '#', '%', '/'),
});
type Piece = { kind: 'text'; text: string } | { kind: 'var'; name: string; default?: string };
const pieceArb: fc.Arbitrary<Piece> = fc.oneof(
  plainTextArb.map((text) => ({ kind: 'text' as const, text: text.replace(/\}/g, '') })),
  fc.record({ kind: fc.constant('var' as const), name: nameArb }),
  fc.record({
    kind: fc.constant('var' as const),
    name: nameArb,
    default: fc.string({ unit: fc.constantFrom('d', 'e', ' ', '-', '.', 'é'), minLength: 1 }),
  }),
);
const render = (pieces: Piece[]): string =>
  pieces
    .map((p) =>
      p.kind === 'text' ? p.text : p.default === undefined ? `\${${p.name}}` : `\${${p.name}:=${p.default}}`,
    )
    .join('');

describe('properties', () => {
  it('leaves text without $ unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        fc.pre(!text.includes('$') && !text.includes('\u0000'));
        expect(substitute(text, () => 'x')).toBe(text);
        expect(processTemplate(text, () => undefined)).toBe(text);
        expect(inspectVariables(text)).toEqual([]);
      }),
    );
  });

  it('round-trips any text through the $$ escape', () => {
    const unit = fc.constantFrom('$', '{', '}', 'A', 'b', ':', '-', '=', '#', '%', '/', '\\', 'é', '😀');
    fc.assert(
      fc.property(fc.string({ unit }), (text) => {
        const escaped = text.replace(/\$/g, '$$$$');
        expect(substitute(escaped, () => 'SUBSTITUTED')).toBe(text);
        expect(inspectVariables(escaped)).toEqual([]);
      }),
    );
  });

  it('substitutes every inspected variable, leaving no ${ behind', () => {
    fc.assert(
      fc.property(fc.array(pieceArb, { maxLength: 8 }), fc.dictionary(nameArb, fc.string()), (pieces, given) => {
        const text = render(pieces);
        const variables = inspectVariables(text);
        const values = new Map(variables.map((v) => [v.name, given[v.name] ?? `<${v.name}>`]));
        const out = processTemplate(text, (name) => values.get(name));
        const expected = pieces
          .map((p) => {
            if (p.kind === 'text') return p.text;
            const value = values.get(p.name) ?? '';
            return value === '' && p.default !== undefined ? p.default : value;
          })
          .join('');
        expect(out).toBe(expected);
        // A value ending in '$' next to a text '{' forms '${' legitimately: only values without '$' are checked.
        if (![...values.values()].some((v) => v.includes('$'))) expect(out.includes('${')).toBe(false);
      }),
    );
  });

  it('inspects in first-appearance order, idempotently, with required = no default', () => {
    fc.assert(
      fc.property(fc.array(pieceArb, { maxLength: 10 }), (pieces) => {
        const text = render(pieces);
        const first = inspectVariables(text);
        expect(inspectVariables(text)).toEqual(first);
        const order = [...new Set(pieces.flatMap((p) => (p.kind === 'var' ? [p.name] : [])))];
        expect(first.map((v) => v.name)).toEqual(order);
        for (const v of first) {
          const firstPiece = pieces.find((p) => p.kind === 'var' && p.name === v.name) as Piece & { kind: 'var' };
          expect(v.default).toBe(firstPiece.default);
          expect(v.required).toBe(firstPiece.default === undefined);
        }
      }),
    );
  });

  it('reports exactly the missing required variables', () => {
    fc.assert(
      fc.property(
        fc.array(pieceArb, { maxLength: 10 }),
        fc.subarray(['A', 'B', 'C', 'CLUSTER_NAME', 'x1', '_y']),
        (pieces, known) => {
          const text = render(pieces);
          const missing = inspectVariables(text)
            .filter((v) => v.required && !known.includes(v.name))
            .map((v) => v.name)
            .sort();
          const lookup = (name: string): string | undefined => (known.includes(name) ? 'v' : undefined);
          if (missing.length === 0) {
            expect(() => processTemplate(text, lookup)).not.toThrow();
          } else {
            const error = thrown(() => processTemplate(text, lookup));
            expect((error as MissingVariablesError).variables).toEqual(missing);
          }
        },
      ),
    );
  });
});
