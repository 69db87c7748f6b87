/** The list filter language, as pure parsing and matching. */
import { describe, expect, it } from 'vitest';
import { matches, parseFilter } from './filter';

const image = { name: 'checkout-1-2-0', status: 'READY', diskSizeGb: '10', labels: { package: 'checkout', version: '1-2-0' } };
const holds = (filter: string) => matches(parseFilter(filter), image);

describe('list filters', () => {
  it('compares dotted fields with =, != and quoted or bare values', () => {
    expect(holds('labels.package = "checkout"')).toBe(true);
    expect(holds("labels.package = 'checkout'")).toBe(true);
    expect(holds('labels.package=checkout')).toBe(true);
    expect(holds('labels.package != checkout')).toBe(false);
    expect(holds('labels.missing != x')).toBe(true);
    expect(holds('labels.missing = x')).toBe(false);
  });

  it('combines with AND, OR, NOT, parentheses and juxtaposition', () => {
    expect(holds('labels.package = checkout AND labels.version = "1-2-0"')).toBe(true);
    expect(holds('(labels.package = checkout) (labels.version = 9)')).toBe(false);
    expect(holds('(labels.package = billing) OR (labels.version = 1-2-0)')).toBe(true);
    expect(holds('NOT labels.package = checkout')).toBe(false);
    expect(holds('status = READY AND (labels.package = billing OR labels.package = checkout)')).toBe(true);
  });

  it('knows has (:), wildcards, regular expressions and ordering', () => {
    expect(holds('labels.package:*')).toBe(true);
    expect(holds('labels.owner:*')).toBe(false);
    expect(holds('name = "checkout-*"')).toBe(true);
    expect(holds('name eq checkout-1-.*')).toBe(true);
    expect(holds("name ne 'checkout-.*'")).toBe(false);
    expect(holds('diskSizeGb > 9')).toBe(true);
    expect(holds('diskSizeGb <= 9')).toBe(false);
  });

  it('an empty filter matches all; a malformed one is a 400', () => {
    expect(holds('')).toBe(true);
    for (const bad of ['labels.package =', '(name = x', 'name', 'name eq (']) {
      expect(() => parseFilter(bad), bad).toThrow(expect.objectContaining({ code: 400 }));
    }
  });
});
