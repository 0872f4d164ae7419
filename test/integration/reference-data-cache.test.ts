import { readFile } from 'node:fs/promises';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { cachedReferenceChoices, cachedReferenceChoicesWithFreeExtensions, readReferenceDataVersion, referenceChoicesAt } from '../../src/db/repositories/reference-data-cache.js';
import { freeExtensionNumbers } from '../../src/db/repositories/extensions.js';
import { listReferenceChoices } from '../../src/db/repositories/reference-data.js';
import { extensions, referenceDataVersion, sites } from '../../src/db/schema/index.js';
import { InvalidInput } from '../../src/domain/errors.js';
import { DEMO_REFERENCE_DATA, loadReferenceData } from '../../src/services/load-reference-data.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, janeDoe, requester } from '../support/fixtures.js';
import type { SlackView } from '../support/fill-view.js';
import { triggerId } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

/** The demo file with one more site: what an operator's reload that adds a site looks like. */
async function demoWithSite(key: string, name: string): Promise<string> {
  const demo = await readFile(DEMO_REFERENCE_DATA, 'utf8');
  const withSite = demo.replace(/^sites:\n/m, `sites:\n  - key: ${key}\n    name: ${name}\n`);
  if (withSite === demo) throw new Error('the demo file has no sites list to add to');
  return withSite;
}

/** The Site select's option texts of a User Info modal. */
function siteNames(view: SlackView): string[] {
  const block = (view.blocks as { type: string; label?: { text: string }; element?: { options?: { text: { text: string } }[] } }[]).find(
    (b) => b.type === 'input' && b.label?.text === 'Site',
  );
  return (block?.element?.options ?? []).map((o) => o.text.text);
}

async function openUserModal(t: TestBot): Promise<SlackView> {
  const since = t.slack.calls.length;
  const response = await sendSlashCommand(t.baseUrl, { text: 'user', trigger_id: triggerId() });
  expect(response.status).toBe(200);
  return t.slack.waitForView({ method: 'views.open', since });
}

async function currentVersion(db: Db): Promise<number> {
  const version = await readReferenceDataVersion(db);
  if (version === undefined) throw new Error('reference_data_version has no row');
  return version;
}

describe(`the reference-data cache (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => t?.close());

  it('serves one object while the version stands, and what the database holds once it moves', async () => {
    const first = await cachedReferenceChoices(t.db);
    // Cached: the same lists, not a re-read (and many forms at once share one read).
    expect(await cachedReferenceChoices(t.db)).toBe(first);
    const together = await Promise.all(Array.from({ length: 10 }, () => cachedReferenceChoices(t.db)));
    expect(together.every((c) => c === first)).toBe(true);
    // The cached lists are the repository's, to the byte.
    expect(JSON.stringify(first)).toBe(JSON.stringify(await listReferenceChoices(t.db)));
    expect(Object.isFrozen(first.sites)).toBe(true);

    // A write that is not a file load (an operator's psql) moves the version too: the trigger sees it.
    const before = await currentVersion(t.db);
    const [austin] = await t.db.select().from(sites).where(eq(sites.key, 'austin-tx'));
    await t.db.update(sites).set({ name: 'Austin, Texas' }).where(eq(sites.key, 'austin-tx'));
    try {
      expect(await currentVersion(t.db)).toBeGreaterThan(before);
      const after = await cachedReferenceChoices(t.db);
      expect(after).not.toBe(first);
      expect(after.sites.map((s) => s.name)).toContain('Austin, Texas');
      expect(JSON.stringify(after)).toBe(JSON.stringify(await listReferenceChoices(t.db)));
    } finally {
      await t.db.update(sites).set({ name: austin!.name }).where(eq(sites.key, 'austin-tx'));
    }
    expect((await cachedReferenceChoices(t.db)).sites.map((s) => s.name)).toContain(austin!.name);
  });

  it('never serves lists older than the version asked for, and never goes back to an older one', async () => {
    const version = await currentVersion(t.db);
    const current = await referenceChoicesAt(t.db, version);
    // A caller who saw an older version gets the newer lists the cache holds, not a stale read.
    expect(await referenceChoicesAt(t.db, version - 1)).toBe(current);
    // A version past the cached one (a write meanwhile, here or on another instance) is read again.
    await t.db.update(sites).set({ updatedAt: sql`now()` }).where(eq(sites.key, 'austin-tx'));
    const moved = await currentVersion(t.db);
    expect(moved).toBeGreaterThan(version);
    const reread = await referenceChoicesAt(t.db, moved);
    expect(reread).not.toBe(current);
    expect(await referenceChoicesAt(t.db, version)).toBe(reread);
  });

  it('reads the free extensions with the version, in one query, as the extensions repository lists them', async () => {
    expect((await cachedReferenceChoicesWithFreeExtensions(t.db, 100)).freeExtensions).toEqual([]);
    // Out of order on purpose: the lowest come first, as the repository orders them.
    const numbers = [2107, 2101, 2150, 2103, 2120];
    await t.db.insert(extensions).values(numbers.map((number) => ({ number, deviceName: `SEP${number}`, deviceType: 'softphone' as const, deviceSecret: 'not-a-real-secret', createdBy: 'test' })));
    const { choices, freeExtensions } = await cachedReferenceChoicesWithFreeExtensions(t.db, 100);
    expect(freeExtensions).toEqual(await freeExtensionNumbers(t.db, 100));
    expect(freeExtensions).toEqual([2101, 2103, 2107, 2120, 2150]);
    expect(choices).toBe(await cachedReferenceChoices(t.db));
    expect((await cachedReferenceChoicesWithFreeExtensions(t.db, 3)).freeExtensions).toEqual(await freeExtensionNumbers(t.db, 3));
  });

  it('a file load shows in the very next modal: a new site is offered', async () => {
    expect(siteNames(await openUserModal(t))).not.toContain('Boise, ID');
    const before = await currentVersion(t.db);
    await loadReferenceData(t.db, await demoWithSite('boise-id', 'Boise, ID'), 'with-boise.yml');
    // One load, one transaction: the version moved (by as many statements as it ran) and stays put.
    expect(await currentVersion(t.db)).toBeGreaterThan(before);
    const [row] = await t.db.select().from(referenceDataVersion);
    expect(row?.id).toBe(1);
    expect(siteNames(await openUserModal(t))).toContain('Boise, ID');

    // And the reload that takes it out again retires it from the next modal.
    await loadReferenceData(t.db, await readFile(DEMO_REFERENCE_DATA, 'utf8'), 'demo.yml');
    expect(siteNames(await openUserModal(t))).not.toContain('Boise, ID');
  });

  it('a submission is checked against the lists of the moment: a site loaded after the cache was filled is accepted, a retired one refused', async () => {
    const deps = depsFor(t.db, { now: () => new Date() });
    const submit = (username: string) => submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username, email: `${username}@example.com`, siteKey: 'tulsa-ok' }) });
    const refused = await submit('cache.before').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(InvalidInput);
    expect((refused as InvalidInput).issues.map((i) => `${i.field}:${i.code}`)).toEqual(['siteKey:unknown_reference']);
    await loadReferenceData(t.db, await demoWithSite('tulsa-ok', 'Tulsa, OK'), 'with-tulsa.yml');
    // The cache held the lists without Tulsa: the version read with the directory moved, so they are read again.
    expect((await submit('cache.after')).payload.siteKey).toBe('tulsa-ok');
    await loadReferenceData(t.db, await readFile(DEMO_REFERENCE_DATA, 'utf8'), 'demo.yml');
    expect(((await submit('cache.retired').catch((err: unknown) => err)) as InvalidInput).issues.map((i) => `${i.field}:${i.code}`)).toEqual(['siteKey:unknown_reference']);
  });

  it('a load rolled back leaves the version and the cache as they were', async () => {
    const cached = await cachedReferenceChoices(t.db);
    const before = await currentVersion(t.db);
    await expect(
      t.db.transaction(async (tx) => {
        await tx.update(sites).set({ name: 'Never Committed' }).where(eq(sites.key, 'austin-tx'));
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(await currentVersion(t.db)).toBe(before);
    expect(await cachedReferenceChoices(t.db)).toBe(cached);
  });
});

describe.runIf(testDriver === 'postgres')('the reference-data cache on two instances, one Postgres', () => {
  let a: TestBot;
  let b: TestBot;
  beforeAll(async () => {
    a = await startTestBot();
    b = await startTestBot({}, { sameAs: a });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a reference-data load through one instance is offered in the next modal opened on the other', async () => {
    // Both instances have the lists cached (a modal each).
    expect(siteNames(await openUserModal(a))).not.toContain('Reno, NV');
    expect(siteNames(await openUserModal(b))).not.toContain('Reno, NV');
    const cachedOnB = await cachedReferenceChoices(b.db);
    expect(await cachedReferenceChoices(b.db)).toBe(cachedOnB);

    // The reference:load service, through instance a's database handle.
    await loadReferenceData(a.db, await demoWithSite('reno-nv', 'Reno, NV'), 'with-reno.yml');
    // The very next modal on b, opened the moment the load committed: no expiry to wait for.
    expect(siteNames(await openUserModal(b))).toContain('Reno, NV');
    expect(await cachedReferenceChoices(b.db)).not.toBe(cachedOnB);

    // Back to the demo set, seen on the other side too.
    await loadReferenceData(b.db, await readFile(DEMO_REFERENCE_DATA, 'utf8'), 'demo.yml');
    expect(siteNames(await openUserModal(a))).not.toContain('Reno, NV');
  });
});
