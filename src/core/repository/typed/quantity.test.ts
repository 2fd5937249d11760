/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { canonicalQuantity, QuantityError } from './quantity.js';

interface QuantityCase {
  json: string;
  output?: string;
  error?: string;
}

// What k8s.io/apimachinery's resource.Quantity (v0.35.4, the version clusterctl v1.13.5 builds with)
// writes back after reading each JSON value, recorded by scripts/go-oracles (npm run oracles).
const recorded = Object.values(
  import.meta.glob<QuantityCase[]>('../../../../test/fixtures/go-oracles/quantity.json', {
    import: 'default',
    eager: true,
  }),
)[0]!;

/** A JSON string reaches canonicalQuantity as its value; a bare JSON number as its text. */
function inputOf(json: string): string {
  const value = JSON.parse(json) as unknown;
  return typeof value === 'string' ? value : json;
}

describe('canonicalQuantity (replay of resource.Quantity)', () => {
  it('has the recorded cases, valid and invalid', () => {
    expect(recorded.filter((c) => c.output !== undefined).length).toBeGreaterThan(100);
    expect(recorded.filter((c) => c.error !== undefined).length).toBeGreaterThan(5);
  });

  it.each(recorded.filter((c) => c.output !== undefined).map((c) => [c.json, c.output] as const))(
    '%s -> %j',
    (json, expected) => {
      expect(canonicalQuantity(inputOf(json))).toBe(expected);
    },
  );

  it.each(recorded.filter((c) => c.error !== undefined).map((c) => [c.json, c.error] as const))(
    'rejects %s',
    (json, message) => {
      expect(() => canonicalQuantity(inputOf(json))).toThrow(QuantityError);
      expect(() => canonicalQuantity(inputOf(json))).toThrow(message);
    },
  );
});
