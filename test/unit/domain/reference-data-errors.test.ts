import { describe, expect, it } from 'vitest';
import { parseReferenceData } from '../../../src/domain/reference-data.js';

/**
 * What an operator reads when a reference-data file is wrong: every problem at once, each with the
 * file, line and column, the field's path and the rule it breaks, in file order. The texts are the
 * contract here (README: "errors name the file, line, column and field"), so they are pinned whole.
 */
const base = ['profiles:', '  - key: standard', '    name: Standard Agent', '    default: true', 'extensionRanges:', '  - { from: 1000, to: 1999 }'];

function errorsOf(...lines: string[]): string[] {
  const result = parseReferenceData(`${lines.join('\n')}\n`, 'f.yml');
  if (result.ok) throw new Error('expected errors, but the file parsed');
  return result.errors;
}

describe('reference data: every error named by file, line, column and field', () => {
  it('names each list by its own name when one of its items lacks what it needs', () => {
    expect(
      errorsOf(...base, 'departments:', '  - key: d1', 'billingUnits:', '  - key: b1', 'clusters:', '  - key: c1', 'callerIds:', '  - key: x1', 'e911Locations:', '  - key: e1', 'collections:', '  - kind: user', 'sites:', '  - key: s1'),
    ).toEqual([
      'f.yml:8:5 departments[0].name: required',
      'f.yml:10:5 billingUnits[0].name: required',
      'f.yml:12:5 clusters[0].name: required',
      'f.yml:14:5 callerIds[0].name: required',
      'f.yml:14:5 callerIds[0].number: required',
      'f.yml:16:5 e911Locations[0].name: required',
      'f.yml:16:5 e911Locations[0].street: required',
      'f.yml:16:5 e911Locations[0].city: required',
      'f.yml:16:5 e911Locations[0].state: required',
      'f.yml:16:5 e911Locations[0].postalCode: required',
      'f.yml:16:5 e911Locations[0].country: required',
      'f.yml:18:5 collections[0].name: required',
      'f.yml:20:5 sites[0].name: required',
    ]);
  });

  it('says what was expected and what was found, with a hint to quote a value meant as text', () => {
    expect(
      errorsOf('profiles: 5', 'extensionRanges:', '  - { from: "1000", to: 1999 }', 'sites: { a: 1 }', 'departments: [[1]]', 'billingUnits:', '  - key: b1', '    name: 7', '  - key: b2', '    name: { x: 1 }', '  - key: b3', '    name: true', '  - key: b4', '    name:'),
    ).toEqual([
      'f.yml:1:11 profiles: expected a list, got number 5',
      'f.yml:3:13 extensionRanges[0].from: must be a whole number',
      'f.yml:4:1 sites: expected a list, got a mapping',
      'f.yml:5:15 departments[0]: expected a mapping, got a list',
      'f.yml:8:11 billingUnits[0].name: expected text, got number 7 (put the value in quotes)',
      'f.yml:10:5 billingUnits[1].name: expected text, got a mapping',
      'f.yml:12:11 billingUnits[2].name: expected text, got boolean true (put the value in quotes)',
      'f.yml:14:5 billingUnits[3].name: required (the value is empty)',
    ]);
  });

  it('checks each range on its own (whole numbers, present, not backwards) and then against the others', () => {
    expect(
      errorsOf(...base.slice(0, 4), 'extensionRanges:', '  - { from: 1.5, to: 1999 }', '  - { to: 1999 }', '  - { from: 3000, to: 2000 }', '  - { from: 5000, to: 5000 }', '  - { from: 5000, to: 5001 }'),
    ).toEqual([
      'f.yml:6:13 extensionRanges[0].from: must be a whole number',
      'f.yml:6:13 extensionRanges[0].from: must be an extension number of 2 to 9 digits',
      'f.yml:7:5 extensionRanges[1].from: required',
      'f.yml:8:23 extensionRanges[2].to: "to" must not be below "from"',
      'f.yml:10:5 extensionRanges[4]: 5000–5001 overlaps extensionRanges[3] (5000–5000) (line 9)',
    ]);
  });

  it('a file that is not a mapping is reported for the whole file', () => {
    expect(errorsOf('- a', '- b')).toEqual(['f.yml:1:1 (file): expected a mapping, got a list']);
    expect(errorsOf('hello')).toEqual(['f.yml:1:1 (file): expected a mapping, got string "hello"']);
  });

  it('refuses a key that is not text, not an identifier, or used twice', () => {
    expect(errorsOf(...base, 'sites:', '  - key: 5', '    name: A', '  - key: "Bad Key"', '    name: B', '  - key: a1', '    name: C', '  - key: a1', '    name: D')).toEqual([
      'f.yml:8:10 sites[0].key: expected text, got number 5 (put the value in quotes)',
      'f.yml:10:10 sites[1].key: must start with a lowercase letter or digit and use only a-z, 0-9, ".", "_" and "-" (e.g. austin-tx)',
      'f.yml:14:10 sites[3].key: duplicate key "a1": also used by sites[2] (line 12)',
    ]);
  });

  it('anchors the key and E.164 patterns at both ends', () => {
    const keyErrors = errorsOf(...base, 'sites:', '  - { key: "austin!", name: A }', '  - { key: "-austin", name: B }', '  - { key: "austin-tx", name: C }');
    expect(keyErrors.map((e) => e.split(' ')[1])).toEqual(['sites[0].key:', 'sites[1].key:']);
    const numberErrors = errorsOf(...base, 'callerIds:', '  - { key: c1, name: A, number: "x+15125550100" }', '  - { key: c2, name: B, number: "+15125550100x" }', '  - { key: c3, name: C, number: "+15125550100" }');
    expect(numberErrors.map((e) => e.split(' ').slice(0, 2).join(' '))).toEqual(['f.yml:8:33 callerIds[0].number:', 'f.yml:9:33 callerIds[1].number:']);
  });

  it('compares collection names trimmed and case-blind within a kind, and checks their types', () => {
    expect(errorsOf(...base, 'collections:', '  - { name: " Sales ", kind: user }', '  - { name: sales, kind: user }', '  - { name: Sales, kind: agent }', '  - { name: 5, kind: user }', '  - { name: x, kind: 5 }')).toEqual([
      'f.yml:9:13 collections[1].name: duplicate user collection "sales": also used by collections[0] (line 8)',
      'f.yml:11:13 collections[3].name: expected text, got number 5 (put the value in quotes)',
      'f.yml:12:22 collections[4].kind: must be one of: user, agent',
    ]);
  });

  it('names the second default profile and the first one’s line', () => {
    expect(errorsOf('profiles:', '  - { key: a, name: A, default: true }', '  - { key: b, name: B }', '  - { key: c, name: C, default: true }', 'extensionRanges:', '  - { from: 1000, to: 1999 }')).toEqual([
      'f.yml:4:33 profiles[2].default: only one profile may have "default: true", and profiles[0] has it too (line 2)',
    ]);
  });

  it('names an unknown field at the top and inside an item, with what is allowed there', () => {
    expect(errorsOf(...base, 'sitez:', '  - key: a', 'sites:', '  - { key: s, name: S, colour: red }')).toEqual([
      'f.yml:7:1 sitez: unknown field "sitez" (allowed: sites, departments, billingUnits, profiles, clusters, callerIds, e911Locations, collections, extensionRanges)',
      'f.yml:10:24 sites[0].colour: unknown field "colour" (allowed: key, name)',
    ]);
  });

  it('fills every optional list with an empty one when the file leaves it out', () => {
    const result = parseReferenceData(`${base.join('\n')}\n`, 'f.yml');
    expect(result).toEqual({
      ok: true,
      data: { sites: [], departments: [], billingUnits: [], profiles: [{ key: 'standard', name: 'Standard Agent', default: true }], clusters: [], callerIds: [], e911Locations: [], collections: [], extensionRanges: [{ from: 1000, to: 1999 }] },
    });
  });
});
