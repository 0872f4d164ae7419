import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { jobs } from '../../src/db/schema/index.js';
import { scheduleSweep, SWEEP_DEDUPE_KEY, SWEEP_KIND } from '../../src/services/sweep-schedule.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

const INTERVAL_MS = 300;
const started: TestBot[] = [];
afterEach(async () => {
  // The second instance first: it shares the first one's Slack double.
  for (const t of started.splice(0).reverse()) await t.close();
});

/** When each sweep pass began, from the instances' own logs, oldest first. */
function passes(...bots: TestBot[]): number[] {
  return bots
    .flatMap((t) => t.logs.filter((l) => l.msg === 'sweep done').map((l) => Date.parse(String(l.startedAt))))
    .sort((a, b) => a - b);
}

describe(`the sweep is one recurring job (${testDriver})`, () => {
  it('runs at start, then once per interval across instances: one row, never two passes within an interval', { timeout: 60_000 }, async () => {
    const options = { bot: { sweepIntervalMs: INTERVAL_MS, jobPollIntervalMs: 20 } };
    const startedAt = Date.now();
    const a = await startTestBot({}, options);
    started.push(a);
    // Two instances on one Postgres database; PGlite is one process, so there it is one instance.
    const b = a.databaseUrl ? await startTestBot({}, { ...options, sameAs: a }) : undefined;
    if (b) started.push(b);
    const bots = b ? [a, b] : [a];
    // Starting again (a third instance, a restart) adds no second row; it makes the sweep due now.
    await scheduleSweep({ db: a.db, now: () => new Date() });
    const allStarted = Date.now();

    await expect.poll(() => passes(...bots).length, { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(8);
    // One row, never finished: each pass queues it again (a pass may hold its lease right now).
    const rows = await a.db.select().from(jobs).where(eq(jobs.kind, SWEEP_KIND));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ dedupeKey: SWEEP_DEDUPE_KEY, state: 'queued', lastError: null });
    expect(rows[0]!.attempts).toBeLessThanOrEqual(1);
    for (const t of started.splice(0).reverse()) await t.close();

    const at = passes(...bots);
    // What fell due while no instance ran (everything, on a new database) is swept at the first start.
    expect(at[0]! - startedAt).toBeLessThan(20_000);
    // Once every instance has started (each start makes the sweep due at once): one pass per interval.
    const steady = at.filter((t) => t > allStarted);
    const gaps = steady.slice(1).map((t, i) => t - steady[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    // The next pass is due an interval after the previous one ENDED: no two passes an interval apart or less, whichever instance ran them.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(INTERVAL_MS);
    if (b) console.info(`[sweep] ${at.length} passes in ${at[at.length - 1]! - at[0]!} ms across two instances: ${passes(a).length} by A, ${passes(b).length} by B; shortest gap ${Math.min(...gaps)} ms`);

  });
});
