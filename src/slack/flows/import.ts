import type { WebClient } from '@slack/web-api';
import { stringify } from 'csv-stringify/sync';
import { isInvalidInput } from '../../domain/errors.js';
import { checkImport, describeProblem, type CheckedImport } from '../../services/check-import.js';
import { readImportFile } from '../../services/import-file.js';
import { IMPORT_MAX_BYTES } from '../../services/import-payload.js';
import { submitImport } from '../../services/submit-import.js';
import { neutralizeCsvCell } from '../../text/csv-cell.js';
import { actorFor, type SlackDeps } from '../context.js';
import { downloadSharedFile, uploadTextFile } from '../files.js';
import { confirmAndAnnounce } from './submitted.js';

/**
 * An import as Slack sees it: the shared file read with the bot token, checked, the full list of
 * problems sent to the requester's DM as a file, and the valid rows stored as one request and posted
 * to the approvals channel the way every other request is.
 */

export type ReadOutcome = { ok: true; fileName: string; checked: CheckedImport } | { ok: false; problem: string };

const DOWNLOAD_PROBLEMS = {
  not_found: 'I could not find that file: upload it again',
  too_large: `This file is larger than ${IMPORT_MAX_BYTES / (1024 * 1024)} MiB: split it into smaller files`,
  not_downloadable: 'I could not download that file from Slack: upload it again in a moment',
} as const;

export async function readAndCheckImport(deps: SlackDeps, client: WebClient, userId: string, fileId: string): Promise<ReadOutcome> {
  const downloaded = await downloadSharedFile(client, fileId, IMPORT_MAX_BYTES);
  if (!downloaded.ok) return { ok: false, problem: DOWNLOAD_PROBLEMS[downloaded.reason] };
  const read = readImportFile(downloaded.content);
  if (!read.ok) return read;
  const checked = await checkImport(deps.services, actorFor(deps, userId), read.table, { findSlackMember: deps.findSlackMember });
  return { ok: true, fileName: downloaded.file.name, checked };
}

/** The full list of problems as a CSV in the requester's DM. False when it could not be sent (logged). */
export async function sendProblemsToDm(deps: SlackDeps, client: WebClient, userId: string, fileName: string, checked: CheckedImport): Promise<boolean> {
  if (checked.problems.length === 0) return true;
  try {
    const dm = await client.conversations.open({ users: userId });
    const channel = dm.channel?.id;
    if (!channel) throw new Error('conversations.open returned no channel');
    // A cell of the requester's own file comes back in the message: neutralised so a spreadsheet never runs it.
    const content = stringify([['row', 'column', 'problem'], ...checked.problems.map((p) => [String(p.row), p.column, p.message].map(neutralizeCsvCell))]);
    await uploadTextFile(client, {
      channel,
      filename: `${fileName.replace(/\.csv$/i, '')}-problems.csv`.slice(0, 200),
      content,
      initialComment: `${checked.invalidRows} of ${checked.totalRows} rows of ${fileName} have problems, for example: ${describeProblem(checked.problems[0] ?? { row: 0, column: 'file', message: '' })}`.slice(0, 3000),
    });
    return true;
  } catch (err) {
    deps.logger.warn({ err }, 'could not send the list of import problems to the requester');
    return false;
  }
}

/**
 * Stores the checked rows as one request, then (after the caller acknowledged) confirms it to the
 * requester and posts it for approval. A refusal (InvalidInput) comes back as its message.
 */
export async function storeImport(deps: SlackDeps, userId: string, fileName: string, checked: CheckedImport, leaveOutInvalid: boolean) {
  try {
    const submitted = await submitImport(deps.services, actorFor(deps, userId), { fileName, checked, leaveOutInvalid });
    return { ok: true as const, submitted };
  } catch (err) {
    if (isInvalidInput(err)) return { ok: false as const, problem: err.issues.map((i) => i.message).join('. ') };
    throw err;
  }
}

export async function announceImport(deps: SlackDeps, client: WebClient, userId: string, submitted: Awaited<ReturnType<typeof submitImport>>): Promise<void> {
  await confirmAndAnnounce(deps, client, userId, submitted);
}
