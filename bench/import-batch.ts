import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { RunningBot } from '../src/bot.js';
import { jobs, requests, users } from '../src/db/schema/index.js';
import { hashPassword } from '../src/domain/password-hash.js';
import { fillView, type SlackView } from '../test/support/fill-view.js';
import { newHireCsv, newHireRow } from '../test/support/import-files.js';
import { clickTemplate, hashFloorPerSec, submitRequests } from './approval.js';
import { median } from './cold-start.js';
import type { Loadgen } from './loadgen-client.js';
import type { RunResult } from './loadgen.js';
import { ms, times, type Row } from './report.js';
import { fillTemplate, REQUESTER, signedHeaders, slashCommand, viewSubmission, type BodyTemplate } from './slack-payloads.js';

/**
 * `BENCH_ONLY=import`, issue 11's batch targets, on the running bot and through Slack's own path: a
 * 200-row new-hire file shared in the double's workspace, `/provision import`, the modal submitted with
 * the file (signed, as Slack sends it), then an approver's signed Approve click on the batch's approval
 * message. Measured only as HTTP answers and database rows, so it does not care which worker carries
 * the rows out.
 *
 * 1. The batch alone: click → request completed (its last row done), as users/s against the hash floor
 *    (cores ÷ one default-password hash, measured beside it), with the process's RSS and JS heap
 *    sampled every 250 ms (the bot runs in this process): start / peak / end, start and end after a full GC.
 * 2. The ack of Approve clicks on other, single requests while a second batch runs (open loop, spread
 *    over the batch's run, from the load generator's process), against the same clicks with no batch.
 */
export interface ImportBatchContext {
  bot: RunningBot;
  origin: string;
  load: Loadgen;
  newUserRequest(prefix: string): BodyTemplate;
  cores: number;
  log(line: string): void;
}

/** Issue 11: a batch is carried out at ≥ 0.85 of the hash floor; clicks beside it are acked within 50 ms (p99). */
export const BATCH_TARGET_RATIO = 0.85;
export const CLICK_ACK_TARGET_MS = 50;
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 200);
const CLICKS = Number(process.env.BENCH_IMPORT_CLICKS ?? 50);
const SAMPLE_EVERY_MS = 250;
/** The file's plain users (no agent, no extension): every fifth row, the rest agents with a new extension. */
const PLAIN_USER = { user_type: 'non_agent', profile: 'Back Office (non-agent)', extension: '', device_type: '', collections: '' };

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));
const mib = (bytes: number) => bytes / 2 ** 20;
const load1 = () => loadavg()[0]!.toFixed(2);

function batchFile(first: number): { csv: string; usernames: string[] } {
  const csv = newHireCsv(ROWS, (i) => newHireRow(first + i, i % 5 === 0 ? PLAIN_USER : {}));
  return { csv, usernames: Array.from({ length: ROWS }, (_, i) => `hire${first + i + 1}`) };
}

/** One signed POST to /slack/events from this process; the answer's status, body and time. */
async function post(origin: string, template: BodyTemplate): Promise<{ status: number; text: string; ms: number }> {
  const body = fillTemplate(template, 0);
  const t = performance.now();
  const res = await fetch(`${origin}/slack/events`, { method: 'POST', headers: signedHeaders(body), body });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - t };
}

interface StoredBatch {
  id: string;
  ts: string;
  usernames: string[];
  /** The modal submission's ack: the file read and its rows checked before it. */
  submitAckMs: number;
}

/** Shares the file, opens `/provision import`, submits the modal with it, and waits for the batch's approval message. */
async function submitImportFile(ctx: ImportBatchContext, fileName: string, first: number): Promise<StoredBatch> {
  const { csv, usernames } = batchFile(first);
  const fileId = await ctx.load.addFile(fileName, csv);
  const opened = ((await ctx.load.stats()).counts['views.open'] ?? 0) + 1;
  const command = await post(ctx.origin, slashCommand('import'));
  if (command.status !== 200) throw new Error(`/provision import answered ${command.status}: ${command.text.slice(0, 300)}`);
  if ((await ctx.load.waitForCalls('views.open', opened)) < opened) throw new Error('/provision import opened no modal');
  const view = (await ctx.load.lastOpenedView()) as unknown as SlackView | null;
  if (!view) throw new Error('the double kept no view of /provision import');
  const submitted = await post(ctx.origin, viewSubmission({ ...view, id: 'V0IMPORT' }, fillView(view, { 'New-hire list (CSV)': fileId }), REQUESTER));
  if (!submitted.text.includes('"clear"')) throw new Error(`the import of ${fileName} was not stored: ${submitted.status} ${submitted.text.slice(0, 600)}`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = await ctx.bot.database.db
      .select({ id: requests.id, ts: requests.approvalTs })
      .from(requests)
      .where(and(eq(requests.kind, 'import_batch'), eq(requests.state, 'pending'), sql`${requests.payload} ->> 'fileName' = ${fileName}`));
    if (row?.ts) return { id: row.id, ts: row.ts, usernames, submitAckMs: submitted.ms };
    if (Date.now() > deadline) throw new Error(`the import of ${fileName} has no approval message${row ? '' : ' (and no pending request)'}`);
    await sleep(50);
  }
}

interface MemorySample {
  rss: number;
  heap: number;
}

/**
 * A full garbage collection, so that the end sample counts what the run left alive rather than
 * garbage V8 had not yet had a reason to collect (without it the heap's end figure is mostly that).
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** RSS and JS heap in use, every 250 ms until stopped (one sample at each end too, the last after a full GC). */
function sampleMemory(): { stop(): { start: MemorySample; peak: MemorySample; end: MemorySample; samples: number } } {
  const samples: MemorySample[] = [];
  const take = () => {
    const m = process.memoryUsage();
    samples.push({ rss: m.rss, heap: m.heapUsed });
  };
  collectGarbage();
  take();
  const timer = setInterval(take, SAMPLE_EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      take();
      collectGarbage();
      take();
      const peak = { rss: Math.max(...samples.map((s) => s.rss)), heap: Math.max(...samples.map((s) => s.heap)) };
      return { start: samples[0]!, peak, end: samples.at(-1)!, samples: samples.length };
    },
  };
}

interface BatchRun {
  wallMs: number;
  created: number;
  /** Why rows failed, from their jobs' results (the results file's reasons), with how many. */
  failures: string;
  state: string;
  reason: string | null;
  clickAck: { status: number; ms: number };
  memory: ReturnType<ReturnType<typeof sampleMemory>['stop']>;
}

/** The approver's signed click on the batch, then polls (100 ms) until the request is completed: its last row done. */
async function approveBatch(ctx: ImportBatchContext, batch: StoredBatch, beside?: () => Promise<unknown>): Promise<BatchRun> {
  const db = ctx.bot.database.db;
  const memory = sampleMemory();
  const t0 = performance.now();
  const click = await post(ctx.origin, clickTemplate(ctx, [batch]));
  const besideDone = beside?.();
  const deadline = Date.now() + 30 * 60_000;
  let row: { state: string; reason: string | null } | undefined;
  for (;;) {
    [row] = await db.select({ state: requests.state, reason: requests.reason }).from(requests).where(eq(requests.id, batch.id));
    if (row && row.state !== 'pending' && row.state !== 'approved') break;
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  const wallMs = performance.now() - t0;
  const mem = memory.stop();
  await besideDone;
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(inArray(users.username, batch.usernames));
  const reason = sql<string>`${jobs.result} ->> 'reason'`;
  const failed = await db
    .select({ reason, n: sql<number>`count(*)::int` })
    .from(jobs)
    .where(and(eq(jobs.requestId, batch.id), sql`${jobs.result} ->> 'outcome' = 'failed'`))
    .groupBy(reason);
  const failures = failed.map((f) => `${f.n} × "${f.reason}"`).join(', ');
  return { wallMs, created: count?.n ?? 0, failures, state: row?.state ?? '?', reason: row?.reason ?? null, clickAck: { status: click.status, ms: click.ms }, memory: mem };
}

/** Waits until none of these requests is pending or being carried out (their hashes done). */
async function untilSettled(ctx: ImportBatchContext, ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await ctx.bot.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(requests)
      .where(and(inArray(requests.id, ids), inArray(requests.state, ['pending', 'approved'])));
    if ((row?.n ?? 0) === 0 || Date.now() > deadline) return;
    await sleep(100);
  }
}

async function oneHash(times: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await hashPassword('Bench-Default-Pass-42!');
    out.push(performance.now() - t);
  }
  return out;
}

const memoryText = (m: BatchRun['memory']) =>
  `RSS ${mib(m.start.rss).toFixed(0)} / ${mib(m.peak.rss).toFixed(0)} / ${mib(m.end.rss).toFixed(0)} MiB, heap ${mib(m.start.heap).toFixed(0)} / ${mib(m.peak.heap).toFixed(0)} / ${mib(m.end.heap).toFixed(0)} MiB (start and end after a full GC / peak, ${m.samples} samples)`;

/**
 * "Flat": what the run leaves behind, not its peak (a hash in flight holds scrypt's 128 MiB outside the
 * JS heap; libuv runs four at a time). Heap and RSS at the end within 32 MiB of the start.
 */
const FLAT_MARGIN_MIB = 32;
const isFlat = (m: BatchRun['memory']) => mib(m.end.heap - m.start.heap) <= FLAT_MARGIN_MIB && mib(m.end.rss - m.start.rss) <= FLAT_MARGIN_MIB;

const ackProblems = (r: RunResult) =>
  [Object.keys(r.non2xx).length ? `non-2xx ${JSON.stringify(r.non2xx)}` : '', r.errors ? `${r.errors} errors` : '', r.ok < r.sent ? `${r.sent - r.ok} of ${r.sent} not acked` : ''].filter(Boolean).join(', ');

export async function importBatchBenchmarks(ctx: ImportBatchContext): Promise<Row[]> {
  const rows: Row[] = [];
  // Prepared first: the single requests whose Approve clicks are timed, with and without a batch running.
  const floorRequests = await submitRequests(ctx, 'ibquiet', CLICKS);
  const busyRequests = await submitRequests(ctx, 'ibbusy', CLICKS);
  const a = await submitImportFile(ctx, 'bench-batch-a.csv', 710_000);
  const b = await submitImportFile(ctx, 'bench-batch-b.csv', 720_000);
  ctx.log(`import batch: two ${ROWS}-row files stored (modal ack ${ms(a.submitAckMs)} / ${ms(b.submitAckMs)} ms), ${CLICKS} + ${CLICKS} single requests pending`);

  // 1. The batch alone, between two measures of one hash (the floor, in the same minute).
  const before = await oneHash(3);
  const runA = await approveBatch(ctx, a);
  const after = await oneHash(3);
  const hashMs = median([...before, ...after]);
  const floorPerSec = hashFloorPerSec(ctx.cores, hashMs);
  const usersPerSec = (runA.created / runA.wallMs) * 1000;
  const ratio = usersPerSec / floorPerSec;
  const loadA = load1();
  ctx.log(
    `import batch: ${runA.created}/${ROWS} created in ${(runA.wallMs / 1000).toFixed(1)} s = ${usersPerSec.toFixed(2)} users/s vs ${floorPerSec.toFixed(2)} hashes/s (one hash ${ms(hashMs)} ms: ${before.map(ms).join(', ')} before, ${after.map(ms).join(', ')} after) = ${ratio.toFixed(2)} of the floor; ${memoryText(runA.memory)}; ${runA.reason ?? runA.state} ${runA.failures}; load ${loadA}`,
  );
  rows.push({
    scenario: `Import: carry out a ${ROWS}-row batch (Approve click → last row done)`,
    clients: 1,
    throughput: `${usersPerSec.toFixed(2)} users/s`,
    floor: `${floorPerSec.toFixed(2)} hashes/s (${ctx.cores} cores / ${ms(hashMs)} ms)`,
    ratio: `${ratio.toFixed(2)} of the floor (${times(1 / ratio)} its time)`,
    target: `≥ ${BATCH_TARGET_RATIO} of the floor`,
    met: ratio >= BATCH_TARGET_RATIO && runA.created === ROWS,
    note: `load average ${loadA}; ${(runA.wallMs / 1000).toFixed(1)} s; ${runA.state}: ${runA.reason ?? '–'}${runA.failures ? ` (${runA.failures})` : ''}; ${ROWS / 5} plain users, ${ROWS - ROWS / 5} agents with a new extension; click acked ${runA.clickAck.status} in ${ms(runA.clickAck.ms)} ms; one hash ${before.map(ms).join(', ')} ms before, ${after.map(ms).join(', ')} after`,
  });
  rows.push({
    scenario: `Import: memory during the ${ROWS}-row batch (sampled every ${SAMPLE_EVERY_MS} ms)`,
    clients: 1,
    ratio: memoryText(runA.memory),
    target: `flat: end within ${FLAT_MARGIN_MIB} MiB of start (heap and RSS)`,
    met: isFlat(runA.memory),
    note: `the bot's process (the bench's orchestrator); a hash in flight holds scrypt's 128 MiB outside the heap; load average ${loadA}`,
  });

  // 2. Clicks on single requests, open loop, spread over most of a batch's run (the batch slows by
  //    their hashes too: one each); first with no batch, the floor.
  //    The pace expected is the faster of batch A's and the target's: a machine whose load drops
  //    between the two batches would otherwise send most clicks after batch B is done.
  const spreadSec = Math.max(5, (0.7 * (ROWS + CLICKS)) / Math.max(usersPerSec, BATCH_TARGET_RATIO * floorPerSec));
  const rate = CLICKS / spreadSec;
  const clicks = (reqs: { id: string; ts: string | null }[]) => ctx.load.run({ origin: ctx.origin, connections: 8, overallRate: rate, durationSec: CLICKS / rate, template: clickTemplate(ctx, reqs), timeoutSec: 60 });
  const quiet = await clicks(floorRequests);
  await untilSettled(ctx, floorRequests.map((r) => r.id), 120_000);
  const loadQuiet = load1();
  let busy: RunResult | undefined;
  const runB = await approveBatch(ctx, b, async () => {
    await sleep(1000);
    busy = await clicks(busyRequests);
  });
  await untilSettled(ctx, busyRequests.map((r) => r.id), 120_000);
  const loadBusy = load1();
  if (!busy) throw new Error('the clicks beside the batch did not run');
  const busyResult: RunResult = busy;
  ctx.log(
    `import batch: ${CLICKS} Approve clicks at ${rate.toFixed(2)}/s: ack p50 ${ms(busyResult.p50)} p99 ${ms(busyResult.p99)} ms beside the batch (${runB.created}/${ROWS} in ${(runB.wallMs / 1000).toFixed(1)} s, ${memoryText(runB.memory)}), p50 ${ms(quiet.p50)} p99 ${ms(quiet.p99)} ms alone; load ${loadQuiet} / ${loadBusy} ${ackProblems(busyResult)} ${ackProblems(quiet)}`,
  );
  rows.push({
    scenario: `Import: Approve click ack on other requests while a ${ROWS}-row batch runs`,
    clients: `${rate.toFixed(2)}/s`,
    p50: busyResult.p50,
    p99: busyResult.p99,
    floor: `no batch: p50 ${ms(quiet.p50)} p99 ${ms(quiet.p99)} ms`,
    ratio: `p99 ${ms(busyResult.p99)} ms, ${times(busyResult.p99 / quiet.p99)} the floor's`,
    target: `p99 ≤ ${CLICK_ACK_TARGET_MS} ms`,
    met: busyResult.p99 <= CLICK_ACK_TARGET_MS && !ackProblems(busyResult),
    note: [
      `${busyResult.ok} clicks over ${(busyResult.elapsedMs / 1000).toFixed(1)} s of the batch's ${(runB.wallMs / 1000).toFixed(1)} s (open loop, from the load generator), each approving a single request (one hash)`,
      `the batch beside them: ${runB.created}/${ROWS} at ${((runB.created / runB.wallMs) * 1000).toFixed(2)} users/s`,
      `load average ${loadQuiet} (floor) / ${loadBusy}`,
      ackProblems(busyResult),
      ackProblems(quiet) ? `floor: ${ackProblems(quiet)}` : '',
    ]
      .filter(Boolean)
      .join('; '),
  });
  return rows;
}
