import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { extensions } from '../../src/db/schema/index.js';
import { suggestExtensionNumber } from '../../src/services/create-extension.js';
import { approveRequest } from '../../src/services/decide-request.js';
import { submitExtensionRequest, submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData, softphone } from '../support/fixtures.js';
import { expectIssue } from '../support/expect-issue.js';
import { rowCountsWithRequests, storedUser } from '../support/queries.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { approver, extensionThroughApproval, userRequestThroughApproval } from '../support/through-approval.js';

/** Extensions as production makes them: an extension request (or an agent's request) submitted, then approved. */
describe(`extensions (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  const options = { allowSelfApproval: false, accountUrl: 'https://provisioning.example.com/account' };

  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
  });
  afterAll(() => database.close());

  const submitExtension = (input: unknown) => submitExtensionRequest(deps, requester, input);

  it('hands out the next free number from the ranges, with a generated device secret that is never returned or audited', async () => {
    expect(await suggestExtensionNumber(database.db)).toBe(1000);
    const first = await extensionThroughApproval(deps, requester, softphone({ callerIdKey: 'main-toll-free', e911LocationKey: 'austin-hq-fl3', callRecording: true, monitoring: true, voicemailAccess: true, multiLine: true }));
    const second = await extensionThroughApproval(deps, requester, softphone({ deviceType: 'webrtc' }));
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
    await extensionThroughApproval(deps, requester, softphone({ extensionNumber: '1003' }));
    expect(await suggestExtensionNumber(database.db)).toBe(1002);
    await extensionThroughApproval(deps, requester, softphone());
    expect(await suggestExtensionNumber(database.db)).toBe(1004);
  });

  it('refuses a taken number with the next free one, a number outside the ranges, and unknown choices — storing nothing', async () => {
    const before = await rowCountsWithRequests(database.db);
    const taken = await expectIssue(submitExtension(softphone({ extensionNumber: 1000 })), 'extensionNumber', 'extension_taken');
    expect(taken.suggestion).toBe(String(await suggestExtensionNumber(database.db)));
    await expectIssue(submitExtension(softphone({ extensionNumber: '4000' })), 'extensionNumber', 'extension_out_of_range');
    await expectIssue(submitExtension(softphone({ extensionNumber: '10a' })), 'extensionNumber', 'invalid_format');
    await expectIssue(submitExtension(softphone({ deviceName: '   ' })), 'deviceName', 'required');
    await expectIssue(submitExtension(softphone({ callerIdKey: 'nope' })), 'callerIdKey', 'unknown_reference');
    await expectIssue(submitExtension(softphone({ deviceType: 'desk-phone' as never })), 'deviceType', 'invalid_format');
    expect(await rowCountsWithRequests(database.db)).toEqual(before);
  });

  it('gives concurrent approvals of requests for the next free number different numbers, or a clear refusal', async () => {
    const ids = await Promise.all(Array.from({ length: 4 }, async () => (await submitExtension(softphone())).id));
    const results = await Promise.all(ids.map((id) => approveRequest(deps, approver, id, options)));
    const numbers = results.flatMap((r) => (r.outcome === 'completed' ? [r.extension!.number] : []));
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const r of results) {
      if (r.outcome === 'completed') continue;
      expect(r.outcome).toBe('failed');
      expect(r.outcome === 'failed' ? r.reason : '').toMatch(/extension number/i);
    }
    expect(numbers.length).toBeGreaterThanOrEqual(1);
  });

  it('assigns an extension once: a taken one is refused, naming its holder, and a user gets one primary phone', async () => {
    const free = await extensionThroughApproval(deps, requester, softphone());
    const other = await extensionThroughApproval(deps, requester, softphone());

    const holder = await userRequestThroughApproval(deps, requester, janeDoe({ username: 'holder', userType: 'agent', extensionNumber: free.number }));
    expect({ extensionNumber: holder.extension?.number, username: holder.user.username }).toEqual({ extensionNumber: free.number, username: 'holder' });
    // The extension's own trail says whose phone it became.
    const trail = await auditTrailOf(database.db, 'extension', free.id);
    expect(trail.map((a) => a.action)).toEqual(['extension.created', 'extension.assigned']);
    expect(trail[1]).toMatchObject({ actor: approver.id, details: { extensionNumber: free.number, userId: holder.user.id, username: 'holder' } });

    const before = await rowCountsWithRequests(database.db);
    const submit = (input: unknown, newExtension?: unknown) => submitUserRequest(deps, requester, { kind: 'create_user', input, ...(newExtension ? { newExtension } : {}) });
    const taken = await expectIssue(submit(janeDoe({ username: 'latecomer', userType: 'agent', extensionNumber: free.number })), 'extensionNumber', 'extension_assigned');
    expect(taken.message).toBe(`Extension ${free.number} is already assigned to holder`);
    await expectIssue(submit(janeDoe({ username: 'two.phones', userType: 'agent', extensionNumber: other.number }), softphone()), 'extensionNumber', 'invalid_format');
    await expectIssue(submit(janeDoe({ username: 'latecomer', userType: 'agent', extensionNumber: 1999 })), 'extensionNumber', 'not_found');
    expect(await rowCountsWithRequests(database.db)).toEqual(before);
    const [row] = await database.db.select().from(extensions).where(eq(extensions.id, other.id));
    expect(row?.assignedUserId).toBeNull();
  });

  it('lets exactly one of two concurrent approvals naming one extension have it; the other fails and creates nobody', async () => {
    const ext = await extensionThroughApproval(deps, requester, softphone());
    const ids = await Promise.all(
      ['racer-a', 'racer-b'].map(async (username) => (await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username, userType: 'agent', extensionNumber: ext.number }) })).id),
    );
    const results = await Promise.all(ids.map((id) => approveRequest(deps, approver, id, options)));
    expect(results.filter((r) => r.outcome === 'completed')).toHaveLength(1);
    const loser = results.find((r) => r.outcome !== 'completed');
    expect(loser?.outcome).toBe('failed');
    expect(loser?.outcome === 'failed' ? loser.reason : '').toMatch(new RegExp(`^Extension ${ext.number} is already assigned to `));
    const [row] = await database.db.select().from(extensions).where(eq(extensions.id, ext.id));
    const winner = results.find((r) => r.outcome === 'completed');
    expect(row?.assignedUserId).toBe(winner?.outcome === 'completed' ? winner.user!.id : -1);
    const created = await Promise.all(['racer-a', 'racer-b'].map((u) => storedUser(database.db, u)));
    expect(created.filter(Boolean)).toHaveLength(1);
  });
});
