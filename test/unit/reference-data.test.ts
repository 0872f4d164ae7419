import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReferenceData } from '../../src/domain/reference-data.js';
import type { ReferenceData } from '../../src/domain/reference-data.js';

const DEMO = readFileSync(new URL('../../reference-data/demo.yml', import.meta.url), 'utf8');

/** Lines joined with newlines, so a test's line numbers are its array positions plus one. */
const lines = (...ls: string[]) => `${ls.join('\n')}\n`;

/** The smallest valid file: one default profile and one range (lines 1–6); `extra` starts at line 7. */
const minimal = (...extra: string[]) =>
  lines(
    'profiles:',
    '  - key: standard',
    '    name: Standard Agent',
    '    default: true',
    'extensionRanges:',
    '  - { from: 1000, to: 1999 }',
    ...extra,
  );

function ok(text: string, fileName = 'reference-data.yml'): ReferenceData {
  const result = parseReferenceData(text, fileName);
  if (!result.ok) throw new Error(`expected the file to parse, got:\n${result.errors.join('\n')}`);
  return result.data;
}

function errors(text: string, fileName = 'reference-data.yml'): string[] {
  const result = parseReferenceData(text, fileName);
  if (result.ok) throw new Error('expected errors, but the file parsed');
  return result.errors;
}

describe('the demo reference data', () => {
  it('parses, with the sets the forms offer', () => {
    const data = ok(DEMO, 'demo.yml');
    expect(data.sites.map((s) => s.name)).toEqual(['Austin, TX', 'Tampa, FL', 'Manila, PH', 'Remote']);
    expect(data.departments).toHaveLength(6);
    expect(data.billingUnits).toHaveLength(3);
    expect(data.profiles.filter((p) => p.default).map((p) => p.name)).toEqual(['Standard Agent']);
    expect(data.clusters).toHaveLength(2);
    expect(data.callerIds.map((c) => c.number)).toEqual(['+18005550100', '+15125550142', '+18135550187']);
    expect(data.e911Locations).toHaveLength(3);
    expect(data.e911Locations.every((l) => /^[A-Z]{2}$/.test(l.country) && l.postalCode.length > 0)).toBe(true);
    expect(data.collections.filter((c) => c.kind === 'user')).toHaveLength(12);
    expect(data.collections.filter((c) => c.kind === 'agent').map((c) => c.name)).toContain('Spanish Queue');
    expect(data.extensionRanges).toEqual([
      { from: 1000, to: 1999 },
      { from: 5000, to: 5099 },
    ]);
  });
});

describe('parseReferenceData', () => {
  it('accepts the smallest valid file, leaving the optional lists empty', () => {
    const data = ok(minimal());
    expect(data.profiles).toEqual([{ key: 'standard', name: 'Standard Agent', default: true }]);
    expect(data.sites).toEqual([]);
    expect(data.clusters).toEqual([]);
    expect(data.collections).toEqual([]);
    expect(ok(minimal('sites:', 'clusters: []')).sites).toEqual([]);
  });

  it('names the file, line, column and field of a missing name', () => {
    const text = minimal('sites:', '  - key: austin', '    name: Austin, TX', '  - key: tampa');
    expect(errors(text)).toEqual(['reference-data.yml:10:5 sites[1].name: required']);
  });

  it('refuses an empty name and a name over 100 characters', () => {
    expect(errors(minimal('departments:', '  - key: sales', '    name: "  "'))).toEqual([
      'reference-data.yml:9:11 departments[0].name: must not be empty',
    ]);
    expect(ok(minimal('departments:', '  - key: sales', `    name: ${'x'.repeat(100)}`)).departments).toHaveLength(1);
    expect(errors(minimal('departments:', '  - key: sales', `    name: ${'x'.repeat(101)}`))).toEqual([
      'reference-data.yml:9:11 departments[0].name: must be at most 100 characters',
    ]);
  });

  it('refuses a key that is not a stable identifier', () => {
    const [error, ...rest] = errors(minimal('sites:', '  - key: Austin TX', '    name: Austin'));
    expect(rest).toEqual([]);
    expect(error).toMatch(/^reference-data\.yml:8:10 sites\[0\]\.key: must start with a lowercase letter or digit/);
    expect(errors(minimal('sites:', '  - key: -austin', '    name: Austin'))[0]).toMatch(/^reference-data\.yml:8:10 sites\[0\]\.key: /);
    expect(errors(minimal('sites:', `  - key: ${'a'.repeat(41)}`, '    name: Austin'))).toEqual([
      'reference-data.yml:8:10 sites[0].key: must be at most 40 characters',
    ]);
    expect(ok(minimal('sites:', `  - key: ${'a'.repeat(40)}`, '    name: Austin')).sites).toHaveLength(1);
    expect(ok(minimal('sites:', '  - key: 0a.b_c-d', '    name: Austin')).sites[0]?.key).toBe('0a.b_c-d');
  });

  it('refuses two default profiles, naming both lines', () => {
    const text = lines(
      'profiles:',
      '  - key: standard',
      '    name: Standard Agent',
      '    default: true',
      '  - key: senior',
      '    name: Senior Agent',
      '    default: true',
      'extensionRanges:',
      '  - { from: 1000, to: 1999 }',
    );
    expect(errors(text)).toEqual([
      'reference-data.yml:7:14 profiles[1].default: only one profile may have "default: true", and profiles[0] has it too (line 4)',
    ]);
  });

  it('refuses profiles without a default, and a file without profiles', () => {
    const text = lines('extensionRanges:', '  - { from: 1000, to: 1999 }', 'profiles:', '  - key: standard', '    name: Standard Agent');
    expect(errors(text)).toEqual([
      'reference-data.yml:3:1 profiles: no profile is the default: mark exactly one with "default: true"',
    ]);
    expect(errors(lines('extensionRanges:', '  - { from: 1000, to: 1999 }'))).toEqual(['reference-data.yml:1:1 profiles: required']);
    expect(errors(lines('profiles: []', 'extensionRanges:', '  - { from: 1000, to: 1999 }'))).toEqual([
      'reference-data.yml:1:1 profiles: must list at least one profile',
    ]);
  });

  it('refuses a duplicate key, naming both lines', () => {
    const text = minimal('sites:', '  - key: austin', '    name: Austin, TX', '  - key: austin', '    name: Austin South');
    expect(errors(text)).toEqual(['reference-data.yml:10:10 sites[1].key: duplicate key "austin": also used by sites[0] (line 8)']);
  });

  it('refuses the same collection name twice within a kind, but not across kinds', () => {
    const both = minimal('collections:', '  - { kind: user, name: Spanish Queue }', '  - { kind: agent, name: Spanish Queue }');
    expect(ok(both).collections).toHaveLength(2);
    const twice = minimal('collections:', '  - { kind: agent, name: Spanish Queue }', '  - { kind: agent, name: spanish queue }');
    expect(errors(twice)).toEqual([
      'reference-data.yml:9:26 collections[1].name: duplicate agent collection "spanish queue": also used by collections[0] (line 8)',
    ]);
    expect(errors(minimal('collections:', '  - { kind: team, name: Leads }'))).toEqual([
      'reference-data.yml:8:13 collections[0].kind: must be one of: user, agent',
    ]);
  });

  it('refuses overlapping extension ranges, naming both lines; adjacent ranges are fine', () => {
    const text = lines(
      'profiles:',
      '  - { key: standard, name: Standard Agent, default: true }',
      'extensionRanges:',
      '  - { from: 1000, to: 1999 }',
      '  - { from: 5000, to: 5099 }',
      '  - { from: 1999, to: 2500 }',
    );
    expect(errors(text)).toEqual([
      'reference-data.yml:6:5 extensionRanges[2]: 1999–2500 overlaps extensionRanges[0] (1000–1999) (line 4)',
    ]);
    expect(ok(text.replace('from: 1999', 'from: 2000')).extensionRanges).toHaveLength(3);
  });

  it('refuses a range that runs backwards, and a file without ranges', () => {
    const backwards = lines('profiles:', '  - { key: standard, name: Standard Agent, default: true }', 'extensionRanges:', '  - { from: 1999, to: 1000 }');
    expect(errors(backwards)).toEqual(['reference-data.yml:4:23 extensionRanges[0].to: "to" must not be below "from"']);
    expect(ok(backwards.replace('to: 1000', 'to: 1999')).extensionRanges).toEqual([{ from: 1999, to: 1999 }]);
    expect(errors(lines('profiles:', '  - { key: standard, name: Standard Agent, default: true }'))).toEqual([
      'reference-data.yml:1:1 extensionRanges: required',
    ]);
  });

  it('names an unknown (misspelt) field and where it is', () => {
    const text = minimal('sites:', '  - key: austin', '    nmae: Austin, TX');
    expect(errors(text)).toEqual([
      'reference-data.yml:8:5 sites[0].name: required',
      'reference-data.yml:9:5 sites[0].nmae: unknown field "nmae" (allowed: key, name)',
    ]);
    const [topLevel] = errors(minimal('site:', '  - { key: austin, name: Austin }'));
    expect(topLevel).toMatch(/^reference-data\.yml:7:1 site: unknown field "site" \(allowed: sites, /);
  });

  it('reports a YAML syntax error with its line, and nothing else', () => {
    const text = lines('profiles:', '  - key: standard', '   name: Standard Agent', '    default: true', 'extensionRanges: [');
    const found = errors(text);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/^reference-data\.yml:3:\d+ YAML syntax error: /);
    expect(found.every((e) => e.includes('YAML syntax error'))).toBe(true);
    expect(errors(lines('profiles: []', 'profiles: []'))).toEqual(['reference-data.yml:2:1 YAML syntax error: Map keys must be unique']);
  });

  it('refuses a caller ID number that is not E.164', () => {
    const text = minimal(
      'callerIds:',
      '  - { key: main, name: Main, number: "+18005550100" }',
      '  - { key: local, name: Local, number: "512-555-0142" }',
      '  - { key: bare, name: Bare, number: "18005550100" }',
      '  - { key: zero, name: Zero, number: "+08005550100" }',
      '  - { key: long, name: Long, number: "+1234567890123456" }',
      '  - { key: unquoted, name: Unquoted, number: +18005550100 }',
    );
    expect(errors(text)).toEqual([
      'reference-data.yml:9:40 callerIds[1].number: must be an E.164 number such as "+18005550100" (in quotes)',
      'reference-data.yml:10:38 callerIds[2].number: must be an E.164 number such as "+18005550100" (in quotes)',
      'reference-data.yml:11:38 callerIds[3].number: must be an E.164 number such as "+18005550100" (in quotes)',
      'reference-data.yml:12:38 callerIds[4].number: must be an E.164 number such as "+18005550100" (in quotes)',
      'reference-data.yml:13:46 callerIds[5].number: expected text, got number 18005550100 (put the value in quotes)',
    ]);
  });

  it('checks an E911 address: required parts, postal code as text, ISO country code', () => {
    const address = (postalCode: string, country: string) =>
      minimal(
        'e911Locations:',
        '  - key: austin-hq',
        '    name: Austin HQ',
        '    street: 1200 Congress Park Blvd',
        '    city: Austin',
        '    state: TX',
        `    postalCode: ${postalCode}`,
        `    country: ${country}`,
      );
    expect(ok(address('"78701"', 'US')).e911Locations[0]).toMatchObject({ postalCode: '78701', country: 'US' });
    expect(ok(address('"78701"', 'US')).e911Locations[0]?.suite).toBeUndefined();
    expect(errors(address('02110', 'UK'))).toEqual([
      'reference-data.yml:13:17 e911Locations[0].postalCode: expected text, got number 2110 (put the value in quotes)',
      'reference-data.yml:14:14 e911Locations[0].country: must be an ISO 3166 two-letter country code in capitals, e.g. US, PH, GB',
    ]);
    expect(errors(address('"78701"', 'us'))[0]).toMatch(/^reference-data\.yml:14:14 e911Locations\[0\]\.country: /);
    expect(errors(minimal('e911Locations:', '  - { key: x, name: X, city: Austin, state: TX, postalCode: "78701", country: US }'))).toEqual([
      'reference-data.yml:8:5 e911Locations[0].street: required',
    ]);
  });

  it('reads JSON, reporting errors at the JSON line', () => {
    const demo = ok(DEMO, 'demo.yml');
    expect(ok(JSON.stringify(demo, null, 2), 'reference-data.json')).toEqual(demo);
    expect(ok(JSON.stringify(demo, null, '\t'), 'reference-data.json')).toEqual(demo);
    const broken = JSON.stringify(
      { profiles: [{ key: 'standard', name: 'Standard Agent', default: true }], extensionRanges: [{ from: 1000, to: 1999 }], sites: [{ key: 'austin' }] },
      null,
      2,
    );
    // The sites item's `{` is on line 16, column 5 of the pretty-printed JSON.
    expect(errors(broken, 'reference-data.json')).toEqual(['reference-data.json:16:5 sites[0].name: required']);
  });

  it('reports an empty file plainly', () => {
    expect(errors('# nothing yet\n')).toEqual([
      'reference-data.yml:1:1 (file): the file is empty; it needs at least profiles and extensionRanges',
    ]);
  });
});
