import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { extensions } from '../../src/db/schema/index.js';
import { assignExtension } from '../../src/services/assign-extension.js';
import { createExtension, suggestExtensionNumber } from '../../src/services/create-extension.js';
import { createUser } from '../../src/services/create-user.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData, softphone } from '../support/fixtures.js';
import { expectIssue } from '../support/expect-issue.js';
import { rowCounts } from '../support/queries.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

describe(`extensions (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;

  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
  });
  afterAll(() => database.close());

  it('hands out the next free number from the ranges, with a generated device secret that is never returned or audited', async () => {
    expect(await suggestExtensionNumber(database.db)).toBe(1000);
    const first = await createExtension(deps, requester, softphone({ callerIdKey: 'main-toll-free', e911LocationKey: 'austin-hq-fl3', callRecording: true, monitoring: true, voicemailAccess: true, multiLine: true }));
    const second = await createExtension(deps, requester, softphone({ deviceType: 'webrtc' }));
    expect([first.number, second.number]).toEqual([1000, 1001]);
    expect(first).not.toHaveProperty('deviceSecret');
    expect(first).toMatchObject({ callerIdKey: 'main-toll-free', e911LocationKey: 'austin-hq-fl3', callRecording: true, monitoring: true, voicemailAccess: true, multiLine: true, deviceType: 'softphone' });

    const stored = await database.db.select({ secret: extensions.deviceSecret }).from(extensions);
    expect(stored.map((s) => s.secret.length).every((n) => n >= 32)).toBe(true);
    expect(new Set(stored.map((s) => s.secret)).size).toBe(stored.length);
    const trail = await auditTrailOf(database.db, 'extension', first.id);
    expect(trail[0]?.action).toBe('extension.created');
    expect(JSON.stringify(trail)).not.toContain(stored[0]!.secret);
  });

  it('skips taken numbers and moves to the next range when one is full', async () => {
    await createExtension(deps, requester, softphone({ extensionNumber: '1003' }));
    expect(await suggestExtensionNumber(database.db)).toBe(1002);
    await createExtension(deps, requester, softphone());
    expect(await suggestExtensionNumber(database.db)).toBe(1004);
  });

  it('refuses a taken number with the next free one, a number outside the ranges, and unknown choices — writing nothing', async () => {
    const before = await rowCounts(database.db);
    const taken = await expectIssue(createExtension(deps, requester, softphone({ extensionNumber: 1000 })), 'extensionNumber', 'extension_taken');
    expect(taken.suggestion).toBe(String(await suggestExtensionNumber(database.db)));
    await expectIssue(createExtension(deps, requester, softphone({ extensionNumber: '4000' })), 'extensionNumber', 'extension_out_of_range');
    await expectIssue(createExtension(deps, requester, softphone({ extensionNumber: '10a' })), 'extensionNumber', 'invalid_format');
    await expectIssue(createExtension(deps, requester, softphone({ deviceName: '   ' })), 'deviceName', 'required');
    await expectIssue(createExtension(deps, requester, softphone({ callerIdKey: 'nope' })), 'callerIdKey', 'unknown_reference');
    await expectIssue(createExtension(deps, requester, softphone({ deviceType: 'desk-phone' as never })), 'deviceType', 'invalid_format');
    expect(await rowCounts(database.db)).toEqual(before);
  });

  it('gives concurrent requests for the next free number different numbers, or a clear refusal', async () => {
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => createExtension(deps, requester, softphone())));
    const numbers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.number] : []));
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ issues: [{ field: 'extensionNumber', code: 'extension_taken' }] });
    expect(numbers.length).toBeGreaterThanOrEqual(1);
  });

  it('assigns an extension once: a taken one and a second one for the same user are refused', async () => {
    const free = await createExtension(deps, requester, softphone());
    const other = await createExtension(deps, requester, softphone());
    await createUser(deps, requester, janeDoe({ username: 'holder' }));
    await createUser(deps, requester, janeDoe({ username: 'latecomer' }));

    expect(await assignExtension(deps, requester, { extensionNumber: free.number, username: 'HOLDER' })).toEqual({ extensionNumber: free.number, username: 'holder' });
    const before = await rowCounts(database.db);
    const taken = await expectIssue(assignExtension(deps, requester, { extensionNumber: free.number, username: 'latecomer' }), 'extensionNumber', 'extension_assigned');
    expect(taken.message).toBe(`Extension ${free.number} is already assigned to holder`);
    await expectIssue(assignExtension(deps, requester, { extensionNumber: other.number, username: 'holder' }), 'username', 'user_has_extension');
    await expectIssue(assignExtension(deps, requester, { extensionNumber: 1999, username: 'holder' }), 'extensionNumber', 'not_found');
    await expectIssue(assignExtension(deps, requester, { extensionNumber: other.number, username: 'nobody' }), 'username', 'not_found');
    expect(await rowCounts(database.db)).toEqual(before);
    const [row] = await database.db.select().from(extensions).where(eq(extensions.id, other.id));
    expect(row?.assignedUserId).toBeNull();
  });

  it('lets exactly one of two concurrent assignments of one extension win', async () => {
    const ext = await createExtension(deps, requester, softphone());
    await createUser(deps, requester, janeDoe({ username: 'racer-a' }));
    await createUser(deps, requester, janeDoe({ username: 'racer-b' }));
    const results = await Promise.allSettled([
      assignExtension(deps, requester, { extensionNumber: ext.number, username: 'racer-a' }),
      assignExtension(deps, requester, { extensionNumber: ext.number, username: 'racer-b' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')?.reason).toMatchObject({ issues: [{ field: 'extensionNumber', code: 'extension_assigned' }] });
  });
});
