import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { notificationRows } from '../../src/db/repositories/notifications.js';
import { extensions, jobs, requests, userCollections, users } from '../../src/db/schema/index.js';
import type { Actor } from '../../src/services/context.js';
import { approveRequest } from '../../src/services/decide-request.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData, softphone } from '../support/fixtures.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

const approver: Actor = { id: 'U0APPROVER', portalAdmin: false };
const options = { allowSelfApproval: false, accountUrl: 'https://bot.example.com/account' };
const BURST = 12;

/**
 * Postgres connections are killed (pg_terminate_backend, as a failover or a DBA would) while a burst of
 * approvals runs. PGlite has no connections to kill: this file runs on Postgres only.
 */
describe.runIf(testDriver === 'postgres')('approvals while Postgres connections are killed', () => {
  let database: Database & { url?: string };
  let admin: postgres.Sql;

  beforeAll(async () => {
    database = await openTestDatabase({ poolSize: 8 });
    await seedDemoReferenceData(database.db);
    admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => undefined });
  });
  afterAll(async () => {
    await database?.close();
    await admin?.end();
  });

  it('leaves every request completed once or still pending (retryable), never half-done or duplicated', { timeout: 180_000 }, async () => {
    const deps = depsFor(database.db);
    const ids: string[] = [];
    for (let i = 0; i < BURST; i++) {
      const agent = i % 3 === 0;
      const input = janeDoe({ username: `burst${i}`, email: `burst${i}@example.com`, ...(agent ? { userType: 'agent' } : {}) });
      ids.push((await submitUserRequest(deps, requester, { kind: 'create_user', input, ...(agent ? { newExtension: softphone({ deviceName: `Burst ${i}` }) } : {}) })).id);
    }
    const dbName = new URL(database.url!).pathname.slice(1);

    // Kill every connection of the test database a few times while the approvals run.
    let killed = 0;
    const killer = (async () => {
      for (let round = 0; round < Number(process.env.KILL_ROUNDS ?? 15); round++) {
        await new Promise((r) => setTimeout(r, Number(process.env.KILL_EVERY_MS ?? 100)));
        const rows = await admin`select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
        killed += rows.filter((r) => r.ok === true).length;
      }
    })();
    // Unpatched, postgres.js 3.4.9 could leave a query on a killed connection unsettled, or throw from a
    // timer and end the process (porsager/postgres#1154, #1208). A bound keeps a regression from hanging the file.
    const within = <T,>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 20 s')), 20_000))]);
    const first = await Promise.allSettled(ids.map((id) => within(approveRequest(deps, approver, id, options))));
    await killer;
    expect(killed).toBeGreaterThan(0);
    const interrupted = first.filter((r) => r.status === 'rejected').length;
    const unanswered = first.filter((r) => r.status === 'rejected' && /no answer within/.test(String(r.reason))).length;
    // With the driver patched (patches/postgres+3.4.9.patch), a killed connection fails its query: none hangs.
    expect(unanswered).toBe(0);

    // Whatever was interrupted is retried on the same pool, as an approver clicking again would: the bot
    // lives on through the kills (the pool may still hold connections killed while idle: the first query
    // on each fails, the next one reconnects).
    for (const id of ids) {
      for (let attempt = 1; ; attempt++) {
        try {
          const [row] = await database.db.select().from(requests).where(eq(requests.id, id));
          if (row?.state === 'pending') expect((await approveRequest(deps, approver, id, options)).outcome).toBe('completed');
          break;
        } catch (err) {
          if (attempt >= 10) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }

    const rows = await database.db.select().from(requests).where(sql`${requests.id} in ${ids}`);
    expect(rows.map((r) => r.state).sort()).toEqual(Array(BURST).fill('completed'));
    const made = await database.db.select().from(users).where(sql`${users.username} like 'burst%'`);
    expect(made).toHaveLength(BURST);
    // No half-done work: every agent has exactly its one extension, every user its collections,
    // and every request exactly one set of notifications.
    const agents = made.filter((u) => u.agentId !== null);
    expect(agents).toHaveLength(BURST / 3);
    for (const agent of agents) expect(await database.db.select().from(extensions).where(eq(extensions.assignedUserId, agent.id))).toHaveLength(1);
    const orphanExtensions = await database.db.select().from(extensions).where(sql`${extensions.assignedUserId} is null and ${extensions.deviceName} like 'Burst %'`);
    expect(orphanExtensions).toHaveLength(0);
    for (const user of made) expect((await database.db.select().from(userCollections).where(eq(userCollections.userId, user.id))).length).toBeGreaterThan(0);
    const queued = await notificationRows(database.db, sql`${jobs.requestId} in ${ids}`);
    const perRequest = new Map<string, string[]>();
    for (const n of queued) perRequest.set(n.requestId!, [...(perRequest.get(n.requestId!) ?? []), n.topic]);
    for (const id of ids) expect(perRequest.get(id)?.sort()).toEqual(['request_completed', 'welcome_dm', 'welcome_email']);
    console.info(`[fault] ${BURST} approvals, ${killed} connections killed, ${interrupted} interrupted (failed, none hung) and retried on the same pool, 0 duplicated`);
  });
});
