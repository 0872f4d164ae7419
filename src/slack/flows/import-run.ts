import type { WebClient } from '@slack/web-api';
import { mayShowProgress } from '../../services/approval-status.js';
import {
  carryOutImportRow,
  giveUpImportRow,
  IMPORT_RESULTS_JOB,
  IMPORT_ROW_JOB,
  importResults,
  importResultsCsv,
  resultsFileName,
  type JobRow,
} from '../../services/import-execution.js';
import type { SlackDeps } from '../context.js';
import { uploadTextFile } from '../files.js';
import { refreshApprovalMessage } from './approval.js';

type JobOutcome = { finished: true } | { finished?: false; result: Record<string, unknown> | null };

/**
 * The import's background jobs as the bot runs them (src/jobs/worker.ts calls them): a row is carried
 * out (services/import-execution.ts), then the approval message shows the progress — at most every 2 s
 * across instances, and always once the batch is complete; the results file goes into its thread.
 */
export function importJobHandlers(deps: SlackDeps, client: WebClient, options: { maxAttempts: number }): Record<string, (job: JobRow) => Promise<JobOutcome>> {
  return {
    [IMPORT_ROW_JOB]: async (job) => {
      let done;
      try {
        done = await carryOutImportRow(deps.services, job, { accountUrl: deps.accountUrl });
      } catch (err) {
        if (job.attempts < options.maxAttempts) throw err;
        deps.logger.error({ err, jobId: job.id, requestId: job.requestId }, 'an import row failed on its last attempt; it is reported as failed');
        done = await giveUpImportRow(deps.services, job);
      }
      // One line per row, from the instance that carried it out (pid and hostname are on every line).
      if (done.result) {
        const { row, outcome, reason } = done.result;
        deps.logger.info({ requestId: done.requestId, jobId: job.id, attempt: job.attempts, row, outcome, ...(reason ? { reason } : {}), completed: done.completed }, 'import row carried out');
      }
      if (done.completed || (await mayShowProgress(deps.services, done.requestId))) await refreshApprovalMessage(deps, client, done.requestId);
      return { finished: true };
    },
    [IMPORT_RESULTS_JOB]: async (job) => {
      const requestId = job.requestId;
      const results = requestId ? await importResults(deps.services, requestId) : undefined;
      if (!results) return { result: { skipped: 'no such import' } };
      const { request } = results;
      if (!request.approvalChannel || !request.approvalTs) throw new Error('the import has no approval message to answer in yet');
      // At least once: a crash between the upload and the done mark uploads the file again.
      await uploadTextFile(client, {
        channel: request.approvalChannel,
        threadTs: request.approvalTs,
        filename: resultsFileName(results.fileName),
        title: `Results of ${results.fileName}`,
        content: importResultsCsv(results.rows),
      });
      return { result: { rows: results.rows.length } };
    },
  };
}
