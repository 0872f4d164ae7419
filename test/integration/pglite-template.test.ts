import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { templateKey } from '../../src/db/pglite-template.js';
import { hasReferenceData } from '../../src/db/repositories/reference-data.js';
import { embeddedTemplate } from '../../src/embedded-database.js';
import { testDriver } from '../support/test-db.js';

const MIGRATIONS = new URL('../../drizzle', import.meta.url).pathname;

interface Journal {
  entries: { tag: string }[];
}

async function appliedMigrations(database: Database): Promise<number> {
  const result: unknown = await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return (result as { rows: { n: number }[] }).rows[0]!.n;
}

/** Opens a folder the way the bot does (template, then migrate), and closes it again. */
async function openLikeTheBot(dataDir: string, cacheDir: string, migrationsFolder = MIGRATIONS) {
  const database = await openDatabase({ driver: 'pglite', dataDir, template: embeddedTemplate(cacheDir, undefined), migrationsFolder });
  try {
    await database.migrate();
    return { newFolder: database.newFolder, migrations: await appliedMigrations(database), demoData: await hasReferenceData(database.db) };
  } finally {
    await database.close();
  }
}

/**
 * A new embedded database starts as a copy of a template (migrated, with the demo reference data)
 * instead of paying initdb, the migrations and the demo data at its first start. PGlite only.
 */
describe.runIf(testDriver === 'pglite')('a new embedded database starts from a template', () => {
  let work: string;
  let journal: Journal;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'provision-template-'));
    journal = JSON.parse(await readFile(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as Journal;
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('builds the template at the first new folder, copies it into every later one, and leaves an existing folder alone', { timeout: 240_000 }, async () => {
    const cache = join(work, 'cache-a');
    const first = await openLikeTheBot(join(work, 'a1'), cache);
    expect(first.newFolder).toMatchObject({ from: 'template', built: true });
    expect(first.migrations).toBe(journal.entries.length);
    expect(first.demoData).toBe(true);

    const second = await openLikeTheBot(join(work, 'a2'), cache);
    expect(second.newFolder).toEqual({ from: 'template', template: (first.newFolder as { template: string }).template, built: false });
    expect(second.migrations).toBe(journal.entries.length);
    expect(second.demoData).toBe(true);

    const again = await openLikeTheBot(join(work, 'a1'), cache);
    expect(again.newFolder).toBeUndefined();
    expect(await readdir(cache)).toEqual([(first.newFolder as { template: string }).template]);
  });

  it('a migration added after the template was built: a new template for new folders, and migrate() brings a folder copied from the old one up to date', { timeout: 300_000 }, async () => {
    // drizzle/ as it was one migration ago.
    const older = join(work, 'drizzle-older');
    await cp(MIGRATIONS, older, { recursive: true });
    const last = journal.entries.at(-1)!;
    await rm(join(older, `${last.tag}.sql`));
    await writeFile(join(older, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, -1) }));
    const cache = join(work, 'cache-b');

    const before = await openLikeTheBot(join(work, 'b-old'), cache, older);
    expect(before.migrations).toBe(journal.entries.length - 1);
    const oldTemplate = (before.newFolder as { template: string }).template;

    // The same folder under today's migrations: migrate() applies the one the template lacked.
    const upgraded = await openLikeTheBot(join(work, 'b-old'), cache);
    expect(upgraded.newFolder).toBeUndefined();
    expect(upgraded.migrations).toBe(journal.entries.length);

    // A new folder under today's migrations gets a template of its own; the old one is removed.
    const now = await openLikeTheBot(join(work, 'b-new'), cache);
    expect(now.newFolder).toMatchObject({ from: 'template', built: true });
    expect((now.newFolder as { template: string }).template).not.toBe(oldTemplate);
    expect(now.migrations).toBe(journal.entries.length);
    expect(await readdir(cache)).toEqual([(now.newFolder as { template: string }).template]);
  });

  it('a copy cut short is copied again at the next start; a cache folder that cannot be written leaves PGlite to create the database itself', { timeout: 240_000 }, async () => {
    const cache = join(work, 'cache-a'); // built by the first test
    const cut = join(work, 'cut-short');
    await mkdir(join(cut, 'base'), { recursive: true });
    await writeFile(join(cut, '.copying-template'), '');
    await writeFile(join(cut, 'base', 'half-a-file'), 'x');
    const resumed = await openLikeTheBot(cut, cache);
    expect(resumed.newFolder).toMatchObject({ from: 'template', built: false });
    expect(resumed.demoData).toBe(true);
    expect(await readdir(cut)).not.toContain('.copying-template');

    const blocked = join(work, 'not-a-folder');
    await writeFile(blocked, 'a file where the cache folder would go');
    const fallback = await openLikeTheBot(join(work, 'c'), join(blocked, 'cache'));
    expect(fallback.newFolder).toMatchObject({ from: 'initdb' });
    expect((fallback.newFolder as { why: string }).why).toContain('building one');
    expect(fallback.migrations).toBe(journal.entries.length);
  });

  it("names a template by everything it is made from: the migrations' journal and SQL, and its own inputs", async () => {
    const demo = embeddedTemplate(join(work, 'k'), undefined);
    const key = await templateKey(demo, MIGRATIONS);
    expect(await templateKey(demo, MIGRATIONS)).toBe(key);
    expect(await templateKey({ ...demo, inputs: () => Promise.resolve(['another demo file']) }, MIGRATIONS)).not.toBe(key);
    expect(await templateKey({ ...demo, name: 'migrated' }, MIGRATIONS)).not.toBe(key);

    const edited = join(work, 'drizzle-edited');
    await cp(MIGRATIONS, edited, { recursive: true });
    await writeFile(join(edited, `${journal.entries[0]!.tag}.sql`), `${await readFile(join(MIGRATIONS, `${journal.entries[0]!.tag}.sql`), 'utf8')}\n-- edited`);
    expect(await templateKey(demo, edited)).not.toBe(key);
  });
});
