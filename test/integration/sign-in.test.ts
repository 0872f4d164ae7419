import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { auditEvents } from '../../src/db/schema/index.js';
import { InvalidInput } from '../../src/domain/errors.js';
import { changePassword, LOCK_MINUTES, MAX_FAILED_SIGN_INS, signIn } from '../../src/services/sign-in.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData, testClock } from '../support/fixtures.js';
import { expectIssue } from '../support/expect-issue.js';
import { storedUser } from '../support/queries.js';
import { deactivationThroughApproval } from '../support/through-approval.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { userRequestThroughApproval } from '../support/through-approval.js';
import { notificationsOfRequest } from '../../src/db/repositories/notifications.js';

const DEFAULT = 'Jd5555551234!!';
const NEW = 'Correct horse battery 9';
const INVALID = { ok: false, error: 'invalid_credentials' };
/** Every attempt runs scrypt at N = 2^17 (about a second on a loaded 2-core machine): the long tests get room. */
const SLOW = 180_000;

describe(`first sign-in (${testDriver})`, () => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoReferenceData(database.db);
  });
  afterAll(() => database.close());

  /** Jane Doe, 555-555-1234, created without a typed password, with a clock the test moves. */
  async function newJane(username: string) {
    const clock = testClock();
    const deps = depsFor(database.db, { now: clock.now });
    const { user, request } = await userRequestThroughApproval(deps, requester, janeDoe({ username }));
    expect((await auditTrailOf(database.db, 'user', user.id))[0]?.details).toMatchObject({ passwordKind: 'default' });
    // The sign-in name the requester is told, in the notice of the completed request.
    const notice = (await notificationsOfRequest(database.db, request.id)).find((n) => n.topic === 'request_completed');
    const created = { signInName: /\b[\w.-]+@abc\b/.exec(String((notice?.payload as { text?: string } | undefined)?.text))?.[0] };
    return { clock, deps, created, signInName: `${username}@abc` };
  }

  async function trail(username: string) {
    const row = await storedUser(database.db, username);
    return (await auditTrailOf(database.db, 'user', row!.id)).map((e) => ({ action: e.action, actor: e.actor, details: e.details as Record<string, unknown> }));
  }

  it('lets jdoe@abc sign in with the default password Jd5555551234!!, only to change it', async () => {
    const { deps, created } = await newJane('jdoe');
    expect(created.signInName).toBe('jdoe@abc');
    expect(await signIn(deps, { signInName: 'jdoe@abc', password: DEFAULT })).toEqual({ ok: true, passwordChangeRequired: true });
    // The username (and the suffix) ignore case and surrounding spaces; the password does not ignore case.
    expect(await signIn(deps, { signInName: '  JDoe@ABC ', password: DEFAULT }, { channel: 'web' })).toEqual({ ok: true, passwordChangeRequired: true });
    expect(await signIn(deps, { signInName: 'jdoe@abc', password: DEFAULT.toLowerCase() })).toEqual(INVALID);

    const events = await trail('jdoe');
    expect(events.map((e) => e.action)).toEqual(['user.created', 'user.sign_in', 'user.sign_in', 'user.sign_in_failed']);
    expect(events[1]).toMatchObject({ actor: 'sign-in', details: { username: 'jdoe', channel: 'api', passwordChangeRequired: true } });
    expect(events[2]?.details.channel).toBe('web');
    expect(events[3]?.details).toMatchObject({ reason: 'wrong_password', failedSignIns: 1 });
  });

  it('refuses a new password equal to the default, containing the username or too short, on the field, and changes nothing', async () => {
    const { deps, signInName } = await newJane('jdoe2');
    await expectIssue(changePassword(deps, { signInName, currentPassword: DEFAULT, newPassword: DEFAULT }), 'newPassword', 'password_is_default');
    await expectIssue(changePassword(deps, { signInName, currentPassword: DEFAULT, newPassword: 'my-JDOE2-password' }), 'newPassword', 'password_contains_username');
    await expectIssue(changePassword(deps, { signInName, currentPassword: DEFAULT, newPassword: 'short1!' }), 'newPassword', 'password_weak');
    // The seeds' default is refused even when typed with the country code (Jd15555551234!!).
    await expectIssue(changePassword(deps, { signInName, currentPassword: DEFAULT, newPassword: 'Jd15555551234!!' }), 'newPassword', 'password_is_default');

    expect(await storedUser(database.db, 'jdoe2')).toMatchObject({ passwordOneTime: true, passwordChangedAt: null });
    expect(await signIn(deps, { signInName, password: DEFAULT })).toEqual({ ok: true, passwordChangeRequired: true });
    const refusals = (await trail('jdoe2')).filter((e) => e.action === 'user.password_change_refused');
    expect(refusals.map((e) => e.details.code)).toEqual(['password_is_default', 'password_contains_username', 'password_weak', 'password_is_default']);
  });

  it('sets the new password once: the one-time password then works no more, the new one signs in with nothing due', async () => {
    const { deps, clock, signInName } = await newJane('jdoe3');
    clock.advanceHours(1);
    expect(await changePassword(deps, { signInName, currentPassword: DEFAULT, newPassword: NEW })).toEqual({ ok: true });

    expect(await storedUser(database.db, 'jdoe3')).toMatchObject({ passwordOneTime: false, passwordExpiresAt: null, passwordChangedAt: clock.now(), failedSignIns: 0 });
    expect(await signIn(deps, { signInName, password: DEFAULT })).toEqual(INVALID);
    expect(await changePassword(deps, { signInName, currentPassword: DEFAULT, newPassword: 'Another good password 7' })).toEqual(INVALID);
    expect(await signIn(deps, { signInName, password: NEW })).toEqual({ ok: true, passwordChangeRequired: false });
    // A chosen password does not expire with the one-time password's TTL.
    clock.advanceHours(24 * 30);
    expect(await signIn(deps, { signInName, password: NEW })).toEqual({ ok: true, passwordChangeRequired: false });

    const events = await trail('jdoe3');
    expect(events.find((e) => e.action === 'user.password_changed')?.details).toMatchObject({ channel: 'api', wasOneTime: true });
  });

  it('lets only one of two concurrent changes with the same one-time password win', async () => {
    const { deps, signInName } = await newJane('jdoe4');
    const results = await Promise.all([
      changePassword(deps, { signInName, currentPassword: DEFAULT, newPassword: 'First new password 1' }),
      changePassword(deps, { signInName, currentPassword: DEFAULT, newPassword: 'Second new password 2' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const winner = results[0]?.ok ? 'First new password 1' : 'Second new password 2';
    expect(await signIn(deps, { signInName, password: winner })).toEqual({ ok: true, passwordChangeRequired: false });
  });

  it('lets the one-time password expire after the TTL (72 hours), with the same outward answer as a wrong password', async () => {
    const { deps, clock, signInName } = await newJane('jdoe5');
    clock.advanceHours(72);
    clock.advanceHours(-1 / 60);
    expect(await signIn(deps, { signInName, password: DEFAULT })).toEqual({ ok: true, passwordChangeRequired: true });
    clock.advanceHours(1 / 60);
    expect(await signIn(deps, { signInName, password: DEFAULT })).toEqual(INVALID);
    expect(await changePassword(deps, { signInName, currentPassword: DEFAULT, newPassword: NEW })).toEqual(INVALID);
    const failures = (await trail('jdoe5')).filter((e) => e.action === 'user.sign_in_failed');
    expect(failures.map((e) => [e.details.attempt, e.details.reason])).toEqual([
      ['sign_in', 'password_expired'],
      ['password_change', 'password_expired'],
    ]);
  });

  it(`locks the account after exactly ${MAX_FAILED_SIGN_INS} failures in a row for ${LOCK_MINUTES} minutes; a success resets the count`, { timeout: SLOW }, async () => {
    const { deps, clock, signInName } = await newJane('jdoe6');
    const wrong = () => signIn(deps, { signInName, password: 'not the password' });

    for (let i = 0; i < MAX_FAILED_SIGN_INS - 1; i++) expect(await wrong()).toEqual(INVALID);
    expect(await storedUser(database.db, 'jdoe6')).toMatchObject({ failedSignIns: 9, lockedUntil: null });
    expect(await signIn(deps, { signInName, password: DEFAULT })).toEqual({ ok: true, passwordChangeRequired: true });
    expect((await storedUser(database.db, 'jdoe6'))?.failedSignIns).toBe(0);

    for (let i = 0; i < MAX_FAILED_SIGN_INS - 1; i++) await wrong();
    expect((await storedUser(database.db, 'jdoe6'))?.lockedUntil).toBeNull();
    await wrong();
    const locked = await storedUser(database.db, 'jdoe6');
    expect(locked).toMatchObject({ failedSignIns: 10, lockedUntil: new Date(clock.now().getTime() + LOCK_MINUTES * 60_000) });

    // Locked: the right password gets the same answer as any failure, and attempts neither count nor extend the lock.
    expect(await signIn(deps, { signInName, password: DEFAULT })).toEqual(INVALID);
    expect(await changePassword(deps, { signInName, currentPassword: DEFAULT, newPassword: NEW })).toEqual(INVALID);
    clock.advanceHours((LOCK_MINUTES - 1) / 60);
    expect(await wrong()).toEqual(INVALID);
    expect(await signIn(deps, { signInName, password: DEFAULT })).toEqual(INVALID);
    expect(await storedUser(database.db, 'jdoe6')).toMatchObject({ failedSignIns: 10, lockedUntil: locked!.lockedUntil });

    // Once the lock has run out, a failure starts a new run at 1, and the right password works again.
    clock.advanceHours(1 / 60);
    expect(await wrong()).toEqual(INVALID);
    expect(await storedUser(database.db, 'jdoe6')).toMatchObject({ failedSignIns: 1, lockedUntil: null });
    expect(await signIn(deps, { signInName, password: DEFAULT })).toEqual({ ok: true, passwordChangeRequired: true });
    expect(await storedUser(database.db, 'jdoe6')).toMatchObject({ failedSignIns: 0, lockedUntil: null });

    const failures = (await trail('jdoe6')).filter((e) => e.action === 'user.sign_in_failed');
    expect(failures.map((e) => e.details.reason)).toEqual([...Array<string>(2 * MAX_FAILED_SIGN_INS - 1).fill('wrong_password'), 'locked', 'locked', 'locked', 'locked', 'wrong_password']);
    expect(failures[2 * MAX_FAILED_SIGN_INS - 2]?.details).toMatchObject({ reason: 'wrong_password', failedSignIns: 10, lockedUntil: locked!.lockedUntil!.toISOString() });
    expect(failures.at(-1)?.details).toMatchObject({ failedSignIns: 1 });
  });

  it('counts concurrent failures without losing one (a single UPDATE … failed_sign_ins + 1)', { timeout: SLOW }, async () => {
    const { deps } = await newJane('jdoe8');
    const results = await Promise.all(Array.from({ length: MAX_FAILED_SIGN_INS }, () => signIn(deps, { signInName: 'jdoe8@abc', password: 'wrong' })));
    expect(results.every((r) => !r.ok)).toBe(true);
    const row = await storedUser(database.db, 'jdoe8');
    expect(row?.failedSignIns).toBe(MAX_FAILED_SIGN_INS);
    expect(row?.lockedUntil).not.toBeNull();
  });

  it('answers an unknown user exactly like a wrong password, after a slow hash all the same', { timeout: SLOW }, async () => {
    const { deps, signInName } = await newJane('jdoe9');
    const timed = async (name: string, password: string) => {
      const started = performance.now();
      const result = await signIn(deps, { signInName: name, password });
      return { result, ms: performance.now() - started };
    };
    await timed('nobody@abc', 'x'); // warm-up
    const wrong = [];
    const unknown = [];
    for (let i = 0; i < 3; i++) {
      wrong.push(await timed(signInName, 'wrong password'));
      unknown.push(await timed('nobody@abc', 'wrong password'));
    }
    for (const name of ['nobody@abc', 'jdoe9@xyz', 'jdoe9', '', 'Jd5555551234!!', 'a@b@abc']) {
      expect(await signIn(deps, { signInName: name, password: DEFAULT })).toEqual(INVALID);
    }
    for (const t of [...wrong, ...unknown]) expect(t.result).toEqual(INVALID);
    // Both run one scrypt verification (~100 ms+); an unknown user must not answer in a fraction of that.
    const fastest = (ts: { ms: number }[]) => Math.min(...ts.map((t) => t.ms));
    expect(fastest(unknown)).toBeGreaterThan(fastest(wrong) * 0.3);

    const unknownTrail = await auditTrailOf(database.db, 'user', 'unknown');
    expect(unknownTrail.length).toBeGreaterThanOrEqual(9);
    expect(unknownTrail.every((e) => e.action === 'user.sign_in_failed' && (e.details as { reason: string }).reason === 'unknown_user')).toBe(true);
    // The name is kept when it looks like one; a password typed into the name field is not.
    const names = unknownTrail.map((e) => (e.details as { attemptedSignInName?: string }).attemptedSignInName);
    expect(names).toContain('nobody@abc');
    expect(JSON.stringify(unknownTrail)).not.toContain('Jd5555551234');
  });

  it('refuses a deactivated user, even with the right password', async () => {
    const { deps, signInName } = await newJane('jdoe10');
    await deactivationThroughApproval(deps, requester, 'jdoe10');
    expect(await signIn(deps, { signInName, password: DEFAULT })).toEqual(INVALID);
    expect((await trail('jdoe10')).at(-1)?.details).toMatchObject({ reason: 'deactivated' });
  });

  it('refuses malformed input as field issues, before any check', async () => {
    const deps = depsFor(database.db);
    await expect(signIn(deps, { signInName: 'jdoe@abc' })).rejects.toBeInstanceOf(InvalidInput);
    await expectIssue(signIn(deps, { signInName: 'jdoe@abc', password: '' }), 'password', 'invalid_format');
    await expectIssue(changePassword(deps, { signInName: 'jdoe@abc', currentPassword: DEFAULT }), 'newPassword', 'required');
    await expectIssue(signIn(deps, { signInName: 'jdoe@abc', password: 'x'.repeat(2000) }), 'password', 'invalid_format');
  });

  it('never writes a password into the audit trail', async () => {
    const all = JSON.stringify(await database.db.select().from(auditEvents));
    for (const secret of [DEFAULT, NEW, 'not the password', 'First new password 1', 'Second new password 2', 'my-JDOE2-password']) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toContain('scrypt$');
  });
});
