import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goSliceStable } from './stable-sort.js';

describe('goSliceStable', () => {
  it('is a stable sort for a well-behaved comparator', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 5 }), id: fc.nat() }), { maxLength: 200 }),
        (items) => {
          const expected = [...items].sort((a, b) => a.key - b.key);
          expect(goSliceStable([...items], (a, b) => a.key < b.key)).toEqual(expected);
        },
      ),
    );
  });

  // clusterctl's component comparator (N = Namespace, C = cert-manager object, O = other) is not a
  // strict weak order; the expected orders (original indices) come from Go's sort.SliceStable.
  it.each<[string, number[]]>([
    [
      'OONCOOOOCOOOOCCCCOOCOOOOCCOOOCCONOOOOCOOOONOCOCOOOCOCCOOCOOOOCOOO',
      [
        42, 32, 2, 61, 56, 53, 52, 50, 46, 44, 37, 30, 29, 25, 24, 19, 16, 15, 14, 13, 8, 3, 0, 1, 4, 5, 6, 7, 9, 10,
        11, 12, 17, 18, 20, 21, 22, 23, 26, 27, 28, 31, 33, 34, 35, 36, 38, 39, 40, 41, 43, 45, 47, 48, 49, 51, 54, 55,
        57, 58, 59, 60, 62, 63, 64,
      ],
    ],
    [
      'OOOCNCOOOOCNOOOOOOOOCOOCCNOOOCONOOCOCOOCOOOOCONNONOCCOOCCOCCOOCCONOOOCCOOCOOONOONOOOCOOOOCOCOOOOONCOOOCOOOONCOOOOOCNCO',
      [
        115, 107, 97, 80, 77, 65, 49, 47, 46, 31, 25, 11, 4, 116, 114, 108, 102, 98, 91, 89, 84, 73, 70, 69, 63, 62, 59,
        58, 56, 55, 52, 51, 44, 39, 36, 34, 29, 24, 23, 20, 10, 5, 3, 0, 1, 2, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18,
        19, 21, 22, 26, 27, 28, 30, 32, 33, 35, 37, 38, 40, 41, 42, 43, 45, 48, 50, 53, 54, 57, 60, 61, 64, 66, 67, 68,
        71, 72, 74, 75, 76, 78, 79, 81, 82, 83, 85, 86, 87, 88, 90, 92, 93, 94, 95, 96, 99, 100, 101, 103, 104, 105,
        106, 109, 110, 111, 112, 113, 117,
      ],
    ],
    [
      'OOOCCNOOOOCOCOCNOOOOOOONCOCNCNOOOOOOCOCCCCOCCNOOOOCOOOOOOCOOOOCOOOON',
      [
        67, 45, 29, 27, 23, 15, 5, 62, 57, 50, 44, 43, 41, 40, 39, 38, 36, 28, 26, 24, 14, 12, 10, 4, 3, 0, 1, 2, 6, 7,
        8, 9, 11, 13, 16, 17, 18, 19, 20, 21, 22, 25, 30, 31, 32, 33, 34, 35, 37, 42, 46, 47, 48, 49, 51, 52, 53, 54,
        55, 56, 58, 59, 60, 61, 63, 64, 65, 66,
      ],
    ],
  ])('reproduces Go for %s', (kinds, expected) => {
    const items = [...kinds].map((kind, id) => ({ kind, id }));
    const sorted = goSliceStable(items, (a, b) => (a.kind === 'N' ? true : b.kind === 'N' ? false : a.kind === 'C'));
    expect(sorted.map((i) => i.id)).toEqual(expected);
  });

  it('handles empty and single-element slices', () => {
    expect(goSliceStable([], () => true)).toEqual([]);
    expect(goSliceStable([1], () => true)).toEqual([1]);
  });
});
