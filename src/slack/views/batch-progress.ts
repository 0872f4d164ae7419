import type { KnownBlock } from '@slack/types';
import { mrkdwn } from './request-summary.js';

/** How far an import is: its rows, how many are finished (created or failed), how many failed. */
export interface BatchProgress {
  total: number;
  finished: number;
  failed: number;
}

const BAR_WIDTH = 10;

/**
 * "▓▓▓▓▓░░░░░": finished rows over all rows. The bar is full only when every row is finished, and
 * shows a first mark as soon as one is: a batch under way never looks as if it had not started.
 */
export function progressBar(finished: number, total: number, width = BAR_WIDTH): string {
  let done = 0;
  if (total > 0 && finished >= total) done = width;
  else if (total > 0 && finished > 0) done = Math.min(width - 1, Math.max(1, Math.floor((finished / total) * width)));
  return '▓'.repeat(done) + '░'.repeat(width - done);
}

/** "▓▓▓▓▓░░░░░ 104 / 200 · 2 failed", the line the approval message shows while an import runs and once it is done. */
export function batchProgressText(p: BatchProgress): string {
  const finished = Math.max(0, Math.min(p.finished, p.total));
  const failed = p.failed > 0 ? ` · ${p.failed} failed` : '';
  return `${progressBar(finished, p.total)} ${finished} / ${p.total}${failed}`;
}

/** The progress line as a block of the approval message. */
export function batchProgressBlock(p: BatchProgress): KnownBlock {
  const icon = p.finished >= p.total ? ':white_check_mark:' : ':gear:';
  return { type: 'context', elements: [mrkdwn(`${icon} ${batchProgressText(p)}`)] };
}
