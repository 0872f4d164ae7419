import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { violatedUniqueConstraint } from '../../src/db/errors.js';
import { extensions, profiles, requests, users } from '../../src/db/schema/index.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { seedDemoReferenceData } from '../support/fixtures.js';

/** Uniqueness must hold in the database itself, whatever the code above it checks. */
describe(`schema constraints (${testDriver})`, () => {
  let database: Database;
  const base = { firstName: 'Jane', lastName: 'Doe', phone: '+15555551234', profileKey: 'standard-agent', userType: 'non_agent' as const, createdBy: 'test' };

  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoReferenceData(database.db);
  });
  afterAll(() => database.close());

  async function constraintOf(promise: Promise<unknown>): Promise<string | undefined> {
    try {
      await promise;
    } catch (err) {
      return violatedUniqueConstraint(err) ?? `other: ${String(err)}`;
    }
    return undefined;
  }

  it('refuses a second username that differs only in case', async () => {
    await database.db.insert(users).values({ ...base, username: 'jdoe' });
    expect(await constraintOf(database.db.insert(users).values({ ...base, username: 'JDoe' }))).toBe('users_username_ci');
  });

  it('refuses a second email that differs only in case, but allows many users without email', async () => {
    await database.db.insert(users).values({ ...base, username: 'mail1', email: 'Jane@Example.com' });
    expect(await constraintOf(database.db.insert(users).values({ ...base, username: 'mail2', email: 'jane@example.COM' }))).toBe('users_email_ci');
    await database.db.insert(users).values([
      { ...base, username: 'nomail1' },
      { ...base, username: 'nomail2' },
    ]);
  });

  it('refuses a duplicate agent ID, extension number, and a second extension for one user', async () => {
    await database.db.insert(users).values({ ...base, username: 'agent1', agentId: 5000, userType: 'agent' });
    expect(await constraintOf(database.db.insert(users).values({ ...base, username: 'agent2', agentId: 5000, userType: 'agent' }))).toBe('users_agent_id');

    const device = { deviceName: 'x', deviceType: 'softphone' as const, deviceSecret: 's'.repeat(43), createdBy: 'test' };
    await database.db.insert(extensions).values({ ...device, number: 1500 });
    expect(await constraintOf(database.db.insert(extensions).values({ ...device, number: 1500 }))).toBe('extensions_number');

    const [owner] = await database.db.select({ id: users.id }).from(users).where(sql`${users.username} = 'agent1'`);
    await database.db.insert(extensions).values({ ...device, number: 1501, assignedUserId: owner!.id });
    expect(await constraintOf(database.db.insert(extensions).values({ ...device, number: 1502, assignedUserId: owner!.id }))).toBe('extensions_assigned_user');
  });

  it('keeps one open extension request per number, and lets next-free-number requests wait side by side', async () => {
    const request = (extensionNumber: string | null, state: 'pending' | 'rejected' = 'pending') => ({
      kind: 'create_extension' as const,
      state,
      requesterId: 'test',
      payload: { extensionNumber, deviceName: 'x', deviceType: 'softphone' },
    });
    await database.db.insert(requests).values([request('1900'), request('1900', 'rejected'), request(null), request(null)]);
    expect(await constraintOf(database.db.insert(requests).values(request('1900')))).toBe('requests_open_extension_number');
  });

  it('keeps at most one default profile', async () => {
    expect(await constraintOf(database.db.insert(profiles).values({ key: 'second-default', name: 'Second', isDefault: true }))).toBe('profiles_one_default');
  });

  it('applies migrations idempotently: a second run changes nothing', async () => {
    const before = await database.db.select({ n: sql<number>`count(*)::int` }).from(users);
    await database.migrate();
    const after = await database.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(after).toEqual(before);
  });
});
