import type { KnownBlock, ModalView } from '@slack/types';
import { CHANGE_REASON_MAX_LENGTH } from '../../services/lifecycle-payload.js';
import { clipText } from '../../text/clip.js';
import { mrkdwnLiteral } from '../../text/mrkdwn.js';
import { BLOCKS, VIEWS } from '../ids.js';
import { inputBlock, option, plain } from './form-kit.js';
import { mrkdwn } from './request-summary.js';

/** The user as the offboarding and reactivation modals show them. */
export interface ChangeTargetView {
  id: number;
  username: string;
  firstName: string;
  lastName: string;
  version: number;
  extensionNumber: number | null;
}

/** "Now" and "At a date and time": the values of the When radio buttons. */
export const WHEN_NOW = 'now';
export const WHEN_AT = 'at';

/** `<user id>:<version>`: the private_metadata of a modal about one user, and a Person option's value. */
export function targetRef(t: Pick<ChangeTargetView, 'id' | 'version'>): string {
  return `${t.id}:${t.version}`;
}

export function parseTargetRef(text: string | null | undefined): { userId: number; version: number } | undefined {
  const m = /^(\d{1,10}):(\d{1,10})$/.exec(text ?? '');
  if (!m) return undefined;
  const userId = Number(m[1]);
  const version = Number(m[2]);
  return userId > 0 && version > 0 ? { userId, version } : undefined;
}

export function whoText(t: Pick<ChangeTargetView, 'username' | 'firstName' | 'lastName'>): string {
  const name = `${t.firstName} ${t.lastName}`.trim();
  return name ? `${t.username} (${name})` : t.username;
}

export type DeactivateModalInput =
  | { target: ChangeTargetView }
  | { candidates: ChangeTargetView[]; more: boolean; intro: string }
  | { problem: string };

const TITLE = plain('Offboard a person');

/**
 * The offboarding modal: whom (fixed, or picked among the people a leaver post matched), a reason
 * for the approvers, and when: now (at approval) or at a date and time, in the reader's own time zone
 * (Slack's datetimepicker). When nobody can be offboarded it says why, with nothing to submit.
 */
export function deactivateModal(input: DeactivateModalInput): ModalView {
  if ('problem' in input) {
    return {
      type: 'modal',
      callback_id: VIEWS.deactivate,
      title: TITLE,
      close: plain('Close'),
      blocks: [{ type: 'section', text: mrkdwn(`:warning: ${mrkdwnLiteral(clipText(input.problem, 2500))}`) }],
    };
  }
  const blocks: KnownBlock[] = [];
  let metadata = '';
  if ('target' in input) {
    metadata = targetRef(input.target);
    blocks.push({ type: 'section', text: mrkdwn(`*${mrkdwnLiteral(clipText(whoText(input.target), 200))}*\n${consequences(input.target.extensionNumber)}`) });
  } else {
    const options = input.candidates.map((c) => option(`${whoText(c)}${c.extensionNumber === null ? '' : ` · ext ${c.extensionNumber}`}`, targetRef(c)));
    const more = input.more ? ' Only the first ones are listed: if the person is not among them, use `/provision deactivate <username>`.' : '';
    blocks.push(
      { type: 'section', text: mrkdwn(`${mrkdwnLiteral(clipText(input.intro, 500))}${mrkdwnLiteral(more)}`) },
      inputBlock(BLOCKS.offboardPerson, 'Person', { type: 'static_select', options }),
      { type: 'context', elements: [mrkdwn(consequences(null))] },
    );
  }
  blocks.push(
    inputBlock(BLOCKS.offboardReason, 'Reason', { type: 'plain_text_input', multiline: true, max_length: CHANGE_REASON_MAX_LENGTH }, { hint: 'The approvers read this.' }),
    inputBlock(BLOCKS.offboardWhen, 'When', {
      type: 'radio_buttons',
      options: [option('Now, once approved', WHEN_NOW), option('At a date and time', WHEN_AT)],
      initial_option: option('Now, once approved', WHEN_NOW),
    }),
    inputBlock(BLOCKS.offboardAt, 'Date and time', { type: 'datetimepicker' }, { optional: true, hint: 'Only for "At a date and time": in your time zone. It is approved ahead and runs then.' }),
  );
  return { type: 'modal', callback_id: VIEWS.deactivate, private_metadata: metadata, title: TITLE, submit: plain('Request'), close: plain('Cancel'), blocks };
}

function consequences(extensionNumber: number | null): string {
  const extension = extensionNumber === null ? 'their extension is freed' : `extension ${extensionNumber} is freed`;
  return `Once approved: sign-in is refused, ${extension} and its device secret changed. The username, collections and history are kept.`;
}
