import { ensureRecurringJob, rescheduleJob, type JobRow } from '../db/repositories/jobs.js';
import type { ServiceDeps } from './context.js';

/** The recurring sweep (slack/sweeper.ts): ONE row of the job queue, whatever the number of instances. */
export const SWEEP_KIND = 'sweep';
export const SWEEP_DEDUPE_KEY = 'recurring:sweep';

/**
 * Each instance at start: the sweep's one row exists (the first insert wins) and is due now, unless a
 * pass holds it. So a start sweeps what fell due while no instance ran, as the old per-instance start
 * pass did, and from then on the row runs once per interval across instances.
 */
export async function scheduleSweep(deps: Pick<ServiceDeps, 'db' | 'now'>): Promise<void> {
  await ensureRecurringJob(deps.db, { kind: SWEEP_KIND, dedupeKey: SWEEP_DEDUPE_KEY, dueBy: deps.now() });
}

/** The sweep's next run: its row queued again `intervalMs` from now, attempts reset. False when another instance took the row over. */
export function rescheduleSweep(deps: Pick<ServiceDeps, 'db' | 'now'>, job: JobRow, intervalMs: number): Promise<boolean> {
  return rescheduleJob(deps.db, job, new Date(deps.now().getTime() + intervalMs));
}
