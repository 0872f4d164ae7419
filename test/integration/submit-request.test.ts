import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { requests } from '../../src/db/schema/index.js';
import { verifyPassword } from '../../src/domain/password-hash.js';
import { InvalidInput } from '../../src/domain/errors.js';
import { pendingRequests, requestsOf } from '../../src/services/list-requests.js';
import { submitExtensionRequest, submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData, softphone } from '../support/fixtures.js';
import { expectIssue } from '../support/expect-issue.js';
import { rowCounts } from '../support/queries.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { userThroughApproval } from '../support/through-approval.js';

describe(`submitting requests (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  const requestCount = async () => (await database.db.select().from(requests)).length;

  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
  });
  afterAll(() => database.close());

  it('stores a valid request as pending, with an audit row, and creates no user yet', async () => {
    const before = await rowCounts(database.db);
    const submitted = await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'pending1' }) });
    expect(submitted.kind).toBe('create_user');
    expect(submitted.payload).toMatchObject({ username: 'pending1', firstName: 'Jane', userType: 'non_agent' });
    expect((await rowCounts(database.db)).users).toBe(before.users);
    const [mine] = await requestsOf(deps, requester.id);
    expect(mine).toMatchObject({ id: submitted.id, state: 'pending', requesterId: requester.id });
    expect((await pendingRequests(deps)).map((r) => r.id)).toContain(submitted.id);
    expect((await auditTrailOf(database.db, 'request', submitted.id))[0]?.action).toBe('request.submitted');
  });

  it('keeps only a hash of a typed password in the request', async () => {
    const submitted = await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'typed1', password: 'Correct-Horse-Battery-9' }) });
    const rows = await database.db.select().from(requests);
    const stored = JSON.stringify(rows.find((r) => r.id === submitted.id)?.payload);
    expect(stored).not.toContain('Correct-Horse-Battery-9');
    expect(await verifyPassword('Correct-Horse-Battery-9', submitted.payload.passwordHash!)).toBe(true);
  });

  it('refuses an invalid request field by field and stores nothing', async () => {
    await userThroughApproval(deps, requester, janeDoe({ username: 'existing' }));
    const before = await requestCount();
    await expectIssue(submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ phone: '+1 555 555 1234 56789' }) }), 'phone', 'phone_too_long');
    await expectIssue(submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'EXISTING' }) }), 'username', 'username_taken');
    await expectIssue(submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ userType: 'agent' }) }), 'extensionNumber', 'extension_required');
    await expectIssue(submitUserRequest(deps, requester, { kind: 'clone_user', input: janeDoe({ sourceUsername: 'ghost' } as never) }), 'sourceUsername', 'not_found');
    expect(await requestCount()).toBe(before);
  });

  it('reports every problem of a request at once: an open request for the username beside a bad phone and a bad new extension', async () => {
    await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'waiting.one' }) });
    const refused = await submitUserRequest(deps, requester, {
      kind: 'create_user',
      input: janeDoe({ username: 'waiting.one', phone: '1234567890123456', userType: 'agent' }),
      newExtension: softphone({ extensionNumber: '9999' }),
    }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(InvalidInput);
    expect((refused as InvalidInput).issues.map((i) => `${i.field}:${i.code}`).sort()).toEqual(['newExtension.extensionNumber:extension_out_of_range', 'phone:phone_too_long', 'username:username_taken']);
    // A username the rules refuse is not looked up (Postgres refuses a NUL in a parameter): still a field error.
    await expectIssue(submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'nul\u0000name', phone: '1' }) }), 'username', 'invalid_format');
  });

  it('refuses a second open request for the same username, and lets exactly one of two concurrent identical submissions in', async () => {
    await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'twice' }) });
    const again = await expectIssue(submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'Twice' }) }), 'username', 'username_taken');
    expect(again.message).toBe('A request for Twice is already waiting for approval');

    const before = await requestCount();
    const results = await Promise.allSettled([
      submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'doubleclick', email: 'dc@example.com' }) }),
      submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'doubleclick', email: 'dc@example.com' }) }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(InvalidInput);
    expect(await requestCount()).toBe(before + 1);
  });

  it('lets an agent request carry its new extension, checked now and created on approval', async () => {
    const submitted = await submitUserRequest(deps, requester, {
      kind: 'create_user',
      input: janeDoe({ username: 'agentnew', userType: 'agent' }),
      newExtension: softphone({ deviceName: 'Agent New softphone', callerIdKey: 'main-toll-free' }),
    });
    expect(submitted.payload.newExtension).toMatchObject({ deviceName: 'Agent New softphone', callerIdKey: 'main-toll-free' });
    expect(JSON.stringify(submitted.payload)).not.toMatch(/secret/i);
    await expectIssue(
      submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ userType: 'agent' }), newExtension: softphone({ extensionNumber: '9999' }) }),
      'newExtension.extensionNumber',
      'extension_out_of_range',
    );
    await expectIssue(
      submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ userType: 'non_agent' }), newExtension: softphone() }),
      'extensionNumber',
      'invalid_format',
    );
  });

  it('stores an extension request, leaving an empty number to be drawn at approval', async () => {
    const auto = await submitExtensionRequest(deps, requester, softphone());
    expect(auto.payload.extensionNumber).toBeNull();
    const fixed = await submitExtensionRequest(deps, requester, softphone({ extensionNumber: '1500', deviceType: 'webrtc' }));
    expect(fixed.payload).toMatchObject({ extensionNumber: '1500', deviceType: 'webrtc' });
    await expectIssue(submitExtensionRequest(deps, requester, softphone({ deviceName: '' })), 'deviceName', 'required');
  });
});
