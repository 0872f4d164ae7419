import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { neutralizeCsvCell } from '../text/csv-cell.js';
import { isInvalidInput } from '../domain/errors.js';
import { signInName } from '../domain/sign-in-name.js';
import { batchCounts, enqueueJobs, finishJob, jobsOfRequest, lockClaimedJob, type BatchCounts, type JobRow, type NewJob } from '../db/repositories/jobs.js';
import { enqueueNotifications, type NewNotification } from '../db/repositories/notifications.js';
import { findRequestById, lockRequest, type RequestRow } from '../db/repositories/requests.js';
import type { Db } from '../db/client.js';
import { importDoneNotice } from '../notifications/requester-notices.js';
import type { Actor, ServiceDeps } from './context.js';
import { decide } from './decide-request.js';
import { importBatchPayload, importRowPayload } from './import-payload.js';
import { parseInput } from './input.js';
import { DRAW_AGAIN, drawExtensionAgain, explainExecutionError, planRequest, writeUserPlan, type ExecutionPlan } from './request-execution.js';
import { welcomeOf } from './welcome.js';

/**
 * Carrying out an approved import (an `import_batch` request), in the background. Approval records the
 * decision and, in the same transaction, queues one job per row (`import_row`); the click is answered at
 * once. Each row is then carried out by the rules of a single create or clone request
 * (services/request-execution.ts): planned — checked again, its password hashed — before any
 * transaction, then written in one short transaction together with its welcome notices and its job's
 * done mark. So a crash or a restart resumes where it stopped, no row runs twice (the job's lease and
 * its fenced done mark), and a row that can no longer be done (its username or extension taken
 * meanwhile) fails alone, with the reason a single request would give. The row that finishes the batch
 * completes the request ("48 created, 2 failed"), tells the requester, and queues the results file.
 */

export type { JobRow } from '../db/repositories/jobs.js';

export const IMPORT_ROW_JOB = 'import_row';
/** Uploads the results CSV into the approval message's thread (slack/flows/import-results.ts). */
export const IMPORT_RESULTS_JOB = 'import_results';

const rowJobPayload = z.object({ requestId: z.uuid(), index: z.number().int().min(0) }).extend(importRowPayload.shape);

/** What became of one row, as its job stores it: the results file's line. Never a password or a hash. */
export const rowResult = z.object({
  row: z.number().int(),
  username: z.string(),
  outcome: z.enum(['created', 'failed']),
  signInName: z.string().nullable(),
  agentId: z.number().int().nullable(),
  extension: z.number().int().nullable(),
  reason: z.string().nullable(),
});
export type RowResult = z.output<typeof rowResult>;

/** The jobs an approved import queues, one per row, idempotent per (request, row). */
export function importRowJobs(request: Pick<RequestRow, 'id' | 'payload'>): NewJob[] {
  const { rows } = parseInput(importBatchPayload, request.payload);
  return rows.map((r, index) => ({
    kind: IMPORT_ROW_JOB,
    dedupeKey: `import:${request.id}:row:${String(index).padStart(5, '0')}`,
    requestId: request.id,
    payload: { requestId: request.id, index, row: r.row, kind: r.kind, payload: r.payload },
  }));
}

/**
 * Approves an import (the caller has checked it is pending and may be approved by this actor): the
 * decision and the rows' jobs in one transaction. Undefined when someone else decided it first.
 */
export async function startImport(deps: ServiceDeps, actor: Actor, requestId: string): Promise<{ started: RequestRow } | { alreadyDecided: RequestRow } | undefined> {
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const locked = await lockRequest(tx, requestId);
    if (!locked) return undefined;
    if (locked.state !== 'pending') return { alreadyDecided: locked };
    const approved = await decide(tx, actor, locked, 'approved', now, { approverId: actor.id, decidedAt: now });
    await enqueueJobs(tx, importRowJobs(approved));
    return { started: approved };
  });
}

/** A drawn extension number taken by another row first: plan again, a few times. */
const MAX_DRAWS = 5;

export interface RowDone {
  /** The batch was completed by this row (the last to finish). */
  completed: boolean;
  requestId: string;
  /** What this attempt recorded for the row; undefined when the job was no longer this worker's (another one carries it out). */
  result?: RowResult;
}

/**
 * The `import_row` handler: carries out one row and marks its job done in the same transaction. Throws
 * on trouble that is not about the row (the database is down): the job is retried after its backoff.
 */
export async function carryOutImportRow(deps: ServiceDeps, job: JobRow, options: { accountUrl: string }): Promise<RowDone> {
  const row = parseInput(rowJobPayload, job.payload);
  const batch = await findRequestById(deps.db, row.requestId);
  if (!batch) throw new Error(`import row ${job.id}: its request is gone`);
  if (batch.state !== 'approved' || !batch.approverId) {
    // Completed already (this row was finished by an earlier attempt whose mark we see now), or never approved.
    return finishRow(deps, job, batch, failedResult(row, 'The import is no longer being carried out'));
  }
  // The row as a single request of its own kind, made by the import's requester: the same checks, the same audit.
  const asRequest: RequestRow = { ...batch, kind: row.kind, payload: row.payload };
  const actor: Actor = { id: batch.approverId, portalAdmin: false };

  let plan: ExecutionPlan | undefined;
  for (let draw = 1; ; draw++) {
    try {
      // Drawn again after a collision, the plan keeps its checks and its hash: only the number changes.
      plan = plan ? await drawExtensionAgain(deps, plan) : await planRequest(deps, asRequest);
    } catch (err) {
      if (isInvalidInput(err)) return finishRow(deps, job, batch, failedResult(row, reasonOf(err)));
      throw err;
    }
    if (plan.kind !== 'user') throw new Error('an import row planned as something other than a user');
    const userPlan = plan;
    const now = deps.now();
    try {
      return await deps.db.transaction(async (tx) => {
        if (!(await lockClaimedJob(tx, job))) return { completed: false, requestId: batch.id };
        const { user, assigned } = await writeUserPlan(tx, actor, { ...userPlan, audit: { ...userPlan.audit, details: { ...userPlan.audit.details, importRow: row.row } } }, now);
        const welcome = welcomeOf(batch.id, user, { credential: userPlan.credential, oneTimePassword: userPlan.oneTimePassword, extensionNumber: assigned?.number ?? null }, { tenantSuffix: deps.settings.tenantSuffix, accountUrl: options.accountUrl });
        await enqueueNotifications(tx, welcome.notifications.map((n) => rowNotification(n, row.index)));
        const result: RowResult = {
          row: row.row,
          username: user.username,
          outcome: 'created',
          signInName: signInName(user.username, deps.settings.tenantSuffix),
          agentId: user.agentId,
          extension: assigned?.number ?? null,
          reason: null,
        };
        return settleRow(tx, deps, job, batch, result);
      });
    } catch (err) {
      const explained = await explainExecutionError(deps.db, err, userPlan);
      if (explained === DRAW_AGAIN && draw < MAX_DRAWS) continue;
      if (explained === DRAW_AGAIN) return finishRow(deps, job, batch, failedResult(row, 'Every free extension number was taken by other requests while this one was carried out; try again'));
      if (isInvalidInput(explained)) return finishRow(deps, job, batch, failedResult(row, reasonOf(explained)));
      throw explained;
    }
  }
}

/**
 * The row's last attempt failed on something not about the row (the database, each time): it fails
 * alone, so the batch still completes. Called by the job's handler before giving the attempt up.
 */
export async function giveUpImportRow(deps: ServiceDeps, job: JobRow): Promise<RowDone> {
  const row = parseInput(rowJobPayload, job.payload);
  const batch = await findRequestById(deps.db, row.requestId);
  if (!batch) throw new Error(`import row ${job.id}: its request is gone`);
  return finishRow(deps, job, batch, failedResult(row, 'Could not be carried out (an internal error, in the logs); try this one again'));
}

/**
 * A row's welcome notices, keyed by the row: the batch's ID alone would make every row's welcome email
 * one and the same. They are not tied to the request's ID either, so that the approval message lists the
 * import's own notices, not two per new user (their delivery is in the outbox, as every welcome's is).
 */
function rowNotification(n: NewNotification, index: number): NewNotification {
  const { requestId: _drop, ...rest } = n;
  return { ...rest, dedupeKey: `${n.dedupeKey}:row:${index}` };
}

function failedResult(row: z.output<typeof rowJobPayload>, reason: string): RowResult {
  return { row: row.row, username: row.payload.username, outcome: 'failed', signInName: null, agentId: null, extension: null, reason };
}

async function finishRow(deps: ServiceDeps, job: JobRow, batch: RequestRow, result: RowResult): Promise<RowDone> {
  return deps.db.transaction(async (tx) => {
    if (!(await lockClaimedJob(tx, job))) return { completed: false, requestId: batch.id };
    return settleRow(tx, deps, job, batch, result);
  });
}

/**
 * Marks the row's job done and, when it was the batch's last, completes the request — all in the row's
 * transaction. The request's row lock orders the rows' last steps, so exactly one of them sees every
 * other row finished (each counts after taking the lock, so it sees the rows committed before it).
 */
async function settleRow(tx: Db, deps: ServiceDeps, job: JobRow, batch: RequestRow, result: RowResult): Promise<RowDone> {
  if (!(await finishJob(tx, job, result, deps.now()))) throw new Error(`import row ${job.id}: lost its claim while locked`);
  const locked = await lockRequest(tx, batch.id);
  if (!locked || locked.state !== 'approved') return { completed: false, requestId: batch.id, result };
  const counts = await batchCounts(tx, batch.id, IMPORT_ROW_JOB);
  if (counts.finished < counts.total) return { completed: false, requestId: batch.id, result };
  const created = counts.total - counts.failed;
  const reason = importOutcomeText(counts);
  const actor: Actor = { id: locked.approverId ?? 'system', portalAdmin: false };
  const completed = await decide(tx, actor, locked, 'completed', deps.now(), { reason });
  const { fileName } = parseInput(importBatchPayload, completed.payload);
  await enqueueNotifications(tx, [importDoneNotice({ requestId: completed.id, requesterId: completed.requesterId, fileName, created, failed: counts.failed })]);
  await enqueueJobs(tx, [{ kind: IMPORT_RESULTS_JOB, dedupeKey: `import:${completed.id}:results`, requestId: completed.id, payload: { requestId: completed.id } }]);
  return { completed: true, requestId: batch.id, result };
}

/** "48 created, 2 failed": the completed import's reason, shown on the approval message. */
export function importOutcomeText(counts: Pick<BatchCounts, 'total' | 'failed'>): string {
  return `${counts.total - counts.failed} created, ${counts.failed} failed`;
}

/** How far an import is, for the approval message's progress bar. Undefined for a request that is not an import or has no rows queued yet. */
export async function importProgress(deps: Pick<ServiceDeps, 'db'>, request: Pick<RequestRow, 'id' | 'kind' | 'state'>): Promise<BatchCounts | undefined> {
  if (request.kind !== 'import_batch' || request.state === 'pending') return undefined;
  const counts = await batchCounts(deps.db, request.id, IMPORT_ROW_JOB);
  return counts.total > 0 ? counts : undefined;
}

/** The results of an import, row by row in the file's order: for the results file. */
export async function importResults(deps: Pick<ServiceDeps, 'db'>, requestId: string): Promise<{ request: RequestRow; fileName: string; rows: RowResult[] } | undefined> {
  const request = await findRequestById(deps.db, requestId);
  if (!request || request.kind !== 'import_batch') return undefined;
  const { fileName } = parseInput(importBatchPayload, request.payload);
  const jobs = await jobsOfRequest(deps.db, requestId, IMPORT_ROW_JOB);
  const rows = jobs.map((j) => {
    const parsed = rowResult.safeParse(j.result);
    if (parsed.success) return parsed.data;
    const p = rowJobPayload.safeParse(j.payload);
    // A dead row: given up after its last attempt (the database failed each time), with the error kept on the job.
    return { row: p.success ? p.data.row : 0, username: p.success ? p.data.payload.username : '', outcome: 'failed' as const, signInName: null, agentId: null, extension: null, reason: 'Could not be carried out (an internal error); see the logs' };
  });
  return { request, fileName, rows: rows.sort((a, b) => a.row - b.row) };
}

function reasonOf(err: { issues: readonly { message: string }[] }): string {
  return err.issues.map((i) => i.message).join('; ');
}

export const RESULTS_HEADER = ['username', 'sign-in name', 'agent ID', 'extension', 'outcome', 'reason'] as const;

/**
 * The results file: one line per row, in the file's order. Never a password, a hash or a device secret
 * (a row's result holds none); every cell through neutralizeCsvCell, so a spreadsheet reads no formula.
 */
export function importResultsCsv(rows: readonly RowResult[]): string {
  const cell = (v: string | number | null) => neutralizeCsvCell(v === null ? '' : String(v));
  return stringify([[...RESULTS_HEADER], ...rows.map((r) => [r.username, r.signInName, r.agentId, r.extension, r.outcome, r.reason].map(cell))]);
}

/** The results file's name: `class.csv` gives `class-results.csv`. */
export function resultsFileName(fileName: string): string {
  const base = fileName.replace(/\.csv$/i, '');
  return `${base}-results.csv`;
}
