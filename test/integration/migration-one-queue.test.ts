import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { openDatabase, type Database, type Db } from '../../src/db/client.js';
import { notificationsOfRequest, requeueDeadNotifications } from '../../src/db/repositories/notifications.js';
import { insertRequest } from '../../src/db/repositories/requests.js';
import { jobs } from '../../src/db/schema/index.js';
import { withDatabase } from '../support/global-setup.js';
import { testDriver } from '../support/test-db.js';

const MIGRATIONS = join(import.meta.dirname, '../../drizzle');
/** The last migration before the outbox moved into `jobs`. */
const BEFORE = '0016_find-covering-indexes';

interface Journal {
  entries: { idx: number; tag: string }[];
}

/** A migrations folder that stops at `last`: the database as an instance of the previous release left it. */
async function migrationsUpTo(last: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'provision-migrations-'));
  const journal = JSON.parse(await readFile(join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as Journal;
  const end = journal.entries.findIndex((e) => e.tag === last);
  if (end < 0) throw new Error(`no migration ${last}`);
  const entries = journal.entries.slice(0, end + 1);
  await mkdir(join(dir, 'meta'));
  await writeFile(join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const e of entries) await copyFile(join(MIGRATIONS, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  return dir;
}

/** Drizzle's own migrator on this driver, with the given folder (the app's migrate() always takes drizzle/). */
async function migrate(database: Database, migrationsFolder: string): Promise<void> {
  if (database.driver === 'pglite') {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(database.db as never, { migrationsFolder });
  } else {
    const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
    await run(database.db as never, { migrationsFolder });
  }
}

describe(`the outbox moves into the job queue (migration 0017, ${testDriver})`, () => {
  let database: Database;
  let db: Db;
  let partial: string;

  beforeAll(async () => {
    partial = await migrationsUpTo(BEFORE);
    if (testDriver === 'pglite') {
      database = await openDatabase({ driver: 'pglite' });
    } else {
      // An empty database of this run's own (the run's teardown drops every database named after its template).
      const adminUrl = process.env.TEST_DATABASE_URL!;
      const name = `${inject('postgresTemplate')}_mig_${randomBytes(4).toString('hex')}`;
      const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      try {
        await admin.unsafe(`create database "${name}"`);
      } finally {
        await admin.end();
      }
      database = await openDatabase({ driver: 'postgres', url: withDatabase(adminUrl, name), poolSize: 2 });
    }
    db = database.db;
    await migrate(database, partial);
  });
  afterAll(async () => {
    await database?.close();
    await rm(partial, { recursive: true, force: true });
  });

  it('carries every notification over as a notify.* job, keeping what the worker, the delivery line and Retry delivery read', async () => {
    const request = await insertRequest(db, { kind: 'create_user', payload: { username: 'migrated' }, requesterId: 'U0REQUESTER', createdAt: new Date('2026-11-30T09:00:00Z') });
    const queuedId = '00000000-0000-4000-8000-000000000001';
    const sentId = '00000000-0000-4000-8000-000000000002';
    const skippedId = '00000000-0000-4000-8000-000000000003';
    const deadId = '00000000-0000-4000-8000-000000000004';
    const erasedId = '00000000-0000-4000-8000-000000000005';
    // Rows as the previous release's outbox worker left them.
    await db.execute(sql`
      insert into notifications (id, dedupe_key, channel, topic, request_id, payload, state, attempts, run_after, leased_until, last_error, sent_at, created_at) values
      (${queuedId}, ${`request:${request.id}:welcome_email`}, 'email', 'welcome_email', ${request.id}, '{"to":{"address":"a@example.com"},"subject":"s","text":"t","html":"h"}', 'queued', 2,
        '2026-12-01T10:00:00Z', '2026-12-01T09:05:00Z', 'SMTP ECONNECTION', null, '2026-12-01T09:00:00Z'),
      (${sentId}, ${`request:${request.id}:welcome_dm`}, 'slack_dm', 'welcome_dm', ${request.id}, '{"email":"a@example.com","text":"hi","secretErased":true}', 'sent', 1,
        '2026-12-01T09:00:01Z', null, null, '2026-12-01T09:00:02Z', '2026-12-01T09:00:01Z'),
      (${skippedId}, ${`request:${request.id}:requester_approved`}, 'slack_dm', 'requester_approved', ${request.id}, '{"email":"b@example.com","text":"hi"}', 'skipped', 1,
        '2026-12-01T09:00:02Z', null, 'no Slack member has this email', null, '2026-12-01T09:00:02Z'),
      (${deadId}, ${`request:${request.id}:sign_in_reset_email`}, 'email', 'sign_in_reset_email', ${request.id}, '{"to":{"address":"a@example.com"},"subject":"s","text":"t","html":"h"}', 'dead', 12,
        '2026-12-01T09:00:03Z', null, 'SMTP 550 no such user', null, '2026-12-01T09:00:03Z'),
      (${erasedId}, ${`request:${request.id}:sign_in_reset_dm`}, 'slack_dm', 'sign_in_reset_dm', ${request.id}, '{"email":"a@example.com","text":"hi","secretErased":true}', 'dead', 12,
        '2026-12-01T09:00:04Z', null, 'chat.postMessage: invalid_auth', null, '2026-12-01T09:00:04Z'),
      ('00000000-0000-4000-8000-000000000006', 'reminder:x', 'slack_post', 'approval_reminder', null, '{"channel":"C0APPROVALS","text":"r"}', 'queued', 0,
        '2026-12-01T09:00:05Z', null, null, null, '2026-12-01T09:00:05Z')
    `);

    await migrate(database, MIGRATIONS);

    const rows = await db.select().from(jobs);
    expect(rows).toHaveLength(6);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(queuedId)).toMatchObject({
      kind: 'notify.email',
      dedupeKey: `request:${request.id}:welcome_email`,
      topic: 'welcome_email',
      requestId: request.id,
      state: 'queued',
      attempts: 2,
      runAfter: new Date('2026-12-01T10:00:00Z'),
      leasedUntil: new Date('2026-12-01T09:05:00Z'),
      lastError: 'SMTP ECONNECTION',
      result: null,
      finishedAt: null,
      createdAt: new Date('2026-12-01T09:00:00Z'),
      payload: { to: { address: 'a@example.com' }, subject: 's', text: 't', html: 'h' },
    });
    expect(byId.get(sentId)).toMatchObject({ kind: 'notify.slack_dm', state: 'done', result: { outcome: 'sent' }, finishedAt: new Date('2026-12-01T09:00:02Z'), payload: { secretErased: true } });
    expect(byId.get(skippedId)).toMatchObject({ kind: 'notify.slack_dm', state: 'done', result: { outcome: 'skipped', reason: 'no Slack member has this email' } });
    expect(byId.get(deadId)).toMatchObject({ kind: 'notify.email', state: 'dead', attempts: 12, lastError: 'SMTP 550 no such user' });
    expect(byId.get('00000000-0000-4000-8000-000000000006')).toMatchObject({ kind: 'notify.slack_post', topic: 'approval_reminder', requestId: null, state: 'queued' });

    // The outbox's own table and enums are gone.
    const left: unknown = await db.execute(
      sql`select (select count(*)::int from pg_class where relname = 'notifications') as tables, (select count(*)::int from pg_type where typname in ('notification_channel', 'notification_state')) as types`,
    );
    // PGlite answers { rows }, postgres.js the rows themselves.
    const [counts] = (Array.isArray(left) ? left : (left as { rows: unknown[] }).rows) as { tables: number; types: number }[];
    expect(counts).toEqual({ tables: 0, types: 0 });

    // What the approval message's delivery line reads, as before.
    expect((await notificationsOfRequest(db, request.id)).map((n) => [n.topic, n.channel, n.state, n.attempts, n.lastError, n.sentAt])).toEqual([
      ['welcome_email', 'email', 'queued', 2, 'SMTP ECONNECTION', null],
      ['welcome_dm', 'slack_dm', 'sent', 1, null, new Date('2026-12-01T09:00:02Z')],
      ['requester_approved', 'slack_dm', 'skipped', 1, 'no Slack member has this email', null],
      ['sign_in_reset_email', 'email', 'dead', 12, 'SMTP 550 no such user', null],
      ['sign_in_reset_dm', 'slack_dm', 'dead', 12, 'chat.postMessage: invalid_auth', null],
    ]);
    // Retry delivery puts the dead email back, and never the DM whose one-time password was erased.
    const now = new Date('2026-12-02T08:00:00Z');
    expect(await requeueDeadNotifications(db, request.id, ['sign_in_reset_email', 'sign_in_reset_dm'], now)).toEqual([{ id: deadId, topic: 'sign_in_reset_email' }]);
    const [requeued] = await db.select().from(jobs).where(eq(jobs.id, deadId));
    expect(requeued).toMatchObject({ state: 'queued', attempts: 0, runAfter: now, lastError: null });
  });
});
