import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { signInAttemptWindows } from '../../src/db/schema/index.js';
import { accessPolicy } from '../../src/domain/access.js';
import { InvalidInput } from '../../src/domain/errors.js';
import type { SignInLimits } from '../../src/domain/sign-in-limits.js';
import type { ServiceDeps } from '../../src/services/context.js';
import { MAX_FAILED_SIGN_INS, signIn } from '../../src/services/sign-in.js';
import { TooManyAttempts } from '../../src/services/sign-in-throttle.js';
import { unlockAccount } from '../../src/services/unlock-account.js';
import { endLockout, lockHolds } from '../../src/services/lockout.js';
import { users } from '../../src/db/schema/index.js';
import { eq } from 'drizzle-orm';
import { expectIssue } from '../support/expect-issue.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData, settings, testClock } from '../support/fixtures.js';
import { storedUser } from '../support/queries.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { userThroughApproval } from '../support/through-approval.js';

const DEFAULT = 'Jd5555551234!!';
const INVALID = { ok: false, error: 'invalid_credentials' };
const SLOW = 180_000;
const APPROVER = 'U0APPROVER';
const access = accessPolicy({ requesterIds: [], approverIds: [APPROVER], portalAdminIds: [] });

/** The refusal, or the answer when there was none. */
async function outcome(attempt: Promise<unknown>): Promise<unknown> {
  try {
    return await attempt;
  } catch (err) {
    if (err instanceof TooManyAttempts) return { refused: err.scope, retryAfterSeconds: err.retryAfterSeconds };
    throw err;
  }
}

/**
 * Two instances on one database: on Postgres two separate connection pools to it, as two bot
 * processes have; on PGlite (one process by nature) two service contexts over the one database.
 */
describe(`sign-in attempt limits, shared by every instance on one database (${testDriver})`, () => {
  let database: Database & { url?: string };
  let second: Database | undefined;
  const clock = testClock();
  let one: ServiceDeps;
  let two: ServiceDeps;
  const limits: SignInLimits = { perAddress: 6, perAccount: 3, windowMinutes: 15 };

  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoReferenceData(database.db);
    second = database.url ? await openDatabase({ driver: 'postgres', url: database.url, poolSize: 4 }) : undefined;
    const withLimits = { ...settings, signInLimits: limits };
    one = depsFor(database.db, { now: clock.now, settings: withLimits });
    two = depsFor(second?.db ?? database.db, { now: clock.now, settings: withLimits });
    for (const username of ['jdoe', 'jdoe2', 'jdoe3', 'jdoe4']) await userThroughApproval(one, requester, janeDoe({ username }));
  });
  afterAll(async () => {
    await second?.close();
    await database?.close();
  });

  it('counts one account across both instances, and refuses the 4th attempt even with the right password, as for a name nobody has', { timeout: SLOW }, async () => {
    const attempts = (name: string) => [
      () => signIn(one, { signInName: name, password: 'wrong 1' }, { channel: 'api', clientAddress: '198.51.100.1' }),
      () => signIn(two, { signInName: name, password: 'wrong 2' }, { channel: 'api', clientAddress: '198.51.100.2' }),
      () => signIn(one, { signInName: name.toUpperCase(), password: 'wrong 3' }, { channel: 'web', clientAddress: '198.51.100.3' }),
      () => signIn(two, { signInName: name, password: DEFAULT }, { channel: 'api', clientAddress: '198.51.100.4' }),
    ];
    const seen: Record<string, unknown[]> = {};
    for (const name of ['jdoe@abc', 'nobody@abc']) {
      seen[name] = [];
      for (const attempt of attempts(name)) seen[name].push(await outcome(attempt()));
    }
    const refused = { refused: 'account', retryAfterSeconds: 15 * 60 };
    expect(seen['jdoe@abc']).toEqual([INVALID, INVALID, INVALID, refused]);
    // A name that belongs to nobody is answered exactly the same: the limit tells no one who exists.
    expect(seen['nobody@abc']).toEqual(seen['jdoe@abc']);
    // The refusal did not count as a failure of the account (it never reached the password).
    expect((await storedUser(database.db, 'jdoe'))?.failedSignIns).toBe(3);

    // The window runs out 15 minutes after its first attempt; then the right password works again.
    clock.advanceHours(14 / 60);
    expect(await outcome(signIn(two, { signInName: 'jdoe@abc', password: DEFAULT }))).toEqual({ refused: 'account', retryAfterSeconds: 60 });
    clock.advanceHours(1 / 60);
    expect(await signIn(two, { signInName: 'jdoe@abc', password: DEFAULT })).toEqual({ ok: true, passwordChangeRequired: true });
  });

  it('lets exactly the limit through when both instances are tried at once', { timeout: SLOW }, async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => outcome(signIn(i % 2 === 0 ? one : two, { signInName: 'jdoe2@abc', password: `wrong ${i}` }, { channel: 'api', clientAddress: `192.0.2.${i + 1}` }))),
    );
    expect(results.filter((r) => JSON.stringify(r) === JSON.stringify(INVALID))).toHaveLength(limits.perAccount);
    expect(results.filter((r) => (r as { refused?: string }).refused === 'account')).toHaveLength(10 - limits.perAccount);
    const [row] = (await database.db.select().from(signInAttemptWindows)).filter((w) => w.key === 'jdoe2@abc');
    expect(row).toMatchObject({ scope: 'account', attempts: limits.perAccount });
  });

  it('counts one client address across both instances and any names; an IPv6 client per /64; another address is not affected', { timeout: SLOW }, async () => {
    clock.advanceHours(1);
    const from = (deps: ServiceDeps, address: string, name: string) => outcome(signIn(deps, { signInName: name, password: 'wrong' }, { channel: 'api', clientAddress: address }));
    const names = ['a1@abc', 'a2@abc', 'a3@abc', 'not even a name', 'a4@abc', 'a5@abc'];
    for (const [i, name] of names.entries()) expect(await from(i % 2 ? two : one, '203.0.113.9', name)).toEqual(INVALID);
    expect(await from(two, '::ffff:203.0.113.9', 'a6@abc')).toEqual({ refused: 'address', retryAfterSeconds: 15 * 60 });
    expect(await from(one, '203.0.113.10', 'a6@abc')).toEqual(INVALID);

    for (let i = 0; i < limits.perAddress; i++) expect(await from(one, `2001:db8:1:2::${i + 1}`, `b${i}@abc`)).toEqual(INVALID);
    expect(await from(two, '2001:db8:1:2:ffff:ffff:ffff:ffff', 'b9@abc')).toEqual({ refused: 'address', retryAfterSeconds: 15 * 60 });
    expect(await from(two, '2001:db8:1:3::1', 'b9@abc')).toEqual(INVALID);
  });

  it('stores no name that is not a sign-in name: a password typed into the name field is not kept', async () => {
    const keys = (await database.db.select().from(signInAttemptWindows)).map((w) => w.key);
    expect(keys).toContain('a1@abc');
    expect(keys).toContain('203.0.113.9');
    expect(keys).toContain('2001:db8:1:2::/64');
    expect(keys.join(' ')).not.toContain('not even a name');
  });

  it(`unlockAccount: an approver ends a lockout (after ${MAX_FAILED_SIGN_INS} failures) and the name's window, audited, with the password unchanged`, { timeout: SLOW }, async () => {
    clock.advanceHours(1);
    // Room for the lockout's ten failures; unlocking must also clear a full window of attempts.
    const roomy = depsFor(database.db, { now: clock.now, settings: { ...settings, signInLimits: { ...limits, perAccount: MAX_FAILED_SIGN_INS, perAddress: 1000 } } });
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) await signIn(roomy, { signInName: 'jdoe3@abc', password: `wrong ${i}` });
    const locked = await storedUser(database.db, 'jdoe3');
    expect(locked?.lockedUntil?.getTime()).toBeGreaterThan(clock.now().getTime());
    expect(await outcome(signIn(roomy, { signInName: 'jdoe3@abc', password: DEFAULT }))).toEqual({ refused: 'account', retryAfterSeconds: 15 * 60 });

    // Not an approver: refused on the field, nothing changes.
    await expectIssue(unlockAccount(roomy, access, requester, { username: 'jdoe3' }), 'username', 'not_allowed');
    expect(await storedUser(database.db, 'jdoe3')).toEqual(locked);
    await expectIssue(unlockAccount(roomy, access, { id: APPROVER, portalAdmin: false }, { username: 'nobody' }), 'username', 'not_found');
    await expect(unlockAccount(roomy, access, { id: APPROVER, portalAdmin: false }, {})).rejects.toBeInstanceOf(InvalidInput);

    const unlocked = await unlockAccount(roomy, access, { id: APPROVER, portalAdmin: false }, { username: 'JDOE3' });
    expect(unlocked).toEqual({ username: 'jdoe3', wasLocked: true, failedSignIns: MAX_FAILED_SIGN_INS });
    const after = await storedUser(database.db, 'jdoe3');
    expect(after).toEqual({ ...locked, failedSignIns: 0, lockedUntil: null });
    expect(after?.passwordHash).toBe(locked?.passwordHash);

    // The same one-time password signs in at once, on the other instance too.
    expect(await signIn(two, { signInName: 'jdoe3@abc', password: DEFAULT })).toEqual({ ok: true, passwordChangeRequired: true });

    const trail = await auditTrailOf(database.db, 'user', after!.id);
    const entry = trail.find((e) => e.action === 'user.unlocked');
    expect(entry).toMatchObject({ actor: APPROVER, details: { username: 'jdoe3', wasLocked: true, failedSignIns: MAX_FAILED_SIGN_INS, lockedUntil: locked!.lockedUntil!.toISOString(), unlockedAt: clock.now().toISOString() } });
    expect(entry?.at).toBeInstanceOf(Date);
    expect(JSON.stringify(trail)).not.toContain('scrypt$');
  });

  it('unlockAccount of an account that is not locked changes nothing but says so, and is audited', async () => {
    const before = await storedUser(database.db, 'jdoe4');
    expect(await unlockAccount(one, access, { id: APPROVER, portalAdmin: false }, { username: 'jdoe4' })).toEqual({ username: 'jdoe4', wasLocked: false, failedSignIns: 0 });
    expect(await storedUser(database.db, 'jdoe4')).toEqual(before);
    expect((await auditTrailOf(database.db, 'user', before!.id)).at(-1)).toMatchObject({ action: 'user.unlocked', actor: APPROVER });
  });

  it('endLockout (an unlock, a reset): the lock, its failures and that name\'s window end; other windows and the password stay', async () => {
    const user = await userThroughApproval(one, requester, janeDoe({ username: 'jdoe5' }));
    const until = new Date(clock.now().getTime() + 3_600_000);
    await database.db.update(users).set({ failedSignIns: 10, lockedUntil: until }).where(eq(users.id, user.id));
    const windowEndsAt = new Date(clock.now().getTime() + 600_000);
    await database.db.insert(signInAttemptWindows).values([
      { scope: 'account', key: 'jdoe5@abc', attempts: 3, windowEndsAt },
      { scope: 'account', key: 'someone-else@abc', attempts: 2, windowEndsAt },
      { scope: 'address', key: '198.51.100.7', attempts: 2, windowEndsAt },
    ]);
    const before = await storedUser(database.db, 'jdoe5');
    expect(lockHolds(before?.lockedUntil, clock.now())).toBe(true);

    const after = await database.db.transaction((tx) => endLockout(tx, user, settings.tenantSuffix));
    expect(after).toMatchObject({ id: user.id, failedSignIns: 0, lockedUntil: null, passwordHash: before?.passwordHash });
    expect(await storedUser(database.db, 'jdoe5')).toEqual({ ...before, failedSignIns: 0, lockedUntil: null });
    const keys = (await database.db.select().from(signInAttemptWindows)).map((w) => w.key);
    expect(keys).not.toContain('jdoe5@abc');
    expect(keys).toEqual(expect.arrayContaining(['someone-else@abc', '198.51.100.7']));
    expect(lockHolds(null, clock.now())).toBe(false);
    expect(lockHolds(new Date(clock.now().getTime() - 1), clock.now())).toBe(false);
  });
});
