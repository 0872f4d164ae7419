import { loadavg } from 'node:os';
import { and, eq, inArray, like, notInArray, sql } from 'drizzle-orm';
import type { RunningBot } from '../src/bot.js';
import type { Config } from '../src/config.js';
import { rowsOf } from '../src/db/client.js';
import { jobs, requests } from '../src/db/schema/index.js';
import type { ServiceDeps } from '../src/services/context.js';
import { approveRequest } from '../src/services/decide-request.js';
import type { Loadgen } from './loadgen-client.js';
import { median } from './cold-start.js';
import { ms, times, type Row } from './report.js';
import { approveClick, APPROVER, fillTemplate, signedHeaders, type BodyTemplate } from './slack-payloads.js';

/**
 * ─── HOOK: approval benchmarks ───────────────────────────────────────────────────────────────────
 * "Approval → user created + notifications queued" (one at a time) and "N requests approved as fast
 * as the bot allows" (bulk). Takes the running bot. The requests are submitted through the bot's own
 * New User modal (no typed password, so the default password is hashed at approval), then approved
 * by an approver (APPROVER_IDS) clicking `approve_request` (value = request ID) on the approval
 * message in APPROVALS_CHANNEL. When the bot does not (yet) carry out such a click, the same work is
 * measured one level down, through services/decide-request.ts approveRequest(), and the rows say so.
 */
export interface ApprovalContext {
  bot: RunningBot;
  config: Config;
  /** The bot's origin, http://127.0.0.1:<port>. */
  origin: string;
  load: Loadgen;
  /** Makes the view_submission template of a valid New User request whose username starts with `prefix`. */
  newUserRequest(prefix: string): BodyTemplate;
  /** p50 of one scrypt hashPassword, measured alone (ms). */
  hashMs: number;
  cores: number;
  /** How many requests the bulk run approves. */
  bulk: number;
  /** Measure through approveRequest() even when the button works (BENCH_APPROVAL_VIA=service), to compare. */
  serviceOnly?: boolean;
  log(line: string): void;
}

const DECIDED = ['completed', 'failed', 'rejected', 'expired'] as const;
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/** Pending requests submitted through the New User modal, with their approval messages' ts (waited for up to 5 s). */
export async function submitRequests(ctx: Pick<ApprovalContext, 'bot' | 'origin' | 'load' | 'newUserRequest'>, prefix: string, count: number): Promise<{ id: string; ts: string | null }[]> {
  const result = await ctx.load.run({ origin: ctx.origin, connections: Math.min(10, count), amount: count, template: ctx.newUserRequest(prefix), expectInBody: 'clear' });
  if (result.ok - result.unexpected !== count) throw new Error(`only ${result.ok - result.unexpected} of ${count} submissions were accepted: ${result.sampleProblem ?? ''}`);
  const db = ctx.bot.database.db;
  const rows = () =>
    db
      .select({ id: requests.id, ts: requests.approvalTs })
      .from(requests)
      .where(and(like(sql`${requests.payload} ->> 'username'`, `${prefix}%`), eq(requests.state, 'pending')))
      .orderBy(requests.createdAt);
  // The approval messages are posted after the ack: give them a moment, then go on with or without.
  const deadline = Date.now() + 5000;
  let found = await rows();
  while (found.some((r) => !r.ts) && Date.now() < deadline) {
    await sleep(50);
    found = await rows();
  }
  return found;
}

async function states(ctx: ApprovalContext, ids: string[]): Promise<Map<string, string>> {
  const rows = await ctx.bot.database.db.select({ id: requests.id, state: requests.state }).from(requests).where(inArray(requests.id, ids));
  return new Map(rows.map((r) => [r.id, r.state]));
}

async function countDecided(ctx: ApprovalContext, ids: string[]): Promise<Record<string, number>> {
  const rows = await ctx.bot.database.db
    .select({ state: requests.state, n: sql<number>`count(*)::int` })
    .from(requests)
    .where(inArray(requests.id, ids))
    .groupBy(requests.state);
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

async function notificationsQueued(ctx: ApprovalContext, ids: string[]): Promise<number> {
  const [row] = await ctx.bot.database.db.select({ n: sql<number>`count(*)::int` }).from(jobs).where(and(inArray(jobs.requestId, ids), like(jobs.kind, 'notify.%')));
  return row?.n ?? 0;
}

/**
 * Polls until every request is decided; returns ms since `t0`. A bulk run asks every 100 ms, and only
 * about the requests still undecided, in one array parameter: the poll runs in the bot's process and
 * on its database, and asking for all of them every 25 ms (one parameter each) had cost about as much
 * CPU as a tenth of the approvals' own work. It can end up to 100 ms late (of a minute's run).
 */
async function untilDecided(ctx: ApprovalContext, ids: string[], t0: bigint, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  let undecided = ids;
  for (;;) {
    const rows = await ctx.bot.database.db
      .select({ id: requests.id })
      .from(requests)
      .where(and(sql`${requests.id} = any(${sql.param(undecided)}::uuid[])`, notInArray(requests.state, [...DECIDED])));
    if (rows.length === 0) return Number(process.hrtime.bigint() - t0) / 1e6;
    undecided = rows.map((r) => r.id);
    if (Date.now() > deadline) return undefined;
    await sleep(ids.length > 1 ? 100 : 2);
  }
}

/** One signed POST to /slack/events, sent from this process. */
async function sendOne(origin: string, template: BodyTemplate): Promise<{ status: number; ms: number }> {
  const body = fillTemplate(template, 0);
  const t = performance.now();
  const res = await fetch(`${origin}/slack/events`, { method: 'POST', headers: signedHeaders(body), body });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t };
}

function serviceDeps(ctx: ApprovalContext): ServiceDeps {
  const c = ctx.config;
  return {
    db: ctx.bot.database.db,
    now: () => new Date(),
    settings: { phoneDefaultCountry: c.phoneDefaultCountry, passwordPolicy: c.passwordPolicy, defaultPasswordTtlHours: c.defaultPasswordTtlHours, tenantSuffix: c.tenantSuffix, signInLimits: c.signIn.limits },
  };
}

const approveOptions = (ctx: ApprovalContext) => ({ allowSelfApproval: false, accountUrl: `${ctx.config.publicUrl}/account` });

/** The hash floor of anything that creates users: every core hashing, one default password each (users/s). */
export function hashFloorPerSec(cores: number, hashMs: number): number {
  return (cores / hashMs) * 1000;
}

/** Signed Approve clicks on these requests' approval messages, the i-th click on the i-th request. */
export function clickTemplate(ctx: Pick<ApprovalContext, 'load'>, reqs: { id: string; ts: string | null }[]): BodyTemplate {
  return approveClick(ctx.load.responseUrl, { requestId: reqs.map((r) => r.id), ts: reqs.map((r, i) => r.ts ?? `1700000000.${String(i).padStart(6, '0')}`) });
}

/**
 * CPU ms so far (Linux /proc): this process's main thread (the bot's event loop, and the bench's own
 * polls), its other threads (libuv's pool, i.e. the hashes, and V8's few helpers: Node 20 names them
 * all "node"), and the database's backends. Unlike times, these hold on a shared machine: what the
 * run costs beside its hashes.
 */
async function cpuNow(ctx: ApprovalContext): Promise<{ main: number; pool: number; pg: number }> {
  const { readFile, readdir } = await import('node:fs/promises');
  const msOf = async (path: string) => {
    const stat = await readFile(path, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
  };
  const out = { main: 0, pool: 0, pg: 0 };
  for (const tid of await readdir('/proc/self/task').catch(() => [] as string[])) {
    const t = await msOf(`/proc/self/task/${tid}/stat`);
    if (Number(tid) === process.pid) out.main += t;
    else out.pool += t;
  }
  const rows = await ctx.bot.database.db.execute<{ pid: number }>(sql`select pid from pg_stat_activity where datname = current_database()`);
  for (const { pid } of rowsOf<{ pid: number }>(rows)) out.pg += await msOf(`/proc/${pid}/stat`);
  return out;
}

export async function approvalBenchmarks(ctx: ApprovalContext): Promise<Row[]> {
  const rows: Row[] = [];
  const singles = 3;
  const pending = await submitRequests(ctx, 'apone', singles);
  const posted = pending.filter((r) => r.ts).length;
  ctx.log(`approval: ${pending.length} pending requests, ${posted} with an approval message`);

  // Probe: does the bot carry out an Approve click? (One request: sent from here, not through
  // autocannon, whose run only ends on its next 1 s tick.)
  const first = pending[0]!;
  const t0 = process.hrtime.bigint();
  const [click, probeMs] = await Promise.all([sendOne(ctx.origin, clickTemplate(ctx, [first])), untilDecided(ctx, [first.id], t0, Math.max(10_000, ctx.hashMs * 5))]);
  const probeState = (await states(ctx, [first.id])).get(first.id);
  const viaSlack = probeMs !== undefined && probeState === 'completed' && !ctx.serviceOnly;
  ctx.log(`approval: Approve click acked ${click.status} in ${ms(click.ms)} ms; request ${probeState}${probeMs === undefined ? ' (still, after the wait)' : ` after ${ms(probeMs)} ms`}`);
  if (probeState === 'failed') {
    const [row] = await ctx.bot.database.db.select({ reason: requests.reason }).from(requests).where(eq(requests.id, first.id));
    ctx.log(`approval: the request failed: ${row?.reason ?? '?'}`);
  }
  const mode = viaSlack ? 'Slack Approve click' : ctx.serviceOnly ? 'approveRequest() called directly' : 'approveRequest() (no working approve_request button yet)';

  // One at a time: click (or call) → request completed with its user and notifications in the outbox.
  const latencies: number[] = viaSlack && probeMs !== undefined ? [probeMs] : [];
  const deps = serviceDeps(ctx);
  const actor = { id: APPROVER, portalAdmin: false };
  for (const r of pending.slice(viaSlack ? 1 : 0)) {
    const start = process.hrtime.bigint();
    if (viaSlack) {
      const [, took] = await Promise.all([sendOne(ctx.origin, clickTemplate(ctx, [r])), untilDecided(ctx, [r.id], start, 30_000)]);
      if (took !== undefined) latencies.push(took);
    } else {
      const result = await approveRequest(deps, actor, r.id, approveOptions(ctx));
      if (result.outcome !== 'completed') ctx.log(`approval: approveRequest → ${result.outcome}${'reason' in result ? `: ${result.reason}` : ''}`);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  const singleStates = await countDecided(ctx, pending.map((r) => r.id));
  const queued = await notificationsQueued(ctx, pending.map((r) => r.id));
  const p50 = median(latencies);
  rows.push({
    scenario: `Approve → user created + notifications queued (${mode})`,
    clients: 1,
    p50,
    p99: Math.max(...latencies),
    floor: `hash ${ms(ctx.hashMs)} ms`,
    ratio: times(p50 / ctx.hashMs),
    note: `${latencies.length} samples (p99 = max); ${singleStates.completed ?? 0}/${pending.length} completed, ${queued} notifications queued`,
  });

  // Bulk: every click at once (50 at a time), until every request is decided.
  if (ctx.bulk > 0) {
    const bulk = await submitRequests(ctx, 'apbulk', ctx.bulk);
    const ids = bulk.map((r) => r.id);
    const timeout = 60_000 + (ctx.bulk * ctx.hashMs * 3) / ctx.cores;
    const cpu0 = await cpuNow(ctx);
    // How many cores hash, every 500 ms (the other threads' CPU ÷ time): 2 all along means no core waits for a hash.
    const busy: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      let last = { at: performance.now(), pool: cpu0.pool };
      while (sampling) {
        await sleep(500);
        const c = await cpuNow(ctx);
        const at = performance.now();
        busy.push((c.pool - last.pool) / (at - last.at));
        last = { at, pool: c.pool };
      }
    })();
    const start = process.hrtime.bigint();
    let acks = '';
    const decided = untilDecided(ctx, ids, start, timeout);
    if (viaSlack) {
      const clicks = await ctx.load.run({ origin: ctx.origin, connections: Math.min(50, ctx.bulk), amount: ctx.bulk, template: clickTemplate(ctx, bulk), timeoutSec: 60 });
      acks = `; click acks p50 ${ms(clicks.p50)} / p99 ${ms(clicks.p99)} ms${Object.keys(clicks.non2xx).length ? `, non-2xx ${JSON.stringify(clicks.non2xx)}` : ''}`;
    } else {
      let next = 0;
      const worker = async () => {
        while (next < ids.length) await approveRequest(deps, actor, ids[next++]!, approveOptions(ctx));
      };
      await Promise.all(Array.from({ length: Math.min(50, ids.length) }, worker));
    }
    const wallMs = await decided;
    sampling = false;
    await sampler;
    const cpu1 = await cpuNow(ctx);
    const per = (k: keyof typeof cpu0) => ((cpu1[k] - cpu0[k]) / ctx.bulk).toFixed(1);
    const cpuNote = `CPU per approval: main thread ${per('main')} ms, other threads (hashes) ${per('pool')} ms, Postgres ${per('pg')} ms`;
    ctx.log(`approval bulk: ${cpuNote}`);
    ctx.log(`approval bulk: cores hashing, every 500 ms: ${busy.map((x) => x.toFixed(1)).join(' ')}`);
    const counts = await countDecided(ctx, ids);
    // Delivered by then: what of the notifications' work (sends, approval-message refreshes) the run held.
    const [delivered] = await ctx.bot.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(jobs)
      .where(and(inArray(jobs.requestId, ids), like(jobs.kind, 'notify.%'), sql`${jobs.state} <> 'queued'`));
    acks += `; ${delivered?.n ?? 0} notifications settled by then; ${cpuNote}`;
    const bulkQueued = await notificationsQueued(ctx, ids);
    const usersPerSec = wallMs ? ((counts.completed ?? 0) / wallMs) * 1000 : Number.NaN;
    const floorPerSec = hashFloorPerSec(ctx.cores, ctx.hashMs);
    rows.push({
      scenario: `Bulk approve ${ctx.bulk} requests (${mode})`,
      clients: Math.min(50, ctx.bulk),
      throughput: `${usersPerSec.toFixed(2)} users/s`,
      floor: `${floorPerSec.toFixed(2)} hashes/s (${ctx.cores} cores / ${ms(ctx.hashMs)} ms)`,
      // Issue 12: users/s ÷ the hash floor, both from this run (the load slows both alike).
      ratio: `${(usersPerSec / floorPerSec).toFixed(2)} of the floor (${times(floorPerSec / usersPerSec)} its time)`,
      target: '≥ 0.9 of the floor',
      met: usersPerSec / floorPerSec >= 0.9,
      note: `load average ${loadavg()[0]?.toFixed(2)}; ${wallMs ? `${(wallMs / 1000).toFixed(1)} s` : 'timed out'}; ${counts.completed ?? 0} completed, ${counts.failed ?? 0} failed, ${bulkQueued} notifications queued${acks}`,
    });
  }
  return rows;
}
