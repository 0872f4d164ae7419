import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { collectionIdsOfUserForTest } from '../support/collections.js';
import { verifyPassword } from '../../src/domain/password-hash.js';
import { createExtension } from '../../src/services/create-extension.js';
import { createUser } from '../../src/services/create-user.js';
import { InvalidInput } from '../../src/domain/errors.js';
import { depsFor, janeDoe, portalAdmin, requester, seedDemoReferenceData, settings, softphone } from '../support/fixtures.js';
import { expectIssue } from '../support/expect-issue.js';
import { rowCounts, storedUser } from '../support/queries.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

describe(`create user (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  let allCollections: number;

  beforeAll(async () => {
    database = await openTestDatabase();
    const counts = await seedDemoReferenceData(database.db);
    allCollections = counts.collections;
    deps = depsFor(database.db);
  });
  afterAll(() => database.close());

  it('creates Jane Doe with the default password Jd5555551234!!, one-time and expiring in 72 hours', async () => {
    const result = await createUser(deps, requester, janeDoe({ username: 'jane.doe', email: 'Jane.Doe@example.com' }));

    expect(result.firstPasswordInClear).toMatchObject({ value: 'Jd5555551234!!', kind: 'default' });
    expect(result.signInName).toBe('jane.doe@abc');
    const row = await storedUser(database.db, 'jane.doe');
    expect(row).toMatchObject({ firstName: 'Jane', lastName: 'Doe', phone: '+15555551234', email: 'Jane.Doe@example.com', userType: 'non_agent', agentId: null, profileKey: 'standard-agent', status: 'active', passwordOneTime: true, createdBy: requester.id });
    expect(row!.passwordHash).not.toContain('Jd5555551234');
    expect(await verifyPassword('Jd5555551234!!', row!.passwordHash!)).toBe(true);
    expect(row!.passwordExpiresAt!.getTime() - deps.now().getTime()).toBe(72 * 3_600_000);
    expect(result.user).not.toHaveProperty('passwordHash');
  });

  it('selects every collection when none are chosen (creating from scratch), and exactly the chosen ones otherwise', async () => {
    const all = await createUser(deps, requester, janeDoe());
    expect(all.collectionIds).toHaveLength(allCollections);
    expect(await collectionIdsOfUserForTest(database.db, all.user.id)).toHaveLength(allCollections);

    const some = await createUser(deps, requester, janeDoe({ collectionIds: [all.collectionIds[0]!, all.collectionIds[3]!] }));
    expect(await collectionIdsOfUserForTest(database.db, some.user.id)).toEqual([all.collectionIds[0], all.collectionIds[3]]);

    const none = await createUser(deps, requester, janeDoe({ collectionIds: [] }));
    expect(await collectionIdsOfUserForTest(database.db, none.user.id)).toEqual([]);
  });

  it('writes an audit row naming who created whom, with no password in it', async () => {
    const result = await createUser(deps, requester, janeDoe({ username: 'audited' }));
    const trail = await auditTrailOf(database.db, 'user', result.user.id);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ actor: requester.id, action: 'user.created', details: { username: 'audited', passwordKind: 'default' } });
    expect(JSON.stringify(trail)).not.toContain('Jd5555551234');
  });

  it('creates an agent with an agent ID from the sequence and assigns its extension', async () => {
    const extension = await createExtension(deps, requester, softphone());
    const agent = await createUser(deps, requester, janeDoe({ userType: 'agent', extensionNumber: String(extension.number) }));
    const supervisor = await createUser(deps, requester, janeDoe({ userType: 'supervisor', extensionNumber: (await createExtension(deps, requester, softphone())).number }));

    expect(agent.user.agentId).toBeGreaterThanOrEqual(1001);
    expect(supervisor.user.agentId).toBeGreaterThan(agent.user.agentId!);
    expect(agent.extensionNumber).toBe(extension.number);
    const { findExtensionByNumber } = await import('../../src/db/repositories/extensions.js');
    expect((await findExtensionByNumber(database.db, extension.number))?.assignedUserId).toBe(agent.user.id);
  });

  it('refuses an agent without an extension, and an extension already assigned, writing nothing', async () => {
    const before = await rowCounts(database.db);
    await expectIssue(createUser(deps, requester, janeDoe({ userType: 'agent' })), 'extensionNumber', 'extension_required');
    expect(await rowCounts(database.db)).toEqual(before);

    const extension = await createExtension(deps, requester, softphone());
    await createUser(deps, requester, janeDoe({ userType: 'agent', extensionNumber: extension.number }));
    const afterFirst = await rowCounts(database.db);
    const refused = await expectIssue(createUser(deps, requester, janeDoe({ userType: 'agent', extensionNumber: extension.number })), 'extensionNumber', 'extension_assigned');
    expect(refused.message).toBe(`Extension ${extension.number} is already assigned to another user`);
    await expectIssue(createUser(deps, requester, janeDoe({ userType: 'agent', extensionNumber: 1999 })), 'extensionNumber', 'not_found');
    expect(await rowCounts(database.db)).toEqual(afterFirst);
  });

  it('refuses a taken username in another case with a free suggestion', async () => {
    await createUser(deps, requester, janeDoe({ username: 'jdoe' }));
    await createUser(deps, requester, janeDoe({ username: 'jdoe2' }));
    const before = await rowCounts(database.db);
    const refused = await expectIssue(createUser(deps, requester, janeDoe({ username: 'JDOE' })), 'username', 'username_taken');
    expect(refused.message).toBe('Username JDOE is already taken — try jdoe3');
    expect(refused.suggestion).toBe('jdoe3');
    expect(await rowCounts(database.db)).toEqual(before);
  });

  it('suggests within the 20-character limit when a 20-character username is taken', async () => {
    await createUser(deps, requester, janeDoe({ username: 'abcdefghijklmnopqrst' }));
    const refused = await expectIssue(createUser(deps, requester, janeDoe({ username: 'ABCDEFGHIJKLMNOPQRST' })), 'username', 'username_taken');
    expect(refused.suggestion).toBe('abcdefghijklmnopqrs2');
  });

  it('refuses an email already used by another user, whatever its case', async () => {
    await createUser(deps, requester, janeDoe({ email: 'dup@example.com' }));
    const refused = await expectIssue(createUser(deps, requester, janeDoe({ email: 'DUP@Example.COM' })), 'email', 'email_in_use');
    expect(refused.message).toContain('DUP@Example.COM');
  });

  it('answers every bad field at once and writes nothing', async () => {
    const before = await rowCounts(database.db);
    const error = await createUser(deps, requester, {
      username: 'has space',
      firstName: '',
      lastName: 'Doe',
      phone: '1234567890123456',
      email: 'not-an-email',
      siteKey: 'atlantis',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInput);
    const byField = Object.fromEntries((error as InvalidInput).issues.map((i) => [i.field, i.code]));
    expect(byField).toEqual({ username: 'invalid_format', firstName: 'required', phone: 'phone_too_long', email: 'invalid_format', siteKey: 'unknown_reference' });
    expect(await rowCounts(database.db)).toEqual(before);
  });

  it('refuses input of the wrong shape as field errors, not crashes', async () => {
    await expectIssue(createUser(deps, requester, { username: 42, firstName: 'A', lastName: 'B', phone: '555-555-1234' }), 'username', 'invalid_format');
    await expectIssue(createUser(deps, requester, { firstName: 'A', lastName: 'B', phone: '555-555-1234' }), 'username', 'required');
    await expectIssue(createUser(deps, requester, janeDoe({ userType: 'wizard' as never })), 'userType', 'invalid_format');
  });

  it('accepts unicode names and international phones, stored as E.164', async () => {
    const result = await createUser(deps, requester, janeDoe({ firstName: 'Élodie', lastName: 'Ñúñez', phone: '+44 20 7946 0958' }));
    expect(result.user.phone).toBe('+442079460958');
    expect(result.firstPasswordInClear.value).toBe('Éñ442079460958!!');
  });

  it('lets only portal admins choose a CUCM cluster', async () => {
    await expectIssue(createUser(deps, requester, janeDoe({ clusterKey: 'cucm-apac' })), 'clusterKey', 'not_allowed');
    const admin = await createUser(deps, portalAdmin, janeDoe({ clusterKey: 'cucm-apac' }));
    expect(admin.user.clusterKey).toBe('cucm-apac');
    await expectIssue(createUser(deps, portalAdmin, janeDoe({ clusterKey: 'cucm-mars' })), 'clusterKey', 'unknown_reference');
  });

  it('uses a typed password as a one-time password, refusing one that contains the username', async () => {
    await expectIssue(createUser(deps, requester, janeDoe({ username: 'typist', password: 'typist-Secret-2026' })), 'password', 'password_contains_username');
    const typed = await createUser(deps, requester, janeDoe({ username: 'typist', password: 'Correct-Horse-9' }));
    expect(typed.firstPasswordInClear.kind).toBe('typed');
    expect((await storedUser(database.db, 'typist'))?.passwordOneTime).toBe(true);
  });

  it('gives a random one-time password under PASSWORD_POLICY=random', async () => {
    const random = await createUser({ ...deps, settings: { ...settings, passwordPolicy: 'random' } }, requester, janeDoe({ username: 'randomized' }));
    expect(random.firstPasswordInClear.kind).toBe('random');
    expect(random.firstPasswordInClear.value).not.toBe('Jd5555551234!!');
    expect(await verifyPassword(random.firstPasswordInClear.value, (await storedUser(database.db, 'randomized'))!.passwordHash!)).toBe(true);
  });

  it('lets exactly one of two concurrent creates of the same username win; the other gets the field error', async () => {
    const before = await rowCounts(database.db);
    const results = await Promise.allSettled([
      createUser(deps, requester, janeDoe({ username: 'racer' })),
      createUser(deps, requester, janeDoe({ username: 'RACER' })),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected');
    expect(loser?.reason).toBeInstanceOf(InvalidInput);
    expect((loser?.reason as InvalidInput).issues[0]).toMatchObject({ field: 'username', code: 'username_taken', suggestion: 'racer2' });
    expect((await rowCounts(database.db)).users).toBe(before.users + 1);
  });
});
