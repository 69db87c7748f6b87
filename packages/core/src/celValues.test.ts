import { describe, expect, it } from 'vitest';
import { fromCel, toCel } from './celValues';

describe('toCel', () => {
  it('turns safe whole numbers into bigint and keeps doubles', () => {
    expect(toCel({ a: 3, b: 1.5, c: [1, 'x', null], d: { e: 2 ** 60 } })).toEqual({
      a: 3n,
      b: 1.5,
      c: [1n, 'x', null],
      d: { e: 2 ** 60 },
    });
  });

  it('drops undefined values and keeps __proto__ as data', () => {
    const converted = toCel(JSON.parse('{"__proto__": {"polluted": 1}, "gone": null}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(converted)).toBe(Object.prototype);
    expect(Object.keys(converted)).toEqual(['__proto__', 'gone']);
    expect(toCel({ a: undefined, b: 1 })).toEqual({ b: 1n });
  });
});

describe('fromCel', () => {
  it('turns bigints into numbers, unsafe ones into strings', () => {
    expect(fromCel([1n, 9223372036854775807n, { x: -2n }])).toEqual([1, '9223372036854775807', { x: -2 }]);
  });

  it('makes timestamps, bytes, maps and non-finite doubles JSON-friendly', () => {
    expect(fromCel(new Date('2024-01-01T00:00:00Z'))).toBe('2024-01-01T00:00:00.000Z');
    expect(fromCel(new Uint8Array([104, 105]))).toBe('aGk=');
    expect(fromCel(new Map([['k', 1n]]))).toEqual({ k: 1 });
    expect(fromCel(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});
