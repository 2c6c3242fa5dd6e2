import { describe, expect, it } from 'vitest';
import { format, renderTable, replaceBetween, stats } from './summary.ts';

describe('stats', () => {
  it.each([
    { values: [3], expected: { median: 3, min: 3, max: 3 } },
    { values: [5, 1, 3], expected: { median: 3, min: 1, max: 5 } },
    { values: [4, 1, 3, 2], expected: { median: 2.5, min: 1, max: 4 } },
  ])('summarizes $values', ({ values, expected }) => {
    expect(stats(values)).toEqual(expected);
  });

  it('refuses an empty list', () => {
    expect(() => stats([])).toThrow('no values');
  });
});

describe('format', () => {
  it.each([
    [1234.4, '1,234'],
    [404, '404'],
    [12.345, '12.3'],
    [4.237, '4.24'],
    [0.0123, '0.012'],
  ])('formats %d as %s', (value, expected) => {
    expect(format(value)).toBe(expected);
  });
});

describe('renderTable', () => {
  const rows = [
    { figure: 'creates', key: 'scim', unit: '/s', baseline: { key: 'raw', label: 'ldapadd' } },
    { figure: 'GET p99', key: 'p99', unit: 'ms' },
  ];

  it('takes the ratio within each run, then its median', () => {
    const table = renderTable(rows, [
      { scim: 400, raw: 800, p99: 4 },
      { scim: 300, raw: 500, p99: 5 },
      { scim: 500, raw: 700, p99: 3 },
    ]);
    // Ratios per run 0.5, 0.6, 0.714: median 0.6 (the ratio of medians would be 0.571).
    expect(table).toContain('| creates | 400 /s | 300 – 500 | ldapadd: 700 /s | 0.600x |');
    expect(table).toContain('| GET p99 | 4.00 ms | 3.00 – 5.00 |  |  |');
  });

  it('names the figure a run did not record', () => {
    expect(() => renderTable(rows, [{ scim: 1, raw: 1 }])).toThrow('run 1 recorded no p99 (GET p99)');
  });
});

describe('replaceBetween', () => {
  it('replaces only the marked section', () => {
    expect(replaceBetween('a\n<!-- b -->\nold\n<!-- e -->\nz', '<!-- b -->', '<!-- e -->', 'new')).toBe(
      'a\n<!-- b -->\nnew\n<!-- e -->\nz',
    );
  });

  it('fails when the markers are missing', () => {
    expect(() => replaceBetween('text', '<!-- b -->', '<!-- e -->', 'new')).toThrow('no <!-- b -->');
  });
});
