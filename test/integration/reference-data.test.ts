import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { hasReferenceData, listReferenceChoices } from '../../src/db/repositories/reference-data.js';
import { collections, sites } from '../../src/db/schema/index.js';
import { DEMO_REFERENCE_DATA, loadReferenceData, ReferenceDataError } from '../../src/services/load-reference-data.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

const small = (profileDefault: string) => `
sites:
  - { key: hq, name: Headquarters }
profiles:
  - { key: basic, name: Basic${profileDefault === 'basic' ? ', default: true' : ''} }
  - { key: power, name: Power${profileDefault === 'power' ? ', default: true' : ''} }
collections:
  - { name: Spanish Queue, kind: agent }
extensionRanges:
  - { from: 200, to: 299 }
`;

describe(`reference data (${testDriver})`, () => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('loads the demo set into an empty database, and reloading it changes nothing', async () => {
    expect(await hasReferenceData(database.db)).toBe(false);
    const text = await readFile(DEMO_REFERENCE_DATA, 'utf8');
    const counts = await loadReferenceData(database.db, text, 'demo.yml');
    const first = await listReferenceChoices(database.db);
    expect(first.profiles.filter((p) => p.isDefault)).toHaveLength(1);
    expect(first.collections).toHaveLength(counts.collections);
    expect(first.collections.some((c) => c.kind === 'user') && first.collections.some((c) => c.kind === 'agent')).toBe(true);

    await loadReferenceData(database.db, text, 'demo.yml');
    expect(await listReferenceChoices(database.db)).toEqual(first);
  });

  it('retires what left the file instead of deleting it, moves the default, and brings retired rows back', async () => {
    await loadReferenceData(database.db, small('basic'), 'small.yml');
    let choices = await listReferenceChoices(database.db);
    expect(choices.sites.map((s) => s.key)).toEqual(['hq']);
    expect(choices.profiles.find((p) => p.isDefault)?.key).toBe('basic');
    expect(choices.extensionRanges).toEqual([{ from: 200, to: 299 }]);
    const retired = await database.db.select().from(sites).where(eq(sites.key, 'austin-tx'));
    expect(retired[0]?.active).toBe(false);
    const retiredCollections = await database.db.select().from(collections).where(eq(collections.active, false));
    expect(retiredCollections.length).toBeGreaterThan(0);

    await loadReferenceData(database.db, small('power'), 'small.yml');
    choices = await listReferenceChoices(database.db);
    expect(choices.profiles.find((p) => p.isDefault)?.key).toBe('power');

    await loadReferenceData(database.db, await readFile(DEMO_REFERENCE_DATA, 'utf8'), 'demo.yml');
    expect((await database.db.select().from(sites).where(eq(sites.key, 'austin-tx')))[0]?.active).toBe(true);
  });

  it('refuses a file with errors, naming file, line and field, and changes nothing', async () => {
    const before = await listReferenceChoices(database.db);
    const broken = small('basic').replace('name: Headquarters', 'nmae: Headquarters');
    const error = await loadReferenceData(database.db, broken, 'broken.yml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReferenceDataError);
    expect((error as ReferenceDataError).message).toMatch(/broken\.yml:3:\d+ .*sites\[0\]/);
    expect(await listReferenceChoices(database.db)).toEqual(before);
  });
});
