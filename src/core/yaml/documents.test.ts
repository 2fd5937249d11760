import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterctlError } from '../../errors.js';
import type { KubeObject } from '../../types.js';
import { parseDocuments, serializeObject, serializeObjects } from './documents.js';
import type { JsonValue } from './go-yaml-emitter.js';
import { thrown } from '../../../test/harness/errors.js';

// Every expected text below was printed by the Go clusterctl v1.13.5 (`generate yaml`) for the same value.
describe('serializeObject: values as sigs.k8s.io/yaml writes them', () => {
  const values: [string, JsonValue, string][] = [
    ['string "true"', 'true', 'v: "true"\n'],
    ['string "True"', 'True', 'v: "True"\n'],
    ['string "1.20"', '1.20', 'v: "1.20"\n'],
    ['string "0o17"', '0o17', 'v: "0o17"\n'],
    ['string "017"', '017', 'v: "017"\n'],
    ['string "0x1F"', '0x1F', 'v: "0x1F"\n'],
    ['empty string', '', 'v: ""\n'],
    ['string "~"', '~', 'v: "~"\n'],
    ['string "null"', 'null', 'v: "null"\n'],
    ['string "y"', 'y', 'v: "y"\n'],
    ['string "on"', 'on', 'v: "on"\n'],
    ['string "No"', 'No', 'v: "No"\n'],
    ['string "1e3"', '1e3', 'v: "1e3"\n'],
    ['string "1:20"', '1:20', 'v: "1:20"\n'],
    ['date-like string', '2024-01-31', 'v: "2024-01-31"\n'],
    ['datetime-like string', '2024-01-31T10:20:30Z', 'v: "2024-01-31T10:20:30Z"\n'],
    ['invalid date', '2024-02-30', 'v: 2024-02-30\n'],
    ['string "-"', '-', "v: '-'\n"],
    ['string "- a"', '- a', "v: '- a'\n"],
    ['string "-a"', '-a', 'v: -a\n'],
    ['string "a: b"', 'a: b', "v: 'a: b'\n"],
    ['string "a:b"', 'a:b', 'v: a:b\n'],
    ['string "a #b"', 'a #b', "v: 'a #b'\n"],
    ['string "a#b"', 'a#b', 'v: a#b\n'],
    ['string "#a"', '#a', "v: '#a'\n"],
    ['string "*"', '*', "v: '*'\n"],
    ['string "&a"', '&a', "v: '&a'\n"],
    ['string "!a"', '!a', "v: '!a'\n"],
    ['string "@a"', '@a', "v: '@a'\n"],
    ['string "%a"', '%a', "v: '%a'\n"],
    ['string "`a"', '`a', "v: '`a'\n"],
    ['string "[a]"', '[a]', "v: '[a]'\n"],
    ['string "{a}"', '{a}', "v: '{a}'\n"],
    ['string ">"', '>', "v: '>'\n"],
    ['string "|"', '|', "v: '|'\n"],
    ['string "\'"', "'", "v: ''''\n"],
    ['string "it\'s"', "it's", "v: it's\n"],
    ["string '\"'", '"', "v: '\"'\n"],
    ['string "?"', '?', "v: '?'\n"],
    ['string "? a"', '? a', "v: '? a'\n"],
    ['string "---"', '---', "v: '---'\n"],
    ['string "..."', '...', "v: '...'\n"],
    ['string "<<"', '<<', 'v: <<\n'],
    ['leading space', ' a', "v: ' a'\n"],
    ['trailing space', 'a ', "v: 'a '\n"],
    ['only spaces', '   ', "v: '   '\n"],
    ['tab', 'a\tb', 'v: "a\\tb"\n'],
    ['backslash', 'C:\\dir', 'v: C:\\dir\n'],
    ['unicode', 'héllo wörld 中文', 'v: héllo wörld 中文\n'],
    ['emoji', 'ok 😀', 'v: "ok \\U0001F600"\n'],
    ['nbsp', 'a\u00a0b', 'v: a\u00a0b\n'],
    ['bom', '\ufeffx', 'v: "\\uFEFF\\x78"\n'],
    ['line separator', 'a\u2028b', "v: 'a\u2028  b'\n"],
    ['carriage return', 'a\rb', 'v: "a\\rb"\n'],
    ['NEL folds to a space', 'a\u0085b', 'v: a b\n'],
    ['bell', '\u0007', 'v: "\\a"\n'],
    ['multi-line with trailing newline', 'a\nb\n', 'v: |\n  a\n  b\n'],
    ['multi-line without trailing newline', 'a\nb', 'v: |-\n  a\n  b\n'],
    ['multi-line keep', 'a\n\n', 'v: |+\n  a\n\n'],
    ['newline only', '\n', 'v: |2+\n\n'],
    ['leading newline', '\na', 'v: |2-\n\n  a\n'],
    ['leading spaces in block', '  a\nb\n', 'v: |2\n    a\n  b\n'],
    ['space before newline', 'a \nb', 'v: "a \\nb"\n'],
    ['space after newline', 'a\n b', 'v: |-\n  a\n   b\n'],
    ['tab in multi-line', 'a\n\tb', 'v: "a\\n\\tb"\n'],
    ['trailing space in multi-line', 'a\nb ', 'v: "a\\nb "\n'],
    [
      'long string',
      'This sentence is long enough that go-yaml folds it after the eightieth column of its line.',
      'v: This sentence is long enough that go-yaml folds it after the eightieth column of\n  its line.\n',
    ],
    [
      'long string with double spaces',
      'This  sentence  is  long  enough  that  go-yaml  folds  it  after  the  eightieth  column  of  its  line.',
      'v: This  sentence  is  long  enough  that  go-yaml  folds  it  after  the  eightieth  column  of  its  line.\n',
    ],
    [
      'long word',
      'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'v: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n',
    ],
    [
      'long single-quoted',
      '* This sentence is long enough that go-yaml folds it after the eightieth column of its line.',
      "v: '* This sentence is long enough that go-yaml folds it after the eightieth column\n  of its line.'\n",
    ],
    [
      'long double-quoted',
      '\tThis sentence is long enough that go-yaml folds it after the eightieth column of its line.',
      'v: "\\tThis sentence is long enough that go-yaml folds it after the eightieth column\n  of its line."\n',
    ],
    [
      'long with emoji',
      '😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 ',
      'v: "\\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600\n  \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600\n  \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600\n  \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600\n  \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600\n  \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 \\U0001F600 "\n',
    ],
    ['int', 1, 'v: 1\n'],
    ['zero', 0, 'v: 0\n'],
    ['negative', -17, 'v: -17\n'],
    ['float', 0.5, 'v: 0.5\n'],
    ['float 1.0', 1.0, 'v: 1\n'],
    ['float 1e21', 1e21, 'v: 1e+21\n'],
    ['float 1e20', 1e20, 'v: 1e+20\n'],
    ['float 1234567.5', 1234567.5, 'v: 1.2345675e+06\n'],
    ['float 0.00001', 1e-5, 'v: 1e-05\n'],
    ['float 1e-7', 1e-7, 'v: 1e-07\n'],
    ['big int', Number('12345678901234567890'), 'v: 12345678901234567000\n'],
    ['beyond 2^53', 2 ** 53 + 1, 'v: 9007199254740992\n'],
    ['negative big', -Number('12345678901234567890'), 'v: -1.2345678901234567e+19\n'],
    ['true', true, 'v: true\n'],
    ['false', false, 'v: false\n'],
    ['null', null, 'v: null\n'],
    ['empty map', {}, 'v: {}\n'],
    ['empty list', [], 'v: []\n'],
    ['list of empties', [{}, [], [[]]], 'v:\n- {}\n- []\n- - []\n'],
    [
      'nested list',
      [
        [1, 2],
        ['a', ['b']],
      ],
      'v:\n- - 1\n  - 2\n- - a\n  - - b\n',
    ],
    ['list of maps', [{ a: 1, b: [] }, { c: {} }], 'v:\n- a: 1\n  b: []\n- c: {}\n'],
    ['map with empty', { e: {}, f: [], g: { h: {} } }, 'v:\n  e: {}\n  f: []\n  g:\n    h: {}\n'],
  ];
  it.each(values)('%s', (_, value, expected) => {
    expect(serializeObject({ v: value })).toBe(expected);
  });
});

describe('serializeObject: keys as sigs.k8s.io/yaml writes them', () => {
  /** A key written as `key`, mapped to the value `v`: Go writes it as `written` followed by `: v`. */
  const keyCase = (name: string, key: string, written: string): [string, string, string] => [
    name,
    key,
    `${written}: v\n`,
  ];
  const keys: [string, string, string][] = [
    keyCase('empty key', '', '""'),
    keyCase('space key', ' ', "' '"),
    keyCase('key "true"', 'true', '"true"'),
    keyCase('key "y"', 'y', '"y"'),
    keyCase('key "1"', '1', '"1"'),
    keyCase('key "01"', '01', '"01"'),
    keyCase('key "1.5"', '1.5', '"1.5"'),
    keyCase('key "null"', 'null', '"null"'),
    keyCase('key "~"', '~', '"~"'),
    keyCase('key ": "', 'a: b', "'a: b'"),
    keyCase('key "#"', '#a', "'#a'"),
    keyCase('key "-"', '-', "'-'"),
    keyCase('key "- a"', '- a', "'- a'"),
    keyCase('key with tab', 'a\tb', '"a\\tb"'),
    keyCase('key with newline', 'a\nb', '? |-\n  a\n  b\n'),
    keyCase(
      'key 129 bytes',
      'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk',
      '? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n',
    ),
    keyCase(
      'key 128 bytes',
      'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk',
      'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk',
    ),
    keyCase('key unicode', 'é', 'é'),
    keyCase('key emoji', '😀', '"\\U0001F600"'),
  ];
  it.each(keys)('%s', (_, key, expected) => {
    expect(serializeObject({ [key]: 'v' })).toBe(expected);
  });
});

describe('serializeObject: structure', () => {
  it('sorts keys the way go-yaml does (digit runs by value, non-letters before letters)', () => {
    const obj = { node10: 1, node9: 1, b: 1, B: 1, _x: 1, '1': 1, '10': 1, '9': 1, 'a.b': 1, a: 1, é: 1 };
    expect(serializeObject(obj)).toBe(
      [
        '_x: 1',
        '"1": 1',
        '"9": 1',
        '"10": 1',
        'B: 1',
        'a: 1',
        'a.b: 1',
        'b: 1',
        'node9: 1',
        'node10: 1',
        'é: 1',
        '',
      ].join('\n'),
    );
  });

  it('indents lists at the level of their key and nests maps by two spaces', () => {
    const obj = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { app: 'x' } },
      spec: { containers: [{ name: 'c', args: ['--a', '--b'], env: [] }], volumes: [[1, 2]] },
    };
    expect(serializeObject(obj)).toBe(
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  labels:',
        '    app: x',
        '  name: p',
        'spec:',
        '  containers:',
        '  - args:',
        '    - --a',
        '    - --b',
        '    env: []',
        '    name: c',
        '  volumes:',
        '  - - 1',
        '    - 2',
        '',
      ].join('\n'),
    );
  });

  it('drops undefined properties like JSON does', () => {
    expect(serializeObject({ a: 1, b: undefined } as unknown as JsonValue)).toBe('a: 1\n');
  });

  it('refuses NaN and Infinity, which JSON cannot carry', () => {
    expect(thrown(() => serializeObject({ v: Number.NaN })).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => serializeObject({ v: Number.POSITIVE_INFINITY })).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses control characters go-yaml cannot read back (DEL, C1 controls)', () => {
    expect(thrown(() => serializeObject({ v: 'a\u007fb' })).message).toContain('control characters are not allowed');
    expect(thrown(() => serializeObject({ v: 'a\u0090b' })).code).toBe('INVALID_YAML');
  });
});

describe('serializeObjects: documents joined like utilyaml.FromUnstructured', () => {
  const cm = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });

  it('joins documents with --- lines and ends with a newline', () => {
    expect(serializeObjects([cm('a'), cm('b')])).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
    );
  });

  it('prints a single newline for no objects, as clusterctl does', () => {
    expect(serializeObjects([])).toBe('\n');
  });

  it('keeps a |+ block at the end of a document intact', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'x\n\n' } };
    expect(serializeObjects([obj, obj])).toBe(
      'apiVersion: v1\ndata:\n  k: |+\n    x\n\nkind: ConfigMap\n---\napiVersion: v1\ndata:\n  k: |+\n    x\n\nkind: ConfigMap\n',
    );
  });
});

describe('parseDocuments: reading like utilyaml.ToUnstructured', () => {
  it('drops empty, comment-only and null documents but keeps {}', () => {
    const text =
      '---\n# c\n---\napiVersion: v1\nkind: A\n--- # comment\n---\nnull\n---\n~\n---\n\n---\n{}\n---\nkind: B\n';
    expect(parseDocuments(text)).toEqual([{ apiVersion: 'v1', kind: 'A' }, {}, { kind: 'B' }]);
  });

  it('reads CRLF files', () => {
    expect(parseDocuments('kind: A\r\ndata:\r\n  a: "x"\r\n---\r\nkind: B\r\n')).toEqual([
      { kind: 'A', data: { a: 'x' } },
      { kind: 'B' },
    ]);
  });

  it('resolves scalars like go-yaml v2 (YAML 1.1) and turns numbers into float64', () => {
    const [obj] = parseDocuments(
      'a: yes\nb: off\nc: 0x10\nd: 017\ne: 0o17\nf: 1_000\ng: 1.20\nh: ~\ni: 2024-01-31\nj: "1"\nk: 12345678901234567890\nl: 08\nm: y\n',
    );
    expect(obj).toEqual({
      a: true,
      b: false,
      c: 16,
      d: 15,
      e: 15,
      f: 1000,
      g: 1.2,
      h: null,
      i: '2024-01-31',
      j: '1',
      k: Number('12345678901234567890'),
      l: 8,
      m: true,
    });
  });

  it('turns keys into strings the way sigs.k8s.io/yaml does', () => {
    const [obj] = parseDocuments('1: a\n0x10: b\ntrue: c\ny: d\n1.5: e\n2024-01-01: f\n"<<": g\n');
    expect(obj).toEqual({ '1': 'a', '16': 'b', true: 'd', '1.5': 'e', '2024-01-01': 'f', '<<': 'g' });
  });

  it('merges << like go-yaml v2: in document order, the first map of a list winning', () => {
    const [obj] = parseDocuments(
      'base: &b {x: 1, z: 2}\nm1:\n  x: 0\n  <<: *b\nm2:\n  <<: *b\n  x: 0\nm3:\n  <<: [{p: 1}, {p: 2, q: 2}]\n',
    );
    expect(obj).toEqual({
      base: { x: 1, z: 2 },
      m1: { x: 1, z: 2 },
      m2: { x: 0, z: 2 },
      m3: { p: 1, q: 2 },
    });
  });

  it('applies explicit tags', () => {
    const [obj] = parseDocuments('a: !!int "12"\nb: !!str 12\nc: !!float 1\nd: !custom text\ne: !!binary aGVsbG8=\n');
    expect(obj).toEqual({ a: 12, b: '12', c: 1, d: 'text', e: 'hello' });
  });

  it('keeps a __proto__ key as data', () => {
    const [obj] = parseDocuments('__proto__: {polluted: true}\n');
    expect(Object.keys(obj ?? {})).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('fails with INVALID_YAML naming the source, line and column, with a hint', () => {
    const error = thrown(() => parseDocuments('kind: A\n---\na: 1\nb: [1, 2\nc: 3\n', 'cluster-template.yaml'));
    expect(error.code).toBe('INVALID_YAML');
    expect(error.message).toMatch(/^cluster-template\.yaml: .* at line \d+, column \d+$/);
    expect(error.message).toMatch(/line [4-6]/);
    expect(error.hint).toMatch(/indentation/);
  });

  it('rejects what clusterctl rejects', () => {
    const cases: [string, RegExp][] = [
      ['a: 1\n---x\n', /invalid YAML document separator at line 2/],
      ['- a\n- b\n', /is a list, not an object/],
      ['just text\n', /is the string "just text", not an object/],
      ['a: .inf\n', /unsupported value: \+Inf/],
      ['~: 1\n', /unsupported map key of type: <nil>/],
      ['18446744073709551615: big\n', /unsupported map key of type: uint64/],
      ['a: !!int abc\n', /cannot decode !!str `abc` as a !!int/],
      ['a: *nope\n', /unknown anchor 'nope'/],
      ['a: "x\u007f"\n', /control characters are not allowed \(U\+007F at line 1, column 6\)/],
    ];
    for (const [text, message] of cases) {
      const error = thrown(() => parseDocuments(text, 'in.yaml'));
      expect(error.code).toBe('INVALID_YAML');
      expect(error.message).toMatch(message);
      expect(error.message.startsWith('in.yaml: ')).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

// Strings without the characters the Go round trip changes or refuses (NEL, DEL, C1 controls, U+FFFE/F),
// and without LS/PS: go-yaml reads those as line breaks (YAML 1.1), the yaml package as text (YAML 1.2).
const textArb = fc.string({
  unit: fc.oneof(
    fc.constantFrom('a', 'Z', '0', ' ', '  ', '\n', '\t', ':', '#', '-', '?', '*', '&', '!', '|', '>', "'", '"', '%'),
    fc.constantFrom('@', '`', ',', '[', ']', '{', '}', '.', '~', '\\', 'é', '😀', '\u00a0', '\ufeff', '\r'),
    fc.constantFrom('true', 'null', 'y', 'on', '0x1F', '1e3', '017', '2024-01-01', '1:20', '---', '<<', 'word '),
  ),
});
const numberArb = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(1e21));
// A "<<" key is written plain, exactly as go-yaml does, and then reads back as a merge key.
const keyArb = textArb.filter((k) => k !== '<<');
const jsonArb: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    textArb,
    numberArb,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 4 }),
  ),
})).value;
const objectArb = fc.dictionary(keyArb, jsonArb, { maxKeys: 6 });

/** What the data looks like after a trip through JSON (-0 becomes 0). */
const normalize = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

describe('properties', () => {
  it('reads back what it writes', () => {
    fc.assert(
      fc.property(fc.array(objectArb, { maxLength: 3 }), (objs) => {
        const nonEmpty = objs.map((o) => (Object.keys(o).length === 0 ? { k: 'v' } : o));
        const text = serializeObjects(nonEmpty);
        expect(parseDocuments(text)).toEqual(normalize(nonEmpty));
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent: writing what it read gives the same text', () => {
    fc.assert(
      fc.property(objectArb, (obj) => {
        const once = serializeObjects([obj]);
        expect(serializeObjects(parseDocuments(once))).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('never writes a line longer than 80 columns that contains a foldable space past column 80', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('lorem', 'ipsum', 'dolor', 'sit', 'amet'), { minLength: 20, maxLength: 60 }),
        (words) => {
          const text = serializeObject({ key: words.join(' ') });
          for (const line of text.split('\n')) {
            const spaceAfter80 = line.slice(81).indexOf(' ');
            expect(spaceAfter80).toBe(-1);
          }
        },
      ),
    );
  });
});

describe('parseDocuments: alias bombs', () => {
  /** Seven levels of nine-way aliases: 254 bytes that would expand to 9^7 (4.8 million) leaves. */
  const bomb = (() => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const lines = ['kind: ConfigMap', 'a: &a ["lol"]'];
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1]!;
      lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    lines.push(`h: [${Array(9).fill('*g').join(',')}]`);
    return `${lines.join('\n')}\n`;
  })();

  it('refuses a document whose aliases multiply it, quickly and naming the source', () => {
    const started = Date.now();
    let error: unknown;
    try {
      parseDocuments(bomb, 'bomb.yaml');
    } catch (e) {
      error = e;
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(ClusterctlError);
    expect((error as ClusterctlError).code).toBe('INVALID_YAML');
    expect((error as ClusterctlError).message).toMatch(/^bomb\.yaml: the document contains excessive aliasing/);
  });

  it('still expands ordinary aliases and merge keys', () => {
    const [obj] = parseDocuments(
      'kind: X\nbase: &base {a: 1, b: [p, q]}\none: *base\ntwo:\n  <<: *base\n  c: 3\nlist: [*base, *base]\n',
    );
    expect(obj).toMatchObject({
      one: { a: 1, b: ['p', 'q'] },
      two: { a: 1, b: ['p', 'q'], c: 3 },
      list: [{ a: 1 }, { a: 1 }],
    });
  });

  it('accepts many aliases of a small anchor, as go-yaml does (ratio below its threshold)', () => {
    const text = `kind: X\nv: &v "x"\nitems:\n${Array.from({ length: 3000 }, (_, i) => `  k${i}: {a: *v, b: ${i}, c: ${i}}`).join('\n')}\n`;
    const [obj] = parseDocuments(text);
    expect(Object.keys((obj as unknown as { items: object }).items)).toHaveLength(3000);
  });
});

describe('parseDocuments: nesting limit', () => {
  it('names the limit for deep flow and block nesting (was "Maximum call stack size exceeded")', () => {
    const flow = `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    const block = Array.from({ length: 3_000 }, (_, i) => `${'  '.repeat(i)}k:`).join('\n');
    const shallowButOver = `a: ${'['.repeat(600)}${']'.repeat(600)}\n`;
    for (const text of [flow, block, shallowButOver]) {
      const error = thrown(() => parseDocuments(text, 'deep.yaml'));
      expect(error.code).toBe('INVALID_YAML');
      expect(error.message).toContain('deep.yaml: the YAML is nested more than 500 levels deep');
      expect(error.message).not.toContain('call stack');
    }
    expect(parseDocuments(`a: ${'['.repeat(400)}${']'.repeat(400)}\n`, 'ok.yaml')).toHaveLength(1);
  });
});
