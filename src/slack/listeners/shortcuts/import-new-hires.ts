import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { readAndCheckImport, sendProblemsToDm } from '../../flows/import.js';
import { assertTriggerFresh, BUSY_TEXT, modalRefusal, receivedTrigger, type ModalGate } from '../../flows/modal-trigger.js';
import { COMMAND } from '../../ids.js';
import { importConfirmModal, importNoticeModal } from '../../views/import-modal.js';

type Args = AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>;

/** The CSV attached to a message: the first file Slack calls csv, or whose name ends in .csv. */
function attachedCsv(message: MessageShortcut['message']): { id: string; name: string } | undefined {
  const files = (message as { files?: unknown }).files;
  if (!Array.isArray(files)) return undefined;
  for (const f of files as { id?: unknown; name?: unknown; filetype?: unknown }[]) {
    if (typeof f.id !== 'string') continue;
    const name = typeof f.name === 'string' ? f.name : '';
    if (f.filetype === 'csv' || /\.csv$/i.test(name)) return { id: f.id, name };
  }
  return undefined;
}

/**
 * "Import this new-hire CSV" on an HR post with a CSV attached: a modal opens at once (the trigger
 * lives 3 s, a check of a large file may take longer), then shows what the check found, with the
 * button to submit the valid rows. Nothing is stored until the requester presses it.
 */
export const importNewHires =
  (deps: SlackDeps, gate: ModalGate) =>
  async ({ ack, shortcut, client, respond }: Args): Promise<void> => {
    const trigger = receivedTrigger(shortcut.trigger_id);
    await ack();
    const userId = shortcut.user.id;
    if (!deps.access.canRequest(userId)) return void (await respond({ response_type: 'ephemeral', text: NOT_ALLOWED_TEXT }));
    const file = attachedCsv(shortcut.message);
    if (!file) return void (await respond({ response_type: 'ephemeral', text: `This message has no CSV file attached. Use ${COMMAND} import to upload one.` }));
    const release = gate.tryEnter();
    if (!release) return void (await respond({ response_type: 'ephemeral', text: BUSY_TEXT }));
    let viewId: string | undefined;
    try {
      assertTriggerFresh(trigger);
      const opened = await client.views.open({ trigger_id: trigger.id, view: importNoticeModal(`Checking ${file.name || 'the file'}…`) });
      viewId = opened.view?.id;
    } catch (err) {
      const known = modalRefusal(err);
      if (known) deps.logger.warn({ refusal: known.log }, `import shortcut: ${known.log}`);
      else deps.logger.error({ err }, 'could not open the import modal');
      return void (await respond({ response_type: 'ephemeral', text: known?.text ?? APOLOGY_TEXT }));
    } finally {
      release();
    }
    if (!viewId) return;
    let view;
    try {
      const outcome = await readAndCheckImport(deps, client, userId, file.id);
      if (!outcome.ok) view = importNoticeModal(outcome.problem);
      else {
        const sent = await sendProblemsToDm(deps, client, userId, outcome.fileName, outcome.checked);
        view = importConfirmModal({ fileName: outcome.fileName, checked: outcome.checked, metadata: { fileId: file.id }, problemsSentToDm: sent });
      }
    } catch (err) {
      const known = modalRefusal(err);
      if (!known) deps.logger.error({ err }, 'checking an import file from a message failed');
      view = importNoticeModal(known?.text ?? APOLOGY_TEXT);
    }
    await client.views.update({ view_id: viewId, view }).catch((err: unknown) => deps.logger.warn({ err }, 'could not show the import check'));
  };
