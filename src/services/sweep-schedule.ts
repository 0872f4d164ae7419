import { enqueueJobs, rescheduleJob, type JobRow } from '../db/repositories/jobs.js';
import type { ServiceDeps } from './context.js';

/** The recurring sweep (slack/sweeper.ts): ONE row of the job queue, whatever the number of instances. */
export const SWEEP_KIND = 'sweep';
export const SWEEP_DEDUPE_KEY = 'recurring:sweep';

/** Makes sure the sweep's row exists (each instance at start: the first insert wins, the others are no-ops). Due now when new. */
export async function scheduleSweep(deps: Pick<ServiceDeps, 'db'>): Promise<void> {
  await enqueueJobs(deps.db, [{ kind: SWEEP_KIND, dedupeKey: SWEEP_DEDUPE_KEY, payload: {} }]);
}

/** The sweep's next run: its row queued again `intervalMs` from now, attempts reset. False when another instance took the row over. */
export function rescheduleSweep(deps: Pick<ServiceDeps, 'db' | 'now'>, job: JobRow, intervalMs: number): Promise<boolean> {
  return rescheduleJob(deps.db, job, new Date(deps.now().getTime() + intervalMs));
}
