import { describe, expect, it } from 'vitest';
import { neutralizeCsvCell } from '../../../src/text/csv-cell.js';

describe('neutralizeCsvCell', () => {
  it.each(['=SUM(A1:A2)', '+15555551234', '-2+3', '@cmd', '\tx', '\rx', "=HYPERLINK(\"http://evil\",\"x\")"])('makes %j plain text', (value) => {
    expect(neutralizeCsvCell(value)).toBe(`'${value}`);
  });

  it.each(['jdoe', 'Jane Doe', '', '1001', 'a=b', "'quoted", ' =lead-space'])('leaves %j as it is', (value) => {
    expect(neutralizeCsvCell(value)).toBe(value);
  });
});
