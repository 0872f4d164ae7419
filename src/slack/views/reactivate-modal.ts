import type { ModalView } from '@slack/types';
import type { PasswordPolicy } from '../../domain/password.js';
import { CHANGE_REASON_MAX_LENGTH } from '../../services/lifecycle-payload.js';
import { clipText } from '../../text/clip.js';
import { mrkdwnLiteral } from '../../text/mrkdwn.js';
import { BLOCKS, VIEWS } from '../ids.js';
import { targetRef, whoText, type ChangeTargetView } from './deactivate-modal.js';
import { inputBlock, plain } from './form-kit.js';
import { mrkdwn } from './request-summary.js';

/** The reactivation modal: a confirmation of whom, what happens, and an optional note for the approvers. */
export function reactivateModal(input: { target: ChangeTargetView; passwordPolicy: PasswordPolicy }): ModalView {
  const password = input.passwordPolicy === 'random' ? 'a new random one-time password, sent by Slack DM' : 'a new one-time password under the default rule';
  return {
    type: 'modal',
    callback_id: VIEWS.reactivate,
    private_metadata: targetRef(input.target),
    title: plain('Reactivate a user'),
    submit: plain('Request'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `*${mrkdwnLiteral(clipText(whoText(input.target), 200))}*\nOnce approved they can sign in again with ${password}, and get the welcome email and DM again. ` +
            'Their old extension was freed when they left: they come back without one (an edit can assign one).',
        ),
      },
      inputBlock(BLOCKS.reactivateNote, 'Note for the approvers', { type: 'plain_text_input', multiline: true, max_length: CHANGE_REASON_MAX_LENGTH }, { optional: true }),
    ],
  };
}
