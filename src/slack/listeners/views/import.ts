import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ReferenceDataMissing } from '../../../services/form-data.js';
import { APOLOGY_TEXT, NO_REFERENCE_DATA_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { announceImport, readAndCheckImport, sendProblemsToDm, storeImport } from '../../flows/import.js';
import { ACTIONS, BLOCKS } from '../../ids.js';
import { decodeImportMetadata, importConfirmModal, importNoticeModal } from '../../views/import-modal.js';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/**
 * `/provision import` submitted with its file. A file that cannot be used is one sentence on the
 * file field; a file whose every row passes is stored at once; a file with problems is refused as a
 * whole, and the modal turns into the list of problems with "Submit the N valid rows".
 */
export const importFileSubmitted =
  (deps: SlackDeps) =>
  async ({ ack, body, view, client }: Args): Promise<void> => {
    const userId = body.user.id;
    const onFile = (text: string) => ack({ response_action: 'errors', errors: { [BLOCKS.importFile]: text } });
    if (!deps.access.canRequest(userId)) return onFile(NOT_ALLOWED_TEXT);
    const files = view.state.values[BLOCKS.importFile]?.[ACTIONS.input]?.files ?? [];
    const fileId = files[0]?.id;
    if (!fileId) return onFile('Upload the CSV file of new hires');
    if (files.length > 1) return onFile('Upload one file at a time');
    let outcome;
    try {
      outcome = await readAndCheckImport(deps, client, userId, fileId);
    } catch (err) {
      if (err instanceof ReferenceDataMissing) return onFile(NO_REFERENCE_DATA_TEXT);
      deps.logger.error({ err }, 'checking an import file failed');
      return onFile(APOLOGY_TEXT);
    }
    if (!outcome.ok) return onFile(outcome.problem);
    const { checked, fileName } = outcome;
    if (checked.invalidRows > 0) {
      // The modal changes at once; the file of problems follows in the DM.
      const sent = sendProblemsToDm(deps, client, userId, fileName, checked);
      await ack({ response_action: 'update', view: importConfirmModal({ fileName, checked, metadata: { fileId }, problemsSentToDm: true }) });
      if (!(await sent)) deps.logger.warn({ userId }, 'import problems shown in the modal only');
      return;
    }
    const stored = await storeImport(deps, userId, fileName, checked, false).catch((err: unknown) => {
      deps.logger.error({ err }, 'storing an import failed');
      return { ok: false as const, problem: APOLOGY_TEXT };
    });
    if (!stored.ok) return onFile(stored.problem);
    await ack({ response_action: 'clear' });
    await announceImport(deps, client, userId, stored.submitted);
  };

/**
 * The second step submitted ("Submit the N valid rows", or the shortcut's "Submit N rows"): the file
 * is read and checked again (the directory may have changed), and its valid rows stored.
 */
export const importConfirmSubmitted =
  (deps: SlackDeps) =>
  async ({ ack, body, view, client }: Args): Promise<void> => {
    const userId = body.user.id;
    const say = (text: string) => ack({ response_action: 'update', view: importNoticeModal(text) });
    if (!deps.access.canRequest(userId)) return say(NOT_ALLOWED_TEXT);
    const metadata = decodeImportMetadata(view.private_metadata);
    if (!metadata) {
      deps.logger.warn({ userId }, 'refused an import step with unreadable private_metadata');
      return say('This form could not be read. Start again with /provision import.');
    }
    let stored;
    try {
      const outcome = await readAndCheckImport(deps, client, userId, metadata.fileId);
      if (!outcome.ok) return await say(outcome.problem);
      stored = await storeImport(deps, userId, outcome.fileName, outcome.checked, true);
    } catch (err) {
      if (err instanceof ReferenceDataMissing) return say(NO_REFERENCE_DATA_TEXT);
      deps.logger.error({ err }, 'submitting the valid rows of an import failed');
      return say(APOLOGY_TEXT);
    }
    if (!stored.ok) return say(stored.problem);
    await ack({ response_action: 'clear' });
    await announceImport(deps, client, userId, stored.submitted);
  };
