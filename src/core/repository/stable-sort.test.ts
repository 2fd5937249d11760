/// <reference types="vite/client" />
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goSliceStable } from './stable-sort.js';

interface StableSortCase {
  kinds: string;
  order: number[];
}

const recorded = Object.values(
  import.meta.glob<StableSortCase[]>('../../../test/fixtures/go-oracles/stable-sort.json', {
    import: 'default',
    eager: true,
  }),
)[0]!;

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
  // strict weak order; the expected orders (original indices) are what Go's sort.SliceStable gives,
  // recorded by scripts/go-oracles.
  it('has the recorded cases', () => {
    expect(recorded.length).toBeGreaterThan(40);
  });

  it.each(recorded.map((c) => [c.kinds, c.order] as const))('reproduces Go for %s', (kinds, expected) => {
    const items = [...kinds].map((kind, id) => ({ kind, id }));
    const sorted = goSliceStable(items, (a, b) => (a.kind === 'N' ? true : b.kind === 'N' ? false : a.kind === 'C'));
    expect(sorted.map((i) => i.id)).toEqual(expected);
  });

  it('handles empty and single-element slices', () => {
    expect(goSliceStable([], () => true)).toEqual([]);
    expect(goSliceStable([1], () => true)).toEqual([1]);
  });
});
