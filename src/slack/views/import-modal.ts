import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import { describeProblem, type CheckedImport } from '../../services/check-import.js';
import { IMPORT_COLUMNS, importTemplateCsv } from '../../services/import-file.js';
import { IMPORT_MAX_ROWS } from '../../services/import-payload.js';
import { clipText } from '../../text/clip.js';
import { mrkdwnLiteral } from '../../text/mrkdwn.js';
import { BLOCKS, COMMAND, VIEWS } from '../ids.js';
import { inputBlock, plain } from './form-kit.js';
import { mrkdwn } from './request-summary.js';

/** What the confirm step remembers: the file to read again (never its rows: a view holds 3,000 characters of metadata). */
export const importMetadata = z.object({ fileId: z.string().regex(/^F[A-Z0-9]{1,40}$/) });
export type ImportMetadata = z.output<typeof importMetadata>;

export function encodeImportMetadata(m: ImportMetadata): string {
  return JSON.stringify(m);
}

export function decodeImportMetadata(text: string | undefined): ImportMetadata | undefined {
  try {
    const parsed = importMetadata.safeParse(JSON.parse(text ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const TITLE = plain('Import new hires');

/** `/provision import`: one CSV file, the columns in the hint. */
export function importFileModal(): ModalView {
  return {
    type: 'modal',
    callback_id: VIEWS.importFile,
    title: TITLE,
    submit: plain('Check and submit'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `Upload one CSV with a header row and one row per new hire (at most ${IMPORT_MAX_ROWS}). Every row is checked as the New user form checks it; the valid file becomes one request for the approvers. ${mrkdwnLiteral(`${COMMAND} import template`)} gives the header and an example row.`,
        ),
      },
      inputBlock(BLOCKS.importFile, 'New-hire list (CSV)', { type: 'file_input', filetypes: ['csv'], max_files: 1 }, { hint: clipText(`Columns: ${IMPORT_COLUMNS.join(', ')}`, 150) }),
    ],
  };
}

/** Problems shown in the modal; the full list goes to the requester's DM as a file. */
export const PROBLEMS_SHOWN = 10;

/** A modal that only says something (checking, or a file that cannot be read), with nothing to submit. */
export function importNoticeModal(text: string): ModalView {
  return { type: 'modal', callback_id: VIEWS.importConfirm, title: TITLE, close: plain('Close'), blocks: [{ type: 'section', text: mrkdwn(mrkdwnLiteral(clipText(text, 2900))) }] };
}

/**
 * The second step: what the check found. A file with problems is refused as a whole unless the requester
 * presses "Submit the N valid rows"; a file with none (from the message shortcut) asks to submit its rows.
 */
export function importConfirmModal(input: { fileName: string; checked: CheckedImport; metadata: ImportMetadata; problemsSentToDm: boolean }): ModalView {
  const { checked } = input;
  const valid = checked.valid.length;
  const blocks: KnownBlock[] = [];
  const name = mrkdwnLiteral(clipText(input.fileName, 100));
  if (checked.invalidRows === 0) {
    blocks.push({ type: 'section', text: mrkdwn(`*${name}*: all ${valid} rows passed the checks. Submit them as one request for approval?`) });
  } else {
    blocks.push({
      type: 'section',
      block_id: BLOCKS.importProblems,
      text: mrkdwn(
        `*${name}*: ${checked.invalidRows} of ${checked.totalRows} rows have problems, so the file was not submitted.${valid > 0 ? ` You can fix the file and upload it again, or submit the ${valid} valid rows now and the others later.` : ' No row can be imported as it is: fix the file and upload it again.'}`,
      ),
    });
    const shown = checked.problems.slice(0, PROBLEMS_SHOWN).map((p) => `• ${escapedWithin(describeProblem(p), 290)}`);
    blocks.push({ type: 'section', text: mrkdwn(shown.join('\n')) });
    const more = checked.problems.length - shown.length;
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`${more > 0 ? `${more} more problems. ` : ''}${input.problemsSentToDm ? 'The full list is in your DM with me.' : 'I could not send the full list to your DM.'}`)],
    });
  }
  const view: ModalView = {
    type: 'modal',
    callback_id: VIEWS.importConfirm,
    title: TITLE,
    close: plain(valid > 0 ? 'Cancel' : 'Close'),
    private_metadata: encodeImportMetadata(input.metadata),
    blocks,
  };
  // Slack allows 24 characters on the button: "Submit 1000 valid rows" fits.
  if (valid > 0) view.submit = plain(checked.invalidRows === 0 ? `Submit ${valid} rows` : `Submit ${valid} valid rows`);
  return view;
}

/** `/provision import template`: the header and one example row in a code block, to copy into a spreadsheet. */
export function importTemplateMessage(): { text: string; blocks: KnownBlock[] } {
  const csv = importTemplateCsv();
  return {
    text: `The import template: ${IMPORT_COLUMNS.join(', ')}`,
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `*Import template.* Save this as a .csv file (or paste it into a spreadsheet), one row per new hire, then ${mrkdwnLiteral(`${COMMAND} import`)}. Only first_name, last_name and phone are required; an empty username is made from the name; extension is a free number or new; collections are names separated by ;.`,
        ),
      },
      { type: 'section', text: mrkdwn(`\`\`\`${mrkdwnLiteral(csv)}\`\`\``) },
    ],
  };
}

/** Escaped text of at most `max` characters: escaping can grow it five-fold (& → &amp;), so it is cut before. */
function escapedWithin(text: string, max: number): string {
  let kept = clipText(text, max);
  while (mrkdwnLiteral(kept).length > max && kept.length > 1) kept = clipText(kept, Math.floor(kept.length * 0.8));
  return mrkdwnLiteral(kept);
}
