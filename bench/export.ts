import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf } from '../src/db/client.js';
import { directoryExportRows } from '../src/db/repositories/directory-export.js';
import { directoryExportCsv, exportDirectory, EXPORT_MAX_ROWS } from '../src/services/export-directory.js';
import { settings } from '../test/support/fixtures.js';
import { median } from './cold-start.js';
import { seedUsers } from './database.js';
import { ms, type Row } from './report.js';

const RUNS = 5;
const USERS = 100_000;

/**
 * `BENCH_ONLY=export`: `/provision export status:all` over a directory of 100,000 users (seeded here
 * when the find scenario has not seeded one), through the service (read, audit row, CSV). Beside it the
 * read alone (directoryExportRows) and the CSV alone, so what each part costs shows; the machine is
 * shared, so the load average is printed with it.
 */
export async function exportBenchmark(databaseUrl: string, log: (line: string) => void): Promise<Row[]> {
  const database = await openDatabase({ driver: 'postgres', url: databaseUrl });
  try {
    const [{ n } = { n: 0 }] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from users`));
    if (n === 0) await seedUsers(databaseUrl, USERS);
    const deps = { db: database.db, settings, now: () => new Date() };
    const actor = { id: 'U0BENCH', portalAdmin: false };
    const total: number[] = [];
    const read: number[] = [];
    const write: number[] = [];
    let rowCount = 0;
    let bytes = 0;
    // The longest the event loop waited during the exports: how long another click's ack could be held up.
    const stall = monitorEventLoopDelay({ resolution: 10 });
    stall.enable();
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      const exported = await exportDirectory(deps, actor, { status: 'all' });
      total.push(performance.now() - t0);
      rowCount = exported.rowCount;
      bytes = Buffer.byteLength(exported.csv);
    }
    stall.disable();
    // The floors, measured after (the one-shot CSV holds the loop, which is not the export's stall).
    for (let run = 0; run < RUNS; run++) {
      const t1 = performance.now();
      const rows = await directoryExportRows(database.db, { text: '', kind: 'all', siteKeys: [], departmentKeys: [], status: 'all', limit: EXPORT_MAX_ROWS + 1 });
      const t2 = performance.now();
      directoryExportCsv(rows, settings.tenantSuffix);
      write.push(performance.now() - t2);
      read.push(t2 - t1);
    }
    const load = loadavg()[0]?.toFixed(2);
    const p50 = median(total);
    const maxStall = stall.max / 1e6;
    log(`export: ${rowCount} rows, ${(bytes / 2 ** 20).toFixed(1)} MiB, in ${ms(p50)} ms (p50 of ${RUNS}); read alone ${ms(median(read))} ms, CSV alone ${ms(median(write))} ms; longest event-loop stall ${ms(maxStall)} ms; load ${load}`);
    return [
      {
        scenario: `Export: ${rowCount.toLocaleString('en-US')} users as CSV (read + audit + CSV)`,
        p50,
        floor: `read ${ms(median(read))} ms + CSV ${ms(median(write))} ms`,
        ratio: `${ms(p50)} ms, ${(bytes / 2 ** 20).toFixed(1)} MiB; event loop held at most ${ms(maxStall)} ms`,
        note: `load average ${load}`,
      },
    ];
  } finally {
    await database.close();
  }
}
