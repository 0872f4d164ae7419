import { describe, expect, it } from 'vitest';
import { parseReferenceData } from '../../../src/domain/reference-data.js';

/**
 * The reference-data rules at their edges: which lists a duplicate is named in, which ranges are
 * compared, how aliases, comments and multi-line values are located, and that hostile or odd YAML
 * gets an answer rather than an exception. reference-data-errors.test.ts pins the common texts.
 */
const profiles = ['profiles:', '  - key: standard', '    name: Standard Agent', '    default: true'];
const base = [...profiles, 'extensionRanges:', '  - { from: 1000, to: 1999 }'];

function parse(...lines: string[]) {
  return parseReferenceData(`${lines.join('\n')}\n`, 'f.yml');
}
function errorsOf(...lines: string[]): string[] {
  const result = parse(...lines);
  if (result.ok) throw new Error('expected errors, but the file parsed');
  return result.errors;
}

describe('reference data: duplicates', () => {
  it('names the list a duplicate key is in, and the first one’s line, for every keyed list', () => {
    expect(
      errorsOf(
        ...base,
        'departments:',
        '  - { key: d, name: D1 }',
        '  - { key: d, name: D2 }',
        'billingUnits:',
        '  - { key: b, name: B1 }',
        '  - { key: b, name: B2 }',
        'clusters:',
        '  - { key: c, name: C1 }',
        '  - { key: c, name: C2 }',
        'callerIds:',
        '  - { key: x, name: X1, number: "+18005550100" }',
        '  - { key: x, name: X2, number: "+18005550101" }',
        'e911Locations:',
        '  - { key: e, name: E1, street: S, city: C, state: TX, postalCode: "1", country: US }',
        '  - { key: e, name: E2, street: S, city: C, state: TX, postalCode: "1", country: US }',
      ),
    ).toEqual([
      'f.yml:9:12 departments[1].key: duplicate key "d": also used by departments[0] (line 8)',
      'f.yml:12:12 billingUnits[1].key: duplicate key "b": also used by billingUnits[0] (line 11)',
      'f.yml:15:12 clusters[1].key: duplicate key "c": also used by clusters[0] (line 14)',
      'f.yml:18:12 callerIds[1].key: duplicate key "x": also used by callerIds[0] (line 17)',
      'f.yml:21:12 e911Locations[1].key: duplicate key "e": also used by e911Locations[0] (line 20)',
    ]);
    expect(errorsOf('profiles:', '  - { key: p, name: P1, default: true }', '  - { key: p, name: P2 }', 'extensionRanges:', '  - { from: 1000, to: 1999 }')).toEqual([
      'f.yml:3:12 profiles[1].key: duplicate key "p": also used by profiles[0] (line 2)',
    ]);
  });

  it('compares only keys that are text: two items with the same wrong-typed key get the type error alone', () => {
    expect(errorsOf(...base, 'sites:', '  - { key: 5, name: A }', '  - { key: 5, name: B }')).toEqual([
      'f.yml:8:12 sites[0].key: expected text, got number 5 (put the value in quotes)',
      'f.yml:9:12 sites[1].key: expected text, got number 5 (put the value in quotes)',
    ]);
  });

  it('compares collections only within a valid kind, and folds case as the form would show it', () => {
    expect(errorsOf(...base, 'collections:', '  - { name: Sales, kind: 5 }', '  - { name: Sales, kind: 5 }')).toEqual([
      'f.yml:8:26 collections[0].kind: must be one of: user, agent',
      'f.yml:9:26 collections[1].kind: must be one of: user, agent',
    ]);
    // "Straße" and "Strasse" read differently, though their capitals are the same ("STRASSE").
    const result = parse(...base, 'collections:', '  - { name: Straße, kind: user }', '  - { name: Strasse, kind: user }');
    expect(result.ok && result.data.collections.map((c) => c.name)).toEqual(['Straße', 'Strasse']);
  });

  it('names the first default profile’s own line when it is not the first profile', () => {
    expect(
      errorsOf('profiles:', '  - { key: a, name: A }', '  - { key: b, name: B, default: true }', '  - { key: c, name: C, default: true }', 'extensionRanges:', '  - { from: 1000, to: 1999 }'),
    ).toEqual(['f.yml:4:33 profiles[2].default: only one profile may have "default: true", and profiles[1] has it too (line 3)']);
  });

  it('reports empty items in a list one by one, and does not stumble over two of them', () => {
    expect(errorsOf('profiles:', '  -', '  - { key: a, name: A, default: true }', '  -', 'extensionRanges:', '  - { from: 1000, to: 1999 }', 'sites:', '  -', '  -')).toEqual([
      'f.yml:2:4 profiles[0]: required (the value is empty)',
      'f.yml:4:4 profiles[2]: required (the value is empty)',
      'f.yml:8:4 sites[0]: required (the value is empty)',
      'f.yml:9:4 sites[1]: required (the value is empty)',
    ]);
  });
});

describe('reference data: extension ranges', () => {
  it('refuses an empty list of ranges', () => {
    expect(errorsOf(...profiles, 'extensionRanges: []')).toEqual(['f.yml:5:1 extensionRanges: must list at least one range']);
  });

  it('a range that touches the start of a later one overlaps it', () => {
    expect(errorsOf(...profiles, 'extensionRanges:', '  - { from: 5000, to: 5099 }', '  - { from: 4000, to: 5000 }')).toEqual([
      'f.yml:7:5 extensionRanges[1]: 4000–5000 overlaps extensionRanges[0] (5000–5099) (line 6)',
    ]);
  });

  it('compares only ranges that are valid on their own: a backwards or fractional one gets its own error alone', () => {
    expect(errorsOf(...profiles, 'extensionRanges:', '  - { from: 3000, to: 2000 }', '  - { from: 1500, to: 3500 }')).toEqual([
      'f.yml:6:23 extensionRanges[0].to: "to" must not be below "from"',
    ]);
    expect(errorsOf(...profiles, 'extensionRanges:', '  - { from: 1000, to: 1999 }', '  - { from: 1500.5, to: 1600 }', '  - { from: 1700, to: 1800.5 }')).toEqual([
      'f.yml:7:13 extensionRanges[1].from: must be a whole number',
      'f.yml:8:23 extensionRanges[2].to: must be a whole number',
    ]);
  });
});

describe('reference data: values', () => {
  it('accepts officially assigned country codes from across the alphabet', () => {
    const countries = ['AU', 'BR', 'CA', 'DE', 'FR', 'GB', 'IN', 'JP', 'KE', 'KR', 'LU', 'MX', 'PH', 'SE', 'SG', 'TH', 'US', 'ZA'];
    const result = parse(
      ...base,
      'e911Locations:',
      ...countries.map((c) => `  - { key: e-${c.toLowerCase()}, name: Office ${c}, street: S, city: C, state: R, postalCode: "1", country: ${c} }`),
    );
    expect(result.ok && result.data.e911Locations.map((l) => l.country)).toEqual(countries);
  });

  it('says "true or false" for a default that is not', () => {
    expect(errorsOf('profiles:', '  - { key: a, name: A, default: "yes" }', '  - { key: b, name: B, default: true }', 'extensionRanges:', '  - { from: 1000, to: 1999 }')).toEqual([
      'f.yml:2:33 profiles[0].default: expected true or false, got string "yes"',
    ]);
  });
});

describe('reference data: where an error is', () => {
  it('follows an alias to the lines it stands for', () => {
    expect(errorsOf(...base, 'departments: &d', '  - key: d1', 'sites: *d')).toEqual(['f.yml:8:5 sites[0].name: required', 'f.yml:8:5 departments[0].name: required']);
  });

  it('locates a whole-file error where the mapping or list starts, after leading comments', () => {
    expect(errorsOf('# the sites of 2026', '', '- a')).toEqual(['f.yml:3:1 (file): expected a mapping, got a list']);
    expect(errorsOf('# no profiles yet', 'extensionRanges:', '  - { from: 1000, to: 1999 }')).toEqual(['f.yml:2:1 profiles: required']);
  });

  it('names the line of the first one’s value when that value is on a line of its own', () => {
    expect(errorsOf(...base, 'sites:', '  - key:', '      a1', '    name: A', '  - key: a1', '    name: B')).toEqual([
      'f.yml:11:10 sites[1].key: duplicate key "a1": also used by sites[0] (line 9)',
    ]);
  });
});

describe('reference data: hostile YAML', () => {
  it('refuses an alias bomb with an error instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ];
    expect(errorsOf(...bomb)).toEqual(['f.yml:1:1 YAML error: Excessive alias count indicates a resource exhaustion attack']);
  });
});
