import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvField, csvRows } from '../../src/report/csv.js';

// csv-stringify is the reference (a dev dependency since natpath writes CSV itself: docs/decisions.md).
const reference = (rows: unknown[][]) => stringify(rows, { cast: { boolean: (b) => (b ? 'true' : 'false') } });

describe('csv', () => {
  it('writes what csv-stringify writes, byte for byte', () => {
    const field = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'é', '1') }),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { maxLength: 8 }), (rows) => {
        expect(csvRows(rows)).toBe(reference(rows));
      }),
      { numRuns: 2000 },
    );
  });

  it('quotes only what needs it', () => {
    expect(csvField('eth0')).toBe('eth0');
    expect(csvField('-A X -m comment --comment "a, b"')).toBe('"-A X -m comment --comment ""a, b"""');
    expect(csvField(null)).toBe('');
    expect(csvField(false)).toBe('false');
    expect(csvRows([])).toBe('');
  });
});
